import datetime
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from saleor_support_plugin.cases.email_message import build_case_email
from saleor_support_plugin.cases.emails import deliver_case_email
from saleor_support_plugin.cases.reply_tokens import make_token, read_token
from saleor_support_plugin.cases.service import (
    CaseOrder,
    add_message,
    open_or_update_topic_case,
    update_case,
)
from saleor_support_plugin.core.business_days import BusinessCalendar
from saleor_support_plugin.core.config import CustomTemplate
from saleor_support_plugin.email.delivery import Delivery
from saleor_support_plugin.models import CaseChannel, CaseEmail, CaseEmailKind, CaseStatus
from tests.conftest import AGENT, CUSTOMER, open_customer_case

pytestmark = pytest.mark.django_db

ORDER = CaseOrder(id=uuid.uuid4(), number="1042", email="jane@example.com", language_code="de")


@pytest.fixture
def open_jane_case(runtime, django_capture_on_commit_callbacks):
    def open_one(subject="Where is my mug?", **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return open_customer_case(runtime.settings, subject=subject, email="Jane@Example.com", **overrides)

    return open_one


def sent(kind):
    return [message for message in mail.outbox if message.tags[-1] == kind]


def test_opening_a_case_acknowledges_it_with_the_response_time(open_jane_case, use_settings):
    use_settings(reply_domain="reply.shop.example", staff_inbox="team@shop.example")
    case = open_jane_case()
    (ack,) = sent(CaseEmailKind.ACKNOWLEDGEMENT)
    assert ack.to == ["jane@example.com"]
    assert ack.subject == f"[Case #{case.pk}] We received your message: Where is my mug?"
    assert "We will answer by" in ack.body
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert ack.extra_headers["X-Auto-Response-Suppress"] == "All"
    assert ack.extra_headers["In-Reply-To"] == f"<case-{case.pk}@shop.example>"
    assert ack.extra_headers["References"] == f"<case-{case.pk}@shop.example>"
    (reply_to,) = ack.reply_to
    token = re.fullmatch(r"support\+(.+)@reply\.shop\.example", reply_to)[1]
    assert read_token(token) == case.pk
    # The customer's first message reaches the staff inbox too.
    (to_staff,) = sent(CaseEmailKind.STAFF_NOTIFICATION)
    assert to_staff.to == ["team@shop.example"]
    assert "It has been a week." in to_staff.body
    assert to_staff.reply_to == []


def test_one_acknowledgement_per_address_in_24_hours(open_jane_case):
    first = open_jane_case("First")
    second = open_jane_case("Second")
    assert len(sent(CaseEmailKind.ACKNOWLEDGEMENT)) == 1
    skipped = CaseEmail.objects.get(case=second, kind=CaseEmailKind.ACKNOWLEDGEMENT)
    assert (skipped.status, skipped.failure_reason) == ("skipped", "Acknowledged within 24 hours.")
    CaseEmail.objects.filter(case=first).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    open_jane_case("Third")
    assert len(sent(CaseEmailKind.ACKNOWLEDGEMENT)) == 2


def test_cases_the_shop_opens_itself_send_no_acknowledgement(runtime, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        open_or_update_topic_case(
            settings=runtime.settings, order=ORDER, topic="return", category="return", subject="Return", body="x"
        )
    assert mail.outbox == []


def test_staff_reply_reaches_the_customer_in_the_case_language(open_jane_case, django_capture_on_commit_callbacks):
    case = open_jane_case(order=ORDER)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_message(case, AGENT, "It ships <today>.")
        add_message(case, AGENT, "Warehouse note.", is_internal=True)
    (reply,) = mail.outbox
    assert reply.to == ["jane@example.com"]
    assert reply.subject == f"AW: [Fall #{case.pk}] Where is my mug?"  # the order's language: German
    assert reply.body.startswith("It ships <today>.")
    assert f"Supportfall #{case.pk}. Antworten Sie einfach auf diese E-Mail." in reply.body
    assert "It ships &lt;today&gt;." in reply.alternatives[0][0]
    assert "Auto-Submitted" not in reply.extra_headers
    assert case.language_code == "de"


def test_customer_message_goes_to_the_assignee(open_jane_case, orders, django_capture_on_commit_callbacks):
    case = open_jane_case()
    orders.user_emails[1] = "sam@shop.example"
    update_case(case, AGENT, assignee_id=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_message(case, CUSTOMER, "Any news?")
    (note,) = mail.outbox
    assert note.to == ["sam@shop.example"]
    assert note.subject == f"[Case #{case.pk}] New message from jane@example.com: Where is my mug?"


def test_without_assignee_or_inbox_the_staff_notification_is_skipped(open_jane_case):
    case = open_jane_case()
    record = CaseEmail.objects.get(case=case, kind=CaseEmailKind.STAFF_NOTIFICATION)
    assert record.status == "skipped"
    assert record.failure_reason == "No assignee email and no staff inbox are configured."


def test_resolving_tells_the_customer_once(open_jane_case, django_capture_on_commit_callbacks):
    case = open_jane_case()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update_case(case, AGENT, status=CaseStatus.RESOLVED)
        update_case(case, AGENT, status=CaseStatus.RESOLVED)
    (resolved,) = mail.outbox
    assert resolved.subject == f"[Case #{case.pk}] Resolved: Where is my mug?"
    assert resolved.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_case_email_is_never_sent_twice(open_jane_case, runtime):
    case = open_jane_case()
    record = CaseEmail.objects.get(case=case, kind=CaseEmailKind.ACKNOWLEDGEMENT)
    assert record.status == "sent"
    assert record.message_id == f"<case-{case.pk}.{record.pk}@shop.example>"
    assert deliver_case_email(record.pk, runtime, timezone.now()) is Delivery.NOT_CLAIMED
    assert len(sent(CaseEmailKind.ACKNOWLEDGEMENT)) == 1


def test_reply_tokens_cannot_be_forged():
    token = make_token(42)
    assert read_token(token) == 42
    assert read_token(token.upper()) == 42  # mail systems may change the case of addresses
    assert read_token(token.replace("c42", "c43")) is None
    assert read_token("c42-0000000000000000") is None
    assert read_token("nonsense") is None


def test_anonymized_case_sends_the_customer_nothing(open_jane_case, django_capture_on_commit_callbacks):
    case = open_jane_case()
    case.customer_email = ""
    case.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_message(case, AGENT, "Hello?")
    assert mail.outbox == []


def test_without_a_provider_case_mail_goes_through_the_deployment_backend(open_jane_case, use_settings, settings):
    use_settings(email_provider="")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    open_jane_case()
    assert len(mail.outbox) == 1  # through Django's backend: the acknowledgement


def test_a_case_staff_open_after_a_phone_call_sends_only_the_acknowledgement(
    runtime, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_customer_case(
            runtime.settings,
            author=AGENT,
            origin=CaseChannel.PHONE,
            subject="Called about a late parcel",
            body="Customer called: parcel not arrived.",
        )
    assert [(m.tags[-1], m.to) for m in mail.outbox] == [(CaseEmailKind.ACKNOWLEDGEMENT, ["jane@example.com"])]
    assert not CaseEmail.objects.filter(case=case, kind=CaseEmailKind.REPLY).exists()


def test_subjects_and_text_are_not_html_escaped(open_jane_case, use_settings, django_capture_on_commit_callbacks):
    use_settings(staff_inbox="team@shop.example")
    case = open_jane_case("Where's my order & invoice?")
    with django_capture_on_commit_callbacks(execute=True):
        add_message(case, AGENT, "Tom & Jerry's parcel <b>left</b> today.")
    (ack,) = sent(CaseEmailKind.ACKNOWLEDGEMENT)
    assert ack.subject == f"[Case #{case.pk}] We received your message: Where's my order & invoice?"
    assert "Where's my order & invoice?" in ack.body
    assert "Where&#x27;s my order &amp; invoice?" in ack.alternatives[0][0]
    (to_staff,) = sent(CaseEmailKind.STAFF_NOTIFICATION)
    assert to_staff.subject == f"[Case #{case.pk}] New message from jane@example.com: Where's my order & invoice?"
    (reply,) = sent(CaseEmailKind.REPLY)
    assert reply.subject == f"Re: [Case #{case.pk}] Where's my order & invoice?"
    assert reply.body.startswith("Tom & Jerry's parcel <b>left</b> today.")
    assert "Tom &amp; Jerry&#x27;s parcel &lt;b&gt;left&lt;/b&gt; today." in reply.alternatives[0][0]


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        # Saved before templates were checked on save (or stored some other way): cut short by pybars.
        ("<p>Hello,{{#if author_name}}{{author_name}}<br>{{{body_html}}}</p>", "not understood from"),
        ("<p>Hello, we have answered your case #{{case_number}}.</p>", "does not show the message"),
    ],
)
def test_a_reply_whose_template_would_lose_the_message_fails_and_is_not_sent(
    open_jane_case, use_settings, django_capture_on_commit_callbacks, template, reason
):
    use_settings(custom_templates={"case_reply": CustomTemplate(body=template)})
    case = open_jane_case()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_message(case, AGENT, "It ships today.")
    assert mail.outbox == []
    record = CaseEmail.objects.get(case=case, kind=CaseEmailKind.REPLY)
    assert record.status == "failed"
    assert reason in record.failure_reason


def test_times_are_in_the_store_zone_and_the_case_language_with_the_zone(open_jane_case, use_settings):
    runtime = use_settings(calendar=BusinessCalendar(timezone=ZoneInfo("Europe/Berlin")))
    case = open_jane_case()
    case.first_response_due_at = datetime.datetime(2026, 11, 30, 22, 0, tzinfo=datetime.UTC)  # 23:00 in Berlin
    record = CaseEmail.objects.get(case=case, kind=CaseEmailKind.ACKNOWLEDGEMENT)
    english = build_case_email(record, case, "jane@example.com", runtime.settings)
    assert "We will answer by November 30, 2026, 11:00 PM CET." in english.body
    assert "11:00 PM CET." in english.alternatives[0][0]
    case.language_code = "de"
    german = build_case_email(record, case, "jane@example.com", runtime.settings)
    assert "Wir antworten bis 30. November 2026, 23:00 MEZ." in german.body
    for message in (english, german):
        assert ".." not in message.body
