"""Every support query and mutation, for every kind of requester.

Outcomes: ok (allowed, and it worked), denied (Saleor's permission error), not_found (answered like a
missing case or order), empty (nothing visible), refused (a coded error asking for credentials),
customer_only (staff and apps may not rate a case for the customer).
"""

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content_from_response

from saleor_support_plugin.models import CaseMessage, CaseSurvey, SupportCase

from . import graphql_operations as ops
from .helpers import order_id

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "guest", "customer", "other_customer", "staff_without_permission", "staff", "app"]

# operation: expected outcome per actor, in the order of ACTORS
MATRIX = {
    "supportSettings": ["ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    "supportCases": ["denied", "denied", "denied", "denied", "denied", "ok", "ok"],
    "supportCase": ["not_found", "ok", "ok", "not_found", "not_found", "ok", "ok"],
    "supportCasesForOrder": ["empty", "ok", "empty", "empty", "empty", "empty", "empty"],
    "me.supportCases": ["empty", "empty", "ok", "empty", "empty", "empty", "empty"],
    "supportCaseCreate": ["refused", "ok", "ok", "not_found", "not_found", "ok", "ok"],
    "supportCaseReply": ["not_found", "ok", "ok", "not_found", "not_found", "ok", "ok"],
    "supportCaseNoteAdd": ["denied", "denied", "denied", "denied", "denied", "ok", "ok"],
    "supportCaseUpdate": ["denied", "denied", "denied", "denied", "denied", "ok", "ok"],
    "supportCaseClose": ["not_found", "ok", "ok", "not_found", "not_found", "ok", "ok"],
    # --- Service levels and feedback (the case is resolved first for supportCaseRate)
    "supportReport": ["denied", "denied", "denied", "denied", "denied", "ok", "ok"],
    "supportCaseRate": ["not_found", "ok", "ok", "not_found", "not_found", "customer_only", "customer_only"],
    # --- Returns (issue 11): the same requesters on a paid, fulfilled, delivered order with one request waiting
    "supportReturnPolicy": ["not_found", "ok", "ok", "not_found", "not_found", "ok", "ok"],
    "supportReturnRequests": ["empty", "ok", "ok", "empty", "empty", "ok", "ok"],
    "me.supportReturnRequests": ["empty", "empty", "ok", "empty", "empty", "empty", "empty"],
    "supportReturnRequest": ["refused", "ok", "ok", "not_found", "not_found", "ok", "ok"],
    "supportReturnRequestDecide": ["denied", "denied", "denied", "denied", "denied", "ok", "ok"],
    "supportReturnRequestReceive": ["denied", "denied", "denied", "denied", "denied", "ok", "ok"],
    "supportReturnRequestRefund": ["denied", "denied", "denied", "denied", "denied", "ok", "ok"],
}


def matrix_cases(returns: bool) -> list[tuple[str, str, str]]:
    """(operation, actor, expected outcome) of the case operations, or of the return operations."""
    return [
        (operation, actor, expected)
        for operation, row in MATRIX.items()
        if ("Return" in operation) == returns
        for actor, expected in zip(ACTORS, row, strict=True)
    ]


CASES, RETURN_CASES = matrix_cases(returns=False), matrix_cases(returns=True)


@pytest.fixture
def clients(api_client, user_api_client, user2_api_client, staff_api_client, app_api_client, permission_manage_support):
    app_api_client.app.permissions.add(permission_manage_support)

    def client_for(actor):
        client = {
            "anonymous": api_client,
            "guest": api_client,
            "customer": user_api_client,
            "other_customer": user2_api_client,
            "staff_without_permission": staff_api_client,
            "staff": staff_api_client,
            "app": app_api_client,
        }[actor]
        if actor == "staff":
            client.user.user_permissions.add(permission_manage_support)
        return client

    return client_for


def request_for(operation, actor, case, order):
    """The query and variables `actor` sends for `operation` (guests add the order's token and email)."""
    guest = {"orderToken": str(order.pk), "email": order.user_email} if actor == "guest" else {}
    wrong_guest = guest or {"orderToken": str(order.pk), "email": "not-the-buyer@example.com"}
    case_id = case["id"]
    create_input = {"subject": "Question", "body": "Hello", **guest}
    if actor not in ("guest", "anonymous"):
        create_input["order"] = order_id(order)
    return {
        "supportSettings": (ops.SETTINGS, {}),
        "supportCases": (ops.CASES, {"first": 10}),
        "supportCase": (ops.CASE, {"id": case_id, **guest}),
        "supportCasesForOrder": (ops.CASES_FOR_ORDER, wrong_guest),
        "me.supportCases": (ops.MY_CASES, {}),
        "supportCaseCreate": (ops.CREATE, {"input": create_input}),
        "supportCaseReply": (ops.REPLY, {"id": case_id, "body": "Any news?", **guest}),
        "supportCaseNoteAdd": (ops.NOTE_ADD, {"id": case_id, "body": "Internal"}),
        "supportCaseUpdate": (ops.UPDATE, {"id": case_id, "input": {"priority": "HIGH"}}),
        "supportCaseClose": (ops.CLOSE, {"id": case_id, **guest}),
        "supportReport": (
            ops.REPORT,
            {"period": {"gte": "2020-01-01T00:00:00+00:00", "lt": "2020-12-01T00:00:00+00:00"}, "groupBy": "AGENT"},
        ),
        "supportCaseRate": (ops.RATE, {"id": case_id, "rating": 5, **guest}),
    }[operation]


# What an empty answer to a query means; mutations answer with coded errors (ERROR_OUTCOMES).
EMPTY_ANSWER = {
    "supportCasesForOrder": "empty",
    "supportReturnRequests": "empty",
    "supportCase": "not_found",
    "supportSettings": "not_found",
    "supportReport": "not_found",
    "supportReturnPolicy": "not_found",
}
ERROR_OUTCOMES = {"NOT_FOUND": "not_found", "REQUIRED": "refused", "INVALID": "customer_only"}


def outcome(operation, content):
    """The outcome of a support query or mutation (cases and returns alike) from Saleor's answer."""
    if any(
        e.get("extensions", {}).get("exception", {}).get("code") == "PermissionDenied"
        for e in content.get("errors", [])
    ):
        return "denied"
    assert "errors" not in content, content["errors"]
    if operation.startswith("me."):
        me = content["data"]["me"]
        return "ok" if me and me[operation.removeprefix("me.")] else "empty"
    result = content["data"][operation]
    if operation == "supportCases":
        return "ok" if result["totalCount"] >= 1 else "empty"
    if operation in EMPTY_ANSWER:
        return "ok" if result else EMPTY_ANSWER[operation]
    codes = [error["code"] for error in result["errors"]]
    if not codes:
        return "ok"
    return ERROR_OUTCOMES.get(codes[0], f"error {codes}")


@pytest.mark.parametrize(("operation", "actor", "expected"), CASES, ids=[f"{o}-{a}" for o, a, _ in CASES])
def test_permission_matrix(operation, actor, expected, clients, customer_case, order_with_lines, support_plugin):
    client = clients(actor)
    if operation == "supportCaseRate":
        SupportCase.objects.update(status="resolved", resolved_at=timezone.now())
    query, variables = request_for(operation, actor, customer_case, order_with_lines)
    cases_before, messages_before = SupportCase.objects.count(), CaseMessage.objects.count()

    content = get_graphql_content_from_response(client.post_graphql(query, variables))

    assert outcome(operation, content) == expected
    if expected in ("denied", "not_found", "refused", "customer_only"):
        # A refused request changes nothing.
        assert (SupportCase.objects.count(), CaseMessage.objects.count()) == (cases_before, messages_before)
        assert not CaseSurvey.objects.filter(rating__isnull=False).exists()
        assert SupportCase.objects.get(pk=SupportCase.objects.order_by("pk").first().pk).priority == "normal"


# --- Returns (issue 11): MATRIX's return rows, on a paid, fulfilled, delivered order with one request waiting


@pytest.fixture
def waiting_return(delivered_order, returns_plugin, return_reasons, user_api_client):
    """A customer's request for one item of the first line, waiting for staff."""
    from .returns_setup import request_one_item

    returns_plugin(return_auto_approve="false")
    return request_one_item(user_api_client, delivered_order, return_reasons["damaged"])["returnRequest"]


def return_request_for(operation, actor, waiting, order, reason):
    from . import returns_setup as r

    guest = {"orderToken": str(order.pk), "email": order.user_email} if actor == "guest" else {}
    target = guest or {"order": order_id(order)}
    create = {
        **target,
        "lines": [r.line_input(order.lines.last(), 1, reason)],
        "resolution": "REFUND",
    }
    if actor == "anonymous":
        create.pop("order")
    return {
        "supportReturnPolicy": (r.POLICY, target),
        "supportReturnRequests": (r.REQUESTS, target),
        "me.supportReturnRequests": (r.MY_REQUESTS, {}),
        "supportReturnRequest": (r.REQUEST, {"input": create}),
        "supportReturnRequestDecide": (r.DECIDE, {"id": waiting["id"], "input": {"approve": False, "reason": "No"}}),
        "supportReturnRequestReceive": (r.RECEIVE, {"id": waiting["id"]}),
        "supportReturnRequestRefund": (r.REFUND, {"id": waiting["id"]}),
    }[operation]


def advance_for(operation):
    """Receiving needs an approved request, refunding a received one: staff took those steps already."""
    from saleor_support_plugin.cases.service import SYSTEM
    from saleor_support_plugin.host.saleor_gateway import load_saleor_runtime
    from saleor_support_plugin.host.saleor_returns import SaleorReturns
    from saleor_support_plugin.returns import requests
    from saleor_support_plugin.returns.models import ReturnRequest

    if operation not in ("supportReturnRequestReceive", "supportReturnRequestRefund"):
        return
    port, request = SaleorReturns(), ReturnRequest.objects.get()
    request = requests.approve(port=port, settings=load_saleor_runtime().settings, request=request, actor=SYSTEM)
    if operation == "supportReturnRequestRefund":
        requests.mark_received(port=port, request=request, actor=SYSTEM)


@pytest.mark.parametrize(("operation", "actor", "expected"), RETURN_CASES, ids=[f"{o}-{a}" for o, a, _ in RETURN_CASES])
def test_return_permission_matrix(operation, actor, expected, clients, waiting_return, delivered_order, return_reasons):
    from saleor_support_plugin.returns.models import ReturnRequest

    client = clients(actor)
    advance_for(operation)
    query, variables = return_request_for(operation, actor, waiting_return, delivered_order, return_reasons["damaged"])
    before = list(ReturnRequest.objects.values_list("pk", "status"))

    content = get_graphql_content_from_response(client.post_graphql(query, variables))

    assert outcome(operation, content) == expected
    if expected in ("denied", "not_found", "refused"):
        assert list(ReturnRequest.objects.values_list("pk", "status")) == before


def test_the_matrix_covers_every_support_operation_of_the_schema():
    from saleor.graphql.api import schema

    in_schema = {
        name
        for root in (schema.get_query_type(), schema.get_mutation_type())
        for name in root.fields
        if name.startswith("support")
    } | {f"me.{name}" for name in schema.get_type("User").fields if name.startswith("support")}
    assert set(MATRIX) == in_schema
