"""The support report: how a period met the shop's standard, computed in the database.

Figures come from what the cases stored as they happened (first-response and resolution times in business
time, measured by the clock; the audit trail's status changes; messages; delay notices; ratings), aggregated
in PostgreSQL with percentiles (`percentile_cont`) per group and for the whole (GROUPING SETS). The number of
queries is fixed, whatever the number of cases.

- opened: cases opened in the period; first-response figures are those of these cases (share within target:
  answered within the stamped target, among those answered or already past their due time at the period's end);
- resolved: resolutions in the period (from the audit trail: a case resolved again after reopening counts again),
  replies per resolution: the public staff replies those cases have (counted on the case as they are written);
  resolution time: that of the cases whose (latest) resolution fell in the period;
- reopened: a resolved or closed case set back to new, open or waiting in the period (from the audit trail);
- backlog: cases opened before the end of the period and not resolved by then;
- CSAT: of the surveys of the period, the share of ratings with 4 or 5 stars, and ratings per survey emailed;
- delay notices sent in the period, and the share of cases the shop opened automatically about late orders
  in the period that needed a person (a public staff reply).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet

from saleor_support_plugin.models import CaseChange, CaseMessage, DelayNotice, SupportCase

GROUPS = ("agent", "channel", "category", "priority", "week")
PERCENTILES = (0.5, 0.75, 0.9)
TOTAL = None


@dataclass(frozen=True)
class Period:
    start: datetime.datetime
    end: datetime.datetime  # exclusive


@dataclass(frozen=True)
class Percentiles:
    """Business hours."""

    p50: float | None = None
    p75: float | None = None
    p90: float | None = None
    max: float | None = None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _share_of(part: str, whole: str) -> Any:
    """A read-only figure: the share the count `part` is of the count `whole` (None when there is no whole)."""
    return property(lambda figures: _share(getattr(figures, part), getattr(figures, whole)))


@dataclass
class ReportRow:
    key: str | None  # None: the whole period
    opened: int = 0
    resolved: int = 0
    reopened: int = 0
    backlog: int = 0
    first_response: Percentiles = field(default_factory=Percentiles)
    first_response_measured: int = 0
    first_response_within_target: int = 0
    resolution: Percentiles = field(default_factory=Percentiles)
    replies: int = 0
    ratings: int = 0
    good_ratings: int = 0
    surveys_sent: int = 0

    within_target_share = _share_of("first_response_within_target", "first_response_measured")
    csat_score = _share_of("good_ratings", "ratings")
    csat_response_rate = _share_of("ratings", "surveys_sent")

    @property
    def replies_per_resolution(self) -> float | None:
        return round(self.replies / self.resolved, 2) if self.resolved else None


@dataclass
class Report:
    period: Period
    group_by: str
    rows: list[ReportRow]
    total: ReportRow
    delay_notices_sent: int = 0
    automatic_cases: int = 0
    automatic_cases_handled: int = 0

    delay_cases_needing_a_person_share = _share_of("automatic_cases_handled", "automatic_cases")


def _key_sql(group_by: str, moment: str) -> str:
    """The group key of a case for an event at the column `moment` (WEEK: the week it fell in, local time)."""
    return {
        "agent": "c.assignee_id::text",
        "channel": "c.origin",
        "category": "c.category",
        "priority": "c.priority",
        "week": f"to_char(date_trunc('week', {moment} AT TIME ZONE %(tz)s), 'YYYY-MM-DD')",
    }[group_by]


def support_report(
    period: Period,
    group_by: str,
    cases: QuerySet[SupportCase],
    timezone_name: str = "UTC",
    ratings: Callable[[Any, str, str, dict[str, Any]], list[tuple[Any, ...]]] | None = None,
    database: str = DEFAULT_DB_ALIAS,
) -> Report:
    """The report over `cases` (a filtered queryset: only its SQL is used) for `period`, grouped by `group_by`.
    `ratings(cursor, key_sql, in_filter, params)` adds the CSAT figures (SQL on the survey `r` and its case `c`)."""
    if group_by not in GROUPS:
        raise ValueError(f"Group by one of {', '.join(GROUPS)}.")
    # `database`: where to read (Saleor reads queries from its replica, and refuses the writer there).
    with transaction.atomic(using=database), connections[database].cursor() as cursor:
        # Percentiles sort every case of a group: in memory rather than in temporary files.
        cursor.execute("SET LOCAL work_mem = '32MB'")
        return _report(period, group_by, cases, timezone_name, ratings, cursor)


def _report(
    period: Period,
    group_by: str,
    cases: QuerySet[SupportCase],
    timezone_name: str,
    ratings: Callable[[Any, str, str, dict[str, Any]], list[tuple[Any, ...]]] | None,
    cursor: Any,
) -> Report:
    in_filter, params = _case_filter(cases, period, timezone_name)
    rows: dict[str | None, ReportRow] = {}
    for template, moment, weekly, fill in _FIGURES:
        group = group_by if weekly or group_by != "week" else None
        _fill(rows, _grouped(cursor, template, group, moment, in_filter, params), fill)
    if ratings is not None:
        _fill(rows, ratings(cursor, _key_sql(group_by, "r.created_at"), in_filter, params), _set_ratings)
    ((notices, automatic, handled),) = _fetch(cursor, _DELAYS.format(in_filter=in_filter, **_tables()), params)
    total = rows.pop(TOTAL, None) or ReportRow(TOTAL)
    ordered = sorted(rows.values(), key=lambda item: (item.key is None, item.key or ""))
    return Report(period, group_by, ordered, total, notices, automatic, handled)


def _case_filter(cases: QuerySet[SupportCase], period: Period, timezone_name: str) -> tuple[str, dict[str, Any]]:
    """The SQL condition on a case `c` that keeps the cases of the queryset, and the query parameters (the
    period, the time zone and the queryset's own)."""
    filter_sql, filter_params = cases.values("pk").query.sql_with_params()
    params: dict[str, Any] = {"start": period.start, "end": period.end, "tz": timezone_name}
    params |= {f"f{index}": value for index, value in enumerate(filter_params)}
    named_filter = filter_sql % tuple(f"%(f{index})s" for index in range(len(filter_params)))
    # Every case (no filter): no `c.id IN (SELECT id FROM cases)`, which would only cost a join.
    return (f"c.id IN ({named_filter})" if cases.query.where else "TRUE"), params


def _fill(rows: dict[str | None, ReportRow], results: list[tuple[Any, ...]], fill: Callable[..., None]) -> None:
    """Hand each result's figures to `fill`, with the row of its group (made when it is the group's first)."""
    for key, *figures in results:
        fill(rows.setdefault(key, ReportRow(key)), *figures)


def _set_opened(row: ReportRow, opened: int, percentiles: Any, maximum: Any, within: int, measured: int) -> None:
    row.opened, row.first_response_within_target, row.first_response_measured = opened, within, measured
    row.first_response = _percentiles(percentiles, maximum)


def _set_resolved(row: ReportRow, resolved: int, replies: int) -> None:
    row.resolved, row.replies = resolved, replies


def _set_resolution(row: ReportRow, percentiles: Any, maximum: Any) -> None:
    row.resolution = _percentiles(percentiles, maximum)


def _set_reopened(row: ReportRow, reopened: int) -> None:
    row.reopened = reopened


def _set_backlog(row: ReportRow, backlog: int) -> None:
    row.backlog = backlog


def _set_ratings(row: ReportRow, count: int, good: int, sent: int) -> None:
    row.ratings, row.good_ratings, row.surveys_sent = count, good, sent


def _percentiles(values: list[float] | None, maximum: float | None) -> Percentiles:
    if not values or values[0] is None:
        return Percentiles()
    p50, p75, p90 = (round(value / 3600, 4) for value in values)
    return Percentiles(p50, p75, p90, round(maximum / 3600, 4) if maximum is not None else None)


def _tables() -> dict[str, str]:
    return {
        "cases": SupportCase._meta.db_table,
        "changes": CaseChange._meta.db_table,
        "messages": CaseMessage._meta.db_table,
        "notices": DelayNotice._meta.db_table,
    }


def _grouped(
    cursor: Any, template: str, group_by: str | None, moment: str, in_filter: str, params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """Rows of (key, figures...): one per group and one for the whole period (key TOTAL). Cases with no
    assignee are the group ""."""
    if group_by:
        expression = _key_sql(group_by, moment)
        parts = {
            "key": expression,
            "grouping_flag": f"GROUPING({expression})",
            "grouping": f"GROUP BY GROUPING SETS (({expression}), ())",
        }
    else:
        parts = {"key": "NULL", "grouping_flag": "1", "grouping": ""}
    rows = _fetch(cursor, template.format(in_filter=in_filter, **parts, **_tables()), params)
    return [(TOTAL if row[-1] else (row[0] or ""), *row[1:-1]) for row in rows]


def _fetch(cursor: Any, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return cursor.fetchall()  # type: ignore[no-any-return]


PERCENTILE_ARRAY = "ARRAY[" + ", ".join(str(p) for p in PERCENTILES) + "]"

_OPENED = f"""
SELECT {{key}},
       count(*),
       percentile_cont({PERCENTILE_ARRAY}) WITHIN GROUP (ORDER BY extract(epoch FROM c.first_response_time)::float8),
       max(extract(epoch FROM c.first_response_time)::float8),
       count(*) FILTER (WHERE c.first_response_time <= c.first_response_target),
       count(*) FILTER (WHERE c.first_response_time IS NOT NULL
                        OR (c.first_response_at IS NULL AND c.first_response_due_at < %(end)s)),
       {{grouping_flag}}
FROM {{cases}} c
WHERE c.created_at >= %(start)s AND c.created_at < %(end)s AND {{in_filter}}
{{grouping}}
"""

_RESOLUTION_TIME = f"""
SELECT {{key}},
       percentile_cont({PERCENTILE_ARRAY}) WITHIN GROUP (ORDER BY extract(epoch FROM c.resolution_time)::float8),
       max(extract(epoch FROM c.resolution_time))::float8,
       {{grouping_flag}}
FROM {{cases}} c
WHERE c.resolved_at >= %(start)s AND c.resolved_at < %(end)s AND {{in_filter}}
{{grouping}}
"""

# Resolutions from the audit trail: a case resolved, reopened and resolved again counts twice.
_RESOLVED = """
SELECT {key}, count(*), coalesce(sum(c.staff_replies), 0)::bigint, {grouping_flag}
FROM {changes} ch JOIN {cases} c ON c.id = ch.case_id
WHERE ch.field = 'status' AND ch.new_value IN ('resolved', 'closed') AND ch.old_value NOT IN ('resolved', 'closed')
  AND ch.created_at >= %(start)s AND ch.created_at < %(end)s AND {in_filter}
{grouping}
"""

_REOPENED = """
SELECT {key}, count(*), {grouping_flag}
FROM {changes} ch JOIN {cases} c ON c.id = ch.case_id
WHERE ch.field = 'status' AND ch.old_value IN ('resolved', 'closed')
  AND ch.new_value IN ('new', 'open', 'waiting_on_customer')
  AND ch.created_at >= %(start)s AND ch.created_at < %(end)s AND {in_filter}
{grouping}
"""

_BACKLOG = """
SELECT {key}, count(*), {grouping_flag}
FROM {cases} c
WHERE c.created_at < %(end)s AND (c.resolved_at IS NULL OR c.resolved_at >= %(end)s) AND {in_filter}
{grouping}
"""

_DELAYS = """
SELECT
  (SELECT count(*) FROM {notices} n WHERE n.status = 'sent' AND n.sent_at >= %(start)s AND n.sent_at < %(end)s),
  count(*),
  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {messages} m WHERE m.case_id = c.id AND NOT m.is_internal
                                 AND m.author_type IN ('staff', 'app')))
FROM {cases} c
WHERE c.origin = 'automatic' AND c.created_at >= %(start)s AND c.created_at < %(end)s AND {in_filter}
"""

# Each figure's query, the moment that puts a case in a week, whether it is grouped by week (a backlog is
# counted at the period's end), and what the figures set on the row.
_FIGURES: tuple[tuple[str, str, bool, Callable[..., None]], ...] = (
    (_OPENED, "c.created_at", True, _set_opened),
    (_RESOLVED, "ch.created_at", True, _set_resolved),
    (_RESOLUTION_TIME, "c.resolved_at", True, _set_resolution),
    (_REOPENED, "ch.created_at", True, _set_reopened),
    (_BACKLOG, "", False, _set_backlog),
)
