import datetime
from dataclasses import replace

import pytest
from django.utils import timezone

from saleor_support_plugin.cases.triggers import detect_triggers, fire_triggers
from saleor_support_plugin.core.orders import Fulfillment
from saleor_support_plugin.delays.notices import Delivery, deliver_delay_notice
from saleor_support_plugin.delays.order_changes import handle_order_change
from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.delays.scan import scan_delays
from saleor_support_plugin.models import CaseCategory, CaseChannel, CaseTrigger, DelayNotice, SupportCase
from tests.conftest import MONDAY, make_order, shipped

pytestmark = pytest.mark.django_db


def returned(order, fulfillment_id=9, status="returned"):
    return replace(order, fulfillments=(*order.fulfillments, Fulfillment(fulfillment_id, status, MONDAY)))


def test_detects_returns_cancellations_cancelled_shipments_and_failed_refunds():
    order = make_order(number="5", refund_failures=("transaction-event:3",))
    order = returned(order, 1, "returned")
    order = returned(order, 2, "canceled")
    order = replace(order, status="canceled")
    keys = [(trigger.key, trigger.topic, trigger.category) for trigger in detect_triggers(order)]
    assert keys == [
        ("return:1", "return", CaseCategory.RETURN),
        ("fulfillment_canceled:2", "fulfillment_canceled", CaseCategory.SHIPPING_DELAY),
        ("cancelled_after_payment", "cancellation", CaseCategory.CANCELLATION),
        ("refund_failed:transaction-event:3", "refund_failed", CaseCategory.BILLING),
    ]


def test_unpaid_cancelled_order_needs_no_case():
    assert detect_triggers(make_order(status="canceled", paid_at=None)) == []


def test_a_return_opens_one_case_however_often_the_event_arrives(orders, runtime):
    order = orders.put(returned(shipped(make_order(number="77"), MONDAY)))
    handle_order_change(order.id, runtime)
    handle_order_change(order.id, runtime)
    case = SupportCase.objects.get()
    assert (case.category, case.origin, case.order_number, case.customer_email) == (
        CaseCategory.RETURN,
        CaseChannel.AUTOMATIC,
        "77",
        "jane@example.com",
    )
    assert case.subject == "Return for order #77"
    assert case.messages.count() == 1
    assert CaseTrigger.objects.get().case == case


def test_a_second_return_adds_to_the_open_return_case(orders, runtime, support_settings):
    order = orders.put(returned(shipped(make_order(), MONDAY), 1))
    handle_order_change(order.id, runtime)
    order = orders.put(returned(order, 2))
    handle_order_change(order.id, runtime)
    case = SupportCase.objects.get()
    assert case.messages.count() == 2
    assert fire_triggers(order, detect_triggers(order), support_settings) == []


def late_order_with_sent_notice(orders, runtime, **overrides):
    paid = timezone.now() - datetime.timedelta(days=30)
    order = orders.put(make_order(paid_at=paid, created_at=paid, **overrides))
    handle_order_change(order.id, runtime)
    summary = scan_delays(timezone.now(), lambda ids: None)
    for notice_id in summary.notice_ids:
        deliver_delay_notice(notice_id, runtime, timezone.now())
    return order


def test_the_second_delay_stage_opens_a_case(orders, runtime):
    order = late_order_with_sent_notice(orders, runtime)
    assert SupportCase.objects.count() == 0
    # Shipped since, and now the delivery is overdue too: the second notice opens the delay case.
    long_ago = timezone.now() - datetime.timedelta(days=20)
    orders.put(shipped(order, long_ago))
    handle_order_change(order.id, runtime)
    for notice_id in scan_delays(timezone.now(), lambda ids: None).notice_ids:
        assert deliver_delay_notice(notice_id, runtime, timezone.now()) is Delivery.SENT
    case = SupportCase.objects.get()
    assert case.subject == f"Order #{order.number} is late"
    assert set(DelayNotice.objects.values_list("stage", "case")) == {
        (DelayStage.NOT_SHIPPED, case.pk),
        (DelayStage.DELIVERY_OVERDUE, case.pk),
    }
