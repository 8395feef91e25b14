"""The check-in after delivery: "Is everything all right with your order?", once per order.

- `schedule_check_in` (each time Saleor reports the order changed): once every shipment of an order is
  delivered, its check-in is scheduled N days after the last delivery (one row per order: never twice).
- `send_due_check_ins` (the periodic scan): each due check-in is emailed, unless the order has an open case
  or a return, or the customer opted out, or the order can no longer be read: then it is recorded as not sent,
  with the reason.
- `answer`: "all good" is recorded; "something is wrong" opens a case about the order with the customer's
  words, once; the opt-out link stops every later check-in to that address.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from email.utils import make_msgid

from anymail.message import AnymailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_support_plugin.cases.service import Actor, CaseError, CaseOrder, clean_body, open_case
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import FULFILLMENT_CANCELED, RETURN_FULFILLMENT_STATUSES, OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.signed_links import check_in_url
from saleor_support_plugin.email.delivery import SKIPPED, Delivery, send_recorded
from saleor_support_plugin.email.templates import AUTOMATIC_HEADERS, EMAIL_TAG, render_email
from saleor_support_plugin.email.transport import compose
from saleor_support_plugin.models import (
    OPEN_CASE_STATUSES,
    AuthorType,
    CaseCategory,
    CaseChannel,
    CheckInAnswer,
    CheckInOptOut,
    OrderCheckIn,
    SupportCase,
)

SCHEDULED = "scheduled"
PENDING = "pending"
BATCH = 200


class Answered(enum.Enum):
    RECORDED = "recorded"
    ALREADY = "already"  # answered before: nothing changes
    CASE_OPENED = "case_opened"


def delivered_at(order: OrderSnapshot) -> datetime.datetime | None:
    """When the order's last shipment was delivered, once everything was shipped and delivered."""
    shipments = [item for item in order.fulfillments if item.status != FULFILLMENT_CANCELED]
    if not shipments or order.unshipped_lines or any(item.delivered_at is None for item in shipments):
        return None
    return max(item.delivered_at for item in shipments if item.delivered_at is not None)


def schedule_check_in(order: OrderSnapshot, settings: SupportSettings) -> OrderCheckIn | None:
    if not settings.check_in_enabled or not order.email:
        return None
    delivered = delivered_at(order)
    if delivered is None:
        return None
    try:
        with transaction.atomic():
            check_in, _created = OrderCheckIn.objects.get_or_create(
                order_id=order.id,
                defaults={
                    "order_number": order.number,
                    "recipient": order.email.strip().lower(),
                    "language_code": order.language_code,
                    "send_after": delivered + datetime.timedelta(days=settings.check_in_days),
                },
            )
    except IntegrityError:  # scheduled at the same moment by another worker
        return OrderCheckIn.objects.filter(order_id=order.id).first()
    return check_in


def send_due_check_ins(now: datetime.datetime, runtime: SupportRuntime, enqueue: Callable[[list[int]], None]) -> int:
    """Queue every due check-in that may be sent; returns how many were queued."""
    if not runtime.settings.check_in_enabled:
        return 0
    queued = 0
    while True:
        with transaction.atomic():
            due = list(
                OrderCheckIn.objects.select_for_update(skip_locked=True)
                .filter(status=SCHEDULED, send_after__lte=now)
                .order_by("send_after")[:BATCH]
            )
            ready = [check_in.pk for check_in in due if _may_send(check_in, runtime)]
            OrderCheckIn.objects.filter(pk__in=ready).update(status=PENDING, base_url=runtime.gateway.plugin_base_url())
            if ready:
                transaction.on_commit(lambda ids=ready: enqueue(ids))  # type: ignore[misc]
        queued += len(ready)
        if len(due) < BATCH:
            return queued


def _may_send(check_in: OrderCheckIn, runtime: SupportRuntime) -> bool:
    order = runtime.gateway.get_order(check_in.order_id)
    reason = ""
    if order is None:
        reason = "The order no longer exists."
    elif SupportCase.objects.filter(order_id=check_in.order_id, status__in=OPEN_CASE_STATUSES).exists():
        reason = "The order has an open support case."
    elif any(item.status in RETURN_FULFILLMENT_STATUSES for item in order.fulfillments):
        reason = "The order has a return."
    elif CheckInOptOut.objects.filter(email=check_in.recipient).exists():
        reason = "The customer asked for no check-ins."
    if reason:
        check_in.status, check_in.failure_reason = SKIPPED, reason
        check_in.save(update_fields=["status", "failure_reason", "updated_at"])
        return False
    return True


def deliver_check_in(
    check_in_id: int, runtime: SupportRuntime, now: datetime.datetime, final_attempt: bool = False, task_id: str = ""
) -> Delivery:
    return send_recorded(OrderCheckIn, check_in_id, runtime, build_check_in_email, now, final_attempt, task_id)


def build_check_in_email(check_in: OrderCheckIn, settings: SupportSettings) -> AnymailMessage:
    links = {choice: check_in_url(check_in.base_url, check_in.pk, choice) for choice in ("good", "problem", "optout")}
    context = {
        "order_number": check_in.order_number,
        "language_code": check_in.language_code,
        "all_good_url": links["good"],
        "problem_url": links["problem"],
        "opt_out_url": links["optout"],
        "sender_name": settings.sender_name,
    }
    rendered = render_email("order_check_in", context, check_in.language_code)
    return compose(
        rendered,
        settings,
        check_in.recipient,
        settings.support_inbox,
        lambda domain: {
            **AUTOMATIC_HEADERS,
            "Message-ID": make_msgid(f"check-in-{check_in.pk}", domain),
            "List-Unsubscribe": f"<{links['optout']}>",
        },
        [EMAIL_TAG, "check_in"],
        {"order_id": str(check_in.order_id), "check_in_id": str(check_in.pk)},
    )


def answer(check_in: OrderCheckIn, choice: str, settings: SupportSettings, words: str = "") -> Answered:
    """Record the customer's answer once; "problem" opens a case about the order with `words`."""
    with transaction.atomic():
        check_in = OrderCheckIn.objects.select_for_update().get(pk=check_in.pk)
        if check_in.answer:
            return Answered.ALREADY
        if choice == "good":
            check_in.answer, check_in.answered_at = CheckInAnswer.ALL_GOOD, timezone.now()
            check_in.save(update_fields=["answer", "answered_at", "updated_at"])
            return Answered.RECORDED
        body = clean_body(words)  # refused (nothing recorded) without the customer's words
        case = open_case(
            settings=settings,
            author=Actor(AuthorType.CUSTOMER, name=check_in.recipient),
            origin=CaseChannel.EMAIL,
            subject=f"Something is wrong with order #{check_in.order_number}",
            body=body,
            email=check_in.recipient,
            order=CaseOrder(
                id=check_in.order_id,
                number=check_in.order_number,
                email=check_in.recipient,
                language_code=check_in.language_code or "en",
            ),
            category=CaseCategory.OTHER,
        )
        check_in.answer, check_in.answered_at, check_in.case = CheckInAnswer.PROBLEM, timezone.now(), case
        check_in.save(update_fields=["answer", "answered_at", "case", "updated_at"])
        return Answered.CASE_OPENED


def opt_out(email: str) -> bool:
    """No more check-ins to this address; False when it had opted out before."""
    _optout, created = CheckInOptOut.objects.get_or_create(email=email.strip().lower())
    return created


__all__ = ["CaseError", "answer", "deliver_check_in", "opt_out", "schedule_check_in", "send_due_check_ins"]
