"""Celery tasks: thin wrappers that load the runtime and call the domain.

Saleor's worker autodiscovers this module next to the plugin module. Every task is idempotent: a refresh
recomputes the watchlist, a scan claims rows with SKIP LOCKED, a delivery claims its notice first.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.utils import timezone

from .case_emails import deliver_case_email
from .cases import anonymize_customer_cases, escalate_overdue_cases
from .dashboard import submissions
from .email_delivery import Delivery
from .notices import deliver_delay_notice
from .order_changes import handle_order_change
from .runtime import load_runtime
from .saleor_compat import allow_writer
from .scan import scan_delays

logger = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 6
NOTICES_PER_TASK = 50
SCAN_TASK_NAME = "saleor_support_plugin.tasks.scan_delays_task"


def retry_delay_seconds(attempt: int) -> int:
    """Exponential backoff for transient provider errors: 1, 2, 4, 8, 16 minutes."""
    return min(60 * 2**attempt, 3600)


# One Saleor mutation fires several hooks for the same order (orderFulfill: four). They all follow the same
# commit, so one task is enough: the first hook publishes it to run CHANGE_COUNTDOWN seconds later, and hooks
# for that order in the next CHANGE_WINDOW seconds publish nothing. Because a hook runs after its commit and
# the task starts after the window has closed, the task still sees every change a skipped hook reported.
CHANGE_WINDOW_SECONDS = 1.0
CHANGE_COUNTDOWN_SECONDS = 5
_recently_enqueued: dict[str, float] = {}
_recently_enqueued_lock = threading.Lock()


def enqueue_order_change(order_id: str) -> None:
    if order_changed_task.app.conf.task_always_eager:
        # No broker (tasks run inline, immediately): nothing can be deferred, so nothing is skipped.
        order_changed_task.delay(order_id)
        return
    now = time.monotonic()
    with _recently_enqueued_lock:
        if now - _recently_enqueued.get(order_id, -CHANGE_WINDOW_SECONDS) < CHANGE_WINDOW_SECONDS:
            return
        if len(_recently_enqueued) > 10_000:
            _recently_enqueued.clear()
        _recently_enqueued[order_id] = now
    order_changed_task.apply_async(args=[order_id], countdown=CHANGE_COUNTDOWN_SECONDS)


def enqueue_notice_delivery(notice_ids: list[int]) -> None:
    for start in range(0, len(notice_ids), NOTICES_PER_TASK):
        send_delay_notices_task.delay(notice_ids[start : start + NOTICES_PER_TASK])


@shared_task(ignore_result=True)
@allow_writer()
def order_changed_task(order_id: str) -> None:
    runtime = load_runtime()
    if runtime.active:
        handle_order_change(uuid.UUID(order_id), runtime)


@shared_task(ignore_result=True)
@allow_writer()
def anonymize_customer_cases_task(customer_id: int, email: str) -> None:
    # Not gated on the plugin being active: once the deletion was reported, the customer is forgotten.
    anonymize_customer_cases(customer_id, email)


@shared_task(name=SCAN_TASK_NAME, ignore_result=True, expires=600)
@allow_writer()
def scan_delays_task() -> None:
    runtime = load_runtime()
    if not runtime.active:
        return
    now = timezone.now()
    summary = scan_delays(now, enqueue_notice_delivery)
    escalated = escalate_overdue_cases(now)
    submissions.forget_old(now)
    if summary.due or escalated:
        logger.info(
            "Support scan: %s delays due, %s notices queued, %s cases escalated.",
            summary.due,
            summary.queued,
            escalated,
        )


@shared_task(ignore_result=True)
@allow_writer()
def send_delay_notices_task(notice_ids: list[int], attempt: int = 0) -> None:
    _deliver_all(send_delay_notices_task, deliver_delay_notice, notice_ids, attempt)


@shared_task(ignore_result=True)
@allow_writer()
def send_case_emails_task(email_ids: list[int], attempt: int = 0) -> None:
    _deliver_all(send_case_emails_task, deliver_case_email, email_ids, attempt)


def _deliver_all(task: Any, deliver: Callable[..., Delivery], ids: list[int], attempt: int) -> None:
    """Send each recorded email; those that failed transiently go back to the queue with backoff."""
    runtime = load_runtime()
    final_attempt = attempt + 1 >= MAX_SEND_ATTEMPTS
    retry = [pk for pk in ids if deliver(pk, runtime, timezone.now(), final_attempt) is Delivery.RETRY]
    if retry:
        task.apply_async(args=[retry], kwargs={"attempt": attempt + 1}, countdown=retry_delay_seconds(attempt))
