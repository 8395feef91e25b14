"""Delivering one queued delay notice, at most once.

The notice is claimed before anything is sent (email/delivery.py). The order is re-read first: an order that
shipped, was cancelled or got a later due date since the scan gets no email.
"""

from __future__ import annotations

import datetime

from anymail.message import AnymailMessage
from django.db import transaction

from saleor_support_plugin.cases.triggers import record_notice_on_case
from saleor_support_plugin.core.orders import OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.delays.notice_email import build_delay_notice_message
from saleor_support_plugin.delays.rules import DelayStage, Verdict, check_stage
from saleor_support_plugin.delays.watchlist import refresh_watches
from saleor_support_plugin.email.delivery import Delivery, deliver_claimed, finish, mark_sent, send
from saleor_support_plugin.models import DelayNotice, DelayNoticeStatus


def deliver_delay_notice(
    notice_id: int, runtime: SupportRuntime, now: datetime.datetime, final_attempt: bool = False, task_id: str = ""
) -> Delivery:
    return deliver_claimed(
        DelayNotice, notice_id, task_id, lambda notice: _deliver(notice, runtime, now, final_attempt)
    )


def _deliver(notice: DelayNotice, runtime: SupportRuntime, now: datetime.datetime, final_attempt: bool) -> Delivery:
    order_or_outcome = _order_still_late(notice, runtime, now)
    if isinstance(order_or_outcome, Delivery):
        return order_or_outcome
    order = order_or_outcome
    stage = DelayStage(notice.stage)
    sent = send(
        notice,
        lambda: build_delay_notice_message(order, stage, runtime.settings, now, notice.pk),
        runtime.settings,
        final_attempt,
    )
    if isinstance(sent, Delivery):
        return sent
    _record_sent(notice, order, sent, runtime, now)
    return Delivery.SENT


def _order_still_late(notice: DelayNotice, runtime: SupportRuntime, now: datetime.datetime) -> OrderSnapshot | Delivery:
    """The order, if the notice is still due to go out; otherwise what happened to the notice."""
    if not runtime.active:
        return finish(notice, DelayNoticeStatus.SKIPPED, "The support plugin is not active.")
    order = runtime.gateway.get_order(notice.order_id)
    if order is None:
        return finish(notice, DelayNoticeStatus.SKIPPED, "The order no longer exists.")
    check = check_stage(order, DelayStage(notice.stage), runtime.settings, now)
    if check.verdict is Verdict.NOT_YET_DUE:
        # The due date moved (paid later, new shipment): watch again instead of spending the stage.
        with transaction.atomic():
            notice.delete()
            refresh_watches([order], runtime.settings)
        return Delivery.REWATCHED
    if check.verdict is Verdict.NOT_APPLICABLE:
        return finish(notice, DelayNoticeStatus.SKIPPED, f"No longer late (order status: {order.status}).")
    if not order.email:
        return finish(notice, DelayNoticeStatus.SKIPPED, "The order has no email address.")
    return order


def _record_sent(
    notice: DelayNotice, order: OrderSnapshot, message: AnymailMessage, runtime: SupportRuntime, now: datetime.datetime
) -> None:
    stage = DelayStage(notice.stage)
    with transaction.atomic():
        mark_sent(notice, message, now)
        notice.recipient = order.email
        notice.language_code = order.language_code
        notice.save()
        runtime.gateway.record_timeline_event(
            order.id,
            f"Delay notice emailed to {order.email}: {stage.label.lower()}.",
            {"notice_id": notice.pk, "stage": stage.value, "email": order.email},
        )
        record_notice_on_case(order, notice, runtime.settings)
