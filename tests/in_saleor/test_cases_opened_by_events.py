"""Cases Saleor's own events open: a return, a cancellation after payment, an order that stays late; and
what a customer's deletion does to their cases."""

import graphene
import pytest
from django.core import mail
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import FulfillmentStatus

from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.models import AuthorType, CaseCategory, CaseMessage, DelayNotice, SupportCase
from saleor_support_plugin.tasks import order_changed_task, scan_delays_task

from .helpers import MARK_AS_PAID, ORDER_CANCEL, RETURN_PRODUCTS, order_id, paid_days_ago_and_scanned, return_one_line

pytestmark = pytest.mark.django_db

CUSTOMER_DELETE = """
mutation Delete($id: ID!) { customerDelete(id: $id) { errors { field code message } } }
"""


def return_one_item(staff_api_client, order):
    content = get_graphql_content(staff_api_client.post_graphql(RETURN_PRODUCTS, return_one_line(order)))
    return content["data"]["orderFulfillmentReturnProducts"]


def test_a_return_opens_a_return_case_and_a_second_return_adds_to_it(
    fulfilled_order, staff_api_client, permission_group_manage_orders, support_plugin
):
    support_plugin()
    permission_group_manage_orders.user_set.add(staff_api_client.user)

    first = return_one_item(staff_api_client, fulfilled_order)
    assert first["errors"] == []
    assert first["returnFulfillment"]["status"] == FulfillmentStatus.RETURNED.upper()
    case = SupportCase.objects.get()
    assert case.category == CaseCategory.RETURN
    assert case.order_number == str(fulfilled_order.number)
    assert case.subject == f"Return for order #{fulfilled_order.number}"

    second = return_one_item(staff_api_client, fulfilled_order)
    assert second["errors"] == []
    assert SupportCase.objects.count() == 1
    assert case.messages.count() == 2
    # The same event reported again (a retried task) adds nothing.
    order_changed_task.delay(str(fulfilled_order.pk))
    assert case.messages.count() == 2


def test_cancelling_a_paid_order_opens_a_cancellation_case(
    order_with_lines, staff_api_client, permission_group_manage_orders, support_plugin
):
    support_plugin()
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    get_graphql_content(staff_api_client.post_graphql(MARK_AS_PAID, {"id": order_id(order_with_lines)}))
    get_graphql_content(staff_api_client.post_graphql(ORDER_CANCEL, {"id": order_id(order_with_lines)}))
    case = SupportCase.objects.get()
    assert case.category == CaseCategory.CANCELLATION
    assert case.topic == "cancellation"


def test_an_order_still_late_days_after_its_notice_gets_a_case(
    order_with_lines,
    staff_api_client,
    permission_group_manage_orders,
    support_plugin,
    django_capture_on_commit_callbacks,
):
    support_plugin(case_after_late_days="3")
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    paid_days_ago_and_scanned(staff_api_client, order_with_lines, 20, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    case = SupportCase.objects.get()
    assert case.category == CaseCategory.SHIPPING_DELAY
    assert list(DelayNotice.objects.values_list("stage", "case")) == [(DelayStage.NOT_SHIPPED, case.pk)]
    assert case.subject == f"Order #{order_with_lines.number} is late"
    messages = case.messages.count()  # the case's note, and the notice sent to the customer
    # The order reported again and scanned again, still late: no second case, nothing added.
    order_changed_task.delay(str(order_with_lines.pk))
    with django_capture_on_commit_callbacks(execute=True):
        scan_delays_task.delay()
    assert SupportCase.objects.get() == case
    assert case.messages.count() == messages
    assert len(mail.outbox) == 1


def test_deleting_a_customer_anonymizes_their_cases(
    customer_case, staff_api_client, permission_manage_users, customer_user
):
    response = staff_api_client.post_graphql(
        CUSTOMER_DELETE,
        {"id": graphene.Node.to_global_id("User", customer_user.pk)},
        permissions=[permission_manage_users],
    )
    assert get_graphql_content(response)["data"]["customerDelete"]["errors"] == []
    case = SupportCase.objects.get()
    assert (case.customer_id, case.customer_email) == (None, "")
    assert case.order_number  # the order number stays
    body = CaseMessage.objects.get(author_type=AuthorType.CUSTOMER).body
    assert body == "[Removed: the customer's account was deleted.]"
