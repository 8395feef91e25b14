"""The support report: figures computed in the database equal figures computed here from raw timestamps, and
the number of queries does not grow with the number of cases."""

from __future__ import annotations

import datetime
import random
import statistics
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_support_plugin.cases.queries import CaseFilter, filter_cases
from saleor_support_plugin.cases.service import Actor, CaseOrder, add_message, change_case, open_case
from saleor_support_plugin.models import AuthorType, CaseChannel, CaseMessage, CasePriority, CaseStatus, SupportCase
from saleor_support_plugin.service_levels.report import Period, support_report
from tests.business_time import business_minutes

from .conftest import berlin

pytestmark = pytest.mark.django_db

CUSTOMER = Actor(AuthorType.CUSTOMER, user_id=7, name="Jane")
AGENTS = [Actor(AuthorType.STAFF, user_id=n, name=f"Agent {n}") for n in (1, 2)]
WEEK = Period(berlin(2026, 11, 2).astimezone(datetime.UTC), berlin(2026, 11, 16).astimezone(datetime.UTC))


def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between closest ranks (what PostgreSQL's percentile_cont does)."""
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[round(share * 100) - 1]


def open_and_answer(shop, clock, count: int, seed: int) -> list[SupportCase]:
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        day = rng.randrange(0, 10)  # within two weeks from Monday 2 November
        opened = clock.set(berlin(2026, 11, 2, 7, 0) + datetime.timedelta(days=day, minutes=rng.randrange(0, 14 * 60)))
        case = open_case(
            settings=shop.settings,
            author=CUSTOMER,
            origin=rng.choice([CaseChannel.STOREFRONT, CaseChannel.EMAIL]),
            subject=f"Question {index}",
            body="Where is it?",
            email=f"customer{index}@example.com",
            order=CaseOrder(id=uuid.uuid4(), number=str(2000 + index), email=f"customer{index}@example.com"),
            priority=rng.choice([CasePriority.NORMAL, CasePriority.HIGH]),
        )
        agent = AGENTS[index % 2]
        change_case(case, agent, {"assignee_id": agent.user_id}, shop.settings)
        if rng.random() < 0.85:
            clock.set(opened + datetime.timedelta(minutes=rng.randrange(5, 3 * 24 * 60)))
            add_message(case, agent, "On it.", settings=shop.settings)
            if rng.random() < 0.6:
                clock.set(clock.now + datetime.timedelta(minutes=rng.randrange(5, 2 * 24 * 60)))
                change_case(case, agent, {"status": CaseStatus.RESOLVED}, shop.settings)
        cases.append(case)
    return cases


def test_first_response_percentiles_equal_figures_computed_from_raw_timestamps(shop, clock):
    open_and_answer(shop, clock, 40, seed=12)
    report = support_report(WEEK, "agent", SupportCase.objects.all(), "Europe/Berlin")
    for agent in AGENTS:
        minutes = []
        for case in SupportCase.objects.filter(assignee_id=agent.user_id, created_at__lt=WEEK.end):
            first_reply = CaseMessage.objects.filter(case=case, author_type=AuthorType.STAFF).first()
            if first_reply:
                minutes.append(business_minutes(case.created_at, first_reply.created_at))
        (row,) = [row for row in report.rows if row.key == str(agent.user_id)]
        hours = [value / 60 for value in minutes]
        assert row.first_response.p50 == pytest.approx(percentile(hours, 0.5), abs=1e-3)
        assert row.first_response.p75 == pytest.approx(percentile(hours, 0.75), abs=1e-3)
        assert row.first_response.p90 == pytest.approx(percentile(hours, 0.9), abs=1e-3)
        assert row.first_response.max == pytest.approx(max(hours), abs=1e-3)
        within = sum(1 for value in minutes if value <= 4 * 60)  # the normal and default target: 4 hours
        assert row.first_response_within_target == within
    everyone = [row.opened for row in report.rows]
    assert report.total.opened == sum(everyone) == 40


def test_counts_resolved_reopened_and_backlog(shop, clock):
    cases = open_and_answer(shop, clock, 12, seed=3)
    resolved = [case for case in cases if case.status == CaseStatus.RESOLVED]
    # Resolved in the period (the one reopened below included: it was resolved then).
    in_period = [case for case in resolved if case.resolved_at is not None and case.resolved_at < WEEK.end]
    clock.set(berlin(2026, 11, 13, 12, 0))
    add_message(resolved[0], CUSTOMER, "It broke again.", settings=shop.settings)  # reopens
    report = support_report(WEEK, "priority", SupportCase.objects.all(), "Europe/Berlin")
    assert report.total.reopened == 1
    assert report.total.resolved == len(in_period)
    open_at_end = [case for case in cases if case not in in_period or case == resolved[0]]
    assert report.total.backlog == len(open_at_end)
    assert report.total.replies == len(in_period)  # each was answered once before it was resolved
    assert {row.key for row in report.rows} <= {"normal", "high"}


def test_grouping_by_week_uses_the_store_weeks_and_filters_apply(shop, clock):
    open_and_answer(shop, clock, 15, seed=5)
    report = support_report(WEEK, "week", SupportCase.objects.all(), "Europe/Berlin")
    assert [row.key for row in report.rows] == ["2026-11-02", "2026-11-09"]
    email_only = filter_cases(SupportCase.objects.all(), CaseFilter(channels=(CaseChannel.EMAIL,)), clock.now)
    filtered = support_report(WEEK, "channel", email_only, "Europe/Berlin")
    assert [row.key for row in filtered.rows] == ["email"]
    assert filtered.total.opened == SupportCase.objects.filter(origin=CaseChannel.EMAIL).count()


def test_the_query_count_does_not_grow_with_the_cases(shop, clock):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            support_report(WEEK, "agent", SupportCase.objects.all(), "Europe/Berlin")
        return len(captured)

    open_and_answer(shop, clock, 5, seed=1)
    few = queries()
    open_and_answer(shop, clock, 30, seed=2)
    assert queries() == few
