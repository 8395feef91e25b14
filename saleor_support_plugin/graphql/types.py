from __future__ import annotations

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
from saleor.graphql.core.types import BaseObjectType, ModelObjectType, NonNullList
from saleor.graphql.order.dataloaders import OrderByIdLoader
from saleor.graphql.order.types import Order

from saleor_support_plugin import models
from saleor_support_plugin.cases.service import is_overdue
from saleor_support_plugin.graphql.access import get_viewer, visible_cases
from saleor_support_plugin.graphql.dataloaders import (
    ChangesByCaseIdLoader,
    DelayNoticesByCaseIdLoader,
    MessagesByCaseIdLoader,
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


class SupportCaseMessage(BaseObjectType):
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
        doc_category = DOC_CATEGORY_SUPPORT

    @staticmethod
    def resolve_id(root: models.CaseMessage, _info: ResolveInfo) -> str:
        return graphene.Node.to_global_id("SupportCaseMessage", root.pk)

    @staticmethod
    def resolve_body_html(root: models.CaseMessage, _info: ResolveInfo) -> str:
        return linebreaks(root.body, autoescape=True)


class SupportCaseChange(BaseObjectType):
    field = graphene.String(required=True, description="The field that changed: status, priority, category…")
    old_value = graphene.String(required=True, description="The value before the change.")
    new_value = graphene.String(required=True, description="The value after the change.")
    actor_type = SupportAuthorTypeEnum(required=True, description="Who made the change.")
    created_at = DateTime(required=True, description="When the change was made.")

    class Meta:
        description = "One change of a support case, for the audit trail."
        doc_category = DOC_CATEGORY_SUPPORT


class SupportDelayNotice(BaseObjectType):
    stage = graphene.String(required=True, description="Which delay: not_shipped, delivery_overdue…")
    status = graphene.String(required=True, description="pending, sent, failed, skipped…")
    recipient = graphene.String(required=True, description="Where the notice was sent.")
    sent_at = DateTime(description="When it was sent.")

    class Meta:
        description = "A delay notice sent to the customer about the case's order."
        doc_category = DOC_CATEGORY_SUPPORT


class SupportCase(ModelObjectType[models.SupportCase]):
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
        interfaces = [graphene.relay.Node]
        model = models.SupportCase
        doc_category = DOC_CATEGORY_SUPPORT

    @classmethod
    def get_node(cls, info: ResolveInfo, id: Any) -> models.SupportCase | None:
        # `node(id:)` and mutations resolve through here: only cases the requester may see.
        return visible_cases(get_viewer(info)).filter(pk=id).first()

    @staticmethod
    def resolve_number(root: models.SupportCase, _info: ResolveInfo) -> int:
        return root.pk

    @staticmethod
    def resolve_channel(root: models.SupportCase, _info: ResolveInfo) -> str:
        return root.origin

    @staticmethod
    def resolve_is_overdue(root: models.SupportCase, _info: ResolveInfo) -> bool:
        return is_overdue(root, timezone.now())

    @staticmethod
    def resolve_order(root: models.SupportCase, info: ResolveInfo) -> Any:
        if root.order_id is None or not is_staff_request(info):
            return None
        return (
            OrderByIdLoader(info.context)
            .load(root.order_id)
            .then(lambda order: SyncWebhookControlContext(node=order) if order else None)
        )

    @staticmethod
    def resolve_customer(root: models.SupportCase, info: ResolveInfo) -> Any:
        if root.customer_id is None or not is_staff_request(info):
            return None
        return UserByUserIdLoader(info.context).load(root.customer_id)

    @staticmethod
    def resolve_assignee(root: models.SupportCase, info: ResolveInfo) -> Any:
        if root.assignee_id is None or not is_staff_request(info):
            return None
        return UserByUserIdLoader(info.context).load(root.assignee_id)

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


class SupportSettings(BaseObjectType):
    contact_email = graphene.String(description="Where customers can write to support.")
    phone = graphene.String(description="Support phone number.")
    hours = graphene.String(description="When support is reachable.")
    response_time = graphene.String(description="How soon customers can expect an answer.")

    class Meta:
        description = "How customers reach the shop's support, for the storefront."
        doc_category = DOC_CATEGORY_SUPPORT
