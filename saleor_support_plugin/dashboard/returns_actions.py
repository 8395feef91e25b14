"""Return requests on the support pages: listed on the order widget and the case page, and decided, received
and refunded there. Each action is one call into `returns.requests`, through the shop's returns port."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet

from saleor_support_plugin.cases.service import Actor, CaseError
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.dashboard.actions import find
from saleor_support_plugin.dashboard.session import StaffMember
from saleor_support_plugin.returns import requests
from saleor_support_plugin.returns.disputes import evidence_html, gather_evidence
from saleor_support_plugin.returns.models import ReturnRequest
from saleor_support_plugin.returns.port import load_returns_port

ACTIONS = ("return_approve", "return_reject", "return_receive", "return_refund")


def _with_details(requests_: QuerySet[ReturnRequest]) -> list[ReturnRequest]:
    return list(requests_.prefetch_related("lines", "photos").order_by("-pk"))


def order_returns(order_id: uuid.UUID) -> list[ReturnRequest]:
    return _with_details(ReturnRequest.objects.filter(order_id=order_id))


def has_chargeback_case(order_id: uuid.UUID) -> bool:
    from saleor_support_plugin.models import SupportCase
    from saleor_support_plugin.returns.disputes import TOPIC_CHARGEBACK

    return SupportCase.objects.filter(order_id=order_id, topic=TOPIC_CHARGEBACK).exists()


def case_returns(case_id: int) -> list[ReturnRequest]:
    return _with_details(ReturnRequest.objects.filter(case_id=case_id))


def act(
    action: str, form: Mapping[str, str], actor: Actor, member: StaffMember, settings: SupportSettings
) -> tuple[str, ReturnRequest]:
    request = find(ReturnRequest, form.get("return_request", ""), "This return request no longer exists.")
    port = load_returns_port()
    if action == "return_approve":
        amount = _amount(form.get("amount", ""))
        _check_limit(amount if amount is not None else request.amount, member, settings)
        resolution = form.get("resolution") or None
        request = requests.approve(
            port=port, settings=settings, request=request, actor=actor, resolution=resolution, amount=amount
        )
        return f"Return {request.rma_number} approved: Saleor recorded the return.", request
    if action == "return_reject":
        request = requests.reject(port=port, request=request, actor=actor, reason=form.get("reason", ""))
        return f"Return {request.rma_number} rejected; the customer is told why.", request
    if action == "return_receive":
        request = requests.mark_received(port=port, request=request, actor=actor)
        return f"Return {request.rma_number}: items received.", request
    _check_limit(request.amount, member, settings)
    request = requests.settle(port=port, request=request, actor=actor)
    return f"Return {request.rma_number} {request.get_status_display().lower()}.", request


def _amount(value: str) -> Decimal | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CaseError("Enter the amount as a number, such as 19.99.", Code.INVALID, "amount") from None
    if not amount.is_finite() or amount < 0:
        raise CaseError("Enter the amount as a number, such as 19.99.", Code.INVALID, "amount")
    return amount


def _check_limit(amount: Decimal, member: StaffMember, settings: SupportSettings) -> None:
    limit = settings.returns.staff_refund_limit
    if limit is not None and amount > limit and not member.manages_orders:
        raise CaseError(
            f"Returns above {limit:.2f} need the Manage orders permission: ask a colleague who has it.",
            Code.INVALID,
        )


def evidence_page(runtime: SupportRuntime, order_id: uuid.UUID | None) -> tuple[str, str] | None:
    """The order's evidence as a self-contained page, and a file name for it; None for a missing order."""
    from django.utils import timezone

    order = runtime.gateway.get_order(order_id) if order_id else None
    if order is None:
        return None
    return evidence_html(gather_evidence(order, timezone.now())), f"evidence-order-{order.number}.html"
