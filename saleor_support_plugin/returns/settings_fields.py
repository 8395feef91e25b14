"""The return policy's fields on the plugin's Dashboard page: labels and help (`plugin.CONFIG_STRUCTURE`).

Saleor's field types as their string values, so the capability does not import Saleor."""

from __future__ import annotations

from typing import Any

from saleor_support_plugin.core import return_policy as p

STRING, MULTILINE, BOOLEAN = "String", "Multiline", "Boolean"

RETURN_CONFIG_STRUCTURE: dict[str, dict[str, Any]] = {
    p.RETURNS_ENABLED: {
        "type": BOOLEAN,
        "label": "Returns: take return requests online",
        "help_text": "Customers and guests ask for returns from the storefront (supportReturnRequest).",
    },
    p.RETURN_WINDOW_DAYS: {
        "type": STRING,
        "label": "Returns: window (days)",
        "help_text": (
            "Days to return an item, counted from delivery (the fulfillment's 'support.delivered_at' metadata) "
            "or, where unknown, from shipment plus the shipping method's maximum delivery days."
        ),
    },
    p.RETURN_CHANNEL_WINDOWS: {
        "type": MULTILINE,
        "label": "Returns: window per channel",
        "help_text": "Channels with their own window, one per line as channel-slug=days, e.g. channel-us=60.",
    },
    p.RETURN_ADDRESS: {
        "type": MULTILINE,
        "label": "Returns: return address",
        "help_text": "Where customers send returns; shown in the approval email. Required with returns on.",
    },
    p.RETURN_NON_RETURNABLE_PRODUCT_TYPES: {
        "type": STRING,
        "label": "Returns: product types never returned",
        "help_text": "Product type slugs, comma separated, e.g. gift-cards,underwear.",
    },
    p.RETURN_FINAL_SALE_FLAG: {
        "type": STRING,
        "label": "Returns: final-sale mark",
        "help_text": (
            "A product metadata key, or the slug of a product attribute, that marks a final sale when true "
            "(a boolean attribute, or a value named true/yes). Default: final-sale."
        ),
    },
    p.RETURN_DIGITAL_RETURNABLE: {
        "type": BOOLEAN,
        "label": "Returns: digital items can be returned",
        "help_text": "Off: lines that need no shipping are never returnable.",
    },
    p.RETURN_RESOLUTIONS: {
        "type": STRING,
        "label": "Returns: resolutions offered",
        "help_text": "Comma separated: refund, exchange (the same product again), store_credit (a gift card).",
    },
    p.RETURN_REFUND_SHIPPING: {
        "type": BOOLEAN,
        "label": "Returns: refund shipping",
        "help_text": "Refund the order's shipping when everything shipped comes back.",
    },
    p.RETURN_AUTO_APPROVE: {
        "type": BOOLEAN,
        "label": "Returns: approve automatically within limits",
        "help_text": "Off: every request waits for staff on a return case.",
    },
    p.RETURN_AUTO_MAX_ITEMS: {
        "type": STRING,
        "label": "Returns: automatic approval, most items",
        "help_text": "At most this many items per request. Blank: no limit.",
    },
    p.RETURN_AUTO_MAX_VALUE: {
        "type": STRING,
        "label": "Returns: automatic approval, highest value",
        "help_text": "At most this value per request, in the order's currency. Blank: no limit.",
    },
    p.RETURN_AUTO_MAX_PER_CUSTOMER: {
        "type": STRING,
        "label": "Returns: automatic approval, returns per customer in 90 days",
        "help_text": "A customer with this many requests in 90 days waits for staff. Blank: no limit.",
    },
    p.RETURN_AUTO_REASONS: {
        "type": STRING,
        "label": "Returns: reasons approved automatically",
        "help_text": "Slugs of return-reason pages, comma separated. Blank: any reason.",
    },
    p.RETURN_RESTOCKING_FEES: {
        "type": MULTILINE,
        "label": "Returns: restocking fee per reason",
        "help_text": "One per line as reason-slug=percent, e.g. changed-mind=10. Kept from the refund.",
    },
    p.RETURN_LATE_TO_STAFF: {
        "type": BOOLEAN,
        "label": "Returns: late requests go to staff",
        "help_text": "On: a request past the window opens a return case for staff to decide. Off: it is refused.",
    },
    p.RETURN_STAFF_REFUND_LIMIT: {
        "type": STRING,
        "label": "Returns: staff approval limit",
        "help_text": (
            "Staff with only the support permission approve returns up to this amount; above it they need "
            "MANAGE_ORDERS. Blank: no limit."
        ),
    },
}
