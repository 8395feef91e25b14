"""Saleor's side of returns (`returns.port.ReturnsPort`): orders read from Saleor's models, and every move of
goods or money done by Saleor's own actions, inside Saleor.

- the return: `saleor.order.actions.create_fulfillments_for_returned_products`, the action behind
  `orderFulfillmentReturnProducts` (a RETURNED fulfillment; for an exchange REPLACED lines and Saleor's
  replacement draft order);
- the refund: `saleor.payment.gateway.refund` of the order's payment, or for orders paid through transactions
  Saleor's granted refund (`OrderGrantedRefund`) and `request_refund_action`;
- store credit: a Saleor gift card, sent to the customer by Saleor's gift card notification.

Imported only inside Saleor (the GraphQL edge and the hooks name it); it will move to `host/` with the layout.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from saleor.account.models import User
from saleor.attribute.models import AssignedProductAttributeValue
from saleor.core.utils.promo_code import generate_promo_code
from saleor.giftcard import events as gift_card_events
from saleor.giftcard.models import GiftCard
from saleor.giftcard.notifications import send_gift_card_notification
from saleor.order import FulfillmentLineData, FulfillmentStatus
from saleor.order.actions import create_fulfillments_for_returned_products, order_refunded
from saleor.order.models import Fulfillment, FulfillmentLine, Order, OrderLine
from saleor.page.models import Page
from saleor.payment import ChargeStatus, PaymentError, TransactionEventType
from saleor.payment import gateway as payment_gateway
from saleor.plugins.manager import get_plugins_manager

from saleor_support_plugin.host.saleor_gateway import SaleorOrderGateway, delivered_at, installed_support_app
from saleor_support_plugin.returns.port import (
    RefundOutcome,
    ReturnActionError,
    ReturnItem,
    ReturnLineFacts,
    ReturnOrder,
    ReturnOutcome,
    ReturnReason,
)

RETURNED_STATUSES = (
    FulfillmentStatus.RETURNED,
    FulfillmentStatus.REFUNDED_AND_RETURNED,
    FulfillmentStatus.REPLACED,
)
TRUE_WORDS = {"true", "1", "yes", "y", "on"}
RMA_METADATA_KEY = "support.rma_number"
RETURNED_FROM_METADATA_KEY = "support.returned_from_fulfillments"


class SaleorReturns:
    def __init__(self, database: str = "default") -> None:
        # Saleor sends reads of queries to the replica and of mutations to the writer.
        self.database = database

    # --- reading ---

    def get_return_order(self, order_id: uuid.UUID) -> ReturnOrder | None:
        order = (
            Order.objects.using(self.database)
            .non_draft()
            .select_related("channel", "user", "billing_address", "shipping_method")
            .prefetch_related(
                Prefetch("lines", queryset=OrderLine.objects.select_related("variant__product__product_type")),
                Prefetch("fulfillments", queryset=Fulfillment.objects.prefetch_related("lines")),
            )
            .filter(pk=order_id)
            .first()
        )
        return return_order(order, self.database) if order else None

    def return_reasons(self) -> tuple[ReturnReason, ...]:
        site_settings = _site_settings(self.database)
        if site_settings.return_reason_reference_type_id is None:
            return ()
        pages = (
            Page.objects.using(self.database)
            .filter(page_type_id=site_settings.return_reason_reference_type_id)
            .order_by("title", "pk")
        )
        return tuple(ReturnReason(id=page.pk, slug=page.slug, title=page.title) for page in pages)

    # --- Saleor's return action ---

    def carry_out_return(
        self, order_id: uuid.UUID, items: Sequence[ReturnItem], exchange: bool, rma_number: str, user_id: int | None
    ) -> ReturnOutcome:
        order = Order.objects.select_for_update().select_related("channel").get(pk=order_id)
        pages = {
            page.pk: page for page in Page.objects.filter(pk__in=[i.reason_page_id for i in items if i.reason_page_id])
        }
        lines = _fulfillment_lines_to_return(order, items, exchange, pages)
        sources = list(Fulfillment.objects.filter(pk__in={data.line.fulfillment_id for data in lines}))
        manager = get_plugins_manager(allow_replica=False)
        try:
            returned, replaced, replacement = create_fulfillments_for_returned_products(
                user=_user(user_id),
                app=installed_support_app(),
                order=order,
                payment=None,
                order_lines=[],
                fulfillment_lines=lines,
                manager=manager,
                site_settings=_site_settings("default"),
                refund=False,
            )
        except (ValidationError, PaymentError) as error:
            raise ReturnActionError(_message(error)) from error
        target = replaced if exchange and replaced is not None else returned
        _keep_shipment_details(target, sources, rma_number)
        if exchange and replaced is not None and returned.lines.exists():
            _keep_shipment_details(returned, sources, rma_number)
        return ReturnOutcome(
            fulfillment_id=target.pk,
            replacement_order_id=replacement.pk if replacement else None,
            replace_fulfillment_id=replaced.pk if replaced else None,
            fulfillment_ids=tuple(item.pk for item in (returned, replaced) if item is not None),
        )

    def mark_received(self, order_id: uuid.UUID, fulfillment_id: int, rma_number: str) -> None:
        from django.utils import timezone

        fulfillment = Fulfillment.objects.filter(pk=fulfillment_id, order_id=order_id).first()
        if fulfillment is not None:
            fulfillment.store_value_in_metadata({"support.received_at": timezone.now().isoformat()})
            fulfillment.save(update_fields=["metadata"])

    # --- money ---

    def refund(self, order_id: uuid.UUID, amount: Decimal, rma_number: str, user_id: int | None) -> RefundOutcome:
        order = Order.objects.select_related("channel").get(pk=order_id)
        manager = get_plugins_manager(allow_replica=False)
        user, app = _user(user_id), installed_support_app()
        payment = order.get_last_payment()
        if payment is not None and payment.is_active and payment.captured_amount > 0:
            return _refund_payment(order, payment, amount, manager, user, app)
        transaction_item = order.payment_transactions.order_by("-charged_value").first()
        if transaction_item is not None and transaction_item.charged_value > 0:
            return _refund_transaction(order, transaction_item, amount, rma_number, manager, user, app)
        raise ReturnActionError("The order has no captured payment or charged transaction to refund.")

    def issue_store_credit(
        self, order_id: uuid.UUID, amount: Decimal, email: str, rma_number: str, user_id: int | None
    ) -> RefundOutcome:
        order = Order.objects.select_related("channel", "user").get(pk=order_id)
        user, app = _user(user_id), installed_support_app()
        gift_card = GiftCard.objects.create(
            code=generate_promo_code(),
            currency=order.currency,
            initial_balance_amount=amount,
            current_balance_amount=amount,
            created_by=user,
            created_by_email=user.email if user else None,
            app=app,
            is_active=True,
            metadata={RMA_METADATA_KEY: rma_number, "support.order": str(order.number)},
        )
        gift_card_events.gift_card_issued_event(gift_card, user, app)
        manager = get_plugins_manager(allow_replica=False)
        channel_slug = order.channel.slug
        transaction.on_commit(
            lambda: send_gift_card_notification(
                user, app, order.user, email, gift_card, manager, channel_slug, resending=False
            )
        )
        return RefundOutcome("gift_card", amount, f"gift_card:{gift_card.pk}", gift_card_code=gift_card.code)

    def record_timeline_event(self, order_id: uuid.UUID, message: str, parameters: dict[str, Any]) -> None:
        SaleorOrderGateway().record_timeline_event(order_id, message, parameters)


# --- reading an order ---


def return_order(order: Order, database: str = "default") -> ReturnOrder:
    fulfillments = list(order.fulfillments.all())
    flags = _product_flags([line.variant.product_id for line in order.lines.all() if line.variant], database)
    return ReturnOrder(
        id=order.pk,
        number=str(order.number),
        channel_slug=order.channel.slug,
        email=order.get_customer_email() or "",
        currency=order.currency,
        customer_id=order.user_id,
        language_code=order.language_code or "en",
        customer_first_name=order.billing_address.first_name if order.billing_address else "",
        max_delivery_days=order.shipping_method.maximum_delivery_days if order.shipping_method else None,
        shipping_amount=order.shipping_price_gross_amount,
        lines=tuple(_line_facts(line, fulfillments, flags) for line in order.lines.all()),
    )


def _line_facts(line: OrderLine, fulfillments: list[Fulfillment], flags: dict[int, frozenset[str]]) -> ReturnLineFacts:
    shipped = [(f, fl) for f in fulfillments for fl in f.lines.all() if fl.order_line_id == line.pk]
    in_fulfilled = [(f, fl) for f, fl in shipped if f.status == FulfillmentStatus.FULFILLED]
    product = line.variant.product if line.variant else None
    deliveries = [d for f, _ in in_fulfilled if (d := delivered_at(f)) is not None]
    return ReturnLineFacts(
        id=line.pk,
        product_name=line.product_name,
        variant_name=line.variant_name,
        quantity=line.quantity,
        quantity_shipped=sum(fl.quantity for _, fl in in_fulfilled),
        quantity_returned=sum(fl.quantity for f, fl in shipped if f.status in RETURNED_STATUSES),
        unit_price=line.unit_price_gross_amount,
        product_type_slug=product.product_type.slug if product else "",
        flags=flags.get(product.pk, frozenset()) if product else frozenset(),
        is_digital=not line.is_shipping_required,
        shipped_at=max((f.created_at for f, _ in in_fulfilled), default=None),
        delivered_at=max(deliveries, default=None),
    )


def _product_flags(product_ids: list[int], database: str) -> dict[int, frozenset[str]]:
    """Per product: metadata keys set to a true value, and slugs of attributes whose value is true (a boolean
    attribute, or a value named true/yes) - the merchant's "final sale" marks."""
    from saleor.product.models import Product

    flags: dict[int, set[str]] = {pk: set() for pk in product_ids}
    for product in (
        Product.objects.using(database).filter(pk__in=product_ids).only("pk", "metadata", "private_metadata")
    ):
        for key, value in {**product.private_metadata, **product.metadata}.items():
            if str(value).strip().lower() in TRUE_WORDS:
                flags[product.pk].add(key)
    assigned = (
        AssignedProductAttributeValue.objects.using(database)
        .filter(product_id__in=product_ids)
        .select_related("value__attribute")
    )
    for item in assigned:
        value = item.value
        if value.boolean or (value.boolean is None and value.slug.lower() in TRUE_WORDS):
            flags[item.product_id].add(value.attribute.slug)
    return {pk: frozenset(found) for pk, found in flags.items()}


# --- the return ---


def _fulfillment_lines_to_return(
    order: Order, items: Sequence[ReturnItem], exchange: bool, pages: dict[int, Page]
) -> list[FulfillmentLineData]:
    """The requested quantities taken from the order's FULFILLED fulfillments, newest shipment first."""
    available = list(
        FulfillmentLine.objects.select_related("fulfillment")
        .filter(fulfillment__order=order, fulfillment__status=FulfillmentStatus.FULFILLED)
        .order_by("-fulfillment__created_at", "-pk")
    )
    lines = []
    for item in items:
        wanted = item.quantity
        for fulfillment_line in (fl for fl in available if fl.order_line_id == item.order_line_id):
            take = min(wanted, fulfillment_line.quantity)
            if take <= 0:
                continue
            lines.append(
                FulfillmentLineData(
                    line=fulfillment_line,
                    quantity=take,
                    replace=exchange,
                    reason=item.reason_text or None,
                    reason_reference=pages.get(item.reason_page_id) if item.reason_page_id else None,
                )
            )
            wanted -= take
        if wanted > 0:
            raise ReturnActionError(f"Only {item.quantity - wanted} of the requested items are shipped.")
    return lines


def _keep_shipment_details(target: Fulfillment, sources: list[Fulfillment], rma_number: str) -> None:
    """Saleor's return moves lines out of their shipment and deletes a shipment left empty, with its tracking
    number and metadata: the return's fulfillment keeps them (a shipment's own metadata wins over none)."""
    numbers = [source.tracking_number for source in sources if source.tracking_number]
    metadata: dict[str, Any] = {}
    private: dict[str, Any] = {}
    for source in sources:
        metadata.update(source.metadata or {})
        private.update(source.private_metadata or {})
    target.tracking_number = target.tracking_number or ", ".join(dict.fromkeys(numbers))[:255]
    target.metadata = {**metadata, **(target.metadata or {}), RMA_METADATA_KEY: rma_number}
    target.metadata[RETURNED_FROM_METADATA_KEY] = ",".join(str(source.pk) for source in sources)
    target.private_metadata = {**private, **(target.private_metadata or {})}
    target.save(update_fields=["tracking_number", "metadata", "private_metadata"])


# --- refunds ---


def _refund_payment(order: Order, payment: Any, amount: Decimal, manager: Any, user: Any, app: Any) -> RefundOutcome:
    amount = min(amount, payment.captured_amount)
    try:
        payment_gateway.refund(payment, manager, amount=amount, channel_slug=order.channel.slug)
    except PaymentError as error:
        raise ReturnActionError(_message(error)) from error
    payment.refresh_from_db()
    order_refunded(order=order, user=user, app=app, amount=amount, payment=payment, manager=manager)
    if payment.charge_status not in (ChargeStatus.PARTIALLY_REFUNDED, ChargeStatus.FULLY_REFUNDED):
        raise ReturnActionError(f"The payment gateway did not refund (payment is {payment.charge_status}).")
    return RefundOutcome("payment", amount, f"payment:{payment.pk}")


def _refund_transaction(
    order: Order, item: Any, amount: Decimal, rma_number: str, manager: Any, user: Any, app: Any
) -> RefundOutcome:
    """Saleor's grant-refund flow: a granted refund on the order, and its refund requested from the app that
    runs the transaction (which reports REFUND_SUCCESS or REFUND_FAILURE)."""
    from saleor.payment.models import TransactionEvent

    amount = min(amount, item.charged_value)
    granted = order.granted_refunds.create(
        amount_value=amount,
        currency=order.currency,
        reason=f"Return {rma_number}",
        user=user,
        app=app,
        transaction_item=item,
    )
    request_event = TransactionEvent.objects.create(
        transaction=item,
        amount_value=amount,
        currency=item.currency,
        type=TransactionEventType.REFUND_REQUEST,
        user=user,
        app=app,
        app_identifier=app.identifier if app else None,
    )
    try:
        payment_gateway.request_refund_action(
            transaction=item,
            manager=manager,
            refund_value=amount,
            request_event=request_event,
            channel_slug=order.channel.slug,
            user=user,
            app=app,
            granted_refund=granted,
        )
    except PaymentError as error:
        raise ReturnActionError(_message(error)) from error
    return RefundOutcome("transaction", amount, f"granted_refund:{granted.pk}", extra={"transaction": str(item.pk)})


def _site_settings(database: str) -> Any:
    """Saleor's SiteSettings, read now: `Site.objects.get_current()` is cached per process with the settings it
    had then (a merchant's new return-reason page type would go unseen)."""
    from saleor.site.models import SiteSettings

    site_id = Site.objects.db_manager(database).get_current().pk
    return SiteSettings.objects.using(database).get(site_id=site_id)


def _user(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id else None


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error) or type(error).__name__
