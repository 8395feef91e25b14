"""Filing a received email on the right case, once.

Matching, in order: the signed Reply-To address, then In-Reply-To / References to one of our emails, then a
case number in the subject; a reply to a delay notice goes to the order's delay case. Only the case's
customer may add to a case. Mail that matches nothing opens a new case (linked to an order when the sender
is that order's buyer and names its number). Automatic mail is recorded and never answered.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from anymail.inbound import AnymailInboundMessage
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from saleor_support_plugin.cases.service import (
    SUBJECT_MAX_LENGTH,
    Actor,
    CaseError,
    add_message,
    case_order,
    fit_body,
    open_case,
)
from saleor_support_plugin.cases.triggers import TOPIC_DELAY, link_delay_notices
from saleor_support_plugin.core.orders import OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.text import UPLOAD_MAX_BYTES, file_name, storable
from saleor_support_plugin.inbound.parsing import (
    WrittenText,
    automatic_reason,
    case_from_references,
    case_from_subject,
    case_from_token,
    order_number_in,
    referenced_ids,
    sender_address,
    subject_of,
    written_text,
)
from saleor_support_plugin.models import (
    OPEN_CASE_STATUSES,
    AuthorType,
    CaseAttachment,
    CaseCategory,
    CaseChannel,
    CaseMessage,
    CaseStatus,
    DelayNotice,
    InboundEmail,
    InboundStatus,
    SupportCase,
)

ATTACHMENT_MAX_BYTES = UPLOAD_MAX_BYTES
QUOTED_MAX_LENGTH = 100_000
NO_TEXT = "(The email had no text.)"


@dataclass
class Filing:
    status: str
    reason: str = ""
    case: SupportCase | None = None
    message: CaseMessage | None = None


def receive_email(message: AnymailInboundMessage, runtime: SupportRuntime) -> InboundEmail | None:
    """Store and file one received email; None if this Message-ID was received before."""
    message_id = storable(str(message.get("Message-ID") or "")).strip() or content_id(message)
    try:
        with transaction.atomic():
            record = InboundEmail.objects.create(
                message_id=message_id[:512],
                sender=sender_address(message)[:254],
                subject=subject_of(message)[:512],
                status=InboundStatus.IGNORED,
            )
            filing = file_email(message, runtime)
            record.status, record.reason = filing.status, filing.reason[:256]
            record.case, record.case_message = filing.case, filing.message
            record.save()
    except IntegrityError:
        if InboundEmail.objects.filter(message_id=message_id[:512]).exists():
            return None  # a redelivery: stored once already
        raise
    return record


def content_id(message: AnymailInboundMessage) -> str:
    """A stand-in Message-ID for mail without one, so its redelivery is still recognised."""
    try:
        raw = message.as_bytes()
    except (UnicodeError, LookupError, ValueError):
        raw = message.as_string().encode("utf-8", "replace")
    return f"<sha256:{hashlib.sha256(raw).hexdigest()}>"


def file_email(message: AnymailInboundMessage, runtime: SupportRuntime) -> Filing:
    sender = sender_address(message)
    subject = subject_of(message)
    case_pk = (
        case_from_token(message, runtime.settings.reply_domain)
        or case_from_references(message)
        or case_from_subject(subject)
    )
    reason = automatic_reason(message)
    if reason:
        # Recorded (on the case it answers, when it names one) and never answered nor forwarded to staff.
        return Filing(
            InboundStatus.IGNORED, reason, SupportCase.objects.filter(pk=case_pk).first() if case_pk else None
        )
    if case_pk is not None:
        case = SupportCase.objects.filter(pk=case_pk).first()
        if case is not None and not may_write(case, sender, runtime):
            return Filing(InboundStatus.REJECTED, f"{sender} is not the customer of case #{case.pk}", case)
        # A resolved case reopens when its customer writes; a closed one stays closed: a new case opens.
        if case is not None and case.status != CaseStatus.CLOSED:
            return Filing(InboundStatus.ADDED, "", case, add_customer_message(case, sender, message))
    notice = DelayNotice.objects.filter(message_id__in=referenced_ids(message), recipient=sender).first()
    order = runtime.gateway.get_order(notice.order_id) if notice else None
    if order is not None:
        return answer_to_delay_notice(order, sender, subject, message, runtime)
    return open_email_case(sender, subject, message, runtime)


def may_write(case: SupportCase, sender: str, runtime: SupportRuntime) -> bool:
    if sender and sender == case.customer_email.lower():
        return True
    order = runtime.gateway.get_order(case.order_id) if case.order_id else None
    return bool(order and order.email and order.email.lower() == sender)


def answer_to_delay_notice(
    order: OrderSnapshot, sender: str, subject: str, message: AnymailInboundMessage, runtime: SupportRuntime
) -> Filing:
    case = SupportCase.objects.filter(order_id=order.id, topic=TOPIC_DELAY, status__in=OPEN_CASE_STATUSES).first()
    if case is not None:
        return Filing(InboundStatus.ADDED, "", case, add_customer_message(case, sender, message))
    body, quoted = fit_texts(written_text(message))
    case = open_case(
        settings=runtime.settings,
        author=customer(sender, order.customer_id),
        origin=CaseChannel.EMAIL,
        subject=fit_subject(subject) or f"Order #{order.number}",
        body=body,
        email=sender,
        order=case_order(order),
        category=CaseCategory.SHIPPING_DELAY,
        topic=TOPIC_DELAY,
    )
    link_delay_notices(case)
    first = case.messages.get()
    keep_quoted(first, quoted)
    store_attachments(first, message)
    return Filing(InboundStatus.OPENED, "Reply to a delay notice", case, first)


def open_email_case(sender: str, subject: str, message: AnymailInboundMessage, runtime: SupportRuntime) -> Filing:
    written = written_text(message)
    body, quoted = fit_texts(written)
    number = order_number_in(subject) or order_number_in(written.text)
    order = runtime.gateway.get_order_by_number(number) if number else None
    if order is not None and order.email.lower() != sender:
        order = None  # someone else's order number: the case is not linked to it
    try:
        case = open_case(
            settings=runtime.settings,
            author=customer(sender, order.customer_id if order else None),
            origin=CaseChannel.EMAIL,
            subject=fit_subject(subject) or "(no subject)",
            body=body,
            email=sender,
            order=case_order(order) if order else None,
        )
    except CaseError as refusal:
        return Filing(InboundStatus.REJECTED, str(refusal))
    first = case.messages.get()
    keep_quoted(first, quoted)
    store_attachments(first, message)
    return Filing(InboundStatus.OPENED, "", case, first)


def add_customer_message(case: SupportCase, sender: str, message: AnymailInboundMessage) -> CaseMessage:
    body, quoted = fit_texts(written_text(message))
    added = add_message(case, customer(sender, case.customer_id), body)
    keep_quoted(added, quoted)
    store_attachments(added, message)
    return added


def fit_subject(subject: str) -> str:
    """A received subject cut to the case limit: a long subject never turns a person's mail away."""
    return subject if len(subject) <= SUBJECT_MAX_LENGTH else subject[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"


def fit_texts(written: WrittenText) -> tuple[str, str]:
    """The message body and the part shown collapsed: quoted mail, and any text cut off an over-long body."""
    body, rest = fit_body(written.text or NO_TEXT)
    quoted = "\n\n".join(part for part in (rest, written.quoted) if part)
    if len(quoted) > QUOTED_MAX_LENGTH:
        quoted = quoted[:QUOTED_MAX_LENGTH] + f"\n\n[Shortened: the quoted mail had {len(quoted)} characters.]"
    return body, quoted


def keep_quoted(case_message: CaseMessage, quoted: str) -> None:
    if quoted:
        case_message.quoted_text = quoted
        case_message.save(update_fields=["quoted_text"])


def customer(sender: str, user_id: int | None) -> Actor:
    return Actor(AuthorType.CUSTOMER, user_id=user_id, name=sender)


def store_attachments(case_message: CaseMessage, message: AnymailInboundMessage) -> list[CaseAttachment]:
    stored, refused = [], []
    for part in message.attachments:
        content = part.get_content_bytes() or b""
        name = file_name(part.get_filename(), "attachment")
        if len(content) > ATTACHMENT_MAX_BYTES:
            refused.append(f"{name} ({len(content) // 1024} KB)")
            continue
        attachment = CaseAttachment(
            case_message=case_message, name=name, content_type=part.get_content_type()[:255], size=len(content)
        )
        attachment.file.save(name, ContentFile(content), save=True)
        stored.append(attachment)
    if refused:
        limit = ATTACHMENT_MAX_BYTES // (1024 * 1024)
        case_message.body += f"\n\n[Not kept, over the {limit} MB limit: {', '.join(refused)}]"
        case_message.save(update_fields=["body"])
    return stored
