import datetime
from dataclasses import replace

import pytest

from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.orders import FULFILLMENT_WAITING_FOR_APPROVAL, Fulfillment, OrderLine
from saleor_support_plugin.delays.rules import DelayStage, Verdict, check_stage, due_dates, revised_estimate
from tests.conftest import MONDAY, make_order, shipped

THURSDAY_0000 = datetime.datetime(2026, 11, 5, 0, 0, tzinfo=datetime.UTC)


def test_paid_unshipped_order_is_due_after_the_handling_time(support_settings):
    order = make_order()
    assert due_dates(order, support_settings) == {DelayStage.NOT_SHIPPED: THURSDAY_0000}


def test_handling_time_counts_from_payment_by_default(support_settings):
    order = make_order(created_at=MONDAY - datetime.timedelta(days=7), paid_at=MONDAY)
    assert due_dates(order, support_settings)[DelayStage.NOT_SHIPPED] == THURSDAY_0000


def test_handling_time_from_creation_when_chosen(support_settings):
    settings = replace(support_settings, handling_starts_at=c.HANDLING_FROM_CREATION)
    order = make_order(paid_at=None)
    assert due_dates(order, settings)[DelayStage.NOT_SHIPPED] == THURSDAY_0000


def test_unpaid_order_is_not_late_to_ship_when_counting_from_payment(support_settings):
    assert due_dates(make_order(paid_at=None), support_settings) == {}


@pytest.mark.parametrize("status", ["draft", "unconfirmed", "canceled", "expired", "returned", "partially_returned"])
def test_orders_that_never_get_notices(status, support_settings):
    assert due_dates(make_order(status=status), support_settings) == {}


def test_lines_that_need_no_shipping_are_not_waited_for(support_settings):
    order = make_order(lines=(OrderLine("Gift card", "", 1, 0, is_shipping_required=False),))
    assert due_dates(order, support_settings) == {}


def test_shipped_order_is_watched_for_delivery(support_settings):
    order = shipped(make_order(), at=MONDAY)
    # 3 delivery days + 2 grace = 5 business days after Monday 2 Nov: end of Monday 9 Nov.
    assert due_dates(order, support_settings) == {
        DelayStage.DELIVERY_OVERDUE: datetime.datetime(2026, 11, 10, 0, 0, tzinfo=datetime.UTC)
    }


def test_delivered_shipment_is_not_watched(support_settings):
    order = shipped(make_order(), at=MONDAY, delivered_at=MONDAY + datetime.timedelta(days=2))
    assert due_dates(order, support_settings) == {}


def test_no_delivery_promise_means_no_delivery_watch(support_settings):
    order = shipped(make_order(max_delivery_days=None), at=MONDAY)
    assert due_dates(order, support_settings) == {}
    with_default = replace(support_settings, default_delivery_days=1)
    assert DelayStage.DELIVERY_OVERDUE in due_dates(order, with_default)


def test_partially_shipped_order_is_watched_for_both(support_settings):
    order = make_order(
        status="partially fulfilled",
        lines=(OrderLine("Mug", "", 1, 1), OrderLine("Plate", "", 1, 0)),
        fulfillments=(Fulfillment(id=1, status="fulfilled", created_at=MONDAY),),
    )
    assert set(due_dates(order, support_settings)) == {DelayStage.NOT_SHIPPED, DelayStage.DELIVERY_OVERDUE}


def test_fulfillment_waiting_for_approval(support_settings):
    waiting = Fulfillment(id=1, status=FULFILLMENT_WAITING_FOR_APPROVAL, created_at=MONDAY)
    order = make_order(fulfillments=(waiting,))
    assert due_dates(order, support_settings)[DelayStage.APPROVAL_PENDING] == MONDAY + datetime.timedelta(hours=24)


def test_disabled_stages_are_not_watched(support_settings):
    settings = replace(support_settings, notify_not_shipped=False)
    assert due_dates(make_order(), settings) == {}


def test_check_stage_verdicts(support_settings):
    order = make_order()
    stage = DelayStage.NOT_SHIPPED
    assert check_stage(order, stage, support_settings, THURSDAY_0000 - datetime.timedelta(seconds=1)).verdict is (
        Verdict.NOT_YET_DUE
    )
    assert check_stage(order, stage, support_settings, THURSDAY_0000).verdict is Verdict.LATE
    assert check_stage(shipped(order, MONDAY), stage, support_settings, THURSDAY_0000).verdict is Verdict.NOT_APPLICABLE


def test_revised_estimate_is_in_business_days(support_settings):
    friday = datetime.datetime(2026, 11, 6, 12, tzinfo=datetime.UTC)
    assert revised_estimate(support_settings, friday) == datetime.date(2026, 11, 10)
