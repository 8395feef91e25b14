from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.cases.service import add_message
from saleor_support_plugin.graphql.access import get_viewer
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.mutations.common import SupportError, SupportMutation, domain_errors, guest_arguments
from saleor_support_plugin.graphql.types import SupportCase, SupportCaseMessage


class SupportCaseReply(SupportMutation):
    case = graphene.Field(SupportCase, description="The case replied to.")
    message = graphene.Field(SupportCaseMessage, description="The reply.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the support case.")
        body = graphene.String(required=True, description="The reply, plain text (10,000 characters).")
        order_token = guest_arguments()["order_token"]
        email = guest_arguments()["email"]

    class Meta:
        description = (
            "Adds a public reply to a support case: the customer (or a guest with the order's token and email) "
            "answering, or staff answering the customer."
        )
        doc_category = DOC_CATEGORY_SUPPORT
        error_type_class = SupportError

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root: Any, info: ResolveInfo, /, *, id: str, body: str, order_token: Any = None, email: Any = None
    ) -> SupportCaseReply:
        cls.require_active_plugin(info)
        viewer = get_viewer(info, order_token, email)
        case = cls.get_case(viewer, id)
        with domain_errors():
            message = add_message(case, viewer.actor(), body, is_internal=False)
        return SupportCaseReply(case=case, message=message)
