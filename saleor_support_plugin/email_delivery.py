"""Sending one recorded email at most once: shared by delay notices and case emails.

A record (a model with `status`, `attempts`, `failure_reason`, `message_id`, `provider_message_id`) is
claimed by a conditional UPDATE (pending or retrying -> sending) before anything is sent, so a duplicated or
redelivered task finds it claimed and sends nothing. A send interrupted after the claim is never retried.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from typing import Any

from anymail.message import AnymailMessage
from django.db.models import F, Model

from .config import SupportSettings
from .mail import fit_to_provider, get_mail_connection, is_transient

logger = logging.getLogger(__name__)

PENDING, SENDING, RETRYING, SENT, FAILED, SKIPPED = "pending", "sending", "retrying", "sent", "failed", "skipped"
CLAIMABLE = (PENDING, RETRYING)


class Delivery(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    REWATCHED = "rewatched"
    NOT_CLAIMED = "not_claimed"
    ESCALATED = "escalated"


def claim[RecordT: Model](model: type[RecordT], pk: int) -> RecordT | None:
    claimed = model._default_manager.filter(pk=pk, status__in=CLAIMABLE).update(
        status=SENDING, attempts=F("attempts") + 1
    )
    return model._default_manager.get(pk=pk) if claimed else None


def send(
    record: Any, build: Callable[[], AnymailMessage], settings: SupportSettings, final_attempt: bool
) -> AnymailMessage | Delivery:
    """Build and send the message; on failure record why and say whether to retry."""
    try:
        message = build()
        message.connection = get_mail_connection(settings)
        fit_to_provider(message, message.connection)
        message.send()
    except Exception as error:
        logger.warning("%s %s not sent: %s", type(record).__name__, record.pk, error)
        if is_transient(error) and not final_attempt:
            return finish(record, RETRYING, reason(error), Delivery.RETRY)
        return finish(record, FAILED, reason(error), Delivery.FAILED)
    return message


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
