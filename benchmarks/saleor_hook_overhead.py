"""Benchmark: what the plugin adds to Saleor's requests, as a shop runs it.

Run by `python benchmarks/hook_overhead.py` (SUPPORT_BENCH_ROUNDS=N), which starts PostgreSQL and a redis-server and
runs this module with the Saleor environment's pytest (functions named bench_*; the Saleor tier's fixtures
come through benchmarks/conftest.py).

- Three set-ups alternate, in a rotating order, on the same order or checkout (each request runs in a savepoint
  that is rolled back), after a few warm-up rounds:
  *absent* (PLUGINS = []), *inactive* and *active* (PLUGINS names the plugin; its stored configuration is a
  merchant's, tests/in_saleor/merchant.py: every email replaced, holidays, a provider, a Dashboard URL).
- Requests: checkoutComplete, orderFulfill, orderCancel, orderFulfillmentReturnProducts and a storefront query
  (Saleor builds its plugins for queries too: the `built` column counts how often it built ours per request).
- Saleor's test settings make Celery eager, which would run the plugin's task inside the request. Production
  does not, so Saleor's Celery app is pointed at the Redis broker with eager mode off: after commit
  (ApiClient.post_graphql runs on-commit callbacks at the end of the request) a hook adds the order to the
  process's pending set, and the plugin's thread publishes one message a second later, while the next requests
  run (as in a server). "messages" counts what reached Redis over the run, per active request; every request
  here reports the same order, so one message carries a second's worth of requests.
- SQL is counted with CaptureQueriesContext on the writer and replica aliases (Saleor's tests read the replica
  through a fake connection that runs on the writer, so such queries are counted once, on the writer).
  Below the table: any statement (its shape, values left out) that a request with the plugin ran and no request
  without it did.
- Ratio: the median of the paired per-round ratios (set-up / absent) with a bootstrap 95% CI. It carries the
  machine's request-to-request noise (a few per cent here), so the plugin's own share is also timed directly
  inside the request: "own ms" is Saleor building the plugin plus the plugin's hooks, "hook ms" the on-commit
  callbacks alone (adding the order to the pending set).
- A full garbage collection of Saleor's heap takes about half a second; the heap left after the warm-up is
  frozen (gc.freeze), and, as timeit does, the collector is off while a request is timed (it collects between
  requests): a collection would otherwise land in whichever request crosses its threshold.
- Targets (printed, not asserted): CI upper bound of the ratio <= 1.02, +0 SQL, <= 1 broker message per request.
  Asserted: the requests succeed; when active, the plugin's hooks ran and its task message reached Redis with
  the order; when inactive or absent, nothing of it ran.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import platform
import random
import re
import statistics
import time
import warnings
from collections import Counter
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
from saleor.plugins.base_plugin import BasePlugin
from saleor.plugins.models import PluginConfiguration

from saleor_support_plugin import plugin as plugin_module
from saleor_support_plugin import tasks
from saleor_support_plugin.core.constants import PLUGIN_ID
from tests.in_saleor.fixtures import PLUGIN_PATH
from tests.in_saleor.helpers import (
    ORDER_CANCEL,
    ORDER_FULFILL,
    RETURN_PRODUCTS,
    celery_publishing_to,
    fulfill_everything,
    return_one_line,
)
from tests.in_saleor.merchant import merchant_configuration
from tests.redis_server import queued_task_args

pytestmark = pytest.mark.django_db

ROUNDS = int(os.environ.get("SUPPORT_BENCH_ROUNDS", "30"))
WARM_UP_ROUNDS = 5
SAMPLES_FILE = os.environ.get("SUPPORT_BENCH_SAMPLES")
BOOTSTRAP_RESAMPLES = 4000
TARGET_RATIO = 1.02
ABSENT, INACTIVE, ACTIVE = "absent", "inactive", "active"
SETUPS = (ABSENT, INACTIVE, ACTIVE)
CHECKOUT_COMPLETE = """
mutation Complete($id: ID) {
  checkoutComplete(id: $id) { order { id status chargeStatus } errors { field code message } }
}
"""
STOREFRONT_CHECKOUT = """
query Checkout($id: ID) {
  checkout(id: $id) {
    id
    totalPrice { gross { amount currency } }
    lines { quantity totalPrice { gross { amount } } variant { name product { name } } }
    shippingMethods { id name price { amount } }
  }
}
"""
SQL_VALUES = re.compile(r"'(?:[^']|'')*'|\d+(?:\.\d+)?")
SQL_SHAPES: dict[str, str] = {}
SQL_NOTES: list[str] = []  # statements that only requests with the plugin ran, filled by table_rows
NOISY_LOGGERS = ("saleor.tax.webhooks.shared",)  # "Missing tax configuration" on every checkout request
COLUMNS = [
    ("request", 16),
    ("plugin", 8),
    ("absent ms", 9),
    ("ms", 7),
    ("ratio [95% CI]", 22),
    ("own ms", 6),
    ("own %", 5),
    ("hook ms", 7),
    ("SQL", 7),
    ("extra", 5),
    ("built", 5),
    ("hooks", 5),
    ("messages", 8),
]


@dataclass(frozen=True)
class Sample:
    seconds: float
    statements: tuple[str, ...]  # the SQL statements' shapes, in order
    built: int  # SupportPlugin objects Saleor built during the request
    build_seconds: float  # time Saleor spent building them (BasePlugin.__init__; the plugin defers its config merge)
    hook_calls: int  # on-commit callbacks of the plugin's order hooks
    hook_seconds: float  # time spent in them: adding the order to the pending set


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
def broker() -> Iterator[str]:
    """Saleor's Celery app publishing to the benchmark's Redis, not running tasks inline."""
    url = os.environ["SUPPORT_BENCH_BROKER_URL"]
    assert tasks.order_changed_task.app is celery_app
    with celery_publishing_to(url):
        yield url


@pytest.fixture
def quiet_logs() -> Iterator[None]:
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def merchant_plugin(support_plugin) -> None:
    """The plugin stored with a merchant's configuration; each round switches it on or off."""
    support_plugin(**merchant_configuration())


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


def plugin_messages(broker_url: str) -> list[list[str]]:
    """The order ids of each orders_changed_task message waiting in Redis."""
    return [args[0] for args in queued_task_args(broker_url, tasks.orders_changed_task.name)]  # type: ignore[misc]


def timed_request(request: Callable[[], HttpResponse]) -> tuple[HttpResponse, float, tuple[str, ...]]:
    """One request's response, seconds and SQL statements (their shapes: literals and numbers as ?)."""
    with contextlib.ExitStack() as stack:
        captured = []
        for connection in counted_connections():
            connection.queries_log.clear()  # a full log (9000 entries) would make the capture count nothing
            captured.append(stack.enter_context(CaptureQueriesContext(connection)))
        gc.collect(1)  # the previous request's garbage (the young generations), outside the timing
        gc.disable()  # as timeit does: a collection would land in whichever request crosses the threshold
        try:
            started = time.perf_counter()
            response = request()
            elapsed = time.perf_counter() - started
        finally:
            gc.enable()
    return response, elapsed, tuple(sql_shape(query["sql"]) for capture in captured for query in capture)


def sql_shape(sql: str) -> str:
    """The statement without its values, shared between requests (a run holds thousands of them)."""
    shape = SQL_VALUES.sub("?", sql)
    return SQL_SHAPES.setdefault(shape, shape)


def one_request(setup: str, request: Callable[[], HttpResponse], check: Callable[[HttpResponse], None]) -> Sample:
    """Send the request with the plugin absent, inactive or active, then undo what it did in the database."""
    hooks = Meter(tasks.enqueue_order_change)
    built = Meter(BasePlugin.__init__)

    def counted_init(plugin: Any, *args: Any, **kwargs: Any) -> None:
        built(plugin, *args, **kwargs)

    with (
        override_settings(PLUGINS=[] if setup == ABSENT else [PLUGIN_PATH]),
        mock.patch.object(plugin_module, "enqueue_order_change", hooks),
        mock.patch.object(plugin_module.SupportPlugin, "__init__", counted_init),
    ):
        savepoint = transaction.savepoint()
        # Every set-up does the same before its request (absent too, though Saleor then ignores the row), and
        # the update is rolled back with the request: the row does not pile up versions over a run.
        PluginConfiguration.objects.filter(identifier=PLUGIN_ID).update(active=setup == ACTIVE)
        response, elapsed, statements = timed_request(request)
        transaction.savepoint_rollback(savepoint)
    check(response)
    return Sample(
        elapsed,
        statements,
        built.calls,
        built.seconds,
        hooks.calls,
        hooks.seconds,
    )


@dataclass
class Run:
    samples: dict[str, list[Sample]]
    messages: list[list[str]]  # the order ids of each message the plugin published over the run


def run_rounds(request: Callable[[], HttpResponse], check: Callable[[HttpResponse], None], broker: str) -> Run:
    """Samples of each set-up over ROUNDS rounds; the order of the set-ups rotates from round to round."""
    samples: dict[str, list[Sample]] = {setup: [] for setup in SETUPS}
    tasks.pending_order_changes.flush()
    redis.Redis.from_url(broker).flushdb()
    try:
        for round_number in range(WARM_UP_ROUNDS + ROUNDS):
            if round_number == WARM_UP_ROUNDS:
                freeze_heap()
            shift = round_number % len(SETUPS)
            for setup in SETUPS[shift:] + SETUPS[:shift]:
                sample = one_request(setup, request, check)
                if round_number >= WARM_UP_ROUNDS:
                    samples[setup].append(sample)
    finally:
        gc.unfreeze()
    tasks.pending_order_changes.flush()  # what the thread had not published yet
    return Run(samples, plugin_messages(broker))


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
        f"\n\n{ROUNDS} rounds of plugin absent, inactive and active (rotating order) after {WARM_UP_ROUNDS} warm-up "
        f"rounds; {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.\n"
        "ms: medians; ratio: median of the paired per-round ratios against 'absent', bootstrap 95% CI; "
        "own ms: median time, timed inside the request, in Saleor building the plugin and in the plugin's hooks "
        "(own %: of 'absent ms');\nhook ms: the on-commit callbacks alone (adding the order to the pending set); "
        "messages: published to Redis (127.0.0.1) over the run by the plugin's thread, per active request. "
        f"Target: CI upper bound <= {TARGET_RATIO}, extra SQL +0, at most 1 message per request."
    )
    print("\n".join([format_row([name for name, _ in COLUMNS]), *rows]))
    print("SQL run only with the plugin:", *(SQL_NOTES or ["none"]), sep="\n  ")


def format_row(cells: list[str]) -> str:
    """The first two cells left-aligned, the figures right-aligned, in the widths of COLUMNS."""
    aligned = [f"{cell:<{width}}" for cell, (_, width) in zip(cells[:2], COLUMNS[:2], strict=True)]
    aligned += [f"{cell:>{width}}" for cell, (_, width) in zip(cells[2:], COLUMNS[2:], strict=True)]
    return " ".join(aligned)


def check_what_ran(samples: dict[str, list[Sample]]) -> None:
    """Else nothing of the plugin would have been measured, or it ran where it must not."""
    assert max(s.built + s.hook_calls for s in samples[ABSENT]) == 0
    assert min(s.built for s in samples[INACTIVE] + samples[ACTIVE]) >= 1, "Saleor never built the plugin"
    assert max(s.hook_calls for s in samples[INACTIVE]) == 0, "an inactive plugin ran"


def table_rows(name: str, run: Run, hooks_expected: bool, order_id: str | None = None) -> list[str]:
    samples = run.samples
    if SAMPLES_FILE:  # the raw per-request seconds, for a look at their spread
        with open(SAMPLES_FILE, "a") as out:
            out.write(json.dumps({name: {setup: [s.seconds for s in samples[setup]] for setup in SETUPS}}) + "\n")
    check_what_ran(samples)
    if hooks_expected:
        assert min(s.hook_calls for s in samples[ACTIVE]) >= 1, "no plugin hook ran: nothing was measured"
        assert run.messages, "the plugin's task message never reached Redis"
        if order_id is not None:
            assert all(ids == [order_id] for ids in run.messages), run.messages
    else:
        assert run.messages == []
    messages_per_request = len(run.messages) / (WARM_UP_ROUNDS + ROUNDS)
    absent = samples[ABSENT]
    median_absent = statistics.median(s.seconds for s in absent) * 1000
    rows = []
    for setup in (INACTIVE, ACTIVE):
        measured = samples[setup]
        ratios = [b.seconds / a.seconds for a, b in zip(absent, measured, strict=True)]
        low, high = bootstrap_median_ci(ratios)
        verdict = "" if high <= TARGET_RATIO else " !"
        own_ms = statistics.median(s.build_seconds + s.hook_seconds for s in measured) * 1000
        cells = [
            name,
            setup,
            f"{median_absent:.1f}",
            f"{statistics.median(s.seconds for s in measured) * 1000:.1f}",
            f"{statistics.median(ratios):.3f} [{low:.3f}, {high:.3f}]{verdict}",
            f"{own_ms:.2f}",
            f"{own_ms / median_absent * 100:.1f}",
            f"{statistics.median(s.hook_seconds for s in measured) * 1000:.2f}",
            span([len(s.statements) for s in measured]),
            f"{max(len(s.statements) for s in measured) - max(len(s.statements) for s in absent):+d}",
            span([s.built for s in measured]),
            span([s.hook_calls for s in measured]),
            f"{messages_per_request:.2f}" if setup == ACTIVE else "0",
        ]
        rows.append(format_row(cells))
        SQL_NOTES.extend(statements_not_in(absent, measured, f"{name} {setup}"))
    return rows


def statements_not_in(absent: list[Sample], measured: list[Sample], label: str) -> list[str]:
    """Statements (shapes) some measured request ran and no request without the plugin did."""
    known = {shape for sample in absent for shape in sample.statements}
    found = Counter(shape for sample in measured for shape in set(sample.statements) if shape not in known)
    return [f"{label}: {count} of {len(measured)} requests ran {shape[:300]}" for shape, count in found.items()]


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


def bench_checkout_complete(
    user_api_client,
    checkout_with_item,
    address,
    checkout_delivery,
    transaction_item_generator,
    transaction_events_generator,
    customer_user,
    merchant_plugin,
    broker,
    quiet_logs,
    table,
):
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

    run = run_rounds(lambda: user_api_client.post_graphql(CHECKOUT_COMPLETE, variables), check, broker)
    table.extend(table_rows("checkoutComplete", run, hooks_expected=True))


def measure_mutation(client: Any, document: str, mutation: str, variables: dict[str, Any], broker: str) -> Run:
    """Rounds of a mutation (named `mutation` in the document), which must succeed every time."""
    return run_rounds(lambda: client.post_graphql(document, variables), expect_no_errors(mutation), broker)


def bench_order_fulfill(
    staff_api_client, permission_group_manage_orders, order_with_lines, warehouse, merchant_plugin, broker, table
):
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    variables = fulfill_everything(order_with_lines, warehouse)
    run = measure_mutation(staff_api_client, ORDER_FULFILL, "orderFulfill", variables, broker)
    table.extend(table_rows("orderFulfill", run, hooks_expected=True, order_id=str(order_with_lines.pk)))


def bench_order_cancel(
    staff_api_client, permission_group_manage_orders, order_with_lines, merchant_plugin, broker, table
):
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    variables = {"id": to_global_id_or_none(order_with_lines)}
    run = measure_mutation(staff_api_client, ORDER_CANCEL, "orderCancel", variables, broker)
    table.extend(table_rows("orderCancel", run, hooks_expected=True, order_id=str(order_with_lines.pk)))


def bench_order_return_products(
    staff_api_client, permission_group_manage_orders, fulfilled_order, merchant_plugin, broker, table
):
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    variables = return_one_line(fulfilled_order)
    run = measure_mutation(staff_api_client, RETURN_PRODUCTS, "orderFulfillmentReturnProducts", variables, broker)
    table.extend(table_rows("orderReturn", run, hooks_expected=True, order_id=str(fulfilled_order.pk)))


def bench_storefront_checkout_query(api_client, checkout_with_item, merchant_plugin, broker, quiet_logs, table):
    variables = {"id": to_global_id_or_none(checkout_with_item)}

    def check(response: HttpResponse) -> None:
        assert get_graphql_content(response)["data"]["checkout"]["id"] == variables["id"]

    run = run_rounds(lambda: api_client.post_graphql(STOREFRONT_CHECKOUT, variables), check, broker)
    table.extend(table_rows("checkout query", run, hooks_expected=False))
