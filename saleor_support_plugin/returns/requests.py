"""Return requests: submitted by a customer or guest, approved at once inside the policy or held on a support
case for staff, then carried out by Saleor through the port.

Every function here is the one place its step happens; GraphQL, the Dashboard and hooks only call them. A step
records the request's new status, a note and an audit entry on its case, an event on the order's timeline and
(once, by key) an email to the customer.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from saleor_support_plugin.cases.service import SYSTEM, Actor, CaseError, CaseOrder, add_message, check_text, open_case
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.models import CaseCategory, CaseChange, CaseChannel, CaseTrigger
from saleor_support_plugin.returns import emails
from saleor_support_plugin.returns.models import (
    ReturnEmailKind,
    ReturnRequest,
    ReturnRequestLine,
    ReturnResolution,
    ReturnStatus,
)
from saleor_support_plugin.returns.photos import Photo, clean_photos, delete_photos, store_photo
from saleor_support_plugin.returns.policy import (
    RECENT_RETURNS_PERIOD,
    NotReturnable,
    RequestedItem,
    Resolution,
    auto_approval,
    evaluate_line,
    items_value,
    restocking_fee,
)
from saleor_support_plugin.returns.port import (
    RefundOutcome,
    ReturnActionError,
    ReturnItem,
    ReturnOrder,
    ReturnReason,
    ReturnsPort,
)

COMMENT_MAX_LENGTH = 5_000
CASE_TOPIC = "return_request"


# A line the customer asks to return: the item Saleor's return action is given once the request is approved.
LineRequest = ReturnItem


@dataclass(frozen=True)
class CleanItem:
    item: RequestedItem
    line: LineRequest
    reason: ReturnReason | None
    # Past the return window, accepted for staff to decide (the policy's late_to_staff).
    late: bool = False


@dataclass(frozen=True)
class Submission:
    lines: Sequence[LineRequest]
    resolution: str
    comment: str = ""
    photos: Sequence[Photo] = ()
    idempotency_key: str = ""


def refusal(message: str, code: str, field: str | None = None) -> CaseError:
    return CaseError(message, Code(code), field)


# --- what is open ---


def pending_quantities(order_id: uuid.UUID, using: str = "default") -> dict[uuid.UUID, int]:
    """Quantities of each line in the order's requests not yet carried out by Saleor (waiting for staff)."""
    quantities: dict[uuid.UUID, int] = {}
    rows = ReturnRequestLine.objects.using(using).filter(
        request__order_id=order_id, request__status=ReturnStatus.PENDING
    )
    for line_id, quantity in rows.values_list("order_line_id", "quantity"):
        quantities[line_id] = quantities.get(line_id, 0) + quantity
    return quantities


def requested_line_ids(order_id: uuid.UUID) -> set[uuid.UUID]:
    """Lines of any request of the order that was not rejected."""
    rows = ReturnRequestLine.objects.filter(request__order_id=order_id).exclude(request__status=ReturnStatus.REJECTED)
    return set(rows.values_list("order_line_id", flat=True))


def recent_requests(order: ReturnOrder, now: datetime.datetime, exclude_pk: int | None = None) -> int:
    requests = ReturnRequest.objects.filter(created_at__gte=now - RECENT_RETURNS_PERIOD).exclude(
        status=ReturnStatus.REJECTED
    )
    if order.customer_id is not None:
        requests = requests.filter(customer_id=order.customer_id)
    else:
        requests = requests.filter(customer_email__iexact=order.email)
    return (requests.exclude(pk=exclude_pk) if exclude_pk is not None else requests).count()


# --- submitting ---


def submit_request(
    *,
    port: ReturnsPort,
    settings: SupportSettings,
    order: ReturnOrder,
    requester: Actor,
    submission: Submission,
    now: datetime.datetime | None = None,
) -> tuple[ReturnRequest, bool]:
    """The request, and whether it was created now (False: the same idempotency key was seen before)."""
    now = now or timezone.now()
    if not settings.returns.enabled:
        raise refusal("This shop does not take return requests online.", "returns_disabled")
    with transaction.atomic():
        _lock_order(order.id)
        key = (submission.idempotency_key or "").strip()
        existing = ReturnRequest.objects.filter(order_id=order.id, idempotency_key=key).first() if key else None
        if existing is not None:
            return existing, False
        request, items = _store_submission(port, settings, order, submission, key, now)
        _record(port, request, requester, f"Return {request.rma_number} requested ({_summary(request)}).")
        _decide(port, settings, request, order, items, requester, now)
    return request, True


def _store_submission(
    port: ReturnsPort,
    settings: SupportSettings,
    order: ReturnOrder,
    submission: Submission,
    key: str,
    now: datetime.datetime,
) -> tuple[ReturnRequest, list[CleanItem]]:
    """The submission checked (refused with a coded error before anything is stored), then stored: the request,
    its lines and its photos."""
    _refuse_duplicate(order.id, submission)
    items = _clean_items(port, settings, order, submission.lines, now)
    resolution = _clean_resolution(submission.resolution, settings)
    comment = _clean_comment(submission.comment)
    photos = clean_photos(submission.photos)
    request = _create(_new_request(order, items, resolution, settings), items, comment, key or uuid.uuid4().hex, now)
    for photo in photos:
        store_photo(request, photo)
    return request, items


def _decide(
    port: ReturnsPort,
    settings: SupportSettings,
    request: ReturnRequest,
    order: ReturnOrder,
    items: list[CleanItem],
    requester: Actor,
    now: datetime.datetime,
) -> None:
    """Approved at once inside the policy; else, or when Saleor refuses, held for staff on a case."""
    requested = [clean.item for clean in items]
    recent = recent_requests(order, now, request.pk)
    needs_staff = auto_approval(requested, Resolution(request.resolution), settings.returns, recent)
    if any(clean.late for clean in items):
        needs_staff.insert(0, "requested after the return window closed")
    if not needs_staff:
        if _approve(port, settings, request, SYSTEM, now, auto=True):
            return
        needs_staff = [request.needs_staff_because]
    _hold_for_staff(port, settings, request, order, needs_staff, requester)


def _refuse_duplicate(order_id: uuid.UUID, submission: Submission) -> None:
    """The same items again, while an earlier request for them stands (sent twice without a key)."""
    wanted = sorted((line.order_line_id, line.quantity) for line in submission.lines)
    earlier = ReturnRequest.objects.filter(order_id=order_id).exclude(status=ReturnStatus.REJECTED)
    for request in earlier.prefetch_related("lines"):
        if sorted((line.order_line_id, line.quantity) for line in request.lines.all()) == wanted:
            raise refusal(f"These items are already in return {request.rma_number}.", "already_requested", "lines")


def _lock_order(order_id: uuid.UUID) -> None:
    """Serialise requests for one order, so two at once cannot both pass the checks for the same items."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"saleor-support-return:{order_id}"])


def _clean_items(
    port: ReturnsPort,
    settings: SupportSettings,
    order: ReturnOrder,
    lines: Sequence[LineRequest],
    now: datetime.datetime,
) -> list[CleanItem]:
    if not lines:
        raise refusal("Choose at least one item to return.", "required", "lines")
    if len({line.order_line_id for line in lines}) != len(lines):
        raise refusal("Each order line can be listed once.", "invalid", "lines")
    reasons = {reason.id: reason for reason in port.return_reasons()}
    pending = pending_quantities(order.id)
    requested = requested_line_ids(order.id)
    return [_clean_item(order, line, reasons, pending, requested, settings, now) for line in lines]


def _clean_item(
    order: ReturnOrder,
    line: LineRequest,
    reasons: dict[int, ReturnReason],
    pending: dict[uuid.UUID, int],
    requested: set[uuid.UUID],
    settings: SupportSettings,
    now: datetime.datetime,
) -> CleanItem:
    facts = order.line(line.order_line_id)
    if facts is None:
        raise refusal("Couldn't find this line in the order.", "not_found", "lines")
    if line.quantity < 1:
        raise refusal("Return at least one item of each line.", "invalid", "lines")
    verdict = evaluate_line(facts, order, settings.returns, now, pending)
    late = verdict.why_not == NotReturnable.WINDOW_CLOSED and settings.returns.late_to_staff
    available = max(facts.quantity_shipped - pending.get(facts.id, 0), 0) if late else verdict.returnable_quantity
    if verdict.why_not is not None and not late:
        raise _not_returnable(verdict.why_not, facts.display_name, line.order_line_id in requested)
    if line.quantity > available:
        raise refusal(f"At most {available} of {facts.display_name} can be returned.", "quantity_exceeded", "lines")
    reason = _clean_reason(line, reasons)
    return CleanItem(RequestedItem(facts, line.quantity, reason.slug if reason else ""), line, reason, late)


def _not_returnable(why: NotReturnable, name: str, requested_before: bool) -> CaseError:
    if why == NotReturnable.WINDOW_CLOSED:
        return refusal(f"The return window for {name} has closed.", "window_closed", "lines")
    if why == NotReturnable.ALREADY_REQUESTED or (why == NotReturnable.ALREADY_RETURNED and requested_before):
        return refusal(f"A return of {name} has already been requested.", "already_requested", "lines")
    return refusal(f"{name} cannot be returned: {why.value.replace('_', ' ')}.", "not_returnable", "lines")


def _clean_reason(line: LineRequest, reasons: dict[int, ReturnReason]) -> ReturnReason | None:
    check_text(line.reason_text or "", "lines")
    if line.reason_page_id is not None and line.reason_page_id not in reasons:
        raise refusal("Choose one of the shop's return reasons.", "invalid", "lines")
    if line.reason_page_id is None and reasons and not (line.reason_text or "").strip():
        raise refusal("Give a reason for each item.", "required", "lines")
    return reasons.get(line.reason_page_id) if line.reason_page_id is not None else None


def _clean_resolution(resolution: str, settings: SupportSettings) -> str:
    if resolution not in {item.value for item in settings.returns.resolutions}:
        offered = ", ".join(item.value for item in settings.returns.resolutions)
        raise refusal(f"This shop offers: {offered}.", "resolution_not_offered", "resolution")
    return resolution


def _clean_comment(comment: str) -> str:
    comment = check_text(comment or "", "comment").replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise refusal(f"The comment can have at most {COMMENT_MAX_LENGTH} characters.", "invalid", "comment")
    return comment


def _new_request(
    order: ReturnOrder, items: list[CleanItem], resolution: str, settings: SupportSettings
) -> ReturnRequest:
    """The request (not saved yet): the order it copies, and its money (amount = value - fee + shipping)."""
    requested = [clean.item for clean in items]
    value = items_value(requested)
    fee = restocking_fee(requested, settings.returns)
    shipping = _shipping_refund(order, requested, resolution, settings)
    return ReturnRequest(
        order_id=order.id,
        order_number=order.number,
        customer_id=order.customer_id,
        customer_email=order.email.lower(),
        channel_slug=order.channel_slug,
        language_code=order.language_code or "en",
        currency=order.currency,
        resolution=resolution,
        items_value=value,
        restocking_fee=fee,
        shipping_refund=shipping,
        amount=max(value - fee + shipping, Decimal(0)),
    )


def _create(
    request: ReturnRequest, items: list[CleanItem], comment: str, key: str, now: datetime.datetime
) -> ReturnRequest:
    request.comment, request.idempotency_key, request.created_at = comment, key[:64], now
    try:
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError:
        raise refusal("This request was already made.", "already_requested") from None
    ReturnRequestLine.objects.bulk_create([_request_line(request, clean) for clean in items])
    return request


def _request_line(request: ReturnRequest, clean: CleanItem) -> ReturnRequestLine:
    reason = clean.reason
    return ReturnRequestLine(
        request=request,
        order_line_id=clean.item.line.id,
        product_name=clean.item.line.product_name,
        variant_name=clean.item.line.variant_name,
        quantity=clean.item.quantity,
        unit_price=clean.item.line.unit_price,
        reason_page_id=reason.id if reason else None,
        reason_slug=reason.slug if reason else "",
        reason_title=reason.title if reason else "",
        reason_text=(clean.line.reason_text or "").strip(),
    )


def _shipping_refund(
    order: ReturnOrder, items: list[RequestedItem], resolution: str, settings: SupportSettings
) -> Decimal:
    """Shipping is refunded (where the policy says so) when the request sends back everything shipped."""
    if not settings.returns.refund_shipping or resolution == Resolution.EXCHANGE:
        return Decimal(0)
    requested = {item.line.id: item.quantity for item in items}
    if any(line.quantity_returned for line in order.lines):
        return Decimal(0)
    everything = all(requested.get(line.id, 0) >= line.quantity for line in order.lines if not line.is_digital)
    return order.shipping_amount if everything else Decimal(0)


def _summary(request: ReturnRequest) -> str:
    lines = ", ".join(f"{line.quantity} x {line.product_name}" for line in request.lines.all())
    return f"{lines}; {request.get_resolution_display().lower()}"


# --- staff, or the policy, decide ---


def _hold_for_staff(
    port: ReturnsPort,
    settings: SupportSettings,
    request: ReturnRequest,
    order: ReturnOrder,
    needs_staff: list[str],
    requester: Actor,
) -> None:
    request.needs_staff_because = "; ".join(needs_staff)
    request.case = open_case(
        settings=settings,
        author=SYSTEM,
        origin=CaseChannel.AUTOMATIC,
        subject=f"Return request {request.rma_number} for order #{order.number}",
        body=_case_body(request),
        email=order.email,
        customer_id=order.customer_id,
        order=CaseOrder(
            order.id, order.number, order.email, order.channel_slug, order.customer_id, order.language_code
        ),
        category=CaseCategory.RETURN,
        language_code=order.language_code,
    )
    request.save(update_fields=["needs_staff_because", "case", "updated_at"])
    emails.queue(request, ReturnEmailKind.REQUESTED)


def _case_body(request: ReturnRequest) -> str:
    lines = "\n".join(
        f"- {line.quantity} x {line.product_name}"
        + (f" ({line.variant_name})" if line.variant_name else "")
        + f": {line.reason_title or line.reason_slug or 'no reason chosen'}"
        + (f" - {line.reason_text}" if line.reason_text else "")
        for line in request.lines.all()
    )
    parts = [
        f"Return request {request.rma_number}: {request.get_resolution_display()}, "
        f"{request.amount:.2f} {request.currency}.",
        lines,
        f"Needs a decision because: {request.needs_staff_because or 'the policy sends it to staff'}.",
    ]
    if request.comment:
        parts.append(f"Customer's comment: {request.comment}")
    photos = request.photos.count()
    if photos:
        parts.append(f"{photos} photo(s) attached to the request.")
    return "\n\n".join(parts)


def approve(
    *,
    port: ReturnsPort,
    settings: SupportSettings,
    request: ReturnRequest,
    actor: Actor,
    resolution: str | None = None,
    amount: Decimal | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ReturnRequest:
    """Staff approve a held request, optionally with another resolution or amount."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked(request)
        _require_status(request, ReturnStatus.PENDING, "decided")
        if resolution and resolution != request.resolution:
            request.resolution = _clean_resolution(resolution, settings)
        if amount is not None:
            request.amount = _storable_amount(amount)
        request.decision_reason = check_text(note or "", "reason").strip()
        if not _approve(port, settings, request, actor, now, auto=False):
            raise refusal(f"Saleor refused the return: {request.needs_staff_because}", "return_failed")
    return request


def _storable_amount(amount: Decimal) -> Decimal:
    """An amount staff typed, refused with a coded error unless the amount column holds it (found by the API
    fuzz test: a 30-digit amount overflowed the column and answered with a server error)."""
    column = ReturnRequest._meta.get_field("amount")
    largest = Decimal(10) ** (column.max_digits - column.decimal_places)  # type: ignore[attr-defined]
    if not 0 <= amount < largest:
        raise refusal(f"The amount must be at least 0 and less than {largest}.", "invalid", "amount")
    return amount.quantize(Decimal(1).scaleb(-column.decimal_places))  # type: ignore[attr-defined]


def _approve(
    port: ReturnsPort,
    settings: SupportSettings,
    request: ReturnRequest,
    actor: Actor,
    now: datetime.datetime,
    auto: bool,
) -> bool:
    """Carry the return out in Saleor; False (nothing changed but the reason) if Saleor refused it."""
    items = [
        ReturnItem(line.order_line_id, line.quantity, line.reason_page_id, line.reason_text)
        for line in request.lines.all()
    ]
    try:
        with transaction.atomic():
            outcome = port.carry_out_return(
                request.order_id,
                items,
                request.resolution == ReturnResolution.EXCHANGE,
                request.rma_number,
                actor.user_id,
            )
    except ReturnActionError as error:
        request.needs_staff_because = f"Saleor refused the return: {error}"
        return False
    old = request.status
    request.status = ReturnStatus.APPROVED
    request.auto_approved = auto
    request.decided_at = now
    request.decided_by_user_id = actor.user_id
    request.return_fulfillment_id = outcome.fulfillment_id
    request.replace_fulfillment_id = outcome.replace_fulfillment_id
    request.replacement_order_id = outcome.replacement_order_id
    request.fulfillment_ids = sorted({outcome.fulfillment_id, *outcome.fulfillment_ids})
    request.save()
    _claim_return_triggers(request)
    how = "automatically, inside the return policy" if auto else f"by {actor.name or 'staff'}"
    _step(port, request, actor, old, f"Return {request.rma_number} approved {how}.")
    emails.queue(request, ReturnEmailKind.APPROVED)
    return True


def _claim_return_triggers(request: ReturnRequest) -> None:
    """The fulfillments this request made are its own: the order-change hook must not open another case."""
    for fulfillment_id in request.fulfillment_ids:
        if fulfillment_id is not None:
            CaseTrigger.objects.get_or_create(
                order_id=request.order_id, key=f"return:{fulfillment_id}", defaults={"case": request.case}
            )


def reject(
    *,
    port: ReturnsPort,
    request: ReturnRequest,
    actor: Actor,
    reason: str,
    now: datetime.datetime | None = None,
) -> ReturnRequest:
    reason = check_text(reason or "", "reason").strip()
    if not reason:
        raise refusal("Say why the return is rejected: the customer is told.", "required", "reason")
    with transaction.atomic():
        request = _locked(request)
        _require_status(request, ReturnStatus.PENDING, "decided")
        old = request.status
        request.status = ReturnStatus.REJECTED
        request.decision_reason = reason
        request.decided_at = now or timezone.now()
        request.decided_by_user_id = actor.user_id
        request.save()
        _step(port, request, actor, old, f"Return {request.rma_number} rejected: {reason}")
        emails.queue(request, ReturnEmailKind.REJECTED)
    return request


def _locked(request: ReturnRequest) -> ReturnRequest:
    return ReturnRequest.objects.select_for_update().get(pk=request.pk)


def _require_status(request: ReturnRequest, status: str, done: str) -> None:
    if request.status != status:
        raise refusal(
            f"Return {request.rma_number} is {request.get_status_display().lower()}: it cannot be {done} now.",
            "invalid_status",
        )


def _step(port: ReturnsPort, request: ReturnRequest, actor: Actor, old_status: str, message: str) -> None:
    """A step of the request: on the order's timeline, and as a note and an audit entry on its case."""
    _record(port, request, actor, message)
    if request.case is not None:
        CaseChange.objects.create(
            case=request.case,
            field="return_request",
            old_value=f"{request.rma_number}: {old_status}",
            new_value=f"{request.rma_number}: {request.status}",
            actor_type=actor.type,
            actor_user_id=actor.user_id,
            actor_app_id=actor.app_id,
            created_at=timezone.now(),
        )
        add_message(request.case, SYSTEM, message, is_internal=True)


def _record(port: ReturnsPort, request: ReturnRequest, actor: Actor, message: str) -> None:
    parameters = {"rma_number": request.rma_number, "return_request": str(request.pk), "status": request.status}
    port.record_timeline_event(request.order_id, message, parameters)


# --- received, refunded or credited ---


def mark_received(
    *, port: ReturnsPort, request: ReturnRequest, actor: Actor, now: datetime.datetime | None = None
) -> ReturnRequest:
    """Staff have the items back: recorded on the return's fulfillment in Saleor and told to the customer."""
    with transaction.atomic():
        request = _locked(request)
        _require_status(request, ReturnStatus.APPROVED, "marked received")
        if request.return_fulfillment_id is not None:
            port.mark_received(request.order_id, request.return_fulfillment_id, request.rma_number)
        old = request.status
        request.status = ReturnStatus.RECEIVED
        request.received_at = now or timezone.now()
        request.save()
        _step(port, request, actor, old, f"Return {request.rma_number}: items received.")
        emails.queue(request, ReturnEmailKind.RECEIVED)
    return request


def settle(
    *, port: ReturnsPort, request: ReturnRequest, actor: Actor, now: datetime.datetime | None = None
) -> ReturnRequest:
    """The money for a received return, through Saleor: a refund of the order's payment or transaction, or
    store credit as a Saleor gift card. An exchange is settled by Saleor's replacement order instead."""
    with transaction.atomic():
        request = _locked(request)
        _require_status(request, ReturnStatus.RECEIVED, "refunded")
        if request.resolution == ReturnResolution.EXCHANGE:
            raise refusal("An exchange is settled by its replacement order, not a refund.", "invalid_status")
        try:
            with transaction.atomic():
                outcome = _pay(port, request, actor)
        except ReturnActionError as error:
            raise refusal(f"Saleor refused: {error}", "return_failed") from error
        old = request.status
        credited = request.resolution == ReturnResolution.STORE_CREDIT
        request.status = ReturnStatus.CREDITED if credited else ReturnStatus.REFUNDED
        request.refunded_at = now or timezone.now()
        request.refund_reference = outcome.reference
        request.gift_card_code = outcome.gift_card_code
        request.save()
        money = f"{outcome.amount:.2f} {request.currency}"
        what = f"store credit of {money} issued (gift card)" if credited else f"{money} refunded ({outcome.kind})"
        _step(port, request, actor, old, f"Return {request.rma_number}: {what}.")
        emails.queue(request, ReturnEmailKind.CREDITED if credited else ReturnEmailKind.REFUNDED)
    return request


def _pay(port: ReturnsPort, request: ReturnRequest, actor: Actor) -> RefundOutcome:
    if request.resolution == ReturnResolution.STORE_CREDIT:
        return port.issue_store_credit(
            request.order_id, request.amount, request.customer_email, request.rma_number, actor.user_id
        )
    return port.refund(request.order_id, request.amount, request.rma_number, actor.user_id)


# --- privacy ---

ANONYMIZED_TEXT = "[Removed: the customer's account was deleted.]"


def anonymize_customer_returns(customer_id: int | None, email: str) -> int:
    """When Saleor deletes a customer: their return requests lose the email, the account link, their own words
    and their photos; the order number, items and decisions stay (the shop's records of what moved)."""
    requests_ = ReturnRequest.objects.filter(customer_id=customer_id) if customer_id else ReturnRequest.objects.none()
    if email:
        requests_ = requests_ | ReturnRequest.objects.filter(customer_email__iexact=email)
    ids = list(requests_.values_list("pk", flat=True))
    with transaction.atomic():
        delete_photos(ids)
        ReturnRequestLine.objects.filter(request_id__in=ids).exclude(reason_text="").update(reason_text=ANONYMIZED_TEXT)
        ReturnRequest.objects.filter(pk__in=ids).exclude(comment="").update(comment=ANONYMIZED_TEXT)
        ReturnRequest.objects.filter(pk__in=ids).update(customer_id=None, customer_email="")
    return len(ids)
