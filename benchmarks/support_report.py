"""Benchmark: the support report over many cases.

    python benchmarks/support_report.py [--sizes 10000 100000]

For each size it fills the plugin's tables with that many cases spread over 26 weeks (first-response and
resolution times, assignees among 20 agents, a staff reply and a resolution on the audit trail for most), then
asks for the report over all of them (26 weeks) grouped by agent and by week, exactly as `supportReport` and the
Dashboard's report page do. It prints the time and the number of SQL queries of each. Target: under a
second at 100,000 cases; the query count the same at every size. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.postgres_server import PostgresServer  # noqa: E402

BENCH_DATA_DIR = os.environ.get("SUPPORT_BENCH_PGDATA", "/var/tmp/saleor-support-plugin/bench-pgdata")


def setup_django(server: PostgresServer) -> None:
    os.environ.update(server.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "saleor_support_plugin", verbosity=0)


def fill_cases(size: int) -> None:
    """`size` cases opened over the 26 weeks before now; 90% answered, 70% resolved (on the audit trail)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE saleor_support_plugin_supportcase, saleor_support_plugin_casemessage, "
            "saleor_support_plugin_casechange CASCADE"
        )
        cursor.execute(
            """
            INSERT INTO saleor_support_plugin_supportcase (
                order_number, customer_email, channel_slug, origin, topic, status, priority, category,
                assignee_id, subject, created_at, updated_at, last_message_at, language_code,
                first_response_target, next_response_target, resolution_target, service_level_policy,
                first_response_due_at, first_response_at, first_response_time, resolved_at, resolution_time,
                next_response_cycle, paused_time, staff_replies)
            SELECT n::text, 'c' || n || '@example.com', 'default',
                   (ARRAY['storefront', 'email', 'phone', 'automatic'])[1 + n %% 4], '',
                   CASE WHEN n %% 10 < 7 THEN 'resolved' ELSE 'open' END,
                   (ARRAY['low', 'normal', 'high', 'urgent'])[1 + n %% 4],
                   (ARRAY['shipping_delay', 'return', 'billing', 'other'])[1 + n %% 4],
                   1 + n %% 20, 'Case ' || n, opened, opened, opened, 'en',
                   interval '4 hours', interval '4 hours', interval '16 hours', 'default',
                   opened + interval '4 hours',
                   CASE WHEN n %% 10 < 9 THEN opened + (n %% 600) * interval '1 minute' END,
                   CASE WHEN n %% 10 < 9 THEN (n %% 480) * interval '1 minute' END,
                   CASE WHEN n %% 10 < 7 THEN opened + interval '1 day' + (n %% 900) * interval '1 minute' END,
                   CASE WHEN n %% 10 < 7 THEN (60 + n %% 1200) * interval '1 minute' END,
                   0, interval '0', CASE WHEN n %% 10 < 9 THEN 1 ELSE 0 END
            FROM (SELECT n, now() - (n::bigint * 26 * 7 * 1440 / %s) * interval '1 minute' AS opened
                  FROM generate_series(1, %s) AS n) AS source
            """,
            [size, size],
        )
        cursor.execute(
            """
            INSERT INTO saleor_support_plugin_casemessage (case_id, author_type, author_user_id, author_name,
                                                           is_internal, body, quoted_text, created_at)
            SELECT id, 'staff', assignee_id, 'Agent', false, 'On it.', '', first_response_at
            FROM saleor_support_plugin_supportcase WHERE first_response_at IS NOT NULL
            """
        )
        cursor.execute(
            """
            INSERT INTO saleor_support_plugin_casechange (case_id, field, old_value, new_value, actor_type,
                                                          created_at)
            SELECT id, 'status', 'waiting_on_customer', 'resolved', 'staff', resolved_at
            FROM saleor_support_plugin_supportcase WHERE resolved_at IS NOT NULL
            """
        )
        cursor.execute("ANALYZE")


def run_report(group_by: str) -> tuple[float, int, int]:
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from saleor_support_plugin.models import SupportCase
    from saleor_support_plugin.service_levels.report import Period, support_report

    end = timezone.now()
    period = Period(end - datetime.timedelta(weeks=26, days=1), end)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        report = support_report(period, group_by, SupportCase.objects.all(), "Europe/Berlin")
        elapsed = time.perf_counter() - started
    if os.environ.get("SUPPORT_BENCH_VERBOSE"):
        for query in captured.captured_queries:
            print(f"    {query['time']}s {' '.join(query['sql'].split())[:150]}")
    return elapsed, len(captured), report.total.opened


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    with PostgresServer(data_dir=BENCH_DATA_DIR) as server:
        setup_django(server)
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        for size in args.sizes:
            fill_cases(size)
            for group_by in ("agent", "week"):
                run_report(group_by)  # warm the cache, as a page read twice would
                runs = [run_report(group_by) for _ in range(5)]
                times = sorted(elapsed for elapsed, _, _ in runs)
                _, queries, opened = runs[0]
                print(
                    f"{size:>8,} cases, report by {group_by:<5}: median {times[2] * 1000:7.1f} ms "
                    f"(best {times[0] * 1000:.1f}, worst {times[-1] * 1000:.1f} of 5), {queries} queries "
                    f"({opened:,} cases opened in the period)"
                )


if __name__ == "__main__":
    main()
