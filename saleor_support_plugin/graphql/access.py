"""Who is asking, and which cases they may see. IDs of cases someone may not see answer like missing ones."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from saleor.account.models import User
from saleor.app.models import App
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.plugins.dataloaders import get_plugin_manager_promise
from saleor.order.models import Order
from saleor.permission.utils import has_one_of_permissions

from saleor_support_plugin.cases.service import Actor
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.constants import PLUGIN_ID
from saleor_support_plugin.host.global_ids import int_id
from saleor_support_plugin.host.permissions import staff_permissions
from saleor_support_plugin.models import AuthorType, SupportCase


@dataclass(frozen=True)
class Viewer:
    user: User | None
    app: App | None
    guest_order: Order | None = None
    guest_email: str = ""
    # Saleor sends reads of queries to the replica and of mutations to the writer.
    database: str = "default"

    @property
    def is_support_staff(self) -> bool:
        requestor = self.app or self.user
        return requestor is not None and has_one_of_permissions(requestor, staff_permissions())

    @property
    def is_customer(self) -> bool:
        return self.user is not None and not self.is_support_staff

    @property
    def is_guest(self) -> bool:
        return self.guest_order is not None

    def actor(self) -> Actor:
        if self.app is not None:
            return Actor(AuthorType.APP, app_id=self.app.pk, name=self.app.name)
        if self.user is not None:
            kind = AuthorType.STAFF if self.is_support_staff else AuthorType.CUSTOMER
            return Actor(kind, user_id=self.user.pk, name=self.user.get_full_name() or self.user.email)
        return Actor(AuthorType.CUSTOMER, name=self.guest_email)


def get_viewer(info: Any, order_token: uuid.UUID | None = None, email: str | None = None) -> Viewer:
    user = info.context.user if getattr(info.context, "user", None) and info.context.user.is_authenticated else None
    app = get_app_promise(info.context).get()
    database = get_database_connection_name(info.context)
    guest_order = guest_order_for(order_token, email, database) if order_token and email else None
    return Viewer(
        user=user,
        app=app,
        guest_order=guest_order,
        guest_email=(email or "").strip() if guest_order else "",
        database=database,
    )


def guest_order_for(order_token: uuid.UUID, email: str, database: str) -> Order | None:
    """The order whose token and email were given; both must match, or nothing is revealed."""
    order = Order.objects.using(database).select_related("user", "channel").filter(id=order_token).first()
    if order is None:
        return None
    customer_email = (order.get_customer_email() or "").strip().lower()
    return order if customer_email and customer_email == email.strip().lower() else None


def visible_cases(viewer: Viewer) -> QuerySet[SupportCase]:
    cases = SupportCase.objects.using(viewer.database)
    if viewer.is_support_staff:
        return cases
    if viewer.is_guest and viewer.guest_order is not None:
        return cases.filter(order_id=viewer.guest_order.pk, customer_email__iexact=viewer.guest_email)
    if viewer.user is not None:
        return cases.filter(customer_id=viewer.user.pk)
    return cases.none()


def find_visible[M: Model](rows: QuerySet[M], global_id: str, type_name: str) -> M | None:
    """The row among `rows` (those the requester may see) that a global ID of `type_name` names; None for an ID
    of another type, a malformed one, or a row out of view: all answer alike, so an ID reveals nothing."""
    pk = int_id(global_id, type_name)
    return rows.filter(pk=pk).first() if pk is not None else None


def support_plugin(info: Any) -> Any:
    """The plugin as Saleor's plugin manager has it for this request; None where it is not installed."""
    return get_plugin_manager_promise(info.context).get().get_plugin(PLUGIN_ID)


def active_settings(info: Any) -> SupportSettings | None:
    """The plugin's settings; None while support is switched off."""
    plugin = support_plugin(info)
    return plugin.support_settings if plugin is not None and plugin.active else None
