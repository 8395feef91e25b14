import datetime
import threading

import pytest
from django.db import connection

from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.delays.scan import preview_due, scan_delays
from saleor_support_plugin.delays.watchlist import refresh_watches
from saleor_support_plugin.models import DelayNotice, DelayNoticeStatus, DelayWatch
from tests.conftest import MONDAY, make_order

NOW = MONDAY + datetime.timedelta(days=10)


def add_watch_rows(due_count: int, later_count: int, support_settings) -> None:
    refresh_watches([make_order() for _ in range(due_count)], support_settings)
    refresh_watches(
        [make_order(paid_at=NOW + datetime.timedelta(days=1)) for _ in range(later_count)], support_settings
    )


@pytest.mark.django_db
def test_scan_queues_one_notice_per_due_row_and_leaves_the_rest(support_settings):
    add_watch_rows(5, 3, support_settings)
    queued: list[list[int]] = []
    summary = scan_delays(NOW, queued.append, batch_size=2)
    assert (summary.due, summary.queued, summary.already_noticed) == (5, 5, 0)
    assert summary.by_stage == {DelayStage.NOT_SHIPPED: 5}
    assert DelayNotice.objects.filter(status=DelayNoticeStatus.PENDING).count() == 5
    assert DelayWatch.objects.count() == 3
    assert DelayWatch.objects.filter(due_at__lte=NOW).count() == 0


@pytest.mark.django_db
def test_enqueue_happens_only_after_commit(support_settings, django_capture_on_commit_callbacks):
    add_watch_rows(3, 0, support_settings)
    queued: list[list[int]] = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scan_delays(NOW, queued.append)
    assert queued == []
    for callback in callbacks:
        callback()
    assert sorted(notice_id for batch in queued for notice_id in batch) == sorted(
        DelayNotice.objects.values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_row_that_already_has_a_notice_queues_nothing(support_settings):
    order = make_order()
    refresh_watches([order], support_settings)
    DelayNotice.objects.create(order_id=order.id, stage=DelayStage.NOT_SHIPPED, due_at=MONDAY)
    queued: list[list[int]] = []
    summary = scan_delays(NOW, queued.append)
    assert (summary.due, summary.queued, summary.already_noticed) == (1, 0, 1)
    assert queued == []
    assert DelayWatch.objects.count() == 0


@pytest.mark.django_db
def test_second_scan_finds_nothing(support_settings):
    add_watch_rows(4, 0, support_settings)
    scan_delays(NOW, lambda ids: None)
    assert scan_delays(NOW, lambda ids: None).due == 0
    assert DelayNotice.objects.count() == 4


@pytest.mark.django_db
def test_dry_run_changes_nothing(support_settings):
    add_watch_rows(3, 2, support_settings)
    summary, rows = preview_due(NOW)
    assert summary.due == 3
    assert len(rows) == 3
    assert DelayWatch.objects.count() == 5
    assert DelayNotice.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_queue_each_notice_exactly_once(support_settings):
    add_watch_rows(200, 0, support_settings)
    queued: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def enqueue(ids: list[int]) -> None:
        with lock:
            queued.extend(ids)

    def scan() -> None:
        try:
            start.wait()
            scan_delays(NOW, enqueue, batch_size=7)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(queued) == 200
    assert len(set(queued)) == 200
    assert DelayNotice.objects.count() == 200
