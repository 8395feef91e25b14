"""What the merchant's return policy (core/return_policy.py, the settings) says about an order.

`evaluate_order` is pure: for each line of an order it says whether it can be returned, until when, how many,
why not, and with which resolutions. `auto_approval` says whether a request is inside the limits that let it
be approved without staff.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from saleor_support_plugin.core.return_policy import RECENT_RETURNS_PERIOD, Resolution, ReturnPolicy
from saleor_support_plugin.returns.port import ReturnLineFacts, ReturnOrder

__all__ = ["RECENT_RETURNS_PERIOD", "Resolution", "ReturnPolicy"]  # the settings' names, used with the rules


class NotReturnable(enum.StrEnum):
    """Why a line cannot be returned (more)."""

    FINAL_SALE = "final_sale"
    DIGITAL = "digital"
    NOT_SHIPPED = "not_shipped"
    WINDOW_CLOSED = "window_closed"
    ALREADY_RETURNED = "already_returned"
    ALREADY_REQUESTED = "already_requested"


WHY_NOT_TEXT = {
    NotReturnable.FINAL_SALE: "This item was a final sale and cannot be returned.",
    NotReturnable.DIGITAL: "Digital items cannot be returned.",
    NotReturnable.NOT_SHIPPED: "This item has not been shipped yet.",
    NotReturnable.WINDOW_CLOSED: "The return window for this item has closed.",
    NotReturnable.ALREADY_RETURNED: "This item has already been returned.",
    NotReturnable.ALREADY_REQUESTED: "A return of this item has already been requested.",
}

# --- what the policy says about an order ---


@dataclass(frozen=True)
class LinePolicy:
    line: ReturnLineFacts
    returnable_quantity: int
    returnable_until: datetime.datetime | None
    why_not: NotReturnable | None
    resolutions: tuple[Resolution, ...]

    @property
    def returnable(self) -> bool:
        return self.why_not is None and self.returnable_quantity > 0

    @property
    def why_not_text(self) -> str:
        return WHY_NOT_TEXT[self.why_not] if self.why_not else ""


def window_start(line: ReturnLineFacts, order: ReturnOrder) -> datetime.datetime | None:
    """Delivery (`support.delivered_at`), or where unknown the shipment plus the shipping method's maximum
    delivery days."""
    if line.delivered_at is not None:
        return line.delivered_at
    if line.shipped_at is None:
        return None
    return line.shipped_at + datetime.timedelta(days=order.max_delivery_days or 0)


def evaluate_line(
    line: ReturnLineFacts,
    order: ReturnOrder,
    policy: ReturnPolicy,
    now: datetime.datetime,
    requested: Mapping[uuid.UUID, int] | None = None,
) -> LinePolicy:
    """`requested`: quantities of each line in the order's open (not yet carried out) requests."""
    pending = (requested or {}).get(line.id, 0)
    start = window_start(line, order)
    until = start + datetime.timedelta(days=policy.window_for(order.channel_slug)) if start else None
    available = max(line.quantity_shipped - pending, 0)
    why_not = _why_not(line, policy, now, until, pending, available)
    resolutions = policy.resolutions if why_not is None else ()
    return LinePolicy(line, available if why_not is None else 0, until, why_not, resolutions)


def _why_not(
    line: ReturnLineFacts,
    policy: ReturnPolicy,
    now: datetime.datetime,
    until: datetime.datetime | None,
    pending: int,
    available: int,
) -> NotReturnable | None:
    if line.is_digital and not policy.digital_returnable:
        return NotReturnable.DIGITAL
    if line.product_type_slug in policy.non_returnable_product_types or (
        policy.final_sale_flag and policy.final_sale_flag in line.flags
    ):
        return NotReturnable.FINAL_SALE
    if available <= 0:
        if pending:
            return NotReturnable.ALREADY_REQUESTED
        if line.quantity_returned:
            return NotReturnable.ALREADY_RETURNED
        return NotReturnable.NOT_SHIPPED
    if until is not None and now > until:
        return NotReturnable.WINDOW_CLOSED
    return None


def evaluate_order(
    order: ReturnOrder,
    policy: ReturnPolicy,
    now: datetime.datetime,
    requested: Mapping[uuid.UUID, int] | None = None,
) -> list[LinePolicy]:
    return [evaluate_line(line, order, policy, now, requested) for line in order.lines]


# --- automatic approval ---


@dataclass(frozen=True)
class RequestedItem:
    line: ReturnLineFacts
    quantity: int
    reason_slug: str = ""


def restocking_fee(items: list[RequestedItem], policy: ReturnPolicy) -> Decimal:
    fee = Decimal(0)
    for item in items:
        percent = policy.restocking_fees.get(item.reason_slug)
        if percent:
            fee += (item.line.unit_price * item.quantity * percent / 100).quantize(Decimal("0.01"))
    return fee


def items_value(items: list[RequestedItem]) -> Decimal:
    return sum((item.line.unit_price * item.quantity for item in items), Decimal(0))


def auto_approval(
    items: list[RequestedItem], resolution: Resolution, policy: ReturnPolicy, recent_returns: int
) -> list[str]:
    """Why the request needs staff (empty: it may be approved at once). `recent_returns`: the customer's
    return requests of the last 90 days, this one not included."""
    reasons = []
    if not policy.auto_approve:
        reasons.append("the shop approves every return itself")
    count = sum(item.quantity for item in items)
    if policy.auto_max_items is not None and count > policy.auto_max_items:
        reasons.append(f"{count} items, more than the {policy.auto_max_items} approved automatically")
    value = items_value(items)
    if policy.auto_max_value is not None and value > policy.auto_max_value:
        reasons.append(f"a value of {value}, above the {policy.auto_max_value} approved automatically")
    if policy.auto_max_per_customer is not None and recent_returns >= policy.auto_max_per_customer:
        reasons.append(f"{recent_returns} earlier returns in 90 days")
    if policy.auto_reasons:
        others = sorted({item.reason_slug or "(no reason)" for item in items} - policy.auto_reasons)
        if others:
            reasons.append(f"reason(s) not approved automatically: {', '.join(others)}")
    return reasons
