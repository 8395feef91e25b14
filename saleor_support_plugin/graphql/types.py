from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene
from django.utils import timezone
from django.utils.html import linebreaks
from saleor.graphql.account.dataloaders import UserByUserIdLoader
from saleor.graphql.account.types import User
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import CountableConnection
from saleor.graphql.core.context import SyncWebhookControlContext
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import NonNullList
from saleor.graphql.order.dataloaders import OrderByIdLoader
from saleor.graphql.order.types import Order

from saleor_support_plugin import models
from saleor_support_plugin.cases.service import is_overdue
from saleor_support_plugin.core.config import SupportSettings as Settings
from saleor_support_plugin.core.service_policies import promise
from saleor_support_plugin.email.templates import email_language
from saleor_support_plugin.graphql.access import get_viewer, visible_cases
from saleor_support_plugin.graphql.base import SupportNode, SupportObjectType, global_id_resolver
from saleor_support_plugin.graphql.dataloaders import (
    ChangesByCaseIdLoader,
    DelayNoticesByCaseIdLoader,
    MessagesByCaseIdLoader,
    SurveysByCaseIdLoader,
)
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.enums import (
    SupportAuthorTypeEnum,
    SupportCaseCategoryEnum,
    SupportCaseChannelEnum,
    SupportCasePriorityEnum,
    SupportCaseStatusEnum,
)


def is_staff_request(info: ResolveInfo) -> bool:
    """Whether the requester handles support, computed once per request (field resolvers ask per case)."""
    cached = getattr(info.context, "_support_is_staff", None)
    if cached is None:
        cached = get_viewer(info).is_support_staff
        info.context._support_is_staff = cached  # type: ignore[attr-defined]
    return cached


def staff_only_order(attname: str) -> Callable[[Any, ResolveInfo], Any]:
    """The resolver of an order field only staff and apps see (`attname`: the order's id on the root), loading
    the order as Saleor's own resolvers do."""

    def resolve(root: Any, info: ResolveInfo) -> Any:
        order_id = getattr(root, attname)
        if order_id is None or not is_staff_request(info):
            return None
        return (
            OrderByIdLoader(info.context)
            .load(order_id)
            .then(lambda order: SyncWebhookControlContext(node=order) if order else None)
        )

    return resolve


def staff_only_user(attname: str) -> Callable[[Any, ResolveInfo], Any]:
    """The resolver of a user field only staff and apps see (`attname`: the user's id on the root)."""

    def resolve(root: Any, info: ResolveInfo) -> Any:
        user_id = getattr(root, attname)
        staff = user_id is not None and is_staff_request(info)
        return UserByUserIdLoader(info.context).load(user_id) if staff else None

    return resolve


class SupportCaseMessage(SupportObjectType):
    id = graphene.ID(required=True, description="ID of the message.")
    author_type = SupportAuthorTypeEnum(required=True, description="Who wrote the message.")
    author_name = graphene.String(required=True, description="Name shown for the author.")
    is_internal = graphene.Boolean(
        required=True, description="An internal note, visible to staff only; false for a public reply."
    )
    body = graphene.String(required=True, description="The message as plain text.")
    body_html = graphene.String(
        required=True, description="The message as HTML: escaped, with paragraphs and line breaks."
    )
    created_at = DateTime(required=True, description="When the message was written.")

    class Meta:
        description = "A public reply or an internal note on a support case."

    resolve_id = staticmethod(global_id_resolver("SupportCaseMessage", "pk"))

    @staticmethod
    def resolve_body_html(root: models.CaseMessage, _info: ResolveInfo) -> str:
        return linebreaks(root.body, autoescape=True)


class SupportCaseChange(SupportObjectType):
    field = graphene.String(required=True, description="The field that changed: status, priority, category…")
    old_value = graphene.String(required=True, description="The value before the change.")
    new_value = graphene.String(required=True, description="The value after the change.")
    actor_type = SupportAuthorTypeEnum(required=True, description="Who made the change.")
    created_at = DateTime(required=True, description="When the change was made.")

    class Meta:
        description = "One change of a support case, for the audit trail."


class SupportDelayNotice(SupportObjectType):
    stage = graphene.String(required=True, description="Which delay: not_shipped, delivery_overdue…")
    status = graphene.String(required=True, description="pending, sent, failed, skipped…")
    recipient = graphene.String(required=True, description="Where the notice was sent.")
    sent_at = DateTime(description="When it was sent.")

    class Meta:
        description = "A delay notice sent to the customer about the case's order."


# --- Service levels
def _minutes(value: Any) -> int | None:
    return None if value is None else int(value.total_seconds() // 60)


class SupportCaseServiceLevel(SupportObjectType):
    policy = graphene.String(required=True, description="The policy stamped on the case when it opened.")
    first_response_target_minutes = graphene.Int(description="First-response target, in business minutes.")
    next_response_target_minutes = graphene.Int(description="Next-response target, in business minutes.")
    resolution_target_minutes = graphene.Int(description="Resolution target, in business minutes.")
    next_response_due_at = DateTime(description="When the answer to the customer's latest message is due.")
    paused = graphene.Boolean(required=True, description="The clock stands still (waiting on the customer).")
    first_response_minutes = graphene.Int(description="Business minutes to the first staff reply.")
    resolution_minutes = graphene.Int(description="Business minutes to resolution, pauses left out.")

    class Meta:
        description = "A case's service-level targets and how it met them. Staff and apps only."

    @staticmethod
    def from_case(case: models.SupportCase) -> dict[str, Any]:
        return {
            "policy": case.service_level_policy,
            "first_response_target_minutes": _minutes(case.first_response_target),
            "next_response_target_minutes": _minutes(case.next_response_target),
            "resolution_target_minutes": _minutes(case.resolution_target),
            "next_response_due_at": case.next_response_due_at,
            "paused": case.clock_stopped_at is not None,
            "first_response_minutes": _minutes(case.first_response_time),
            "resolution_minutes": _minutes(case.resolution_time),
        }


class SupportServiceLevelPolicy(SupportObjectType):
    priority = graphene.String(required=True, description="Priority the policy applies to ('*': any).")
    category = graphene.String(required=True, description="Category it applies to ('*': any).")
    channel = graphene.String(required=True, description="Channel it applies to ('*': any).")
    first_response_minutes = graphene.Int(required=True, description="First-response target, business minutes.")
    next_response_minutes = graphene.Int(required=True, description="Next-response target, business minutes.")
    resolution_minutes = graphene.Int(required=True, description="Resolution target, business minutes.")
    promise = graphene.String(
        required=True, description="The first-response target as customers read it, e.g. 'within 1 business day'."
    )

    class Meta:
        description = "A service-level policy: the shop's response and resolution targets for some cases."


# --- end service levels


# --- Feedback
class SupportCaseRating(SupportObjectType):
    rating = graphene.Int(required=True, description="From 1 (very poor) to 5 (excellent).")
    comment = graphene.String(required=True, description="The customer's comment ('' for none).")
    rated_at = DateTime(required=True, description="When the customer rated the case.")

    class Meta:
        description = "The customer's rating of a resolved support case."


# --- end feedback


class SupportCase(SupportNode[models.SupportCase]):
    id = graphene.GlobalID(required=True, description="ID of the support case.")
    number = graphene.Int(required=True, description="The case number customers and staff refer to.")
    subject = graphene.String(required=True, description="What the case is about, in a line.")
    status = SupportCaseStatusEnum(required=True, description="Where the case stands.")
    priority = SupportCasePriorityEnum(required=True, description="How urgent the case is.")
    category = SupportCaseCategoryEnum(required=True, description="What the case is about.")
    channel = SupportCaseChannelEnum(required=True, description="How the case reached the shop.")
    order_number = graphene.String(
        required=True, description="Number of the order the case is about (kept if the order is deleted)."
    )
    order = graphene.Field(Order, description="The order the case is about. Staff and apps only.")
    customer_email = graphene.String(required=True, description="The customer's email address.")
    customer = graphene.Field(User, description="The customer's account, if any. Staff and apps only.")
    assignee = graphene.Field(User, description="The staff member handling the case. Staff and apps only.")
    created_at = DateTime(required=True, description="When the case was opened.")
    updated_at = DateTime(required=True, description="When the case last changed.")
    last_message_at = DateTime(required=True, description="When the last message was written.")
    first_response_at = DateTime(description="When staff first replied.")
    first_response_due_at = DateTime(description="When the first reply is due.")
    resolved_at = DateTime(description="When the case was resolved.")
    resolution_due_at = DateTime(description="When the case should be resolved by.")
    is_overdue = graphene.Boolean(required=True, description="A response or resolution target has passed.")
    service_level = graphene.Field(
        SupportCaseServiceLevel, description="Service-level targets and measured times. Staff and apps only."
    )
    rating = graphene.Field(SupportCaseRating, description="The customer's rating, once given.")
    messages = NonNullList(
        SupportCaseMessage,
        required=True,
        description="The thread, oldest first. Customers never see internal notes.",
    )
    last_message = graphene.Field(SupportCaseMessage, description="The newest message the requester may see.")
    changes = NonNullList(SupportCaseChange, description="The audit trail. Staff and apps only.")
    delay_notices = NonNullList(SupportDelayNotice, description="Delay notices recorded on the case. Staff only.")

    class Meta:
        description = "A customer's support case, usually about one order."
        model = models.SupportCase

    visible = staticmethod(visible_cases)

    @staticmethod
    def resolve_number(root: models.SupportCase, _info: ResolveInfo) -> int:
        return root.pk

    @staticmethod
    def resolve_rating(root: models.SupportCase, info: ResolveInfo) -> Any:
        def rating(surveys: list[models.CaseSurvey]) -> dict[str, Any] | None:
            rated = [survey for survey in surveys if survey.rating is not None]
            if not rated:
                return None
            return {"rating": rated[0].rating, "comment": rated[0].comment, "rated_at": rated[0].rated_at}

        return SurveysByCaseIdLoader(info.context).load(root.pk).then(rating)

    @staticmethod
    def resolve_service_level(root: models.SupportCase, info: ResolveInfo) -> dict[str, Any] | None:
        return SupportCaseServiceLevel.from_case(root) if is_staff_request(info) else None

    @staticmethod
    def resolve_channel(root: models.SupportCase, _info: ResolveInfo) -> str:
        return root.origin

    @staticmethod
    def resolve_is_overdue(root: models.SupportCase, _info: ResolveInfo) -> bool:
        return is_overdue(root, timezone.now())

    resolve_order = staticmethod(staff_only_order("order_id"))
    resolve_customer = staticmethod(staff_only_user("customer_id"))
    resolve_assignee = staticmethod(staff_only_user("assignee_id"))

    @staticmethod
    def resolve_messages(root: models.SupportCase, info: ResolveInfo) -> Any:
        staff = is_staff_request(info)
        return (
            MessagesByCaseIdLoader(info.context)
            .load(root.pk)
            .then(lambda messages: [message for message in messages if staff or not message.is_internal])
        )

    @staticmethod
    def resolve_last_message(root: models.SupportCase, info: ResolveInfo) -> Any:
        return SupportCase.resolve_messages(root, info).then(lambda messages: messages[-1] if messages else None)

    @staticmethod
    def resolve_changes(root: models.SupportCase, info: ResolveInfo) -> Any:
        return ChangesByCaseIdLoader(info.context).load(root.pk) if is_staff_request(info) else None

    @staticmethod
    def resolve_delay_notices(root: models.SupportCase, info: ResolveInfo) -> Any:
        return DelayNoticesByCaseIdLoader(info.context).load(root.pk) if is_staff_request(info) else None


class SupportCaseCountableConnection(CountableConnection):
    class Meta:
        doc_category = DOC_CATEGORY_SUPPORT
        node = SupportCase


class SupportSettings(SupportObjectType):
    contact_email = graphene.String(source="support_email", description="Where customers can write to support.")
    phone = graphene.String(source="support_phone", description="Support phone number.")
    hours = graphene.String(source="support_hours", description="When support is reachable.")
    response_time = graphene.String(
        source="support_response_time", description="How soon customers can expect an answer."
    )
    # --- Service levels
    response_promise = graphene.String(
        language_code=graphene.Argument(graphene.String, description="The customer's language, e.g. 'de'."),
        description=(
            "The shop's first-response promise for a normal storefront case, in the customer's language "
            "(English where the plugin has no translation), e.g. 'within 1 business day'."
        ),
    )
    service_levels = NonNullList(
        SupportServiceLevelPolicy, required=True, description="The shop's service-level policies, default last."
    )
    # --- end service levels

    class Meta:
        description = "How customers reach the shop's support, for the storefront."

    # --- Service levels
    @staticmethod
    def resolve_response_promise(settings: Settings, _info: ResolveInfo, language_code: str | None = None) -> str:
        policy = settings.policy_for("normal", "other", "storefront")
        return promise(policy.first_response, settings.opening_hours, email_language(language_code or "en"))

    @staticmethod
    def resolve_service_levels(settings: Settings, _info: ResolveInfo) -> list[dict[str, Any]]:
        return [
            {
                "priority": policy.priority,
                "category": policy.category,
                "channel": policy.channel,
                "first_response_minutes": _minutes(policy.first_response),
                "next_response_minutes": _minutes(policy.next_response),
                "resolution_minutes": _minutes(policy.resolution),
                "promise": promise(policy.first_response, settings.opening_hours, "en"),
            }
            for policy in (*settings.service_level_policies, settings.default_policy)
        ]

    # --- end service levels
