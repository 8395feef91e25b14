from __future__ import annotations

from typing import Any

import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import UUID
from saleor.graphql.core.types import NonNullList
from saleor.graphql.core.types.upload import Upload

from saleor_support_plugin.cases.service import clean_email
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.graphql.access import get_viewer
from saleor_support_plugin.graphql.base import SupportInputObjectType
from saleor_support_plugin.graphql.mutations.common import SupportMutation, domain_errors, error
from saleor_support_plugin.graphql.return_types import SupportReturnRequest, SupportReturnResolutionEnum
from saleor_support_plugin.graphql.returns_access import viewer_order
from saleor_support_plugin.host.global_ids import int_id, uuid_id
from saleor_support_plugin.host.saleor_returns import SaleorReturns
from saleor_support_plugin.returns.requests import LineRequest, Photo, Submission, submit_request

IDEMPOTENCY_KEY_MAX_LENGTH = 64


class SupportReturnLineInput(SupportInputObjectType):
    order_line_id = graphene.ID(required=True, description="ID of the order line to return.")
    quantity = graphene.Int(required=True, description="How many items of the line to return.")
    reason = graphene.ID(description="ID of the reason: a `Page` of the shop's return-reason page type.")
    reason_comment = graphene.String(description="The customer's own words about this line.")

    class Meta:
        description = "A line to return, with its reason."


class SupportReturnRequestInput(SupportInputObjectType):
    order = graphene.ID(description="Customers: ID of their order.")
    order_token = UUID(description="Guests: the order's token (with `email`).")
    email = graphene.String(description="Guests: the order's email address.")
    lines = NonNullList(SupportReturnLineInput, required=True, description="What to return.")
    resolution = SupportReturnResolutionEnum(required=True, description="What the customer asks for.")
    comment = graphene.String(description="Anything else the customer wants to say (5,000 characters).")
    photos = NonNullList(Upload, description="Photos (images, up to 5, 10 MB each), as multipart uploads.")
    idempotency_key = graphene.String(
        description="A key the storefront makes once per request: sending it again returns the same request."
    )

    class Meta:
        description = "A customer's or guest's return request."


class SupportReturnRequestCreate(SupportMutation):
    return_request = graphene.Field(SupportReturnRequest, description="The return request.")
    created = graphene.Boolean(description="False when this idempotency key had made the request before.")

    class Arguments:
        input = SupportReturnRequestInput(required=True, description="The return request.")

    class Meta:
        description = (
            "Asks to return items of an order under the shop's return policy. Inside the policy it is approved "
            "at once and carried out by Saleor (a RETURNED fulfillment); otherwise a return case holds it for staff."
        )

    @classmethod
    def perform_mutation(cls, _root: Any, info: ResolveInfo, /, *, input: dict[str, Any]) -> SupportReturnRequestCreate:
        settings = cls.require_settings(info)
        if input.get("email"):
            with domain_errors():
                clean_email(input["email"])
        viewer = get_viewer(info, input.get("order_token"), input.get("email"))
        if viewer.user is None and viewer.app is None and not (input.get("order_token") and input.get("email")):
            raise error("orderToken", "Log in, or give the order's token and email address.", Code.REQUIRED)
        order = viewer_order(viewer, input.get("order"))
        if order is None:
            field = "orderToken" if input.get("order_token") else "order"
            raise error(field, "Couldn't find an order with this ID.", Code.NOT_FOUND)
        port = SaleorReturns()
        facts = port.get_return_order(order.pk)
        if facts is None:
            raise error("order", "Couldn't find an order with this ID.", Code.NOT_FOUND)
        with domain_errors():
            request, created = submit_request(
                port=port,
                settings=settings,
                order=facts,
                requester=viewer.actor(),
                submission=cls.clean_submission(info, input),
            )
        return SupportReturnRequestCreate(return_request=request, created=created)

    @classmethod
    def clean_submission(cls, info: ResolveInfo, input: dict[str, Any]) -> Submission:
        key = (input.get("idempotency_key") or "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise error("idempotencyKey", "Use a key of at most 64 characters.", Code.INVALID)
        return Submission(
            lines=[cls.clean_line(line) for line in input["lines"]],
            resolution=input["resolution"],
            comment=input.get("comment") or "",
            photos=[cls.clean_photo(info, name) for name in input.get("photos") or ()],
            idempotency_key=key,
        )

    @classmethod
    def clean_line(cls, line: dict[str, Any]) -> LineRequest:
        line_id = uuid_id(line["order_line_id"], "OrderLine")
        if line_id is None:
            raise error("lines", "Couldn't find this line in the order.", Code.NOT_FOUND)
        reason_id = None
        if line.get("reason"):
            reason_id = int_id(line["reason"], "Page")
            if reason_id is None:
                raise error("lines", "Choose one of the shop's return reasons.", Code.INVALID)
        return LineRequest(line_id, line["quantity"], reason_id, line.get("reason_comment") or "")

    @classmethod
    def clean_photo(cls, info: ResolveInfo, value: Any) -> Photo:
        upload = info.context.FILES.get(value) if isinstance(value, str) else value
        if upload is None:
            raise error("photos", "Send each photo as a multipart upload.", Code.REQUIRED)
        return Photo(upload.name or "photo", upload.content_type or "", upload.read())
