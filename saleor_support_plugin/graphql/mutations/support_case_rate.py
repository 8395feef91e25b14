from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction
from django.utils import timezone
from saleor.graphql.core import ResolveInfo

from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.feedback.surveys import Rated, rate, survey_for_rating
from saleor_support_plugin.graphql.mutations.common import GuestCaseArguments, SupportMutation, domain_errors, error
from saleor_support_plugin.graphql.types import SupportCase


class SupportCaseRate(SupportMutation):
    case = graphene.Field(SupportCase, description="The rated case.")

    class Arguments(GuestCaseArguments):
        rating = graphene.Int(required=True, description="From 1 (very poor) to 5 (excellent).")
        comment = graphene.String(description="What the customer wants to tell the shop (2,000 characters).")

    class Meta:
        description = (
            "The customer rates a resolved or closed support case, once (guests: with the order's token and "
            "email). A low rating flags the case for a person."
        )

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls,
        _root: Any,
        info: ResolveInfo,
        /,
        *,
        id: str,
        rating: int,
        comment: str | None = None,
        order_token: Any = None,
        email: Any = None,
    ) -> SupportCaseRate:
        settings, viewer, case = cls.case_request(info, id, order_token, email)
        if viewer.is_support_staff:
            raise error("id", "Only the customer can rate a case.", Code.INVALID)
        now = timezone.now()
        with domain_errors(), transaction.atomic():  # a refused rating leaves no survey behind
            outcome = rate(survey_for_rating(case, now), rating, now, settings, "api", comment or "")
        if outcome is not Rated.RECORDED:
            raise error("id", "This case was already rated.", Code.ALREADY_RATED)
        case.refresh_from_db()
        return SupportCaseRate(case=case)
