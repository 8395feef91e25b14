"""What staff can do from the support pages: each action is one call into the case service (`cases/service.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping

from saleor_support_plugin.cases.service import Actor, CaseError, add_message, open_case, update_case
from saleor_support_plugin.cases.triggers import case_order
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.text import whole_number
from saleor_support_plugin.models import (
    STAFF_CHANNELS,
    CaseCategory,
    CaseChannel,
    CasePriority,
    CaseStatus,
    SupportCase,
)


def get_case(case_id: str) -> SupportCase:
    pk = whole_number(case_id)
    case = SupportCase.objects.filter(pk=pk).first() if pk is not None else None
    if case is None:
        raise CaseError("This case no longer exists.", "not_found")
    return case


def add_reply(case: SupportCase, actor: Actor, body: str) -> None:
    """A public reply: the customer sees it and gets it by email."""
    add_message(case, actor, body, is_internal=False)


def add_note(case: SupportCase, actor: Actor, body: str) -> None:
    """An internal note: staff only, never emailed to the customer."""
    add_message(case, actor, body, is_internal=True)


def change_case(case: SupportCase, actor: Actor, data: Mapping[str, str], staff_ids: Collection[int]) -> None:
    changes: dict[str, object] = {}
    for name, allowed in (
        ("status", CaseStatus.values),
        ("priority", CasePriority.values),
        ("category", CaseCategory.values),
    ):
        value = data.get(name, "")
        if value:
            changes[name] = _checked(name, value, allowed)
    if "assignee" in data:
        changes["assignee_id"] = _assignee(data["assignee"], staff_ids)
    update_case(case, actor, **changes)


def _checked(name: str, value: str, allowed: Collection[str]) -> str:
    if value not in allowed:
        raise CaseError(f"'{value}' is not a valid {name}.", "invalid", name)
    return value


def _assignee(value: str, staff_ids: Collection[int]) -> int | None:
    if not value:
        return None
    assignee = whole_number(value)
    if assignee is None or assignee not in staff_ids:
        raise CaseError("Assign the case to an active staff member.", "invalid", "assignee")
    return assignee


def open_order_case(runtime: SupportRuntime, actor: Actor, order_id: uuid.UUID, data: Mapping[str, str]) -> SupportCase:
    """A case staff open on an order, for example after the customer phoned."""
    order = runtime.gateway.get_order(order_id)
    if order is None:
        raise CaseError("This order no longer exists.", "not_found")
    if not order.email:
        raise CaseError("This order has no customer email address to reply to.", "required", "email")
    channel = data.get("channel") or CaseChannel.STAFF
    if channel not in STAFF_CHANNELS:
        raise CaseError("Choose how the customer got in touch: phone, email or staff.", "invalid", "channel")
    category = _checked("category", data.get("category") or CaseCategory.OTHER, CaseCategory.values)
    priority = _checked("priority", data.get("priority") or CasePriority.NORMAL, CasePriority.values)
    return open_case(
        settings=runtime.settings,
        author=actor,
        origin=channel,
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        email=order.email,
        order=case_order(order),
        category=category,
        priority=priority,
    )
