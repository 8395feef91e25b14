import datetime
from dataclasses import replace

from saleor_support_plugin.core.orders import OrderLine
from saleor_support_plugin.delays.notice_email import build_delay_notice_message
from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.email.templates import render_email
from tests.conftest import MONDAY, make_order, shipped

NOW = datetime.datetime(2026, 11, 6, 9, 0, tzinfo=datetime.UTC)  # a Friday


def html_of(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def test_not_shipped_notice_names_order_items_new_date_and_support(support_settings):
    order = make_order(number="1042", lines=(OrderLine("Blue Mug", "Large", 2, 0), OrderLine("Plate", "", 1, 1)))
    message = build_delay_notice_message(order, DelayStage.NOT_SHIPPED, support_settings, NOW, notice_id=7)
    assert message.subject == "Your order #1042 is taking longer to ship"
    assert message.to == ["jane@example.com"]
    assert message.from_email == "Acme Support <support@shop.example>"
    assert message.reply_to == ["help@shop.example"]
    body = message.body
    assert "Hello Jane," in body
    assert "has not shipped within the 2 business days" in body
    assert "2 × Blue Mug (Large)" in body
    assert "Plate" not in body  # already shipped: not what is late
    assert "We now expect to ship it by November 10, 2026" in body
    assert "help@shop.example" in body
    assert "+1 555 0100" in body
    assert "within 1 business day" in body
    assert "Blue Mug (Large)" in html_of(message)


def test_delivery_overdue_notice_gives_promised_date_and_tracking(support_settings):
    order = shipped(make_order(number="77"), at=MONDAY, tracking_number="1Z999")
    message = build_delay_notice_message(order, DelayStage.DELIVERY_OVERDUE, support_settings, NOW, notice_id=8)
    assert message.subject == "Your order #77 is running late"
    # Shipped Monday 2 Nov with 3 business days promised: expected by Thursday 5 Nov.
    assert "by November 5, 2026, the date we expected it to arrive" in message.body
    assert "Tracking number(s): 1Z999" in message.body
    assert "2 × Blue Mug (Large)" in message.body


def test_approval_pending_notice(support_settings):
    message = build_delay_notice_message(make_order(number="5"), DelayStage.APPROVAL_PENDING, support_settings, NOW, 9)
    assert message.subject == "Your order #5 needs a little more time"
    assert "still being checked" in message.body


def test_headers_tags_and_metadata(support_settings):
    order = make_order()
    message = build_delay_notice_message(order, DelayStage.NOT_SHIPPED, support_settings, NOW, notice_id=11)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.extra_headers["X-Auto-Response-Suppress"] == "All"
    assert message.extra_headers["Message-ID"].startswith("<")
    assert message.extra_headers["Message-ID"].endswith("@shop.example>")
    assert "delay-11" in message.extra_headers["Message-ID"]
    assert message.tags == ["saleor-support", "delay-notice", "not_shipped"]
    assert message.metadata == {"order_id": str(order.id), "order_number": order.number, "notice_id": "11"}


def test_customer_text_is_escaped_in_html_but_not_in_text(support_settings):
    order = make_order(customer_first_name="<b>Eve</b>", lines=(OrderLine("Mug & <script>", "", 1, 0),))
    message = build_delay_notice_message(order, DelayStage.NOT_SHIPPED, support_settings, NOW, notice_id=1)
    html = html_of(message)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert "Mug & <script>" in message.body


def test_notice_is_written_in_the_order_language(support_settings):
    order = make_order(number="9", language_code="de")
    message = build_delay_notice_message(order, DelayStage.NOT_SHIPPED, support_settings, NOW, notice_id=2)
    assert message.subject == "Ihre Bestellung #9 braucht länger für den Versand"
    assert "Hallo Jane," in message.body
    assert "10. November 2026" in message.body
    assert 'lang="de"' in html_of(message)


def test_unknown_language_falls_back_to_english(support_settings):
    order = make_order(number="3", language_code="xx")
    message = build_delay_notice_message(order, DelayStage.NOT_SHIPPED, support_settings, NOW, notice_id=3)
    assert message.subject == "Your order #3 is taking longer to ship"


def test_defaults_without_sender_or_support_details(settings, support_settings):
    bare = replace(support_settings, sender_name="", sender_address="", support_email="", support_phone="")
    message = build_delay_notice_message(make_order(), DelayStage.NOT_SHIPPED, bare, NOW, notice_id=4)
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.reply_to == []
    assert "Phone:" not in message.body


def test_render_email_collapses_the_subject_to_one_line():
    rendered = render_email("delay_notice", {"stage": "not_shipped", "order_number": "1", "items": []}, "en")
    assert "\n" not in rendered.subject


def test_with_a_reply_domain_answers_come_back_to_the_plugin(support_settings):
    settings = replace(support_settings, reply_domain="reply.shop.example")
    message = build_delay_notice_message(make_order(), DelayStage.NOT_SHIPPED, settings, NOW, notice_id=5)
    assert message.reply_to == ["support@reply.shop.example"]


def test_a_merchants_handlebars_template_replaces_the_built_in_one(support_settings):
    from saleor_support_plugin.core.config import CustomTemplate

    custom = CustomTemplate(
        subject="Order {{order_number}}: a short delay",
        body="<p>Hi {{customer_first_name}}, about #{{order_number}}:</p>"
        "<p>{{#each items}}{{quantity}} x {{name}}<br>{{/each}}</p>",
    )
    settings = replace(support_settings, custom_templates={"delay_notice": custom})
    order = make_order(number="88", customer_first_name="<Eve>")
    message = build_delay_notice_message(order, DelayStage.NOT_SHIPPED, settings, NOW, notice_id=6)
    assert message.subject == "Order 88: a short delay"
    html = message.alternatives[0][0]
    assert html.startswith("<p>Hi &lt;Eve&gt;, about #88:</p>")
    assert "2 x Blue Mug (Large)" in html
    assert message.body == "Hi <Eve>, about #88:\n2 x Blue Mug (Large)\n"


def test_a_custom_subject_alone_keeps_the_built_in_body(support_settings):
    from saleor_support_plugin.core.config import CustomTemplate

    settings = replace(
        support_settings, custom_templates={"delay_notice": CustomTemplate(subject="Sorry, {{order_number}}")}
    )
    message = build_delay_notice_message(make_order(number="9"), DelayStage.NOT_SHIPPED, settings, NOW, notice_id=7)
    assert message.subject == "Sorry, 9"
    assert "has not shipped within the 2 business days" in message.body
