"""Who may see which orders' return policy and requests: a request is visible exactly where its order is."""

from __future__ import annotations

from django.db.models import QuerySet
from saleor.order.models import Order

from saleor_support_plugin.graphql.access import Viewer
from saleor_support_plugin.host.global_ids import uuid_id
from saleor_support_plugin.returns.models import ReturnRequest


def viewer_order(viewer: Viewer, global_id: str | None) -> Order | None:
    """The order a request is about: any for support staff, their own for customers, the one whose token and
    email a guest gave. Anything else answers like a missing order."""
    if viewer.is_guest and not global_id:
        return viewer.guest_order
    pk = uuid_id(global_id, "Order")
    if pk is None:
        return None
    orders = Order.objects.using(viewer.database).non_draft().select_related("channel", "user")
    if not viewer.is_support_staff:
        if viewer.user is None:
            return None
        orders = orders.filter(user_id=viewer.user.pk)
    return orders.filter(pk=pk).first()


def visible_return_requests(viewer: Viewer) -> QuerySet[ReturnRequest]:
    requests = ReturnRequest.objects.using(viewer.database)
    if viewer.is_support_staff:
        return requests
    if viewer.is_guest and viewer.guest_order is not None:
        return requests.filter(order_id=viewer.guest_order.pk)
    if viewer.user is not None:
        return requests.filter(customer_id=viewer.user.pk)
    return requests.none()
