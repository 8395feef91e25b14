"""When an order is late, and for which stage: pure functions of an order snapshot and the settings."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass

from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import FULFILLMENT_FULFILLED, FULFILLMENT_WAITING_FOR_APPROVAL, OrderSnapshot
from saleor_support_plugin.models import DelayStage

# Every stage is a notice to the customer (an order that stays late gets a support case: cases/escalation.py).
CUSTOMER_STAGES = tuple(DelayStage)


class Verdict(enum.Enum):
    LATE = "late"
    NOT_YET_DUE = "not_yet_due"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class StageCheck:
    verdict: Verdict
    due_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Lateness:
    """An order's due dates, each rule evaluated once: the stages whose notice is switched on, and the moment
    the order became late to ship or deliver (whichever notices are switched on), from which a case opens."""

    dues: dict[DelayStage, datetime.datetime]
    late_since: datetime.datetime | None


def assess(order: OrderSnapshot, settings: SupportSettings) -> Lateness:
    if not order.is_watched:
        return Lateness({}, None)
    all_dues = {stage: rule(order, settings) for stage, rule in STAGE_RULES.items()}
    dues = {stage: due for stage, due in all_dues.items() if due is not None and is_switched_on(stage, settings)}
    shipping = (all_dues[DelayStage.NOT_SHIPPED], all_dues[DelayStage.DELIVERY_OVERDUE])
    return Lateness(dues, min((due for due in shipping if due is not None), default=None))


def due_dates(order: OrderSnapshot, settings: SupportSettings) -> dict[DelayStage, datetime.datetime]:
    """Every stage the order can still run late on, with the moment it becomes late."""
    return assess(order, settings).dues


def late_since(order: OrderSnapshot, settings: SupportSettings) -> datetime.datetime | None:
    """When the order became (or will become) late to ship or to deliver; None if it cannot be late."""
    return assess(order, settings).late_since


def is_switched_on(stage: DelayStage, settings: SupportSettings) -> bool:
    return {
        DelayStage.NOT_SHIPPED: settings.notify_not_shipped,
        DelayStage.DELIVERY_OVERDUE: settings.notify_delivery_overdue,
        DelayStage.APPROVAL_PENDING: settings.notify_approval_pending,
    }[stage]


def check_stage(
    order: OrderSnapshot, stage: DelayStage, settings: SupportSettings, now: datetime.datetime
) -> StageCheck:
    """Whether the order is late on this one stage now (only this stage's rule is evaluated)."""
    applies = order.is_watched and is_switched_on(stage, settings)
    due = STAGE_RULES[stage](order, settings) if applies else None
    if due is None:
        return StageCheck(Verdict.NOT_APPLICABLE)
    if due > now:
        return StageCheck(Verdict.NOT_YET_DUE, due)
    return StageCheck(Verdict.LATE, due)


def handling_started_at(order: OrderSnapshot, settings: SupportSettings) -> datetime.datetime | None:
    if settings.handling_starts_at == c.HANDLING_FROM_CREATION:
        return order.created_at
    # Counting from payment: an unpaid order cannot be late to ship.
    return order.paid_at


def not_shipped_due(order: OrderSnapshot, settings: SupportSettings) -> datetime.datetime | None:
    started = handling_started_at(order, settings)
    if started is None or not order.unshipped_lines:
        return None
    return settings.calendar.deadline_after(started, settings.handling_days)


def promised_delivery_days(order: OrderSnapshot, settings: SupportSettings) -> int | None:
    """Business days the shop promised for delivery: the shipping method's maximum, else the default."""
    if order.max_delivery_days is not None:
        return order.max_delivery_days
    return settings.default_delivery_days


def delivery_overdue_due(order: OrderSnapshot, settings: SupportSettings) -> datetime.datetime | None:
    days = promised_delivery_days(order, settings)
    if days is None:
        return None
    undelivered = [item for item in order.fulfillments_in(FULFILLMENT_FULFILLED) if item.delivered_at is None]
    return min(
        (
            settings.calendar.deadline_after(item.created_at, days + settings.delivery_grace_days)
            for item in undelivered
        ),
        default=None,
    )


def approval_pending_due(order: OrderSnapshot, settings: SupportSettings) -> datetime.datetime | None:
    waiting = order.fulfillments_in(FULFILLMENT_WAITING_FOR_APPROVAL)
    wait = datetime.timedelta(hours=settings.approval_wait_hours)
    return min((fulfillment.created_at + wait for fulfillment in waiting), default=None)


StageRule = Callable[[OrderSnapshot, SupportSettings], datetime.datetime | None]
STAGE_RULES: dict[DelayStage, StageRule] = {
    DelayStage.NOT_SHIPPED: not_shipped_due,
    DelayStage.DELIVERY_OVERDUE: delivery_overdue_due,
    DelayStage.APPROVAL_PENDING: approval_pending_due,
}


def revised_estimate(settings: SupportSettings, now: datetime.datetime) -> datetime.date:
    """The date the email gives as the new expectation."""
    return settings.calendar.business_day_after(settings.calendar.local_date(now), settings.revised_estimate_days)
