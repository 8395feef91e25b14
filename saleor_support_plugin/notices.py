"""Delivering one queued delay notice, at most once.

A notice is claimed by a conditional UPDATE (pending or retrying -> sending) before anything is sent, so a
duplicated or redelivered task finds it already claimed and sends nothing. The order is re-read first: an
order that shipped, was cancelled or got a later due date since the scan gets no email.
"""

from __future__ import annotations

import datetime
import enum
import logging

from django.db import transaction
from django.db.models import F

from .delay_rules import DelayStage, Verdict, check_stage
from .mail import get_mail_connection, is_transient
from .models import DelayNotice, DelayNoticeStatus
from .notice_email import build_delay_notice_message
from .runtime import SupportRuntime
from .watchlist import refresh_watches

logger = logging.getLogger(__name__)

CLAIMABLE = (DelayNoticeStatus.PENDING, DelayNoticeStatus.RETRYING)


class Delivery(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    REWATCHED = "rewatched"
    NOT_CLAIMED = "not_claimed"


def claim_notice(notice_id: int) -> DelayNotice | None:
    claimed = DelayNotice.objects.filter(pk=notice_id, status__in=CLAIMABLE).update(
        status=DelayNoticeStatus.SENDING, attempts=F("attempts") + 1
    )
    return DelayNotice.objects.get(pk=notice_id) if claimed else None


def deliver_delay_notice(
    notice_id: int, runtime: SupportRuntime, now: datetime.datetime, final_attempt: bool = False
) -> Delivery:
    notice = claim_notice(notice_id)
    if notice is None:
        return Delivery.NOT_CLAIMED
    if not runtime.active:
        return _finish(notice, DelayNoticeStatus.SKIPPED, "The support plugin is not active.")
    order = runtime.gateway.get_order(notice.order_id)
    if order is None:
        return _finish(notice, DelayNoticeStatus.SKIPPED, "The order no longer exists.")
    stage = DelayStage(notice.stage)
    check = check_stage(order, stage, runtime.settings, now)
    if check.verdict is Verdict.NOT_YET_DUE:
        # The due date moved (paid later, new shipment): watch again instead of spending the stage.
        with transaction.atomic():
            notice.delete()
            refresh_watches([order], runtime.settings)
        return Delivery.REWATCHED
    if check.verdict is Verdict.NOT_APPLICABLE:
        return _finish(notice, DelayNoticeStatus.SKIPPED, f"No longer late (order status: {order.status}).")
    if not order.email:
        return _finish(notice, DelayNoticeStatus.SKIPPED, "The order has no email address.")

    message = build_delay_notice_message(order, stage, runtime.settings, now, notice.pk)
    message.connection = get_mail_connection(runtime.settings)
    try:
        message.send()
    except Exception as error:
        logger.warning("Delay notice %s for order %s not sent: %s", notice.pk, order.number, error)
        if is_transient(error) and not final_attempt:
            return _finish(notice, DelayNoticeStatus.RETRYING, _reason(error), Delivery.RETRY)
        return _finish(notice, DelayNoticeStatus.FAILED, _reason(error), Delivery.FAILED)

    with transaction.atomic():
        notice.status = DelayNoticeStatus.SENT
        notice.sent_at = now
        notice.recipient = order.email
        notice.language_code = order.language_code
        notice.message_id = message.extra_headers["Message-ID"]
        notice.provider_message_id = _provider_message_id(message)
        notice.failure_reason = ""
        notice.save()
        runtime.gateway.record_timeline_event(
            order.id,
            f"Delay notice emailed to {order.email}: {stage.label.lower()}.",
            {"notice_id": notice.pk, "stage": stage.value, "email": order.email},
        )
    return Delivery.SENT


def _finish(notice: DelayNotice, status: str, reason: str, result: Delivery | None = None) -> Delivery:
    notice.status = status
    notice.failure_reason = reason
    notice.save(update_fields=["status", "failure_reason", "updated_at"])
    return result or Delivery(status)


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _provider_message_id(message) -> str:
    """The provider's id for the message (anymail sets it; Django's own backends do not)."""
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    return "" if message_id is None else str(message_id)
