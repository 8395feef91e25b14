"""Benchmark (b): what the plugin adds to Saleor's `orderFulfill` and `checkoutComplete` requests.

Run by `python benchmarks/hook_overhead.py`. Each request runs in a savepoint that is rolled back, so every
round starts from the same order or checkout; plugin off and on alternate. Celery is switched from Saleor's
test-time eager mode to the real Redis broker, as in production: the hook only publishes a task message
after commit. Prints median times, the on/off ratio and SQL query counts; asserts only that the requests
worked and that the plugin really published its task when on.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from saleor.celeryconf import app as celery_app
from saleor.graphql.checkout.tests.mutations.test_checkout_complete_with_transactions import (
    prepare_checkout_for_test,
)
from saleor.graphql.core.utils import to_global_id_or_none
from saleor.graphql.tests.utils import get_graphql_content

from saleor_support_plugin import tasks
from tests.in_saleor.helpers import ORDER_FULFILL, fulfill_everything

pytestmark = pytest.mark.django_db

ROUNDS = int(os.environ.get("SUPPORT_BENCH_ROUNDS", "30"))
WARM_UP = 3
CHECKOUT_COMPLETE = """
mutation Complete($id: ID) { checkoutComplete(id: $id) { order { id status } errors { field code message } } }
"""


@pytest.fixture(autouse=True)
def real_broker():
    # Saleor's Celery app reads namespaced keys (CELERY_...): plain `task_always_eager` would be shadowed.
    before = {key: celery_app.conf[key] for key in ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL")}
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=os.environ["SUPPORT_BENCH_BROKER_URL"])
    assert celery_app.conf.task_always_eager is False
    yield
    celery_app.conf.update(before)


def one_request(send: Callable[[], Any]) -> tuple[float, int, int]:
    """Time, SQL queries and task messages of one request, then undo it."""
    tasks._recently_enqueued.clear()  # each round is a new request a second or more after the last
    with mock.patch.object(
        tasks.order_changed_task, "apply_async", wraps=tasks.order_changed_task.apply_async
    ) as published:
        savepoint = transaction.savepoint()
        with CaptureQueriesContext(connections["default"]) as queries:
            started = time.perf_counter()
            send()
            elapsed = time.perf_counter() - started
        transaction.savepoint_rollback(savepoint)
    return elapsed, len(queries), published.call_count


def compare(name: str, send: Callable[[], Any], switch: Callable[[bool], None]) -> None:
    results: dict[bool, list[tuple[float, int, int]]] = {False: [], True: []}
    for round_number in range(WARM_UP + ROUNDS):
        for plugin_on in (False, True) if round_number % 2 else (True, False):
            switch(plugin_on)
            result = one_request(send)
            if round_number >= WARM_UP:
                results[plugin_on].append(result)
    off, on = results[False], results[True]
    median_off = statistics.median(r[0] for r in off) * 1000
    median_on = statistics.median(r[0] for r in on) * 1000
    queries_off, queries_on = max(r[1] for r in off), max(r[1] for r in on)
    messages = min(r[2] for r in on)
    assert messages >= 1, "the plugin published no task: nothing was measured"
    assert max(r[2] for r in off) == 0
    print(
        f"{name:<18} {median_off:>9.1f} {median_on:>9.1f} {median_on / median_off:>7.3f} "
        f"{queries_off:>7} {queries_on:>7} {queries_on - queries_off:>+6} {messages:>9}"
    )


def header() -> None:
    print(f"\n{ROUNDS} rounds each after {WARM_UP} warm-up rounds; medians; broker: Redis on 127.0.0.1")
    columns = [("off ms", 9), ("on ms", 9), ("ratio", 7), ("SQL off", 7), ("SQL on", 7), ("extra", 6), ("messages", 9)]
    print(f"{'request':<18} " + " ".join(f"{name:>{width}}" for name, width in columns))


def plugin_switch(settings, support_plugin) -> Callable[[bool], None]:
    support_plugin()  # stores the active configuration once

    def switch(on: bool) -> None:
        settings.PLUGINS = ["saleor_support_plugin.plugin.SupportPlugin"] if on else []

    return switch


def bench_order_fulfill(
    staff_api_client, permission_group_manage_orders, order_with_lines, warehouse, settings, support_plugin
):
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    variables = fulfill_everything(order_with_lines, warehouse)

    def send() -> None:
        content = get_graphql_content(staff_api_client.post_graphql(ORDER_FULFILL, variables))
        assert content["data"]["orderFulfill"]["errors"] == []

    header()
    compare("orderFulfill", send, plugin_switch(settings, support_plugin))


def bench_checkout_complete(
    user_api_client,
    checkout_with_item,
    address,
    checkout_delivery,
    transaction_item_generator,
    transaction_events_generator,
    customer_user,
    settings,
    support_plugin,
):
    checkout = prepare_checkout_for_test(
        checkout_with_item,
        address,
        address,
        checkout_delivery(checkout_with_item),
        transaction_item_generator,
        transaction_events_generator,
        user=customer_user,
    )
    variables = {"id": to_global_id_or_none(checkout)}

    def send() -> None:
        content = get_graphql_content(user_api_client.post_graphql(CHECKOUT_COMPLETE, variables))
        assert content["data"]["checkoutComplete"]["errors"] == []

    compare("checkoutComplete", send, plugin_switch(settings, support_plugin))
