"""What staff's mutations on a return request share: finding it, the refund limit, and the steps after approval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

import graphene
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.core import ResolveInfo
from saleor.permission.enums import OrderPermissions
from saleor.permission.utils import has_one_of_permissions

from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.graphql.access import Viewer, find_visible, get_viewer
from saleor_support_plugin.graphql.mutations.common import SupportMutation, domain_errors, error
from saleor_support_plugin.graphql.return_types import SupportReturnRequest
from saleor_support_plugin.graphql.returns_access import visible_return_requests
from saleor_support_plugin.host.permissions import staff_permissions
from saleor_support_plugin.returns.models import ReturnRequest


class ReturnRequestCall(NamedTuple):
    settings: SupportSettings
    viewer: Viewer
    request: ReturnRequest


def staff_return_request(info: ResolveInfo, global_id: str) -> ReturnRequestCall:
    """A staff mutation's first steps on a return request (as `case_request` for a case): support is on, who is
    asking, and the request they may see."""
    settings = SupportMutation.require_settings(info)
    viewer = get_viewer(info)
    request = find_visible(visible_return_requests(viewer), global_id, "SupportReturnRequest")
    if request is None:
        raise error("id", "Couldn't find a return request with this ID.", Code.NOT_FOUND)
    return ReturnRequestCall(settings, viewer, request)


def check_refund_limit(viewer: Viewer, amount: Decimal, settings: SupportSettings) -> None:
    """Agents with MANAGE_SUPPORT approve up to the merchant's limit; above it, only MANAGE_ORDERS."""
    limit = settings.returns.staff_refund_limit
    if limit is None or amount <= limit:
        return
    requestor = viewer.app or viewer.user
    if not has_one_of_permissions(requestor, [OrderPermissions.MANAGE_ORDERS]):
        raise PermissionDenied(permissions=[OrderPermissions.MANAGE_ORDERS])


class ReturnRequestStep(SupportMutation):
    """A staff step on a return request in one state (Meta `state`), leaving it in another (Meta `outcome`):
    the `id` argument and the `returnRequest` field say which. Subclasses carry the step out."""

    return_request: graphene.Field

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, state: str = "", outcome: str = "", **options: Any) -> None:
        cls.return_request = graphene.Field(SupportReturnRequest, description=f"The request, now {outcome}.")
        options["arguments"] = {"id": graphene.ID(required=True, description=f"ID of the {state} return request.")}
        options.setdefault("permissions", tuple(staff_permissions()))
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root: Any, info: ResolveInfo, /, *, id: str
    ) -> ReturnRequestStep:
        settings, viewer, request = staff_return_request(info, id)
        with domain_errors():
            request = cls.carry_out(request, viewer, settings)
        return cls(return_request=request)

    @classmethod
    def carry_out(cls, request: ReturnRequest, viewer: Viewer, settings: SupportSettings) -> ReturnRequest:
        raise NotImplementedError
