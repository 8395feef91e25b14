"""An order still late `case_after_late_days` business days after it became late gets a support case, once."""

import datetime
import importlib
from dataclasses import replace

import pytest
from django.apps import apps
from django.core import mail

from saleor_support_plugin.delays.notices import deliver_delay_notice
from saleor_support_plugin.delays.order_changes import handle_order_change
from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.delays.scan import open_cases_for_late_orders, scan_delays
from saleor_support_plugin.models import CaseCategory, CaseChannel, CaseTrigger, DelayNotice, DelayWatch, SupportCase
from tests.conftest import make_order, shipped

pytestmark = pytest.mark.django_db

# Paid Monday 2 Nov 2026, two handling days: late to ship from Thursday 5 Nov 00:00; three business days after
# that day (Friday, Monday, Tuesday) end at Wednesday 11 Nov 00:00.
LATE_FROM = datetime.datetime(2026, 11, 5, tzinfo=datetime.UTC)
CASE_DUE = datetime.datetime(2026, 11, 11, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def escalating(use_settings):
    return use_settings(case_after_late_days=3)


def late_order_with_sent_notice(orders, runtime, **overrides):
    order = orders.put(make_order(**overrides))
    handle_order_change(order.id, runtime)
    for notice_id in scan_delays(LATE_FROM, lambda ids: None).notice_ids:
        deliver_delay_notice(notice_id, runtime, LATE_FROM)
    return order


def test_a_late_order_gets_its_case_at_the_configured_time_and_no_extra_email(orders, escalating):
    order = late_order_with_sent_notice(orders, escalating)

    assert open_cases_for_late_orders(escalating, CASE_DUE - SECOND) == 0
    assert SupportCase.objects.count() == 0
    assert open_cases_for_late_orders(escalating, CASE_DUE) == 1

    case = SupportCase.objects.get()
    assert (case.category, case.origin, case.topic, case.order_id) == (
        CaseCategory.SHIPPING_DELAY,
        CaseChannel.AUTOMATIC,
        "delay",
        order.id,
    )
    assert case.subject == f"Order #{order.number} is late"
    assert case.messages.get().body == (
        f"Order #{order.number} is late: still not shipped or delivered 3 business days after it became late."
    )
    assert len(mail.outbox) == 1  # the not-shipped notice; the case sends no email
    assert list(DelayNotice.objects.values_list("stage", "case")) == [(DelayStage.NOT_SHIPPED, case.pk)]
    assert orders.timeline[-1][1:] == (
        f"Support case #{case.pk} opened: the order is still late.",
        {"case_id": case.pk},
    )


def test_repeated_scans_and_events_open_one_case(orders, escalating):
    order = late_order_with_sent_notice(orders, escalating)
    open_cases_for_late_orders(escalating, CASE_DUE)
    handle_order_change(order.id, escalating)  # the order reported again, still late
    assert open_cases_for_late_orders(escalating, CASE_DUE + datetime.timedelta(days=1)) == 0
    case = SupportCase.objects.get()
    assert case.messages.count() == 1
    assert CaseTrigger.objects.get(key="delay:age").case == case


def test_an_order_that_ships_in_time_gets_no_case_and_its_delivery_is_watched(orders, escalating):
    order = late_order_with_sent_notice(orders, escalating)
    orders.put(shipped(order, CASE_DUE - datetime.timedelta(days=1)))
    # The report of the shipment was lost: the scan finds the order no longer late to ship, and watches for a
    # late delivery instead (from the shipment on).
    assert open_cases_for_late_orders(escalating, CASE_DUE) == 0
    assert SupportCase.objects.count() == 0
    handle_order_change(order.id, escalating)
    assert open_cases_for_late_orders(escalating, CASE_DUE + datetime.timedelta(days=14)) == 1


def test_a_cancelled_order_gets_no_case(orders, escalating):
    order = late_order_with_sent_notice(orders, escalating)
    orders.put(replace(order, status="canceled", paid_at=None))
    handle_order_change(order.id, escalating)
    assert open_cases_for_late_orders(escalating, CASE_DUE) == 0
    assert SupportCase.objects.count() == 0


def test_no_case_when_switched_off(orders, runtime):
    late_order_with_sent_notice(orders, runtime)
    assert open_cases_for_late_orders(runtime, CASE_DUE + datetime.timedelta(days=30)) == 0
    assert SupportCase.objects.count() == 0


def upgrade_rows_of_the_old_mechanism():
    """What the migration does to a shop's rows of the pseudo stage 'escalation'."""
    migration = importlib.import_module("saleor_support_plugin.migrations.0011_escalation_in_cases")
    migration.move_escalations(apps, None)


def test_escalations_watched_or_queued_before_the_upgrade_open_their_case_once(orders, escalating):
    watched, queued = (orders.put(make_order()) for _ in range(2))
    DelayWatch.objects.create(order_id=watched.id, order_number=watched.number, stage="escalation", due_at=CASE_DUE)
    DelayNotice.objects.create(order_id=queued.id, order_number=queued.number, stage="escalation", due_at=CASE_DUE)

    upgrade_rows_of_the_old_mechanism()

    assert not DelayWatch.objects.exists()
    assert not DelayNotice.objects.exists()
    assert open_cases_for_late_orders(escalating, CASE_DUE - SECOND) == 0
    assert open_cases_for_late_orders(escalating, CASE_DUE) == 2
    assert set(SupportCase.objects.values_list("order_id", flat=True)) == {watched.id, queued.id}


def test_an_order_escalated_before_the_upgrade_never_gets_a_second_case(orders, escalating):
    order = late_order_with_sent_notice(orders, escalating)
    case = SupportCase.objects.create(
        order_id=order.id,
        origin=CaseChannel.AUTOMATIC,
        topic="delay",
        subject="Late",
        created_at=CASE_DUE,
        last_message_at=CASE_DUE,
    )
    skipped = orders.put(make_order())
    for late, status in ((order, "escalated"), (skipped, "skipped")):
        DelayNotice.objects.create(
            order_id=late.id, stage="escalation", status=status, due_at=CASE_DUE, case=case if late is order else None
        )

    upgrade_rows_of_the_old_mechanism()

    assert not DelayNotice.objects.filter(stage="escalation").exists()
    handle_order_change(order.id, escalating)
    handle_order_change(skipped.id, escalating)
    assert open_cases_for_late_orders(escalating, CASE_DUE + datetime.timedelta(days=30)) == 0
    assert SupportCase.objects.get() == case
    assert dict(CaseTrigger.objects.values_list("order_id", "case")) == {order.id: case.pk, skipped.id: None}
