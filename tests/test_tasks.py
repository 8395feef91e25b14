import datetime
import json
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from saleor_support_plugin import tasks
from saleor_support_plugin.models import DelayNotice, DelayNoticeStatus, DelayWatch
from saleor_support_plugin.scan import scan_delays
from saleor_support_plugin.tasks import (
    enqueue_notice_delivery,
    order_changed_task,
    retry_delay_seconds,
    scan_delays_task,
    send_delay_notices_task,
)
from tests.conftest import api_error, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_order(orders):
    """A paid, unshipped order well past its handling time (relative to the real clock: tasks use now())."""
    paid = timezone.now() - datetime.timedelta(days=14)
    return orders.put(make_order(created_at=paid, paid_at=paid))


def test_refresh_task_watches_the_order(late_order, runtime):
    order_changed_task.delay(str(late_order.id))
    assert DelayWatch.objects.filter(order_id=late_order.id).count() == 1


def test_refresh_task_does_nothing_while_inactive(late_order, use_settings):
    use_settings(active=False)
    order_changed_task.delay(str(late_order.id))
    assert DelayWatch.objects.count() == 0


def test_scan_task_sends_each_due_notice_once(late_order, runtime, django_capture_on_commit_callbacks):
    order_changed_task.delay(str(late_order.id))
    with django_capture_on_commit_callbacks(execute=True):
        scan_delays_task.delay()
    with django_capture_on_commit_callbacks(execute=True):
        scan_delays_task.delay()
    assert len(mail.outbox) == 1
    assert DelayNotice.objects.get().status == DelayNoticeStatus.SENT


def test_duplicated_send_task_sends_once(late_order, runtime, django_capture_on_commit_callbacks):
    order_changed_task.delay(str(late_order.id))
    with django_capture_on_commit_callbacks(execute=False):
        scan_delays_task.delay()
    notice_id = DelayNotice.objects.get().pk
    send_delay_notices_task.delay([notice_id])
    send_delay_notices_task.delay([notice_id])  # a broker redelivery
    assert len(mail.outbox) == 1


@pytest.fixture
def notice_failing_once(late_order, runtime, settings, use_settings):
    """A queued notice whose first send raises the error the test sets on FailingBackend.errors."""
    from tests.failing_backend import FailingBackend

    use_settings(email_provider="")
    settings.EMAIL_BACKEND = "tests.failing_backend.FailingBackend"
    FailingBackend.errors, FailingBackend.sent = [], []
    order_changed_task.delay(str(late_order.id))
    return scan_delays(timezone.now(), lambda ids: None).notice_ids[0], FailingBackend


def test_transient_failure_schedules_a_retry_with_backoff(notice_failing_once):
    notice_id, backend = notice_failing_once
    backend.errors = [api_error(502)]
    with mock.patch.object(send_delay_notices_task, "apply_async") as apply_async:
        send_delay_notices_task([notice_id], attempt=2)
    apply_async.assert_called_once_with(args=[[notice_id]], kwargs={"attempt": 3}, countdown=240)
    # Celery carries the arguments as JSON: ids and a counter only, never settings or secrets.
    call = apply_async.call_args.kwargs
    assert json.loads(json.dumps({"args": call["args"], "kwargs": call["kwargs"]})) == {
        "args": [[notice_id]],
        "kwargs": {"attempt": 3},
    }
    assert DelayNotice.objects.get().status == DelayNoticeStatus.RETRYING


def test_last_attempt_gives_up(notice_failing_once):
    notice_id, backend = notice_failing_once
    backend.errors = [api_error(503)]
    with mock.patch.object(send_delay_notices_task, "apply_async") as apply_async:
        send_delay_notices_task([notice_id], attempt=tasks.MAX_SEND_ATTEMPTS - 1)
    apply_async.assert_not_called()
    assert DelayNotice.objects.get().status == DelayNoticeStatus.FAILED


def test_backoff_grows_and_is_capped():
    assert [retry_delay_seconds(n) for n in range(7)] == [60, 120, 240, 480, 960, 1920, 3600]


def test_notices_are_enqueued_in_chunks():
    with mock.patch.object(send_delay_notices_task, "delay") as delay:
        enqueue_notice_delivery(list(range(120)))
    assert [len(call.args[0]) for call in delay.call_args_list] == [50, 50, 20]


def test_hooks_for_one_order_in_one_request_publish_one_delayed_task(settings):
    from celery import current_app

    current_app.conf.task_always_eager = False
    tasks._recently_enqueued.clear()
    try:
        with mock.patch.object(tasks.order_changed_task, "apply_async") as apply_async:
            for _hook in range(4):  # orderFulfill fires four hooks
                tasks.enqueue_order_change("order-1")
            tasks.enqueue_order_change("order-2")
        assert apply_async.call_args_list == [
            mock.call(args=["order-1"], countdown=tasks.CHANGE_COUNTDOWN_SECONDS),
            mock.call(args=["order-2"], countdown=tasks.CHANGE_COUNTDOWN_SECONDS),
        ]
        # Once the window has passed, the next change publishes again.
        tasks._recently_enqueued["order-1"] -= tasks.CHANGE_WINDOW_SECONDS
        with mock.patch.object(tasks.order_changed_task, "apply_async") as apply_async:
            tasks.enqueue_order_change("order-1")
        apply_async.assert_called_once()
    finally:
        current_app.conf.task_always_eager = True


def test_without_a_broker_every_change_runs_at_once(orders, runtime):
    tasks._recently_enqueued.clear()
    with mock.patch.object(tasks.order_changed_task, "delay") as delay:
        tasks.enqueue_order_change("order-1")
        tasks.enqueue_order_change("order-1")
    assert delay.call_count == 2
