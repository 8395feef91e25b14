from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.graphql.access import get_viewer
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.mutations.common import SupportError, SupportMutation, domain_errors
from saleor_support_plugin.graphql.mutations.support_return_request_decide import get_return_request
from saleor_support_plugin.graphql.return_types import SupportReturnRequest
from saleor_support_plugin.host.permissions import staff_permissions
from saleor_support_plugin.host.saleor_returns import SaleorReturns
from saleor_support_plugin.returns.requests import mark_received


class SupportReturnRequestReceive(SupportMutation):
    return_request = graphene.Field(SupportReturnRequest, description="The request, now received.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the approved return request.")

    class Meta:
        description = (
            "Marks the items of an approved return as received (on the return's fulfillment in Saleor, the order's "
            "timeline and the case); the customer is emailed."
        )
        doc_category = DOC_CATEGORY_SUPPORT
        permissions = tuple(staff_permissions())
        error_type_class = SupportError

    @classmethod
    def perform_mutation(cls, _root: Any, info: ResolveInfo, /, *, id: str) -> SupportReturnRequestReceive:
        cls.require_active_plugin(info)
        viewer = get_viewer(info)
        request = get_return_request(viewer, id)
        with domain_errors():
            request = mark_received(port=SaleorReturns(), request=request, actor=viewer.actor())
        return SupportReturnRequestReceive(return_request=request)
