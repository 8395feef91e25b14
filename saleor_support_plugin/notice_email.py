"""Building a delay notice email: templates from `emails/`, rendered in the order's language. No I/O."""

from __future__ import annotations

import datetime
import importlib.resources
from dataclasses import dataclass
from email.utils import make_msgid
from functools import cache
from typing import Any

from anymail.message import AnymailMessage
from django.template import Context, Engine
from django.utils import formats, translation

from .config import SupportSettings
from .delay_rules import DelayStage, promised_delivery_days, revised_estimate
from .mail import from_address
from .orders import FULFILLMENT_FULFILLED, OrderSnapshot

EMAIL_TAG = "saleor-support"
# Automatic mail: ask auto-responders (RFC 3834, Exchange) not to answer it.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@cache
def template_engine() -> Engine:
    directory = importlib.resources.files("saleor_support_plugin.emails")
    return Engine(dirs=[str(directory)], libraries={"i18n": "django.templatetags.i18n"})


def render_email(name: str, context: dict[str, Any], language_code: str) -> RenderedEmail:
    """Render `emails/<name>/{subject.txt,body.txt,body.html}` in the given language."""
    engine = template_engine()
    with translation.override(language_code or "en"):
        subject = " ".join(engine.get_template(f"{name}/subject.txt").render(Context(context)).split())
        text = engine.get_template(f"{name}/body.txt").render(Context(context))
        html = engine.get_template(f"{name}/body.html").render(Context({**context, "subject": subject}))
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)


def delay_notice_context(
    order: OrderSnapshot, stage: DelayStage, settings: SupportSettings, now: datetime.datetime
) -> dict[str, Any]:
    lines = order.unshipped_lines if stage != DelayStage.DELIVERY_OVERDUE else order.lines
    shipped = order.fulfillments_in(FULFILLMENT_FULFILLED)
    return {
        "stage": stage.value,
        "order_number": order.number,
        "customer_first_name": order.customer_first_name,
        "language_code": order.language_code,
        "items": [{"name": line.display_name, "quantity": line.quantity_unshipped or line.quantity} for line in lines],
        "handling_days": settings.handling_days,
        "promised_date": _promised_date(order, settings),
        "revised_date": revised_estimate(settings, now),
        "tracking_numbers": ", ".join(item.tracking_number for item in shipped if item.tracking_number),
        "sender_name": settings.sender_name,
        "support_email": settings.support_email,
        "support_phone": settings.support_phone,
        "support_hours": settings.support_hours,
        "support_response_time": settings.support_response_time,
    }


def build_delay_notice_message(
    order: OrderSnapshot,
    stage: DelayStage,
    settings: SupportSettings,
    now: datetime.datetime,
    notice_id: int,
) -> AnymailMessage:
    context = delay_notice_context(order, stage, settings, now)
    with translation.override(order.language_code or "en"):
        context = {key: _localize(value) for key, value in context.items()}
    rendered = render_email("delay_notice", context, order.language_code)
    sender = from_address(settings)
    message = AnymailMessage(
        subject=rendered.subject,
        body=rendered.text,
        from_email=sender,
        to=[order.email],
        reply_to=[settings.support_email] if settings.support_email else None,
        headers={**AUTOMATIC_HEADERS, "Message-ID": make_msgid(f"delay-{notice_id}", _domain(sender))},
        tags=[EMAIL_TAG, "delay-notice", stage.value],
        metadata={"order_id": str(order.id), "order_number": order.number, "notice_id": str(notice_id)},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def _promised_date(order: OrderSnapshot, settings: SupportSettings) -> datetime.date | None:
    days = promised_delivery_days(order, settings)
    shipped = [item.created_at for item in order.fulfillments_in(FULFILLMENT_FULFILLED) if item.delivered_at is None]
    if days is None or not shipped:
        return None
    deadline = settings.calendar.deadline_after(min(shipped), days)
    return settings.calendar.local_date(deadline - datetime.timedelta(seconds=1))


def _localize(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"
