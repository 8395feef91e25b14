from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.cases.service import add_message
from saleor_support_plugin.graphql.mutations.common import GuestCaseArguments, SupportMutation, domain_errors
from saleor_support_plugin.graphql.types import SupportCase, SupportCaseMessage


class SupportCaseReply(SupportMutation):
    case = graphene.Field(SupportCase, description="The case replied to.")
    message = graphene.Field(SupportCaseMessage, description="The reply.")

    class Arguments(GuestCaseArguments):
        body = graphene.String(required=True, description="The reply, plain text (10,000 characters).")

    class Meta:
        description = (
            "Adds a public reply to a support case: the customer (or a guest with the order's token and email) "
            "answering, or staff answering the customer."
        )

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root: Any, info: ResolveInfo, /, *, id: str, body: str, order_token: Any = None, email: Any = None
    ) -> SupportCaseReply:
        settings, viewer, case = cls.case_request(info, id, order_token, email)
        with domain_errors():
            message = add_message(case, viewer.actor(), body, is_internal=False, settings=settings)
        return SupportCaseReply(case=case, message=message)
