"""Listing cases with their orders, assignees and messages costs the same number of queries for 10 or 100."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from saleor.graphql.tests.utils import get_graphql_content

from .case_list_load import LIST_QUERY, open_cases_on_orders

pytestmark = pytest.mark.django_db


def queries_for(client, first: int) -> int:
    with CaptureQueriesContext(connections["default"]) as captured:
        content = get_graphql_content(client.post_graphql(LIST_QUERY, {"first": first}))
    assert len(content["data"]["supportCases"]["edges"]) == first
    assert all(edge["node"]["order"] for edge in content["data"]["supportCases"]["edges"])
    return len(captured)


def test_listing_10_or_100_cases_costs_the_same_queries(support_staff_api_client, order_generator):
    open_cases_on_orders(order_generator, 100, assignee_id=support_staff_api_client.user.pk)
    queries_for(support_staff_api_client, 10)  # warm caches (permissions, plugin configuration)
    assert queries_for(support_staff_api_client, 10) == queries_for(support_staff_api_client, 100)
