import datetime
from dataclasses import replace
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from saleor_support_plugin.core.business_days import BusinessCalendar
from saleor_support_plugin.delays.order_changes import handle_order_change
from saleor_support_plugin.models import DelayNotice, DelayWatch, SupportCase
from tests.conftest import make_order

pytestmark = pytest.mark.django_db


def run(name, *args):
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def shop(orders):
    now = timezone.now()
    late = [orders.put(make_order(paid_at=now - datetime.timedelta(days=14))) for _ in range(3)]
    orders.put(make_order(paid_at=now))  # paid just now: not due
    orders.put(make_order(paid_at=now - datetime.timedelta(days=100), created_at=now - datetime.timedelta(days=100)))
    return late


def test_backfill_then_scan(shop, runtime, django_capture_on_commit_callbacks):
    out, err = run("support_backfill")
    assert "Open orders read: 4. Watchlist rows written: 4." in out
    assert "Reading open orders [" in err
    assert "4/4" in err

    out, _ = run("support_scan_delays", "--dry-run")
    assert "Due: 3 (not_shipped: 3)." in out
    assert "Notice emails would be queued: 3; already handled before: 0." in out
    assert "Late orders due for a support case (opened if still late): 0." in out
    assert f"order #{shop[0].number}: not_shipped" in out
    assert DelayNotice.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        out, err = run("support_scan_delays")
    assert "Due: 3 (not_shipped: 3)." in out
    assert "Notice emails queued: 3; already handled before: 0." in out
    assert "Support cases opened for orders still late: 0." in out
    assert "Emails queued again (their task was lost): 0; interrupted mid-send (not resent" in out
    assert "Overdue support cases escalated: 0." in out
    assert "3/3" in err
    assert len(mail.outbox) == 3
    assert DelayWatch.objects.count() == 1


def test_backfill_age_limit(shop, runtime):
    out, _ = run("support_backfill", "--max-age-days", "365")
    assert "Open orders read: 5." in out


def test_scan_refuses_while_the_plugin_is_inactive(shop, use_settings):
    use_settings(active=False)
    with pytest.raises(CommandError, match="not active"):
        run("support_scan_delays")


def test_dry_run_shows_due_times_in_the_store_zone(orders, use_settings):
    runtime = use_settings(calendar=BusinessCalendar(timezone=ZoneInfo("Europe/Berlin")))
    # Paid Monday 2 Nov 2026 10:00 UTC, 2 handling days: due at midnight Berlin time after Wednesday.
    order = orders.put(make_order(paid_at=datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)))
    handle_order_change(order.id, runtime)
    out, _ = run("support_scan_delays", "--dry-run")
    assert f"order #{order.number}: not_shipped, due November 5, 2026, 12:00 AM CET" in out


def test_scan_reports_notice_emails_and_cases_for_late_orders_apart(shop, use_settings):
    """Three late orders, two also late long enough for a case: 3 emails and 2 cases, not "5 notices"."""
    runtime = use_settings(case_after_late_days=10)  # the other late order became late 12 days ago
    long_late = timezone.now() - datetime.timedelta(days=30)
    for order in shop[:2]:
        runtime.gateway.orders[order.id] = replace(order, paid_at=long_late)
    run("support_backfill")
    out, _ = run("support_scan_delays", "--dry-run")
    assert "Due: 3 (not_shipped: 3)." in out
    assert "Late orders due for a support case (opened if still late): 2." in out
    out, _ = run("support_scan_delays")
    assert "Notice emails queued: 3; already handled before: 0." in out
    assert "Support cases opened for orders still late: 2." in out
    assert set(SupportCase.objects.values_list("order_id", flat=True)) == {order.id for order in shop[:2]}
