"""Returns staff processed in the Dashboard email the customer once; a chargeback opens one urgent case with
the evidence, and the evidence exports as a self-contained page."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core import mail

from saleor_support_plugin.cases.service import Actor, CaseOrder, add_message, open_case
from saleor_support_plugin.core.orders import Fulfillment
from saleor_support_plugin.models import AuthorType, CaseChannel, CasePriority, DelayNotice, SupportCase
from saleor_support_plugin.returns import requests as r
from saleor_support_plugin.returns.disputes import evidence_html, gather_evidence, open_chargeback_cases
from saleor_support_plugin.returns.models import ReturnEmail
from saleor_support_plugin.returns.staff_processed import notify_staff_processed
from tests.conftest import MONDAY, make_order

from .conftest import DAMAGED, make_return_order

pytestmark = pytest.mark.django_db
NOW = MONDAY + datetime.timedelta(days=10)


def sent(kind):
    return [message for message in mail.outbox if message.tags[-1] == kind]


def returned(fulfillment_id, status="returned", days_ago=1, amount=None):
    return Fulfillment(fulfillment_id, status, NOW - datetime.timedelta(days=days_ago), refund_amount=amount)


def test_a_return_staff_processed_emails_the_customer_once(runtime, django_capture_on_commit_callbacks):
    order = make_order(
        currency="USD",
        fulfillments=(returned(41), returned(42, "refunded", amount=Decimal("9.5")), returned(43, "replaced")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = notify_staff_processed(order, NOW)
        again = notify_staff_processed(order, NOW)
    assert [record.kind for record in first] == ["received", "refunded", "replaced"]
    assert again == []
    (received,) = sent("received")
    assert f"registered the return of items of your order #{order.number}" in received.body
    (refunded,) = sent("refunded")
    assert "refunded 9.50 USD" in refunded.body
    assert refunded.to == [order.email]
    (replaced,) = sent("replaced")
    assert f"sending you a replacement for items of your order #{order.number}" in replaced.body


def test_old_returns_and_the_requests_own_fulfillments_send_nothing(submit_for_staff, runtime):
    request = submit_for_staff
    own = [returned(pk) for pk in request.fulfillment_ids]
    order = make_order(id=request.order_id, fulfillments=(*own, returned(77, days_ago=30)))
    assert notify_staff_processed(order, NOW) == []
    assert not ReturnEmail.objects.filter(dedupe_key__startswith="staff:").exists()


@pytest.fixture
def submit_for_staff(port, returns_settings):
    order = make_return_order()
    port.put(order)
    request, _ = r.submit_request(
        port=port,
        settings=returns_settings(),
        order=order,
        requester=Actor(AuthorType.CUSTOMER, name="Jane"),
        submission=r.Submission(lines=[r.LineRequest(order.lines[0].id, 1, DAMAGED.id)], resolution="exchange"),
        now=MONDAY + datetime.timedelta(days=2),
    )
    assert len(request.fulfillment_ids) == 2  # the REPLACED one and Saleor's empty RETURNED one
    return request


def test_a_chargeback_opens_one_urgent_case_holding_the_evidence(runtime, orders):
    shipped = Fulfillment(
        7, "fulfilled", MONDAY, delivered_at=MONDAY + datetime.timedelta(days=2), tracking_number="1Z999"
    )
    order = orders.put(make_order(fulfillments=(shipped,), chargebacks=(901,)))
    DelayNotice.objects.create(
        order_id=order.id, stage="not_shipped", status="sent", due_at=MONDAY, sent_at=MONDAY, recipient=order.email
    )
    earlier = open_case(
        settings=runtime.settings,
        author=Actor(AuthorType.CUSTOMER, name="Jane"),
        origin=CaseChannel.STOREFRONT,
        subject="Late?",
        body="Where is it? <script>alert(1)</script>",
        email=order.email,
        order=CaseOrder(order.id, order.number, order.email),
    )
    add_message(earlier, Actor(AuthorType.STAFF, user_id=1, name="Sam"), "Internal only", is_internal=True)

    case = open_chargeback_cases(order, runtime)
    assert open_chargeback_cases(order, runtime) is None  # the same chargeback again: nothing more
    assert (case.priority, case.category, case.topic) == (CasePriority.URGENT, "billing", "chargeback")
    assert SupportCase.objects.filter(topic="chargeback").count() == 1
    body = case.messages.get().body
    assert "tracking 1Z999" in body
    assert "delivered 2026-11-04" in body
    assert f"Delay notice: {DelayNotice(stage='not_shipped').get_stage_display()}: Sent to {order.email}" in body
    assert "Where is it?" in body
    assert "Internal only" not in body
    (timeline,) = [entry for entry in orders.timeline if entry[2].get("chargeback_event") == "901"]
    assert f"case #{case.pk}" in timeline[1]

    page = evidence_html(gather_evidence(replace(order), NOW))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert page.count("<h2>") == 4
    assert "1Z999" in page
    assert "src=" not in page  # self-contained: nothing loaded from elsewhere
    assert "href=" not in page
