"""Service levels in real Saleor: a 9-17 Monday-Friday shop in Berlin with a holiday. Cases opened through
Saleor's GraphQL at awkward times get the right due times; waiting on the customer stops the clock; the scan
task tells staff once when a target is at risk and escalates once at breach."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_support_plugin.models import CaseChange, CaseEmailKind, SupportCase
from saleor_support_plugin.tasks import scan_delays_task
from tests.business_time import BERLIN

from . import graphql_operations as ops
from .helpers import open_case_at

pytestmark = pytest.mark.django_db


CASE_SERVICE_LEVEL = """
query Case($id: ID!) {
  supportCase(id: $id) {
    status firstResponseDueAt resolutionDueAt isOverdue
    serviceLevel { policy firstResponseTargetMinutes nextResponseDueAt paused firstResponseMinutes resolutionMinutes }
  }
}
"""
PROMISE = """
query Promise($language: String) {
  supportSettings { responseTime responsePromise(languageCode: $language)
    serviceLevels { priority channel firstResponseMinutes promise } }
}
"""


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def shop(support_plugin, support_staff_api_client):
    # After support_staff_api_client, which enables the plugin with its default configuration.
    return support_plugin(
        store_timezone="Europe/Berlin",
        holidays="2026-12-25",
        support_opening_hours="mon-fri 09:00-17:00",
        first_response_hours="4",
        resolution_hours="16",
        service_level_policies="priority=normal first=4h next=2h resolution=16h\npriority=urgent first=1h",
        at_risk_percent="80",
        staff_inbox="team@shop.example",
    )


def service_level(client, case_id: str) -> dict:
    client.regenerate_access_token()  # a token made inside an earlier frozen time has expired by now
    return get_graphql_content(client.post_graphql(CASE_SERVICE_LEVEL, {"id": case_id}))["data"]["supportCase"]


def due(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value).astimezone(BERLIN)


@pytest.mark.parametrize(
    ("opened", "first_due"),
    [
        (berlin(2026, 11, 6, 16, 55), berlin(2026, 11, 9, 12, 55)),  # Friday, 5 minutes before closing
        (berlin(2026, 11, 6, 17, 55), berlin(2026, 11, 9, 13, 0)),  # Friday after closing
        (berlin(2026, 12, 24, 15, 0), berlin(2026, 12, 28, 11, 0)),  # the day before Christmas Day
        (berlin(2026, 3, 27, 16, 0), berlin(2026, 3, 30, 12, 0)),  # a weekend when clocks go forward
        (berlin(2026, 10, 23, 16, 0), berlin(2026, 10, 26, 12, 0)),  # and one when they go back
    ],
)
def test_cases_opened_at_awkward_times_get_the_right_due_times(
    shop, user_api_client, support_staff_api_client, order_with_lines, opened, first_due
):
    case_id = open_case_at(opened, user_api_client, order_with_lines)
    seen = service_level(support_staff_api_client, case_id)
    assert due(seen["firstResponseDueAt"]) == first_due
    assert seen["serviceLevel"]["policy"] == "priority=normal"
    assert seen["serviceLevel"]["firstResponseTargetMinutes"] == 240


def test_waiting_on_the_customer_stops_the_clock(shop, user_api_client, support_staff_api_client, order_with_lines):
    case_id = open_case_at(berlin(2026, 11, 6, 16, 55), user_api_client, order_with_lines)
    with freeze_time(berlin(2026, 11, 9, 10, 0)):
        support_staff_api_client.regenerate_access_token()
        reply = support_staff_api_client.post_graphql(ops.REPLY, {"id": case_id, "body": "Which size?"})
        assert get_graphql_content(reply)["data"]["supportCaseReply"]["case"]["status"] == "WAITING_ON_CUSTOMER"
    waiting = service_level(support_staff_api_client, case_id)  # now, weeks after every due time
    assert waiting["isOverdue"] is False
    assert waiting["serviceLevel"]["paused"] is True
    assert waiting["serviceLevel"]["firstResponseMinutes"] == 65
    with freeze_time(berlin(2026, 11, 11, 10, 0)):
        user_api_client.regenerate_access_token()
        answer = get_graphql_content(user_api_client.post_graphql(ops.REPLY, {"id": case_id, "body": "Large."}))
        assert answer["data"]["supportCaseReply"]["errors"] == []
    resumed = service_level(support_staff_api_client, case_id)
    assert resumed["serviceLevel"]["paused"] is False
    # 14 h 55 min of the resolution target were left when the clock stopped on Monday 10:00.
    assert due(resumed["resolutionDueAt"]) == berlin(2026, 11, 12, 16, 55)
    assert due(resumed["serviceLevel"]["nextResponseDueAt"]) == berlin(2026, 11, 11, 12, 0)


def test_at_risk_and_breach_are_told_once_each(
    shop, user_api_client, support_staff_api_client, order_with_lines, django_capture_on_commit_callbacks
):
    case_id = open_case_at(berlin(2026, 11, 2, 9, 0), user_api_client, order_with_lines)  # due 13:00
    mail.outbox.clear()
    for moment in (berlin(2026, 11, 2, 12, 12), berlin(2026, 11, 2, 12, 40), berlin(2026, 11, 2, 13, 1)):
        for _ in range(2):  # a second scan at the same moment changes nothing
            with freeze_time(moment), django_capture_on_commit_callbacks(execute=True):
                scan_delays_task.delay()
    kinds = [message.tags[-1] for message in mail.outbox]
    assert kinds == [CaseEmailKind.AT_RISK, CaseEmailKind.BREACHED]
    assert all(message.to == ["team@shop.example"] for message in mail.outbox)
    case = SupportCase.objects.get()
    assert case.priority == "high"
    trail = list(CaseChange.objects.filter(case=case).values_list("field", "new_value"))
    assert trail == [
        ("service_level", "first_response at risk"),
        ("priority", "high"),
        ("service_level", "first_response breached"),
    ]
    seen = service_level(support_staff_api_client, case_id)
    assert seen["isOverdue"] is True


@pytest.mark.parametrize(
    ("language", "promise"),
    [("de", "innerhalb von 4 Geschäftsstunden"), ("en", "within 4 business hours"), ("fr", "within 4 business hours")],
)
def test_support_settings_state_the_promise_in_the_customers_language(shop, api_client, language, promise):
    settings = get_graphql_content(api_client.post_graphql(PROMISE, {"language": language}))["data"]["supportSettings"]
    assert settings["responsePromise"] == promise
    assert settings["serviceLevels"][-1] == {
        "priority": "*",
        "channel": "*",
        "firstResponseMinutes": 240,
        "promise": "within 4 business hours",
    }
    assert settings["serviceLevels"][1]["priority"] == "urgent"
