"""Celery tasks: thin wrappers that load the runtime and call the domain.

Saleor's worker autodiscovers this module next to the plugin module. Every task is idempotent: a refresh
recomputes the watchlist, a scan claims rows with SKIP LOCKED, a delivery claims its email first.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from celery import Task, shared_task
from django.db.models import Model
from django.utils import timezone

from saleor_support_plugin.cases import submissions
from saleor_support_plugin.cases.emails import deliver_case_email
from saleor_support_plugin.cases.service import anonymize_customer_cases, escalate_overdue_cases
from saleor_support_plugin.core.runtime import load_runtime
from saleor_support_plugin.delays.notices import deliver_delay_notice
from saleor_support_plugin.delays.order_changes import handle_order_change, reconcile_order_changes
from saleor_support_plugin.delays.scan import open_cases_for_late_orders, recover_deliveries, scan_delays
from saleor_support_plugin.email.delivery import Delivery
from saleor_support_plugin.feedback.check_ins import deliver_check_in, send_due_check_ins
from saleor_support_plugin.feedback.surveys import send_due_surveys
from saleor_support_plugin.host.saleor_compat import allow_writer
from saleor_support_plugin.models import CaseEmail, DelayNotice, OrderCheckIn, ReturnEmail
from saleor_support_plugin.returns.emails import deliver_return_email

logger = logging.getLogger(__name__)

SCAN_TASK_NAME = "saleor_support_plugin.tasks.scan_delays_task"
IDS_PER_CHUNK = 50


# Publishing a task to the broker costs a millisecond or two, more than the plugin may add to a short Saleor
# mutation (benchmarks/hook_overhead.py). So a hook, after its commit, only adds the order to this process's
# pending set (microseconds), and a background thread publishes every order gathered in FLUSH_DELAY_SECONDS as
# one message. The several hooks of one mutation (orderFulfill fires four) become one task, and as each hook
# runs after its commit, the task reads the order after every change that reported it. What a process killed
# within that second never published, the scan finds again in Saleor's `Order.updated_at`
# (order_changes.reconcile_order_changes).
FLUSH_DELAY_SECONDS = 1.0
RETRY_AFTER_SECONDS = 5.0  # the broker refused: keep the orders and publish them again after this pause
MAX_PENDING_ORDERS = 100_000  # beyond this, while the broker stays away, the scan's reconciliation takes over


class PendingOrderChanges:
    """The orders this process's hooks reported, published by one daemon thread per process."""

    def __init__(self, publish: Callable[[list[str]], None], delay: float = FLUSH_DELAY_SECONDS) -> None:
        self._publish = publish
        self._delay = delay
        self._reset()
        # A forked child (a server that preloads, then forks its workers) starts empty: what was pending at the
        # fork is the parent's to publish, and the parent's thread and lock do not exist in the child.
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self._flush_quietly)  # a process that stops cleanly publishes what it holds

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, order_id: str) -> None:
        with self._lock:
            if len(self._pending) < MAX_PENDING_ORDERS:
                self._pending.add(order_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="support-order-changes", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> int:
        """Publish what is pending now; on failure the orders stay pending. Returns how many were published."""
        with self._lock:
            order_ids, self._pending = self._pending, set()
        if not order_ids:
            return 0
        try:
            self._publish(sorted(order_ids))
        except Exception:
            with self._lock:
                self._pending |= order_ids
            raise
        return len(order_ids)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self._delay)  # gather the other hooks of the same mutation, and of other requests
            self._wake.clear()
            if not self._flush_quietly():
                time.sleep(RETRY_AFTER_SECONDS)
                self._wake.set()

    def _flush_quietly(self) -> bool:
        try:
            self.flush()
        except Exception:
            logger.warning("Support: order changes could not be queued; retrying.", exc_info=True)
            return False
        return True


def _publish_order_changes(order_ids: list[str]) -> None:
    orders_changed_task.apply_async(args=[order_ids])


pending_order_changes = PendingOrderChanges(_publish_order_changes)


def enqueue_order_change(order_id: str) -> None:
    """Called by the plugin's hooks after Saleor's commit."""
    if order_changed_task.app.conf.task_always_eager:
        # No broker (tasks run inline, immediately): nothing to gather, the change is handled at once.
        order_changed_task.delay(order_id)
        return
    pending_order_changes.add(order_id)


def enqueue_notice_delivery(notice_ids: list[int]) -> None:
    """Each notice is sent by a task of its own, so a worker that dies takes at most the email in flight with it.
    Publishing costs about a millisecond a message, so the scan publishes chunks (`send_delay_notices_task`)
    that a worker splits into one task per notice."""
    _enqueue(notice_ids, send_delay_notice_task, send_delay_notices_task)


def enqueue_case_email_delivery(email_ids: list[int]) -> None:
    _enqueue(email_ids, send_case_email_task, send_case_emails_task)


def _enqueue(ids: list[int], one: Task, chunk: Task) -> None:
    if len(ids) == 1:
        one.delay(ids[0])
        return
    for start in range(0, len(ids), IDS_PER_CHUNK):
        chunk.delay(ids[start : start + IDS_PER_CHUNK])


def _split(ids: Sequence[int] | Sequence[str], one: Task) -> None:
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
def orders_changed_task(order_ids: list[str]) -> None:
    """The orders one web process reported in a second: one task per order, so that one that fails leaves the
    others alone."""
    _split(order_ids, order_changed_task)


@shared_task(ignore_result=True)
@allow_writer()
def anonymize_customer_cases_task(customer_id: int, email: str) -> None:
    # Not gated on the plugin being active: once the deletion was reported, the customer is forgotten.
    anonymize_customer_cases(customer_id, email)
    from .returns.requests import anonymize_customer_returns  # returns (issue 11)

    anonymize_customer_returns(customer_id, email)


@shared_task(name=SCAN_TASK_NAME, ignore_result=True, expires=600)
@allow_writer()
def scan_delays_task() -> None:
    runtime = load_runtime()
    if not runtime.active:
        return
    now = timezone.now()
    reconciled = reconcile_order_changes(runtime, now)
    summary = scan_delays(now, enqueue_notice_delivery)
    cases_opened = open_cases_for_late_orders(runtime, now)
    recovered = recover_deliveries(now, delivery_queues())
    escalated = escalate_overdue_cases(now, runtime.settings)
    send_due_surveys(now, runtime.settings, runtime.gateway.plugin_base_url())  # feedback: surveys
    send_due_check_ins(now, runtime, enqueue_check_in_delivery)  # feedback: check-ins after delivery
    submissions.forget_old(now)
    if summary.due or cases_opened or escalated or recovered.requeued or recovered.interrupted:
        logger.info(
            "Support scan: %s changed orders read again, %s delays due, %s notice emails queued, %s cases opened "
            "for orders still late, %s cases escalated, %s lost emails queued again, %s interrupted mid-send "
            "(not resent).",
            reconciled,
            summary.due,
            summary.queued,
            cases_opened,
            escalated,
            recovered.requeued,
            recovered.interrupted,
        )


# Sending tasks are acknowledged after they run and given back to the broker if their worker dies: the
# claim (email/delivery.py) makes a second run harmless, so a redelivery can only send what was never sent.
SEND_TASK_OPTIONS: dict[str, Any] = {"ignore_result": True, "acks_late": True, "reject_on_worker_lost": True}


def _sending_task(name: str, deliver: Callable[..., Delivery], model: type[Model]) -> Task:
    """The task that sends one recorded email of `model` (by its id), registered under `name` in this module."""

    @allow_writer()
    def send_one(self: Task, pk: int) -> None:
        _deliver_one(self, deliver, model, pk)

    return shared_task(bind=True, name=f"{__name__}.{name}", **SEND_TASK_OPTIONS)(send_one)


def _deliver_one(task: Task, deliver: Callable[..., Delivery], model: type[Model], pk: int) -> None:
    """Send one recorded email; one that failed transiently goes back to the queue when its retry is due."""
    outcome = deliver(pk, load_runtime(), timezone.now(), task_id=task.request.id or "")
    if outcome is Delivery.RETRY:
        retry_at = model._default_manager.filter(pk=pk).values_list("retry_at", flat=True).first()
        task.apply_async(args=[pk], eta=retry_at)


send_delay_notice_task = _sending_task("send_delay_notice_task", deliver_delay_notice, DelayNotice)
send_case_email_task = _sending_task("send_case_email_task", deliver_case_email, CaseEmail)
send_check_in_task = _sending_task("send_check_in_task", deliver_check_in, OrderCheckIn)  # feedback
send_return_email_task = _sending_task("send_return_email_task", deliver_return_email, ReturnEmail)  # returns


# A chunk of ids, split into one task per email. Acknowledged late too: a chunk whose worker died while
# splitting it is split again, and the claim ignores the duplicates. (Earlier builds sent the whole chunk in
# one task, with an `attempt` counter; such messages still waiting in a broker are split the same way.)
@shared_task(**SEND_TASK_OPTIONS)
def send_delay_notices_task(notice_ids: list[int], attempt: int = 0) -> None:
    _split(notice_ids, send_delay_notice_task)


@shared_task(**SEND_TASK_OPTIONS)
def send_case_emails_task(email_ids: list[int], attempt: int = 0) -> None:
    _split(email_ids, send_case_email_task)


def delivery_queues() -> dict[type[Model], Callable[[list[int]], None]]:
    """Each kind of recorded email and how its ids are queued: what the scan queues again when a task was lost."""
    return {
        DelayNotice: enqueue_notice_delivery,
        CaseEmail: enqueue_case_email_delivery,
        OrderCheckIn: enqueue_check_in_delivery,
        ReturnEmail: enqueue_return_email_delivery,
    }


# --- Feedback: the check-in after delivery, one task per email like the others.
def enqueue_check_in_delivery(check_in_ids: list[int]) -> None:
    for pk in check_in_ids:
        send_check_in_task.delay(pk)


# Returns (issue 11): the customer's return emails, one task per email like case emails.
def enqueue_return_email_delivery(email_ids: list[int]) -> None:
    _enqueue(email_ids, send_return_email_task, send_return_emails_task)


@shared_task(**SEND_TASK_OPTIONS)
def send_return_emails_task(email_ids: list[int], attempt: int = 0) -> None:
    _split(email_ids, send_return_email_task)
