"""The "Support report" page: the shop's standard as configured, how a period met it, two charts drawn here as
SVG (no script, no CDN; colours from the page's light or dark theme), and the same rows as CSV."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.service_policies import promise
from saleor_support_plugin.feedback.ratings import rating_figures
from saleor_support_plugin.models import SupportCase
from saleor_support_plugin.service_levels.report import GROUPS, Period, Report, ReportRow, support_report

DEFAULT_WEEKS = 8
CSV_COLUMNS = (
    "group", "opened", "resolved", "reopened", "backlog", "first_response_p50_h", "first_response_p75_h",
    "first_response_p90_h", "first_response_max_h", "first_response_within_target", "resolution_p50_h",
    "resolution_p90_h", "replies_per_resolution", "csat_score", "csat_response_rate",
)  # fmt: skip


@dataclass(frozen=True)
class ReportQuery:
    start: datetime.date
    end: datetime.date  # included
    group_by: str = "agent"

    @classmethod
    def from_form(cls, form: Mapping[str, str], today: datetime.date) -> ReportQuery:
        end = _date(form.get("end", ""), today)
        start = _date(form.get("start", ""), end - datetime.timedelta(weeks=DEFAULT_WEEKS) + datetime.timedelta(days=1))
        if start > end or (end - start).days > 400:
            start = end - datetime.timedelta(weeks=DEFAULT_WEEKS) + datetime.timedelta(days=1)
        group_by = form.get("group_by", "agent")
        return cls(start, end, group_by if group_by in GROUPS else "agent")

    @property
    def csv_name(self) -> str:
        return f"support-report-{self.start}-{self.end}-{self.group_by}.csv"

    def period(self, settings: SupportSettings) -> Period:
        zone = settings.calendar.timezone
        start = datetime.datetime.combine(self.start, datetime.time(), tzinfo=zone)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
        return Period(start.astimezone(datetime.UTC), end.astimezone(datetime.UTC))


def _date(value: str, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return default


@dataclass(frozen=True)
class ReportPage:
    query: ReportQuery
    table: Report
    by_week: Report
    by_agent: Report
    labels: dict[str, str]


def build_report(settings: SupportSettings, form: Mapping[str, str], staff: Sequence[tuple[int, str]]) -> ReportPage:
    query = ReportQuery.from_form(form, timezone.localdate(timezone=settings.calendar.timezone))
    period = query.period(settings)
    zone = settings.calendar.timezone.key
    cases = SupportCase.objects.all()
    reports = {
        group: support_report(period, group, cases, zone, rating_figures) for group in {query.group_by, "week", "agent"}
    }
    labels = {"": "Unassigned", **{str(pk): name for pk, name in staff}}
    return ReportPage(query, reports[query.group_by], reports["week"], reports["agent"], labels)


def page_context(built: ReportPage, settings: SupportSettings) -> dict[str, Any]:
    """What report.html shows: the standard as configured, the period's table and the two charts."""
    rows = [{"label": label(row, built.labels), "data": row, "total": False} for row in built.table.rows]
    return {
        "query": built.query,
        "standard": standard(settings),
        "opening_hours": settings.opening_hours_spec or "every business day, all day",
        "time_zone": settings.calendar.timezone.key,
        "groups": [(group, group.capitalize()) for group in GROUPS],
        "group_name": built.query.group_by.capitalize(),
        "total": built.table.total,
        "rows": [*rows, {"label": "All", "data": built.table.total, "total": True}],
        "delay_notices_sent": built.table.delay_notices_sent,
        "delay_share": built.table.delay_cases_needing_a_person_share,
        "weekly_chart": weekly_chart(built.by_week),
        "agent_chart": agent_chart(built.by_agent, built.labels),
    }


def standard(settings: SupportSettings) -> list[dict[str, str]]:
    """The shop's service-level policies, default last: targets and the promise customers read."""
    return [
        {
            "name": policy.name,
            "first": _duration(policy.first_response),
            "next": _duration(policy.next_response),
            "resolution": _duration(policy.resolution),
            "promise": promise(policy.first_response, settings.opening_hours, "en"),
        }
        for policy in (*settings.service_level_policies, settings.default_policy)
    ]


def _duration(value: datetime.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def label(row: ReportRow, labels: Mapping[str, str]) -> str:
    if row.key is None:
        return "All"
    return labels.get(row.key, row.key)


def csv_rows(report: Report, labels: Mapping[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in [*report.rows, report.total]:
        writer.writerow(
            [
                label(row, labels),
                row.opened,
                row.resolved,
                row.reopened,
                row.backlog,
                *_blank(row.first_response.p50, row.first_response.p75, row.first_response.p90, row.first_response.max),
                _blank(row.within_target_share)[0],
                *_blank(row.resolution.p50, row.resolution.p90),
                *_blank(row.replies_per_resolution, row.csat_score, row.csat_response_rate),
            ]
        )
    return out.getvalue()


def _blank(*values: Any) -> list[Any]:
    return ["" if value is None else value for value in values]


# --- Charts: plain SVG, classes coloured by support.css (light and dark).
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 44, 40, 12


def _scale(values: list[float]) -> float:
    top = max([value for value in values if value is not None] or [1.0])
    for step in (1, 2, 4, 8, 12, 24, 48, 96, 168, 336, 720):
        if top <= step:
            return float(step)
    return top


def _axis(top: float, title: str) -> list[str]:
    parts = [f'<text class="chart-title" x="{LEFT}" y="10">{escape(title)}</text>']
    for fraction in (0, 0.5, 1):
        y = TOP + (HEIGHT - TOP - BOTTOM) * (1 - fraction)
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="chart-tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{top * fraction:g} h</text>'
        )
    return parts


def _y(value: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(value, top) / top)


@dataclass(frozen=True)
class _Chart:
    """A chart of first-response times: one slot per row, `marks` drawing a row in its slot (start, width)."""

    label: str
    axis_title: str
    empty: str
    top: Callable[[ReportRow], float]
    marks: Callable[[ReportRow, float, float, float], list[str]]

    def render(self, rows: Sequence[ReportRow]) -> SafeString:
        if not rows:
            return mark_safe(f'<p class="empty">{escape(self.empty)}</p>')
        top = _scale([self.top(row) for row in rows])
        slot = (WIDTH - LEFT) / len(rows)
        parts = _axis(top, self.axis_title)
        for index, row in enumerate(rows):
            parts.extend(self.marks(row, LEFT + index * slot, slot, top))
        return _svg(parts, self.label)


def weekly_chart(report: Report) -> SafeString:
    """First-response time by week: the median as a bar, the 90th percentile as a mark above it."""
    return _Chart(
        "First-response time by week",
        "First response, business hours: median (bar) and 90th percentile (line), by week",
        "No cases in this period.",
        lambda row: row.first_response.p90 or 0,
        _week_marks,
    ).render(report.rows)


def _week_marks(row: ReportRow, start: float, slot: float, top: float) -> list[str]:
    x = start + slot * 0.2
    p50, p90 = row.first_response.p50 or 0, row.first_response.p90 or 0
    return [
        f'<rect class="bar-median" x="{x:.1f}" y="{_y(p50, top):.1f}" width="{slot * 0.6:.1f}" '
        f'height="{_y(0, top) - _y(p50, top):.1f}"><title>{escape(row.key)}: median {p50:g} h, '
        f"90th percentile {p90:g} h, {row.opened} opened</title></rect>",
        f'<line class="mark-p90" x1="{x:.1f}" x2="{x + slot * 0.6:.1f}" y1="{_y(p90, top):.1f}" '
        f'y2="{_y(p90, top):.1f}"/>',
        f'<text class="chart-tick" x="{x + slot * 0.3:.1f}" y="{HEIGHT - BOTTOM + 16}" '
        f'text-anchor="middle">{escape((row.key or "")[5:])}</text>',
    ]


def agent_chart(report: Report, labels: Mapping[str, str]) -> SafeString:
    """The distribution per agent: a range from the median to the 90th percentile, the 75th marked, max dotted."""
    return _Chart(
        "First-response time per agent",
        "First response per agent, business hours: median to 90th percentile, 75th, max",
        "No first responses in this period.",
        lambda row: row.first_response.max or 0,
        lambda row, start, slot, top: _agent_marks(row, start, slot, top, label(row, labels)),
    ).render([row for row in report.rows if row.first_response.p50 is not None])


def _agent_marks(row: ReportRow, start: float, slot: float, top: float, name: str) -> list[str]:
    x = start + slot * 0.3
    width = slot * 0.4
    fr = row.first_response
    p50, p75, p90, high = fr.p50 or 0, fr.p75 or 0, fr.p90 or 0, fr.max or 0
    y75 = _y(p75, top)
    return [
        f'<line class="whisker" x1="{x + width / 2:.1f}" x2="{x + width / 2:.1f}" y1="{_y(high, top):.1f}" '
        f'y2="{_y(p90, top):.1f}"/>',
        f'<rect class="box" x="{x:.1f}" y="{_y(p90, top):.1f}" width="{width:.1f}" '
        f'height="{max(_y(p50, top) - _y(p90, top), 1):.1f}"><title>{escape(name)}: median {p50:g} h, '
        f"75th {p75:g} h, 90th {p90:g} h, max {high:g} h</title></rect>",
        f'<line class="mark-p75" x1="{x:.1f}" x2="{x + width:.1f}" y1="{y75:.1f}" y2="{y75:.1f}"/>',
        f'<text class="chart-tick" x="{x + width / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
        f'text-anchor="middle">{escape(name[:18])}</text>',
    ]


def _svg(parts: list[str], title: str) -> SafeString:
    body = "".join(parts)
    return mark_safe(  # every text inside was escaped above
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )
