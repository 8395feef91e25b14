"""Returns in the support schema: `supportReturnPolicy`, `supportReturnRequests`, `supportReturnRequest`
(create) and `supportReturnRequestDecide`; `User.supportReturnRequests` is among schema.py's `user_fields`."""

from __future__ import annotations

from typing import Any

import graphene
from django.utils import timezone
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import UUID
from saleor.graphql.core.types import NonNullList

from saleor_support_plugin.graphql.access import active_settings, get_viewer
from saleor_support_plugin.graphql.mutations.support_return_request import SupportReturnRequestCreate
from saleor_support_plugin.graphql.mutations.support_return_request_decide import SupportReturnRequestDecide
from saleor_support_plugin.graphql.mutations.support_return_request_receive import SupportReturnRequestReceive
from saleor_support_plugin.graphql.mutations.support_return_request_refund import SupportReturnRequestRefund
from saleor_support_plugin.graphql.return_types import SupportReturnPolicy, SupportReturnRequest
from saleor_support_plugin.graphql.returns_access import viewer_order, visible_return_requests
from saleor_support_plugin.host.saleor_returns import SaleorReturns
from saleor_support_plugin.returns.models import ReturnRequest
from saleor_support_plugin.returns.policy import evaluate_order
from saleor_support_plugin.returns.requests import pending_quantities


def _order_arguments() -> dict[str, Any]:
    return {
        "order": graphene.Argument(graphene.ID, description="Customers and staff: ID of the order."),
        "order_token": graphene.Argument(UUID, description="Guests: the order's token (with `email`)."),
        "email": graphene.Argument(graphene.String, description="Guests: the order's email address."),
    }


class ReturnQueries(graphene.ObjectType):
    support_return_policy = graphene.Field(
        SupportReturnPolicy,
        **_order_arguments(),
        description=(
            "The shop's return policy for one order, line by line: whether it can be returned, until when, how "
            "many, why not, and which resolutions. Null for an order the requester may not see, or while support "
            "is switched off."
        ),
    )
    support_return_requests = NonNullList(
        SupportReturnRequest,
        required=True,
        **_order_arguments(),
        description=(
            "Return requests of one order, newest first: staff any order's, customers their own orders', guests "
            "the order whose token and email they give."
        ),
    )

    @staticmethod
    def resolve_support_return_policy(
        _root: Any, info: ResolveInfo, *, order: str | None = None, order_token: Any = None, email: str | None = None
    ) -> Any:
        settings = active_settings(info)
        if settings is None:
            return None
        viewer = get_viewer(info, order_token, email)
        found = viewer_order(viewer, order)
        port = SaleorReturns(viewer.database)
        facts = port.get_return_order(found.pk) if found else None
        if facts is None:
            return None
        policy = settings.returns
        lines = (
            evaluate_order(facts, policy, timezone.now(), pending_quantities(facts.id, viewer.database))
            if policy.enabled
            else []
        )
        return SupportReturnPolicy(
            order_number=facts.number,
            enabled=policy.enabled,
            window_days=policy.window_for(facts.channel_slug),
            return_address=policy.return_address if policy.enabled else "",
            refunds_shipping=policy.refund_shipping,
            reasons=list(port.return_reasons()) if policy.enabled else [],
            lines=lines,
        )

    @staticmethod
    def resolve_support_return_requests(
        _root: Any, info: ResolveInfo, *, order: str | None = None, order_token: Any = None, email: str | None = None
    ) -> list[ReturnRequest]:
        viewer = get_viewer(info, order_token, email)
        found = viewer_order(viewer, order)
        if found is None:
            return []
        return list(visible_return_requests(viewer).filter(order_id=found.pk).order_by("-pk"))


class ReturnMutations(graphene.ObjectType):
    support_return_request = SupportReturnRequestCreate.Field()
    support_return_request_decide = SupportReturnRequestDecide.Field()
    support_return_request_receive = SupportReturnRequestReceive.Field()
    support_return_request_refund = SupportReturnRequestRefund.Field()
