"""Saleor's side of the runtime: plugin configuration and orders read from Saleor's models.

Imported only inside a Saleor environment (the runtime loader names it); the domain never imports it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime
from saleor.account.models import User
from saleor.app.models import App
from saleor.order import OrderChargeStatus, OrderEvents
from saleor.order import events as order_events
from saleor.order.models import Fulfillment as SaleorFulfillment
from saleor.order.models import Order, OrderEvent
from saleor.payment import TransactionEventType, TransactionKind
from saleor.payment.models import Transaction, TransactionEvent
from saleor.plugins.manager import get_plugins_manager

from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.constants import DELIVERED_AT_METADATA_KEY, PLUGIN_ID, SUPPORT_APP_IDENTIFIER
from saleor_support_plugin.core.orders import ORDER_DRAFT, WATCHED_ORDER_STATUSES, Fulfillment, OrderLine, OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.text import whole_number

PAID_EVENTS = (OrderEvents.ORDER_FULLY_PAID, OrderEvents.ORDER_MARKED_AS_PAID)
PAID_CHARGE_STATUSES = (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)


def load_saleor_runtime() -> SupportRuntime:
    plugin = get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)
    if plugin is None:
        return SupportRuntime(active=False, settings=SupportSettings(), gateway=SaleorOrderGateway())
    return SupportRuntime(active=plugin.active, settings=plugin.support_settings, gateway=SaleorOrderGateway())


class SaleorOrderGateway:
    def get_order(self, order_id: uuid.UUID) -> OrderSnapshot | None:
        order = _snapshot_queryset().filter(pk=order_id).first()
        return order_snapshot(order) if order else None

    def iter_open_orders(self, created_since: datetime.datetime, batch_size: int) -> Iterator[list[OrderSnapshot]]:
        # Keyset pagination on the order number: memory stays flat whatever the order table's size.
        last_number = 0
        while True:
            batch = list(
                _snapshot_queryset()
                .filter(status__in=WATCHED_ORDER_STATUSES, created_at__gte=created_since, number__gt=last_number)
                .order_by("number")[:batch_size]
            )
            if not batch:
                return
            last_number = batch[-1].number
            yield [order_snapshot(order) for order in batch]

    def iter_orders_updated(
        self, since: datetime.datetime, until: datetime.datetime, batch_size: int
    ) -> Iterator[list[OrderSnapshot]]:
        """Orders Saleor saved in (since, until], oldest first: a range scan of its index on `updated_at`."""
        changed = (
            _snapshot_queryset().exclude(status=ORDER_DRAFT).filter(updated_at__lte=until).order_by("updated_at", "pk")
        )
        last: tuple[datetime.datetime, uuid.UUID] | None = None
        while True:
            page = (
                changed.filter(updated_at__gt=since)
                if last is None
                else changed.filter(Q(updated_at__gt=last[0]) | Q(updated_at=last[0], pk__gt=last[1]))
            )
            batch = list(page[:batch_size])
            if not batch:
                return
            last = (batch[-1].updated_at, batch[-1].pk)
            yield [order_snapshot(order) for order in batch]

    def count_open_orders(self, created_since: datetime.datetime) -> int:
        return Order.objects.filter(status__in=WATCHED_ORDER_STATUSES, created_at__gte=created_since).count()

    def get_order_by_number(self, number: str) -> OrderSnapshot | None:
        if whole_number(number) is None:
            return None
        order = _snapshot_queryset().exclude(status__in=("draft",)).filter(number=int(number)).first()
        return order_snapshot(order) if order else None

    def user_email(self, user_id: int) -> str | None:
        return User.objects.filter(pk=user_id, is_active=True).values_list("email", flat=True).first()

    def plugin_base_url(self) -> str:
        """Saleor's PUBLIC_URL, or its site domain, with the plugin's path (feedback links in emails)."""
        from saleor.core.utils import build_absolute_uri

        return build_absolute_uri(f"/plugins/global/{PLUGIN_ID}/")

    def record_timeline_event(self, order_id: uuid.UUID, message: str, parameters: dict[str, Any]) -> None:
        order = Order.objects.filter(pk=order_id).first()
        if order is not None:
            # Once the merchant installs the companion app, the timeline names it as the author.
            order_events.external_notification_event(
                order=order,
                user=None,
                app=installed_support_app(),
                message=message,
                parameters={"service": PLUGIN_ID, **parameters},
            )


def installed_support_app() -> App | None:
    """The companion Dashboard app, once installed, and while it is neither removed nor deactivated."""
    return (
        App.objects.not_removed()
        .filter(identifier=SUPPORT_APP_IDENTIFIER, is_active=True, is_installed=True)
        .order_by("pk")
        .first()
    )


def _snapshot_queryset() -> QuerySet[Order]:
    return Order.objects.select_related("user", "billing_address", "shipping_method", "channel").prefetch_related(
        "lines",
        "fulfillments",
        Prefetch("events", queryset=OrderEvent.objects.filter(type__in=PAID_EVENTS), to_attr="paid_events"),
        Prefetch(
            "payment_transactions__events",
            queryset=TransactionEvent.objects.filter(type=TransactionEventType.REFUND_FAILURE),
            to_attr="refund_failures",
        ),
        Prefetch(
            "payment_transactions__events",
            queryset=TransactionEvent.objects.filter(type=TransactionEventType.CHARGE_BACK),
            to_attr="chargebacks",
        ),
        Prefetch(
            "payments__transactions",
            queryset=Transaction.objects.filter(kind=TransactionKind.REFUND_FAILED),
            to_attr="refund_failures",
        ),
    )


def order_snapshot(order: Order) -> OrderSnapshot:
    return OrderSnapshot(
        id=order.pk,
        number=str(order.number),
        status=order.status,
        created_at=order.created_at,
        email=order.get_customer_email() or "",
        language_code=order.language_code or "en",
        channel_slug=order.channel.slug,
        paid_at=_paid_at(order),
        max_delivery_days=order.shipping_method.maximum_delivery_days if order.shipping_method else None,
        customer_first_name=_first_name(order),
        customer_id=order.user_id,
        refund_failures=refund_failures(order),
        currency=order.currency,
        chargebacks=tuple(event.pk for item in order.payment_transactions.all() for event in item.chargebacks),
        lines=tuple(
            OrderLine(
                product_name=line.translated_product_name or line.product_name,
                variant_name=line.translated_variant_name or line.variant_name,
                quantity=line.quantity,
                quantity_fulfilled=line.quantity_fulfilled,
                is_shipping_required=line.is_shipping_required,
            )
            for line in order.lines.all()
        ),
        fulfillments=tuple(
            Fulfillment(
                id=item.pk,
                status=item.status,
                created_at=item.created_at,
                delivered_at=delivered_at(item),
                tracking_number=item.tracking_number,
                refund_amount=item.total_refund_amount,
            )
            for item in order.fulfillments.all()
        ),
    )


def delivered_at(fulfillment: SaleorFulfillment) -> datetime.datetime | None:
    """When staff or an app marked the shipment delivered, through the fulfillment's metadata."""
    value = fulfillment.get_value_from_metadata(
        DELIVERED_AT_METADATA_KEY
    ) or fulfillment.get_value_from_private_metadata(DELIVERED_AT_METADATA_KEY)
    if not value:
        return None
    try:
        parsed = parse_datetime(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        # An unreadable value still says "delivered": trust the mark, not its format.
        return fulfillment.created_at
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def refund_failures(order: Order) -> tuple[str, ...]:
    """Failed refunds, from the transactions API and from the older payments API (prefetched)."""
    events = [event.pk for item in order.payment_transactions.all() for event in item.refund_failures]
    payments = [record.pk for payment in order.payments.all() for record in payment.refund_failures]
    return tuple([f"transaction-event:{pk}" for pk in events] + [f"payment-transaction:{pk}" for pk in payments])


def _paid_at(order: Order) -> datetime.datetime | None:
    dates = [event.date for event in order.paid_events]
    if dates:
        return min(dates)
    if order.charge_status in PAID_CHARGE_STATUSES:
        return order.created_at
    return None


def _first_name(order: Order) -> str:
    if order.billing_address and order.billing_address.first_name:
        return order.billing_address.first_name
    return order.user.first_name if order.user else ""
