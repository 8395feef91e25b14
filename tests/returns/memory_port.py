"""The Saleor-free tier's `ReturnsPort`: orders in memory; Saleor's return action, refunds and credit recorded.

`saleor_returns.SaleorReturns` fills the same port inside Saleor (tests/in_saleor/test_returns*.py)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from saleor_support_plugin.returns.port import (
    RefundOutcome,
    ReturnActionError,
    ReturnItem,
    ReturnOrder,
    ReturnOutcome,
    ReturnReason,
)

_ids = itertools.count(500)


@dataclass
class InMemoryReturns:
    orders: dict[uuid.UUID, ReturnOrder] = field(default_factory=dict)
    reasons: tuple[ReturnReason, ...] = ()
    returns: list[tuple[uuid.UUID, tuple[ReturnItem, ...], bool, str]] = field(default_factory=list)
    received: list[tuple[uuid.UUID, int]] = field(default_factory=list)
    refunds: list[tuple[uuid.UUID, Decimal]] = field(default_factory=list)
    credits: list[tuple[uuid.UUID, Decimal, str]] = field(default_factory=list)
    timeline: list[tuple[uuid.UUID, str, dict[str, Any]]] = field(default_factory=list)
    refuse: str = ""

    def put(self, order: ReturnOrder) -> ReturnOrder:
        self.orders[order.id] = order
        return order

    def get_return_order(self, order_id: uuid.UUID) -> ReturnOrder | None:
        return self.orders.get(order_id)

    def return_reasons(self) -> tuple[ReturnReason, ...]:
        return self.reasons

    def carry_out_return(
        self, order_id: uuid.UUID, items: Sequence[ReturnItem], exchange: bool, rma_number: str, user_id: int | None
    ) -> ReturnOutcome:
        if self.refuse:
            raise ReturnActionError(self.refuse)
        self.returns.append((order_id, tuple(items), exchange, rma_number))
        # As Saleor does: the items leave their FULFILLED fulfillment for a RETURNED (or REPLACED) one.
        order = self.orders[order_id]
        moved = {item.order_line_id: item.quantity for item in items}
        lines = tuple(
            replace(
                line,
                quantity_shipped=line.quantity_shipped - moved.get(line.id, 0),
                quantity_returned=line.quantity_returned + moved.get(line.id, 0),
            )
            for line in order.lines
        )
        self.orders[order_id] = replace(order, lines=lines)
        fulfillment_id = next(_ids)
        if exchange:
            empty_return = next(_ids)
            return ReturnOutcome(
                fulfillment_id,
                replacement_order_id=uuid.uuid4(),
                replace_fulfillment_id=fulfillment_id,
                fulfillment_ids=(empty_return, fulfillment_id),
            )
        return ReturnOutcome(fulfillment_id)

    def mark_received(self, order_id: uuid.UUID, fulfillment_id: int, rma_number: str) -> None:
        self.received.append((order_id, fulfillment_id))

    def refund(self, order_id: uuid.UUID, amount: Decimal, rma_number: str, user_id: int | None) -> RefundOutcome:
        if self.refuse:
            raise ReturnActionError(self.refuse)
        self.refunds.append((order_id, amount))
        return RefundOutcome("payment", amount, f"payment:{len(self.refunds)}")

    def issue_store_credit(
        self, order_id: uuid.UUID, amount: Decimal, email: str, rma_number: str, user_id: int | None
    ) -> RefundOutcome:
        code = f"CREDIT-{len(self.credits) + 1:04d}"
        self.credits.append((order_id, amount, email))
        return RefundOutcome("gift_card", amount, f"gift_card:{len(self.credits)}", gift_card_code=code)

    def record_timeline_event(self, order_id: uuid.UUID, message: str, parameters: dict[str, Any]) -> None:
        self.timeline.append((order_id, message, parameters))


# The port the Dashboard's pages load (settings.SUPPORT_RETURNS_PORT = "tests.returns.memory_port.current_port").
CURRENT: dict[str, InMemoryReturns] = {}


def current_port() -> InMemoryReturns:
    return CURRENT["port"]
