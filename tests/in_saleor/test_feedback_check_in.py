"""The check-in after delivery in real Saleor: an order marked delivered (the fulfillment's metadata) gets
one check-in email days later from the scan task; "something is wrong", answered at the plugin's URL, opens a
case about the order with the customer's words; a forged link changes nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from saleor_support_plugin.core.constants import DELIVERED_AT_METADATA_KEY
from saleor_support_plugin.models import OrderCheckIn, SupportCase
from saleor_support_plugin.tasks import order_changed_task, scan_delays_task

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"]+/plugins/global/saleor\.support/(feedback/check-in/[^/\s\"]+/)")


def test_something_is_wrong_opens_a_case_about_the_order(
    support_plugin, fulfilled_order, client, django_capture_on_commit_callbacks
):
    support_plugin(check_in_enabled="true", check_in_days="3")
    delivered = timezone.now() - datetime.timedelta(days=1)
    fulfillment = fulfilled_order.fulfillments.get()
    fulfillment.store_value_in_metadata({DELIVERED_AT_METADATA_KEY: delivered.isoformat()})
    fulfillment.save(update_fields=["metadata"])
    order_changed_task.delay(str(fulfilled_order.pk))
    order_changed_task.delay(str(fulfilled_order.pk))  # reported twice: one check-in
    assert OrderCheckIn.objects.get().send_after == delivered + datetime.timedelta(days=3)

    mail.outbox.clear()
    for _ in range(2):
        with (
            freeze_time(delivered + datetime.timedelta(days=3, hours=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            scan_delays_task()
    (email,) = [message for message in mail.outbox if "check_in" in message.tags]
    assert email.to == [fulfilled_order.user_email]
    good, problem, _opt_out = LINK.findall(email.body)

    forged = problem[:-3] + ("x" if problem[-3] != "x" else "y") + problem[-2:]
    assert client.post(f"/plugins/global/saleor.support/{forged}", {"message": "Broken"}).status_code == 400
    assert not SupportCase.objects.exists()

    asked = client.get(f"/plugins/global/saleor.support/{problem}")
    assert b"<textarea" in asked.content
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.post(f"/plugins/global/saleor.support/{problem}", {"message": "The lamp arrived broken."})
    assert opened.status_code == 200
    case = SupportCase.objects.get()
    assert case.order_id == fulfilled_order.pk
    assert case.order_number == str(fulfilled_order.number)
    assert case.messages.get().body == "The lamp arrived broken."
    again = client.get(f"/plugins/global/saleor.support/{good}")
    assert b"nothing changed" in again.content
    assert SupportCase.objects.count() == 1
