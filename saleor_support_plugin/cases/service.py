"""Support cases: the business rules that GraphQL, hooks, tasks and email all call.

Every change goes through these functions, which write the audit trail (`CaseChange`) next to it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from saleor_support_plugin.cases import emails as case_emails
from saleor_support_plugin.cases import rate_limit
from saleor_support_plugin.core.business_hours import OpeningHours
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.core.orders import OrderSnapshot
from saleor_support_plugin.core.runtime import load_runtime
from saleor_support_plugin.core.text import is_storable, whole_number
from saleor_support_plugin.models import (
    OPEN_CASE_STATUSES,
    STAFF_CHANNELS,
    AuthorType,
    CaseCategory,
    CaseChange,
    CaseChannel,
    CaseEmailKind,
    CaseMessage,
    CasePriority,
    CaseStatus,
    GuestCaseOpening,
    SupportCase,
)
from saleor_support_plugin.service_levels import clock
from saleor_support_plugin.service_levels.watch import TARGET_NAMES, DueEvent, claim_due_events

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000
SHORTENED_NOTE = "\n\n[Shortened: the email had {length} characters; the rest is kept with the quoted text.]"
ANONYMIZED_EMAIL = ""
ANONYMIZED_BODY = "[Removed: the customer's account was deleted.]"
TRACKED_FIELDS = ("status", "priority", "category", "assignee_id")
CHOICES: dict[str, Collection[str]] = {
    "status": CaseStatus.values,
    "priority": CasePriority.values,
    "category": CaseCategory.values,
}
PRIORITY_RANK: dict[str, int] = {
    CasePriority.LOW: 0,
    CasePriority.NORMAL: 1,
    CasePriority.HIGH: 2,
    CasePriority.URGENT: 3,
}


class CaseError(ValueError):
    """A request the rules refuse; `code` is one of the support error codes, `field` the input at fault."""

    def __init__(self, message: str, code: Code, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Actor:
    type: str
    user_id: int | None = None
    app_id: int | None = None
    name: str = ""


SYSTEM = Actor(AuthorType.SYSTEM, name="Saleor Support")


@dataclass(frozen=True)
class CaseOrder:
    """The order a case is about, as the case keeps it (the order may be deleted later)."""

    id: uuid.UUID
    number: str
    email: str
    channel_slug: str = ""
    customer_id: int | None = None
    language_code: str = "en"


def case_order(order: OrderSnapshot) -> CaseOrder:
    """The order as a case keeps it; every edge reads the order as an `OrderSnapshot` first."""
    return CaseOrder(
        id=order.id,
        number=order.number,
        email=order.email,
        channel_slug=order.channel_slug,
        customer_id=order.customer_id,
        language_code=order.language_code,
    )


def check_text(text: str, field: str) -> str:
    """Any text a person gives (subject, message, address) must be storable: no NUL, no lone surrogate."""
    if not is_storable(text):
        raise CaseError(
            "The text contains a character that cannot be stored (NUL or a lone surrogate).", Code.INVALID, field
        )
    return text


def clean_choice(name: str, value: str) -> str:
    """A status, priority or category someone chose: one of the model's values."""
    if value not in CHOICES[name]:
        raise CaseError(f"'{value}' is not a valid {name}.", Code.INVALID, name)
    return value


def clean_staff_channel(channel: str) -> str:
    """How the customer got in touch, for a case staff open for them."""
    if channel not in STAFF_CHANNELS:
        raise CaseError("Choose how the customer got in touch: phone, email or staff.", Code.INVALID, "channel")
    return channel


def clean_assignee(assignee: int | str | None, staff_ids: Collection[int]) -> int | None:
    """Who a case is assigned to: no one (None or blank), else one of the support staff."""
    if assignee is None or assignee == "":
        return None
    pk = assignee if isinstance(assignee, int) else whole_number(assignee)
    if pk is None or pk not in staff_ids:
        raise CaseError("Assign the case to active staff with a support permission.", Code.INVALID, "assignee")
    return pk


def clean_email(email: str, field: str = "email") -> str:
    """An email address someone typed: checked with Django's validator, stored lower case."""
    email = check_text((email or "").strip(), field).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise CaseError("Enter a valid email address.", Code.INVALID, field) from None
    return email


def clean_subject(subject: str) -> str:
    subject = " ".join(check_text(subject or "", "subject").split())
    if not subject:
        raise CaseError("Enter a subject.", Code.REQUIRED, "subject")
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise CaseError(f"The subject can have at most {SUBJECT_MAX_LENGTH} characters.", Code.INVALID, "subject")
    return subject


def clean_body(body: str) -> str:
    body = check_text(body or "", "body").replace("\r\n", "\n").strip()
    if not body:
        raise CaseError("Write a message.", Code.REQUIRED, "body")
    if len(body) > BODY_MAX_LENGTH:
        raise CaseError(f"A message can have at most {BODY_MAX_LENGTH} characters.", Code.INVALID, "body")
    return body


def fit_body(body: str) -> tuple[str, str]:
    """A received email's text as a message: past the limit it is cut with a note (never refused); the cut-off
    rest is returned so the caller keeps it."""
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) <= BODY_MAX_LENGTH:
        return body, ""
    note = SHORTENED_NOTE.format(length=len(body))
    cut = BODY_MAX_LENGTH - len(note)
    return body[:cut] + note, body[cut:]


def due_times(settings: SupportSettings, start: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """Response-time targets of the default policy: first response and resolution, in business time."""
    policy, hours = settings.default_policy, settings.opening_hours
    return hours.add(start, policy.first_response), hours.add(start, policy.resolution)


def _hours(hours: OpeningHours | None) -> OpeningHours:
    """The opening hours a clock change is counted in: the caller's, or the active configuration's."""
    return hours if hours is not None else load_runtime().settings.opening_hours


@transaction.atomic
def open_case(
    *,
    settings: SupportSettings,
    author: Actor,
    origin: str,
    subject: str,
    body: str,
    email: str,
    customer_id: int | None = None,
    order: CaseOrder | None = None,
    category: str = CaseCategory.OTHER,
    priority: str = CasePriority.NORMAL,
    topic: str = "",
    language_code: str = "",
) -> SupportCase:
    now = timezone.now()
    case = SupportCase(
        order_id=order.id if order else None,
        order_number=order.number if order else "",
        channel_slug=order.channel_slug if order else "",
        customer_id=customer_id if customer_id is not None else (order.customer_id if order else None),
        customer_email=(email or (order.email if order else "")).strip().lower(),
        origin=origin,
        topic=topic,
        category=clean_choice("category", category),
        priority=clean_choice("priority", priority),
        subject=clean_subject(subject),
        created_at=now,
        last_message_at=now,
        language_code=language_code or (order.language_code if order else "") or "en",
    )
    policy = settings.policy_for(priority, category, origin)
    for name, value in clock.stamp(case, policy, settings.opening_hours, settings.at_risk_share, now).items():
        setattr(case, name, value)
    case.save(force_insert=True)
    message = _add_message(case, author, clean_body(body), is_internal=False, at=now)
    case_emails.case_opened(case, message)
    return case


@transaction.atomic
def open_guest_case(
    *,
    settings: SupportSettings,
    ip: str,
    author: Actor,
    subject: str,
    body: str,
    email: str,
    order: CaseOrder,
    category: str = CaseCategory.OTHER,
) -> SupportCase:
    """A case a guest (no account) opens about an order; refused once the guest limits of the last hour are
    reached. Only cases actually opened count towards them: a refused attempt leaves nothing behind."""
    email = clean_email(email)
    limits = rate_limit.GuestLimits(settings.anonymous_cases_per_email_hour, settings.anonymous_cases_per_ip_hour)
    if not rate_limit.within_limits(email, ip, limits):
        raise CaseError("Too many support requests: try again in an hour.", Code.RATE_LIMITED)
    case = open_case(
        settings=settings,
        author=author,
        origin=CaseChannel.STOREFRONT,
        subject=subject,
        body=body,
        email=email,
        order=order,
        category=category,
    )
    rate_limit.record_opening(case, email, ip)
    return case


def open_or_update_topic_case(
    *,
    settings: SupportSettings,
    order: CaseOrder,
    topic: str,
    category: str,
    subject: str,
    body: str,
    priority: str = CasePriority.NORMAL,
) -> tuple[SupportCase, bool]:
    """The open case for this order and topic, with `body` added as a system note; opened if there is none.

    The partial unique index makes this safe when two triggers race: the loser adds to the winner's case.
    """
    existing = _open_topic_case(order.id, topic)
    if existing is None:
        try:
            with transaction.atomic():
                case = open_case(
                    settings=settings,
                    author=SYSTEM,
                    origin=CaseChannel.AUTOMATIC,
                    subject=subject,
                    body=body,
                    email=order.email,
                    order=order,
                    category=category,
                    topic=topic,
                    priority=priority,
                )
            return case, True
        except IntegrityError:
            existing = _open_topic_case(order.id, topic)
            if existing is None:
                raise
    add_message(existing, SYSTEM, body, is_internal=True)
    return existing, False


def _open_topic_case(order_id: uuid.UUID, topic: str) -> SupportCase | None:
    return SupportCase.objects.filter(order_id=order_id, topic=topic, status__in=OPEN_CASE_STATUSES).first()


@transaction.atomic
def add_message(
    case: SupportCase,
    author: Actor,
    body: str,
    is_internal: bool = False,
    settings: SupportSettings | None = None,
) -> CaseMessage:
    """A reply or an internal note, and what it means for the case's status and response targets
    (`settings`: the configuration in force; read from the runtime when not given)."""
    if case.status == CaseStatus.CLOSED and author.type == AuthorType.CUSTOMER:
        raise CaseError("This case is closed: open a new one.", Code.CASE_CLOSED)
    message = _add_message(case, author, clean_body(body), is_internal, timezone.now())
    _after_message(case, message, settings)
    case_emails.message_added(case, message)
    return message


def _add_message(case: SupportCase, author: Actor, body: str, is_internal: bool, at: datetime.datetime) -> CaseMessage:
    return CaseMessage.objects.create(
        case=case,
        author_type=author.type,
        author_user_id=author.user_id,
        author_app_id=author.app_id,
        author_name=author.name,
        is_internal=is_internal,
        body=body,
        created_at=at,
    )


def _after_message(case: SupportCase, message: CaseMessage, settings: SupportSettings | None) -> None:
    updates: dict[str, object] = {"last_message_at": message.created_at}
    if message.is_internal or message.author_type == AuthorType.SYSTEM:
        pass
    elif message.author_type == AuthorType.CUSTOMER:
        if case.status != CaseStatus.OPEN:
            updates["status"] = CaseStatus.OPEN  # a customer's answer reopens a waiting or resolved case
        if case.first_response_at is not None and case.next_response_due_at is None and case.next_response_target:
            settings = settings or load_runtime().settings
            share = settings.at_risk_share
            updates |= clock.customer_wrote(case, settings.opening_hours, share, message.created_at, message.pk)
    else:
        hours = _hours(settings.opening_hours if settings else None) if case.first_response_at is None else None
        updates |= clock.staff_replied(case, hours, message.created_at)
        if case.status in (CaseStatus.NEW, CaseStatus.OPEN):
            updates["status"] = CaseStatus.WAITING_ON_CUSTOMER
    actor = Actor(message.author_type, message.author_user_id, message.author_app_id, message.author_name)
    _apply(case, actor, updates, settings.opening_hours if settings else None)


def update_case(case: SupportCase, actor: Actor, **changes: object) -> SupportCase:
    """Change status, priority, category or assignee; each real change is written to the audit trail."""
    return change_case(case, actor, changes)


@transaction.atomic
def change_case(
    case: SupportCase, actor: Actor, changes: Mapping[str, object], settings: SupportSettings | None = None
) -> SupportCase:
    """`update_case`, counting the service-level clock in `settings` (the runtime's when not given)."""
    unknown = set(changes) - set(TRACKED_FIELDS)
    if unknown:
        raise CaseError(f"Cannot change {', '.join(sorted(unknown))}.", Code.INVALID)
    for name in CHOICES.keys() & changes.keys():
        clean_choice(name, str(changes[name]))
    _apply(case, actor, dict(changes), settings.opening_hours if settings else None)
    return case


def close_case(case: SupportCase, actor: Actor, settings: SupportSettings | None = None) -> SupportCase:
    if case.status == CaseStatus.CLOSED:
        return case
    return change_case(case, actor, {"status": CaseStatus.CLOSED}, settings)


def _apply(case: SupportCase, actor: Actor, updates: dict[str, object], hours: OpeningHours | None = None) -> None:
    now = timezone.now()
    changed = {name: value for name, value in updates.items() if getattr(case, name) != value}
    if "status" in changed:
        changed |= clock.status_changed(case, str(changed["status"]), _hours(hours), now)
    if changed.get("status") in (CaseStatus.RESOLVED, CaseStatus.CLOSED) and case.resolved_at is None:
        changed["resolved_at"] = now
    if changed.get("status") in OPEN_CASE_STATUSES:
        changed["resolved_at"] = None
    for name in TRACKED_FIELDS:
        if name in changed:
            CaseChange.objects.create(
                case=case,
                field=name,
                old_value=_text(getattr(case, name)),
                new_value=_text(changed[name]),
                actor_type=actor.type,
                actor_user_id=actor.user_id,
                actor_app_id=actor.app_id,
                created_at=now,
            )
    for name, value in changed.items():
        setattr(case, name, value)
    if changed:
        case.save(update_fields=[*changed, "updated_at"])
    if changed.get("status") == CaseStatus.RESOLVED:
        case_emails.case_resolved(case)


def anonymize_customer_cases(customer_id: int | None, email: str) -> int:
    """When Saleor deletes a customer: forget who they were on every case; keep the order number."""
    cases = SupportCase.objects.filter(customer_id=customer_id) if customer_id else SupportCase.objects.none()
    if email:
        cases = cases | SupportCase.objects.filter(customer_email__iexact=email)
    case_ids = list(cases.values_list("pk", flat=True))
    with transaction.atomic():
        CaseMessage.objects.filter(case_id__in=case_ids, author_type=AuthorType.CUSTOMER).update(
            body=ANONYMIZED_BODY, author_name=""
        )
        SupportCase.objects.filter(pk__in=case_ids).update(customer_id=None, customer_email=ANONYMIZED_EMAIL)
        GuestCaseOpening.objects.filter(case_id__in=case_ids).delete()
    return len(case_ids)


ESCALATION_BATCH = 500


@dataclass
class ServiceLevelSummary:
    at_risk: int = 0
    breached: int = 0
    escalated_cases: set[int] = field(default_factory=set)


def check_service_levels(now: datetime.datetime, settings: SupportSettings) -> ServiceLevelSummary:
    """Tell staff once about each target at risk, and escalate once at each breach: every event is recorded
    (`ServiceLevelEvent`, unique per case, target and cycle) in the transaction that acts on it."""
    summary = ServiceLevelSummary()
    while True:  # each claim records its events, so the next one finds only the rest
        with transaction.atomic():
            events = claim_due_events(now, ESCALATION_BATCH)
            for event in events:
                _act_on(event, now, settings, summary)
        if not events:
            return summary


def escalate_overdue_cases(now: datetime.datetime, settings: SupportSettings | None = None) -> int:
    """The scan's service-level step (at-risk notices and breach escalations). Returns how many cases were
    escalated."""
    return len(check_service_levels(now, settings or load_runtime().settings).escalated_cases)


def _act_on(event: DueEvent, now: datetime.datetime, settings: SupportSettings, summary: ServiceLevelSummary) -> None:
    case = event.case
    label = TARGET_NAMES[event.target]
    moment = event.due_at.astimezone(settings.calendar.timezone).strftime("%Y-%m-%d %H:%M %Z")
    if event.kind == "at_risk":
        _add_message(case, SYSTEM, f"At risk: the {label} is due by {moment}.", is_internal=True, at=now)
        _record_service_level(case, f"{event.target} at risk", now)
        case_emails.queue_email(
            case, CaseEmailKind.AT_RISK, f"risk:{case.pk}:{event.target}:{event.cycle}", detail=event.target
        )
        summary.at_risk += 1
        return
    updates: dict[str, object] = {}
    if PRIORITY_RANK[case.priority] < PRIORITY_RANK[settings.breach_priority]:
        updates["priority"] = settings.breach_priority
    if settings.breach_assignee_id is not None:
        updates["assignee_id"] = settings.breach_assignee_id
    _apply(case, SYSTEM, updates, settings.opening_hours)
    _add_message(case, SYSTEM, f"Escalated: the {label} target has passed.", is_internal=True, at=now)
    _record_service_level(case, f"{event.target} breached", now)
    case_emails.queue_email(
        case, CaseEmailKind.BREACHED, f"breach:{case.pk}:{event.target}:{event.cycle}", detail=event.target
    )
    if case.escalated_at is None:
        case.escalated_at = now
        case.save(update_fields=["escalated_at", "updated_at"])
    summary.breached += 1
    summary.escalated_cases.add(case.pk)


def reapply_service_levels(settings: SupportSettings, case_ids: list[int] | None = None) -> int:
    """Stamp the policy in force now on open cases (all, or those given), on purpose: their targets are
    counted again from their opening. Each case notes it on its audit trail. Returns how many changed."""
    cases = SupportCase.objects.filter(status__in=OPEN_CASE_STATUSES)
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
    changed = 0
    for pk in cases.order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            case = SupportCase.objects.select_for_update().get(pk=pk)
            policy = settings.policy_for(case.priority, case.category, case.origin)
            updates = clock.restamp(case, policy, settings.opening_hours, settings.at_risk_share)
            updates = {name: value for name, value in updates.items() if getattr(case, name) != value}
            if not updates:
                continue
            old = case.service_level_policy
            for name, value in updates.items():
                setattr(case, name, value)
            case.save(update_fields=[*updates, "updated_at"])
            CaseChange.objects.create(
                case=case,
                field="service_level_policy",
                old_value=old[:256],
                new_value=f"re-applied: {case.service_level_policy}"[:256],
                actor_type=AuthorType.SYSTEM,
                created_at=timezone.now(),
            )
            changed += 1
    return changed


def _record_service_level(case: SupportCase, what: str, now: datetime.datetime) -> None:
    CaseChange.objects.create(
        case=case, field="service_level", old_value="", new_value=what, actor_type=AuthorType.SYSTEM, created_at=now
    )


def is_overdue(case: SupportCase, now: datetime.datetime) -> bool:
    """Open, its clock running (not waiting on the customer), and past a target it has not met."""
    if not case.is_open or case.clock_stopped_at is not None:
        return False
    response_late = case.first_response_at is None and case.first_response_due_at and case.first_response_due_at < now
    next_late = case.next_response_due_at is not None and case.next_response_due_at < now
    resolution_late = case.resolution_due_at is not None and case.resolution_due_at < now
    return bool(response_late or next_late or resolution_late)


def _text(value: object) -> str:
    return "" if value is None else str(value)
