"""The Dashboard's "Support report" page: the standard, the period's figures, SVG charts and the CSV export."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from saleor_support_plugin.cases.service import Actor, add_message, change_case
from saleor_support_plugin.dashboard.manifest import build_manifest
from saleor_support_plugin.models import AuthorType, CaseStatus

from .test_views import DASHBOARD, TokenBook, call, customer_case

pytestmark = pytest.mark.django_db
AGENT = Actor(AuthorType.STAFF, user_id=1, name="Sam Agent")


@pytest.fixture
def app_runtime(use_settings):
    return use_settings(dashboard_origins=(DASHBOARD,))


@pytest.fixture
def answered_cases(app_runtime):
    cases = [customer_case(app_runtime.settings, subject=f"Question {n}") for n in range(3)]
    for case in cases[:2]:
        change_case(case, AGENT, {"assignee_id": 1}, app_runtime.settings)
        add_message(case, AGENT, "On it.", settings=app_runtime.settings)
    change_case(cases[0], AGENT, {"status": CaseStatus.RESOLVED}, app_runtime.settings)
    return cases


def test_the_manifest_has_the_report_beside_the_queue():
    pages = [item for item in build_manifest("https://api.example")["extensions"] if item["target"] == "APP_PAGE"]
    assert [(item["identifier"], item["url"]) for item in pages] == [
        ("support-queue", "/queue"),
        ("support-report", "/report"),
    ]


def test_the_report_shows_the_standard_figures_and_charts(app_runtime, answered_cases):
    response = call(app_runtime, TokenBook(), "app/report", accessToken="good", theme="dark")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-theme="dark"' in html
    assert "first response 24 h" in html  # the default policy: the plugin's first-response hours
    assert "<strong>3</strong> opened" in html
    assert "<strong>1</strong> resolved" in html
    assert html.count('<svg class="chart"') == 2
    assert "Sam Agent" in html  # the agent chart and the table name the agent
    assert "<script" not in html.split("</head>")[1]  # charts are drawn on the server


def test_the_csv_has_the_same_rows(app_runtime, answered_cases):
    response = call(app_runtime, TokenBook(), "app/report", accessToken="good", group_by="agent", format="csv")
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="support-report-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["group"] for row in rows] == ["Unassigned", "Sam Agent", "All"]
    assert [row["opened"] for row in rows] == ["1", "2", "3"]
    assert rows[-1]["resolved"] == "1"


def test_the_report_needs_the_dashboards_token(app_runtime):
    refused = call(app_runtime, TokenBook(), "app/report", accessToken="stolen")
    assert refused.status_code == 401 or refused.status_code == 403
    shell = call(app_runtime, TokenBook(), "app/report", method="get")
    assert b"handshake" in shell.content
    assert b"opened" not in shell.content


def test_a_period_from_the_form(app_runtime, answered_cases):
    today = timezone.localdate()
    long_ago = (today - datetime.timedelta(days=30)).isoformat()
    response = call(app_runtime, TokenBook(), "app/report", accessToken="good", start=long_ago, end=long_ago)
    assert "<strong>0</strong> opened" in response.content.decode()


def test_the_customers_rating_shows_on_the_order_widget_and_the_queue(app_runtime, answered_cases):
    from saleor_support_plugin.feedback.surveys import rate, survey_for_rating

    rated = answered_cases[0]  # resolved
    rate(survey_for_rating(rated, timezone.now()), 4, timezone.now(), app_runtime.settings, "api")
    queue = call(app_runtime, TokenBook(), "app/queue", accessToken="good", status="")
    assert "rated 4/5 by the customer" in queue.content.decode()
    case_page = call(app_runtime, TokenBook(), "app/case", accessToken="good", case=str(rated.pk))
    assert "rated 4/5 by the customer" in case_page.content.decode()
