from __future__ import annotations

import datetime
import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests
from anymail.exceptions import AnymailRequestsAPIError

import tests.celery_app  # noqa: F401 - makes the eager test Celery app the default one
from saleor_support_plugin.cases.service import Actor, CaseOrder, open_case
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import (
    FULFILLMENT_FULFILLED,
    ORDER_UNFULFILLED,
    Fulfillment,
    OrderLine,
    OrderSnapshot,
)
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.models import AuthorType, CaseChannel, SupportCase
from tests.order_store import CURRENT, InMemoryOrders

# Who writes on the cases of the Saleor-free tests.
CUSTOMER = Actor(AuthorType.CUSTOMER, user_id=7, name="Jane")
AGENT = Actor(AuthorType.STAFF, user_id=1, name="Sam Agent")

# Monday 2026-11-02 10:00 UTC: a fixed, ordinary business day.
MONDAY = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
_numbers = itertools.count(1000)


def make_order(**overrides: Any) -> OrderSnapshot:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "number": str(next(_numbers)),
        "status": ORDER_UNFULFILLED,
        "created_at": MONDAY,
        "paid_at": MONDAY,
        "email": "jane@example.com",
        "language_code": "en",
        "customer_first_name": "Jane",
        "max_delivery_days": 3,
        "lines": (OrderLine("Blue Mug", "Large", quantity=2, quantity_fulfilled=0),),
    }
    values.update(overrides)
    return OrderSnapshot(**values)


def open_customer_case(settings: SupportSettings, **arguments: Any) -> SupportCase:
    """The case most Saleor-free tests start from: Jane (CUSTOMER) asks about her mug from the storefront.
    `arguments` are open_case's and replace these (another author, channel or text, an order, a priority)."""
    usual: dict[str, Any] = {
        "author": CUSTOMER,
        "origin": CaseChannel.STOREFRONT,
        "subject": "Where is my mug?",
        "body": "It has been a week.",
        "email": "jane@example.com",
    }
    return open_case(settings=settings, **(usual | arguments))


def shipped(order: OrderSnapshot, at: datetime.datetime, **overrides: Any) -> OrderSnapshot:
    """The order with every line fulfilled by one shipment at `at`."""
    lines = tuple(replace(line, quantity_fulfilled=line.quantity) for line in order.lines)
    fulfillment = Fulfillment(id=len(order.fulfillments) + 1, status=FULFILLMENT_FULFILLED, created_at=at, **overrides)
    return replace(order, status="fulfilled", lines=lines, fulfillments=(*order.fulfillments, fulfillment))


@pytest.fixture
def support_settings() -> SupportSettings:
    # Anymail's test backend: sent messages land in django.core.mail.outbox with their anymail status.
    return SupportSettings(
        email_provider="test",
        case_after_late_days=None,  # escalation to a case is tested on its own
        sender_address="support@shop.example",
        sender_name="Acme Support",
        support_email="help@shop.example",
        support_phone="+1 555 0100",
        support_hours="Mon-Fri 9-17",
        support_response_time="within 1 business day",
    )


def api_error(status: int | None) -> AnymailRequestsAPIError:
    """What anymail's requests-based backends raise for a provider's HTTP status (None: no response)."""
    if status is None:
        return AnymailRequestsAPIError("Provider unreachable: connection timed out")
    response = requests.Response()
    response.status_code = status
    response.reason = "Provider says no"
    response._content = b"{}"
    return AnymailRequestsAPIError(f"Provider answered {status}", response=response)


@pytest.fixture(autouse=True)
def default_runtime(support_settings: SupportSettings) -> Iterator[None]:
    """The runtime a case change reads the opening hours from when its caller does not pass the settings;
    the `runtime` fixture replaces it."""
    CURRENT.setdefault("runtime", SupportRuntime(active=True, settings=support_settings, gateway=InMemoryOrders()))
    yield
    CURRENT.pop("runtime", None)


@pytest.fixture
def orders() -> InMemoryOrders:
    return InMemoryOrders()


@pytest.fixture
def runtime(orders: InMemoryOrders, support_settings: SupportSettings) -> Iterator[SupportRuntime]:
    CURRENT["runtime"] = SupportRuntime(active=True, settings=support_settings, gateway=orders)
    yield CURRENT["runtime"]
    CURRENT.pop("runtime", None)


@pytest.fixture
def use_settings(orders: InMemoryOrders, runtime: SupportRuntime) -> Callable[..., SupportRuntime]:
    """Replace the active runtime's settings (or active flag) for one test."""

    def apply(active: bool = True, **overrides: Any) -> SupportRuntime:
        CURRENT["runtime"] = SupportRuntime(
            active=active, settings=replace(runtime.settings, **overrides), gateway=orders
        )
        return CURRENT["runtime"]

    return apply


@pytest.fixture
def inbound_runtime(use_settings: Callable[..., SupportRuntime], settings: Any, tmp_path: Any) -> SupportRuntime:
    """Receiving mail: a reply domain, a staff inbox, attachments stored under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)
    return use_settings(reply_domain="reply.shop.example", staff_inbox="team@shop.example")


@pytest.fixture
def case(inbound_runtime: SupportRuntime, orders: InMemoryOrders) -> Any:
    """A case Jane opened from the storefront about her order 1042 (the one received mail answers)."""
    order = orders.put(make_order(number="1042", email="jane@example.com"))
    return open_customer_case(
        inbound_runtime.settings,
        author=Actor(AuthorType.CUSTOMER, name="Jane"),
        order=CaseOrder(id=order.id, number=order.number, email=order.email),
    )
