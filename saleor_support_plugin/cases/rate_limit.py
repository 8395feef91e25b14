"""The guest limits: cases opened per email address and per client address in the last hour.

Counted from `GuestCaseOpening` rows in the database, which every web worker shares (Django's cache is per
process where Saleor's CACHE_URL is unset). Only cases actually opened count: a refused attempt (bad input,
unknown order, over the limit) leaves no row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from saleor_support_plugin.models import GuestCaseOpening, SupportCase

WINDOW = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class GuestLimits:
    per_email: int
    per_ip: int


def within_limits(email: str, ip: str, limits: GuestLimits, now: datetime.datetime | None = None) -> bool:
    """Whether a guest may open one more case. Call inside the transaction that opens it: the keys stay locked
    until it ends, so two requests at once cannot both take the last place."""
    since = (now or timezone.now()) - WINDOW
    with connection.cursor() as cursor:
        for key in sorted((f"saleor-support-guest:email:{email}", f"saleor-support-guest:ip:{ip}")):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
    recent = GuestCaseOpening.objects.filter(created_at__gte=since)
    return recent.filter(email=email).count() < limits.per_email and recent.filter(ip=ip).count() < limits.per_ip


def record_opening(case: SupportCase, email: str, ip: str) -> None:
    GuestCaseOpening.objects.filter(created_at__lt=case.created_at - WINDOW).delete()
    GuestCaseOpening.objects.create(case=case, email=email, ip=ip, created_at=case.created_at)
