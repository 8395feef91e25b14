from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from ...cases import add_message
from ..access import get_viewer, staff_permissions
from ..doc import DOC_CATEGORY_SUPPORT
from ..types import SupportCase, SupportCaseMessage
from .common import SupportError, SupportMutation, domain_errors


class SupportCaseNoteAdd(SupportMutation):
    case = graphene.Field(SupportCase, description="The case the note was added to.")
    message = graphene.Field(SupportCaseMessage, description="The internal note.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the support case.")
        body = graphene.String(required=True, description="The note, plain text (10,000 characters).")

    class Meta:
        description = "Adds an internal note to a support case. Customers never see notes."
        doc_category = DOC_CATEGORY_SUPPORT
        permissions = tuple(staff_permissions())
        error_type_class = SupportError

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root: Any, info: ResolveInfo, /, *, id: str, body: str
    ) -> SupportCaseNoteAdd:
        cls.require_active_plugin(info)
        viewer = get_viewer(info)
        case = cls.get_case(viewer, id)
        with domain_errors():
            message = add_message(case, viewer.actor(), body, is_internal=True)
        return SupportCaseNoteAdd(case=case, message=message)
