"""Returns in real Saleor 3.23: the policy per line, requests by a customer and a guest, auto-approval carried
out by Saleor's own return action, requests outside the policy held on a case and decided by staff."""

import datetime

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content
from saleor.order import FulfillmentStatus, OrderEvents, OrderStatus
from saleor.order.models import Order, OrderEvent
from saleor.product.models import ProductType

from saleor_support_plugin.models import CaseCategory, CaseChange, SupportCase
from saleor_support_plugin.returns.models import ReturnEmail, ReturnRequest

from .returns_setup import (
    DECIDE,
    MY_REQUESTS,
    POLICY,
    REQUEST,
    REQUESTS,
    RETURN_ADDRESS,
    gid,
    line_input,
    request_one_item,
    request_return,
    sent,
)

pytestmark = pytest.mark.django_db


def data(response, name):
    return get_graphql_content(response)["data"][name]


def test_the_policy_shows_each_line_returnable_until_the_window_closes(
    user_api_client, delivered_order, returns_plugin, return_reasons
):
    returns_plugin(return_window_days=30, return_resolutions="refund,store_credit")
    policy = data(
        user_api_client.post_graphql(POLICY, {"order": gid("Order", delivered_order.pk)}), "supportReturnPolicy"
    )
    assert policy["enabled"] is True
    assert (policy["windowDays"], policy["returnAddress"]) == (30, RETURN_ADDRESS)
    assert {reason["slug"] for reason in policy["reasons"]} == {"damaged", "changed-mind"}
    assert len(policy["lines"]) == delivered_order.lines.count()
    for line, order_line in zip(
        sorted(policy["lines"], key=lambda item: item["orderLineId"]),
        sorted(delivered_order.lines.all(), key=lambda item: gid("OrderLine", item.pk)),
        strict=True,
    ):
        assert line["returnable"] is True
        assert line["returnableQuantity"] == order_line.quantity
        assert line["resolutions"] == ["REFUND", "STORE_CREDIT"]
        until = datetime.datetime.fromisoformat(line["returnableUntil"])
        assert abs(until - (timezone.now() + datetime.timedelta(days=27))) < datetime.timedelta(minutes=5)


def test_a_customer_return_inside_the_policy_is_carried_out_by_saleor_at_once(
    user_api_client, delivered_order, returns_plugin, return_reasons, django_capture_on_commit_callbacks
):
    returns_plugin()
    line = delivered_order.lines.first()
    result = request_return(
        user_api_client, delivered_order, [line_input(line, 1, return_reasons["damaged"], "Cracked")]
    )
    assert result["errors"] == []
    returned = result["returnRequest"]
    assert (returned["status"], returned["autoApproved"], result["created"]) == ("APPROVED", True, True)
    assert returned["lines"] == [
        {
            "orderLineId": gid("OrderLine", line.pk),
            "quantity": 1,
            "reason": {"slug": "damaged", "title": "Arrived damaged"},
            "reasonComment": "Cracked",
        }
    ]
    assert RETURN_ADDRESS in returned["nextStep"]
    request = ReturnRequest.objects.get()
    # Saleor's own return: a RETURNED fulfillment with the line, reason page and comment.
    fulfillment = delivered_order.fulfillments.get(pk=request.return_fulfillment_id)
    assert fulfillment.status == FulfillmentStatus.RETURNED
    returned_line = fulfillment.lines.get()
    assert (returned_line.order_line_id, returned_line.quantity) == (line.pk, 1)
    assert (returned_line.reason, returned_line.reason_reference_id) == ("Cracked", return_reasons["damaged"].pk)
    # The shipment's tracking number and delivery mark travel with the returned items.
    assert fulfillment.tracking_number == "123"
    assert fulfillment.metadata["support.rma_number"] == request.rma_number
    assert "support.delivered_at" in fulfillment.metadata
    assert OrderEvent.objects.filter(order=delivered_order, type=OrderEvents.FULFILLMENT_RETURNED).exists()
    timeline = OrderEvent.objects.filter(order=delivered_order, type=OrderEvents.EXTERNAL_SERVICE_NOTIFICATION)
    assert [event.parameters["message"] for event in timeline.order_by("pk")] == [
        f"Return {request.rma_number} requested (1 x {line.product_name}; refund).",
        f"Return {request.rma_number} approved automatically, inside the return policy.",
    ]
    # One email, and no return case: the request is its own record.
    assert len(sent("approved")) == 1
    assert request.rma_number in sent("approved")[0].body
    assert not SupportCase.objects.exists()
    mine = get_graphql_content(user_api_client.post_graphql(MY_REQUESTS))["data"]["me"]["supportReturnRequests"]
    assert mine == [{"rmaNumber": request.rma_number, "status": "APPROVED"}]


def test_a_guest_past_the_window_is_refused_and_within_it_is_held_for_staff(
    api_client, delivered_order, returns_plugin, return_reasons, support_staff_api_client
):
    returns_plugin(return_auto_approve="false", return_window_days=2)
    guest = {"orderToken": str(delivered_order.pk), "email": delivered_order.user_email}
    line = delivered_order.lines.first()
    variables = {"input": {"lines": [line_input(line, 1, return_reasons["damaged"])], "resolution": "REFUND", **guest}}
    late = data(api_client.post_graphql(REQUEST, variables), "supportReturnRequest")
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("lines", "WINDOW_CLOSED")]
    policy = data(api_client.post_graphql(POLICY, guest), "supportReturnPolicy")
    assert {line["notReturnableReason"] for line in policy["lines"]} == {"WINDOW_CLOSED"}
    assert ReturnRequest.objects.count() == 0

    returns_plugin(return_auto_approve="false", return_window_days=30)
    held = data(api_client.post_graphql(REQUEST, variables), "supportReturnRequest")
    assert held["errors"] == []
    assert held["returnRequest"]["status"] == "PENDING"
    case = SupportCase.objects.get()
    assert (case.category, case.order_id) == (CaseCategory.RETURN, delivered_order.pk)
    assert len(sent("requested")) == 1
    listed = data(api_client.post_graphql(REQUESTS, guest), "supportReturnRequests")
    assert [item["status"] for item in listed] == ["PENDING"]
    # Nothing moved in Saleor yet.
    assert not delivered_order.fulfillments.filter(status=FulfillmentStatus.RETURNED).exists()


def test_a_duplicate_and_another_customers_order_are_refused_with_codes(
    user_api_client, user2_api_client, delivered_order, returns_plugin, return_reasons
):
    returns_plugin(return_auto_approve="false")
    line = delivered_order.lines.first()
    lines = [line_input(line, 1, return_reasons["damaged"])]
    first = request_return(user_api_client, delivered_order, lines, idempotencyKey="checkout-42")
    retried = request_return(user_api_client, delivered_order, lines, idempotencyKey="checkout-42")
    assert (first["created"], retried["created"]) == (True, False)
    assert retried["returnRequest"]["id"] == first["returnRequest"]["id"]
    duplicate = request_return(user_api_client, delivered_order, lines)
    assert [(e["field"], e["code"]) for e in duplicate["errors"]] == [("lines", "ALREADY_REQUESTED")]
    stranger = request_return(user2_api_client, delivered_order, lines)
    assert [(e["field"], e["code"]) for e in stranger["errors"]] == [("order", "NOT_FOUND")]
    assert (
        data(user2_api_client.post_graphql(POLICY, {"order": gid("Order", delivered_order.pk)}), "supportReturnPolicy")
        is None
    )
    assert ReturnRequest.objects.count() == 1
    assert SupportCase.objects.count() == 1
    assert ReturnEmail.objects.count() == 1


def test_staff_approve_a_held_request_and_saleor_returns_the_items(
    user_api_client, delivered_order, returns_plugin, return_reasons, support_staff_api_client
):
    returns_plugin(return_auto_max_items=1)
    line = delivered_order.lines.first()
    held = request_return(user_api_client, delivered_order, [line_input(line, 2, return_reasons["changed-mind"])])
    assert held["returnRequest"]["status"] == "PENDING"
    request_id = held["returnRequest"]["id"]

    decided = data(
        support_staff_api_client.post_graphql(DECIDE, {"id": request_id, "input": {"approve": True}}),
        "supportReturnRequestDecide",
    )
    assert decided["errors"] == []
    assert decided["returnRequest"]["status"] == "APPROVED"
    request = ReturnRequest.objects.get()
    assert delivered_order.fulfillments.get(pk=request.return_fulfillment_id).status == FulfillmentStatus.RETURNED
    assert CaseChange.objects.filter(case=request.case, field="return_request").count() == 1
    assert (len(sent("requested")), len(sent("approved"))) == (1, 1)
    # The order-change hook saw the RETURNED fulfillment: it belongs to the request's case, no second case.
    assert SupportCase.objects.count() == 1
    again = data(
        support_staff_api_client.post_graphql(DECIDE, {"id": request_id, "input": {"approve": False, "reason": "x"}}),
        "supportReturnRequestDecide",
    )
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATUS"]
    assert len(sent("approved")) == 1


def test_staff_reject_with_a_reason_and_the_customer_is_told(
    user_api_client, delivered_order, returns_plugin, return_reasons, support_staff_api_client
):
    returns_plugin(return_auto_approve="false")
    line = delivered_order.lines.first()
    held = request_return(user_api_client, delivered_order, [line_input(line, 1, return_reasons["changed-mind"])])
    decided = data(
        support_staff_api_client.post_graphql(
            DECIDE, {"id": held["returnRequest"]["id"], "input": {"approve": False, "reason": "Used item."}}
        ),
        "supportReturnRequestDecide",
    )
    assert decided["returnRequest"]["status"] == "REJECTED"
    assert decided["returnRequest"]["decisionReason"] == "Used item."
    (email,) = sent("rejected")
    assert "Used item." in email.body
    assert not delivered_order.fulfillments.filter(status=FulfillmentStatus.RETURNED).exists()


def test_approving_above_the_staff_limit_needs_manage_orders(
    user_api_client,
    delivered_order,
    returns_plugin,
    return_reasons,
    support_staff_api_client,
    permission_group_manage_orders,
):
    returns_plugin(return_auto_approve="false", return_staff_refund_limit="1")
    held = request_one_item(user_api_client, delivered_order, return_reasons["damaged"])
    variables = {"id": held["returnRequest"]["id"], "input": {"approve": True}}
    assert_no_permission(support_staff_api_client.post_graphql(DECIDE, variables))
    assert ReturnRequest.objects.get().status == "pending"
    permission_group_manage_orders.user_set.add(support_staff_api_client.user)
    decided = data(support_staff_api_client.post_graphql(DECIDE, variables), "supportReturnRequestDecide")
    assert decided["returnRequest"]["status"] == "APPROVED"


def test_customers_cannot_decide(user_api_client, delivered_order, returns_plugin, return_reasons):
    returns_plugin(return_auto_approve="false")
    held = request_one_item(user_api_client, delivered_order, return_reasons["damaged"])
    response = user_api_client.post_graphql(DECIDE, {"id": held["returnRequest"]["id"], "input": {"approve": True}})
    assert_no_permission(response)


def test_an_exchange_makes_saleors_replacement_draft_order(
    user_api_client, delivered_order, returns_plugin, return_reasons, support_staff_api_client
):
    returns_plugin()
    line = delivered_order.lines.first()
    result = request_one_item(user_api_client, delivered_order, return_reasons["damaged"], resolution="EXCHANGE")
    assert result["errors"] == []
    request = ReturnRequest.objects.get()
    replaced = delivered_order.fulfillments.get(pk=request.replace_fulfillment_id)
    assert replaced.status == FulfillmentStatus.REPLACED
    assert replaced.tracking_number == "123"
    replacement = Order.objects.get(pk=request.replacement_order_id)
    assert (replacement.status, replacement.original_id) == (OrderStatus.DRAFT, delivered_order.pk)
    assert [(item.variant_id, item.quantity) for item in replacement.lines.all()] == [(line.variant_id, 1)]
    assert "same product again" in sent("approved")[0].body
    # Saleor also made an empty RETURNED fulfillment: both are the request's, so no case and no second email.
    assert set(request.fulfillment_ids) == set(
        delivered_order.fulfillments.exclude(status="fulfilled").values_list("pk", flat=True)
    )
    assert not SupportCase.objects.exists()
    assert ReturnEmail.objects.count() == 1


def test_final_sale_by_product_metadata_or_product_type_is_not_returnable(
    user_api_client, delivered_order, returns_plugin, return_reasons
):
    first, second = delivered_order.lines.all()[:2]
    product = first.variant.product
    product.store_value_in_metadata({"final-sale": "true"})
    product.save(update_fields=["metadata"])
    other = second.variant.product
    other.product_type = ProductType.objects.create(name="Underwear", slug="underwear")
    other.save(update_fields=["product_type"])
    returns_plugin(return_non_returnable_product_types="underwear")
    policy = data(
        user_api_client.post_graphql(POLICY, {"order": gid("Order", delivered_order.pk)}), "supportReturnPolicy"
    )
    reasons = {line["orderLineId"]: line["notReturnableReason"] for line in policy["lines"]}
    assert reasons[gid("OrderLine", first.pk)] == "FINAL_SALE"
    assert reasons[gid("OrderLine", second.pk)] == "FINAL_SALE"
    refused = request_return(user_api_client, delivered_order, [line_input(first, 1, return_reasons["damaged"])])
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("lines", "NOT_RETURNABLE")]
    assert ReturnRequest.objects.count() == 0
