"""Returns and refunds staff processed in the Dashboard, without a request: the customer gets the matching
status email once (returned, refunded, replaced), as they do for requests.

Run from the order-change task with the order's snapshot. A fulfillment made by a request's own return action
is the request's (its emails are sent by the request's steps). Only fulfillments made in the last days are
considered, so switching the plugin on never emails customers about returns of long ago.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from saleor_support_plugin.core.orders import OrderSnapshot
from saleor_support_plugin.returns.emails import queue_email
from saleor_support_plugin.returns.models import ReturnEmail, ReturnEmailKind, ReturnRequest, ReturnStatus

RECENT = datetime.timedelta(days=3)
KIND_BY_STATUS = {
    "returned": ReturnEmailKind.RECEIVED,
    "refunded_and_returned": ReturnEmailKind.REFUNDED,
    "refunded": ReturnEmailKind.REFUNDED,
    "replaced": ReturnEmailKind.REPLACED,
}
STATUS_BY_KIND: dict[str, str] = {
    ReturnEmailKind.RECEIVED: ReturnStatus.RECEIVED,
    ReturnEmailKind.REFUNDED: ReturnStatus.REFUNDED,
    ReturnEmailKind.REPLACED: "replaced",
}


def notify_staff_processed(order: OrderSnapshot, now: datetime.datetime) -> list[ReturnEmail]:
    owned = {
        pk
        for ids in ReturnRequest.objects.filter(order_id=order.id).values_list("fulfillment_ids", flat=True)
        for pk in ids
    }
    queued = []
    for fulfillment in order.fulfillments:
        kind = KIND_BY_STATUS.get(fulfillment.status)
        if kind is None or fulfillment.id in owned or now - fulfillment.created_at > RECENT:
            continue
        record = queue_email(
            f"staff:{fulfillment.id}",
            kind,
            order.email,
            _context(order, fulfillment.id, kind, fulfillment.refund_amount),
            order_id=order.id,
        )
        if record is not None:
            queued.append(record)
    return queued


def _context(order: OrderSnapshot, fulfillment_id: int, kind: str, amount: Decimal | None) -> dict[str, object]:
    return {
        "rma_number": f"{order.number}-{fulfillment_id}",
        "order_number": order.number,
        "status": STATUS_BY_KIND[kind],
        "resolution": "exchange" if kind == ReturnEmailKind.REPLACED else "refund",
        "amount": f"{amount or 0:.2f}",
        "currency": order.currency,
        "items": [],
        "decision_reason": "",
        "gift_card_code": "",
        "staff_processed": True,
        "language_code": order.language_code,
    }
