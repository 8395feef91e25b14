"""Rendering emails: subjects and text are text (never HTML-escaped), merchant templates are read whole, and an
email lacking what it exists to carry is refused before it can be sent."""

import pytest
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from saleor_support_plugin.core.config import CustomTemplate
from saleor_support_plugin.email.templates import (
    EmailContentError,
    TemplateError,
    compile_handlebars,
    email_language,
    render_email,
)

REPLY = {
    "case_number": 42,
    "subject": "Where's my order & invoice?",
    "body": 'It ships <today> & "soon".',
    "body_html": mark_safe(linebreaks('It ships <today> & "soon".', autoescape=True)),  # as email_message.py has it
    "author_name": "",
    "sender_name": "Acme & Sons",
}


def test_built_in_subject_and_text_are_not_html_escaped_but_the_html_is():
    rendered = render_email("case_reply", REPLY, "en")
    assert rendered.subject == "Re: [Case #42] Where's my order & invoice?"
    assert rendered.text.startswith('It ships <today> & "soon".')
    assert "Acme & Sons" in rendered.text
    assert "<title>Re: [Case #42] Where&#x27;s my order &amp; invoice?</title>" in rendered.html
    assert "Acme &amp; Sons" in rendered.html


def test_german_subject_is_not_escaped_either():
    assert render_email("case_reply", REPLY, "de").subject == "AW: [Fall #42] Where's my order & invoice?"


def test_a_merchants_subject_is_text_and_the_body_html():
    custom = CustomTemplate(subject="Re: {{subject}} <{{case_number}}>", body="<p>{{subject}}</p>{{{body_html}}}")
    rendered = render_email("case_reply", REPLY, "en", custom)
    assert rendered.subject == "Re: Where's my order & invoice? <42>"
    assert rendered.html.startswith("<p>Where&#x27;s my order &amp; invoice?</p>")
    assert "Where's my order & invoice?" in rendered.text


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello,{{#if author_name}}{{author_name}}</p>{{{body_html}}}",  # the reply template
        "<ul>{{#each items}}<li>{{name}}</li></ul>",
        "{{#unless author_name}}Hello{{{body_html}}}",
        "{{#with order}}x",
        "<p>{{{body_html}}}</p><p>{{author_name</p>",
    ],
)
def test_a_template_pybars_would_silently_cut_short_is_refused(source):
    with pytest.raises(TemplateError, match="The template cannot be used"):
        compile_handlebars(source)


def test_templates_that_pybars_reads_whole_compile():
    compile_handlebars("<p>{{#if author_name}}{{author_name}}:{{else}}Hello,{{/if}}</p>{{{body_html}}}{{!-- x --}}")


def test_at_send_time_a_cut_short_template_is_refused_not_sent_as_hello():
    custom = CustomTemplate(body="<p>Hello,{{#if author_name}}{{author_name}}<br>{{{body_html}}}</p>")
    with pytest.raises(TemplateError) as error:
        render_email("case_reply", REPLY, "en", custom)
    assert error.value.part == "body"


def test_a_reply_whose_template_leaves_out_the_message_is_refused():
    with pytest.raises(EmailContentError, match=r"case reply email's body does not show the message \(\{\{body\}\}\)"):
        render_email("case_reply", REPLY, "en", CustomTemplate(body="<p>We answered your case #{{case_number}}.</p>"))


def test_a_delay_notice_must_show_the_order_number():
    context = {"stage": "not_shipped", "order_number": "1042", "items": []}
    with pytest.raises(EmailContentError, match="order number"):
        render_email("delay_notice", context, "en", CustomTemplate(body="<p>Your order is late.</p>"))
    assert "1042" in render_email("delay_notice", context, "en", CustomTemplate(body="<p>#{{order_number}}</p>")).text


def test_an_empty_subject_is_refused():
    with pytest.raises(EmailContentError) as error:
        render_email("case_reply", REPLY, "en", CustomTemplate(subject="{{no_such_value}}"))
    assert error.value.part == "subject"


def test_a_message_shown_in_an_escaped_html_template_counts_as_shown():
    rendered = render_email("case_reply", REPLY, "en", CustomTemplate(body="<blockquote>{{body}}</blockquote>"))
    assert "It ships &lt;today&gt; &amp; &quot;soon&quot;." in rendered.html
    assert rendered.text == 'It ships <today> & "soon".\n'


@pytest.mark.parametrize(
    ("code", "language"),
    [("de", "de"), ("de-at", "de"), ("de_AT", "de"), ("en-us", "en"), ("fr", "en"), ("", "en"), ("xx", "en")],
)
def test_emails_are_written_in_a_shipped_language_or_english(code, language):
    assert email_language(code) == language


# The return emails (returns/emails.py) differ in subject and next step; their body is one (emails/_return/).
RETURN = {
    "rma_number": "RMA-7",
    "order_number": "1042",
    "next_step": "Send the items to:\nAcme Returns\n1 Dock Road",
    "return_address": "Acme Returns\n1 Dock Road",
    "items": [
        {"name": "Mug & <Saucer>", "variant": "Blue", "quantity": 2},
        {"name": "Plate", "variant": "", "quantity": 1},
    ],
    "sender_name": "Acme & Sons",
    "language_code": "en",
    "amount": "12.50",
    "currency": "USD",
    "gift_card_code": "CREDIT-0001",
    "decision_reason": "Worn.",
}
RETURN_TEXT = (
    "Hello,\n\nSend the items to:\nAcme Returns\n1 Dock Road\n\nReturn reference: RMA-7\nOrder: #1042\n"
    "- 2 x Mug & <Saucer> (Blue)\n- 1 x Plate\n\nAcme & Sons\n"
)
RETURN_HTML_BODY = (
    "<p>Hello,</p>\n<p>Send the items to:<br>Acme Returns<br>1 Dock Road</p>\n"
    "<p>Return reference: <strong>RMA-7</strong><br>Order: #1042</p>\n"
    "<ul><li>2 x Mug &amp; &lt;Saucer&gt; (Blue)</li><li>1 x Plate</li></ul>\n<p>Acme &amp; Sons</p>\n</body></html>\n"
)


@pytest.mark.parametrize("kind", ["requested", "approved", "rejected", "received", "refunded", "credited", "replaced"])
def test_every_return_email_has_the_return_body(kind):
    rendered = render_email(f"return_{kind}", RETURN, "en")
    assert rendered.text == RETURN_TEXT
    head = f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(rendered.subject)}</title>'
    assert rendered.html.startswith(head)
    assert rendered.html.endswith(RETURN_HTML_BODY)
