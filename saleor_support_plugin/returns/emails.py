"""The customer's emails about a return: one per request and step, recorded before sending.

Each email is a `ReturnEmail` row with a unique key (`<kind>:<request>`, or `<kind>:<fulfillment>` for returns
staff processed in the Dashboard without a request), so a step reported twice never sends twice. What the
email says is fixed in the row when the step happens; the return address is the configuration's when sent.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from anymail.message import AnymailMessage
from django.db import transaction

from saleor_support_plugin.core import ports
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.email.delivery import SKIPPED, Delivery, send_recorded
from saleor_support_plugin.email.templates import AUTOMATIC_HEADERS, EMAIL_TAG, localize, render_email
from saleor_support_plugin.email.transport import compose
from saleor_support_plugin.returns.models import ReturnEmail, ReturnRequest, ReturnResolution, ReturnStatus


def request_context(request: ReturnRequest) -> dict[str, Any]:
    return {
        "rma_number": request.rma_number,
        "order_number": request.order_number,
        "status": request.status,
        "resolution": request.resolution,
        "resolution_label": request.get_resolution_display(),
        "amount": f"{request.amount:.2f}",
        "currency": request.currency,
        "items": [
            {"name": line.product_name, "variant": line.variant_name, "quantity": line.quantity}
            for line in request.lines.all()
        ],
        "decision_reason": request.decision_reason,
        "gift_card_code": request.gift_card_code,
        "replacement": bool(request.replacement_order_id),
        "language_code": request.language_code,
    }


def queue(request: ReturnRequest, kind: str, extra: dict[str, Any] | None = None) -> ReturnEmail | None:
    """Record the email of this step of the request; None if it was recorded before."""
    return queue_email(
        f"{kind}:{request.pk}",
        kind,
        request.customer_email,
        {**request_context(request), **(extra or {})},
        request=request,
    )


def queue_email(
    key: str, kind: str, recipient: str, context: dict[str, Any], request: ReturnRequest | None = None, order_id=None
) -> ReturnEmail | None:
    skip = "" if recipient else "The order has no email address."
    record, created = ReturnEmail.objects.get_or_create(
        dedupe_key=key,
        defaults={
            "request": request,
            "order_id": request.order_id if request else order_id,
            "kind": kind,
            "recipient": recipient,
            "context": context,
            "status": SKIPPED if skip else "pending",
            "failure_reason": skip,
        },
    )
    if created and not skip:
        transaction.on_commit(lambda: ports.queue_return_emails([record.pk]))
    return record if created else None


def deliver_return_email(
    email_id: int, runtime: SupportRuntime, now: datetime.datetime, final_attempt: bool = False, task_id: str = ""
) -> Delivery:
    return send_recorded(ReturnEmail, email_id, runtime, build_return_email, now, final_attempt, task_id)


def next_step(context: dict[str, Any], return_address: str, response_time: str = "") -> str:
    """What happens next, in plain words, for the customer (the API's `nextStep` and the emails)."""
    status, rma = context["status"], context["rma_number"]
    money = f"{context['amount']} {context['currency']}".strip()
    if context.get("staff_processed"):
        return _staff_processed_step(context, money)
    if status == ReturnStatus.PENDING:
        when = f" {response_time}" if response_time else ""
        return f"We have your return request {rma}. Our team will review it and email you the decision{when}."
    if status == ReturnStatus.APPROVED:
        where = f" to:\n{return_address}\n" if return_address else " to the address our team gives you, "
        return f"Your return {rma} is approved. Send the items{where}with {rma} on the parcel. {_outcome(context)}"
    if status == ReturnStatus.REJECTED:
        return f"Your return request {rma} was not approved: {context['decision_reason']}"
    if status == ReturnStatus.RECEIVED:
        return f"We have received the items of return {rma}. {_outcome(context)}"
    if status == ReturnStatus.REFUNDED:
        return f"We have refunded {money} for return {rma} to your original payment method."
    if status == ReturnStatus.CREDITED:
        return f"Store credit of {money} for return {rma} is yours: gift card {context['gift_card_code']}."
    return ""


def _staff_processed_step(context: dict[str, Any], money: str) -> str:
    """A return or refund staff processed in the Dashboard (reference: order number and fulfillment)."""
    number = context["order_number"]
    if context["status"] == ReturnStatus.REFUNDED:
        return f"We have refunded {money} for items of your order #{number} to your original payment method."
    if context["status"] == "replaced":
        return f"We are sending you a replacement for items of your order #{number}."
    return f"We have registered the return of items of your order #{number}. We will let you know of any refund."


def _outcome(context: dict[str, Any]) -> str:
    money = f"{context['amount']} {context['currency']}".strip()
    if context["resolution"] == ReturnResolution.EXCHANGE:
        return "We will send you the same product again."
    if context["resolution"] == ReturnResolution.STORE_CREDIT:
        return f"Once we receive them, you get {money} of store credit as a gift card."
    if Decimal(context["amount"] or 0) > 0:
        return f"Once we receive them, we refund {money}."
    return "Once we receive them, we will let you know."


def build_return_email(record: ReturnEmail, settings: SupportSettings) -> AnymailMessage:
    language = record.context.get("language_code") or "en"
    context = {
        **record.context,
        "next_step": next_step(record.context, settings.returns.return_address, settings.support_response_time),
        "return_address": settings.returns.return_address,
        "sender_name": settings.sender_name,
        "language_code": language,
    }
    context = {key: localize(value, settings.calendar.timezone, language) for key, value in context.items()}
    rendered = render_email(f"return_{record.kind}", context, language)
    return compose(
        rendered,
        settings,
        record.recipient,
        settings.support_inbox,
        lambda domain: {"Message-ID": f"<return-email-{record.pk}@{domain}>", **AUTOMATIC_HEADERS},
        [EMAIL_TAG, "return", record.kind],
        {"return_email_id": str(record.pk), "rma_number": str(record.context.get("rma_number", ""))},
    )
