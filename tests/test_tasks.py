import datetime
import json
import os
import threading
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from saleor_support_plugin import tasks
from saleor_support_plugin.delays.scan import scan_delays
from saleor_support_plugin.email.delivery import MAX_SEND_ATTEMPTS, retry_delay_seconds
from saleor_support_plugin.models import DelayNotice, DelayNoticeStatus, DelayWatch
from saleor_support_plugin.tasks import (
    enqueue_notice_delivery,
    order_changed_task,
    scan_delays_task,
    send_delay_notice_task,
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
    send_delay_notice_task.delay(notice_id)
    send_delay_notice_task.delay(notice_id)  # a broker redelivery
    assert len(mail.outbox) == 1


def test_send_tasks_are_acknowledged_late_and_given_back_if_their_worker_dies():
    # Safe because the claim lets one run through: the redelivery tests above and in test_delivery_recovery.
    for task in (tasks.send_delay_notice_task, tasks.send_case_email_task):
        assert (task.acks_late, task.reject_on_worker_lost) == (True, True)


def test_a_task_of_the_old_batch_format_still_sends_each_email(late_order, runtime, django_capture_on_commit_callbacks):
    order_changed_task.delay(str(late_order.id))
    notice_id = scan_delays(timezone.now(), lambda ids: None).notice_ids[0]
    send_delay_notices_task.delay([notice_id], attempt=0)  # published before the upgrade
    assert len(mail.outbox) == 1
    assert DelayNotice.objects.get().status == DelayNoticeStatus.SENT


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
    DelayNotice.objects.filter(pk=notice_id).update(attempts=2)  # tried twice before
    before = timezone.now()
    with mock.patch.object(send_delay_notice_task, "apply_async") as apply_async:
        send_delay_notice_task(notice_id)
    notice = DelayNotice.objects.get()
    assert notice.status == DelayNoticeStatus.RETRYING
    assert (
        before + datetime.timedelta(seconds=240) <= notice.retry_at <= timezone.now() + datetime.timedelta(seconds=240)
    )
    apply_async.assert_called_once_with(args=[notice_id], eta=notice.retry_at)
    # Celery carries the arguments as JSON: an id only, never settings or secrets.
    assert json.loads(json.dumps(apply_async.call_args.kwargs["args"])) == [notice_id]


def test_last_attempt_gives_up(notice_failing_once):
    notice_id, backend = notice_failing_once
    backend.errors = [api_error(503)]
    DelayNotice.objects.filter(pk=notice_id).update(attempts=MAX_SEND_ATTEMPTS - 1)
    with mock.patch.object(send_delay_notice_task, "apply_async") as apply_async:
        send_delay_notice_task(notice_id)
    apply_async.assert_not_called()
    assert DelayNotice.objects.get().status == DelayNoticeStatus.FAILED


def test_backoff_grows_and_is_capped():
    assert [retry_delay_seconds(n) for n in range(7)] == [60, 120, 240, 480, 960, 1920, 3600]


def test_each_notice_gets_a_task_of_its_own():
    """A worker that dies takes at most the one email in flight with it, not the rest of a batch; the scan
    publishes chunks of ids (cheap), which a worker splits into one task per notice."""
    with mock.patch.object(send_delay_notices_task, "delay") as publish_chunk:
        enqueue_notice_delivery(list(range(120)))
    assert [call.args for call in publish_chunk.call_args_list] == [
        (list(range(0, 50)),),
        (list(range(50, 100)),),
        (list(range(100, 120)),),
    ]
    # (tasks run eagerly here; with a broker the split publishes over one connection: the Saleor tier's
    # worker-crash test runs that path)
    with mock.patch.object(send_delay_notice_task, "delay") as publish_one:
        send_delay_notices_task(list(range(50)))
    assert [call.args for call in publish_one.call_args_list] == [(n,) for n in range(50)]


def test_a_single_email_is_published_as_its_own_task():
    with mock.patch.object(send_delay_notice_task, "delay") as publish_one:
        enqueue_notice_delivery([7])
    publish_one.assert_called_once_with(7)


class RecordedPublishes:
    """The publish step of PendingOrderChanges, recording each message's order ids (the broker is its boundary)."""

    def __init__(self, failures: int = 0) -> None:
        self.messages: list[list[str]] = []
        self.failures = failures
        self.published = threading.Event()

    def __call__(self, order_ids: list[str]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker unavailable")
        self.messages.append(order_ids)
        self.published.set()


def test_the_hooks_of_one_request_become_one_message_published_after_it():
    publishes = RecordedPublishes()
    pending = tasks.PendingOrderChanges(publishes, delay=0.3)
    for _hook in range(4):  # orderFulfill fires four hooks
        pending.add("order-1")
    pending.add("order-2")
    assert publishes.messages == []  # the request returns before anything is published
    assert publishes.published.wait(timeout=5)
    assert publishes.messages == [["order-1", "order-2"]]


def test_a_change_reported_after_a_publish_is_published_again():
    publishes = RecordedPublishes()
    pending = tasks.PendingOrderChanges(publishes, delay=0.1)
    pending.add("order-1")
    assert publishes.published.wait(timeout=5)
    publishes.published.clear()
    pending.add("order-1")
    assert publishes.published.wait(timeout=5)
    assert publishes.messages == [["order-1"], ["order-1"]]


def test_orders_stay_pending_while_the_broker_refuses():
    publishes = RecordedPublishes(failures=1)
    pending = tasks.PendingOrderChanges(publishes, delay=3600)  # the thread stays asleep: flushed by hand
    pending.add("order-1")
    with pytest.raises(ConnectionError):
        pending.flush()
    pending.add("order-2")
    assert pending.flush() == 2
    assert publishes.messages == [["order-1", "order-2"]]
    assert pending.flush() == 0


def test_a_forked_child_does_not_publish_what_its_parent_holds():
    publishes = RecordedPublishes()
    pending = tasks.PendingOrderChanges(publishes, delay=3600)
    pending.add("order-1")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child process
        pending.add("order-2")
        os.write(write, json.dumps([pending.flush(), publishes.messages]).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read) as pipe:
        assert json.loads(pipe.read()) == [1, [["order-2"]]]
    assert pending.flush() == 1
    assert publishes.messages == [["order-1"]]


def test_without_a_broker_every_change_is_handled_at_once(late_order, runtime):
    tasks.enqueue_order_change(str(late_order.id))
    assert DelayWatch.objects.filter(order_id=late_order.id).count() == 1


def test_a_published_message_handles_each_of_its_orders(orders, runtime):
    paid = timezone.now() - datetime.timedelta(days=14)
    late = [orders.put(make_order(created_at=paid, paid_at=paid)) for _ in range(3)]
    tasks.orders_changed_task.delay([str(order.id) for order in late])
    assert DelayWatch.objects.filter(order_id__in=[order.id for order in late]).count() == 3
