from __future__ import annotations

from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.graphql.access import Viewer
from saleor_support_plugin.graphql.mutations.return_requests import ReturnRequestStep
from saleor_support_plugin.host.saleor_returns import SaleorReturns
from saleor_support_plugin.returns.models import ReturnRequest
from saleor_support_plugin.returns.requests import mark_received


class SupportReturnRequestReceive(ReturnRequestStep):
    class Meta:
        description = (
            "Marks the items of an approved return as received (on the return's fulfillment in Saleor, the order's "
            "timeline and the case); the customer is emailed."
        )
        state = "approved"
        outcome = "received"

    @classmethod
    def carry_out(cls, request: ReturnRequest, viewer: Viewer, settings: SupportSettings) -> ReturnRequest:
        return mark_received(port=SaleorReturns(), request=request, actor=viewer.actor())
