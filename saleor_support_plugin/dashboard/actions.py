"""What staff can do from the support pages: each action is one call into the case service (`cases/service.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping

from django.db.models import Model

from saleor_support_plugin.cases.service import (
    CHOICES,
    Actor,
    CaseError,
    add_message,
    case_order,
    clean_assignee,
    clean_staff_channel,
    open_case,
    update_case,
)
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.text import whole_number
from saleor_support_plugin.models import (
    CaseCategory,
    CaseChannel,
    CasePriority,
    SupportCase,
)


def get_case(case_id: str) -> SupportCase:
    return find(SupportCase, case_id, "This case no longer exists.")


def find[M: Model](model: type[M], number: str, missing: str) -> M:
    """The row whose number a form sent; `missing` refuses a number of no row (it may have been deleted)."""
    pk = whole_number(number)
    row = model._default_manager.filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise CaseError(missing, Code.NOT_FOUND)
    return row


def add_reply(case: SupportCase, actor: Actor, body: str) -> None:
    """A public reply: the customer sees it and gets it by email."""
    add_message(case, actor, body, is_internal=False)


def add_note(case: SupportCase, actor: Actor, body: str) -> None:
    """An internal note: staff only, never emailed to the customer."""
    add_message(case, actor, body, is_internal=True)


def change_case(case: SupportCase, actor: Actor, data: Mapping[str, str], staff_ids: Collection[int]) -> None:
    changes: dict[str, object] = {name: data[name] for name in CHOICES if data.get(name)}
    if "assignee" in data:
        changes["assignee_id"] = clean_assignee(data["assignee"], staff_ids)
    update_case(case, actor, **changes)


def open_order_case(runtime: SupportRuntime, actor: Actor, order_id: uuid.UUID, data: Mapping[str, str]) -> SupportCase:
    """A case staff open on an order, for example after the customer phoned."""
    order = runtime.gateway.get_order(order_id)
    if order is None:
        raise CaseError("This order no longer exists.", Code.NOT_FOUND)
    if not order.email:
        raise CaseError("This order has no customer email address to reply to.", Code.REQUIRED, "email")
    channel = clean_staff_channel(data.get("channel") or CaseChannel.STAFF)
    return open_case(
        settings=runtime.settings,
        author=actor,
        origin=channel,
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        email=order.email,
        order=case_order(order),
        category=data.get("category") or CaseCategory.OTHER,
        priority=data.get("priority") or CasePriority.NORMAL,
    )
