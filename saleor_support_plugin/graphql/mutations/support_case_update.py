from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.cases.service import CHOICES, change_case, clean_assignee
from saleor_support_plugin.graphql.base import SupportInputObjectType
from saleor_support_plugin.graphql.enums import SupportCaseCategoryEnum, SupportCasePriorityEnum, SupportCaseStatusEnum
from saleor_support_plugin.graphql.mutations.common import CaseArguments, SupportMutation, domain_errors
from saleor_support_plugin.graphql.types import SupportCase
from saleor_support_plugin.host.global_ids import int_id
from saleor_support_plugin.host.permissions import staff_permissions, support_staff


class SupportCaseUpdateInput(SupportInputObjectType):
    status = SupportCaseStatusEnum(description="New status.")
    priority = SupportCasePriorityEnum(description="New priority.")
    category = SupportCaseCategoryEnum(description="New category.")
    assignee = graphene.ID(description="ID of the staff user to assign; null to unassign.")

    class Meta:
        description = "Fields of a support case staff can change."


class SupportCaseUpdate(SupportMutation):
    case = graphene.Field(SupportCase, description="The updated case.")

    class Arguments(CaseArguments):
        input = SupportCaseUpdateInput(required=True, description="The fields to change.")

    class Meta:
        description = "Changes a support case's status, priority, category or assignee; each change is audited."
        permissions = tuple(staff_permissions())

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, _root: Any, info: ResolveInfo, /, *, id: str, input: dict[str, Any]
    ) -> SupportCaseUpdate:
        settings, viewer, case = cls.case_request(info, id)
        changes = {name: input[name] for name in CHOICES if input.get(name)}
        with domain_errors():
            if "assignee" in input:
                changes["assignee_id"] = cls.clean_assignee(input["assignee"])
            change_case(case, viewer.actor(), changes, settings)
        return SupportCaseUpdate(case=case)

    @classmethod
    def clean_assignee(cls, global_id: str | None) -> int | None:
        pk = int_id(global_id, "User")
        staff_ids = set(support_staff().filter(pk=pk).values_list("pk", flat=True)) if pk else set()
        return clean_assignee(pk or global_id, staff_ids)
