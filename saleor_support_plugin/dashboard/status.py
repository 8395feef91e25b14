"""Live figures for the read-only status fields on the plugin's Dashboard page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from ..case_queries import overdue_q
from ..models import OPEN_CASE_STATUSES, DelayNotice, DelayNoticeStatus, SupportCase

NOTICE_WINDOW = datetime.timedelta(days=7)
# A notice is claimed (sending) for seconds; one still sending after this was interrupted and is never resent.
INTERRUPTED_AFTER = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class SupportStatus:
    open_cases: int
    overdue_cases: int
    notices_sent_7_days: int
    notices_not_sent: int


def support_status(now: datetime.datetime, database: str = "default") -> SupportStatus:
    cases = SupportCase.objects.using(database)
    notices = DelayNotice.objects.using(database)
    not_sent = Q(status=DelayNoticeStatus.FAILED) | Q(
        status=DelayNoticeStatus.SENDING, updated_at__lt=now - INTERRUPTED_AFTER
    )
    return SupportStatus(
        open_cases=cases.filter(status__in=OPEN_CASE_STATUSES).count(),
        overdue_cases=cases.filter(overdue_q(now)).count(),
        notices_sent_7_days=notices.filter(status=DelayNoticeStatus.SENT, sent_at__gte=now - NOTICE_WINDOW).count(),
        notices_not_sent=notices.filter(not_sent).count(),
    )
