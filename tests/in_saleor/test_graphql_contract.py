"""Every example operation in graphql/operations/ runs against Saleor's API as written, with sample variables.

Each file holds one operation and is sent verbatim (no operationName) by the client it is written for; the
response has no GraphQL error and no mutation payload error.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import graphene
import pytest
from graphql import parse
from saleor.graphql.tests.utils import get_graphql_content_from_response

from .helpers import order_id

pytestmark = pytest.mark.django_db

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "operations"
OPERATIONS = sorted(path.name for path in OPERATIONS_DIR.glob("*.graphql"))


def guest(order) -> dict[str, str]:
    return {"orderToken": str(order.pk), "email": order.user_email}


# file name: (who sends it, variables from the test's objects)
Sample = tuple[str, Callable[[Any], dict[str, Any]]]
SAMPLES: dict[str, Sample] = {
    "configure-plugin.graphql": ("plugin_admin", lambda w: {}),
    "mark-fulfillment-delivered.graphql": (
        "order_staff",
        lambda w: {
            "fulfillmentId": graphene.Node.to_global_id("Fulfillment", w.order.fulfillments.first().pk),
            "deliveredAt": "2026-01-05T10:00:00+00:00",
        },
    ),
    "order-timeline.graphql": ("order_staff", lambda w: {"id": order_id(w.order)}),
    "staff-add-note.graphql": ("support_staff", lambda w: {"id": w.case["id"], "body": "Called the carrier."}),
    "staff-assign-case.graphql": (
        "support_staff",
        lambda w: {"id": w.case["id"], "assignee": graphene.Node.to_global_id("User", w.staff.pk)},
    ),
    "staff-open-phone-case.graphql": (
        "support_staff",
        lambda w: {"order": order_id(w.order), "subject": "Phoned about the delivery", "body": "Asked for a date."},
    ),
    "staff-reply.graphql": ("support_staff", lambda w: {"id": w.case["id"], "body": "It ships tomorrow."}),
    "staff-support-queue.graphql": ("support_staff", lambda w: {"first": 10}),
    "storefront-customer-cases.graphql": ("customer", lambda w: {}),
    "storefront-customer-open-case.graphql": (
        "customer",
        lambda w: {"order": order_id(w.order), "subject": "Wrong size", "body": "Can I swap it?", "category": "RETURN"},
    ),
    "storefront-guest-cases.graphql": ("anonymous", lambda w: guest(w.order)),
    "storefront-guest-open-case.graphql": (
        "anonymous",
        lambda w: {**guest(w.order), "subject": "Damaged box", "body": "The box was crushed."},
    ),
    "storefront-guest-reply.graphql": (
        "anonymous",
        lambda w: {**guest(w.order), "id": w.case["id"], "body": "Thanks!"},
    ),
    "storefront-support-settings.graphql": ("anonymous", lambda w: {}),
    # Returns (issue 11): `w.returns` is set up by the `returns_world` fixture below.
    "storefront-return-policy.graphql": ("customer", lambda w: {"order": order_id(w.order)}),
    "storefront-customer-return-request.graphql": (
        "customer",
        lambda w: {
            "order": order_id(w.order),
            "lines": [w.returns.line(w.order.lines.last(), "Too small")],
            "resolution": "EXCHANGE",
            "idempotencyKey": "8d1f6c9e-2f4b-4c55-9a3e-1b6f0e0d7a10",
        },
    ),
    "storefront-guest-return-request.graphql": (
        "anonymous",
        lambda w: {**guest(w.order), "lines": [w.returns.line(w.order.lines.last())], "resolution": "REFUND"},
    ),
    "storefront-guest-return-requests.graphql": ("anonymous", lambda w: guest(w.order)),
    "storefront-customer-return-requests.graphql": ("customer", lambda w: {}),
    "staff-decide-return.graphql": (
        "support_staff",
        lambda w: {"id": w.returns.request_id, "approve": False, "reason": "Worn; not a defect."},
    ),
}
RETURN_OPERATIONS = {name for name in SAMPLES if "return" in name}


class ReturnsWorld:
    def __init__(self, request_id, reason):
        self.request_id, self.reason = request_id, reason

    def line(self, order_line, comment=""):
        from .returns_setup import line_input

        return line_input(order_line, 1, self.reason, comment)


@pytest.fixture
def returns_world(fulfilled_order, returns_plugin, return_reasons, user_api_client):
    """Returns on (staff decide every request), and one request of the customer's waiting."""
    from .returns_setup import request_one_item

    returns_plugin(return_auto_approve="false")
    result = request_one_item(user_api_client, fulfilled_order, return_reasons["damaged"])
    assert result["errors"] == []
    return ReturnsWorld(result["returnRequest"]["id"], return_reasons["damaged"])


class World:
    def __init__(self, order, case, staff):
        self.order, self.case, self.staff = order, case, staff


def test_every_operation_file_has_a_sample():
    assert sorted(SAMPLES) == OPERATIONS


@pytest.mark.parametrize("name", OPERATIONS)
def test_an_operation_file_holds_one_operation(name):
    document = parse((OPERATIONS_DIR / name).read_text())
    assert len(document.definitions) == 1


@pytest.mark.parametrize("name", OPERATIONS)
def test_example_operation_runs_as_written(
    name,
    fulfilled_order,
    customer_case,
    api_client,
    user_api_client,
    support_staff_api_client,
    permission_manage_orders,
    permission_manage_plugins,
    request,
):
    clients = {
        "anonymous": (api_client, []),
        "customer": (user_api_client, []),
        "support_staff": (support_staff_api_client, []),
        "order_staff": (support_staff_api_client, [permission_manage_orders]),
        "plugin_admin": (support_staff_api_client, [permission_manage_plugins]),
    }
    sender, variables = SAMPLES[name]
    client, permissions = clients[sender]
    world = World(fulfilled_order, customer_case, support_staff_api_client.user)
    if name in RETURN_OPERATIONS:
        world.returns = request.getfixturevalue("returns_world")

    response = client.post_graphql(
        (OPERATIONS_DIR / name).read_text(), variables(world), permissions=permissions, check_no_permissions=False
    )

    content = get_graphql_content_from_response(response)
    assert "errors" not in content, content["errors"]
    for field, result in content["data"].items():
        if isinstance(result, dict) and "errors" in result:
            assert result["errors"] == [], (field, result["errors"])
    assert any(value for value in content["data"].values()), content["data"]
