"""What the support pages show: plain queries over the plugin's tables, shared by the widget and the queue."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Case, F, OuterRef, QuerySet, Subquery, When

from saleor_support_plugin.cases.queries import CaseFilter, filter_cases
from saleor_support_plugin.cases.service import is_overdue
from saleor_support_plugin.core.text import whole_number
from saleor_support_plugin.models import (
    OPEN_CASE_STATUSES,
    CaseCategory,
    CaseChange,
    CaseMessage,
    CasePriority,
    CaseStatus,
    DelayNotice,
    SupportCase,
)

QUEUE_PAGE_SIZE = 50
ALL_OPEN = "all_open"  # the queue's default: every status that still needs work (not CaseStatus.OPEN alone)
SORTS = {
    "due": (F("next_due_at").asc(nulls_last=True), "pk"),
    "-due": (F("next_due_at").desc(nulls_last=True), "-pk"),
    "recent": (F("last_message_at").desc(), "-pk"),
    "priority": (
        Case(
            *(When(priority=value, then=rank) for rank, value in enumerate(reversed(CasePriority.values))),
            default=len(CasePriority.values),
        ).asc(),
        F("next_due_at").asc(nulls_last=True),
        "pk",
    ),
}
SORT_LABELS = {"due": "Due soonest", "-due": "Due latest", "recent": "Latest message", "priority": "Priority"}


@dataclass(frozen=True)
class QueueQuery:
    """The queue's filters, as the staff member chose them; anything unknown falls back to the default."""

    status: str = ALL_OPEN
    priority: str = ""
    category: str = ""
    assignee: str = ""  # "", "me", "none" or a staff user's id
    overdue: bool = False
    sort: str = "due"

    @classmethod
    def from_form(cls, data: Mapping[str, str]) -> QueueQuery:
        status = data.get("status", ALL_OPEN)
        assignee = data.get("assignee", "")
        return cls(
            status=status if status in ("", ALL_OPEN, *CaseStatus.values) else ALL_OPEN,
            priority=_choice(data.get("priority", ""), CasePriority.values),
            category=_choice(data.get("category", ""), CaseCategory.values),
            assignee=assignee if assignee in ("", "me", "none") or whole_number(assignee) is not None else "",
            overdue=data.get("overdue") in ("1", "on", "true"),
            sort=_choice(data.get("sort", "due"), SORTS) or "due",
        )

    def case_filter(self, user_id: int) -> CaseFilter:
        statuses = OPEN_CASE_STATUSES if self.status == ALL_OPEN else ((self.status,) if self.status else ())
        assignee_ids: tuple[int, ...] = ()
        if self.assignee == "me":
            assignee_ids = (user_id,)
        elif (assignee := whole_number(self.assignee)) is not None:
            assignee_ids = (assignee,)
        return CaseFilter(
            statuses=tuple(statuses),
            priorities=(self.priority,) if self.priority else (),
            categories=(self.category,) if self.category else (),
            assignee_ids=assignee_ids,
            unassigned=True if self.assignee == "none" else None,
            overdue=True if self.overdue else None,
        )


def _choice(value: str, allowed: object) -> str:
    return value if value in allowed else ""  # type: ignore[operator]


def with_summary(cases: QuerySet[SupportCase]) -> QuerySet[SupportCase]:
    """Each case with the time its next target falls due and its latest message, in the same query."""
    latest = CaseMessage.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-pk")
    return cases.annotate(
        next_due_at=Case(
            When(status__in=OPEN_CASE_STATUSES, first_response_at__isnull=True, then=F("first_response_due_at")),
            When(status__in=OPEN_CASE_STATUSES, then=F("resolution_due_at")),
            default=None,
        ),
        last_message_body=Subquery(latest.values("body")[:1]),
        last_message_internal=Subquery(latest.values("is_internal")[:1]),
        last_message_author=Subquery(latest.values("author_name")[:1]),
    )


def queue_cases(query: QueueQuery, user_id: int, now: datetime.datetime) -> list[SupportCase]:
    cases = filter_cases(SupportCase.objects.all(), query.case_filter(user_id), now)
    return _marked(list(with_summary(cases).order_by(*SORTS[query.sort])[:QUEUE_PAGE_SIZE]), now)


def order_cases(order_id: uuid.UUID, now: datetime.datetime) -> list[SupportCase]:
    cases = with_summary(SupportCase.objects.filter(order_id=order_id)).order_by("-created_at", "-pk")
    return _marked(list(cases), now)


def order_notices(order_id: uuid.UUID) -> list[DelayNotice]:
    return list(DelayNotice.objects.filter(order_id=order_id).order_by("created_at", "pk"))


@dataclass(frozen=True)
class CaseThread:
    case: SupportCase
    messages: list[CaseMessage]
    changes: list[CaseChange]
    notices: list[DelayNotice]


def case_thread(case_id: int, now: datetime.datetime) -> CaseThread | None:
    case = with_summary(SupportCase.objects.filter(pk=case_id)).first()
    if case is None:
        return None
    _marked([case], now)
    return CaseThread(
        case=case,
        messages=list(case.messages.order_by("created_at", "pk")),
        changes=list(case.changes.order_by("created_at", "pk")),
        notices=list(case.delay_notices.order_by("created_at", "pk")),
    )


def _marked(cases: list[SupportCase], now: datetime.datetime) -> list[SupportCase]:
    for case in cases:
        case.overdue = is_overdue(case, now)  # type: ignore[attr-defined]
    return cases
