from __future__ import annotations

import datetime

import graphene
from saleor.order.models import Order, OrderEvent

MARK_AS_PAID = """
mutation MarkAsPaid($id: ID!) {
  orderMarkAsPaid(id: $id, transactionReference: "ref-1") { errors { field code message } }
}
"""

ORDER_FULFILL = """
mutation Fulfill($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    fulfillments { id status }
    errors { field code message }
  }
}
"""

ORDER_CANCEL = """
mutation Cancel($id: ID!) { orderCancel(id: $id) { errors { field code message } } }
"""


def order_id(order: Order) -> str:
    return graphene.Node.to_global_id("Order", order.pk)


def fulfill_everything(order: Order, warehouse) -> dict:
    return {
        "order": order_id(order),
        "input": {
            "notifyCustomer": False,
            "lines": [
                {
                    "orderLineId": graphene.Node.to_global_id("OrderLine", line.pk),
                    "stocks": [
                        {"quantity": line.quantity, "warehouse": graphene.Node.to_global_id("Warehouse", warehouse.pk)}
                    ],
                }
                for line in order.lines.all()
            ],
        },
    }


def fulfill(api_client, order: Order, warehouse):
    """Ship every line through `orderFulfill`, as staff do on the Dashboard."""
    return api_client.post_graphql(ORDER_FULFILL, fulfill_everything(order, warehouse))


def move_order_back(order: Order, days: int) -> None:
    """Pretend the order was placed and paid `days` ago (the hooks' tasks then see a late order)."""
    shift = datetime.timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(created_at=order.created_at - shift)
    for event in OrderEvent.objects.filter(order=order):
        OrderEvent.objects.filter(pk=event.pk).update(date=event.date - shift)


RETURN_PRODUCTS = """
mutation Return($order: ID!, $input: OrderReturnProductsInput!) {
  orderFulfillmentReturnProducts(order: $order, input: $input) {
    returnFulfillment { id status }
    errors { field code message }
  }
}
"""


def return_one_line(order: Order) -> dict:
    """`orderFulfillmentReturnProducts` variables: one item of the first fulfillment back, no refund."""
    line = order.fulfillments.first().lines.first()
    return {
        "order": order_id(order),
        "input": {
            "refund": False,
            "fulfillmentLines": [
                {"fulfillmentLineId": graphene.Node.to_global_id("FulfillmentLine", line.pk), "quantity": 1}
            ],
        },
    }
