"""The CSAT figures of the support report: surveys sent in the period, ratings given to them, good ones."""

from __future__ import annotations

from typing import Any

from saleor_support_plugin.models import CaseSurvey, SupportCase

GOOD_RATING = 4


def rating_figures(cursor: Any, key_sql: str, in_filter: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Rows of (key, ratings, good ratings, surveys sent) per group of `key_sql` and for all (key None), for
    the surveys of the report's period, emailed or answered from the storefront (`params`: the report's query
    parameters)."""
    sql = f"""
        SELECT {key_sql}, count(r.rating), count(*) FILTER (WHERE r.rating >= {GOOD_RATING}),
               count(*) FILTER (WHERE r.status = 'sent'), GROUPING({key_sql})
        FROM {CaseSurvey._meta.db_table} r JOIN {SupportCase._meta.db_table} c ON c.id = r.case_id
        WHERE r.created_at >= %(start)s AND r.created_at < %(end)s AND {in_filter}
        GROUP BY GROUPING SETS (({key_sql}), ())
    """
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    return [(None if row[-1] else (row[0] or ""), *row[1:-1]) for row in rows]
