from __future__ import annotations

import datetime
import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from saleor_support_plugin.returns.policy import ReturnPolicy
from saleor_support_plugin.returns.port import ReturnLineFacts, ReturnOrder, ReturnReason
from tests.conftest import MONDAY

from .memory_port import InMemoryReturns

DELIVERED = MONDAY
DAMAGED = ReturnReason(id=11, slug="damaged", title="Arrived damaged")
CHANGED_MIND = ReturnReason(id=12, slug="changed-mind", title="Changed my mind")


def make_line(**overrides: Any) -> ReturnLineFacts:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "product_name": "Blue Mug",
        "variant_name": "Large",
        "quantity": 2,
        "quantity_shipped": 2,
        "quantity_returned": 0,
        "unit_price": Decimal("12.50"),
        "product_type_slug": "mugs",
        "shipped_at": DELIVERED - datetime.timedelta(days=3),
        "delivered_at": DELIVERED,
    }
    values.update(overrides)
    return ReturnLineFacts(**values)


def make_return_order(*lines: ReturnLineFacts, **overrides: Any) -> ReturnOrder:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "number": "1042",
        "channel_slug": "default-channel",
        "email": "jane@example.com",
        "currency": "USD",
        "customer_id": 7,
        "max_delivery_days": 3,
        "shipping_amount": Decimal("5.00"),
        "lines": lines or (make_line(),),
    }
    values.update(overrides)
    return ReturnOrder(**values)


@pytest.fixture
def port() -> InMemoryReturns:
    return InMemoryReturns(reasons=(DAMAGED, CHANGED_MIND))


@pytest.fixture
def returns_settings(use_settings, settings, tmp_path):
    """Returns switched on (30 days, a return address), photos stored under a temporary MEDIA_ROOT; more
    policy fields as keyword arguments."""
    settings.MEDIA_ROOT = str(tmp_path)

    def apply(**policy: Any):
        base = ReturnPolicy(enabled=True, return_address="Acme Returns\n1 Dock Road\nSpringfield")
        return use_settings(returns=replace(base, **policy)).settings

    return apply
