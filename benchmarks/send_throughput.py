"""Benchmark (d): how many emails one worker process sends, and the plugin's own time per email.

    python benchmarks/send_throughput.py [--emails 300] [--answer-ms 0 50]

Each email goes the real sending path, as Saleor's worker runs it: the send task (`send_delay_notice_task`,
called in this process as the worker calls it) claims the queued notice under its lock, re-reads the order,
renders the email, sends it through django-anymail's real Mailgun backend (HTTP over a socket) to a local
stub of Mailgun's API on 127.0.0.1 answering after 0 ms and 50 ms, and records the outcome. Orders come from
the test runtime's in-memory gateway (no Saleor), so Saleor's order read and timeline insert are not included.

It prints emails per minute per worker process and the plugin's own time per email (everything but the wait
for the provider's HTTP answer, measured around `requests`), and how much of it went to SQL statements.
Target: the plugin's own work at most 10 ms per email, so a worker process is bound by the provider. Nothing
is asserted. Splitting a chunk of ids into one task per email costs about 1 ms more per email, in the worker
(publishing a Celery message); it is not included.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.postgres_server import PostgresServer  # noqa: E402

BENCH_DATA_DIR = "/var/tmp/saleor-support-plugin/bench-pgdata"


def setup_django(server: PostgresServer) -> None:
    os.environ.update(server.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "saleor_support_plugin", verbosity=0)


class HttpWait:
    """Wall time spent inside `requests` (connect, send, wait for and read the answer)."""

    def __init__(self) -> None:
        import requests

        self.seconds = 0.0
        self._original = requests.Session.request
        wait = self

        def timed(session: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return wait._original(session, *args, **kwargs)
            finally:
                wait.seconds += time.perf_counter() - started

        requests.Session.request = timed  # type: ignore[method-assign,assignment]


def queue_notices(count: int, api_url: str) -> list[int]:
    """`count` late orders in the test runtime, scanned into queued notices; the runtime sends via Mailgun."""
    from django.db import connection
    from django.utils import timezone

    from saleor_support_plugin.core.config import SupportSettings
    from saleor_support_plugin.core.runtime import SupportRuntime
    from saleor_support_plugin.delays.order_changes import handle_order_change
    from saleor_support_plugin.delays.scan import scan_delays
    from tests.conftest import make_order
    from tests.order_store import CURRENT, InMemoryOrders

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE saleor_support_plugin_delaywatch, saleor_support_plugin_delaynotice CASCADE")
    settings = SupportSettings(
        email_provider="mailgun",
        email_provider_api_key="key-benchmark",
        email_provider_options={"api_url": api_url},
        sender_address="support@shop.example",
        sender_name="Shop Support",
        support_email="help@shop.example",
        case_after_late_days=None,
    )
    orders = InMemoryOrders()
    runtime = SupportRuntime(active=True, settings=settings, gateway=orders)
    CURRENT["runtime"] = runtime
    late = timezone.now() - datetime.timedelta(days=14)
    for number in range(count):
        order = orders.put(make_order(number=str(5000 + number), email=f"buyer{number}@example.com", paid_at=late))
        handle_order_change(order.id, runtime)
    return scan_delays(timezone.now(), lambda ids: None).notice_ids


class DbTime:
    """Wall time of the plugin's SQL statements (round trips to PostgreSQL included), and their number."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


def send_all(notice_ids: list[int], http: HttpWait) -> tuple[float, float, list[float], DbTime]:
    from django.db import connection

    from saleor_support_plugin.tasks import send_delay_notice_task

    per_email: list[float] = []
    http.seconds = 0.0
    db = DbTime()
    started = time.perf_counter()
    with connection.execute_wrapper(db):
        for notice_id in notice_ids:
            before_total, before_http = time.perf_counter(), http.seconds
            send_delay_notice_task(notice_id)  # what the worker runs for the task's message
            per_email.append((time.perf_counter() - before_total) - (http.seconds - before_http))
    return time.perf_counter() - started, http.seconds, per_email, db


@contextmanager
def provider_stub(answer_ms: int) -> Iterator[tuple[str, list[int]]]:
    """The Mailgun stub in a process of its own, so its work is not counted as the plugin's."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.provider_stub", "--delay-ms", str(answer_ms)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    received: list[int] = []
    try:
        yield process.stdout.readline().strip(), received
    finally:
        process.send_signal(signal.SIGTERM)
        received.append(int(process.stdout.readline() or 0))
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=300)
    parser.add_argument("--answer-ms", type=int, nargs="+", default=[0, 50])
    args = parser.parse_args()

    with PostgresServer(data_dir=BENCH_DATA_DIR) as server:
        setup_django(server)
        from celery import Celery

        Celery("bench", task_always_eager=True).set_default()
        from saleor_support_plugin.models import DelayNotice

        http = HttpWait()
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print("path: send task -> claim (advisory lock + UPDATE) -> order -> render -> anymail mailgun -> record")
        header = f"{'answer ms':>9} {'emails':>7} {'emails/min/process':>19} {'plugin ms/email':>16}"
        print(f"{header} {'p95 ms':>7} {'of which SQL':>13} {'statements':>10} {'HTTP ms/email':>14}")
        for answer_ms in args.answer_ms:
            with provider_stub(answer_ms) as (api_url, received):
                send_all(queue_notices(20, api_url), http)  # warm up: imports, templates, connections
                notice_ids = queue_notices(args.emails, api_url)
                elapsed, http_seconds, own, db = send_all(notice_ids, http)
                sent = DelayNotice.objects.filter(status="sent").count()
            if sent != len(notice_ids) or received != [20 + len(notice_ids)]:
                print(f"  (sent {sent} of {len(notice_ids)}; the stub received {received})")
            p95 = statistics.quantiles(own, n=20)[-1]
            print(
                f"{answer_ms:>9} {len(notice_ids):>7} {len(notice_ids) / elapsed * 60:>19,.0f} "
                f"{statistics.mean(own) * 1000:>16.2f} {p95 * 1000:>7.2f} {db.seconds / len(notice_ids) * 1000:>13.2f} "
                f"{db.statements / len(notice_ids):>10.1f} {http_seconds / len(notice_ids) * 1000:>14.2f}"
            )


if __name__ == "__main__":
    main()
