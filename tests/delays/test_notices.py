import datetime
from dataclasses import replace

import pytest
from anymail.exceptions import AnymailRecipientsRefused
from django.core import mail

from saleor_support_plugin.delays.notices import Delivery, deliver_delay_notice
from saleor_support_plugin.delays.order_changes import handle_order_change
from saleor_support_plugin.delays.scan import scan_delays
from saleor_support_plugin.models import DelayNotice, DelayNoticeStatus, DelayWatch
from tests.conftest import MONDAY, api_error, make_order, shipped
from tests.order_store import load_test_runtime

pytestmark = pytest.mark.django_db

NOW = MONDAY + datetime.timedelta(days=5)


@pytest.fixture
def queued_notice(orders, runtime):
    """A paid order that missed its handling time, scanned into a queued notice."""
    order = orders.put(make_order())
    handle_order_change(order.id, runtime)
    summary = scan_delays(NOW, lambda ids: None)
    return order, summary.notice_ids[0]


@pytest.fixture
def failing_backend(settings, use_settings):
    # No provider configured: mail goes through the deployment's EMAIL_BACKEND, here one that fails on demand.
    use_settings(email_provider="")
    settings.EMAIL_BACKEND = "tests.failing_backend.FailingBackend"
    from tests import failing_backend

    failing_backend.FailingBackend.errors = []
    failing_backend.FailingBackend.sent = []
    return failing_backend.FailingBackend


def test_sends_one_email_and_records_it(queued_notice, runtime, orders):
    order, notice_id = queued_notice
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jane@example.com"]
    assert f"#{order.number}" in message.subject
    notice = DelayNotice.objects.get(pk=notice_id)
    assert notice.status == DelayNoticeStatus.SENT
    assert notice.sent_at == NOW
    assert notice.recipient == "jane@example.com"
    assert notice.message_id == message.extra_headers["Message-ID"]
    assert notice.provider_message_id  # the anymail test backend assigns one
    assert orders.timeline == [
        (
            order.id,
            "Delay notice emailed to jane@example.com: not shipped within the handling time.",
            {"notice_id": notice_id, "stage": "not_shipped", "email": "jane@example.com"},
        )
    ]


def test_second_delivery_of_the_same_notice_sends_nothing(queued_notice, runtime, orders):
    _order, notice_id = queued_notice
    deliver_delay_notice(notice_id, runtime, NOW)
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.NOT_CLAIMED
    assert len(mail.outbox) == 1
    assert len(orders.timeline) == 1


def test_a_notice_being_sent_elsewhere_is_not_sent_again(queued_notice, runtime):
    _order, notice_id = queued_notice
    # Another worker claimed it and may have sent it before dying: never risk a second email.
    DelayNotice.objects.filter(pk=notice_id).update(status=DelayNoticeStatus.SENDING)
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.NOT_CLAIMED
    assert mail.outbox == []


def test_order_shipped_since_the_scan_gets_no_email(queued_notice, runtime, orders):
    order, notice_id = queued_notice
    orders.put(shipped(order, NOW - datetime.timedelta(hours=1)))
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.SKIPPED
    assert mail.outbox == []
    notice = DelayNotice.objects.get(pk=notice_id)
    assert notice.status == DelayNoticeStatus.SKIPPED
    assert "No longer late" in notice.failure_reason


def test_cancelled_order_gets_no_email(queued_notice, runtime, orders):
    order, notice_id = queued_notice
    orders.put(replace(order, status="canceled"))
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.SKIPPED
    assert mail.outbox == []


def test_deleted_order_gets_no_email(queued_notice, runtime, orders):
    order, notice_id = queued_notice
    del orders.orders[order.id]
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.SKIPPED
    assert DelayNotice.objects.get(pk=notice_id).failure_reason == "The order no longer exists."


def test_order_with_a_later_due_date_is_watched_again(queued_notice, runtime, orders):
    order, notice_id = queued_notice
    orders.put(replace(order, paid_at=NOW))
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.REWATCHED
    assert mail.outbox == []
    assert not DelayNotice.objects.filter(pk=notice_id).exists()
    assert DelayWatch.objects.get(order_id=order.id).due_at > NOW


def test_inactive_plugin_sends_nothing(queued_notice, use_settings):
    _order, notice_id = queued_notice
    assert deliver_delay_notice(notice_id, use_settings(active=False), NOW) is Delivery.SKIPPED
    assert mail.outbox == []


def test_order_without_email_is_skipped(queued_notice, runtime, orders):
    order, notice_id = queued_notice
    orders.put(replace(order, email=""))
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.SKIPPED
    assert DelayNotice.objects.get(pk=notice_id).failure_reason == "The order has no email address."


def test_transient_provider_error_is_retried_then_sent_once(queued_notice, failing_backend):
    _order, notice_id = queued_notice
    runtime = load_test_runtime()
    failing_backend.errors = [api_error(503)]
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.RETRY
    notice = DelayNotice.objects.get(pk=notice_id)
    assert (notice.status, notice.attempts) == (DelayNoticeStatus.RETRYING, 1)
    assert "Provider answered 503" in notice.failure_reason

    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.SENT
    assert len(failing_backend.sent) == 1
    assert DelayNotice.objects.get(pk=notice_id).attempts == 2


def test_transient_error_on_the_final_attempt_fails(queued_notice, failing_backend):
    _order, notice_id = queued_notice
    runtime = load_test_runtime()
    failing_backend.errors = [api_error(None)]
    assert deliver_delay_notice(notice_id, runtime, NOW, final_attempt=True) is Delivery.FAILED
    assert DelayNotice.objects.get(pk=notice_id).status == DelayNoticeStatus.FAILED


def test_permanent_error_fails_without_retry(queued_notice, failing_backend):
    _order, notice_id = queued_notice
    runtime = load_test_runtime()
    failing_backend.errors = [AnymailRecipientsRefused("All recipients were rejected")]
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.FAILED
    notice = DelayNotice.objects.get(pk=notice_id)
    assert notice.status == DelayNoticeStatus.FAILED
    assert notice.failure_reason.startswith("AnymailRecipientsRefused")
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.NOT_CLAIMED
    assert failing_backend.sent == []


def test_a_broken_provider_configuration_fails_the_notice_instead_of_losing_it(queued_notice, use_settings):
    _order, notice_id = queued_notice
    # The key is read in the worker: a provider that cannot be configured fails cleanly, recorded.
    runtime = use_settings(email_provider="mailgun", email_provider_api_key="")
    assert deliver_delay_notice(notice_id, runtime, NOW) is Delivery.FAILED
    notice = DelayNotice.objects.get(pk=notice_id)
    assert notice.status == DelayNoticeStatus.FAILED
    assert notice.failure_reason.startswith("AnymailConfigurationError")
    assert mail.outbox == []
