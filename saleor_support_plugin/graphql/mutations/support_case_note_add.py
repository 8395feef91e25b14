from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.cases.service import add_message
from saleor_support_plugin.graphql.mutations.common import CaseArguments, SupportMutation, domain_errors
from saleor_support_plugin.graphql.types import SupportCase, SupportCaseMessage
from saleor_support_plugin.host.permissions import staff_permissions


class SupportCaseNoteAdd(SupportMutation):
    case = graphene.Field(SupportCase, description="The case the note was added to.")
    message = graphene.Field(SupportCaseMessage, description="The internal note.")

    class Arguments(CaseArguments):
        body = graphene.String(required=True, description="The note, plain text (10,000 characters).")

    class Meta:
        description = "Adds an internal note to a support case. Customers never see notes."
        permissions = tuple(staff_permissions())

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root: Any, info: ResolveInfo, /, *, id: str, body: str
    ) -> SupportCaseNoteAdd:
        _settings, viewer, case = cls.case_request(info, id)
        with domain_errors():
            message = add_message(case, viewer.actor(), body, is_internal=True)
        return SupportCaseNoteAdd(case=case, message=message)
