"""From a real Saleor order to one delay notice email, through Saleor's GraphQL API, hooks and Celery tasks."""

import datetime
from pathlib import Path

import graphene
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import FulfillmentStatus, OrderEvents, OrderStatus
from saleor.order.models import OrderEvent

from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.models import DelayNotice, DelayNoticeStatus, DelayWatch
from saleor_support_plugin.tasks import order_changed_task, scan_delays_task, send_delay_notices_task

from .helpers import MARK_AS_PAID, ORDER_CANCEL, fulfill, move_order_back, order_id

pytestmark = pytest.mark.django_db


def watched_stages(order):
    return set(DelayWatch.objects.filter(order_id=order.pk).values_list("stage", flat=True))


@pytest.fixture
def paid_order(order_with_lines, staff_api_client, permission_group_manage_orders, support_plugin):
    support_plugin(default_delivery_days="3", case_after_late_days="")  # escalation: test_cases_opened_by_events
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    content = get_graphql_content(staff_api_client.post_graphql(MARK_AS_PAID, {"id": order_id(order_with_lines)}))
    assert content["data"]["orderMarkAsPaid"]["errors"] == []
    order_with_lines.refresh_from_db()
    return order_with_lines


def test_marking_paid_puts_the_order_on_the_watchlist(paid_order):
    assert watched_stages(paid_order) == {DelayStage.NOT_SHIPPED}


def test_fulfilling_moves_the_watch_to_delivery(paid_order, staff_api_client, warehouse):
    content = get_graphql_content(fulfill(staff_api_client, paid_order, warehouse))
    assert content["data"]["orderFulfill"]["errors"] == []
    assert watched_stages(paid_order) == {DelayStage.DELIVERY_OVERDUE}


def test_cancelling_removes_the_order_from_the_watchlist(paid_order, staff_api_client):
    content = get_graphql_content(staff_api_client.post_graphql(ORDER_CANCEL, {"id": order_id(paid_order)}))
    assert content["data"]["orderCancel"]["errors"] == []
    assert watched_stages(paid_order) == set()


def test_inactive_plugin_watches_nothing(
    order_with_lines, staff_api_client, permission_group_manage_orders, support_plugin
):
    support_plugin(active=False)
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    get_graphql_content(staff_api_client.post_graphql(MARK_AS_PAID, {"id": order_id(order_with_lines)}))
    assert DelayWatch.objects.count() == 0


def test_draft_order_is_never_watched(draft_order, support_plugin):
    support_plugin()
    order_changed_task.delay(str(draft_order.pk))
    assert DelayWatch.objects.count() == 0


ORDER_TIMELINE = (Path(__file__).resolve().parents[2] / "graphql" / "operations" / "order-timeline.graphql").read_text()


def test_late_order_gets_exactly_one_email_in_its_language_and_a_timeline_entry(
    paid_order, staff_api_client, django_capture_on_commit_callbacks
):
    paid_order.language_code = "de"
    paid_order.save(update_fields=["language_code"])
    move_order_back(paid_order, days=14)
    order_changed_task.delay(str(paid_order.pk))

    with django_capture_on_commit_callbacks(execute=True):
        scan_delays_task.delay()
    with django_capture_on_commit_callbacks(execute=True):
        scan_delays_task.delay()  # the next scan, and a retried send task, send nothing more
    notice = DelayNotice.objects.get(order_id=paid_order.pk)
    send_delay_notices_task.delay([notice.pk])

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [paid_order.user_email]
    assert message.subject == f"Ihre Bestellung #{paid_order.number} braucht länger für den Versand"
    assert "Test product" in message.body
    assert notice.status == DelayNoticeStatus.SENT
    assert notice.stage == DelayStage.NOT_SHIPPED

    event = OrderEvent.objects.get(order=paid_order, type=OrderEvents.EXTERNAL_SERVICE_NOTIFICATION)
    assert event.parameters["message"] == (
        f"Delay notice emailed to {paid_order.user_email}: not shipped within the handling time."
    )
    assert event.parameters["service"] == "saleor.support"
    assert event.parameters["notice_id"] == notice.pk
    # What the Dashboard's order timeline reads:
    timeline = get_graphql_content(staff_api_client.post_graphql(ORDER_TIMELINE, {"id": order_id(paid_order)}))
    shown = [e for e in timeline["data"]["order"]["events"] if e["type"] == "EXTERNAL_SERVICE_NOTIFICATION"]
    assert [e["message"] for e in shown] == [event.parameters["message"]]


def test_order_shipped_in_time_gets_no_email(
    paid_order, staff_api_client, warehouse, django_capture_on_commit_callbacks
):
    get_graphql_content(fulfill(staff_api_client, paid_order, warehouse))
    with django_capture_on_commit_callbacks(execute=True):
        scan_delays_task.delay()
    assert mail.outbox == []
    assert DelayNotice.objects.count() == 0


def test_cancelled_late_order_gets_no_email(paid_order, staff_api_client, django_capture_on_commit_callbacks):
    move_order_back(paid_order, days=14)
    order_changed_task.delay(str(paid_order.pk))
    get_graphql_content(staff_api_client.post_graphql(ORDER_CANCEL, {"id": order_id(paid_order)}))
    with django_capture_on_commit_callbacks(execute=True):
        scan_delays_task.delay()
    assert mail.outbox == []


def test_shipment_past_its_promise_gets_a_delivery_notice_unless_marked_delivered(
    paid_order, staff_api_client, warehouse, django_capture_on_commit_callbacks
):
    get_graphql_content(fulfill(staff_api_client, paid_order, warehouse))
    fulfillment = paid_order.fulfillments.get()
    assert fulfillment.status == FulfillmentStatus.FULFILLED
    paid_order.fulfillments.update(created_at=timezone.now() - datetime.timedelta(days=20))
    order_changed_task.delay(str(paid_order.pk))
    with django_capture_on_commit_callbacks(execute=True):
        scan_delays_task.delay()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Your order #{paid_order.number} is running late"


def test_delivered_mark_in_fulfillment_metadata_stops_the_watch(
    paid_order, staff_api_client, warehouse, permission_manage_orders
):
    get_graphql_content(fulfill(staff_api_client, paid_order, warehouse))
    fulfillment = paid_order.fulfillments.get()
    update_metadata = """
    mutation Mark($id: ID!) {
      updateMetadata(id: $id, input: [{key: "support.delivered_at", value: "2026-11-20T10:00:00+00:00"}]) {
        errors { field code message }
      }
    }
    """

    content = get_graphql_content(
        staff_api_client.post_graphql(
            update_metadata, {"id": graphene.Node.to_global_id("Fulfillment", fulfillment.pk)}
        )
    )
    assert content["data"]["updateMetadata"]["errors"] == []
    assert watched_stages(paid_order) == set()


def test_commands_backfill_and_scan_in_saleor(paid_order, django_capture_on_commit_callbacks, capsys):
    DelayWatch.objects.all().delete()
    move_order_back(paid_order, days=14)
    call_command("support_backfill")
    assert watched_stages(paid_order) == {DelayStage.NOT_SHIPPED}
    call_command("support_scan_delays", "--dry-run")
    assert "Due: 1 (not_shipped: 1)." in capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("support_scan_delays")
    assert "Notice emails queued: 1; already handled before: 0." in capsys.readouterr().out
    assert len(mail.outbox) == 1
    assert paid_order.status == OrderStatus.UNFULFILLED
