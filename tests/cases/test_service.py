import datetime
import uuid

import pytest
from django.utils import timezone

from saleor_support_plugin.cases.queries import CaseFilter, filter_cases
from saleor_support_plugin.cases.service import (
    ANONYMIZED_BODY,
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    SYSTEM,
    CaseError,
    CaseOrder,
    add_message,
    anonymize_customer_cases,
    clean_email,
    close_case,
    escalate_overdue_cases,
    is_overdue,
    open_case,
    open_or_update_topic_case,
    update_case,
)
from saleor_support_plugin.models import (
    AuthorType,
    CaseCategory,
    CaseChange,
    CaseChannel,
    CaseMessage,
    CasePriority,
    CaseStatus,
    SupportCase,
)
from tests.conftest import AGENT, CUSTOMER

pytestmark = pytest.mark.django_db

ORDER = CaseOrder(id=uuid.uuid4(), number="1042", email="jane@example.com", channel_slug="default", customer_id=7)


@pytest.fixture
def case(support_settings):
    return open_case(
        settings=support_settings,
        author=CUSTOMER,
        origin=CaseChannel.STOREFRONT,
        subject="  Where is   my mug? ",
        body="It has been a week.\r\n",
        email="jane@example.com",
        order=ORDER,
        category=CaseCategory.SHIPPING_DELAY,
    )


def test_open_case_keeps_order_and_customer_and_first_message(case, support_settings):
    assert case.subject == "Where is my mug?"
    assert (case.order_id, case.order_number, case.customer_id, case.customer_email) == (
        ORDER.id,
        "1042",
        7,
        "jane@example.com",
    )
    assert case.status == CaseStatus.NEW
    assert case.priority == CasePriority.NORMAL
    calendar = support_settings.calendar
    assert case.first_response_due_at == calendar.add_business_hours(case.created_at, 24)
    assert case.resolution_due_at == calendar.add_business_hours(case.created_at, 72)
    (message,) = case.messages.all()
    assert (message.author_type, message.body, message.is_internal) == (
        AuthorType.CUSTOMER,
        "It has been a week.",
        False,
    )


@pytest.mark.parametrize(
    ("subject", "body", "field", "code"),
    [
        ("", "body", "subject", "required"),
        ("x" * (SUBJECT_MAX_LENGTH + 1), "body", "subject", "invalid"),
        ("subject", "   ", "body", "required"),
        ("subject", "x" * (BODY_MAX_LENGTH + 1), "body", "invalid"),
        ("Where\x00is it", "body", "subject", "invalid"),
        ("subject", "a\x00b", "body", "invalid"),
        ("subject", "half a pair \ud800", "body", "invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(support_settings, subject, body, field, code):
    with pytest.raises(CaseError) as error:
        open_case(
            settings=support_settings,
            author=CUSTOMER,
            origin=CaseChannel.STOREFRONT,
            subject=subject,
            body=body,
            email="jane@example.com",
        )
    assert (error.value.field, error.value.code) == (field, code)
    assert SupportCase.objects.count() == 0
    assert CaseMessage.objects.count() == 0


@pytest.mark.parametrize("is_internal", [False, True])
def test_a_reply_or_note_with_a_nul_character_is_refused_not_a_database_error(case, is_internal):
    with pytest.raises(CaseError) as error:
        add_message(case, AGENT, "a\x00b", is_internal=is_internal)
    assert (error.value.field, error.value.code) == ("body", "invalid")
    assert case.messages.count() == 1


@pytest.mark.parametrize("address", ["nobody", "a@", "@example.com", "jane@exa mple.com", "jane\x00@example.com", ""])
def test_clean_email_refuses_what_is_not_an_address(address):
    with pytest.raises(CaseError) as error:
        clean_email(address)
    assert (error.value.field, error.value.code) == ("email", "invalid")


def test_clean_email_keeps_an_address_lower_case():
    assert clean_email("  Jane@Example.COM ") == "jane@example.com"


@pytest.mark.parametrize(
    "spec",
    [
        CaseFilter(search="a\x00b"),
        CaseFilter(customer="jane\x00"),
        CaseFilter(search="\udfff"),
        CaseFilter(search="9" * 40),  # no case number, and never sent to PostgreSQL as one
        CaseFilter(search="\u00b2"),  # a digit to str.isdigit(), not to int()
    ],
)
def test_filters_that_match_nothing_are_not_errors(case, spec):
    assert list(filter_cases(SupportCase.objects.all(), spec, timezone.now())) == []


def test_search_finds_a_case_by_number(case):
    assert list(filter_cases(SupportCase.objects.all(), CaseFilter(search=f"#{case.pk}"), timezone.now())) == [case]


def test_staff_reply_is_the_first_response_and_waits_on_the_customer(case):
    add_message(case, AGENT, "It ships tomorrow.")
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert case.status == CaseStatus.WAITING_ON_CUSTOMER
    first_response = case.first_response_at
    add_message(case, AGENT, "Tracking: 1Z.")
    case.refresh_from_db()
    assert case.first_response_at == first_response


def test_internal_note_is_not_a_response(case):
    add_message(case, AGENT, "Checked with the warehouse.", is_internal=True)
    case.refresh_from_db()
    assert case.first_response_at is None
    assert case.status == CaseStatus.NEW


def test_customer_answer_reopens_a_waiting_or_resolved_case(case):
    update_case(case, AGENT, status=CaseStatus.RESOLVED)
    assert case.resolved_at is not None
    add_message(case, CUSTOMER, "Still nothing!")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.resolved_at is None


def test_customer_cannot_write_on_a_closed_case(case):
    close_case(case, CUSTOMER)
    with pytest.raises(CaseError) as error:
        add_message(case, CUSTOMER, "Hello?")
    assert error.value.code == "case_closed"
    assert case.messages.count() == 1


def test_every_change_is_audited_with_old_and_new_value(case):
    update_case(case, AGENT, status=CaseStatus.OPEN, priority=CasePriority.HIGH, assignee_id=1)
    update_case(case, AGENT, priority=CasePriority.HIGH)  # no change: no audit row
    changes = list(CaseChange.objects.filter(case=case).values_list("field", "old_value", "new_value", "actor_user_id"))
    assert changes == [
        ("status", "new", "open", 1),
        ("priority", "normal", "high", 1),
        ("assignee_id", "", "1", 1),
    ]


def test_update_refuses_untracked_fields(case):
    with pytest.raises(CaseError):
        update_case(case, AGENT, subject="Changed")


def test_topic_case_is_opened_once_and_later_triggers_add_notes(support_settings):
    first, opened = open_or_update_topic_case(
        settings=support_settings, order=ORDER, topic="return", category="return", subject="Return", body="One."
    )
    second, opened_again = open_or_update_topic_case(
        settings=support_settings, order=ORDER, topic="return", category="return", subject="Return", body="Two."
    )
    assert (opened, opened_again) == (True, False)
    assert first.pk == second.pk
    assert [(m.author_type, m.body, m.is_internal) for m in first.messages.all()] == [
        (AuthorType.SYSTEM, "One.", False),
        (AuthorType.SYSTEM, "Two.", True),
    ]
    # Once the case is closed, the next trigger opens a new one.
    close_case(first, SYSTEM)
    third, opened_third = open_or_update_topic_case(
        settings=support_settings, order=ORDER, topic="return", category="return", subject="Return", body="Three."
    )
    assert opened_third
    assert third.pk != first.pk


def test_anonymize_removes_the_customer_but_keeps_the_order_number(case):
    add_message(case, AGENT, "Reply")
    assert anonymize_customer_cases(7, "JANE@example.com") == 1
    case.refresh_from_db()
    assert (case.customer_id, case.customer_email, case.order_number) == (None, "", "1042")
    bodies = dict(case.messages.values_list("author_type", "body"))
    assert bodies == {AuthorType.CUSTOMER: ANONYMIZED_BODY, AuthorType.STAFF: "Reply"}


def test_overdue(case):
    now = timezone.now()
    assert not is_overdue(case, now)
    assert is_overdue(case, case.first_response_due_at + datetime.timedelta(minutes=1))
    add_message(case, AGENT, "On it.")
    assert not is_overdue(case, case.first_response_due_at + datetime.timedelta(minutes=1))
    assert is_overdue(case, case.resolution_due_at + datetime.timedelta(minutes=1))
    update_case(case, AGENT, status=CaseStatus.RESOLVED)
    assert not is_overdue(case, case.resolution_due_at + datetime.timedelta(minutes=1))


def test_overdue_cases_are_escalated_once_with_a_note(case):
    later = case.first_response_due_at + datetime.timedelta(minutes=1)
    assert escalate_overdue_cases(later) == 1
    assert escalate_overdue_cases(later) == 0
    case.refresh_from_db()
    assert case.priority == CasePriority.HIGH
    assert case.escalated_at == later
    note = case.messages.last()
    assert (note.author_type, note.is_internal, note.body) == (
        AuthorType.SYSTEM,
        True,
        "Escalated: the first response target has passed.",
    )
    assert list(CaseChange.objects.filter(case=case).values_list("field", "new_value", "actor_type")) == [
        ("priority", "high", AuthorType.SYSTEM)
    ]


def test_cases_on_time_or_already_urgent_keep_their_priority(case, support_settings):
    assert escalate_overdue_cases(case.created_at) == 0
    update_case(case, AGENT, priority=CasePriority.URGENT)
    escalate_overdue_cases(case.first_response_due_at + datetime.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.priority == CasePriority.URGENT
