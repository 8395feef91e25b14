"""`supportReport` in real Saleor: its first-response percentiles equal figures computed here from the raw
timestamps of the cases and their first staff replies."""

from __future__ import annotations

import datetime
import statistics

import pytest
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_support_plugin.models import AuthorType, CaseMessage, SupportCase
from tests.business_time import BERLIN, business_minutes

from . import graphql_operations as ops
from .helpers import open_case_at

pytestmark = pytest.mark.django_db

# (opened, answered after) in Berlin time, Monday 2 November 2026 on; one never answered.
CASES = [
    ((2, 9, 0), 30),
    ((2, 16, 30), 60),  # crosses the night: 30 min Monday, 30 min Tuesday
    ((3, 8, 0), 90),  # opened before opening time
    ((4, 12, 0), 400),
    ((5, 18, 0), 15),  # opened after closing
    ((6, 16, 55), 3 * 24 * 60),  # Friday evening, answered on Monday
    ((9, 10, 0), 240),
    ((9, 11, 0), None),
]


def test_report_percentiles_equal_figures_from_raw_timestamps(
    support_plugin, support_staff_api_client, user_api_client, order_with_lines
):
    support_plugin(
        store_timezone="Europe/Berlin", support_opening_hours="mon-fri 09:00-17:00", first_response_hours="4"
    )
    staff = support_staff_api_client
    for (day, hour, minute), answered_after in CASES:
        opened = datetime.datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)
        case_id = open_case_at(opened, user_api_client, order_with_lines, subject="Help", body="Hello")
        if answered_after is not None:
            with freeze_time(opened + datetime.timedelta(minutes=answered_after)):
                staff.regenerate_access_token()
                staff.post_graphql(ops.REPLY, {"id": case_id, "body": "On it."})
    staff.regenerate_access_token()
    period = {"gte": "2026-11-02T00:00:00+01:00", "lt": "2026-11-16T00:00:00+01:00"}
    report = get_graphql_content(staff.post_graphql(ops.REPORT, {"period": period, "groupBy": "WEEK"}))
    total = report["data"]["supportReport"]["total"]

    hours = []
    for case in SupportCase.objects.all():
        reply = CaseMessage.objects.filter(case=case, author_type=AuthorType.STAFF).order_by("created_at").first()
        if reply:
            hours.append(business_minutes(case.created_at, reply.created_at) / 60)
    cuts = statistics.quantiles(hours, n=100, method="inclusive")  # linear, as percentile_cont
    assert total["opened"] == len(CASES)
    assert total["firstResponse"]["p50"] == pytest.approx(cuts[49], abs=1e-3)
    assert total["firstResponse"]["p75"] == pytest.approx(cuts[74], abs=1e-3)
    assert total["firstResponse"]["p90"] == pytest.approx(cuts[89], abs=1e-3)
    assert total["firstResponse"]["max"] == pytest.approx(max(hours), abs=1e-3)
    weeks = [row["key"] for row in report["data"]["supportReport"]["rows"]]
    assert weeks == ["2026-11-02", "2026-11-09"]
