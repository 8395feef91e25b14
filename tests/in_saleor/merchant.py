"""A configuration as a merchant runs it: every email replaced, holidays, a provider, a Dashboard URL.

Shared by the request-cost test and the hook-overhead benchmark, so both measure what a shop runs.
"""

from __future__ import annotations

from saleor_support_plugin.core import constants as c

# About 1 KB of handlebars per email, with the blocks and variables a merchant's template uses.
ITEMS = "<table>{{#each items}}<tr><td>{{name}}</td><td>&times; {{quantity}}</td></tr>{{/each}}</table>"
TEMPLATE_BODY = (
    "<div style='font-family: sans-serif; color: #222'>"
    "<h1>{{#if customer_first_name}}Hello {{customer_first_name}},{{else}}Hello,{{/if}}</h1>"
    "<p>Thank you for shopping with us. This message is about order {{order_number}}{{case_number}}.</p>"
    "{{ITEMS}}"
    "{{#if body_html}}<blockquote>{{{body_html}}}</blockquote>{{/if}}"
    "<p>{{#if revised_date}}We now expect it by {{revised_date}}.{{/if}}"
    "{{#if first_response_due}} We will answer by {{first_response_due}}.{{/if}}</p>"
    "<p>Questions? Write to {{support_email}} or call {{support_phone}} ({{support_hours}}).</p>"
    "<footer style='font-size: 12px; color: #777'>Acme Outdoor GmbH · Hauptstraße 1 · 10115 Berlin · "
    "Registered at Amtsgericht Berlin-Charlottenburg HRB 123456 · VAT ID DE123456789. You receive this email "
    "because you placed an order with us. Our privacy policy explains how we process your data.</footer></div>"
)


def merchant_configuration() -> dict[str, str]:
    values = {
        "email_provider": "postmark",
        "email_provider_api_key": "pm-server-token-0123456789",
        "sender_address": "support@shop.example",
        "sender_name": "Acme Support",
        "support_email": "help@shop.example",
        "support_phone": "+49 30 1234567",
        "support_hours": "Mon-Fri 9:00-17:00 CET",
        "store_timezone": "Europe/Berlin",
        "holidays": "\n".join(["2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31", "2027-01-01", "2027-04-02"]),
        "reply_domain": "reply.shop.example",
        "dashboard_url": "https://dashboard.shop.example/",
        "staff_inbox": "team@shop.example",
    }
    for name in c.EMAIL_TEMPLATE_NAMES:
        values[c.subject_field(name)] = (
            "[Acme] {{#if order_number}}Order {{order_number}}{{else}}Case {{case_number}}{{/if}}"
        )
        # Only the delay notice has the order's items.
        values[c.body_field(name)] = TEMPLATE_BODY.replace("{{ITEMS}}", ITEMS if name == "delay_notice" else "")
    return values
