"""Building a delay notice email, in the order's language. No I/O."""

from __future__ import annotations

import datetime
from email.utils import make_msgid
from typing import Any

from anymail.message import AnymailMessage

from saleor_support_plugin.cases.reply_tokens import reply_to
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.orders import FULFILLMENT_FULFILLED, OrderSnapshot
from saleor_support_plugin.delays.rules import DelayStage, promised_delivery_days, revised_estimate
from saleor_support_plugin.email.templates import AUTOMATIC_HEADERS, EMAIL_TAG, localize, render_email
from saleor_support_plugin.email.transport import compose


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
    context = {
        key: localize(value, settings.calendar.timezone, order.language_code)
        for key, value in delay_notice_context(order, stage, settings, now).items()
    }
    rendered = render_email("delay_notice", context, order.language_code, settings.custom_templates.get("delay_notice"))
    return compose(
        rendered,
        settings,
        order.email,
        reply_to(settings),
        lambda domain: {**AUTOMATIC_HEADERS, "Message-ID": make_msgid(f"delay-{notice_id}", domain)},
        [EMAIL_TAG, "delay-notice", stage.value],
        {"order_id": str(order.id), "order_number": order.number, "notice_id": str(notice_id)},
    )


def _promised_date(order: OrderSnapshot, settings: SupportSettings) -> datetime.date | None:
    days = promised_delivery_days(order, settings)
    shipped = [item.created_at for item in order.fulfillments_in(FULFILLMENT_FULFILLED) if item.delivered_at is None]
    if days is None or not shipped:
        return None
    deadline = settings.calendar.deadline_after(min(shipped), days)
    return settings.calendar.local_date(deadline - datetime.timedelta(seconds=1))
