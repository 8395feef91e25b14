"""How Saleor's order changes reach the plugin's worker: after the request, from memory, as one message per
second of a process's changes (no broker call in Saleor's request); and again from Saleor's `Order.updated_at`
when a web process died before it published."""

from __future__ import annotations

import datetime
import shutil

import pytest
from django.utils import timezone
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import OrderStatus
from saleor.order.models import Order

from saleor_support_plugin.core.runtime import load_runtime
from saleor_support_plugin.delays.order_changes import reconcile_order_changes
from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.models import DelayWatch, EscalationWatch
from saleor_support_plugin.tasks import orders_changed_task, scan_delays_task
from tests.redis_server import queued_task_args, running_redis, wait_for

from .helpers import ORDER_FULFILL, celery_publishing_to, fulfill_everything

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (Debian package)")
def test_the_hooks_of_a_mutation_reach_the_broker_as_one_message_after_the_request(
    support_plugin, staff_api_client, permission_group_manage_orders, order_with_lines, warehouse
):
    support_plugin()
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    with running_redis() as broker_url, celery_publishing_to(broker_url):
        response = staff_api_client.post_graphql(ORDER_FULFILL, fulfill_everything(order_with_lines, warehouse))
        assert get_graphql_content(response)["data"]["orderFulfill"]["errors"] == []
        assert queued_task_args(broker_url, orders_changed_task.name) == []  # nothing published in the request
        wait_for(lambda: queued_task_args(broker_url, orders_changed_task.name), "the plugin's message", 10)
        assert queued_task_args(broker_url, orders_changed_task.name) == [[[str(order_with_lines.pk)]]]


def test_the_scan_watches_an_order_whose_report_never_reached_the_worker(
    order_with_lines, order_generator, support_plugin
):
    support_plugin(handling_starts_at="creation")
    draft = order_generator(status=OrderStatus.DRAFT)
    reconcile_order_changes(load_runtime(), timezone.now() - datetime.timedelta(hours=1))  # an earlier scan
    assert DelayWatch.objects.count() == 0  # no hook's report was handled: the fixtures' orders are not watched
    scan_delays_task.delay()
    assert set(DelayWatch.objects.values_list("order_id", "stage")) == {(order_with_lines.pk, DelayStage.NOT_SHIPPED)}
    assert list(EscalationWatch.objects.values_list("order_id", flat=True)) == [order_with_lines.pk]
    assert not DelayWatch.objects.filter(order_id=draft.pk).exists()


def test_the_scan_reads_orders_by_saleors_updated_at_in_pages(order_generator, support_plugin):
    support_plugin(handling_starts_at="creation")
    now = timezone.now()
    orders = [order_generator(status=OrderStatus.UNFULFILLED) for _ in range(5)]
    # Two orders saved in the same microsecond: the page boundary must not skip either.
    Order.objects.filter(pk__in=[orders[1].pk, orders[2].pk]).update(updated_at=now - datetime.timedelta(minutes=2))
    Order.objects.filter(pk=orders[4].pk).update(updated_at=now - datetime.timedelta(hours=2))  # read before
    since, until = now - datetime.timedelta(hours=1), timezone.now()
    pages = list(load_runtime().gateway.iter_orders_updated(since, until, batch_size=2))
    assert [len(page) for page in pages] == [2, 2]
    assert {order.id for page in pages for order in page} == {order.pk for order in orders[:4]}
