"""The check-in after delivery: scheduled once when everything is delivered, emailed when due unless the
order has an open case or a return or the customer opted out; "something is wrong" opens a case, once."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from unittest import mock

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from saleor_support_plugin.cases.service import SYSTEM, CaseOrder, open_case
from saleor_support_plugin.delays.order_changes import handle_order_change
from saleor_support_plugin.delays.scan import recover_deliveries
from saleor_support_plugin.email.delivery import REQUEUE_AFTER
from saleor_support_plugin.feedback.check_ins import schedule_check_in, send_due_check_ins
from saleor_support_plugin.feedback.views import handle_feedback_request
from saleor_support_plugin.models import CaseChannel, CheckInAnswer, OrderCheckIn, SupportCase
from saleor_support_plugin.tasks import enqueue_check_in_delivery
from tests.conftest import MONDAY, make_order, shipped

pytestmark = pytest.mark.django_db

DELIVERED = MONDAY + datetime.timedelta(days=2)
LINK = re.compile(r"https://api\.shop\.example/plugins/global/saleor\.support/(feedback/check-in/[^/\s\"]+/)")


@pytest.fixture
def check_ins_on(use_settings):
    return use_settings(check_in_enabled=True, check_in_days=5)


def delivered_order(orders, **overrides):
    order = shipped(make_order(**overrides), MONDAY + datetime.timedelta(days=1))
    fulfillment = replace(order.fulfillments[0], delivered_at=DELIVERED)
    return orders.put(replace(order, fulfillments=(fulfillment,)))


def scan(runtime, at, capture):
    with capture(execute=True):
        return send_due_check_ins(at, runtime, enqueue_check_in_delivery)


def sent_check_in(orders, runtime, capture):
    """A delivered order whose check-in went out five days later: the order and the email's links (all good,
    something is wrong, opt out)."""
    order = delivered_order(orders)
    schedule_check_in(order, runtime.settings)
    scan(runtime, DELIVERED + datetime.timedelta(days=5), capture)
    return order, LINK.findall(check_in_emails()[0].body)


def check_in_emails():
    return [message for message in mail.outbox if "check_in" in message.tags]


def visit(path, runtime, data=None):
    factory = RequestFactory()
    request = factory.post(f"/x/{path}", data) if data is not None else factory.get(f"/x/{path}")
    return handle_feedback_request(request, path, runtime)


def test_one_check_in_days_after_delivery(check_ins_on, orders, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    order = delivered_order(orders)
    handle_order_change(order.id, check_ins_on)
    handle_order_change(order.id, check_ins_on)  # reported twice: still one
    assert OrderCheckIn.objects.get().send_after == DELIVERED + datetime.timedelta(days=5)
    assert scan(check_ins_on, DELIVERED + datetime.timedelta(days=4), capture) == 0
    assert scan(check_ins_on, DELIVERED + datetime.timedelta(days=5), capture) == 1
    assert scan(check_ins_on, DELIVERED + datetime.timedelta(days=6), capture) == 0
    (email,) = check_in_emails()
    assert email.to == ["jane@example.com"]
    assert email.subject == f"Is everything all right with your order #{order.number}?"
    assert len(LINK.findall(email.body)) == 3  # all good, something is wrong, opt out
    assert email.extra_headers["List-Unsubscribe"].startswith("<https://api.shop.example/")


def test_not_before_everything_is_delivered_nor_when_switched_off(runtime, check_ins_on, orders):
    shipped_only = orders.put(shipped(make_order(), MONDAY))
    assert schedule_check_in(shipped_only, check_ins_on.settings) is None
    assert schedule_check_in(delivered_order(orders), runtime.settings) is None  # off by default


@pytest.mark.parametrize("reason", ["open case", "return", "opted out"])
def test_never_with_an_open_case_or_a_return_or_after_opting_out(
    check_ins_on, orders, django_capture_on_commit_callbacks, reason
):
    order = delivered_order(orders)
    schedule_check_in(order, check_ins_on.settings)
    if reason == "open case":
        open_case(
            settings=check_ins_on.settings,
            author=SYSTEM,
            origin=CaseChannel.AUTOMATIC,
            subject="Late",
            body="Late",
            email=order.email,
            order=CaseOrder(id=order.id, number=order.number, email=order.email),
        )
    elif reason == "return":
        returned = replace(order.fulfillments[0], id=9, status="returned")
        orders.put(replace(order, fulfillments=(*order.fulfillments, returned)))
    else:
        other = delivered_order(orders)
        schedule_check_in(other, check_ins_on.settings)
        scan(check_ins_on, DELIVERED + datetime.timedelta(days=5), django_capture_on_commit_callbacks)
        _good, _problem, opt_out_link = LINK.findall(check_in_emails()[0].body)
        assert visit(opt_out_link, check_ins_on).status_code == 200  # the customer opts out
        mail.outbox.clear()
        OrderCheckIn.objects.filter(order_id=order.id).update(status="scheduled")
    scan(check_ins_on, DELIVERED + datetime.timedelta(days=5), django_capture_on_commit_callbacks)
    assert check_in_emails() == []
    assert OrderCheckIn.objects.get(order_id=order.id).status == "skipped"


def test_something_is_wrong_opens_a_case_with_the_customers_words_once(
    check_ins_on, orders, django_capture_on_commit_callbacks
):
    order, (good, problem, _opt_out) = sent_check_in(orders, check_ins_on, django_capture_on_commit_callbacks)
    asked = visit(problem, check_ins_on)
    assert b"<textarea" in asked.content
    assert not SupportCase.objects.exists()  # opening the link alone opens nothing
    assert visit(problem, check_ins_on, {"message": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        opened = visit(problem, check_ins_on, {"message": "The mug arrived broken."})
    case = SupportCase.objects.get()
    assert f"support case #{case.pk}".encode() in opened.content
    assert (case.order_id, case.subject) == (order.id, f"Something is wrong with order #{order.number}")
    assert case.messages.get().body == "The mug arrived broken."
    assert visit(problem, check_ins_on, {"message": "Again"}).content.count(b"nothing changed") == 1
    assert b"nothing changed" in visit(good, check_ins_on).content
    assert SupportCase.objects.count() == 1
    assert OrderCheckIn.objects.get().answer == CheckInAnswer.PROBLEM


def test_all_good_is_recorded_and_a_forged_link_changes_nothing(
    check_ins_on, orders, django_capture_on_commit_callbacks
):
    _order, (good, _problem, _opt_out) = sent_check_in(orders, check_ins_on, django_capture_on_commit_callbacks)
    forged = good[:-3] + ("x" if good[-3] != "x" else "y") + good[-2:]
    assert visit(forged, check_ins_on).status_code == 400
    assert OrderCheckIn.objects.get().answer == ""
    assert b"Glad to hear it" in visit(good, check_ins_on).content
    assert OrderCheckIn.objects.get().answer == CheckInAnswer.ALL_GOOD
    assert not SupportCase.objects.exists()


def test_a_check_in_whose_task_was_lost_is_sent_by_a_later_scan_once(
    check_ins_on, orders, django_capture_on_commit_callbacks
):
    order = delivered_order(orders)
    handle_order_change(order.id, check_ins_on)
    due = DELIVERED + datetime.timedelta(days=5)
    with mock.patch("saleor_support_plugin.tasks.send_check_in_task.delay"):  # the queued task is lost
        assert scan(check_ins_on, due, django_capture_on_commit_callbacks) == 1
    assert check_in_emails() == []
    later = timezone.now() + REQUEUE_AFTER + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        recovered = recover_deliveries(later, {OrderCheckIn: enqueue_check_in_delivery})
    assert recovered.requeued == 1
    assert len(check_in_emails()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_deliveries(later, {OrderCheckIn: enqueue_check_in_delivery}).requeued == 0
    assert len(check_in_emails()) == 1
