"""Celery tasks: thin wrappers that load the runtime and call the domain.

Saleor's worker autodiscovers this module next to the plugin module. Every task is idempotent: a refresh
recomputes the watchlist, a scan claims rows with SKIP LOCKED, a delivery claims its email first.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.db.models import Model
from django.utils import timezone

from .case_emails import deliver_case_email
from .cases import anonymize_customer_cases, escalate_overdue_cases
from .dashboard import submissions
from .email_delivery import Delivery
from .models import CaseEmail, DelayNotice
from .notices import deliver_delay_notice
from .order_changes import handle_order_change
from .runtime import load_runtime
from .saleor_compat import allow_writer
from .scan import recover_deliveries, scan_delays

logger = logging.getLogger(__name__)

SCAN_TASK_NAME = "saleor_support_plugin.tasks.scan_delays_task"
IDS_PER_CHUNK = 50


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
    """Each notice is sent by a task of its own, so a worker that dies takes at most the email in flight with it.
    Publishing costs about a millisecond a message, so the scan publishes chunks (`send_delay_notices_task`)
    that a worker splits into one task per notice."""
    _enqueue(notice_ids, send_delay_notice_task, send_delay_notices_task)


def enqueue_case_email_delivery(email_ids: list[int]) -> None:
    _enqueue(email_ids, send_case_email_task, send_case_emails_task)


def _enqueue(ids: list[int], one: Any, chunk: Any) -> None:
    if len(ids) == 1:
        one.delay(ids[0])
        return
    for start in range(0, len(ids), IDS_PER_CHUNK):
        chunk.delay(ids[start : start + IDS_PER_CHUNK])


def _split(ids: list[int], one: Any) -> None:
    if one.app.conf.task_always_eager:
        for pk in ids:
            one.delay(pk)
        return
    with one.app.producer_or_acquire() as producer:  # one broker connection for the whole chunk
        for pk in ids:
            one.apply_async(args=[pk], producer=producer)


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
    recovered = recover_deliveries(now, enqueue_notice_delivery, enqueue_case_email_delivery)
    escalated = escalate_overdue_cases(now)
    submissions.forget_old(now)
    if summary.due or escalated or recovered.requeued or recovered.interrupted:
        logger.info(
            "Support scan: %s delays due, %s notice emails and %s escalations queued, %s cases escalated, "
            "%s lost emails queued again, %s interrupted mid-send (not resent).",
            summary.due,
            summary.queued_emails,
            summary.queued_escalations,
            escalated,
            recovered.requeued,
            recovered.interrupted,
        )


# Sending tasks are acknowledged after they run and given back to the broker if their worker dies: the
# claim (email_delivery.py) makes a second run harmless, so a redelivery can only send what was never sent.
SEND_TASK_OPTIONS: dict[str, Any] = {"ignore_result": True, "acks_late": True, "reject_on_worker_lost": True}


@shared_task(bind=True, **SEND_TASK_OPTIONS)
@allow_writer()
def send_delay_notice_task(self: Task, notice_id: int) -> None:
    _deliver_one(self, deliver_delay_notice, DelayNotice, notice_id)


@shared_task(bind=True, **SEND_TASK_OPTIONS)
@allow_writer()
def send_case_email_task(self: Task, email_id: int) -> None:
    _deliver_one(self, deliver_case_email, CaseEmail, email_id)


def _deliver_one(task: Task, deliver: Callable[..., Delivery], model: type[Model], pk: int) -> None:
    """Send one recorded email; one that failed transiently goes back to the queue when its retry is due."""
    outcome = deliver(pk, load_runtime(), timezone.now(), task_id=task.request.id or "")
    if outcome is Delivery.RETRY:
        retry_at = model._default_manager.filter(pk=pk).values_list("retry_at", flat=True).first()
        task.apply_async(args=[pk], eta=retry_at)


# A chunk of ids, split into one task per email. Acknowledged late too: a chunk whose worker died while
# splitting it is split again, and the claim ignores the duplicates. (Earlier builds sent the whole chunk in
# one task, with an `attempt` counter; such messages still waiting in a broker are split the same way.)
@shared_task(**SEND_TASK_OPTIONS)
def send_delay_notices_task(notice_ids: list[int], attempt: int = 0) -> None:
    _split(notice_ids, send_delay_notice_task)


@shared_task(**SEND_TASK_OPTIONS)
def send_case_emails_task(email_ids: list[int], attempt: int = 0) -> None:
    _split(email_ids, send_case_email_task)


# Returns (issue 11): the customer's return emails, one task per email like case emails.
def enqueue_return_email_delivery(email_ids: list[int]) -> None:
    _enqueue(email_ids, send_return_email_task, send_return_emails_task)


@shared_task(bind=True, **SEND_TASK_OPTIONS)
@allow_writer()
def send_return_email_task(self: Task, email_id: int) -> None:
    from .returns.emails import deliver_return_email
    from .returns.models import ReturnEmail

    _deliver_one(self, deliver_return_email, ReturnEmail, email_id)


@shared_task(**SEND_TASK_OPTIONS)
def send_return_emails_task(email_ids: list[int], attempt: int = 0) -> None:
    _split(email_ids, send_return_email_task)
