from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import PositiveDecimal
from saleor.graphql.core.types import BaseInputObjectType
from saleor.permission.enums import OrderPermissions
from saleor.permission.utils import has_one_of_permissions

from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.graphql.access import get_viewer
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.mutations.common import SupportError, SupportMutation, domain_errors, error
from saleor_support_plugin.graphql.return_types import SupportReturnRequest, SupportReturnResolutionEnum
from saleor_support_plugin.graphql.returns_access import visible_return_requests
from saleor_support_plugin.host.global_ids import int_id
from saleor_support_plugin.host.permissions import staff_permissions
from saleor_support_plugin.host.saleor_returns import SaleorReturns
from saleor_support_plugin.returns.models import ReturnRequest
from saleor_support_plugin.returns.requests import approve, reject


class SupportReturnDecisionInput(BaseInputObjectType):
    approve = graphene.Boolean(required=True, description="True: approve; false: reject.")
    reason = graphene.String(description="Why (required to reject): the customer reads it.")
    resolution = SupportReturnResolutionEnum(description="Approve with another resolution than asked for.")
    amount = PositiveDecimal(description="Approve with another amount than the policy computed.")

    class Meta:
        description = "Staff's decision on a return request."
        doc_category = DOC_CATEGORY_SUPPORT


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
        doc_category = DOC_CATEGORY_SUPPORT
        permissions = tuple(staff_permissions())
        error_type_class = SupportError

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: ResolveInfo, /, *, id: str, input: dict[str, Any]
    ) -> SupportReturnRequestDecide:
        plugin = cls.require_active_plugin(info)
        viewer = get_viewer(info)
        request = get_return_request(viewer, id)
        settings = plugin.support_settings
        port = SaleorReturns()
        with domain_errors():
            if not input["approve"]:
                request = reject(port=port, request=request, actor=viewer.actor(), reason=input.get("reason") or "")
                return SupportReturnRequestDecide(return_request=request)
            amount = input.get("amount")
            cls.check_refund_limit(viewer, amount if amount is not None else request.amount, settings)
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

    @classmethod
    def check_refund_limit(cls, viewer: Any, amount: Decimal, settings: Any) -> None:
        """Agents with MANAGE_SUPPORT approve up to the merchant's limit; above it, only MANAGE_ORDERS."""
        limit = settings.returns.staff_refund_limit
        if limit is None or amount <= limit:
            return
        requestor = viewer.app or viewer.user
        if not has_one_of_permissions(requestor, [OrderPermissions.MANAGE_ORDERS]):
            raise PermissionDenied(permissions=[OrderPermissions.MANAGE_ORDERS])


def get_return_request(viewer: Any, global_id: str) -> ReturnRequest:
    pk = int_id(global_id, "SupportReturnRequest")
    request = visible_return_requests(viewer).filter(pk=pk).first() if pk is not None else None
    if request is None:
        raise error("id", "Couldn't find a return request with this ID.", Code.NOT_FOUND)
    return request
