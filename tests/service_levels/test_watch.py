"""Before and after breach: staff are told once when a target is at risk; at breach the case is escalated
once per target, all on the audit trail."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core import mail

from saleor_support_plugin.cases.service import (
    CaseOrder,
    add_message,
    change_case,
    check_service_levels,
)
from saleor_support_plugin.models import (
    CaseChange,
    CaseEmail,
    CaseEmailKind,
    CasePriority,
    CaseStatus,
    ServiceLevelEvent,
    SupportCase,
)
from tests.conftest import AGENT, CUSTOMER, open_customer_case

from .conftest import berlin, settings_of

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def case(shop, clock, django_capture_on_commit_callbacks) -> SupportCase:
    clock.set(berlin(2026, 11, 2, 9, 0))  # Monday: first response due 13:00, at risk from 12:12
    with django_capture_on_commit_callbacks(execute=True):
        return open_customer_case(
            shop.settings,
            order=CaseOrder(id=uuid.uuid4(), number="1042", email="jane@example.com"),
        )


def scan(settings, at, capture):
    with capture(execute=True):
        return check_service_levels(at.astimezone(datetime.UTC), settings)


def alerts(kind):
    return [message for message in mail.outbox if message.tags[-1] == kind]


def audit(case):
    return list(CaseChange.objects.filter(case=case, field="service_level").values_list("new_value", flat=True))


def test_at_risk_is_told_once_to_the_staff_inbox(shop, case, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert scan(shop.settings, berlin(2026, 11, 2, 12, 11), capture).at_risk == 0
    assert scan(shop.settings, berlin(2026, 11, 2, 12, 12), capture).at_risk == 1
    assert scan(shop.settings, berlin(2026, 11, 2, 12, 30), capture).at_risk == 0
    (alert,) = alerts(CaseEmailKind.AT_RISK)
    assert alert.to == ["team@shop.example"]
    assert "first response" in alert.subject
    assert f"#{case.pk}" in alert.subject
    assert audit(case) == ["first_response at risk"]
    note = case.messages.filter(is_internal=True).last()
    assert note.body.startswith("At risk: the first response is due by 2026-11-02 13:00")


def test_breach_escalates_once_per_target(shop, case, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    settings = settings_of(shop, breach_assignee_id=42)
    summary = scan(settings, berlin(2026, 11, 2, 13, 1), capture)
    assert (summary.at_risk, summary.breached) == (0, 1)  # found late: escalated, no belated at-risk notice
    assert scan(settings, berlin(2026, 11, 2, 13, 30), capture).breached == 0
    case.refresh_from_db()
    assert (case.priority, case.assignee_id) == (CasePriority.HIGH, 42)
    assert audit(case) == ["first_response breached"]
    assert list(
        CaseChange.objects.filter(case=case).exclude(field="service_level").values_list("field", "new_value")
    ) == [("priority", "high"), ("assignee_id", "42")]
    assert len(alerts(CaseEmailKind.BREACHED)) == 1
    assert alerts(CaseEmailKind.AT_RISK) == []
    # The resolution target (16 business hours: Tuesday 17:00) is a target of its own.
    summary = scan(settings, berlin(2026, 11, 3, 17, 1), capture)
    assert summary.breached == 1
    assert audit(case) == ["first_response breached", "resolution breached"]
    assert ServiceLevelEvent.objects.filter(case=case, kind="breached").count() == 2


def test_a_case_waiting_on_the_customer_is_neither_at_risk_nor_breached(
    shop, case, clock, django_capture_on_commit_callbacks
):
    clock.set(berlin(2026, 11, 2, 10, 0))
    add_message(case, AGENT, "Could you send a photo?", settings=shop.settings)
    summary = scan(shop.settings, berlin(2026, 11, 20, 9, 0), django_capture_on_commit_callbacks)
    assert (summary.at_risk, summary.breached) == (0, 0)


def test_each_customer_message_after_an_answer_starts_a_next_response_target_of_its_own(
    shop, case, clock, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    clock.set(berlin(2026, 11, 2, 10, 0))
    add_message(case, AGENT, "Could you send a photo?", settings=shop.settings)
    clock.set(berlin(2026, 11, 2, 11, 0))
    add_message(case, CUSTOMER, "Here.", settings=shop.settings)  # next response due 13:00
    assert scan(shop.settings, berlin(2026, 11, 2, 13, 1), capture).breached == 1
    clock.set(berlin(2026, 11, 2, 14, 0))
    add_message(case, AGENT, "Thanks, looking.", settings=shop.settings)
    clock.set(berlin(2026, 11, 2, 14, 30))
    add_message(case, CUSTOMER, "And?", settings=shop.settings)  # a new cycle: due 16:30
    assert scan(shop.settings, berlin(2026, 11, 2, 16, 31), capture).breached == 1
    assert audit(case) == ["next_response breached", "next_response breached"]


def test_an_urgent_case_keeps_its_priority(shop, case, django_capture_on_commit_callbacks):
    change_case(case, AGENT, {"priority": CasePriority.URGENT}, shop.settings)
    scan(shop.settings, berlin(2026, 11, 2, 13, 1), django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.priority == CasePriority.URGENT
    assert case.escalated_at is not None


def test_a_resolved_case_is_not_watched(shop, case, django_capture_on_commit_callbacks):
    change_case(case, AGENT, {"status": CaseStatus.RESOLVED}, shop.settings)
    summary = scan(shop.settings, berlin(2026, 11, 30, 9, 0), django_capture_on_commit_callbacks)
    assert (summary.at_risk, summary.breached) == (0, 0)
    assert not CaseEmail.objects.filter(kind__in=[CaseEmailKind.AT_RISK, CaseEmailKind.BREACHED]).exists()
