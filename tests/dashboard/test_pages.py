import datetime
import uuid

import pytest

from saleor_support_plugin.cases.service import CaseError, CaseOrder, add_message, open_case
from saleor_support_plugin.dashboard import actions, pages
from saleor_support_plugin.models import CaseCategory, CaseChannel, CaseStatus, SupportCase
from tests.conftest import AGENT, CUSTOMER, MONDAY, make_order

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def new_case(settings, subject="Where is my mug?", order_id=None, **kwargs) -> SupportCase:
    order = CaseOrder(id=order_id or uuid.uuid4(), number="1042", email="jane@example.com")
    return open_case(
        settings=settings,
        author=CUSTOMER,
        origin=CaseChannel.STOREFRONT,
        subject=subject,
        body="Hello",
        email="jane@example.com",
        order=order,
        **kwargs,
    )


def test_all_open_and_the_open_status_are_different_filters(support_settings):
    new_case(support_settings, "Still new")
    assert [c.subject for c in pages.queue_cases(pages.QueueQuery.from_form({}), 1, MONDAY)] == ["Still new"]
    assert pages.queue_cases(pages.QueueQuery.from_form({"status": "open"}), 1, MONDAY) == []


def test_queue_query_ignores_values_it_does_not_know():
    query = pages.QueueQuery.from_form(
        {"status": "deleted", "priority": "huge", "category": "billing", "assignee": "x; drop", "sort": "??"}
    )
    assert query == pages.QueueQuery(category="billing")


def test_queue_lists_open_cases_soonest_due_first_with_their_latest_message(support_settings):
    later = new_case(support_settings, "Later")
    sooner = new_case(support_settings, "Sooner")
    closed = new_case(support_settings, "Closed")
    SupportCase.objects.filter(pk=later.pk).update(first_response_due_at=MONDAY + 5 * HOUR)
    SupportCase.objects.filter(pk=sooner.pk).update(first_response_due_at=MONDAY + HOUR)
    SupportCase.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    add_message(sooner, AGENT, "Checking with the warehouse.", is_internal=True)

    cases = pages.queue_cases(pages.QueueQuery(), user_id=1, now=MONDAY)

    assert [case.subject for case in cases] == ["Sooner", "Later"]
    assert (cases[0].last_message_body, cases[0].last_message_internal) == ("Checking with the warehouse.", True)
    assert cases[0].next_due_at == MONDAY + HOUR


def test_queue_filters_by_assignee_overdue_and_category(support_settings):
    mine = new_case(support_settings, "Mine", category=CaseCategory.BILLING)
    overdue = new_case(support_settings, "Overdue")
    SupportCase.objects.filter(pk=mine.pk).update(assignee_id=1)
    SupportCase.objects.filter(pk=overdue.pk).update(first_response_due_at=MONDAY - HOUR)

    def subjects(**form):
        return [case.subject for case in pages.queue_cases(pages.QueueQuery.from_form(form), 1, MONDAY)]

    assert subjects(assignee="me") == ["Mine"]
    assert subjects(assignee="none") == ["Overdue"]
    assert subjects(overdue="1") == ["Overdue"]
    assert subjects(category="billing") == ["Mine"]
    assert pages.queue_cases(pages.QueueQuery(overdue=True), 1, MONDAY)[0].overdue is True


def test_order_cases_and_case_thread_show_notes_to_staff(support_settings):
    order_id = uuid.uuid4()
    case = new_case(support_settings, order_id=order_id)
    new_case(support_settings, "Another order")
    add_message(case, AGENT, "Staff only.", is_internal=True)

    assert [c.pk for c in pages.order_cases(order_id, MONDAY)] == [case.pk]
    thread = pages.case_thread(case.pk, MONDAY)
    assert thread is not None
    assert [(m.body, m.is_internal) for m in thread.messages] == [("Hello", False), ("Staff only.", True)]
    assert pages.case_thread(case.pk + 1000, MONDAY) is None


def test_change_case_refuses_unknown_values_and_assignees_who_are_not_staff(support_settings):
    case = new_case(support_settings)

    with pytest.raises(CaseError) as invalid_status:
        actions.change_case(case, AGENT, {"status": "gone"}, staff_ids={1})
    with pytest.raises(CaseError) as not_staff:
        actions.change_case(case, AGENT, {"assignee": "99"}, staff_ids={1})

    assert invalid_status.value.field == "status"
    assert not_staff.value.field == "assignee"
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == (CaseStatus.NEW, None)
    actions.change_case(case, AGENT, {"status": "open", "assignee": "1"}, staff_ids={1})
    case.refresh_from_db()
    assert (case.status, case.assignee_id) == (CaseStatus.OPEN, 1)


def test_reply_and_note(support_settings):
    case = new_case(support_settings)

    actions.add_reply(case, AGENT, "On its way.")
    actions.add_note(case, AGENT, "Carrier delay.")

    assert list(case.messages.values_list("body", "is_internal", "author_type").order_by("pk")) == [
        ("Hello", False, "customer"),
        ("On its way.", False, "staff"),
        ("Carrier delay.", True, "staff"),
    ]
    with pytest.raises(CaseError):
        actions.get_case("not-a-number")


def test_open_order_case_takes_the_customer_from_the_order(runtime, orders):
    order = orders.put(make_order(email="kim@example.com", language_code="de"))

    case = actions.open_order_case(
        runtime, AGENT, order.id, {"subject": "Phoned about the invoice", "body": "Wants a copy.", "channel": "phone"}
    )

    assert (case.order_number, case.customer_email, case.origin, case.language_code) == (
        order.number,
        "kim@example.com",
        "phone",
        "de",
    )
    with pytest.raises(CaseError) as bad_channel:
        actions.open_order_case(runtime, AGENT, order.id, {"subject": "x", "body": "y", "channel": "automatic"})
    assert bad_channel.value.field == "channel"
    with pytest.raises(CaseError):
        actions.open_order_case(runtime, AGENT, uuid.uuid4(), {"subject": "x", "body": "y"})


def test_the_queue_costs_one_query_however_many_cases_it_lists(support_settings, django_assert_num_queries):
    for number in range(3):
        new_case(support_settings, f"Case {number}")
    with django_assert_num_queries(1):
        assert len(pages.queue_cases(pages.QueueQuery(), 1, MONDAY)) == 3
    for number in range(20):
        new_case(support_settings, f"More {number}")
    with django_assert_num_queries(1):
        assert len(pages.queue_cases(pages.QueueQuery(), 1, MONDAY)) == 23
