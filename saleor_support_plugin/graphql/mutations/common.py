from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.scalars import UUID
from saleor.graphql.core.types import Error
from saleor.graphql.plugins.dataloaders import get_plugin_manager_promise
from saleor.order.models import Order

from saleor_support_plugin.cases.service import CaseError, CaseOrder
from saleor_support_plugin.cases.service import case_order as case_order_of
from saleor_support_plugin.core.constants import PLUGIN_ID
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.graphql.access import Viewer, visible_cases
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.enums import SupportErrorCode
from saleor_support_plugin.host.global_ids import int_id
from saleor_support_plugin.host.saleor_gateway import SaleorOrderGateway
from saleor_support_plugin.models import SupportCase

NOT_FOUND_MESSAGE = "Couldn't find a support case with this ID."


class SupportError(Error):
    code = SupportErrorCode(description="The error code.", required=True)

    class Meta:
        description = "An error of a support query or mutation."
        doc_category = DOC_CATEGORY_SUPPORT


def guest_arguments() -> dict[str, Any]:
    return {
        "order_token": graphene.Argument(
            UUID, description="Guests: the token of the order the case is about (with `email`)."
        ),
        "email": graphene.Argument(graphene.String, description="Guests: the order's email address."),
    }


def error(field: str | None, message: str, code: Code) -> ValidationError:
    return ValidationError({field or "input": ValidationError(message, code=code.value)})


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the rules' refusals into coded, field-keyed GraphQL errors."""
    try:
        yield
    except CaseError as refusal:
        raise error(refusal.field, str(refusal), refusal.code) from refusal


class SupportMutation(BaseMutation):
    class Meta:
        abstract = True

    @classmethod
    def require_active_plugin(cls, info: ResolveInfo) -> Any:
        plugin = get_plugin_manager_promise(info.context).get().get_plugin(PLUGIN_ID)
        if plugin is None or not plugin.active:
            raise error(None, "Customer support is not enabled in this shop.", Code.PLUGIN_INACTIVE)
        return plugin

    @classmethod
    def get_case(cls, viewer: Viewer, global_id: str) -> SupportCase:
        """The case, if the requester may see it; otherwise the same error as for a missing case."""
        pk = case_pk(global_id)
        case = visible_cases(viewer).filter(pk=pk).first() if pk is not None else None
        if case is None:
            raise error("id", NOT_FOUND_MESSAGE, Code.NOT_FOUND)
        return case


def case_pk(global_id: str) -> int | None:
    """The case's database id, or None for anything that is not a SupportCase ID."""
    return int_id(global_id, "SupportCase")


def case_order(order: Order) -> CaseOrder:
    """The case's view of a Saleor order, read the way the whole plugin reads orders (host/saleor_gateway)."""
    snapshot = SaleorOrderGateway().get_order(order.pk)
    if snapshot is None:
        raise error("order", "Couldn't find an order with this ID.", Code.NOT_FOUND)
    return case_order_of(snapshot)
