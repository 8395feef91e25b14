from __future__ import annotations

import graphene

from saleor_support_plugin.core.error_codes import SupportErrorCode as DomainSupportErrorCode
from saleor_support_plugin.graphql.base import support_enum
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.models import AuthorType, CaseCategory, CaseChannel, CasePriority, CaseStatus


def _enum(choices: type, name: str, description: str) -> type[graphene.Enum]:
    return support_enum([value for value, _label in choices.choices], name, description)  # type: ignore[attr-defined]


SupportCaseStatusEnum = _enum(CaseStatus, "SupportCaseStatusEnum", "Where a support case stands.")
SupportCasePriorityEnum = _enum(CasePriority, "SupportCasePriorityEnum", "How urgent a support case is.")
SupportCaseCategoryEnum = _enum(CaseCategory, "SupportCaseCategoryEnum", "What a support case is about.")
SupportCaseChannelEnum = _enum(CaseChannel, "SupportCaseChannelEnum", "How a support case reached the shop.")
SupportAuthorTypeEnum = _enum(AuthorType, "SupportAuthorTypeEnum", "Who wrote a message or made a change.")

SupportErrorCode = graphene.Enum.from_enum(DomainSupportErrorCode, description="Support API error codes.")
SupportErrorCode.doc_category = DOC_CATEGORY_SUPPORT
