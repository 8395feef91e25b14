"""Where the domain gets the plugin's settings and its view of orders.

Inside Saleor this is `saleor_gateway.load_saleor_runtime`, which reads the plugin configuration from
Saleor's database and orders from Saleor's models. The Django setting `SUPPORT_PLUGIN_RUNTIME` names another
loader; the Saleor-free test suite points it at an order store of its own.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings as django_settings
from django.utils.module_loading import import_string

from .config import SupportSettings
from .orders import OrderSnapshot

DEFAULT_RUNTIME_LOADER = "saleor_support_plugin.saleor_gateway.load_saleor_runtime"


class OrderGateway(Protocol):
    def get_order(self, order_id: uuid.UUID) -> OrderSnapshot | None: ...

    def iter_open_orders(self, created_since: datetime.datetime, batch_size: int) -> Iterator[list[OrderSnapshot]]: ...

    def count_open_orders(self, created_since: datetime.datetime) -> int: ...

    def iter_orders_updated(
        self, since: datetime.datetime, until: datetime.datetime, batch_size: int
    ) -> Iterator[list[OrderSnapshot]]: ...

    def get_order_by_number(self, number: str) -> OrderSnapshot | None: ...

    def user_email(self, user_id: int) -> str | None: ...

    def record_timeline_event(self, order_id: uuid.UUID, message: str, parameters: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class SupportRuntime:
    active: bool
    settings: SupportSettings
    gateway: OrderGateway


def load_runtime() -> SupportRuntime:
    loader = import_string(getattr(django_settings, "SUPPORT_PLUGIN_RUNTIME", DEFAULT_RUNTIME_LOADER))
    return loader()
