"""Delivering one queued delay notice, at most once.

A notice is claimed by a conditional UPDATE (pending or retrying -> sending) before anything is sent, so a
duplicated or redelivered task finds it already claimed and sends nothing. The order is re-read first: an
order that shipped, was cancelled or got a later due date since the scan gets no email.
"""

from __future__ import annotations

import datetime
import enum
import logging

from anymail.message import AnymailMessage
from django.db import transaction
from django.db.models import F

from .case_triggers import delay_trigger, fire_trigger, record_notice_on_case
from .delay_rules import DelayStage, Verdict, check_stage
from .mail import get_mail_connection, is_transient
from .models import DelayNotice, DelayNoticeStatus
from .notice_email import build_delay_notice_message
from .orders import OrderSnapshot
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
    ESCALATED = "escalated"


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
    order_or_outcome = _order_still_late(notice, runtime, now)
    if isinstance(order_or_outcome, Delivery):
        return order_or_outcome
    order = order_or_outcome
    stage = DelayStage(notice.stage)
    if stage is DelayStage.ESCALATION:
        return _escalate(notice, order, runtime)
    try:
        message = build_delay_notice_message(order, stage, runtime.settings, now, notice.pk)
        message.connection = get_mail_connection(runtime.settings)
        message.send()
    except Exception as error:
        logger.warning("Delay notice %s for order %s not sent: %s", notice.pk, order.number, error)
        if is_transient(error) and not final_attempt:
            return _finish(notice, DelayNoticeStatus.RETRYING, _reason(error), Delivery.RETRY)
        return _finish(notice, DelayNoticeStatus.FAILED, _reason(error), Delivery.FAILED)
    _record_sent(notice, order, message, runtime, now)
    return Delivery.SENT


def _order_still_late(notice: DelayNotice, runtime: SupportRuntime, now: datetime.datetime) -> OrderSnapshot | Delivery:
    """The order, if the notice is still due to go out; otherwise what happened to the notice."""
    if not runtime.active:
        return _finish(notice, DelayNoticeStatus.SKIPPED, "The support plugin is not active.")
    order = runtime.gateway.get_order(notice.order_id)
    if order is None:
        return _finish(notice, DelayNoticeStatus.SKIPPED, "The order no longer exists.")
    check = check_stage(order, DelayStage(notice.stage), runtime.settings, now)
    if check.verdict is Verdict.NOT_YET_DUE:
        # The due date moved (paid later, new shipment): watch again instead of spending the stage.
        with transaction.atomic():
            notice.delete()
            refresh_watches([order], runtime.settings)
        return Delivery.REWATCHED
    if check.verdict is Verdict.NOT_APPLICABLE:
        return _finish(notice, DelayNoticeStatus.SKIPPED, f"No longer late (order status: {order.status}).")
    if not order.email and notice.stage != DelayStage.ESCALATION:
        return _finish(notice, DelayNoticeStatus.SKIPPED, "The order has no email address.")
    return order


def _escalate(notice: DelayNotice, order: OrderSnapshot, runtime: SupportRuntime) -> Delivery:
    days = runtime.settings.case_after_late_days
    trigger = delay_trigger(order, f"still not shipped or delivered {days} business days after it became late", "age")
    with transaction.atomic():
        case = fire_trigger(order, trigger, runtime.settings)
        notice.case = case
        notice.status = DelayNoticeStatus.ESCALATED
        notice.save(update_fields=["case", "status", "updated_at"])
        if case is not None:
            runtime.gateway.record_timeline_event(
                order.id, f"Support case #{case.pk} opened: the order is still late.", {"case_id": case.pk}
            )
    return Delivery.ESCALATED


def _record_sent(
    notice: DelayNotice, order: OrderSnapshot, message: AnymailMessage, runtime: SupportRuntime, now: datetime.datetime
) -> None:
    stage = DelayStage(notice.stage)
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
        record_notice_on_case(order, notice, runtime.settings)


def _finish(notice: DelayNotice, status: str, reason: str, result: Delivery | None = None) -> Delivery:
    notice.status = status
    notice.failure_reason = reason
    notice.save(update_fields=["status", "failure_reason", "updated_at"])
    return result or Delivery(status)


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _provider_message_id(message: AnymailMessage) -> str:
    """The provider's id for the message (anymail sets it; Django's own backends do not)."""
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    return "" if message_id is None else str(message_id)
