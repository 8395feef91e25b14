"""Emails whose task or worker was lost: queued again by the scan if never claimed, reported if interrupted
mid-send, never sent twice. (The same with a real Celery worker killed mid-batch: tests/in_saleor/.)"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from saleor_support_plugin.cases.emails import deliver_case_email
from saleor_support_plugin.dashboard.status import support_status
from saleor_support_plugin.delays.notices import deliver_delay_notice
from saleor_support_plugin.delays.order_changes import handle_order_change
from saleor_support_plugin.delays.scan import recover_deliveries, scan_delays
from saleor_support_plugin.email.delivery import LOCK_NAMESPACES, REQUEUE_AFTER, Delivery
from saleor_support_plugin.models import CaseEmail, CaseEmailKind, DelayNotice, DelayNoticeStatus
from saleor_support_plugin.tasks import delivery_queues, scan_delays_task
from tests.conftest import make_order, open_customer_case

pytestmark = pytest.mark.django_db(transaction=True)

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def queued_notices(orders, runtime):
    """Three late orders scanned into queued notices whose send tasks were lost (never published)."""
    now = timezone.now()
    for _ in range(3):
        order = orders.put(make_order(created_at=now - 14 * 24 * 60 * MINUTE, paid_at=now - 14 * 24 * 60 * MINUTE))
        handle_order_change(order.id, runtime)
    return scan_delays(now, lambda ids: None).notice_ids


def statuses() -> list[str]:
    return list(DelayNotice.objects.order_by("pk").values_list("status", flat=True))


def age(model, pks, by: datetime.timedelta, **fields) -> None:
    """Pretend the rows were last touched `by` ago (what the periodic scan sees some runs later)."""
    model.objects.filter(pk__in=pks).update(updated_at=timezone.now() - by, **fields)


@contextmanager
def worker_sending(model, pk) -> Iterator[None]:
    """Another worker process in the middle of sending this record: its own database session holds the
    record's send lock, as email_delivery.send_lock takes it."""
    params = connection.get_connection_params()
    with psycopg.connect(
        host=params["host"], port=params["port"], user=params["user"], dbname=params["dbname"], autocommit=True
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACES[model._meta.model_name], pk])
        yield


def test_the_scan_queues_again_notices_whose_task_was_lost_and_each_is_sent_once(queued_notices, runtime):
    lost = queued_notices[:2]
    age(DelayNotice, lost, REQUEUE_AFTER + MINUTE)

    scan_delays_task.delay()  # eager: the re-queued tasks run after the scan commits

    assert statuses() == ["sent", "sent", "pending"]  # a notice queued just now still has its task coming
    assert len(mail.outbox) == 2
    scan_delays_task.delay()
    assert len(mail.outbox) == 2  # sent ones are never queued again


def test_a_retry_that_never_came_is_queued_again_and_a_scheduled_one_is_left_alone(queued_notices, runtime):
    overdue, scheduled = queued_notices[:2]
    now = timezone.now()
    DelayNotice.objects.filter(pk=overdue).update(status="retrying", retry_at=now - REQUEUE_AFTER - MINUTE)
    DelayNotice.objects.filter(pk=scheduled).update(status="retrying", retry_at=now + 4 * MINUTE)

    queued: list[int] = []
    summary = recover_deliveries(now, {DelayNotice: queued.extend})

    assert queued == summary.requeued_notices == [overdue]
    queued.clear()
    assert recover_deliveries(now + MINUTE, {DelayNotice: queued.extend}).requeued == 0  # not twice in a row


def test_a_notice_whose_worker_died_mid_send_is_reported_at_once_and_never_resent(queued_notices, runtime):
    died = queued_notices[0]
    # The worker claimed it (and may have handed it to the provider), then was killed: its session, and with
    # it the send lock, is gone. Only seconds have passed.
    DelayNotice.objects.filter(pk=died).update(status="sending", claimed_at=timezone.now(), attempts=1)
    age(DelayNotice, queued_notices, REQUEUE_AFTER + MINUTE)

    scan_delays_task.delay()

    assert statuses() == ["interrupted", "sent", "sent"]
    assert len(mail.outbox) == 2
    assert "Interrupted mid-send" in DelayNotice.objects.get(pk=died).failure_reason
    assert support_status(timezone.now()).notices_not_sent == 1


def test_a_notice_being_sent_by_a_live_worker_is_left_to_it(queued_notices, runtime):
    in_flight = queued_notices[0]
    DelayNotice.objects.filter(pk=in_flight).update(status="sending", claimed_at=timezone.now(), attempts=1)
    with worker_sending(DelayNotice, in_flight):
        summary = recover_deliveries(timezone.now(), {DelayNotice: lambda ids: None, CaseEmail: lambda ids: None})
        # A duplicate task for it neither sends nor disturbs it.
        assert deliver_delay_notice(in_flight, runtime, timezone.now()) is Delivery.NOT_CLAIMED
        assert support_status(timezone.now()).notices_not_sent == 0
    assert summary.interrupted == 0
    assert DelayNotice.objects.get(pk=in_flight).status == "sending"
    assert mail.outbox == []


def test_the_redelivered_task_of_a_dead_worker_reports_its_email_without_sending_it(queued_notices, runtime):
    notice_id = queued_notices[0]
    DelayNotice.objects.filter(pk=notice_id).update(
        status="sending", claimed_at=timezone.now(), claimed_by="task-1", attempts=1
    )

    # acks_late: the broker hands the killed worker's message to another worker.
    assert deliver_delay_notice(notice_id, runtime, timezone.now(), task_id="task-1") is Delivery.NOT_CLAIMED

    assert DelayNotice.objects.get(pk=notice_id).status == DelayNoticeStatus.INTERRUPTED
    assert mail.outbox == []


def test_a_claim_records_when_and_by_which_task(queued_notices, runtime):
    before = timezone.now()
    assert deliver_delay_notice(queued_notices[0], runtime, before, task_id="task-7") is Delivery.SENT
    notice = DelayNotice.objects.get(pk=queued_notices[0])
    assert notice.claimed_by == "task-7"
    assert before <= notice.claimed_at <= timezone.now()


@pytest.fixture
def case_email(runtime):
    # Its acknowledgement is sent on commit; the tests put it back in the state they model.
    case = open_customer_case(runtime.settings)
    return CaseEmail.objects.get(case=case, kind=CaseEmailKind.ACKNOWLEDGEMENT)


def test_a_case_email_whose_task_was_lost_is_sent_once_by_a_later_scan(case_email, runtime):
    mail.outbox.clear()
    age(CaseEmail, [case_email.pk], REQUEUE_AFTER + MINUTE, status="pending")
    summary = recover_deliveries(timezone.now(), delivery_queues())
    assert summary.requeued_case_emails == [case_email.pk]
    assert CaseEmail.objects.get(pk=case_email.pk).status == "sent"
    assert len(mail.outbox) == 1
    assert deliver_case_email(case_email.pk, runtime, timezone.now()) is Delivery.NOT_CLAIMED
    assert len(mail.outbox) == 1


def test_a_case_email_interrupted_mid_send_is_counted_not_sent(case_email, runtime):
    mail.outbox.clear()
    CaseEmail.objects.filter(pk=case_email.pk).update(status="sending", claimed_at=timezone.now(), attempts=1)
    assert support_status(timezone.now()).case_emails_not_sent == 0  # claimed seconds ago: may be in flight
    summary = recover_deliveries(timezone.now(), delivery_queues())
    assert summary.interrupted == 1
    assert CaseEmail.objects.get(pk=case_email.pk).status == "interrupted"
    assert support_status(timezone.now()).case_emails_not_sent == 1
    assert mail.outbox == []


def test_a_retry_recorded_before_retry_at_existed_is_queued_again_after_the_longest_backoff(queued_notices, runtime):
    old, recent = queued_notices[:2]
    DelayNotice.objects.filter(pk__in=[old, recent]).update(status="retrying", retry_at=None)
    age(DelayNotice, [old], datetime.timedelta(hours=1) + REQUEUE_AFTER + MINUTE)
    age(DelayNotice, [recent], datetime.timedelta(minutes=30))

    queued: list[int] = []
    recover_deliveries(timezone.now(), {DelayNotice: queued.extend})

    assert queued == [old]


def test_every_kind_of_recorded_email_whose_task_was_lost_is_queued_again(runtime, django_capture_on_commit_callbacks):
    from saleor_support_plugin.models import OrderCheckIn, ReturnEmail

    check_in = OrderCheckIn.objects.create(order_id=make_order().id, send_after=timezone.now(), status="pending")
    return_email = ReturnEmail.objects.create(kind="requested", dedupe_key="return:1:requested")
    age(OrderCheckIn, [check_in.pk], REQUEUE_AFTER + MINUTE)
    age(ReturnEmail, [return_email.pk], REQUEUE_AFTER + MINUTE)
    queued: dict[str, list[int]] = {}
    queues = {
        model: (lambda ids, name=model.__name__: queued.setdefault(name, []).extend(ids)) for model in delivery_queues()
    }

    with django_capture_on_commit_callbacks(execute=True):
        recover_deliveries(timezone.now(), queues)

    assert queued == {"OrderCheckIn": [check_in.pk], "ReturnEmail": [return_email.pk]}
