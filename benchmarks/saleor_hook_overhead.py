"""Benchmark (b): the SQL queries and time the plugin adds to Saleor's `orderFulfill` and `checkoutComplete`.

Run by `python benchmarks/hook_overhead.py` (SUPPORT_BENCH_ROUNDS=N), which starts PostgreSQL and a redis-server and
runs this module with the Saleor environment's pytest (functions named bench_*; the Saleor tier's fixtures
come through benchmarks/conftest.py).

- Plugin off (PLUGINS = []) and on (the support_plugin fixture: configured and active) alternate, after a few
  warm-up rounds, on the same order or checkout: each request runs in a savepoint that is rolled back.
- Saleor's test settings make Celery eager, which would run the plugin's task inside the request. Production
  does not, so Saleor's Celery app is pointed at the Redis broker with eager mode off: a hook only publishes
  a message after commit (ApiClient.post_graphql runs on-commit callbacks at the end of the request).
- SQL is counted with CaptureQueriesContext. Saleor's tests read the replica through a fake connection that
  runs on the writer connection, so its queries are counted on `default`; a real replica is counted too.
- "hook ms" times the plugin's own work in the request directly: its on-commit callbacks (the per-order
  dedup check and the publish to Redis). It is far less noisy than the on/off difference of whole requests.
- A full garbage collection of Saleor's heap takes about half a second; the heap left after the warm-up is
  frozen (gc.freeze) so such a collection does not land in a random measured request.
- Targets (printed, not asserted): at most one extra SQL query; on/off time ratio at most 1.02. Asserted: the
  requests succeed, and when on the plugin's hooks ran and its task message reached Redis (else nothing
  would have been measured); when off, none did.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import random
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from saleor.celeryconf import app as celery_app
from saleor.graphql.core.utils import to_global_id_or_none
from saleor.graphql.tests.utils import get_graphql_content

from saleor_support_plugin import plugin as plugin_module
from saleor_support_plugin import tasks
from tests.in_saleor.fixtures import PLUGIN_PATH
from tests.in_saleor.helpers import ORDER_FULFILL, fulfill_everything

pytestmark = pytest.mark.django_db

ROUNDS = int(os.environ.get("SUPPORT_BENCH_ROUNDS", "30"))
WARM_UP_ROUNDS = 5
BOOTSTRAP_RESAMPLES = 2000
CHECKOUT_COMPLETE = """
mutation Complete($id: ID) {
  checkoutComplete(id: $id) { order { id status chargeStatus } errors { field code message } }
}
"""
NOISY_LOGGERS = ("saleor.tax.webhooks.shared",)  # "Missing tax configuration" on every checkout request
COLUMNS = [
    ("request", 16),
    ("off ms", 8),
    ("on ms", 8),
    ("ratio", 6),
    ("Δ ms [95% CI]", 20),
    ("hook ms", 7),
    ("SQL off", 7),
    ("SQL on", 7),
    ("extra", 5),
    ("hooks", 5),
    ("published", 9),
    ("in Redis", 8),
]


@dataclass(frozen=True)
class Sample:
    seconds: float
    queries: int
    hook_calls: int  # on-commit callbacks of the plugin's order hooks
    hook_seconds: float  # time spent in them: the dedup check and the publish to Redis
    published: int  # order_changed_task.apply_async calls
    in_broker: int  # the plugin's task messages found in Redis after the request


@dataclass
class Meter:
    """A stand-in for a function that counts and times its calls."""

    function: Callable[..., Any]
    calls: int = 0
    seconds: float = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    """Saleor's Celery app publishing to the benchmark's Redis, not running tasks inline."""
    url = os.environ["SUPPORT_BENCH_BROKER_URL"]
    # Saleor's app reads CELERY_-namespaced keys: a plain `task_always_eager` would be shadowed by them.
    keys = ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")
    before = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=url)
    assert celery_app.conf.task_always_eager is False
    assert celery_app.conf.broker_url == url
    assert tasks.order_changed_task.app is celery_app
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
    celery_app.conf.update(before)


@pytest.fixture
def quiet_logs() -> Iterator[None]:
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def counted_connections() -> list[Any]:
    """The distinct database connections behind the writer and replica aliases."""
    # Saleor's own settings names (unknown to django-stubs).
    aliases = (
        django_settings.DATABASE_CONNECTION_DEFAULT_NAME,  # type: ignore[misc]
        django_settings.DATABASE_CONNECTION_REPLICA_NAME,  # type: ignore[misc]
    )
    distinct: dict[int, Any] = {}
    for alias in aliases:
        connection = connections[alias]
        connection = getattr(connection, "writer_conn", connection)  # Saleor's FakeDbReplicaConnection
        distinct[id(connection)] = connection
    return list(distinct.values())


def plugin_messages(broker: redis.Redis) -> int:
    """How many order_changed_task messages wait in any Redis queue."""
    found = 0
    for key in broker.scan_iter():
        if broker.type(key) != b"list":
            continue
        for raw in broker.lrange(key, 0, -1):  # type: ignore[union-attr]  # the sync client returns a list
            if json.loads(raw).get("headers", {}).get("task") == tasks.order_changed_task.name:
                found += 1
    return found


def timed_request(request: Callable[[], HttpResponse]) -> tuple[HttpResponse, float, int]:
    """One request's response, seconds and SQL queries."""
    with contextlib.ExitStack() as stack:
        captured = []
        for connection in counted_connections():
            connection.queries_log.clear()  # a full log (9000 entries) would make the capture count nothing
            captured.append(stack.enter_context(CaptureQueriesContext(connection)))
        started = time.perf_counter()
        response = request()
        elapsed = time.perf_counter() - started
    return response, elapsed, sum(len(capture) for capture in captured)


def one_request(
    plugin_on: bool, request: Callable[[], HttpResponse], check: Callable[[HttpResponse], None], broker: redis.Redis
) -> Sample:
    """Send the request with the plugin on or off, then undo everything it did in the database."""
    broker.flushdb()
    tasks._recently_enqueued.clear()  # each round stands for a new request, well after the previous one
    hooks = Meter(tasks.enqueue_order_change)
    publish = mock.patch.object(tasks.order_changed_task, "apply_async", wraps=tasks.order_changed_task.apply_async)
    with (
        override_settings(PLUGINS=[PLUGIN_PATH] if plugin_on else []),
        mock.patch.object(plugin_module, "enqueue_order_change", hooks),
        publish as published,
    ):
        savepoint = transaction.savepoint()
        response, elapsed, queries = timed_request(request)
        transaction.savepoint_rollback(savepoint)
    check(response)
    return Sample(elapsed, queries, hooks.calls, hooks.seconds, published.call_count, plugin_messages(broker))


def run_rounds(
    request: Callable[[], HttpResponse], check: Callable[[HttpResponse], None], broker: redis.Redis
) -> tuple[list[Sample], list[Sample]]:
    """Samples (off, on) of ROUNDS alternating rounds; which goes first alternates too."""
    off: list[Sample] = []
    on: list[Sample] = []
    try:
        for round_number in range(WARM_UP_ROUNDS + ROUNDS):
            if round_number == WARM_UP_ROUNDS:
                freeze_heap()
            for plugin_on in (False, True) if round_number % 2 == 0 else (True, False):
                sample = one_request(plugin_on, request, check, broker)
                if round_number >= WARM_UP_ROUNDS:
                    (on if plugin_on else off).append(sample)
    finally:
        gc.unfreeze()
    return off, on


def freeze_heap() -> None:
    """Move what the warm-up left behind out of the collector's reach (as servers that preload do).

    Otherwise a full collection of Saleor's large heap (about half a second here) falls into a random request.
    """
    gc.collect()
    gc.freeze()


def bootstrap_median_ci(values: list[float]) -> tuple[float, float]:
    rng = random.Random(0)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(BOOTSTRAP_RESAMPLES))
    return medians[int(0.025 * BOOTSTRAP_RESAMPLES)], medians[int(0.975 * BOOTSTRAP_RESAMPLES) - 1]


def span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


@pytest.fixture(scope="module")
def table() -> Iterator[list[str]]:
    """The rows the benchmarks add; printed as one table once they have all run."""
    rows: list[str] = []
    yield rows
    print(
        f"\n\n{ROUNDS} rounds of plugin off + on after {WARM_UP_ROUNDS} warm-up rounds; medians; "
        "Δ: median of the paired on-off differences;\nhook ms: median time in the plugin's on-commit callbacks "
        "(dedup + publish to Redis on 127.0.0.1), part of 'on ms'"
    )
    print("\n".join([format_row([name for name, _ in COLUMNS]), *rows]))


def format_row(cells: list[str]) -> str:
    """The first cell left-aligned, the figures right-aligned, in the widths of COLUMNS."""
    aligned = [f"{cells[0]:<{COLUMNS[0][1]}}"]
    aligned += [f"{cell:>{width}}" for cell, (_, width) in zip(cells[1:], COLUMNS[1:], strict=True)]
    return " ".join(aligned)


def table_row(name: str, off: list[Sample], on: list[Sample]) -> str:
    assert min(s.hook_calls for s in on) >= 1, "no plugin hook ran: nothing was measured"
    assert min(s.in_broker for s in on) >= 1, "the plugin's task message never reached Redis"
    assert max(s.hook_calls + s.published + s.in_broker for s in off) == 0, "the plugin ran while off"
    median_off = statistics.median(s.seconds for s in off) * 1000
    median_on = statistics.median(s.seconds for s in on) * 1000
    differences = [(b.seconds - a.seconds) * 1000 for a, b in zip(off, on, strict=True)]
    low, high = bootstrap_median_ci(differences)
    extra = max(s.queries for s in on) - max(s.queries for s in off)
    cells = [
        name,
        f"{median_off:.1f}",
        f"{median_on:.1f}",
        f"{median_on / median_off:.3f}",
        f"{statistics.median(differences):+.1f} [{low:+.1f}, {high:+.1f}]",
        f"{statistics.median(s.hook_seconds for s in on) * 1000:.2f}",
        span([s.queries for s in off]),
        span([s.queries for s in on]),
        f"{extra:+d}",
        span([s.hook_calls for s in on]),
        span([s.published for s in on]),
        span([s.in_broker for s in on]),
    ]
    return format_row(cells)


def expect_no_errors(mutation: str) -> Callable[[HttpResponse], None]:
    def check(response: HttpResponse) -> None:
        assert get_graphql_content(response)["data"][mutation]["errors"] == []

    return check


def prepare_paid_checkout(checkout: Any, address: Any, delivery: Any, items: Any, events: Any, user: Any) -> Any:
    """Saleor's own set-up for a checkout fully paid by a successful charge transaction."""
    with warnings.catch_warnings():  # the module's `integration` marks are unknown outside Saleor's repo
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        from saleor.graphql.checkout.tests.mutations.test_checkout_complete_with_transactions import (
            prepare_checkout_for_test,
        )
    return prepare_checkout_for_test(checkout, address, address, delivery, items, events, user=user)


def bench_order_fulfill(
    staff_api_client,
    permission_group_manage_orders,
    order_with_lines,
    warehouse,
    support_plugin,
    broker,
    quiet_logs,
    table,
):
    support_plugin()
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    variables = fulfill_everything(order_with_lines, warehouse)
    off, on = run_rounds(
        lambda: staff_api_client.post_graphql(ORDER_FULFILL, variables), expect_no_errors("orderFulfill"), broker
    )
    table.append(table_row("orderFulfill", off, on))


def bench_checkout_complete(
    user_api_client,
    checkout_with_item,
    address,
    checkout_delivery,
    transaction_item_generator,
    transaction_events_generator,
    customer_user,
    support_plugin,
    broker,
    quiet_logs,
    table,
):
    support_plugin()
    checkout = prepare_paid_checkout(
        checkout_with_item,
        address,
        checkout_delivery(checkout_with_item),
        transaction_item_generator,
        transaction_events_generator,
        customer_user,
    )
    variables = {"id": to_global_id_or_none(checkout)}
    base_check = expect_no_errors("checkoutComplete")

    def check(response: HttpResponse) -> None:
        base_check(response)
        order = get_graphql_content(response)["data"]["checkoutComplete"]["order"]
        assert order["chargeStatus"] == "FULL", order

    off, on = run_rounds(lambda: user_api_client.post_graphql(CHECKOUT_COMPLETE, variables), check, broker)
    table.append(table_row("checkoutComplete", off, on))
