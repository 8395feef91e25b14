"""A late order that stays late gets a support case: `case_after_late_days` business days after it became late,
once.

When an order became late is for the delay rules to say (delays/rules.late_since); cases never import delays, so
the delays hand that moment in (`watch_escalations`, whenever they read an order) and pass the rule to the scan
(`escalate_late_orders`). One row per order waits for its due time (an index range scan on `due_at`). The scan
takes each due row with `FOR UPDATE SKIP LOCKED`, re-reads the order and fires the `delay:age` trigger, whose
key is recorded per order (cases/triggers.py): a second scan, a retried task or a duplicated order event never
opens a second case, and an order that was escalated is not watched again.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable, Sequence

from django.db import transaction

from saleor_support_plugin.cases.triggers import delay_trigger, fire_trigger
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.models import CaseTrigger, EscalationWatch, SupportCase

logger = logging.getLogger(__name__)

LateSince = Callable[[OrderSnapshot, SupportSettings], datetime.datetime | None]
ESCALATION_KEY = "age"
TRIGGER_KEY = f"delay:{ESCALATION_KEY}"


def escalation_due(late_since: datetime.datetime | None, settings: SupportSettings) -> datetime.datetime | None:
    """When an order late since `late_since` gets its case: `case_after_late_days` business days later."""
    if not settings.case_after_late_days or late_since is None:
        return None
    return settings.calendar.deadline_after(late_since, settings.case_after_late_days)


def watch_escalations(
    late_orders: Sequence[tuple[OrderSnapshot, datetime.datetime | None]], settings: SupportSettings
) -> int:
    """Make these orders' escalation rows match when each became late; return how many rows now exist.

    An order that already had its case (or had it refused) is not watched again."""
    order_ids = [order.id for order, _ in late_orders]
    escalated = set()
    if settings.case_after_late_days:
        escalated = set(
            CaseTrigger.objects.filter(order_id__in=order_ids, key=TRIGGER_KEY).values_list("order_id", flat=True)
        )
    wanted = [
        EscalationWatch(order_id=order.id, order_number=order.number, due_at=due)
        for order, since in late_orders
        if order.id not in escalated and (due := escalation_due(since, settings)) is not None
    ]
    with transaction.atomic(savepoint=False):
        kept = [row.order_id for row in wanted]
        EscalationWatch.objects.filter(order_id__in=order_ids).exclude(order_id__in=kept).delete()
        EscalationWatch.objects.bulk_create(
            wanted,
            update_conflicts=True,
            unique_fields=["order_id"],
            update_fields=["due_at", "order_number", "updated_at"],
        )
    return len(wanted)


def escalate_late_orders(runtime: SupportRuntime, now: datetime.datetime, late_since: LateSince) -> int:
    """Open a case for every watched order whose time has come and that is still late; return how many opened.

    Each order is handled in a transaction of its own: one that fails stays watched for the next scan and does
    not stop the others."""
    opened = 0
    due = EscalationWatch.objects.filter(due_at__lte=now).order_by("due_at", "pk").values_list("pk", flat=True)
    for pk in list(due):
        try:
            opened += _escalate_row(pk, runtime, now, late_since) is not None
        except Exception:
            logger.exception("Support: a late order's case could not be opened (row %s); retrying next scan.", pk)
    return opened


def count_due_escalations(now: datetime.datetime) -> int:
    return EscalationWatch.objects.filter(due_at__lte=now).count()


def forget_escalation(order_id: uuid.UUID) -> None:
    EscalationWatch.objects.filter(order_id=order_id).delete()


@transaction.atomic
def _escalate_row(
    pk: int, runtime: SupportRuntime, now: datetime.datetime, late_since: LateSince
) -> SupportCase | None:
    row = EscalationWatch.objects.select_for_update(skip_locked=True).filter(pk=pk, due_at__lte=now).first()
    if row is None:  # another scan has it, or took it already
        return None
    row.delete()
    return _escalate(row, runtime, now, late_since)


def _escalate(
    row: EscalationWatch, runtime: SupportRuntime, now: datetime.datetime, late_since: LateSince
) -> SupportCase | None:
    """The order's case, if the order is still late; a due date that moved is watched again."""
    order = runtime.gateway.get_order(row.order_id)
    if order is None:
        return None
    due = escalation_due(late_since(order, runtime.settings), runtime.settings)
    if due is None:
        return None
    if due > now:  # the order became late later than it looked (paid later, a new shipment)
        EscalationWatch.objects.create(order_id=order.id, order_number=order.number, due_at=due)
        return None
    return open_escalation_case(order, runtime)


def open_escalation_case(order: OrderSnapshot, runtime: SupportRuntime) -> SupportCase | None:
    """The order's delay case, opened (or added to) once; None if this order was escalated before."""
    days = runtime.settings.case_after_late_days
    reason = f"still not shipped or delivered {days} business days after it became late"
    with transaction.atomic():
        case = fire_trigger(order, delay_trigger(order, reason, ESCALATION_KEY), runtime.settings)
        if case is not None:
            runtime.gateway.record_timeline_event(
                order.id, f"Support case #{case.pk} opened: the order is still late.", {"case_id": case.pk}
            )
    return case
