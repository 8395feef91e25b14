from __future__ import annotations

from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.graphql.access import Viewer
from saleor_support_plugin.graphql.mutations.return_requests import ReturnRequestStep, check_refund_limit
from saleor_support_plugin.host.saleor_returns import SaleorReturns
from saleor_support_plugin.returns.models import ReturnRequest
from saleor_support_plugin.returns.requests import settle


class SupportReturnRequestRefund(ReturnRequestStep):
    class Meta:
        description = (
            "Pays a received return through Saleor: a refund of the order's payment (or, for orders paid with "
            "transactions, Saleor's granted refund requested from the payment app), or store credit as a Saleor "
            "gift card sent to the customer. Above the configured staff limit it needs MANAGE_ORDERS."
        )
        state = "received"
        outcome = "refunded or credited"

    @classmethod
    def carry_out(cls, request: ReturnRequest, viewer: Viewer, settings: SupportSettings) -> ReturnRequest:
        check_refund_limit(viewer, request.amount, settings)
        return settle(port=SaleorReturns(), request=request, actor=viewer.actor())
