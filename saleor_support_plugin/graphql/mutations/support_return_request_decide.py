from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import PositiveDecimal

from saleor_support_plugin.graphql.base import SupportInputObjectType
from saleor_support_plugin.graphql.mutations.common import SupportMutation, domain_errors
from saleor_support_plugin.graphql.mutations.return_requests import check_refund_limit, staff_return_request
from saleor_support_plugin.graphql.return_types import SupportReturnRequest, SupportReturnResolutionEnum
from saleor_support_plugin.host.permissions import staff_permissions
from saleor_support_plugin.host.saleor_returns import SaleorReturns
from saleor_support_plugin.returns.requests import approve, reject


class SupportReturnDecisionInput(SupportInputObjectType):
    approve = graphene.Boolean(required=True, description="True: approve; false: reject.")
    reason = graphene.String(description="Why (required to reject): the customer reads it.")
    resolution = SupportReturnResolutionEnum(description="Approve with another resolution than asked for.")
    amount = PositiveDecimal(description="Approve with another amount than the policy computed.")

    class Meta:
        description = "Staff's decision on a return request."


class SupportReturnRequestDecide(SupportMutation):
    return_request = graphene.Field(SupportReturnRequest, description="The decided request.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the return request.")
        input = SupportReturnDecisionInput(required=True, description="The decision.")

    class Meta:
        description = (
            "Approves (carried out by Saleor's return action) or rejects a return request waiting for staff; the "
            "customer is emailed the decision. Approving more than the configured staff refund limit needs "
            "MANAGE_ORDERS."
        )
        permissions = tuple(staff_permissions())

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: ResolveInfo, /, *, id: str, input: dict[str, Any]
    ) -> SupportReturnRequestDecide:
        settings, viewer, request = staff_return_request(info, id)
        port = SaleorReturns()
        with domain_errors():
            if not input["approve"]:
                request = reject(port=port, request=request, actor=viewer.actor(), reason=input.get("reason") or "")
                return SupportReturnRequestDecide(return_request=request)
            amount = input.get("amount")
            check_refund_limit(viewer, amount if amount is not None else request.amount, settings)
            request = approve(
                port=port,
                settings=settings,
                request=request,
                actor=viewer.actor(),
                resolution=input.get("resolution"),
                amount=amount,
                note=input.get("reason") or "",
            )
        return SupportReturnRequestDecide(return_request=request)
