"""Which emails a case sends, recorded when the case changes and sent by Celery after commit.

- an acknowledgement when a case is opened (not for cases the shop opened automatically), at most one per
  customer address in 24 hours;
- each public staff reply to the customer;
- each customer message to the assignee, or the staff inbox;
- a note to the customer when the case is resolved.
Each email is a `CaseEmail` row with a unique key, so a change reported twice never sends twice.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from saleor_support_plugin.cases.email_message import build_case_email
from saleor_support_plugin.core.ports import queue_case_emails
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.email.delivery import PENDING, SKIPPED, Delivery, deliver_claimed, finish, mark_sent, send
from saleor_support_plugin.models import AuthorType, CaseChannel, CaseEmail, CaseEmailKind, CaseMessage, SupportCase

ACKNOWLEDGEMENT_INTERVAL = datetime.timedelta(hours=24)


def case_opened(case: SupportCase, first_message: CaseMessage) -> None:
    if case.origin != CaseChannel.AUTOMATIC:
        queue_acknowledgement(case)
    # Staff opening a case for a customer (a phone call) write its first message: the acknowledgement
    # already tells the customer; only a customer's own first message is forwarded, to staff.
    if first_message.author_type == AuthorType.CUSTOMER:
        message_added(case, first_message)


def message_added(case: SupportCase, message: CaseMessage) -> None:
    if message.is_internal or message.author_type == AuthorType.SYSTEM:
        return
    if message.author_type == AuthorType.CUSTOMER:
        # The recipient (assignee or staff inbox) is looked up when the email is sent.
        queue_email(case, CaseEmailKind.STAFF_NOTIFICATION, f"staff:{message.pk}", message=message)
    elif case.customer_email:
        queue_email(case, CaseEmailKind.REPLY, f"reply:{message.pk}", case.customer_email, message=message)


def case_resolved(case: SupportCase) -> None:
    if case.customer_email and case.resolved_at:
        # Keyed by the resolution time: a case resolved again after reopening says so again.
        queue_email(
            case, CaseEmailKind.RESOLVED, f"resolved:{case.pk}:{case.resolved_at.isoformat()}", case.customer_email
        )


def queue_acknowledgement(case: SupportCase) -> CaseEmail | None:
    email = case.customer_email.strip().lower()
    if not email:
        return None
    # Serialise acknowledgements per address, so two cases opened at once cannot both send one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"saleor-support-ack:{email}"])
    since = timezone.now() - ACKNOWLEDGEMENT_INTERVAL
    recent = CaseEmail.objects.filter(
        kind=CaseEmailKind.ACKNOWLEDGEMENT, recipient=email, created_at__gte=since
    ).exclude(status=SKIPPED)
    if recent.exists():
        return queue_email(
            case, CaseEmailKind.ACKNOWLEDGEMENT, f"ack:{case.pk}", email, skip="Acknowledged within 24 hours."
        )
    return queue_email(case, CaseEmailKind.ACKNOWLEDGEMENT, f"ack:{case.pk}", email)


def queue_email(
    case: SupportCase,
    kind: str,
    key: str,
    recipient: str = "",
    message: CaseMessage | None = None,
    skip: str = "",
) -> CaseEmail | None:
    record, created = CaseEmail.objects.get_or_create(
        dedupe_key=key,
        defaults={
            "case": case,
            "case_message": message,
            "kind": kind,
            "recipient": recipient,
            "status": SKIPPED if skip else PENDING,
            "failure_reason": skip,
        },
    )
    if created and not skip:
        transaction.on_commit(lambda: _enqueue(record.pk))
    return record if created else None


def _enqueue(email_id: int) -> None:
    queue_case_emails([email_id])


def deliver_case_email(
    email_id: int, runtime: SupportRuntime, now: datetime.datetime, final_attempt: bool = False, task_id: str = ""
) -> Delivery:
    return deliver_claimed(CaseEmail, email_id, task_id, lambda record: _deliver(record, runtime, now, final_attempt))


def _deliver(record: CaseEmail, runtime: SupportRuntime, now: datetime.datetime, final_attempt: bool) -> Delivery:
    if not runtime.active:
        return finish(record, SKIPPED, "The support plugin is not active.")
    case = record.case
    recipient = record.recipient or staff_recipient(case, runtime)
    if not recipient:
        return finish(record, SKIPPED, "No assignee email and no staff inbox are configured.")
    sent = send(
        record, lambda: build_case_email(record, case, recipient, runtime.settings), runtime.settings, final_attempt
    )
    if isinstance(sent, Delivery):
        return sent
    mark_sent(record, sent, now)
    record.recipient = recipient
    record.save()
    return Delivery.SENT


def staff_recipient(case: SupportCase, runtime: SupportRuntime) -> str:
    if case.assignee_id is not None:
        assignee_email = runtime.gateway.user_email(case.assignee_id)
        if assignee_email:
            return assignee_email
    return runtime.settings.staff_inbox
