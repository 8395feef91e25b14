"""The Saleor tier's returns set-up: a real paid (dummy gateway), fulfilled, delivered order, the shop's return
reasons as pages of the return-reason page type, and the plugin with returns switched on."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import graphene
import pytest
from django.core import mail
from django.utils import timezone
from saleor.page.models import Page, PageType

from saleor_support_plugin.core.constants import DELIVERED_AT_METADATA_KEY

DUMMY_GATEWAY = "saleor.payment.gateways.dummy.plugin.DeprecatedDummyGatewayPlugin"
RETURN_ADDRESS = "Acme Returns, 1 Dock Road, Springfield"

POLICY = """
query Policy($order: ID, $orderToken: UUID, $email: String) {
  supportReturnPolicy(order: $order, orderToken: $orderToken, email: $email) {
    orderNumber enabled windowDays returnAddress
    reasons { id slug title }
    lines {
      orderLineId productName quantity returnable returnableQuantity returnableUntil
      notReturnableReason notReturnableMessage resolutions
    }
  }
}
"""

REQUEST = """
mutation Request($input: SupportReturnRequestInput!) {
  supportReturnRequest(input: $input) {
    created
    returnRequest {
      id rmaNumber status resolution orderNumber nextStep autoApproved
      amount { amount currency }
      lines { orderLineId quantity reason { slug title } reasonComment }
    }
    errors { field code message }
  }
}
"""

DECIDE = """
mutation Decide($id: ID!, $input: SupportReturnDecisionInput!) {
  supportReturnRequestDecide(id: $id, input: $input) {
    returnRequest { id status resolution amount { amount } decisionReason replacementOrder { id status } }
    errors { field code message }
  }
}
"""

REQUESTS = """
query Requests($order: ID, $orderToken: UUID, $email: String) {
  supportReturnRequests(order: $order, orderToken: $orderToken, email: $email) { rmaNumber status nextStep }
}
"""

MY_REQUESTS = "query { me { supportReturnRequests { rmaNumber status } } }"


def gid(type_name: str, pk: Any) -> str:
    return graphene.Node.to_global_id(type_name, pk)


def sent(kind: str) -> list[Any]:
    return [message for message in mail.outbox if "return" in message.tags and message.tags[-1] == kind]


@pytest.fixture
def return_reasons(site_settings) -> dict[str, Page]:
    page_type = PageType.objects.create(name="Return reasons", slug="return-reasons")
    site_settings.return_reason_reference_type = page_type
    site_settings.save(update_fields=["return_reason_reference_type"])
    return {
        slug: Page.objects.create(page_type=page_type, title=title, slug=slug, is_published=True)
        for slug, title in (("damaged", "Arrived damaged"), ("changed-mind", "Changed my mind"))
    }


@pytest.fixture
def returns_plugin(support_plugin, settings) -> Callable[..., Any]:
    """The support plugin with returns on (and any policy fields given), beside Saleor's dummy gateway."""

    def enable(**policy: Any) -> Any:
        plugin = support_plugin(
            returns_enabled="true", return_address=RETURN_ADDRESS, **{k: str(v) for k, v in policy.items()}
        )
        settings.PLUGINS = [*settings.PLUGINS, DUMMY_GATEWAY]
        return plugin

    return enable


@pytest.fixture
def delivered_order(fulfilled_order, payment_txn_captured):
    """Saleor's fulfilled order (tracking number 123), paid through the dummy gateway, delivered 3 days ago."""
    fulfillment = fulfilled_order.fulfillments.get()
    fulfillment.store_value_in_metadata(
        {DELIVERED_AT_METADATA_KEY: (timezone.now() - datetime.timedelta(days=3)).isoformat()}
    )
    fulfillment.save(update_fields=["metadata"])
    return fulfilled_order


def line_input(line, quantity: int, reason: Page | None = None, comment: str = "") -> dict[str, Any]:
    values: dict[str, Any] = {"orderLineId": gid("OrderLine", line.pk), "quantity": quantity}
    if reason is not None:
        values["reason"] = gid("Page", reason.pk)
    if comment:
        values["reasonComment"] = comment
    return values


def request_return(
    client: Any, order: Any, lines: list[dict[str, Any]], resolution: str = "REFUND", **more: Any
) -> Any:
    """supportReturnRequest's answer to asking for these lines of the order back."""
    from saleor.graphql.tests.utils import get_graphql_content

    variables = {"input": {"order": gid("Order", order.pk), "lines": lines, "resolution": resolution, **more}}
    return get_graphql_content(client.post_graphql(REQUEST, variables))["data"]["supportReturnRequest"]


def request_one_item(client: Any, order: Any, reason: Page, resolution: str = "REFUND") -> Any:
    """The customer asks to return one item of the order's first line: supportReturnRequest's answer."""
    return request_return(client, order, [line_input(order.lines.first(), 1, reason)], resolution)


RECEIVE = """
mutation Receive($id: ID!) {
  supportReturnRequestReceive(id: $id) { returnRequest { status receivedAt } errors { field code message } }
}
"""

REFUND = """
mutation Refund($id: ID!) {
  supportReturnRequestRefund(id: $id) {
    returnRequest { status refundedAt giftCardCode amount { amount currency } }
    errors { field code message }
  }
}
"""
