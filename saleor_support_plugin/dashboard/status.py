"""Live figures for the read-only status fields on the plugin's Dashboard page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Model, Q

from saleor_support_plugin.cases.queries import overdue_q
from saleor_support_plugin.email.delivery import NOT_SENT, SENDING
from saleor_support_plugin.models import OPEN_CASE_STATUSES, CaseEmail, DelayNotice, DelayNoticeStatus, SupportCase

NOTICE_WINDOW = datetime.timedelta(days=7)
# A send takes seconds (claim, render, one HTTP request with anymail's 30 s timeout, record). One still
# `sending` after this lost its worker, even before the scan or its redelivered task marks it interrupted.
SHOWN_INTERRUPTED_AFTER = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class SupportStatus:
    open_cases: int
    overdue_cases: int
    notices_sent_7_days: int
    notices_not_sent: int
    case_emails_not_sent: int


def support_status(now: datetime.datetime, database: str = "default") -> SupportStatus:
    cases = SupportCase.objects.using(database)
    notices = DelayNotice.objects.using(database)
    return SupportStatus(
        open_cases=cases.filter(status__in=OPEN_CASE_STATUSES).count(),
        overdue_cases=cases.filter(overdue_q(now)).count(),
        notices_sent_7_days=notices.filter(status=DelayNoticeStatus.SENT, sent_at__gte=now - NOTICE_WINDOW).count(),
        notices_not_sent=not_sent_count(DelayNotice, now, database),
        case_emails_not_sent=not_sent_count(CaseEmail, now, database),
    )


def not_sent_count(model: type[Model], now: datetime.datetime, database: str = "default") -> int:
    """Emails that did not and will not go out: refused, or interrupted mid-send (marked, or claimed so long
    ago that the send cannot still be running)."""
    not_sent = Q(status__in=NOT_SENT) | Q(status=SENDING, claimed_at__lt=now - SHOWN_INTERRUPTED_AFTER)
    return model._default_manager.using(database).filter(not_sent).count()
