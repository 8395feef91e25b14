"""The Saleor-free tier's order gateway: orders held in memory, timeline events recorded in a list.

It implements `runtime.OrderGateway`, the seam that `saleor_gateway.SaleorOrderGateway` fills inside Saleor
(tested in tests/in_saleor against real Saleor orders).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from saleor_support_plugin.core.orders import OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime


@dataclass
class InMemoryOrders:
    orders: dict[uuid.UUID, OrderSnapshot] = field(default_factory=dict)
    timeline: list[tuple[uuid.UUID, str, dict[str, Any]]] = field(default_factory=list)
    user_emails: dict[int, str] = field(default_factory=dict)
    updated_at: dict[uuid.UUID, datetime.datetime] = field(default_factory=dict)  # as Saleor's Order.updated_at

    def put(self, order: OrderSnapshot, updated_at: datetime.datetime | None = None) -> OrderSnapshot:
        self.orders[order.id] = order
        self.updated_at[order.id] = updated_at or timezone.now()
        return order

    def get_order(self, order_id: uuid.UUID) -> OrderSnapshot | None:
        return self.orders.get(order_id)

    def _open(self, created_since: datetime.datetime) -> list[OrderSnapshot]:
        return sorted(
            (order for order in self.orders.values() if order.is_watched and order.created_at >= created_since),
            key=lambda order: int(order.number),
        )

    def iter_open_orders(self, created_since: datetime.datetime, batch_size: int) -> Iterator[list[OrderSnapshot]]:
        orders = self._open(created_since)
        for start in range(0, len(orders), batch_size):
            yield orders[start : start + batch_size]

    def iter_orders_updated(
        self, since: datetime.datetime, until: datetime.datetime, batch_size: int
    ) -> Iterator[list[OrderSnapshot]]:
        changed = sorted((when, str(order_id)) for order_id, when in self.updated_at.items() if since < when <= until)
        orders = [self.orders[uuid.UUID(order_id)] for _, order_id in changed]
        for start in range(0, len(orders), batch_size):
            yield orders[start : start + batch_size]

    def count_open_orders(self, created_since: datetime.datetime) -> int:
        return len(self._open(created_since))

    def get_order_by_number(self, number: str) -> OrderSnapshot | None:
        return next((order for order in self.orders.values() if order.number == number), None)

    def user_email(self, user_id: int) -> str | None:
        return self.user_emails.get(user_id)

    def record_timeline_event(self, order_id: uuid.UUID, message: str, parameters: dict[str, Any]) -> None:
        self.timeline.append((order_id, message, parameters))


CURRENT: dict[str, SupportRuntime] = {}


def load_test_runtime() -> SupportRuntime:
    return CURRENT["runtime"]
