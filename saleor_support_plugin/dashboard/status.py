"""Live figures for the read-only status fields on the plugin's Dashboard page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..case_queries import overdue_q
from ..models import OPEN_CASE_STATUSES, DelayNotice, DelayNoticeStatus, SupportCase

NOTICE_WINDOW = datetime.timedelta(days=7)


@dataclass(frozen=True)
class SupportStatus:
    open_cases: int
    overdue_cases: int
    notices_sent_7_days: int


def support_status(now: datetime.datetime, database: str = "default") -> SupportStatus:
    cases = SupportCase.objects.using(database)
    return SupportStatus(
        open_cases=cases.filter(status__in=OPEN_CASE_STATUSES).count(),
        overdue_cases=cases.filter(overdue_q(now)).count(),
        notices_sent_7_days=DelayNotice.objects.using(database)
        .filter(status=DelayNoticeStatus.SENT, sent_at__gte=now - NOTICE_WINDOW)
        .count(),
    )
