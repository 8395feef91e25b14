"""Keeping the due-date watchlist in step with orders."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable

from django.db import transaction

from saleor_support_plugin.cases.escalation import forget_escalation, watch_escalations
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.delays.rules import Lateness, assess
from saleor_support_plugin.models import DelayNotice, DelayWatch


def refresh_watches(orders: Iterable[OrderSnapshot], settings: SupportSettings) -> int:
    """Make the watchlist rows of these orders, and their escalation to a case, match their due dates (each
    order's lateness evaluated once); return how many rows now exist. A fixed number of queries for any number
    of orders."""
    assessed = [(order, assess(order, settings)) for order in orders]
    if not assessed:
        return 0
    with transaction.atomic():
        rows = _refresh_stages(assessed)
        return rows + watch_escalations([(order, lateness.late_since) for order, lateness in assessed], settings)


def _refresh_stages(assessed: list[tuple[OrderSnapshot, Lateness]]) -> int:
    """A stage that already has a notice is never watched again."""
    order_ids = [order.id for order, _ in assessed]
    noticed = set(DelayNotice.objects.filter(order_id__in=order_ids).values_list("order_id", "stage"))
    wanted = [
        DelayWatch(order_id=order.id, order_number=order.number, stage=stage, due_at=due)
        for order, lateness in assessed
        for stage, due in lateness.dues.items()
        if (order.id, stage) not in noticed
    ]
    wanted_keys = {(row.order_id, row.stage) for row in wanted}
    existing = DelayWatch.objects.filter(order_id__in=order_ids).values_list("pk", "order_id", "stage")
    stale = [pk for pk, order_id, stage in existing if (order_id, stage) not in wanted_keys]
    if stale:
        DelayWatch.objects.filter(pk__in=stale).delete()
    if wanted:
        DelayWatch.objects.bulk_create(
            wanted,
            update_conflicts=True,
            unique_fields=["order_id", "stage"],
            update_fields=["due_at", "order_number", "updated_at"],
        )
    return len(wanted)


def forget_order(order_id: uuid.UUID) -> None:
    DelayWatch.objects.filter(order_id=order_id).delete()
    forget_escalation(order_id)


def backfill_watchlist(
    runtime: SupportRuntime,
    created_since: datetime.datetime,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Fill the watchlist from the open orders placed since a date; return (orders read, rows watched)."""
    orders_read = rows = 0
    for batch in runtime.gateway.iter_open_orders(created_since, batch_size):
        rows += refresh_watches(batch, runtime.settings)
        orders_read += len(batch)
        if on_batch:
            on_batch(len(batch))
    return orders_read, rows
