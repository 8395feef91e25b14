"""In real Saleor: a return staff processed in the Dashboard emails the customer once (the case it opens as
before); a chargeback a payment app reports (`transactionEventReport` CHARGE_BACK) opens an urgent case
holding the evidence, once."""

from decimal import Decimal

import graphene
import pytest
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import OrderEvents
from saleor.order.models import OrderEvent

from saleor_support_plugin.models import CaseCategory, CasePriority, SupportCase
from saleor_support_plugin.returns.models import ReturnEmail
from saleor_support_plugin.tasks import order_changed_task

from .helpers import RETURN_PRODUCTS, return_one_line
from .returns_setup import sent

pytestmark = pytest.mark.django_db

CHARGEBACK = """
mutation Chargeback($id: ID!, $amount: PositiveDecimal!) {
  transactionEventReport(id: $id, type: CHARGE_BACK, amount: $amount, pspReference: "cb-1",
                         message: "Customer disputed the charge") {
    alreadyProcessed
    errors { field code message }
  }
}
"""


def test_a_return_staff_process_in_the_dashboard_emails_the_customer_once(
    fulfilled_order, staff_api_client, permission_group_manage_orders, support_plugin
):
    support_plugin()
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    result = get_graphql_content(staff_api_client.post_graphql(RETURN_PRODUCTS, return_one_line(fulfilled_order)))
    assert result["data"]["orderFulfillmentReturnProducts"]["errors"] == []
    assert SupportCase.objects.get().category == CaseCategory.RETURN  # as before
    (email,) = sent("received")
    assert email.to == [fulfilled_order.user_email]
    assert f"order #{fulfilled_order.number}" in email.body
    order_changed_task.delay(str(fulfilled_order.pk))  # the same change reported again
    assert len(sent("received")) == 1
    assert ReturnEmail.objects.count() == 1


def test_a_chargeback_opens_an_urgent_case_with_the_evidence_once(
    delivered_order, app_api_client, permission_manage_payments, transaction_item_generator, support_plugin
):
    support_plugin()
    app_api_client.app.permissions.add(permission_manage_payments)
    total = delivered_order.total.gross.amount
    item = transaction_item_generator(order_id=delivered_order.pk, app=app_api_client.app, charged_value=total)
    variables = {"id": graphene.Node.to_global_id("TransactionItem", item.token), "amount": str(total)}

    result = get_graphql_content(app_api_client.post_graphql(CHARGEBACK, variables))
    assert result["data"]["transactionEventReport"]["errors"] == []

    case = SupportCase.objects.get(topic="chargeback")
    assert (case.priority, case.category, case.order_id) == (
        CasePriority.URGENT,
        CaseCategory.BILLING,
        delivered_order.pk,
    )
    evidence = case.messages.get().body
    assert f"A chargeback was reported on order #{delivered_order.number}" in evidence
    assert "tracking 123" in evidence  # the shipment Saleor's fixture made
    assert "delivered " in evidence
    assert OrderEvent.objects.filter(
        order=delivered_order,
        type=OrderEvents.EXTERNAL_SERVICE_NOTIFICATION,
        parameters__message=f"Chargeback reported: urgent support case #{case.pk} holds the evidence.",
    ).exists()
    # The app reports it again (a retry): Saleor says already processed; still one case.
    again = get_graphql_content(app_api_client.post_graphql(CHARGEBACK, variables))
    assert again["data"]["transactionEventReport"]["alreadyProcessed"] is True
    order_changed_task.delay(str(delivered_order.pk))
    assert SupportCase.objects.filter(topic="chargeback").count() == 1
    assert Decimal(item.charged_value) == total
