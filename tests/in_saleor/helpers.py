from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from typing import Any

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


def paid_days_ago_and_scanned(staff_api_client: Any, order: Order, days: int, capture_on_commit: Any) -> None:
    """Mark the order paid through the API, pretend that was `days` ago, then let the hooks' task and the
    periodic scan run (the emails they queue are sent)."""
    from saleor.graphql.tests.utils import get_graphql_content

    from saleor_support_plugin.tasks import order_changed_task, scan_delays_task

    get_graphql_content(staff_api_client.post_graphql(MARK_AS_PAID, {"id": order_id(order)}))
    move_order_back(order, days=days)
    order_changed_task.delay(str(order.pk))
    with capture_on_commit(execute=True):
        scan_delays_task.delay()


def open_case_at(
    moment: datetime.datetime,
    client: Any,
    order: Order,
    subject: str = "Where is my order?",
    body: str = "It has been ten days.",
) -> str:
    """The client opens a case about the order through supportCaseCreate as if at `moment`, with a token made
    then (one made at another frozen time may have expired); the case's ID."""
    from freezegun import freeze_time
    from saleor.graphql.tests.utils import get_graphql_content

    from .graphql_operations import CREATE

    variables = {"input": {"subject": subject, "body": body, "order": order_id(order)}}
    with freeze_time(moment):
        client.regenerate_access_token()
        result = get_graphql_content(client.post_graphql(CREATE, variables))["data"]["supportCaseCreate"]
    assert result["errors"] == []
    return result["case"]["id"]


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


@contextlib.contextmanager
def celery_publishing_to(broker_url: str) -> Iterator[None]:
    """Saleor's Celery app publishing to a real broker instead of running tasks inline (its test settings)."""
    from saleor.celeryconf import app

    # Saleor's app reads CELERY_-namespaced keys: a plain `task_always_eager` would be shadowed by them.
    keys = ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")
    before = {key: app.conf[key] for key in keys}
    _forget_connections(app)
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=broker_url)
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url == broker_url
    try:
        yield
    finally:
        _forget_connections(app)
        app.conf.update(before)


def _forget_connections(app) -> None:
    """Celery builds its connection and producer pools for the broker configured at first use (Saleor's code
    may have used them already, eagerly); `close()` drops the first, not the producer pool that holds it."""
    app.close()
    app.amqp._producer_pool = None
