"""The periodic scan: turn watchlist rows whose due time has passed into queued delay notices, and open the
support case of orders that stay late (`open_cases_for_late_orders`).

It reads only due rows (an index range scan on `due_at`), in batches, each batch claimed with
`FOR UPDATE SKIP LOCKED` so that two scans running at once never take the same row. A notice row is inserted
with `ON CONFLICT DO NOTHING` on (order, stage): whatever happens, an order gets one notice per stage. The
emails are sent by Celery tasks enqueued when each batch commits; the task re-reads the order first.

The scan also recovers deliveries (`recover_deliveries`): emails whose task was lost are queued again, emails
whose worker died mid-send are marked interrupted.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Model

from saleor_support_plugin.cases.escalation import escalate_late_orders
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.delays.rules import late_since
from saleor_support_plugin.email.delivery import find_interrupted, requeue_stale
from saleor_support_plugin.models import DelayNotice, DelayNoticeStatus, DelayWatch

Enqueue = Callable[[list[int]], None]


@dataclass
class ScanSummary:
    due: int = 0
    queued: int = 0  # notice emails queued
    already_noticed: int = 0
    by_stage: Counter[str] = field(default_factory=Counter)
    notice_ids: list[int] = field(default_factory=list)


@dataclass
class RecoverySummary:
    """What the scan found of deliveries whose task or worker was lost."""

    requeued_ids: dict[str, list[int]] = field(default_factory=dict)  # by record: DelayNotice, CaseEmail, ...
    interrupted: int = 0

    @property
    def requeued_notices(self) -> list[int]:
        return self.requeued_ids.get("DelayNotice", [])

    @property
    def requeued_case_emails(self) -> list[int]:
        return self.requeued_ids.get("CaseEmail", [])

    @property
    def requeued(self) -> int:
        return sum(len(ids) for ids in self.requeued_ids.values())


def recover_deliveries(now: datetime.datetime, queues: Mapping[type[Model], Enqueue]) -> RecoverySummary:
    """Queue again every email whose task was lost before it claimed the email (pending too long, or a retry
    that never came), and mark every email whose worker died mid-send as interrupted: it is never resent,
    because the provider may have accepted it, and counts as not sent. `queues`: each kind of recorded email
    (DelayNotice, CaseEmail, ...) and how its ids are queued."""
    summary = RecoverySummary()
    summary.interrupted = sum(find_interrupted(model, now) for model in queues)
    with transaction.atomic():
        for model, enqueue in queues.items():
            ids = requeue_stale(model, now)
            summary.requeued_ids[model.__name__] = ids
            if ids:
                transaction.on_commit(lambda enqueue=enqueue, ids=ids: enqueue(ids))  # type: ignore[misc]
    return summary


def open_cases_for_late_orders(runtime: SupportRuntime, now: datetime.datetime) -> int:
    """The support case of every order still late `case_after_late_days` business days after it became late
    (cases/escalation.py), lateness judged by these rules; returns how many cases opened."""
    return escalate_late_orders(runtime, now, late_since)


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
                                  failure_reason, claimed_by)
            SELECT order_id, order_number, stage, %(pending)s, due_at, %(now)s, %(now)s, 0, '', '', '', '', '', ''
            FROM removed
            ON CONFLICT (order_id, stage) DO NOTHING
            RETURNING id
        )
        SELECT stage, NULL FROM removed UNION ALL SELECT NULL, id FROM inserted
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now, "limit": batch_size, "pending": DelayNoticeStatus.PENDING.value})
        rows = cursor.fetchall()
    claimed = [stage for stage, _ in rows if stage is not None]
    return claimed, [pk for _, pk in rows if pk is not None]


def _stage_counts(queryset) -> list[tuple[str, int]]:

    return list(queryset.values_list("stage").annotate(count=Count("pk")).order_by("stage"))
