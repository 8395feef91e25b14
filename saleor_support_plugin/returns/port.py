"""What the returns capability needs from the shop, as plain data and one Protocol.

`saleor_returns.SaleorReturns` implements `ReturnsPort` inside Saleor (reading the order, running Saleor's own
return action, refunds and gift cards); the Saleor-free tests use an in-memory one.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings as django_settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ReturnLineFacts:
    """An order line as the return policy sees it."""

    id: uuid.UUID
    product_name: str
    variant_name: str
    quantity: int
    # Items in fulfillments still FULFILLED (shipped and not returned): what can be returned.
    quantity_shipped: int
    # Items in RETURNED, REFUNDED_AND_RETURNED or REPLACED fulfillments.
    quantity_returned: int
    unit_price: Decimal
    product_type_slug: str = ""
    # Metadata keys set to a true value and slugs of attributes with a true value ("final-sale").
    flags: frozenset[str] = frozenset()
    is_digital: bool = False
    shipped_at: datetime.datetime | None = None
    delivered_at: datetime.datetime | None = None

    @property
    def display_name(self) -> str:
        return f"{self.product_name} ({self.variant_name})" if self.variant_name else self.product_name


@dataclass(frozen=True)
class ReturnOrder:
    id: uuid.UUID
    number: str
    channel_slug: str
    email: str
    currency: str
    customer_id: int | None = None
    language_code: str = "en"
    customer_first_name: str = ""
    max_delivery_days: int | None = None
    shipping_amount: Decimal = Decimal(0)
    lines: tuple[ReturnLineFacts, ...] = ()

    def line(self, line_id: uuid.UUID) -> ReturnLineFacts | None:
        return next((line for line in self.lines if line.id == line_id), None)


@dataclass(frozen=True)
class ReturnReason:
    """A page of the page type the shop set as its return-reason reference type."""

    id: int
    slug: str
    title: str


@dataclass(frozen=True)
class ReturnItem:
    order_line_id: uuid.UUID
    quantity: int
    reason_page_id: int | None = None
    reason_text: str = ""


@dataclass(frozen=True)
class ReturnOutcome:
    """What Saleor's return action made: the RETURNED (or REPLACED) fulfillment and, for an exchange, the
    replacement draft order."""

    fulfillment_id: int
    replacement_order_id: uuid.UUID | None = None
    replace_fulfillment_id: int | None = None
    # Every fulfillment the action made (an exchange also gets an empty RETURNED one from Saleor).
    fulfillment_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RefundOutcome:
    """A refund or store credit Saleor carried out. `reference`: the payment, transaction or gift card."""

    kind: str
    amount: Decimal
    reference: str
    gift_card_code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class ReturnActionError(RuntimeError):
    """Saleor refused the return, refund or credit; the message says why (shown to staff)."""


class ReturnsPort(Protocol):
    def get_return_order(self, order_id: uuid.UUID) -> ReturnOrder | None: ...

    def return_reasons(self) -> tuple[ReturnReason, ...]: ...

    def carry_out_return(
        self, order_id: uuid.UUID, items: Sequence[ReturnItem], exchange: bool, rma_number: str, user_id: int | None
    ) -> ReturnOutcome: ...

    def mark_received(self, order_id: uuid.UUID, fulfillment_id: int, rma_number: str) -> None: ...

    def refund(self, order_id: uuid.UUID, amount: Decimal, rma_number: str, user_id: int | None) -> RefundOutcome: ...

    def issue_store_credit(
        self, order_id: uuid.UUID, amount: Decimal, email: str, rma_number: str, user_id: int | None
    ) -> RefundOutcome: ...

    def record_timeline_event(self, order_id: uuid.UUID, message: str, parameters: dict[str, Any]) -> None: ...


def load_returns_port() -> ReturnsPort:
    """The shop's returns port: Saleor's, installed by the app inside Saleor (core.ports); the Django setting
    SUPPORT_RETURNS_PORT names another (the Saleor-free tests' in-memory one)."""
    from saleor_support_plugin.core import ports

    named = getattr(django_settings, "SUPPORT_RETURNS_PORT", None)
    factory = import_string(named) if named else ports.returns_port_factory()
    port: ReturnsPort = factory()
    return port
