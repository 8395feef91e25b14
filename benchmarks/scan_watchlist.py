"""Benchmark (a): the delay scan over a large watchlist.

    python benchmarks/scan_watchlist.py [--sizes 100000 1000000] [--due-percent 1]

For each size it fills the watchlist with that many orders, of which `due-percent` are due, and runs the
scan exactly as the periodic task does: due rows claimed in batches, notices inserted, send tasks published
to a real Celery broker (redis-server on 127.0.0.1, when installed; otherwise an in-memory list). It prints
the scan time, notices per second, peak Python memory (tracemalloc) and the query plan of the due-row read.
Targets: 1,000,000 rows with 1% due in at most 2 s; memory flat as the table grows. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.postgres_server import PostgresServer, free_port  # noqa: E402

BENCH_DATA_DIR = "/var/tmp/saleor-support-plugin/bench-pgdata"


def start_redis() -> tuple[subprocess.Popen[bytes] | None, str | None]:
    binary = shutil.which("redis-server")
    if not binary:
        return None, None
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    return process, f"redis://127.0.0.1:{port}/0"


def setup_django(server: PostgresServer) -> None:
    os.environ.update(server.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "saleor_support_plugin", verbosity=0)


def fill_watchlist(size: int, due_percent: float) -> int:
    """Insert `size` watch rows; the first `due` are past due, the rest due over the next 30 days."""
    from django.db import connection

    due = int(size * due_percent / 100)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE saleor_support_plugin_delaywatch, saleor_support_plugin_delaynotice")
        cursor.execute(
            """
            INSERT INTO saleor_support_plugin_delaywatch (order_id, order_number, stage, due_at, updated_at)
            SELECT md5(n::text)::uuid, n::text, 'not_shipped',
                   CASE WHEN n <= %s THEN now() - (n %% 1440) * interval '1 minute'
                        ELSE now() + interval '1 hour' + (n %% 43200) * interval '1 minute' END,
                   now()
            FROM generate_series(1, %s) AS n
            """,
            [due, size],
        )
        cursor.execute("VACUUM ANALYZE saleor_support_plugin_delaywatch")
    return due


def due_query_plan() -> str:
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM saleor_support_plugin_delaywatch WHERE due_at <= %s "
            "ORDER BY due_at LIMIT 1000 FOR UPDATE SKIP LOCKED",
            [timezone.now()],
        )
        return " / ".join(row[0].strip() for row in cursor.fetchall())


def run_scan(broker_url: str | None) -> tuple[float, int, int, int]:
    from celery import Celery
    from django.utils import timezone

    from saleor_support_plugin.delays.scan import scan_delays
    from saleor_support_plugin.tasks import enqueue_notice_delivery

    published: list[list[int]] = []
    enqueue: Callable[[list[int]], None] = published.append
    if broker_url:
        Celery("bench", broker=broker_url).set_default()
        enqueue = enqueue_notice_delivery
    tracemalloc.start()
    started = time.perf_counter()
    summary = scan_delays(timezone.now(), enqueue)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, summary.due, summary.queued, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--due-percent", type=float, default=1.0)
    args = parser.parse_args()

    redis, broker_url = start_redis()
    try:
        with PostgresServer(data_dir=BENCH_DATA_DIR) as server:
            setup_django(server)
            python = sys.version.split()[0]
            print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}, PostgreSQL on 127.0.0.1")
            print(f"broker: {broker_url or 'none (redis-server not installed): in-memory list'}")
            print(f"{'watchlist rows':>15} {'due':>8} {'queued':>8} {'scan s':>8} {'notices/s':>10} {'peak MiB':>9}")
            # Warm up (imports, the broker connection): a running worker has done this long before a scan.
            fill_watchlist(1000, args.due_percent)
            run_scan(broker_url)
            for size in args.sizes:
                fill_watchlist(size, args.due_percent)
                elapsed, due, queued, peak = run_scan(broker_url)
                rate = queued / elapsed
                print(f"{size:>15,} {due:>8,} {queued:>8,} {elapsed:>8.2f} {rate:>10,.0f} {peak / 2**20:>9.1f}")
            print(f"due-row query plan: {due_query_plan()}")
    finally:
        if redis:
            redis.terminate()


if __name__ == "__main__":
    main()
