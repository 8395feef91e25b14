"""Received email, from a corpus of real-world shaped messages in tests/emails/."""

import datetime
from typing import Any

import pytest
from anymail.inbound import AnymailInboundMessage
from django.core import mail
from django.utils import timezone

from saleor_support_plugin.cases.reply_tokens import make_token
from saleor_support_plugin.cases.service import Actor, close_case
from saleor_support_plugin.delays.rules import DelayStage
from saleor_support_plugin.inbound.filing import ATTACHMENT_MAX_BYTES, receive_email
from saleor_support_plugin.inbound.parsing import WrittenText, written_text
from saleor_support_plugin.models import (
    AuthorType,
    CaseChannel,
    CaseEmail,
    CaseStatus,
    DelayNotice,
    DelayNoticeStatus,
    InboundEmail,
    SupportCase,
)
from tests.conftest import make_order
from tests.email_corpus import corpus_bytes

pytestmark = pytest.mark.django_db


def eml(name: str, **values: Any) -> AnymailInboundMessage:
    return AnymailInboundMessage.parse_raw_mime_bytes(corpus_bytes(name, **values))


def customer_messages(case):
    return list(case.messages.filter(author_type=AuthorType.CUSTOMER).values_list("body", flat=True))


def test_reply_lands_on_the_case_without_the_quoted_text(case, inbound_runtime):
    record = receive_email(eml("reply_plain.eml", case=case.pk, token=make_token(case.pk)), inbound_runtime)
    assert (record.status, record.case) == ("added", case)
    assert customer_messages(case)[-1] == "Thanks, it arrived today!"


def test_html_only_reply_matched_by_in_reply_to(case, inbound_runtime):
    receive_email(eml("reply_html_only.eml", case=case.pk), inbound_runtime)
    assert customer_messages(case)[-1] == "The mug is broken.\n\nCan you send another?"


def test_reply_matched_by_the_case_number_in_the_subject(case, inbound_runtime):
    receive_email(eml("reply_by_subject_only.eml", case=case.pk), inbound_runtime)
    assert customer_messages(case)[-1] == "Please use my new address."


def test_a_customer_answer_reopens_a_resolved_case_but_not_a_closed_one(case, inbound_runtime):
    case.status = CaseStatus.RESOLVED
    case.save()
    receive_email(eml("reply_by_subject_only.eml", case=case.pk), inbound_runtime)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    close_case(case, Actor(AuthorType.STAFF))
    record = receive_email(eml("reply_html_only.eml", case=case.pk), inbound_runtime)
    assert record.status == "opened"
    assert record.case != case


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("out_of_office.eml", "Auto-Submitted: auto-replied"),
        ("exchange_out_of_office.eml", "Precedence: auto_reply"),
        ("bounce.eml", "Delivery report (bounce)"),
        ("mailing_list.eml", "List-Id header"),
    ],
)
def test_automatic_mail_creates_nothing_and_sends_nothing(case, inbound_runtime, name, reason):
    cases, emails = SupportCase.objects.count(), CaseEmail.objects.count()
    record = receive_email(eml(name, case=case.pk, token=make_token(case.pk)), inbound_runtime)
    assert (record.status, record.reason) == ("ignored", reason)
    assert (SupportCase.objects.count(), CaseEmail.objects.count()) == (cases, emails)
    assert customer_messages(case) == ["It has been a week."]


def test_mail_from_someone_else_does_not_land_on_the_case(case, inbound_runtime):
    record = receive_email(eml("spoofed_sender.eml", case=case.pk, token=make_token(case.pk)), inbound_runtime)
    assert record.status == "rejected"
    assert record.reason == f"mallory@evil.example is not the customer of case #{case.pk}"
    assert customer_messages(case) == ["It has been a week."]


def test_the_same_message_delivered_twice_is_stored_once(case, inbound_runtime):
    message = eml("reply_plain.eml", case=case.pk, token=make_token(case.pk))
    assert receive_email(message, inbound_runtime) is not None
    assert receive_email(message, inbound_runtime) is None
    assert InboundEmail.objects.count() == 1
    assert len(customer_messages(case)) == 2


# As written in the MIME header, a quoted string: a Windows path's backslashes come escaped there.
@pytest.mark.parametrize("sent_as", [b"../../mug.png", rb"C:\\Users\\jane\\mug.png", b"/etc/mug.png", b"..mug.png"])
def test_an_attachment_named_as_a_path_is_kept_under_its_own_name(case, inbound_runtime, sent_as):
    raw = corpus_bytes("with_attachment.eml", case=case.pk, token=make_token(case.pk))
    received = AnymailInboundMessage.parse_raw_mime_bytes(raw.replace(b'"mug.png"', b'"' + sent_as + b'"'))
    receive_email(received, inbound_runtime)
    message = case.messages.last()
    assert message.author_type == AuthorType.CUSTOMER
    (attachment,) = message.attachments.all()
    assert attachment.name == "mug.png"
    assert attachment.file.read().startswith(b"\x89PNG")


def test_attachments_are_stored_with_a_size_limit(case, inbound_runtime, monkeypatch):
    receive_email(eml("with_attachment.eml", case=case.pk, token=make_token(case.pk)), inbound_runtime)
    message = case.messages.last()
    (attachment,) = message.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.size) == ("mug.png", "image/png", 70)
    assert attachment.file.read().startswith(b"\x89PNG")
    monkeypatch.setattr("saleor_support_plugin.inbound.filing.ATTACHMENT_MAX_BYTES", 10)
    other = eml("with_attachment.eml", case=case.pk, token=make_token(case.pk))
    other.replace_header("Message-ID", "<attachment-again@mail.example.com>")
    receive_email(other, inbound_runtime)
    assert case.messages.last().attachments.count() == 0
    assert "[Not kept, over the 0 MB limit: mug.png (0 KB)]" in case.messages.last().body
    assert ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def test_unmatched_mail_opens_a_case_linked_to_the_senders_order(
    inbound_runtime, orders, django_capture_on_commit_callbacks
):
    order = orders.put(make_order(number="2077", email="jane@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        record = receive_email(eml("forwarded.eml", order_number="2077"), inbound_runtime)
    assert record.status == "opened"
    assert (record.case.origin, record.case.order_id, record.case.order_number) == (CaseChannel.EMAIL, order.id, "2077")
    assert customer_messages(record.case) == ["Is this right? My order 2077 was supposed to ship already."]
    assert [m.to for m in mail.outbox if m.tags[-1] == "acknowledgement"] == [["jane@example.com"]]


def test_someone_elses_order_number_is_not_linked(inbound_runtime, orders):
    orders.put(make_order(number="2077", email="someone@else.example"))
    record = receive_email(eml("forwarded.eml", order_number="2077"), inbound_runtime)
    assert record.case.order_id is None


def test_non_utf8_mail_is_read_in_its_charset(inbound_runtime):
    record = receive_email(eml("latin1_new_question.eml"), inbound_runtime)
    assert record.case.subject == "Frage zur Größe"
    assert record.sender == "juergen@example.de"
    assert customer_messages(record.case) == ["Welche Größe hat der Becher? Grüße, Jürgen"]


def test_a_reply_to_a_delay_notice_opens_the_orders_delay_case_then_adds_to_it(inbound_runtime, orders):
    order = orders.put(make_order(number="3001", email="jane@example.com"))
    notice = DelayNotice.objects.create(
        order_id=order.id,
        order_number="3001",
        stage=DelayStage.NOT_SHIPPED,
        status=DelayNoticeStatus.SENT,
        due_at=timezone.now() - datetime.timedelta(days=1),
        recipient="jane@example.com",
        message_id="<123.delay-7@shop.example>",
    )
    first = receive_email(
        eml("reply_to_delay_notice.eml", order_number=3001, notice_message_id=notice.message_id), inbound_runtime
    )
    assert first.status == "opened"
    assert (first.case.topic, first.case.order_id) == ("delay", order.id)
    notice.refresh_from_db()
    assert notice.case == first.case
    again = eml("reply_to_delay_notice.eml", order_number=3001, notice_message_id=notice.message_id)
    again.replace_header("Message-ID", "<delay-reply-again@mail.example.com>")
    second = receive_email(again, inbound_runtime)
    assert (second.status, second.case) == ("added", first.case)


def test_quoted_text_is_kept_apart():
    message = AnymailInboundMessage.construct(text="New answer\n\n> old line\n> older line\n")
    assert written_text(message) == WrittenText("New answer", "> old line\n> older line")
