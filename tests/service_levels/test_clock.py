"""Targets stamped at opening, paused while the case waits on the customer, measured in business time."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import replace

import pytest

from saleor_support_plugin.cases.service import CaseOrder, add_message, change_case, is_overdue
from saleor_support_plugin.core.service_policies import Policy
from saleor_support_plugin.models import CaseChannel, CasePriority, CaseStatus, SupportCase
from tests.conftest import AGENT, CUSTOMER, open_customer_case
from tests.order_store import CURRENT

from .conftest import HOUR, berlin

pytestmark = pytest.mark.django_db

ORDER = CaseOrder(id=uuid.uuid4(), number="1042", email="jane@example.com")


def open_one(settings, origin=CaseChannel.STOREFRONT, priority=CasePriority.NORMAL) -> SupportCase:
    return open_customer_case(settings, origin=origin, order=ORDER, priority=priority)


def test_targets_are_stamped_in_business_hours_when_the_case_opens(shop, clock):
    clock.set(berlin(2026, 11, 6, 16, 55))  # Friday, five minutes before closing
    case = open_one(shop.settings)
    assert case.service_level_policy == "priority=normal"
    assert (case.first_response_target, case.next_response_target, case.resolution_target) == (
        4 * HOUR,
        2 * HOUR,
        16 * HOUR,
    )
    assert case.first_response_due_at == berlin(2026, 11, 9, 12, 55)
    assert case.first_response_risk_at == berlin(2026, 11, 9, 12, 7)  # 80% of 4 hours: 3 h 12 min
    assert case.resolution_due_at == berlin(2026, 11, 10, 16, 55)  # 5 min + 8 h Monday + 7 h 55 min Tuesday


def test_the_day_before_a_holiday_and_a_clock_change(shop, clock):
    clock.set(berlin(2026, 12, 24, 15, 0))  # Thursday; Friday is Christmas Day
    assert open_one(shop.settings).first_response_due_at == berlin(2026, 12, 28, 11, 0)
    clock.set(berlin(2026, 10, 23, 16, 0))  # Friday; clocks go back on Sunday
    assert open_one(shop.settings).first_response_due_at == berlin(2026, 10, 26, 12, 0)


def test_a_phone_case_gets_the_phone_policy(shop, clock):
    clock.set(berlin(2026, 11, 2, 10, 0))
    case = open_one(shop.settings, origin=CaseChannel.PHONE, priority=CasePriority.URGENT)
    assert case.service_level_policy == "priority=urgent channel=phone"
    assert case.first_response_due_at == berlin(2026, 11, 2, 10, 30)


def test_a_changed_policy_does_not_move_open_cases(shop, clock, use_settings):
    clock.set(berlin(2026, 11, 2, 10, 0))
    case = open_one(shop.settings)
    faster = use_settings(service_level_policies=(Policy(HOUR, HOUR, 2 * HOUR, priority="normal"),))
    add_message(case, CUSTOMER, "Any news?")  # any later change reads the new configuration
    case.refresh_from_db()
    assert case.first_response_due_at == berlin(2026, 11, 2, 14, 0)
    assert open_one(faster.settings).first_response_due_at == berlin(2026, 11, 2, 11, 0)


def test_waiting_on_the_customer_stops_the_clock_and_their_reply_starts_it(shop, clock):
    clock.set(berlin(2026, 11, 6, 16, 55))
    case = open_one(shop.settings)
    clock.set(berlin(2026, 11, 9, 10, 0))  # Monday: staff answer after 1 h 05 min of business time
    add_message(case, AGENT, "Could you send a photo?", settings=shop.settings)
    assert case.status == CaseStatus.WAITING_ON_CUSTOMER
    assert case.first_response_time == datetime.timedelta(hours=1, minutes=5)
    assert not is_overdue(case, berlin(2026, 11, 30, 9, 0))  # waiting: never overdue
    clock.set(berlin(2026, 11, 11, 10, 0))  # Wednesday: the customer answers
    add_message(case, CUSTOMER, "Here it is.", settings=shop.settings)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.clock_stopped_at is None
    assert case.paused_time == 16 * HOUR  # Monday 7 h, Tuesday 8 h, Wednesday 1 h
    # 14 h 55 min of the resolution target were left on Monday 10:00: Wednesday 7 h, Thursday 7 h 55 min.
    assert case.resolution_due_at == berlin(2026, 11, 12, 16, 55)
    assert case.next_response_due_at == berlin(2026, 11, 11, 12, 0)  # the next response: 2 business hours
    clock.set(berlin(2026, 11, 11, 11, 0))
    add_message(case, AGENT, "A new mug is on its way.", settings=shop.settings)
    assert case.next_response_due_at is None
    change_case(case, AGENT, {"status": CaseStatus.RESOLVED}, shop.settings)
    # 5 min + 1 h before waiting, 1 h after: the 16 waiting hours do not count.
    assert case.resolution_time == datetime.timedelta(hours=2, minutes=5)


def test_changes_without_settings_read_the_configuration_in_force(shop, clock):
    clock.set(berlin(2026, 11, 2, 9, 0))
    case = open_one(shop.settings)
    clock.set(berlin(2026, 11, 2, 11, 30))
    add_message(case, AGENT, "On it.")  # no settings given: the runtime's
    assert CURRENT["runtime"].settings.opening_hours_spec == "mon-fri 09:00-17:00"
    assert case.first_response_time == datetime.timedelta(hours=2, minutes=30)


def test_default_policy_is_the_plugins_first_response_and_resolution_hours(runtime, clock, use_settings):
    settings = use_settings(first_response_hours=24, resolution_hours=72).settings
    clock.set(berlin(2026, 11, 6, 17, 0))  # Friday 16:00 UTC; business days are counted all day
    case = open_one(replace(settings, service_level_policies=()))
    assert case.service_level_policy == "default"
    assert case.first_response_due_at == berlin(2026, 11, 9, 17, 0)  # Monday, same time


def test_the_command_reapplies_the_policy_in_force_on_purpose(shop, clock, use_settings):
    from django.core.management import call_command

    clock.set(berlin(2026, 11, 2, 10, 0))
    case = open_one(shop.settings)
    use_settings(service_level_policies=(Policy(HOUR, HOUR, 2 * HOUR, priority="normal"),))
    call_command("support_apply_service_levels")
    case.refresh_from_db()
    assert case.first_response_due_at == berlin(2026, 11, 2, 11, 0)
    assert case.resolution_due_at == berlin(2026, 11, 2, 12, 0)
    assert case.changes.filter(field="service_level_policy").count() == 1
