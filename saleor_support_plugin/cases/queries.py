"""Finding cases: the filters staff use on the support queue, as a plain function of Python values."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from saleor_support_plugin.core.text import is_storable, whole_number
from saleor_support_plugin.models import OPEN_CASE_STATUSES, SupportCase


@dataclass(frozen=True)
class CaseFilter:
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    assignee_ids: tuple[int, ...] = ()
    unassigned: bool | None = None
    order_ids: tuple[uuid.UUID, ...] = ()
    customer: str = ""
    overdue: bool | None = None
    search: str = ""


def overdue_q(now: datetime.datetime) -> Q:
    response_late = Q(first_response_at__isnull=True, first_response_due_at__lt=now)
    return Q(status__in=OPEN_CASE_STATUSES) & (response_late | Q(resolution_due_at__lt=now))


def filter_cases(cases: QuerySet[SupportCase], spec: CaseFilter, now: datetime.datetime) -> QuerySet[SupportCase]:
    if not (is_storable(spec.customer) and is_storable(spec.search)):
        return cases.none()  # no stored text holds a NUL or a lone surrogate: nothing can match
    for field, values in (
        ("status", spec.statuses),
        ("priority", spec.priorities),
        ("category", spec.categories),
        ("origin", spec.channels),
        ("assignee_id", spec.assignee_ids),
        ("order_id", spec.order_ids),
    ):
        if values:
            cases = cases.filter(**{f"{field}__in": values})
    if spec.unassigned is not None:
        cases = cases.filter(assignee_id__isnull=spec.unassigned)
    if spec.customer:
        cases = cases.filter(customer_email__icontains=spec.customer.strip())
    if spec.overdue is not None:
        cases = cases.filter(overdue_q(now)) if spec.overdue else cases.exclude(overdue_q(now))
    if spec.search.strip():
        cases = cases.filter(search_q(spec.search.strip()))
    return cases


def search_q(text: str) -> Q:
    """Case number, order number, subject or customer email."""
    number = text.lstrip("#")
    query = Q(subject__icontains=text) | Q(customer_email__icontains=text) | Q(order_number=number)
    case_number = whole_number(number)
    if case_number is not None:
        query |= Q(pk=case_number)
    return query
