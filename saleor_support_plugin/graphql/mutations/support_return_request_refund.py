from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.graphql.access import get_viewer
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.mutations.common import SupportError, SupportMutation, domain_errors
from saleor_support_plugin.graphql.mutations.support_return_request_decide import (
    SupportReturnRequestDecide,
    get_return_request,
)
from saleor_support_plugin.graphql.return_types import SupportReturnRequest
from saleor_support_plugin.host.permissions import staff_permissions
from saleor_support_plugin.host.saleor_returns import SaleorReturns
from saleor_support_plugin.returns.requests import settle


class SupportReturnRequestRefund(SupportMutation):
    return_request = graphene.Field(SupportReturnRequest, description="The request, now refunded or credited.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the received return request.")

    class Meta:
        description = (
            "Pays a received return through Saleor: a refund of the order's payment (or, for orders paid with "
            "transactions, Saleor's granted refund requested from the payment app), or store credit as a Saleor "
            "gift card sent to the customer. Above the configured staff limit it needs MANAGE_ORDERS."
        )
        doc_category = DOC_CATEGORY_SUPPORT
        permissions = tuple(staff_permissions())
        error_type_class = SupportError

    @classmethod
    def perform_mutation(cls, _root: Any, info: ResolveInfo, /, *, id: str) -> SupportReturnRequestRefund:
        plugin = cls.require_active_plugin(info)
        viewer = get_viewer(info)
        request = get_return_request(viewer, id)
        SupportReturnRequestDecide.check_refund_limit(viewer, request.amount, plugin.support_settings)
        with domain_errors():
            request = settle(port=SaleorReturns(), request=request, actor=viewer.actor())
        return SupportReturnRequestRefund(return_request=request)
