"""The "Support report" page: the shop's standard as configured, how a period met it, two charts drawn here as
SVG (no script, no CDN; colours from the page's light or dark theme), and the same rows as CSV."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from saleor_support_plugin.core.config import SupportSettings
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


def weekly_chart(report: Report) -> SafeString:
    """First-response time by week: the median as a bar, the 90th percentile as a mark above it."""
    rows = report.rows
    if not rows:
        return mark_safe('<p class="empty">No cases in this period.</p>')
    top = _scale([row.first_response.p90 or 0 for row in rows])
    slot = (WIDTH - LEFT) / len(rows)
    parts = _axis(top, "First response, business hours: median (bar) and 90th percentile (line), by week")
    for index, row in enumerate(rows):
        x = LEFT + index * slot + slot * 0.2
        p50, p90 = row.first_response.p50 or 0, row.first_response.p90 or 0
        parts.append(
            f'<rect class="bar-median" x="{x:.1f}" y="{_y(p50, top):.1f}" width="{slot * 0.6:.1f}" '
            f'height="{_y(0, top) - _y(p50, top):.1f}"><title>{escape(row.key)}: median {p50:g} h, '
            f"90th percentile {p90:g} h, {row.opened} opened</title></rect>"
        )
        parts.append(
            f'<line class="mark-p90" x1="{x:.1f}" x2="{x + slot * 0.6:.1f}" y1="{_y(p90, top):.1f}" '
            f'y2="{_y(p90, top):.1f}"/>'
        )
        parts.append(
            f'<text class="chart-tick" x="{x + slot * 0.3:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{escape((row.key or "")[5:])}</text>'
        )
    return _svg(parts, "First-response time by week")


def agent_chart(report: Report, labels: Mapping[str, str]) -> SafeString:
    """The distribution per agent: a range from the median to the 90th percentile, the 75th marked, max dotted."""
    rows = [row for row in report.rows if row.first_response.p50 is not None]
    if not rows:
        return mark_safe('<p class="empty">No first responses in this period.</p>')
    top = _scale([row.first_response.max or 0 for row in rows])
    slot = (WIDTH - LEFT) / len(rows)
    parts = _axis(top, "First response per agent, business hours: median to 90th percentile, 75th, max")
    for index, row in enumerate(rows):
        x = LEFT + index * slot + slot * 0.3
        width = slot * 0.4
        fr = row.first_response
        p50, p75, p90, high = fr.p50 or 0, fr.p75 or 0, fr.p90 or 0, fr.max or 0
        name = label(row, labels)
        parts.append(
            f'<line class="whisker" x1="{x + width / 2:.1f}" x2="{x + width / 2:.1f}" y1="{_y(high, top):.1f}" '
            f'y2="{_y(p90, top):.1f}"/>'
        )
        parts.append(
            f'<rect class="box" x="{x:.1f}" y="{_y(p90, top):.1f}" width="{width:.1f}" '
            f'height="{max(_y(p50, top) - _y(p90, top), 1):.1f}"><title>{escape(name)}: median {p50:g} h, '
            f"75th {p75:g} h, 90th {p90:g} h, max {high:g} h</title></rect>"
        )
        y75 = _y(p75, top)
        parts.append(f'<line class="mark-p75" x1="{x:.1f}" x2="{x + width:.1f}" y1="{y75:.1f}" y2="{y75:.1f}"/>')
        parts.append(
            f'<text class="chart-tick" x="{x + width / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{escape(name[:18])}</text>'
        )
    return _svg(parts, "First-response time per agent")


def _svg(parts: list[str], title: str) -> SafeString:
    body = "".join(parts)
    return mark_safe(  # every text inside was escaped above
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )
