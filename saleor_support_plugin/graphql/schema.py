"""The support plugin's part of Saleor's GraphQL schema: `SupportQueries` and `SupportMutations`."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Model
from django.utils import timezone
from graphene.utils.props import props
from graphql.error import GraphQLError
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.connection import create_connection_slice
from saleor.graphql.core.fields import ConnectionField, PermissionsField
from saleor.graphql.core.scalars import UUID
from saleor.graphql.core.types import BaseEnum, NonNullList, SortInputObjectType

from saleor_support_plugin.cases.queries import CaseFilter, filter_cases
from saleor_support_plugin.core.config import SupportSettings as Settings
from saleor_support_plugin.graphql.access import active_settings, find_visible, get_viewer, visible_cases
from saleor_support_plugin.graphql.base import SupportInputObjectType
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT
from saleor_support_plugin.graphql.enums import (
    SupportCaseCategoryEnum,
    SupportCaseChannelEnum,
    SupportCasePriorityEnum,
    SupportCaseStatusEnum,
)
from saleor_support_plugin.graphql.mutations.common import GuestCaseArguments
from saleor_support_plugin.graphql.mutations.support_case_close import SupportCaseClose
from saleor_support_plugin.graphql.mutations.support_case_create import SupportCaseCreate
from saleor_support_plugin.graphql.mutations.support_case_note_add import SupportCaseNoteAdd
from saleor_support_plugin.graphql.mutations.support_case_rate import SupportCaseRate
from saleor_support_plugin.graphql.mutations.support_case_reply import SupportCaseReply
from saleor_support_plugin.graphql.mutations.support_case_update import SupportCaseUpdate
from saleor_support_plugin.graphql.report import MAX_PERIOD as MAX_REPORT_PERIOD
from saleor_support_plugin.graphql.report import (
    SupportReport,
    SupportReportGroupByEnum,
    SupportReportPeriodInput,
    period_of,
    run_report,
)

# Returns (issue 11)
from saleor_support_plugin.graphql.return_types import SupportReturnRequest
from saleor_support_plugin.graphql.returns_schema import ReturnMutations, ReturnQueries
from saleor_support_plugin.graphql.types import SupportCase, SupportCaseCountableConnection, SupportSettings
from saleor_support_plugin.host.global_ids import int_id, uuid_id
from saleor_support_plugin.host.permissions import staff_permissions
from saleor_support_plugin.models import SupportCase as SupportCaseModel
from saleor_support_plugin.returns.models import ReturnRequest


class SupportCaseSortField(BaseEnum):
    NUMBER = ["pk"]
    CREATED_AT = ["created_at", "pk"]
    LAST_MESSAGE_AT = ["last_message_at", "pk"]
    FIRST_RESPONSE_DUE_AT = ["first_response_due_at", "pk"]
    RESOLUTION_DUE_AT = ["resolution_due_at", "pk"]

    class Meta:
        doc_category = DOC_CATEGORY_SUPPORT

    @property
    def description(self) -> str:
        return f"Sort support cases by {self.name.lower().replace('_', ' ')}."


class SupportCaseSortingInput(SortInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_SUPPORT
        sort_enum = SupportCaseSortField
        type_name = "support cases"


class SupportCaseFilterInput(SupportInputObjectType):
    status = NonNullList(SupportCaseStatusEnum, description="Cases in any of these statuses.")
    priority = NonNullList(SupportCasePriorityEnum, description="Cases of any of these priorities.")
    category = NonNullList(SupportCaseCategoryEnum, description="Cases in any of these categories.")
    channel = NonNullList(SupportCaseChannelEnum, description="Cases that came in through any of these channels.")
    assignee = NonNullList(graphene.ID, description="Cases assigned to any of these staff users.")
    unassigned = graphene.Boolean(description="True: only unassigned cases; false: only assigned ones.")
    order = NonNullList(graphene.ID, description="Cases about any of these orders.")
    customer = graphene.String(description="Cases whose customer email contains this text.")
    overdue = graphene.Boolean(description="True: only cases past a response or resolution target.")
    search = graphene.String(description="Case number, order number, subject or customer email.")

    class Meta:
        description = "Filters for the support queue."


def case_filter(data: dict[str, Any] | None) -> CaseFilter:
    data = data or {}
    return CaseFilter(
        statuses=tuple(data.get("status") or ()),
        priorities=tuple(data.get("priority") or ()),
        categories=tuple(data.get("category") or ()),
        channels=tuple(data.get("channel") or ()),
        assignee_ids=_pks(data.get("assignee"), "User", int_id),
        unassigned=data.get("unassigned"),
        order_ids=_pks(data.get("order"), "Order", uuid_id),
        customer=data.get("customer") or "",
        overdue=data.get("overdue"),
        search=data.get("search") or "",
    )


def _pks(global_ids: list[str] | None, type_name: str, decode: Any) -> tuple[Any, ...]:
    pks = tuple(pk for global_id in global_ids or () if (pk := decode(global_id, type_name)) is not None)
    # IDs were given but none is of the right type: match no case rather than every case.
    return pks or ((None,) if global_ids else ())


class SupportQueries(ReturnQueries, graphene.ObjectType):
    support_cases = ConnectionField(
        SupportCaseCountableConnection,
        filter=SupportCaseFilterInput(description="Filtering options for support cases."),
        sort_by=SupportCaseSortingInput(description="Sort support cases."),
        description="The support queue: every support case.",
        permissions=staff_permissions(),
        doc_category=DOC_CATEGORY_SUPPORT,
    )
    support_case = graphene.Field(
        SupportCase,
        **props(GuestCaseArguments),
        description=(
            "A support case: staff see any, customers their own, guests those of the order whose token and "
            "email they give."
        ),
    )
    support_cases_for_order = NonNullList(
        SupportCase,
        required=True,
        order_token=graphene.Argument(UUID, required=True, description="The order's token."),
        email=graphene.Argument(graphene.String, required=True, description="The order's email address."),
        description="Guests: the support cases of one order, given the order's token and email address.",
    )
    support_settings = graphene.Field(
        SupportSettings, description="How customers reach support; null while support is switched off."
    )
    # --- Service levels
    support_report = PermissionsField(
        SupportReport,
        period=SupportReportPeriodInput(required=True, description="The period reported on."),
        group_by=SupportReportGroupByEnum(required=True, description="How the rows are grouped."),
        filter=SupportCaseFilterInput(description="Only the cases matching these filters."),
        description="How the shop met its service-level standard in a period. Staff and apps only.",
        permissions=staff_permissions(),
        doc_category=DOC_CATEGORY_SUPPORT,
    )
    # --- end service levels

    @staticmethod
    def resolve_support_cases(_root: Any, info: ResolveInfo, **kwargs: Any) -> Any:
        cases = filter_cases(visible_cases(get_viewer(info)), case_filter(kwargs.get("filter")), timezone.now())
        if not kwargs.get("sort_by"):
            cases = cases.order_by("-pk")
        return create_connection_slice(cases, info, kwargs, SupportCaseCountableConnection)

    @staticmethod
    def resolve_support_case(
        _root: Any, info: ResolveInfo, *, id: str, order_token: Any = None, email: str | None = None
    ) -> SupportCaseModel | None:
        return find_visible(visible_cases(get_viewer(info, order_token, email)), id, "SupportCase")

    @staticmethod
    def resolve_support_cases_for_order(
        _root: Any, info: ResolveInfo, *, order_token: Any, email: str
    ) -> list[SupportCaseModel]:
        viewer = get_viewer(info, order_token, email)
        if not viewer.is_guest:
            return []
        return list(visible_cases(viewer).order_by("-pk"))

    @staticmethod
    def resolve_support_settings(_root: Any, info: ResolveInfo) -> Settings | None:
        return active_settings(info)

    @staticmethod
    def resolve_support_report(_root: Any, info: ResolveInfo, *, period: Any, group_by: Any, **kwargs: Any) -> Any:
        settings = active_settings(info)
        if settings is None:
            return None
        viewer = get_viewer(info)
        window = period_of(period)
        if not window.start < window.end or window.end - window.start > MAX_REPORT_PERIOD:
            raise GraphQLError("Give a period of 1 to 400 days: `lt` after `gte`.")
        cases = filter_cases(visible_cases(viewer), case_filter(kwargs.get("filter")), timezone.now())
        group = str(getattr(group_by, "value", group_by))
        return run_report(cases, window, group, settings.calendar.timezone.key, viewer.database)


class SupportMutations(ReturnMutations, graphene.ObjectType):
    support_case_create = SupportCaseCreate.Field()
    support_case_reply = SupportCaseReply.Field()
    support_case_note_add = SupportCaseNoteAdd.Field()
    support_case_update = SupportCaseUpdate.Field()
    support_case_close = SupportCaseClose.Field()
    support_case_rate = SupportCaseRate.Field()


def user_fields() -> dict[str, graphene.Field]:
    """The fields the plugin adds to Saleor's `User` type: `me { supportCases supportReturnRequests }`."""
    return {
        "support_cases": _user_list(SupportCase, SupportCaseModel, "support cases"),
        "support_return_requests": _user_list(SupportReturnRequest, ReturnRequest, "return requests"),
    }


def _user_list(of_type: type, model: type[Model], what: str) -> graphene.Field:
    def resolve(root: Any, info: ResolveInfo) -> list[Any]:
        """A customer's own records (for `me`), or any user's for support staff."""
        viewer = get_viewer(info)
        if not viewer.is_support_staff and (viewer.user is None or viewer.user.pk != root.pk):
            return []
        return list(model._default_manager.using(viewer.database).filter(customer_id=root.pk).order_by("-pk"))

    field = graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(of_type))),
        description=f"The user's {what}, newest first. The user themself, or support staff.",
        resolver=resolve,
    )
    field.doc_category = DOC_CATEGORY_SUPPORT  # type: ignore[attr-defined]
    return field
