"""Received mail from public corpora nobody on this project wrote (tests/emails/third_party/README.md): real bounces,
real mail-client replies, odd MIME; and the cases of the inbound-mail issue shown on them."""

from email.message import Message
from pathlib import Path

import pytest
from anymail.inbound import AnymailInboundMessage
from django.core import mail

from saleor_support_plugin.cases.service import BODY_MAX_LENGTH
from saleor_support_plugin.inbound.filing import receive_email
from saleor_support_plugin.inbound.parsing import automatic_reason, written_text
from saleor_support_plugin.models import (
    CaseEmail,
    CaseEmailKind,
    CaseStatus,
    InboundEmail,
    SupportCase,
)
from tests.email_corpus import (
    ODD_MIME,
    PERSON_IN_BOUNCE_CORPUS,
    REAL_BOUNCES,
    TALON,
    real_html_replies,
    real_replies,
)

pytestmark = pytest.mark.django_db

HTML_REPLY_TEXT = "Hi. I am fine.\n\nThanks,\n\nAlex"


def parse(path: Path) -> AnymailInboundMessage:
    return AnymailInboundMessage.parse_raw_mime_bytes(path.read_bytes())


def as_reply_to(message: Message, case: SupportCase, sender: str = "jane@example.com") -> Message:
    """A real client's message, sent by the case's customer in answer to one of the case's emails."""
    for name in ("From", "In-Reply-To", "Message-ID"):
        del message[name]
    message["From"] = sender
    message["In-Reply-To"] = f"<case-{case.pk}.1@shop.example>"
    message["Message-ID"] = f"<{case.pk}.{id(message)}@client.example>"
    return message


def lines(text: str) -> str:
    """Text compared line by line without trailing blanks (the parser trims them)."""
    return "\n".join(line.strip() for line in text.strip().split("\n"))


def test_the_public_corpus_is_there():
    assert len(REAL_BOUNCES) == 116
    assert len(real_replies()) == 12
    assert len(real_html_replies()) == 8
    assert len(ODD_MIME) == 48


@pytest.mark.parametrize("path", REAL_BOUNCES, ids=lambda p: p.name)
def test_each_real_bounce_is_recorded_and_answered_by_nothing(
    inbound_runtime, path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = receive_email(parse(path), inbound_runtime)
    assert record is not None
    assert record.status == "ignored"
    assert record.reason
    assert (SupportCase.objects.count(), CaseEmail.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_a_persons_reply_kept_in_the_bounce_corpus_is_not_taken_for_a_bounce(inbound_runtime):
    record = receive_email(parse(PERSON_IN_BOUNCE_CORPUS), inbound_runtime)
    assert record.status == "opened"


@pytest.mark.parametrize(("path", "new_text"), real_replies(), ids=lambda v: getattr(v, "name", ""))
def test_each_real_client_reply_keeps_the_new_text_and_separates_the_quote(case, inbound_runtime, path, new_text):
    message = as_reply_to(parse(path), case)
    record = receive_email(message, inbound_runtime)
    assert (record.status, record.case) == ("added", case)
    added = record.case_message
    assert lines(added.body) == lines(new_text)
    assert added.quoted_text  # the quoted earlier mail is kept, apart
    assert added.quoted_text not in added.body
    assert CaseEmail.objects.filter(kind=CaseEmailKind.STAFF_NOTIFICATION, case_message=added).exists()


@pytest.mark.parametrize("path", real_html_replies(), ids=lambda p: p.name)
def test_each_real_html_reply_keeps_the_new_text_and_separates_the_quote(case, inbound_runtime, path):
    message = as_reply_to(AnymailInboundMessage.construct(html=path.read_text(), subject="Re: Test"), case)
    added = receive_email(message, inbound_runtime).case_message
    assert [line for line in added.body.split("\n") if line] == [line for line in HTML_REPLY_TEXT.split("\n") if line]
    assert "Hello! How are you?" in added.quoted_text


def test_an_unquoted_persons_mail_has_no_quoted_text():
    assert written_text(AnymailInboundMessage.construct(text="Where is my order 1042?")).quoted == ""


# --- The cases, each on real mail ---------------------------------------------------------------


@pytest.mark.parametrize("sender", ["Mail Delivery System <>", "MAILER DAEMON <>", "foo"])
def test_an_unreadable_sender_is_recorded_and_dropped(inbound_runtime, sender, django_capture_on_commit_callbacks):
    message = parse(TALON / "standard_replies" / "gmail.eml")
    message.replace_header("From", sender)
    with django_capture_on_commit_callbacks(execute=True):
        record = receive_email(message, inbound_runtime)
    assert (record.status, record.sender) == ("ignored", "")
    assert record.reason.startswith("No readable sender")
    assert (SupportCase.objects.count(), len(mail.outbox)) == (0, 0)


@pytest.mark.parametrize(
    ("name", "sender"),
    [
        ("simple_15.txt", "imss@kviv.be"),  # Trend Micro InterScan gateway, "Mail could not be delivered"
        ("simple_43.txt", "ndr@some.domain"),  # "Mail delivery failed", no delivery report part
        ("bounce_02.txt", "e500_smtp_mail_service@example.org"),  # "Returned Mail - Error During Delivery"
        ("simple_24.txt", ""),  # "Postmaster <>"
        ("microsoft_01.txt", "postmaster@ikon.com"),  # "Undeliverable: RE: Waiver draft results explained"
    ],
)
def test_bounces_without_a_delivery_report_open_nothing_and_send_nothing(
    inbound_runtime, name, sender, django_capture_on_commit_callbacks
):
    path = REAL_BOUNCES[0].parent / name
    message = parse(path)
    assert message.get_content_type() != "multipart/report"
    with django_capture_on_commit_callbacks(execute=True):
        record = receive_email(message, inbound_runtime)
    assert (record.status, record.sender) == ("ignored", sender)
    assert (SupportCase.objects.count(), CaseEmail.objects.count(), len(mail.outbox)) == (0, 0, 0)


@pytest.mark.parametrize(
    "subject", ["Automatic reply: Test", "Automatische Antwort: Test", "Réponse automatique : Test"]
)
def test_an_outlook_automatic_reply_known_only_by_its_subject_leaves_the_case_alone(case, inbound_runtime, subject):
    case.status = CaseStatus.WAITING_ON_CUSTOMER  # a customer's message would reopen it
    case.save()
    message = as_reply_to(parse(TALON / "standard_replies" / "outlook.eml"), case)
    message.replace_header("Subject", subject)
    for header in ("Auto-Submitted", "X-Autoreply", "Precedence"):
        assert message.get(header) is None
    emails_before = CaseEmail.objects.count()
    record = receive_email(message, inbound_runtime)
    assert (record.status, record.case) == ("ignored", case)  # visible on the case, as automatic mail
    assert record.reason == f"Automatic reply subject: {subject}"
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING_ON_CUSTOMER
    assert list(case.messages.values_list("body", flat=True)) == ["It has been a week."]
    assert CaseEmail.objects.count() == emails_before


def outlook_reply(new_text: str, history_length: int) -> str:
    """The text part of talon's real Outlook reply, under Outlook's rule line, with a longer quoted thread."""
    original = parse(TALON / "standard_replies" / "outlook.eml").text.replace("\r\n", "\n")
    quoted = original.split("\n\n", 1)[1].strip()  # "From: … Sent: … To: … Subject: …" and the earlier mail
    history = quoted
    while len(history) < history_length:
        history += "\n\n" + quoted
    return f"{new_text}\n\n________________________________\n{history}\n"


def test_an_outlook_reply_with_a_long_quoted_thread_keeps_the_new_text_and_the_thread(case, inbound_runtime):
    text = outlook_reply("Thanks, the new one arrived.", history_length=30_000)
    message = as_reply_to(AnymailInboundMessage.construct(text=text, subject="RE: Where is my mug?"), case)
    record = receive_email(message, inbound_runtime)
    assert record.status == "added"
    added = record.case_message
    assert added.body == "Thanks, the new one arrived."
    assert added.quoted_text.startswith("From: xxx@xxx.mailgun.org [mailto:xxx@xxx.mailgun.org]\nSent: March-09-12")
    assert len(added.quoted_text) > 30_000
    assert CaseEmail.objects.filter(kind=CaseEmailKind.STAFF_NOTIFICATION, case_message=added).exists()


def test_an_over_long_new_text_is_shortened_with_a_note_and_the_rest_kept(case, inbound_runtime):
    words = " ".join(f"word{n}" for n in range(4_000))  # ~31,000 characters the customer wrote
    message = as_reply_to(AnymailInboundMessage.construct(text=outlook_reply(words, 500), subject="RE: x"), case)
    added = receive_email(message, inbound_runtime).case_message
    assert len(added.body) == BODY_MAX_LENGTH
    assert added.body.endswith(
        f"[Shortened: the email had {len(words)} characters; the rest is kept with the quoted text.]"
    )
    kept = added.body.split("\n\n[Shortened")[0] + added.quoted_text
    assert kept.startswith(words)  # nothing the customer wrote is lost
    assert "Sent: March-09-12" in added.quoted_text


def test_an_over_long_first_email_opens_a_case(inbound_runtime):
    body = AnymailInboundMessage.construct(text="x" * 25_000, subject="A long question " + "y" * 300)
    body["From"] = "jane@example.com"
    record = receive_email(body, inbound_runtime)
    assert record.status == "opened"
    assert len(record.case.subject) == 200
    first = record.case_message
    assert len(first.body) == BODY_MAX_LENGTH
    assert len(first.body.split("\n\n[Shortened")[0] + first.quoted_text) == 25_000


def test_nul_bytes_and_junk_in_a_received_mail_are_cleaned(case, inbound_runtime):
    raw = (TALON / "standard_replies" / "gmail.eml").read_bytes()
    raw = raw.replace(b"Subject: Re: Test", b"Subject: Re: Te\x00st \xff\xfe").replace(
        b"\nHello", b"\nHel\x00lo\x07", 1
    )
    message = as_reply_to(AnymailInboundMessage.parse_raw_mime_bytes(raw), case)
    message.add_attachment(b"data", maintype="application", subtype="octet-stream", filename="in\x00voice.pdf")
    record = receive_email(message, inbound_runtime)
    assert record.status == "added"
    assert "\x00" not in record.subject
    assert record.case_message.body == "Hello"
    assert [a.name for a in record.case_message.attachments.all()] == ["invoice.pdf"]


@pytest.mark.parametrize("path", ODD_MIME, ids=lambda p: p.name)
def test_odd_mime_from_pythons_email_tests_is_stored_never_a_crash(inbound_runtime, path):
    message = parse(path)
    record = receive_email(message, inbound_runtime)
    assert record is not None
    assert InboundEmail.objects.get() == record
    assert record.status in {"opened", "ignored", "rejected"}
    if record.status == "opened":
        assert record.case_message.body


def test_the_corpus_bounces_are_recognised_by_structure_headers_and_content():
    kinds = ("Delivery report", "Bounce (flufl.bounce)", "Precedence", "Auto-Submitted", "Sent by")
    reasons = [automatic_reason(parse(path)) for path in REAL_BOUNCES]
    assert all(reasons)
    assert {kind for kind in kinds if any(reason.startswith(kind) for reason in reasons)} == set(kinds)


def test_a_part_in_an_unknown_charset_is_read_not_a_crash(case, inbound_runtime):
    raw = (TALON / "standard_replies" / "apple_mail.eml").read_bytes().replace(b"iso-8859-1", b"x-no-such-charset")
    message = as_reply_to(AnymailInboundMessage.parse_raw_mime_bytes(raw), case)
    record = receive_email(message, inbound_runtime)
    assert (record.status, record.case_message.body) == ("added", "Hello")
