"""The scan reads again the orders Saleor changed since its last run: what a hook reported but a killed web
process never published is still watched, and its cases still open, once."""

import datetime

import pytest
from django.utils import timezone

from saleor_support_plugin.core.orders import ORDER_CANCELED
from saleor_support_plugin.delays.order_changes import COMMIT_LAG, reconcile_order_changes
from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.models import DelayNotice, DelayWatch, SupportCase
from saleor_support_plugin.tasks import scan_delays_task
from tests.conftest import make_order

pytestmark = pytest.mark.django_db

PAID = timezone.now() - datetime.timedelta(days=14)


def test_the_first_run_starts_reading_from_now(orders, runtime):
    orders.put(make_order(created_at=PAID, paid_at=PAID))
    assert reconcile_order_changes(runtime, timezone.now()) == 0
    assert DelayWatch.objects.count() == 0


def test_an_order_whose_report_was_lost_gets_its_notice_from_the_next_scan(orders, runtime):
    scan_delays_task.delay()  # an earlier scan
    late = orders.put(make_order(created_at=PAID, paid_at=PAID))  # its hook's report was lost
    scan_delays_task.delay()
    assert list(DelayNotice.objects.filter(order_id=late.id).values_list("stage", flat=True)) == [
        DelayStage.NOT_SHIPPED
    ]


def test_an_order_cancelled_after_payment_gets_one_case_however_often_it_is_read(orders, runtime):
    now = timezone.now()
    reconcile_order_changes(runtime, now - datetime.timedelta(minutes=15))
    cancelled = orders.put(
        make_order(status=ORDER_CANCELED, paid_at=PAID), updated_at=now - datetime.timedelta(minutes=1)
    )
    assert reconcile_order_changes(runtime, now) == 1
    assert reconcile_order_changes(runtime, now + datetime.timedelta(seconds=1)) == 1  # within the commit lag
    assert SupportCase.objects.filter(order_id=cancelled.id).count() == 1


def test_orders_changed_before_the_last_read_and_its_commit_lag_are_not_read_again(orders, runtime):
    now = timezone.now()
    reconcile_order_changes(runtime, now - datetime.timedelta(hours=1))
    orders.put(make_order(created_at=PAID, paid_at=PAID), updated_at=now - datetime.timedelta(minutes=50))
    reconcile_order_changes(runtime, now - datetime.timedelta(minutes=30))
    assert reconcile_order_changes(runtime, now) == 0
    assert reconcile_order_changes(runtime, now + COMMIT_LAG) == 0
