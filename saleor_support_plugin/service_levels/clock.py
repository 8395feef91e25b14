"""A case's service-level clock: targets stamped when it opens, paused while it waits on the customer (and
while it is resolved), measured when staff first answer and when it is resolved.

Each function reads a case (the plugin's `SupportCase`) and returns the field updates to save with the
change that caused them; none saves, queries or sends anything.

- Opening stamps the policy's targets and the due and at-risk times of the first response and resolution.
- A customer message, once staff have answered, starts a next-response target (its cycle is the message).
- A public staff reply records the first response (and its business time) and ends the next-response target.
- Waiting on the customer, resolved and closed stop the clock; going back to new or open starts it again and
  moves every due and at-risk time still ahead by the business time the clock stood still.
"""

from __future__ import annotations

import datetime
from typing import Any

from saleor_support_plugin.core.business_hours import ZERO, OpeningHours
from saleor_support_plugin.core.service_policies import TARGETS, Policy

STOPPED_STATUSES = ("waiting_on_customer", "resolved", "closed")
FINISHED_STATUSES = ("resolved", "closed")


def due_field(target: str) -> str:
    return f"{target}_due_at"


def risk_field(target: str) -> str:
    return f"{target}_risk_at"


def target_field(target: str) -> str:
    return f"{target}_target"


def stamp(
    case: Any, policy: Policy, hours: OpeningHours, at_risk_share: float, start: datetime.datetime
) -> dict[str, Any]:
    """The policy's targets, due and at-risk times from `start` (the case's opening)."""
    updates: dict[str, Any] = {"service_level_policy": policy.name}
    for target in TARGETS:
        updates[target_field(target)] = policy.target(target)
    for target in ("first_response", "resolution"):
        updates |= _due(target, policy.target(target), hours, at_risk_share, start)
    updates |= {due_field("next_response"): None, risk_field("next_response"): None}
    return updates


def _due(
    target: str, duration: datetime.timedelta, hours: OpeningHours, share: float, start: datetime.datetime
) -> dict[str, Any]:
    return {due_field(target): hours.add(start, duration), risk_field(target): hours.add(start, duration * share)}


def restamp(case: Any, policy: Policy, hours: OpeningHours, at_risk_share: float) -> dict[str, Any]:
    """Apply `policy` to an opened case on purpose: targets counted again from its opening, extended by the
    business time its clock stood still; targets already met keep their measured times."""
    updates = stamp(case, policy, hours, at_risk_share, case.created_at)
    for target in ("first_response", "resolution"):
        extended = policy.target(target) + case.paused_time
        updates |= _due(target, extended, hours, at_risk_share, case.created_at)
        updates[risk_field(target)] = hours.add(
            case.created_at, policy.target(target) * at_risk_share + case.paused_time
        )
    if case.next_response_due_at is not None and case.next_response_started_at is not None:
        updates |= _due("next_response", policy.next_response, hours, at_risk_share, case.next_response_started_at)
    return updates


def running_time(case: Any, hours: OpeningHours, now: datetime.datetime) -> datetime.timedelta:
    """Business time the case's clock has run since it opened."""
    total = hours.between(case.created_at, now) - (case.paused_time or ZERO)
    if case.clock_stopped_at is not None:
        total -= hours.between(case.clock_stopped_at, now)
    return max(total, ZERO)


def status_changed(case: Any, new_status: str, hours: OpeningHours, now: datetime.datetime) -> dict[str, Any]:
    old_status = case.status
    updates: dict[str, Any] = {}
    if new_status in FINISHED_STATUSES and old_status not in FINISHED_STATUSES:
        updates["resolution_time"] = running_time(case, hours, now)
    stops, was_stopped = new_status in STOPPED_STATUSES, old_status in STOPPED_STATUSES
    if stops and case.clock_stopped_at is None:
        updates["clock_stopped_at"] = now
    elif was_stopped and not stops and case.clock_stopped_at is not None:
        updates |= _resumed(case, hours, now)
    return updates


def _resumed(case: Any, hours: OpeningHours, now: datetime.datetime) -> dict[str, Any]:
    stopped = case.clock_stopped_at
    updates: dict[str, Any] = {"clock_stopped_at": None, "paused_time": case.paused_time + hours.between(stopped, now)}
    for target in TARGETS:
        for name in (due_field(target), risk_field(target)):
            moment = getattr(case, name)
            if moment is not None and moment > stopped:
                updates[name] = hours.add(now, hours.between(stopped, moment))
    return updates


def staff_replied(case: Any, hours: OpeningHours | None, at: datetime.datetime) -> dict[str, Any]:
    """`hours` is needed only for the first response (it is measured)."""
    updates: dict[str, Any] = {
        due_field("next_response"): None,
        risk_field("next_response"): None,
        "staff_replies": case.staff_replies + 1,
    }
    if case.first_response_at is None:
        if hours is None:
            raise ValueError("Measuring the first response needs the opening hours.")
        updates["first_response_at"] = at
        updates["first_response_time"] = running_time(case, hours, at)
    return updates


def customer_wrote(
    case: Any, hours: OpeningHours, at_risk_share: float, at: datetime.datetime, message_id: int
) -> dict[str, Any]:
    """A customer's message after staff answered starts the next-response target (unless one is running)."""
    target = case.next_response_target
    if case.first_response_at is None or case.next_response_due_at is not None or not target:
        return {}
    return {
        **_due("next_response", target, hours, at_risk_share, at),
        "next_response_cycle": message_id,
        "next_response_started_at": at,
    }
