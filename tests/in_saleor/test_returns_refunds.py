"""Received and refunded in real Saleor: a late request reaches a case, staff approve it, mark it received
and refund it through Saleor's dummy payment gateway; store credit becomes a Saleor gift card. Every step is on
the order's timeline and the case's audit trail, and emailed to the customer exactly once."""

from decimal import Decimal

import pytest
from saleor.giftcard import GiftCardEvents
from saleor.giftcard.models import GiftCard
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import FulfillmentStatus, OrderEvents
from saleor.order.models import OrderEvent
from saleor.payment import ChargeStatus, TransactionKind

from saleor_support_plugin.models import CaseChange, SupportCase
from saleor_support_plugin.returns.models import ReturnEmail, ReturnRequest

from .returns_setup import DECIDE, RECEIVE, REFUND, line_input, request_one_item, request_return, sent

pytestmark = pytest.mark.django_db


def data(response, name):
    return get_graphql_content(response)["data"][name]


def test_a_late_request_reaches_a_case_and_is_approved_received_and_refunded_through_the_dummy_gateway(
    user_api_client, delivered_order, payment_txn_captured, returns_plugin, return_reasons, support_staff_api_client
):
    returns_plugin(return_window_days=2, return_late_requests_to_staff="true")
    line = delivered_order.lines.first()
    held = request_return(
        user_api_client, delivered_order, [line_input(line, line.quantity, return_reasons["damaged"])]
    )
    assert held["errors"] == []
    assert held["returnRequest"]["status"] == "PENDING"
    request = ReturnRequest.objects.get()
    assert request.needs_staff_because == "requested after the return window closed"
    case = SupportCase.objects.get()
    assert request.case == case
    staff, request_id = support_staff_api_client, held["returnRequest"]["id"]

    approved = data(
        staff.post_graphql(DECIDE, {"id": request_id, "input": {"approve": True}}), "supportReturnRequestDecide"
    )
    assert approved["returnRequest"]["status"] == "APPROVED"
    received = data(staff.post_graphql(RECEIVE, {"id": request_id}), "supportReturnRequestReceive")
    assert received["errors"] == []
    assert received["returnRequest"]["status"] == "RECEIVED"
    refunded = data(staff.post_graphql(REFUND, {"id": request_id}), "supportReturnRequestRefund")
    assert refunded["errors"] == []
    expected = line.quantity * line.unit_price_gross_amount
    assert refunded["returnRequest"]["status"] == "REFUNDED"
    assert Decimal(str(refunded["returnRequest"]["amount"]["amount"])) == expected

    # Saleor did it: the RETURNED fulfillment, marked received; the dummy gateway's refund of the payment.
    request.refresh_from_db()
    fulfillment = delivered_order.fulfillments.get(pk=request.return_fulfillment_id)
    assert fulfillment.status == FulfillmentStatus.RETURNED
    assert "support.received_at" in fulfillment.metadata
    payment = payment_txn_captured
    payment.refresh_from_db()
    assert payment.charge_status in (ChargeStatus.PARTIALLY_REFUNDED, ChargeStatus.FULLY_REFUNDED)
    refund = payment.transactions.get(kind=TransactionKind.REFUND)
    assert (refund.is_success, refund.amount) == (True, expected)
    assert OrderEvent.objects.filter(order=delivered_order, type=OrderEvents.PAYMENT_REFUNDED).exists()
    # Each step: on the timeline, on the case's audit trail, and one email.
    messages = [
        event.parameters["message"]
        for event in OrderEvent.objects.filter(order=delivered_order, type=OrderEvents.EXTERNAL_SERVICE_NOTIFICATION)
    ]
    assert messages[-3:] == [
        f"Return {request.rma_number} approved by {staff.user.get_full_name() or staff.user.email}.",
        f"Return {request.rma_number}: items received.",
        f"Return {request.rma_number}: {expected:.2f} USD refunded (payment).",
    ]
    assert list(CaseChange.objects.filter(case=case, field="return_request").values_list("new_value", flat=True)) == [
        f"{request.rma_number}: approved",
        f"{request.rma_number}: received",
        f"{request.rma_number}: refunded",
    ]
    assert [len(sent(kind)) for kind in ("requested", "approved", "received", "refunded")] == [1, 1, 1, 1]
    assert {message.to[0] for message in sent("refunded")} == {delivered_order.user_email}
    # Once only: a second refund is refused, no money moves, no email.
    again = data(staff.post_graphql(REFUND, {"id": request_id}), "supportReturnRequestRefund")
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATUS"]
    assert payment.transactions.filter(kind=TransactionKind.REFUND).count() == 1
    assert ReturnEmail.objects.count() == 4


def test_store_credit_is_a_saleor_gift_card_for_the_amount(
    user_api_client, delivered_order, returns_plugin, return_reasons, support_staff_api_client
):
    returns_plugin()
    line = delivered_order.lines.first()
    result = request_one_item(user_api_client, delivered_order, return_reasons["damaged"], resolution="STORE_CREDIT")
    request_id = result["returnRequest"]["id"]
    assert result["returnRequest"]["status"] == "APPROVED"
    data(support_staff_api_client.post_graphql(RECEIVE, {"id": request_id}), "supportReturnRequestReceive")
    credited = data(support_staff_api_client.post_graphql(REFUND, {"id": request_id}), "supportReturnRequestRefund")
    assert credited["errors"] == []
    assert credited["returnRequest"]["status"] == "CREDITED"
    card = GiftCard.objects.get()
    assert credited["returnRequest"]["giftCardCode"] == card.code
    assert (card.initial_balance_amount, card.currency, card.is_active) == (line.unit_price_gross_amount, "USD", True)
    assert card.metadata["support.rma_number"] == ReturnRequest.objects.get().rma_number
    assert card.events.filter(type=GiftCardEvents.ISSUED).exists()
    (email,) = sent("credited")
    assert card.code in email.body


def test_refunding_above_the_staff_limit_needs_manage_orders(
    user_api_client, delivered_order, payment_txn_captured, returns_plugin, return_reasons, support_staff_api_client
):
    from saleor.graphql.tests.utils import assert_no_permission

    returns_plugin()
    result = request_one_item(user_api_client, delivered_order, return_reasons["damaged"])
    request_id = result["returnRequest"]["id"]
    data(support_staff_api_client.post_graphql(RECEIVE, {"id": request_id}), "supportReturnRequestReceive")
    returns_plugin(return_staff_refund_limit="1")
    assert_no_permission(support_staff_api_client.post_graphql(REFUND, {"id": request_id}))
    assert ReturnRequest.objects.get().status == "received"
