"""GraphQL types of returns: the policy's verdict on an order and return requests."""

from __future__ import annotations

from typing import Any

import graphene
from prices import Money as Price
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import Money, NonNullList
from saleor.graphql.order.types import Order

from saleor_support_plugin.graphql.access import get_viewer, support_plugin, visible_cases
from saleor_support_plugin.graphql.base import SupportNode, SupportObjectType, global_id_resolver, support_enum
from saleor_support_plugin.graphql.returns_access import visible_return_requests
from saleor_support_plugin.graphql.types import SupportCase, is_staff_request, staff_only_order
from saleor_support_plugin.returns import models
from saleor_support_plugin.returns.emails import next_step, request_context
from saleor_support_plugin.returns.policy import LinePolicy, NotReturnable, Resolution

SupportReturnStatusEnum = support_enum(
    [value for value, _ in models.ReturnStatus.choices], "SupportReturnStatusEnum", "Where a return request stands."
)
SupportReturnResolutionEnum = support_enum(
    [item.value for item in Resolution], "SupportReturnResolutionEnum", "What the customer gets for a return."
)
SupportNotReturnableEnum = support_enum(
    [item.value for item in NotReturnable], "SupportNotReturnableEnum", "Why an order line cannot be returned."
)


class SupportReturnReason(SupportObjectType):
    id = graphene.ID(required=True, description="ID of the reason's page (Saleor's `Page`).")
    slug = graphene.String(required=True, description="The page's slug.")
    title = graphene.String(required=True, description="The reason as customers read it.")

    class Meta:
        description = "A return reason: a page of the shop's return-reason page type (site settings)."

    resolve_id = staticmethod(global_id_resolver("Page", "id"))


class OrderLineFields(SupportObjectType):
    """The order line a policy verdict or a returned line is about."""

    order_line_id = graphene.ID(required=True, description="ID of the order line.")
    product_name = graphene.String(required=True, description="The product's name.")
    variant_name = graphene.String(required=True, description="The variant's name.")

    class Meta:
        abstract = True


class SupportReturnLinePolicy(OrderLineFields):
    quantity = graphene.Int(required=True, description="How many were ordered.")
    returnable = graphene.Boolean(required=True, description="Whether any of the line can be returned now.")
    returnable_quantity = graphene.Int(required=True, description="How many can be returned now.")
    returnable_until = DateTime(description="The end of the return window (null: not shipped yet).")
    not_returnable_reason = SupportNotReturnableEnum(description="Why the line cannot be returned, if it cannot.")
    not_returnable_message = graphene.String(description="The same, in words for the customer.")
    resolutions = NonNullList(
        SupportReturnResolutionEnum, required=True, description="What the customer may ask for this line."
    )

    class Meta:
        description = "What the shop's return policy says about one line of an order."

    resolve_order_line_id = staticmethod(global_id_resolver("OrderLine", "line.id"))

    @staticmethod
    def resolve_product_name(root: LinePolicy, _info: ResolveInfo) -> str:
        return root.line.product_name

    @staticmethod
    def resolve_variant_name(root: LinePolicy, _info: ResolveInfo) -> str:
        return root.line.variant_name

    @staticmethod
    def resolve_quantity(root: LinePolicy, _info: ResolveInfo) -> int:
        return root.line.quantity

    @staticmethod
    def resolve_not_returnable_reason(root: LinePolicy, _info: ResolveInfo) -> str | None:
        return root.why_not.value if root.why_not else None

    @staticmethod
    def resolve_not_returnable_message(root: LinePolicy, _info: ResolveInfo) -> str | None:
        return root.why_not_text or None

    @staticmethod
    def resolve_resolutions(root: LinePolicy, _info: ResolveInfo) -> list[str]:
        return [item.value for item in root.resolutions]


class SupportReturnPolicy(SupportObjectType):
    order_number = graphene.String(required=True, description="The order's number.")
    enabled = graphene.Boolean(required=True, description="Whether the shop takes return requests online.")
    window_days = graphene.Int(required=True, description="Days to return, counted from delivery.")
    return_address = graphene.String(required=True, description="Where returns are sent.")
    refunds_shipping = graphene.Boolean(required=True, description="Whether shipping is refunded.")
    reasons = NonNullList(SupportReturnReason, required=True, description="The reasons customers choose from.")
    lines = NonNullList(SupportReturnLinePolicy, required=True, description="The order's lines.")

    class Meta:
        description = "The shop's return policy applied to one order."


class SupportReturnRequestLine(OrderLineFields):
    quantity = graphene.Int(required=True, description="How many are returned.")
    reason = graphene.Field(SupportReturnReason, description="The reason chosen, a page of the shop's reasons.")
    reason_comment = graphene.String(required=True, description="The customer's own words.")

    class Meta:
        description = "A line of a return request."

    resolve_order_line_id = staticmethod(global_id_resolver("OrderLine", "order_line_id"))

    @staticmethod
    def resolve_reason(root: models.ReturnRequestLine, _info: ResolveInfo) -> Any:
        if root.reason_page_id is None:
            return None
        return SupportReturnReason(id=root.reason_page_id, slug=root.reason_slug, title=root.reason_title)

    @staticmethod
    def resolve_reason_comment(root: models.ReturnRequestLine, _info: ResolveInfo) -> str:
        return root.reason_text


class SupportReturnPhoto(SupportObjectType):
    name = graphene.String(required=True, description="The file name.")
    content_type = graphene.String(required=True, description="The image's type.")
    size = graphene.Int(required=True, description="Size in bytes.")
    url = graphene.String(required=True, description="Where to see it.")

    class Meta:
        description = "A photo sent with a return request."

    @staticmethod
    def resolve_url(root: models.ReturnPhoto, info: ResolveInfo) -> str:
        return info.context.build_absolute_uri(root.file.url)


def _money(amount: Any, currency: str) -> Price | None:
    return Price(amount, currency) if currency else None


class SupportReturnRequest(SupportNode[models.ReturnRequest]):
    id = graphene.GlobalID(required=True, description="ID of the return request.")
    rma_number = graphene.String(required=True, description="The return reference to write on the parcel.")
    status = SupportReturnStatusEnum(required=True, description="Where the request stands.")
    resolution = SupportReturnResolutionEnum(required=True, description="What the customer gets.")
    order_number = graphene.String(required=True, description="The order's number.")
    order = graphene.Field(Order, description="The order. Staff and apps only.")
    lines = NonNullList(SupportReturnRequestLine, required=True, description="What is returned.")
    comment = graphene.String(required=True, description="The customer's comment.")
    photos = NonNullList(SupportReturnPhoto, required=True, description="Photos the customer sent.")
    amount = graphene.Field(Money, description="What the customer gets back (refund or store credit).")
    restocking_fee = graphene.Field(Money, description="The restocking fee kept.")
    next_step = graphene.String(required=True, description="What happens next, in plain words.")
    auto_approved = graphene.Boolean(required=True, description="Approved by the policy, without staff.")
    needs_staff_because = graphene.String(description="Why the policy sent it to staff. Staff and apps only.")
    decision_reason = graphene.String(required=True, description="The reason staff gave with their decision.")
    case = graphene.Field(SupportCase, description="The support case holding the request, if any.")
    replacement_order = graphene.Field(Order, description="Saleor's replacement draft order. Staff and apps only.")
    gift_card_code = graphene.String(description="The store credit's gift card code, once issued.")
    created_at = DateTime(required=True, description="When it was requested.")
    decided_at = DateTime(description="When it was approved or rejected.")
    received_at = DateTime(description="When the items arrived.")
    refunded_at = DateTime(description="When the refund or store credit was issued.")

    class Meta:
        description = "A customer's request to return items of an order."
        model = models.ReturnRequest

    visible = staticmethod(visible_return_requests)

    resolve_order = staticmethod(staff_only_order("order_id"))
    resolve_replacement_order = staticmethod(staff_only_order("replacement_order_id"))

    @staticmethod
    def resolve_lines(root: models.ReturnRequest, _info: ResolveInfo) -> Any:
        return root.lines.all()

    @staticmethod
    def resolve_photos(root: models.ReturnRequest, _info: ResolveInfo) -> Any:
        return root.photos.all()

    @staticmethod
    def resolve_amount(root: models.ReturnRequest, _info: ResolveInfo) -> Any:
        return _money(root.amount, root.currency)

    @staticmethod
    def resolve_restocking_fee(root: models.ReturnRequest, _info: ResolveInfo) -> Any:
        return _money(root.restocking_fee, root.currency)

    @staticmethod
    def resolve_next_step(root: models.ReturnRequest, info: ResolveInfo) -> str:
        plugin = support_plugin(info)
        settings = plugin.support_settings if plugin is not None else None
        address = settings.returns.return_address if settings else ""
        return next_step(request_context(root), address, settings.support_response_time if settings else "")

    @staticmethod
    def resolve_needs_staff_because(root: models.ReturnRequest, info: ResolveInfo) -> str | None:
        return root.needs_staff_because if is_staff_request(info) else None

    @staticmethod
    def resolve_case(root: models.ReturnRequest, info: ResolveInfo) -> Any:
        if root.case_id is None:
            return None
        return visible_cases(get_viewer(info)).filter(pk=root.case_id).first()

    @staticmethod
    def resolve_gift_card_code(root: models.ReturnRequest, _info: ResolveInfo) -> str | None:
        return root.gift_card_code or None
