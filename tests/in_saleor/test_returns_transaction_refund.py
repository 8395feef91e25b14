"""A return refunded on an order paid through Saleor's transactions API: Saleor's granted refund, and its refund
requested from the payment app, which answers (a real HTTP server standing in for the app) REFUND_SUCCESS."""

import datetime
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content
from saleor.payment import TransactionEventType
from saleor.webhook.event_types import WebhookEventSyncType
from saleor.webhook.models import Webhook, WebhookEvent

from saleor_support_plugin.core.constants import DELIVERED_AT_METADATA_KEY
from saleor_support_plugin.returns.models import ReturnRequest

from .returns_setup import RECEIVE, REFUND, REQUEST, gid, line_input, sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment_app_server():
    """The payment app's webhook: answers every refund request with REFUND_SUCCESS for the amount asked."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(payload)
            amount = payload.get("action", {}).get("amount")
            body = json.dumps({"pspReference": "refund-psp-1", "result": "REFUND_SUCCESS", "amount": amount}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/refund", received
    server.shutdown()


def test_a_return_on_a_transaction_paid_order_is_refunded_through_the_payment_app(
    fulfilled_order,
    user_api_client,
    app,
    permission_manage_payments,
    transaction_item_generator,
    returns_plugin,
    return_reasons,
    support_staff_api_client,
    payment_app_server,
    settings,
):
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    url, received = payment_app_server
    returns_plugin()
    settings.PLUGINS = [*settings.PLUGINS, "saleor.plugins.webhook.plugin.WebhookPlugin"]  # Saleor's webhooks
    app.permissions.add(permission_manage_payments)
    webhook = Webhook.objects.create(app=app, name="refunds", target_url=url, is_active=True)
    WebhookEvent.objects.create(webhook=webhook, event_type=WebhookEventSyncType.TRANSACTION_REFUND_REQUESTED)
    total = fulfilled_order.total.gross.amount
    item = transaction_item_generator(order_id=fulfilled_order.pk, app=app, charged_value=total)
    fulfillment = fulfilled_order.fulfillments.get()
    fulfillment.store_value_in_metadata(
        {DELIVERED_AT_METADATA_KEY: (timezone.now() - datetime.timedelta(days=1)).isoformat()}
    )
    fulfillment.save(update_fields=["metadata"])

    line = fulfilled_order.lines.first()
    variables = {
        "input": {
            "order": gid("Order", fulfilled_order.pk),
            "lines": [line_input(line, 1, return_reasons["damaged"])],
            "resolution": "REFUND",
        }
    }
    created = get_graphql_content(user_api_client.post_graphql(REQUEST, variables))["data"]["supportReturnRequest"]
    request_id = created["returnRequest"]["id"]
    assert created["returnRequest"]["status"] == "APPROVED"
    get_graphql_content(support_staff_api_client.post_graphql(RECEIVE, {"id": request_id}))
    refunded = get_graphql_content(support_staff_api_client.post_graphql(REFUND, {"id": request_id}))
    assert refunded["data"]["supportReturnRequestRefund"]["errors"] == []

    request = ReturnRequest.objects.get()
    assert request.status == "refunded"
    granted = fulfilled_order.granted_refunds.get()
    assert (granted.amount_value, granted.transaction_item_id, granted.reason) == (
        line.unit_price_gross_amount,
        item.pk,
        f"Return {request.rma_number}",
    )
    assert len(received) == 1  # the app was asked once
    item.refresh_from_db()
    assert item.events.filter(type=TransactionEventType.REFUND_SUCCESS, psp_reference="refund-psp-1").exists()
    assert item.refunded_value == Decimal(line.unit_price_gross_amount)
    assert len(sent("refunded")) == 1
