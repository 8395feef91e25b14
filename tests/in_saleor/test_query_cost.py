"""Saleor's query-cost limit sees the support fields: an order read through a case costs what it costs
through `orders`, and a query over the limit is refused before it runs."""

import pytest
from saleor.graphql.tests.utils import get_graphql_content_from_response

pytestmark = pytest.mark.django_db

ORDER_SUBTREE = """
  number
  user { email }
  lines { productName variant { name product { name } } }
  fulfillments { lines { quantity } }
  events { type }
  invoices { number }
"""


def orders(selection: str) -> str:
    return "query { orders(first: 100) { edges { node { " + selection + " } } } }"


def support_cases(selection: str) -> str:
    return "query { supportCases(first: 100) { edges { node { " + selection + " } } } }"


def cost(client, query):
    content = get_graphql_content_from_response(client.post_graphql(query))
    return content["extensions"]["cost"]["requestedQueryCost"]


def test_an_order_subtree_costs_the_same_per_order_through_support_cases_as_through_orders(
    support_staff_api_client,
):
    client = support_staff_api_client
    subtree_through_orders = cost(client, orders(ORDER_SUBTREE)) - cost(client, orders("number"))
    subtree_through_cases = cost(client, support_cases(f"order {{ {ORDER_SUBTREE} }}")) - cost(
        client, support_cases("order { number }")
    )

    assert subtree_through_orders > 100  # the subtree has priced fields, on each of 100 orders
    assert subtree_through_cases == subtree_through_orders
    # the list is priced by its page size like `orders`, and the order hop costs 1 per case
    assert cost(client, support_cases("order { number }")) == cost(client, orders("number")) + 100


def test_a_support_query_over_the_cost_limit_is_refused(support_staff_api_client, settings):
    settings.GRAPHQL_QUERY_MAX_COMPLEXITY = 1000
    deep = f"messages {{ body }} customer {{ email }} assignee {{ email }} order {{ {ORDER_SUBTREE} }}"

    content = get_graphql_content_from_response(support_staff_api_client.post_graphql(support_cases(deep)))

    assert content.get("data") is None
    (error,) = content["errors"]
    assert error["message"].startswith("The query exceeds the maximum cost of 1000.")
    assert content["extensions"]["cost"]["requestedQueryCost"] > 1000
