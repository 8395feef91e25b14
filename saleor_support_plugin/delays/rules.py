"""When an order is late, and for which stage: pure functions of an order snapshot and the settings."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import FULFILLMENT_FULFILLED, FULFILLMENT_WAITING_FOR_APPROVAL, OrderSnapshot
from saleor_support_plugin.models import DelayStage

CUSTOMER_STAGES = (DelayStage.NOT_SHIPPED, DelayStage.DELIVERY_OVERDUE, DelayStage.APPROVAL_PENDING)


class Verdict(enum.Enum):
    LATE = "late"
    NOT_YET_DUE = "not_yet_due"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class StageCheck:
    verdict: Verdict
    due_at: datetime.datetime | None = None


def due_dates(order: OrderSnapshot, settings: SupportSettings) -> dict[DelayStage, datetime.datetime]:
    """Every stage the order can still run late on, with the moment it becomes late."""
    if not order.is_watched:
        return {}
    candidates = {
        DelayStage.NOT_SHIPPED: not_shipped_due(order, settings) if settings.notify_not_shipped else None,
        DelayStage.DELIVERY_OVERDUE: (
            delivery_overdue_due(order, settings) if settings.notify_delivery_overdue else None
        ),
        DelayStage.APPROVAL_PENDING: (
            approval_pending_due(order, settings) if settings.notify_approval_pending else None
        ),
    }
    dues = {stage: due for stage, due in candidates.items() if due is not None}
    escalation = escalation_due(order, settings)
    if escalation is not None:
        dues[DelayStage.ESCALATION] = escalation
    return dues


def escalation_due(order: OrderSnapshot, settings: SupportSettings) -> datetime.datetime | None:
    """An order not shipped or not delivered `case_after_late_days` business days after it became late."""
    if not settings.case_after_late_days:
        return None
    late_since = [due for due in (not_shipped_due(order, settings), delivery_overdue_due(order, settings)) if due]
    if not late_since:
        return None
    return settings.calendar.deadline_after(min(late_since), settings.case_after_late_days)


def check_stage(
    order: OrderSnapshot, stage: DelayStage, settings: SupportSettings, now: datetime.datetime
) -> StageCheck:
    due = due_dates(order, settings).get(stage)
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


def revised_estimate(settings: SupportSettings, now: datetime.datetime) -> datetime.date:
    """The date the email gives as the new expectation."""
    return settings.calendar.business_day_after(settings.calendar.local_date(now), settings.revised_estimate_days)
