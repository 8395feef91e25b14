from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.cases.service import close_case
from saleor_support_plugin.graphql.mutations.common import GuestCaseArguments, SupportMutation, domain_errors
from saleor_support_plugin.graphql.types import SupportCase


class SupportCaseClose(SupportMutation):
    case = graphene.Field(SupportCase, description="The closed case.")

    Arguments = GuestCaseArguments

    class Meta:
        description = "Closes a support case: the customer no longer needs help (guests: with the order's token)."

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root: Any, info: ResolveInfo, /, *, id: str, order_token: Any = None, email: Any = None
    ) -> SupportCaseClose:
        settings, viewer, case = cls.case_request(info, id, order_token, email)
        with domain_errors():
            close_case(case, viewer.actor(), settings)
        return SupportCaseClose(case=case)
