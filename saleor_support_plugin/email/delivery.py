"""Sending one recorded email at most once: shared by delay notices, case emails, check-ins and return emails.

A record (a model with `status`, `attempts`, `failure_reason`, `message_id`, `provider_message_id`,
`claimed_at`, `claimed_by`, `retry_at`) is claimed by a conditional UPDATE (pending or retrying -> sending)
before anything is sent, so a duplicated or redelivered task finds it claimed and sends nothing.

While a worker sends, its database session holds an advisory lock on the record. PostgreSQL releases the lock
the moment that session ends, so a record still `sending` whose lock anyone can take was interrupted: its
worker died between the claim and recording the outcome. Such a record is never sent again (the provider may
have accepted it) but marked `interrupted`, counted as not sent, by the redelivered task or the next scan.
"""

from __future__ import annotations

import datetime
import enum
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from anymail.message import AnymailMessage
from django.db import connections, models, router
from django.db.models import F, Model, Q
from django.utils import timezone

from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.email.transport import get_mail_connection, is_transient, send_fitted

logger = logging.getLogger(__name__)


class DeliveryStatus(models.TextChoices):
    """Where a recorded email (a delay notice or a case email) stands."""

    PENDING = "pending", "Queued"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Waiting to retry"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent"
    # Claimed, then its worker died before recording the outcome: the provider may have accepted it, so it
    # is never sent again; staff see it as not sent.
    INTERRUPTED = "interrupted", "Interrupted mid-send"


PENDING, SENDING, RETRYING, SENT, FAILED, SKIPPED = (
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.RETRYING,
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.SKIPPED,
)
INTERRUPTED = DeliveryStatus.INTERRUPTED
CLAIMABLE = (PENDING, RETRYING)
# Every outcome that means the email did not and will not go out.
NOT_SENT = (FAILED, INTERRUPTED)
MAX_SEND_ATTEMPTS = 6
# A queued email whose task has not claimed it by then lost its task (a broker or worker crash): queue again.
REQUEUE_AFTER = datetime.timedelta(minutes=10)
# A claim older than this is interrupted even if its lock still looks held (a host lost with its connection
# open keeps the lock until TCP gives up); a send takes seconds (anymail's HTTP timeout is 30 s).
STUCK_AFTER = datetime.timedelta(hours=1)
# Advisory lock namespaces (the first of the two int4 keys), one per record model.
LOCK_NAMESPACES = {
    "delaynotice": 0x53535001,
    "caseemail": 0x53535002,
    "ordercheckin": 0x53535003,
    "returnemail": 0x53535004,
}


class Delivery(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    REWATCHED = "rewatched"
    NOT_CLAIMED = "not_claimed"


@contextmanager
def claimed[RecordT: Model](model: type[RecordT], pk: int, task_id: str = "") -> Iterator[RecordT | None]:
    """The record, claimed for sending and locked while the block runs; None if it is not to be sent here."""
    with send_lock(model, pk) as locked:
        if not locked:  # another worker is sending it right now
            yield None
            return
        record = claim(model, pk, task_id)
        if record is None:
            # Nobody else holds the lock: a record still `sending` lost its worker (this may be its redelivery).
            mark_interrupted(model, [pk])
        yield record


def deliver_claimed[RecordT: Model](
    model: type[RecordT], pk: int, task_id: str, deliver: Callable[[RecordT], Delivery]
) -> Delivery:
    """Claim the record and hand it to `deliver` while it is locked; one not to be sent here is NOT_CLAIMED."""
    with claimed(model, pk, task_id) as record:
        return Delivery.NOT_CLAIMED if record is None else deliver(record)


def send_recorded[RecordT: Model](
    model: type[RecordT],
    pk: int,
    runtime: SupportRuntime,
    build: Callable[[RecordT, SupportSettings], AnymailMessage],
    now: datetime.datetime,
    final_attempt: bool = False,
    task_id: str = "",
) -> Delivery:
    """Claim the record, send the message `build` makes of it and record it sent: the delivery of an email whose
    recipient and content were settled when it was recorded. Nothing is sent while the plugin is inactive."""
    return deliver_claimed(
        model,
        pk,
        task_id,
        lambda record: _send_and_record(record, runtime, lambda: build(record, runtime.settings), now, final_attempt),
    )


def _send_and_record(
    record: Any, runtime: SupportRuntime, build: Callable[[], AnymailMessage], now: datetime.datetime, final: bool
) -> Delivery:
    if not runtime.active:
        return finish(record, SKIPPED, "The support plugin is not active.")
    sent = send(record, build, runtime.settings, final)
    if isinstance(sent, Delivery):
        return sent
    mark_sent(record, sent, now)
    record.save()
    return Delivery.SENT


def claim[RecordT: Model](model: type[RecordT], pk: int, task_id: str = "") -> RecordT | None:
    claimed = model._default_manager.filter(pk=pk, status__in=CLAIMABLE).update(
        status=SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now(), claimed_by=task_id[:255]
    )
    return model._default_manager.get(pk=pk) if claimed else None


@contextmanager
def send_lock(model: type[Model], pk: int) -> Iterator[bool]:
    """A session-level advisory lock on the record, held from before the claim until after the outcome."""
    keys = [LOCK_NAMESPACES[model._meta.model_name or ""], pk & 0x7FFFFFFF]
    with connections[router.db_for_write(model)].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", keys)
        locked = bool(cursor.fetchone()[0])
        try:
            yield locked
        finally:
            if locked:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", keys)


def mark_interrupted(model: type[Model], pks: list[int], now: datetime.datetime | None = None) -> int:
    """Mark those of `pks` still `sending` whose send lock is free (or whose claim is older than STUCK_AFTER)
    as interrupted. Returns how many were marked."""
    now = now or timezone.now()
    marked = 0
    for pk in pks:
        stuck = model._default_manager.filter(pk=pk, status=SENDING, claimed_at__lt=now - STUCK_AFTER).exists()
        with send_lock(model, pk) as locked:
            if locked or stuck:
                marked += model._default_manager.filter(pk=pk, status=SENDING).update(
                    status=INTERRUPTED,
                    failure_reason="Interrupted mid-send (the worker stopped); not resent, it may have gone out.",
                    updated_at=now,
                )
    return marked


def find_interrupted(model: type[Model], now: datetime.datetime) -> int:
    """Mark every interrupted record of `model`; for the periodic scan."""
    sending = list(model._default_manager.filter(status=SENDING).values_list("pk", flat=True))
    return mark_interrupted(model, sending, now)


def requeue_stale(model: type[Model], now: datetime.datetime) -> list[int]:
    """Ids of queued records whose task was lost (pending too long, or a retry that never came), marked as
    queued again now. Sending them twice is impossible: the claim lets one task through."""
    stale = (
        Q(status=PENDING, updated_at__lt=now - REQUEUE_AFTER)
        | Q(status=RETRYING, retry_at__lt=now - REQUEUE_AFTER)
        # A retry without retry_at (recorded by an earlier build) was due within the longest backoff, an hour.
        | Q(status=RETRYING, retry_at__isnull=True, updated_at__lt=now - STUCK_AFTER - REQUEUE_AFTER)
    )
    manager = model._default_manager
    ids = list(manager.filter(stale).order_by("pk").values_list("pk", flat=True))
    if ids:
        manager.filter(pk__in=ids).update(updated_at=now, retry_at=None)
    return ids


def send(
    record: Any, build: Callable[[], AnymailMessage], settings: SupportSettings, final_attempt: bool = False
) -> AnymailMessage | Delivery:
    """Build and send the message; on failure record why and say whether to retry."""
    try:
        message = build()
        message.connection = get_mail_connection(settings)
        send_fitted(message)
    except Exception as error:
        logger.warning("%s %s not sent: %s", type(record).__name__, record.pk, error)
        if is_transient(error) and not final_attempt and record.attempts < MAX_SEND_ATTEMPTS:
            record.retry_at = timezone.now() + datetime.timedelta(seconds=retry_delay_seconds(record.attempts - 1))
            record.save(update_fields=["retry_at"])
            return finish(record, RETRYING, reason(error), Delivery.RETRY)
        return finish(record, FAILED, reason(error), Delivery.FAILED)
    return message


def retry_delay_seconds(attempt: int) -> int:
    """Exponential backoff for transient provider errors after try `attempt` (0, 1, …): 1, 2, 4, 8, 16 minutes."""
    return min(60 * 2 ** max(attempt, 0), 3600)


def mark_sent(record: Any, message: AnymailMessage, now: Any) -> None:
    record.status = SENT
    record.sent_at = now
    record.message_id = message.extra_headers["Message-ID"]
    record.provider_message_id = provider_message_id(message)
    record.failure_reason = ""


def finish(record: Any, status: str, why: str, result: Delivery | None = None) -> Delivery:
    record.status = status
    record.failure_reason = why
    record.save(update_fields=["status", "failure_reason", "updated_at"])
    return result or Delivery(status)


def reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def provider_message_id(message: AnymailMessage) -> str:
    """The provider's id for the message (anymail sets it; Django's own backends do not)."""
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    return "" if message_id is None else str(message_id)
