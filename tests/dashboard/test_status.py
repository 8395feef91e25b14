import datetime

import pytest

from saleor_support_plugin.dashboard.status import support_status
from saleor_support_plugin.models import CaseStatus, DelayNotice, DelayNoticeStatus, SupportCase
from tests.conftest import MONDAY

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def make_case(status=CaseStatus.OPEN, first_response_due_at=None, resolution_due_at=None) -> SupportCase:
    return SupportCase.objects.create(
        origin="storefront",
        subject="Where is my mug?",
        status=status,
        created_at=MONDAY - 100 * HOUR,
        last_message_at=MONDAY - 100 * HOUR,
        first_response_due_at=first_response_due_at,
        resolution_due_at=resolution_due_at,
    )


def test_counts_open_and_overdue_cases_and_notices_sent_in_the_last_seven_days():
    make_case(first_response_due_at=MONDAY + HOUR)
    make_case(first_response_due_at=MONDAY - HOUR)  # overdue
    make_case(status=CaseStatus.WAITING_ON_CUSTOMER, resolution_due_at=MONDAY - HOUR)  # overdue
    make_case(status=CaseStatus.RESOLVED, first_response_due_at=MONDAY - HOUR)  # closed work: neither
    for index, (status, sent_at) in enumerate(
        [
            (DelayNoticeStatus.SENT, MONDAY - HOUR),
            (DelayNoticeStatus.SENT, MONDAY - datetime.timedelta(days=6, hours=23)),
            (DelayNoticeStatus.SENT, MONDAY - datetime.timedelta(days=8)),  # older than a week
            (DelayNoticeStatus.FAILED, None),
            (DelayNoticeStatus.INTERRUPTED, None),  # its worker died mid-send (marked by the scan)
            (DelayNoticeStatus.SENDING, None),  # claimed long ago, not marked yet: interrupted too
            (DelayNoticeStatus.SENDING, None),  # being sent right now
        ]
    ):
        DelayNotice.objects.create(
            order_id=f"8d4c9c4e-0000-4000-8000-{index:012d}",
            stage="not_shipped",
            status=status,
            due_at=MONDAY,
            sent_at=sent_at,
        )

    interrupted, in_flight = DelayNotice.objects.filter(status=DelayNoticeStatus.SENDING).order_by("pk")
    DelayNotice.objects.filter(pk=interrupted.pk).update(claimed_at=MONDAY - 10 * datetime.timedelta(minutes=1))
    DelayNotice.objects.filter(pk=in_flight.pk).update(claimed_at=MONDAY - datetime.timedelta(seconds=5))

    status = support_status(MONDAY)

    assert (status.open_cases, status.overdue_cases, status.notices_sent_7_days) == (3, 2, 2)
    assert status.notices_not_sent == 3  # failed, interrupted, and claimed ten minutes ago
