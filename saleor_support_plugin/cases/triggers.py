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


@dataclass(frozen=True)
class TriggerKind:
    """What a kind of event opens: its topic and category, the case's subject and the note, for an order."""

    topic: str
    category: str
    subject: str
    note: str

    def for_order(self, key: str, number: str, detail: str = "") -> Trigger:
        subject, note = self.subject.format(number=number), self.note.format(number=number, detail=detail)
        return Trigger(key, self.topic, self.category, subject, note)


RETURNED = TriggerKind(
    TOPIC_RETURN,
    CaseCategory.RETURN,
    "Return for order #{number}",
    "Items of order #{number} were returned ({detail}).",
)
SHIPMENT_CANCELLED = TriggerKind(
    TOPIC_FULFILLMENT_CANCELED,
    CaseCategory.SHIPPING_DELAY,
    "Shipment cancelled for order #{number}",
    "A shipment of order #{number} was cancelled.",
)
CANCELLED_AFTER_PAYMENT = TriggerKind(
    TOPIC_CANCELLATION,
    CaseCategory.CANCELLATION,
    "Order #{number} cancelled after payment",
    "Order #{number} was cancelled after it was paid: make sure the customer is refunded.",
)
REFUND_FAILED = TriggerKind(
    TOPIC_REFUND_FAILED,
    CaseCategory.BILLING,
    "Refund failed for order #{number}",
    "A refund for order #{number} failed ({detail}).",
)
LATE = TriggerKind(
    TOPIC_DELAY, CaseCategory.SHIPPING_DELAY, "Order #{number} is late", "Order #{number} is late: {detail}."
)


def detect_triggers(order: OrderSnapshot) -> list[Trigger]:
    """Every event of this order that opens a case: returns, cancelled shipments, a cancellation after payment,
    failed refunds (each once: the trigger's key is remembered)."""
    number, fulfillments = order.number, order.fulfillments
    cancelled_after_payment = order.status == ORDER_CANCELED and order.paid_at is not None
    return [
        *(
            RETURNED.for_order(f"return:{item.id}", number, item.status.replace("_", " "))
            for item in fulfillments
            if item.status in RETURN_FULFILLMENT_STATUSES
        ),
        *(
            SHIPMENT_CANCELLED.for_order(f"fulfillment_canceled:{item.id}", number)
            for item in fulfillments
            if item.status == FULFILLMENT_CANCELED
        ),
        *([CANCELLED_AFTER_PAYMENT.for_order("cancelled_after_payment", number)] if cancelled_after_payment else []),
        *(REFUND_FAILED.for_order(f"refund_failed:{failure}", number, failure) for failure in order.refund_failures),
    ]


def delay_trigger(order: OrderSnapshot, reason: str, key: str) -> Trigger:
    return LATE.for_order(f"delay:{key}", order.number, reason)


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
