"""What the support domain knows about an order: a plain snapshot, read from Saleor by the gateway.

The domain never imports Saleor. `host/saleor_gateway.py` builds these snapshots from Saleor's models, and the
rules, the scan and the emails work on them, so they are tested without Saleor.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

# Saleor's OrderStatus and FulfillmentStatus values.
ORDER_DRAFT = "draft"
ORDER_UNCONFIRMED = "unconfirmed"
ORDER_UNFULFILLED = "unfulfilled"
ORDER_PARTIALLY_FULFILLED = "partially fulfilled"
ORDER_FULFILLED = "fulfilled"
ORDER_CANCELED = "canceled"
ORDER_EXPIRED = "expired"
ORDER_RETURNED = "returned"
ORDER_PARTIALLY_RETURNED = "partially_returned"

FULFILLMENT_FULFILLED = "fulfilled"
FULFILLMENT_WAITING_FOR_APPROVAL = "waiting_for_approval"
FULFILLMENT_CANCELED = "canceled"
RETURN_FULFILLMENT_STATUSES = frozenset({"returned", "refunded_and_returned", "replaced"})

# Only these orders can run late; drafts, unconfirmed, cancelled, expired and returned orders never get notices.
WATCHED_ORDER_STATUSES = frozenset({ORDER_UNFULFILLED, ORDER_PARTIALLY_FULFILLED, ORDER_FULFILLED})


@dataclass(frozen=True)
class OrderLine:
    product_name: str
    variant_name: str
    quantity: int
    quantity_fulfilled: int
    is_shipping_required: bool = True

    @property
    def quantity_unshipped(self) -> int:
        return max(self.quantity - self.quantity_fulfilled, 0) if self.is_shipping_required else 0

    @property
    def display_name(self) -> str:
        return f"{self.product_name} ({self.variant_name})" if self.variant_name else self.product_name


@dataclass(frozen=True)
class Fulfillment:
    id: int
    status: str
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None = None
    tracking_number: str = ""
    # What Saleor refunded with this fulfillment (refunded or returned-and-refunded), if anything.
    refund_amount: Decimal | None = None


@dataclass(frozen=True)
class OrderSnapshot:
    id: uuid.UUID
    number: str
    status: str
    created_at: datetime.datetime
    email: str
    language_code: str = "en"
    channel_slug: str = ""
    paid_at: datetime.datetime | None = None
    max_delivery_days: int | None = None
    customer_first_name: str = ""
    customer_id: int | None = None
    lines: tuple[OrderLine, ...] = ()
    fulfillments: tuple[Fulfillment, ...] = field(default=())
    # Ids of failed refunds (payment transactions or transaction events) Saleor recorded on the order.
    refund_failures: tuple[str, ...] = ()
    currency: str = ""
    # Ids of chargebacks (CHARGE_BACK transaction events) reported on the order's transactions.
    chargebacks: tuple[int, ...] = ()

    @property
    def unshipped_lines(self) -> tuple[OrderLine, ...]:
        return tuple(line for line in self.lines if line.quantity_unshipped > 0)

    @property
    def is_watched(self) -> bool:
        return self.status in WATCHED_ORDER_STATUSES

    def fulfillments_in(self, status: str) -> tuple[Fulfillment, ...]:
        return tuple(item for item in self.fulfillments if item.status == status)
