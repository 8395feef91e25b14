"""Every support query and mutation, fuzzed with generated input through Saleor's /graphql/: no server errors.

Inputs are generated with hypothesis from the live schema's argument types (hypothesis-graphql needs
graphql-core 3, and Saleor runs graphql-core 2, so the strategies are derived here from the same schema):
text of any code point, NUL characters included, IDs of the right type, of other types
and garbage, enum values, numbers at and past their limits. Each request is sent by a guest, a customer or
support staff. Allowed outcomes: data, coded payload errors (`SupportErrorCode`), and Saleor's own request
errors (`GraphQLError`: variable coercion, pagination limits; `PermissionDenied`; `QueryCostError`: the cost
limit, which now prices `supportCases(last: 6000)`). Anything else (a 500, a database error, any other
exception) fails.
"""

from __future__ import annotations

import base64
from typing import Any

import graphene
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saleor.graphql.api import schema

from saleor_support_plugin.core.error_codes import SupportErrorCode

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 50
ALLOWED_REQUEST_ERRORS = {"GraphQLError", "PermissionDenied", "QueryCostError"}
SUPPORT_ERROR_CODES = {code.name for code in SupportErrorCode}
ACTORS = ("anonymous", "customer", "staff")


def support_fields() -> list[tuple[str, str]]:
    return [
        (operation, name)
        for operation, root in (("query", schema.get_query_type()), ("mutation", schema.get_mutation_type()))
        for name in sorted(root.fields)
        if name.startswith("support")
    ]


FIELDS = support_fields()


def any_text() -> st.SearchStrategy[str]:
    # Any text (no lone surrogates: Saleor refuses a request carrying one before it reaches the plugin, as
    # "Unable to parse query"); often with a NUL put in, or one of the values that sit on a limit.
    text = st.text(st.characters(codec="utf-8"), max_size=40)
    spoiled = st.tuples(text, text).map("\x00".join)
    special = st.sampled_from(["", " ", "x" * 201, "x" * 10_001, "#1", "9" * 30, "nobody", "a@b"])
    return st.one_of(text, spoiled, spoiled, special)


def global_ids(world: dict[str, str], preferred: str | None) -> st.SearchStrategy[str]:
    """Mostly the ID the argument is meant for (so the request gets past the lookup), else any other."""
    junk = st.text(max_size=20).map(lambda text: base64.b64encode(text.encode("utf-8", "surrogatepass")).decode())
    made_up = st.tuples(
        st.sampled_from(["SupportCase", "Order", "User", "Product"]),
        st.one_of(st.integers(-(2**70), 2**70).map(str), st.uuids().map(str), st.text(max_size=10)),
    ).map(lambda pair: graphene.Node.to_global_id(*pair))
    known = st.sampled_from(sorted(world[key] for key in ("case", "order", "staff", "customer", "id")))
    others = st.one_of(known, made_up, junk, any_text())
    return st.one_of(st.just(world[preferred]), others) if preferred else others


# Which known object an argument of that name is meant for.
PREFERRED = {"id": "id", "order": "order", "assignee": "staff", "email": "email", "orderToken": "order_token"}


def strategy_for(graphql_type: Any, world: dict[str, str], name: str = "") -> st.SearchStrategy[Any]:
    if isinstance(graphql_type, GraphQLNonNull):
        return required_value(graphql_type.of_type, world, name)
    return st.one_of(st.none(), required_value(graphql_type, world, name))


def required_value(graphql_type: Any, world: dict[str, str], name: str = "") -> st.SearchStrategy[Any]:
    preferred = PREFERRED.get(name)
    if isinstance(graphql_type, GraphQLList):
        return st.lists(strategy_for(graphql_type.of_type, world, name), max_size=3)
    if isinstance(graphql_type, GraphQLEnumType):
        return st.sampled_from([value.name for value in graphql_type.values])
    if isinstance(graphql_type, GraphQLInputObjectType):
        return st.fixed_dictionaries(
            {
                name: strategy_for(field.type, world, name)
                for name, field in graphql_type.fields.items()
                if isinstance(field.type, GraphQLNonNull)
            },
            optional={
                name: strategy_for(field.type, world, name)
                for name, field in graphql_type.fields.items()
                if not isinstance(field.type, GraphQLNonNull)
            },
        )
    assert isinstance(graphql_type, GraphQLScalarType), graphql_type
    scalars: dict[str, st.SearchStrategy[Any]] = {
        "String": st.one_of(st.just(world[preferred]), any_text()) if preferred else any_text(),
        "ID": global_ids(world, preferred),
        "UUID": st.one_of(st.just(world["order_token"]), st.uuids().map(str), any_text()),
        "Int": st.one_of(st.integers(-5, 150), st.integers(-(2**40), 2**40)),
        "Boolean": st.booleans(),
        # supportReport's period: any moment (first and last years included), or text that is not one.
        "DateTime": st.one_of(
            st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
            st.datetimes().map(lambda moment: moment.isoformat()),
            any_text(),
        ),
        # Returns (issue 11): amounts, and uploads (a variable naming no uploaded file).
        "PositiveDecimal": st.one_of(
            st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-5, max_value=10**12).map(str),
            any_text(),
        ),
        "Upload": st.one_of(st.just("file"), any_text()),
    }
    return scalars[graphql_type.name]


def selection(graphql_type: Any, depth: int = 0) -> str:
    """Every scalar field of the support types, two levels deep; Saleor's own types by their __typename."""
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    if not isinstance(graphql_type, GraphQLObjectType):
        return ""
    if not graphql_type.name.startswith("Support") or depth > 2:
        return "{ __typename }"
    parts = []
    for name, field in sorted(graphql_type.fields.items()):
        if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
            continue
        parts.append(f"{name} {selection(field.type, depth + 1)}".strip())
    return "{ " + " ".join(parts) + " }"


def operation_text(operation: str, name: str) -> tuple[str, dict[str, Any]]:
    root = schema.get_query_type() if operation == "query" else schema.get_mutation_type()
    field = root.fields[name]
    declared = ", ".join(f"${arg}: {arg_def.type}" for arg, arg_def in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    head = f"{operation} Fuzz({declared})" if declared else f"{operation} Fuzz"
    call = f"{name}({passed})" if passed else name
    return f"{head} {{ {call} {selection(field.type)} }}", field.args


def server_errors(response) -> list[Any]:
    if response.status_code >= 500:
        return [f"HTTP {response.status_code}"]
    content = response.json()
    problems = [
        error
        for error in content.get("errors", [])
        if error.get("extensions", {}).get("exception", {}).get("code") not in ALLOWED_REQUEST_ERRORS
    ]
    for result in (content.get("data") or {}).values():
        if isinstance(result, dict):
            problems += [error for error in result.get("errors") or [] if error["code"] not in SUPPORT_ERROR_CODES]
    return problems


@pytest.fixture
def waiting_return_request(fulfilled_order, returns_plugin, return_reasons, user_api_client) -> str:
    """Returns on (staff decide each request), and the customer's request for one item, waiting (issue 11)."""
    from saleor.graphql.tests.utils import get_graphql_content

    from .returns_setup import REQUEST, line_input

    returns_plugin(return_auto_approve="false")
    variables = {
        "input": {
            "order": graphene.Node.to_global_id("Order", fulfilled_order.pk),
            "lines": [line_input(fulfilled_order.lines.first(), 1, return_reasons["damaged"])],
            "resolution": "REFUND",
        }
    }
    result = get_graphql_content(user_api_client.post_graphql(REQUEST, variables))["data"]["supportReturnRequest"]
    return result["returnRequest"]["id"]


@pytest.mark.parametrize(("operation", "name"), FIELDS, ids=[name for _, name in FIELDS])
def test_generated_input_never_causes_a_server_error(
    operation, name, customer_case, order_with_lines, api_client, user_api_client, support_staff_api_client, request
):
    returns = name.startswith("supportReturn")
    world = {
        # The object an `id` argument is meant for: the case, or for returns a waiting return request.
        "id": request.getfixturevalue("waiting_return_request") if returns else customer_case["id"],
        "case": customer_case["id"],
        "order": graphene.Node.to_global_id("Order", order_with_lines.pk),
        "staff": graphene.Node.to_global_id("User", support_staff_api_client.user.pk),
        "customer": graphene.Node.to_global_id("User", order_with_lines.user_id),
        "email": order_with_lines.user_email,
        "order_token": str(order_with_lines.pk),
    }
    clients = {"anonymous": api_client, "customer": user_api_client, "staff": support_staff_api_client}
    query, arguments = operation_text(operation, name)
    variables = st.fixed_dictionaries(
        {arg: strategy_for(arg_def.type, world, arg) for arg, arg_def in arguments.items()}
    )

    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(actor=st.sampled_from(ACTORS), variables=variables)
    def sent_by(actor: str, variables: dict[str, Any]) -> None:
        response = clients[actor].post_graphql(query, variables)
        assert server_errors(response) == [], (actor, variables)

    sent_by()
