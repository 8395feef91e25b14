from __future__ import annotations

from typing import Any

import graphene
from saleor.core.utils import get_client_ip
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import UUID
from saleor.order.models import Order

from saleor_support_plugin.cases.service import clean_email, clean_staff_channel, open_case, open_guest_case
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.graphql.access import Viewer, get_viewer
from saleor_support_plugin.graphql.base import SupportInputObjectType
from saleor_support_plugin.graphql.enums import SupportCaseCategoryEnum, SupportCaseChannelEnum, SupportCasePriorityEnum
from saleor_support_plugin.graphql.mutations.common import (
    SupportMutation,
    case_order,
    domain_errors,
    error,
)
from saleor_support_plugin.graphql.types import SupportCase
from saleor_support_plugin.host.global_ids import uuid_id
from saleor_support_plugin.models import CaseCategory, CaseChannel, CasePriority


class SupportCaseCreateInput(SupportInputObjectType):
    subject = graphene.String(required=True, description="What the case is about, in a line (200 characters).")
    body = graphene.String(required=True, description="The first message (10,000 characters).")
    category = SupportCaseCategoryEnum(description="What the case is about. Default: OTHER.")
    order = graphene.ID(description="Customers and staff: ID of the order the case is about.")
    order_token = UUID(description="Guests: the token of the order the case is about (with `email`).")
    email = graphene.String(
        description="Guests: the order's email address. Staff: the customer's email when there is no order."
    )
    channel = SupportCaseChannelEnum(description="Staff: how the customer got in touch (PHONE, EMAIL, STAFF).")
    priority = SupportCasePriorityEnum(description="Staff: the case's priority. Default: NORMAL.")

    class Meta:
        description = "Fields to open a support case."


class SupportCaseCreate(SupportMutation):
    case = graphene.Field(SupportCase, description="The case opened.")

    class Arguments:
        input = SupportCaseCreateInput(required=True, description="Fields to open a support case.")

    class Meta:
        description = (
            "Opens a support case: a customer about one of their orders or a general question, a guest about one "
            "order (with the order's token and email), or staff on a customer's behalf (after a phone call)."
        )

    @classmethod
    def perform_mutation(cls, _root: Any, info: ResolveInfo, /, *, input: dict[str, Any]) -> SupportCaseCreate:
        settings = cls.require_settings(info)
        viewer = get_viewer(info, input.get("order_token"), input.get("email"))
        category = input.get("category") or CaseCategory.OTHER
        with domain_errors():
            if input.get("order_token") or (viewer.user is None and viewer.app is None):
                return SupportCaseCreate(case=cls.open_guest_case(info, viewer, input, category, settings))
            order, email, origin = cls.clean_requester(viewer, input)
            case = open_case(
                settings=settings,
                author=viewer.actor(),
                origin=origin,
                subject=input["subject"],
                body=input["body"],
                email=email,
                customer_id=viewer.user.pk if viewer.is_customer and viewer.user else None,
                order=case_order(order) if order else None,
                category=category,
                priority=(input.get("priority") if viewer.is_support_staff else None) or CasePriority.NORMAL,
                # The order's language, else the customer's.
                language_code=viewer.user.language_code if viewer.is_customer and viewer.user and not order else "",
            )
        return SupportCaseCreate(case=case)

    @classmethod
    def clean_requester(cls, viewer: Viewer, input: dict[str, Any]) -> tuple[Order | None, str, str]:
        """The order, the customer's email and the channel, for customers and staff."""
        order = cls.clean_order(viewer, input.get("order"))
        if viewer.is_support_staff:
            email = (input.get("email") or (order.get_customer_email() if order else "") or "").strip()
            if not email:
                raise error("email", "Give the customer's email address or an order.", Code.REQUIRED)
            channel = clean_staff_channel(input.get("channel") or CaseChannel.STAFF)
            return order, clean_email(email), channel
        assert viewer.user is not None
        return order, viewer.user.email, CaseChannel.STOREFRONT

    @classmethod
    def open_guest_case(
        cls, info: ResolveInfo, viewer: Viewer, input: dict[str, Any], category: str, settings: SupportSettings
    ) -> Any:
        """A guest's case: the order proven by its token and email, within the guest limits."""
        if not input.get("order_token") or not input.get("email"):
            raise error("orderToken", "Log in, or give the order's token and email address.", Code.REQUIRED)
        clean_email(input["email"])
        if viewer.guest_order is None:
            raise error("orderToken", "No order matches this token and email address.", Code.NOT_FOUND)
        return open_guest_case(
            settings=settings,
            # Saleor's reading of the client address: the first valid X-Forwarded-For entry, else REMOTE_ADDR.
            ip=get_client_ip(info.context) or "unknown",
            author=viewer.actor(),
            subject=input["subject"],
            body=input["body"],
            email=viewer.guest_email,
            order=case_order(viewer.guest_order),
            category=category,
        )

    @classmethod
    def clean_order(cls, viewer: Viewer, global_id: str | None) -> Order | None:
        if not global_id:
            return None
        pk = uuid_id(global_id, "Order")
        orders = Order.objects.select_related("channel", "user").non_draft()
        if not viewer.is_support_staff:
            orders = orders.filter(user_id=viewer.user.pk if viewer.user else None)
        order = orders.filter(pk=pk).first() if pk else None
        if order is None:
            raise error("order", "Couldn't find an order with this ID.", Code.NOT_FOUND)
        return order
