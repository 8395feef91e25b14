"""Benchmark (issue 3): SQL queries to list 10 and 100 support cases with their orders, assignees and messages.

Run by `python benchmarks/case_list_queries.py` inside the Saleor environment; prints the counts.
"""

import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from saleor.graphql.tests.utils import get_graphql_content

from tests.in_saleor.case_list_load import LIST_QUERY, open_cases_on_orders

pytestmark = pytest.mark.django_db


def measure(client, first: int) -> tuple[int, float]:
    with CaptureQueriesContext(connections["default"]) as captured:
        started = time.perf_counter()
        content = get_graphql_content(client.post_graphql(LIST_QUERY, {"first": first}))
        elapsed = time.perf_counter() - started
    assert len(content["data"]["supportCases"]["edges"]) == first
    return len(captured), elapsed


def bench_case_list_queries(support_staff_api_client, order_generator):
    open_cases_on_orders(order_generator, 100, assignee_id=support_staff_api_client.user.pk)
    measure(support_staff_api_client, 10)  # warm-up: permissions and plugin configuration are cached after it
    print("\ncases listed  SQL queries  time ms")
    for first in (10, 100):
        queries, elapsed = measure(support_staff_api_client, first)
        print(f"{first:>12}  {queries:>11}  {elapsed * 1000:>7.1f}")
