"""The periodic scan: turn watchlist rows whose due time has passed into queued delay notices.

It reads only due rows (an index range scan on `due_at`), in batches, each batch claimed with
`FOR UPDATE SKIP LOCKED` so that two scans running at once never take the same row. A notice row is inserted
with `ON CONFLICT DO NOTHING` on (order, stage): whatever happens, an order gets one notice per stage. The
emails are sent by Celery tasks enqueued when each batch commits; the task re-reads the order first.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from .models import DelayNotice, DelayNoticeStatus, DelayWatch

Enqueue = Callable[[list[int]], None]


@dataclass
class ScanSummary:
    due: int = 0
    queued: int = 0
    already_noticed: int = 0
    by_stage: Counter[str] = field(default_factory=Counter)
    notice_ids: list[int] = field(default_factory=list)


def count_due(now: datetime.datetime) -> int:
    return DelayWatch.objects.filter(due_at__lte=now).count()


def preview_due(now: datetime.datetime, limit: int = 50) -> tuple[ScanSummary, list[DelayWatch]]:
    """What a scan would queue now, changing nothing (`--dry-run`)."""
    summary = ScanSummary()
    due = DelayWatch.objects.filter(due_at__lte=now)
    for stage, count in _stage_counts(due):
        summary.by_stage[stage] = count
        summary.due += count
    return summary, list(due.order_by("due_at", "pk")[:limit])


def scan_delays(
    now: datetime.datetime,
    enqueue: Enqueue,
    batch_size: int = 1000,
    on_batch: Callable[[int], None] | None = None,
) -> ScanSummary:
    summary = ScanSummary()
    while claimed := _process_batch(now, enqueue, batch_size, summary):
        if on_batch:
            on_batch(claimed)
    return summary


def _process_batch(now: datetime.datetime, enqueue: Enqueue, batch_size: int, summary: ScanSummary) -> int:
    with transaction.atomic():
        rows = list(
            DelayWatch.objects.select_for_update(skip_locked=True)
            .filter(due_at__lte=now)
            .order_by("due_at")
            .values_list("pk", "order_id", "order_number", "stage", "due_at")[:batch_size]
        )
        if not rows:
            return 0
        created = _insert_notices(rows, now)
        DelayWatch.objects.filter(pk__in=[row[0] for row in rows]).delete()
        if created:
            transaction.on_commit(lambda: enqueue(created))
    summary.due += len(rows)
    summary.queued += len(created)
    summary.already_noticed += len(rows) - len(created)
    summary.notice_ids.extend(created)
    summary.by_stage.update(row[3] for row in rows)
    return len(rows)


def _insert_notices(rows: list[tuple], now: datetime.datetime) -> list[int]:
    """Insert one pending notice per (order, stage); return the ids of those that did not exist yet."""
    table = DelayNotice._meta.db_table
    values_sql = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, 0, '', '', '', '', '')"] * len(rows))
    params: list[Any] = []
    for _pk, order_id, order_number, stage, due_at in rows:
        params += [order_id, order_number, stage, DelayNoticeStatus.PENDING, due_at, now, now]
    sql = (
        f"INSERT INTO {table} (order_id, order_number, stage, status, due_at, created_at, updated_at, attempts, "
        "recipient, language_code, message_id, provider_message_id, failure_reason) "
        f"VALUES {values_sql} ON CONFLICT (order_id, stage) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _stage_counts(queryset) -> list[tuple[str, int]]:
    from django.db.models import Count

    return list(queryset.values_list("stage").annotate(count=Count("pk")).order_by("stage"))
