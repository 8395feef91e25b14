"""`supportReport`: how a period met the shop's service-level standard (service_levels/report.py)."""

from __future__ import annotations

import datetime
from typing import Any

import graphene
from django.utils import timezone
from saleor.account.models import User
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import NonNullList

from saleor_support_plugin.graphql.base import SupportInputObjectType, SupportObjectType, support_enum
from saleor_support_plugin.service_levels.report import GROUPS, Percentiles, Period, Report, ReportRow, support_report

SupportReportGroupByEnum = support_enum(
    list(GROUPS),
    "SupportReportGroupByEnum",
    "How the support report's rows are grouped (WEEK: weeks of the store's time zone).",
)
MAX_PERIOD = datetime.timedelta(days=400)


class SupportReportPeriodInput(SupportInputObjectType):
    gte = DateTime(required=True, description="Start of the period (included).")
    lt = DateTime(required=True, description="End of the period (excluded).")

    class Meta:
        description = "The period of a support report (at most 400 days)."


def _hours(which: str) -> graphene.Float:
    return graphene.Float(description=f"{which}, in business hours.")


class SupportReportPercentiles(SupportObjectType):
    p50 = _hours("Median")
    p75 = _hours("75th percentile")
    p90 = _hours("90th percentile")
    max = _hours("Longest")

    class Meta:
        description = "Percentiles of a duration in business hours (linear interpolation, as percentile_cont)."


class SupportReportRow(SupportObjectType):
    key = graphene.String(description="The group (null: the whole period; '' for AGENT: unassigned).")
    label = graphene.String(required=True, description="The group as people read it (an agent's email).")
    opened = graphene.Int(required=True, description="Cases opened in the period.")
    resolved = graphene.Int(required=True, description="Resolutions in the period (from the audit trail).")
    reopened = graphene.Int(required=True, description="Resolved or closed cases reopened in the period.")
    backlog = graphene.Int(required=True, description="Cases not resolved at the end of the period.")
    first_response = graphene.Field(
        SupportReportPercentiles, required=True, description="First-response time of the cases opened."
    )
    first_response_within_target = graphene.Float(
        description="Share of the cases opened answered within their first-response target (0-1)."
    )
    resolution = graphene.Field(
        SupportReportPercentiles, required=True, description="Resolution time, pauses left out."
    )
    replies_per_resolution = graphene.Float(description="Public staff replies per resolution.")
    csat_score = graphene.Float(description="Share of ratings of 4 or 5 stars given in the period (0-1).")
    csat_response_rate = graphene.Float(description="Ratings given per survey sent in the period (0-1).")

    class Meta:
        description = "One group of a support report."


class SupportReport(SupportObjectType):
    period_start = DateTime(required=True, description="Start of the period.")
    period_end = DateTime(required=True, description="End of the period (excluded).")
    group_by = SupportReportGroupByEnum(required=True, description="How the rows are grouped.")
    rows = NonNullList(SupportReportRow, required=True, description="One row per group.")
    total = graphene.Field(SupportReportRow, required=True, description="The whole period.")
    delay_notices_sent = graphene.Int(required=True, description="Delay notices emailed in the period.")
    delay_cases_needing_a_person = graphene.Float(
        description="Share of the cases opened automatically about late orders that a person answered (0-1)."
    )

    class Meta:
        description = "How the shop met its service-level standard in a period. Staff and apps only."


def _percentiles(value: Percentiles) -> dict[str, float | None]:
    return {"p50": value.p50, "p75": value.p75, "p90": value.p90, "max": value.max}


def row_data(row: ReportRow, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": labels.get(row.key or "", row.key) if row.key is not None else "All",
        "opened": row.opened,
        "resolved": row.resolved,
        "reopened": row.reopened,
        "backlog": row.backlog,
        "first_response": _percentiles(row.first_response),
        "first_response_within_target": row.within_target_share,
        "resolution": _percentiles(row.resolution),
        "replies_per_resolution": row.replies_per_resolution,
        "csat_score": row.csat_score,
        "csat_response_rate": row.csat_response_rate,
    }


def agent_labels(report: Report, database: str) -> dict[str, str]:
    """Agents by email, in one query; unassigned cases are ''."""
    if report.group_by != "agent":
        return {}
    ids = [int(row.key) for row in report.rows if row.key]
    emails = dict(User.objects.using(database).filter(pk__in=ids).values_list("pk", "email"))
    return {"": "Unassigned", **{str(pk): email for pk, email in emails.items()}}


def report_data(report: Report, database: str) -> dict[str, Any]:
    labels = agent_labels(report, database)
    return {
        "period_start": report.period.start,
        "period_end": report.period.end,
        "group_by": report.group_by,
        "rows": [row_data(row, labels) for row in report.rows],
        "total": row_data(report.total, labels),
        "delay_notices_sent": report.delay_notices_sent,
        "delay_cases_needing_a_person": report.delay_cases_needing_a_person_share,
    }


def period_of(data: dict[str, Any]) -> Period:
    start, end = data["gte"], data["lt"]
    if start.tzinfo is None:
        start = timezone.make_aware(start)
    if end.tzinfo is None:
        end = timezone.make_aware(end)
    return Period(start, end)


def run_report(cases: Any, period: Period, group_by: str, timezone_name: str, database: str) -> dict[str, Any]:
    from saleor_support_plugin.feedback.ratings import rating_figures

    report = support_report(period, group_by, cases, timezone_name, rating_figures, database)
    return report_data(report, database)
