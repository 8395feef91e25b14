import datetime
from dataclasses import replace

import pytest

from saleor_support_plugin.delays.order_changes import handle_order_change
from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.delays.watchlist import backfill_watchlist, refresh_watches
from saleor_support_plugin.models import DelayNotice, DelayWatch, EscalationWatch
from tests.conftest import MONDAY, make_order, shipped

pytestmark = pytest.mark.django_db


def watched(order_id):
    return dict(DelayWatch.objects.filter(order_id=order_id).values_list("stage", "due_at"))


def test_refresh_adds_moves_and_removes_rows(support_settings):
    order = make_order()
    refresh_watches([order], support_settings)
    first_due = watched(order.id)[DelayStage.NOT_SHIPPED]

    later = replace(order, paid_at=MONDAY + datetime.timedelta(days=1))
    refresh_watches([later], support_settings)
    assert watched(order.id)[DelayStage.NOT_SHIPPED] > first_due

    refresh_watches([shipped(later, MONDAY + datetime.timedelta(days=2))], support_settings)
    assert set(watched(order.id)) == {DelayStage.DELIVERY_OVERDUE}
    assert DelayWatch.objects.count() == 1


def test_refreshing_twice_keeps_one_row_per_stage(support_settings):
    order = make_order()
    refresh_watches([order], support_settings)
    refresh_watches([order], support_settings)
    assert DelayWatch.objects.filter(order_id=order.id).count() == 1


def test_stage_with_a_notice_is_not_watched_again(support_settings):
    order = make_order()
    DelayNotice.objects.create(order_id=order.id, stage=DelayStage.NOT_SHIPPED, due_at=MONDAY)
    assert refresh_watches([order], support_settings) == 0
    assert watched(order.id) == {}


def test_cancelled_or_deleted_orders_leave_the_watchlist(orders, runtime):
    order = orders.put(make_order())
    handle_order_change(order.id, runtime)
    assert watched(order.id)
    orders.put(replace(order, status="canceled"))
    handle_order_change(order.id, runtime)
    assert watched(order.id) == {}

    other = orders.put(make_order())
    handle_order_change(other.id, runtime)
    del orders.orders[other.id]
    handle_order_change(other.id, runtime)
    assert watched(other.id) == {}


@pytest.mark.parametrize("case_after_late_days", [None, 3])
def test_refresh_uses_a_fixed_number_of_queries_for_any_number_of_orders(
    support_settings, case_after_late_days, django_assert_max_num_queries
):
    settings = replace(support_settings, case_after_late_days=case_after_late_days)
    batch = [make_order() for _ in range(50)]
    refresh_watches(batch[:1], settings)
    # noticed stages, existing rows, upsert; orders escalated before, stale escalation rows, upsert (+ the
    # atomic block's savepoint bookkeeping)
    with django_assert_max_num_queries(8):
        refresh_watches(batch, settings)
    assert DelayWatch.objects.count() == 50
    assert EscalationWatch.objects.count() == (50 if case_after_late_days else 0)


def test_backfill_reads_recent_open_orders_in_batches(orders, runtime):
    recent = [orders.put(make_order()) for _ in range(7)]
    orders.put(make_order(created_at=MONDAY - datetime.timedelta(days=90)))
    orders.put(make_order(status="canceled"))
    batches = []
    read, rows = backfill_watchlist(
        runtime, MONDAY - datetime.timedelta(days=30), batch_size=3, on_batch=batches.append
    )
    assert (read, rows) == (7, 7)
    assert batches == [3, 3, 1]
    assert set(DelayWatch.objects.values_list("order_id", flat=True)) == {order.id for order in recent}
