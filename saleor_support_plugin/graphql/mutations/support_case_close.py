from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.cases.service import close_case
from saleor_support_plugin.graphql.access import get_viewer
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.mutations.common import SupportError, SupportMutation, domain_errors, guest_arguments
from saleor_support_plugin.graphql.types import SupportCase


class SupportCaseClose(SupportMutation):
    case = graphene.Field(SupportCase, description="The closed case.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the support case.")
        order_token = guest_arguments()["order_token"]
        email = guest_arguments()["email"]

    class Meta:
        description = "Closes a support case: the customer no longer needs help (guests: with the order's token)."
        doc_category = DOC_CATEGORY_SUPPORT
        error_type_class = SupportError

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root: Any, info: ResolveInfo, /, *, id: str, order_token: Any = None, email: Any = None
    ) -> SupportCaseClose:
        cls.require_active_plugin(info)
        viewer = get_viewer(info, order_token, email)
        case = cls.get_case(viewer, id)
        with domain_errors():
            close_case(case, viewer.actor())
        return SupportCaseClose(case=case)
