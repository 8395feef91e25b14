"""A real Celery worker (Saleor's app, `saleor.celeryconf:app`) killed with SIGKILL in the middle of sending
20 due delay notices, with a real Redis broker and the plugin sending through anymail's Mailgun backend to a
local Mailgun stub. Afterwards every notice was either sent exactly once or is shown as not sent, at once.

The worker processes use Saleor's production settings (`saleor.settings`) against this test's database, so
the test commits its data (a transactional test) and hands the worker the database's address.
"""

from __future__ import annotations

import collections
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone
from saleor.order.models import Order

from saleor_support_plugin.dashboard.status import support_status
from saleor_support_plugin.models import DelayNotice
from saleor_support_plugin.tasks import SCAN_TASK_NAME, order_changed_task
from tests.provider_stub import MailgunStub
from tests.redis_server import running_redis, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

REPO = Path(__file__).resolve().parents[2]
NOTICES = 20
KILL_AFTER = 10  # the worker is killed while it sends the 11th email


@pytest.fixture
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


class Workers:
    """`celery --app saleor.celeryconf:app worker` processes on this test's database and broker."""

    def __init__(self, broker_url: str, log_dir: Path) -> None:
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "saleor.settings",
            "DATABASE_URL": (
                f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": broker_url,
            "SECRET_KEY": "saleor-support-plugin-worker-test",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
        self.env.pop("DATABASE_URL_REPLICA", None)
        self.log_dir = log_dir
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        log = self.log_dir / f"{name}.log"
        command = [sys.executable, "-m", "celery", "--app", "saleor.celeryconf:app", "worker", "--pool", "solo"]
        command += ["--hostname", f"{name}@%h", "--without-mingle", "--without-gossip", "--loglevel", "INFO"]
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, env=self.env, cwd=REPO, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append(process)
        wait_for(lambda: b" ready." in log.read_bytes() or process.poll() is not None, f"{name} to start", 180)
        assert process.poll() is None, log.read_text()[-3000:]
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


@pytest.fixture
def late_orders(order_generator, order_lines_generator, variant, support_plugin) -> Callable[[str], list[Order]]:
    """NOTICES orders, each with its own buyer address, unshipped 14 days after they were placed."""

    def create(api_url: str) -> list[Order]:
        support_plugin(
            email_provider="mailgun",
            email_provider_api_key="key-worker-test",
            email_provider_options=json.dumps({"api_url": api_url}),
            sender_address="support@shop.example",
            handling_starts_at="creation",
            case_after_late_days="",
        )
        orders = []
        for index in range(NOTICES):
            order = order_generator(user_email=f"buyer{index}@example.com")
            order_lines_generator(order, [variant], [10], [1], create_allocations=False)
            Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - datetime.timedelta(days=14))
            order_changed_task.delay(str(order.pk))  # Saleor's test settings run tasks eagerly, here
            orders.append(order)
        return orders

    return create


def test_a_worker_killed_mid_batch_loses_nothing_silently_and_sends_nothing_twice(
    late_orders, redis_url, tmp_path, settings
):
    broker = Celery("test-publisher", broker=redis_url)
    workers = Workers(redis_url, tmp_path)
    with MailgunStub(delay=0.05, hold_after=KILL_AFTER) as provider:
        orders = late_orders(provider.api_url)
        try:
            # given a worker running the periodic scan, which queues the 20 due notices
            first = workers.start("first")
            broker.send_task(SCAN_TASK_NAME)
            # when it is killed in the middle of the 11th send (the provider holds that request open)
            wait_for(lambda: len(provider.received) == KILL_AFTER + 1, "the worker to reach the 11th send")
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
            provider.release()
            in_flight = provider.received[KILL_AFTER]["to"]
            # what the issue saw: 10 sent, one claimed by the dead worker, 9 still queued
            statuses = collections.Counter(DelayNotice.objects.values_list("status", flat=True))
            assert statuses == {"sent": KILL_AFTER, "sending": 1, "pending": NOTICES - KILL_AFTER - 1}

            # and another worker starts, and the next periodic scan runs
            workers.start("second")
            wait_for(lambda: len(provider.received) == NOTICES, "the rest of the notices to be sent", 180)
            broker.send_task(SCAN_TASK_NAME)
            wait_for(lambda: not DelayNotice.objects.filter(status="sending").exists(), "the scan")
            time.sleep(1)  # anything else still queued would show at the provider by now
        finally:
            workers.stop_all()

    # then no email went out twice
    sends = collections.Counter(provider.recipients())
    assert sends == collections.Counter(order.user_email for order in orders)
    # and every notice was sent, or is shown as not sent at once: the one interrupted mid-send
    notices = {notice.order_id: notice for notice in DelayNotice.objects.all()}
    assert len(notices) == NOTICES
    by_email = {order.user_email: notices[order.pk] for order in orders}
    assert {email: notice.status for email, notice in by_email.items()} == {
        email: "interrupted" if email == in_flight else "sent" for email in by_email
    }
    assert support_status(timezone.now()).notices_not_sent == 1
