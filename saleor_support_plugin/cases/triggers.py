"""Cases opened automatically: what in an order calls for one, and opening it once per event.

`detect_triggers` is pure: it reads an order snapshot. `fire_triggers` records each trigger's key for the
order (a unique constraint) before opening or adding to the case, so a hook that fires twice, a task that is
retried or two workers racing open one case and add one note.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from saleor_support_plugin.cases.service import SYSTEM, add_message, case_order, open_or_update_topic_case
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import (
    FULFILLMENT_CANCELED,
    ORDER_CANCELED,
    RETURN_FULFILLMENT_STATUSES,
    OrderSnapshot,
)
from saleor_support_plugin.models import (
    OPEN_CASE_STATUSES,
    CaseCategory,
    CaseTrigger,
    DelayNotice,
    DelayNoticeStatus,
    SupportCase,
)

TOPIC_DELAY = "delay"
TOPIC_RETURN = "return"
TOPIC_CANCELLATION = "cancellation"
TOPIC_FULFILLMENT_CANCELED = "fulfillment_canceled"
TOPIC_REFUND_FAILED = "refund_failed"


@dataclass(frozen=True)
class Trigger:
    key: str
    topic: str
    category: str
    subject: str
    note: str


def detect_triggers(order: OrderSnapshot) -> list[Trigger]:
    """Every event of this order that opens a case: returns, cancelled shipments, a cancellation after payment,
    failed refunds (each once: the trigger's key is remembered)."""
    return [
        *_returns(order),
        *_cancelled_shipments(order),
        *_cancellation_after_payment(order),
        *_refund_failures(order),
    ]


def _returns(order: OrderSnapshot) -> list[Trigger]:
    number = order.number
    return [
        Trigger(
            f"return:{item.id}",
            TOPIC_RETURN,
            CaseCategory.RETURN,
            f"Return for order #{number}",
            f"Items of order #{number} were returned ({item.status.replace('_', ' ')}).",
        )
        for item in order.fulfillments
        if item.status in RETURN_FULFILLMENT_STATUSES
    ]


def _cancelled_shipments(order: OrderSnapshot) -> list[Trigger]:
    number = order.number
    return [
        Trigger(
            f"fulfillment_canceled:{item.id}",
            TOPIC_FULFILLMENT_CANCELED,
            CaseCategory.SHIPPING_DELAY,
            f"Shipment cancelled for order #{number}",
            f"A shipment of order #{number} was cancelled.",
        )
        for item in order.fulfillments
        if item.status == FULFILLMENT_CANCELED
    ]


def _cancellation_after_payment(order: OrderSnapshot) -> list[Trigger]:
    if order.status != ORDER_CANCELED or order.paid_at is None:
        return []
    number = order.number
    return [
        Trigger(
            "cancelled_after_payment",
            TOPIC_CANCELLATION,
            CaseCategory.CANCELLATION,
            f"Order #{number} cancelled after payment",
            f"Order #{number} was cancelled after it was paid: make sure the customer is refunded.",
        )
    ]


def _refund_failures(order: OrderSnapshot) -> list[Trigger]:
    number = order.number
    return [
        Trigger(
            f"refund_failed:{failure}",
            TOPIC_REFUND_FAILED,
            CaseCategory.BILLING,
            f"Refund failed for order #{number}",
            f"A refund for order #{number} failed ({failure}).",
        )
        for failure in order.refund_failures
    ]


def delay_trigger(order: OrderSnapshot, reason: str, key: str) -> Trigger:
    return Trigger(
        f"delay:{key}",
        TOPIC_DELAY,
        CaseCategory.SHIPPING_DELAY,
        f"Order #{order.number} is late",
        f"Order #{order.number} is late: {reason}.",
    )


def fire_triggers(order: OrderSnapshot, triggers: list[Trigger], settings: SupportSettings) -> list[SupportCase]:
    return [case for trigger in triggers if (case := fire_trigger(order, trigger, settings)) is not None]


def fire_trigger(order: OrderSnapshot, trigger: Trigger, settings: SupportSettings) -> SupportCase | None:
    """Open (or add to) the order's case for this trigger, unless this trigger was handled before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = CaseTrigger.objects.create(order_id=order.id, key=trigger.key)
        except IntegrityError:
            return None
        case, _opened = open_or_update_topic_case(
            settings=settings,
            order=case_order(order),
            topic=trigger.topic,
            category=trigger.category,
            subject=trigger.subject,
            body=trigger.note,
        )
        record.case = case
        record.save(update_fields=["case"])
        if trigger.topic == TOPIC_DELAY:
            link_delay_notices(case)
        return case


def record_notice_on_case(order: OrderSnapshot, notice: DelayNotice, settings: SupportSettings) -> None:
    """A sent notice joins the order's open delay case; the second stage's notice opens that case."""
    sent_stages = set(
        DelayNotice.objects.filter(order_id=order.id, status=DelayNoticeStatus.SENT).values_list("stage", flat=True)
    )
    if len(sent_stages) >= 2:
        fire_trigger(order, delay_trigger(order, "a second delay notice was sent", "second_notice"), settings)
    case = SupportCase.objects.filter(order_id=order.id, topic=TOPIC_DELAY, status__in=OPEN_CASE_STATUSES).first()
    if case is not None and notice.case_id is None:
        DelayNotice.objects.filter(pk=notice.pk).update(case=case)
        add_message(case, SYSTEM, f"Delay notice sent to {notice.recipient}: {notice.get_stage_display()}.", True)


def link_delay_notices(case: SupportCase) -> int:
    """Join the order's sent delay notices to its delay case, so staff see what the customer was told."""
    if case.order_id is None:
        return 0
    notices = DelayNotice.objects.filter(order_id=case.order_id, case__isnull=True, status=DelayNoticeStatus.SENT)
    return notices.update(case=case)
