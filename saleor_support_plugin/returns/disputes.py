"""Chargebacks: a CHARGE_BACK reported on the order's transaction opens an urgent case holding the evidence the
shop can show (delivery, delay notices, the case threads with timestamps, return requests and decisions), and
the same evidence as a self-contained HTML page to send to the payment provider.

Once per chargeback event (a `CaseTrigger` key), however often the order-change task runs.
"""

from __future__ import annotations

import datetime
import importlib.resources
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template import Context, Engine
from django.utils import timezone

from saleor_support_plugin.cases.service import open_or_update_topic_case
from saleor_support_plugin.cases.triggers import case_order
from saleor_support_plugin.core.orders import Fulfillment, OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.models import CaseCategory, CaseMessage, CasePriority, CaseTrigger, DelayNotice, SupportCase
from saleor_support_plugin.returns.models import ReturnRequest

TOPIC_CHARGEBACK = "chargeback"


def open_chargeback_cases(order: OrderSnapshot, runtime: SupportRuntime) -> SupportCase | None:
    case = None
    for event_id in order.chargebacks:
        case = _open_for(order, event_id, runtime) or case
    return case


def _open_for(order: OrderSnapshot, event_id: int, runtime: SupportRuntime) -> SupportCase | None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = CaseTrigger.objects.create(order_id=order.id, key=f"chargeback:{event_id}")
        except IntegrityError:
            return None
        case, _opened = open_or_update_topic_case(
            settings=runtime.settings,
            order=case_order(order),
            topic=TOPIC_CHARGEBACK,
            category=CaseCategory.BILLING,
            subject=f"Chargeback on order #{order.number}",
            body=evidence_text(gather_evidence(order, timezone.now())),
            priority=CasePriority.URGENT,
        )
        record.case = case
        record.save(update_fields=["case"])
        runtime.gateway.record_timeline_event(
            order.id,
            f"Chargeback reported: urgent support case #{case.pk} holds the evidence.",
            {"case": str(case.pk), "chargeback_event": str(event_id)},
        )
        return case


# --- the evidence ---


@dataclass(frozen=True)
class EvidenceEntry:
    at: datetime.datetime | None
    what: str
    detail: str = ""


@dataclass(frozen=True)
class Evidence:
    order_number: str
    order_id: uuid.UUID
    customer_email: str
    placed_at: datetime.datetime
    gathered_at: datetime.datetime
    shipments: list[EvidenceEntry] = field(default_factory=list)
    notices: list[EvidenceEntry] = field(default_factory=list)
    messages: list[EvidenceEntry] = field(default_factory=list)
    returns: list[EvidenceEntry] = field(default_factory=list)


def gather_evidence(order: OrderSnapshot, now: datetime.datetime) -> Evidence:
    return Evidence(
        order_number=order.number,
        order_id=order.id,
        customer_email=order.email,
        placed_at=order.created_at,
        gathered_at=now,
        shipments=[_shipment_entry(item) for item in order.fulfillments],
        notices=[
            _notice_entry(notice) for notice in DelayNotice.objects.filter(order_id=order.id).order_by("created_at")
        ],
        messages=[_message_entry(message) for message in _customer_thread(order.id)],
        returns=[_return_entry(request) for request in ReturnRequest.objects.filter(order_id=order.id).order_by("pk")],
    )


def _shipment_entry(item: Fulfillment) -> EvidenceEntry:
    tracking = f"tracking {item.tracking_number}" if item.tracking_number else ""
    delivered = f"delivered {item.delivered_at:%Y-%m-%d %H:%M %Z}" if item.delivered_at else "not marked delivered"
    return EvidenceEntry(
        item.created_at,
        f"Shipment {item.id} ({item.status.replace('_', ' ')})",
        "; ".join(part for part in (tracking, delivered) if part),
    )


def _notice_entry(notice: DelayNotice) -> EvidenceEntry:
    return EvidenceEntry(
        notice.sent_at or notice.created_at,
        f"Delay notice: {notice.get_stage_display()}",
        f"{notice.get_status_display()} to {notice.recipient}",
    )


def _customer_thread(order_id: uuid.UUID) -> QuerySet[CaseMessage]:
    """The public messages of the order's cases (not the chargeback case's own), in the order they were written."""
    messages = CaseMessage.objects.filter(case__order_id=order_id, is_internal=False)
    return messages.exclude(case__topic=TOPIC_CHARGEBACK).order_by("created_at", "pk")


def _message_entry(message: CaseMessage) -> EvidenceEntry:
    return EvidenceEntry(
        message.created_at,
        f"Case #{message.case_id}: {message.get_author_type_display()} {message.author_name}".strip(),
        message.body,
    )


def _return_entry(request: ReturnRequest) -> EvidenceEntry:
    lines = ", ".join(f"{line.quantity} x {line.product_name}" for line in request.lines.all())
    decided = f"; decided {request.decided_at:%Y-%m-%d %H:%M %Z}" if request.decided_at else ""
    reason = f" ({request.decision_reason})" if request.decision_reason else ""
    refunded = (
        f"; refunded {request.refunded_at:%Y-%m-%d %H:%M %Z} ({request.refund_reference})"
        if request.refunded_at
        else ""
    )
    return EvidenceEntry(
        request.created_at,
        f"Return {request.rma_number}: {request.get_status_display()}{reason}",
        f"{lines}; {request.get_resolution_display()}, {request.amount:.2f} {request.currency}{decided}{refunded}",
    )


def evidence_text(evidence: Evidence) -> str:
    sections = [
        f"A chargeback was reported on order #{evidence.order_number} (placed {evidence.placed_at:%Y-%m-%d %H:%M %Z}, "
        f"customer {evidence.customer_email}). Evidence gathered {evidence.gathered_at:%Y-%m-%d %H:%M %Z}:",
    ]
    for title, entries in _sections(evidence):
        lines = [
            f"- {_when(entry.at)} {entry.what}" + (f": {entry.detail}" if entry.detail else "") for entry in entries
        ]
        sections.append(f"{title}:\n" + ("\n".join(lines) if lines else "- none"))
    sections.append("Export the evidence as a page from the case on the Dashboard (Support > case > Export evidence).")
    return "\n\n".join(sections)[:9_900]


def _sections(evidence: Evidence) -> list[tuple[str, list[EvidenceEntry]]]:
    return [
        ("Shipments", evidence.shipments),
        ("Delay notices sent", evidence.notices),
        ("Messages with the customer", evidence.messages),
        ("Return requests and decisions", evidence.returns),
    ]


def _when(at: datetime.datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M %Z}" if at else "(no date)"


def evidence_html(evidence: Evidence) -> str:
    """A self-contained page (no script, no external resource), every value escaped."""
    source = importlib.resources.files("saleor_support_plugin.returns").joinpath("evidence.html").read_text("utf-8")
    template = Engine().from_string(source)
    return template.render(Context({"evidence": evidence, "sections": _sections(evidence)}, autoescape=True))
