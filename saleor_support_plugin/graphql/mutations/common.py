from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, NamedTuple

import graphene
from django.core.exceptions import ValidationError
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.scalars import UUID
from saleor.graphql.core.types import Error
from saleor.order.models import Order

from saleor_support_plugin.cases.service import CaseError, CaseOrder
from saleor_support_plugin.cases.service import case_order as case_order_of
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.graphql.access import Viewer, active_settings, find_visible, get_viewer, visible_cases
from saleor_support_plugin.graphql.base import SupportDocs
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.enums import SupportErrorCode
from saleor_support_plugin.host.saleor_gateway import SaleorOrderGateway
from saleor_support_plugin.models import SupportCase

NOT_FOUND_MESSAGE = "Couldn't find a support case with this ID."


class SupportError(Error):
    code = SupportErrorCode(description="The error code.", required=True)

    class Meta:
        description = "An error of a support query or mutation."
        doc_category = DOC_CATEGORY_SUPPORT


class CaseArguments:
    """The arguments of a staff mutation on one case."""

    id = graphene.ID(required=True, description="ID of the support case.")


class GuestCaseArguments(CaseArguments):
    """The arguments naming a case for staff, customers and guests (who prove the order with its token and email)."""

    order_token = UUID(description="Guests: the token of the order the case is about (with `email`).")
    email = graphene.String(description="Guests: the order's email address.")


def error(field: str | None, message: str, code: Code) -> ValidationError:
    return ValidationError({field or "input": ValidationError(message, code=code.value)})


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the rules' refusals into coded, field-keyed GraphQL errors."""
    try:
        yield
    except CaseError as refusal:
        raise error(refusal.field, str(refusal), refusal.code) from refusal


class CaseRequest(NamedTuple):
    settings: SupportSettings
    viewer: Viewer
    case: SupportCase


class SupportMutation(SupportDocs, BaseMutation):
    """A support mutation: in the Support docs category, answering `SupportError`s unless its Meta says otherwise."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options: Any) -> None:
        options.setdefault("error_type_class", SupportError)
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def require_settings(cls, info: ResolveInfo) -> SupportSettings:
        settings = active_settings(info)
        if settings is None:
            raise error(None, "Customer support is not enabled in this shop.", Code.PLUGIN_INACTIVE)
        return settings

    @classmethod
    def get_case(cls, viewer: Viewer, global_id: str) -> SupportCase:
        """The case, if the requester may see it; otherwise the same error as for a missing case."""
        case = find_visible(visible_cases(viewer), global_id, "SupportCase")
        if case is None:
            raise error("id", NOT_FOUND_MESSAGE, Code.NOT_FOUND)
        return case

    @classmethod
    def case_request(
        cls, info: ResolveInfo, global_id: str, order_token: Any = None, email: str | None = None
    ) -> CaseRequest:
        """A case mutation's first steps: support is on, who is asking, and the case they may see."""
        settings = cls.require_settings(info)
        viewer = get_viewer(info, order_token, email)
        return CaseRequest(settings, viewer, cls.get_case(viewer, global_id))


def case_order(order: Order) -> CaseOrder:
    """The case's view of a Saleor order, read the way the whole plugin reads orders (host/saleor_gateway)."""
    snapshot = SaleorOrderGateway().get_order(order.pk)
    if snapshot is None:
        raise error("order", "Couldn't find an order with this ID.", Code.NOT_FOUND)
    return case_order_of(snapshot)
