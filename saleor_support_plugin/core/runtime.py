"""Where the domain gets the plugin's settings and its view of orders (who provides them: ports.py).

Inside Saleor this is `host.saleor_gateway.load_saleor_runtime`, which reads the plugin configuration from
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

from saleor_support_plugin.core import ports
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import OrderSnapshot


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
    named = getattr(django_settings, "SUPPORT_PLUGIN_RUNTIME", None)
    loader = import_string(named) if named else ports.runtime_loader()
    return loader()
