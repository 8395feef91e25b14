"""Which service-level targets of open cases have come to be at risk or breached and were not yet acted on.

Each target is watched through its due time and its at-risk time (stamped by the clock): a case whose clock
runs (not waiting on the customer), whose target is not met, and that has no `ServiceLevelEvent` of that
kind for the target and its cycle yet. Rows are locked with SKIP LOCKED, so two scans never take the same case.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Value

from saleor_support_plugin.core.service_policies import TARGETS
from saleor_support_plugin.models import OPEN_CASE_STATUSES, ServiceLevelEvent, ServiceLevelEventKind, SupportCase
from saleor_support_plugin.service_levels.clock import due_field, risk_field

TARGET_NAMES = {target: target.replace("_", " ") for target in TARGETS}
# A breach is looked at first: a case found both at risk and breached in one scan is escalated only.
WATCHED = tuple(
    (target, kind) for kind in (ServiceLevelEventKind.BREACHED, ServiceLevelEventKind.AT_RISK) for target in TARGETS
)


@dataclass(frozen=True)
class DueEvent:
    case: SupportCase
    target: str
    kind: str
    cycle: int
    due_at: datetime.datetime


def _pending(target: str, kind: str, now: datetime.datetime) -> Q:
    due, risk = due_field(target), risk_field(target)
    condition = Q(status__in=OPEN_CASE_STATUSES, clock_stopped_at__isnull=True)
    if target == "first_response":
        condition &= Q(first_response_at__isnull=True)
    if kind == ServiceLevelEventKind.BREACHED:
        return condition & Q(**{f"{due}__lt": now})
    return condition & Q(**{f"{risk}__lte": now, f"{due}__gte": now})


def claim_due_events(now: datetime.datetime, limit: int) -> list[DueEvent]:
    """Lock up to `limit` cases with a target newly at risk or breached, and record the events (inside the
    caller's transaction). The same case appears once per claim; the next claim finds the rest."""
    events: list[DueEvent] = []
    taken: set[int] = set()
    for target, kind in WATCHED:
        cycle = OuterRef("next_response_cycle") if target == "next_response" else Value(0)
        done = ServiceLevelEvent.objects.filter(case=OuterRef("pk"), target=target, kind=kind, cycle=cycle)
        cases = (
            SupportCase.objects.select_for_update(skip_locked=True)
            .filter(_pending(target, kind, now))
            .exclude(pk__in=taken)
            .filter(~Exists(done))
            .order_by("pk")[: limit - len(events)]
        )
        for case in cases:
            cycle_number = case.next_response_cycle if target == "next_response" else 0
            due_at = getattr(case, due_field(target))
            ServiceLevelEvent.objects.create(
                case=case, target=target, kind=kind, cycle=cycle_number, due_at=due_at, created_at=now
            )
            if kind == ServiceLevelEventKind.BREACHED:
                # Being breached, it can no longer be newly at risk: no late at-risk notice after the breach.
                ServiceLevelEvent.objects.get_or_create(
                    case=case,
                    target=target,
                    kind=ServiceLevelEventKind.AT_RISK,
                    cycle=cycle_number,
                    defaults={"due_at": due_at, "created_at": now},
                )
            events.append(DueEvent(case, target, kind, cycle_number, due_at))
            taken.add(case.pk)
        if len(events) >= limit:
            break
    return events
