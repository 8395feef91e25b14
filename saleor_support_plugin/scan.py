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

from django.db import connection, transaction
from django.db.models import Count

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
        claimed_stages, created = _claim_batch(now, batch_size)
        if created:
            transaction.on_commit(lambda: enqueue(created))
    summary.due += len(claimed_stages)
    summary.queued += len(created)
    summary.already_noticed += len(claimed_stages) - len(created)
    summary.notice_ids.extend(created)
    summary.by_stage.update(claimed_stages)
    return len(claimed_stages)


def _claim_batch(now: datetime.datetime, batch_size: int) -> tuple[list[str], list[int]]:
    """In one statement: lock up to `batch_size` due rows (skipping rows another scan holds), delete them,
    and insert a pending notice for each (order, stage) that has none. Returns the stages of the claimed rows
    and the ids of the new notices."""
    watch = DelayWatch._meta.db_table
    notice = DelayNotice._meta.db_table
    sql = f"""
        WITH claimed AS (
            SELECT id FROM {watch} WHERE due_at <= %(now)s ORDER BY due_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED
        ), removed AS (
            DELETE FROM {watch} AS watch USING claimed WHERE watch.id = claimed.id
            RETURNING watch.order_id, watch.order_number, watch.stage, watch.due_at
        ), inserted AS (
            INSERT INTO {notice} (order_id, order_number, stage, status, due_at, created_at, updated_at,
                                  attempts, recipient, language_code, message_id, provider_message_id,
                                  failure_reason)
            SELECT order_id, order_number, stage, %(pending)s, due_at, %(now)s, %(now)s, 0, '', '', '', '', ''
            FROM removed
            ON CONFLICT (order_id, stage) DO NOTHING
            RETURNING id
        )
        SELECT stage, NULL FROM removed UNION ALL SELECT NULL, id FROM inserted
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "limit": batch_size, "pending": DelayNoticeStatus.PENDING.value})
        rows = cursor.fetchall()
    return [stage for stage, _ in rows if stage is not None], [pk for _, pk in rows if pk is not None]


def _stage_counts(queryset) -> list[tuple[str, int]]:

    return list(queryset.values_list("stage").annotate(count=Count("pk")).order_by("stage"))
