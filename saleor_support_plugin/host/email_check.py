"""What is checked when the merchant saves the configuration (never when the plugin starts or parses it).

Every email the plugin sends is built by the real builders from sample orders and cases, in each variant a
template can branch on (each delay stage; optional values filled, and blank):
- the configured provider's anymail backend must build a payload for each, after `fit_to_provider`, so a
  provider that cannot carry what the plugin sends is refused on save, not at send time;
- each template the merchant replaced must compile and show what its email exists to carry
  (`email_templates.REQUIRED_CONTENT`) in every variant.
Nothing here does I/O: no email is sent and the database is not read.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterator
from dataclasses import replace

from anymail.exceptions import AnymailConfigurationError, AnymailError, AnymailImproperlyInstalled
from anymail.message import AnymailMessage

from saleor_support_plugin.cases.email_message import build_case_email
from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.config import INVALID, REQUIRED, SupportSettings
from saleor_support_plugin.core.orders import (
    FULFILLMENT_FULFILLED,
    FULFILLMENT_WAITING_FOR_APPROVAL,
    ORDER_PARTIALLY_FULFILLED,
    Fulfillment,
    OrderLine,
    OrderSnapshot,
)
from saleor_support_plugin.delays.notice_email import build_delay_notice_message
from saleor_support_plugin.delays.rules import CUSTOMER_STAGES
from saleor_support_plugin.email.templates import EmailContentError, TemplateError, compile_handlebars
from saleor_support_plugin.email.transport import build_payload, fit_to_provider, get_mail_connection
from saleor_support_plugin.models import AuthorType, CaseEmail, CaseEmailKind, CaseMessage, SupportCase

SAMPLE_NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
SAMPLE_SHIPPED = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=datetime.UTC)
SAMPLE_RECIPIENT = "customer@example.com"
# Values no template prints by accident, so a sample email either shows them or does not.
SAMPLE_ORDER_NUMBER = "73519"
SAMPLE_CASE_NUMBER = 90817
SAMPLE_MESSAGE = "Sample message 6e1f: the parcel has not arrived yet."
CASE_EMAIL_KINDS = (
    CaseEmailKind.ACKNOWLEDGEMENT,
    CaseEmailKind.REPLY,
    CaseEmailKind.STAFF_NOTIFICATION,
    CaseEmailKind.RESOLVED,
)


def sample_messages(settings: SupportSettings, only: str = "") -> Iterator[tuple[str, AnymailMessage]]:
    """(template name, message) for every email kind and variant; `only` limits it to one template."""
    for filled in (True, False):
        variant = settings if filled else without_optional_details(settings)
        if only in ("", "delay_notice"):
            for stage in CUSTOMER_STAGES:
                order = sample_order(filled)
                yield "delay_notice", build_delay_notice_message(order, stage, variant, SAMPLE_NOW, notice_id=1)
        for kind in CASE_EMAIL_KINDS:
            name = f"case_{kind}"
            if only in ("", name):
                record = sample_case_email(kind, filled)
                yield name, build_case_email(record, record.case, SAMPLE_RECIPIENT, variant)


def without_optional_details(settings: SupportSettings) -> SupportSettings:
    return replace(
        settings, sender_name="", support_email="", support_phone="", support_hours="", support_response_time=""
    )


def sample_order(filled: bool) -> OrderSnapshot:
    """An order late on every stage at once: a line unshipped, a shipment overdue, one awaiting approval."""
    return OrderSnapshot(
        id=uuid.UUID(int=1),
        number=SAMPLE_ORDER_NUMBER,
        status=ORDER_PARTIALLY_FULFILLED,
        created_at=SAMPLE_SHIPPED,
        paid_at=SAMPLE_SHIPPED,
        email=SAMPLE_RECIPIENT,
        customer_first_name="Jane" if filled else "",
        max_delivery_days=3,
        lines=(OrderLine("Blue Mug", "Large", 2, 0), OrderLine("Plate", "", 1, 1)),
        fulfillments=(
            Fulfillment(1, FULFILLMENT_FULFILLED, SAMPLE_SHIPPED, tracking_number="1Z999" if filled else ""),
            Fulfillment(2, FULFILLMENT_WAITING_FOR_APPROVAL, SAMPLE_SHIPPED),
        ),
    )


def sample_case_email(kind: str, filled: bool) -> CaseEmail:
    """An unsaved case email with its case and message (the builders read no more than these)."""
    case = SupportCase(
        pk=SAMPLE_CASE_NUMBER,
        subject="Where is my order?",
        order_number=SAMPLE_ORDER_NUMBER if filled else "",
        customer_email=SAMPLE_RECIPIENT,
        language_code="en",
        first_response_due_at=SAMPLE_NOW,
    )
    author = AuthorType.CUSTOMER if kind == CaseEmailKind.STAFF_NOTIFICATION else AuthorType.STAFF
    message = CaseMessage(pk=1, case=case, author_type=author, author_name="Sam" if filled else "", body=SAMPLE_MESSAGE)
    has_message = kind in (CaseEmailKind.REPLY, CaseEmailKind.STAFF_NOTIFICATION)
    return CaseEmail(pk=1, case=case, case_message=message if has_message else None, kind=kind)


def template_problems(settings: SupportSettings, name: str) -> dict[str, str]:
    """What is wrong with the merchant's replacement of one email, keyed by "subject" / "body"."""
    custom = settings.custom_templates.get(name)
    if custom is None:
        return {}
    problems = {}
    for part, source in (("subject", custom.subject), ("body", custom.body)):
        if source:
            try:
                compile_handlebars(source, part)
            except TemplateError as error:
                problems[part] = str(error)
    if problems:
        return problems
    try:
        for _name, _message in sample_messages(settings, only=name):
            pass
    except TemplateError as error:
        problems[error.part] = str(error)
    except EmailContentError as error:
        problems[error.part] = f"The template cannot be used: {error}"
    return problems


def provider_problem(settings: SupportSettings) -> tuple[str, str, str] | None:
    """(field, message, code) when the configured provider cannot send one of the plugin's emails."""
    provider = settings.email_provider
    if not provider:
        return None
    plain = replace(settings, custom_templates={})  # the merchant's templates are checked on their own
    try:
        connection = get_mail_connection(plain)
    except AnymailImproperlyInstalled as error:
        return c.EMAIL_PROVIDER, f"The email provider '{provider}' cannot be used here: {error}", INVALID
    except AnymailConfigurationError as error:
        missing = missing_setting(provider, error)
        if missing:
            return c.EMAIL_PROVIDER_OPTIONS, missing, REQUIRED
        return c.EMAIL_PROVIDER_OPTIONS, f"The email provider '{provider}' refuses these options: {error}", INVALID
    except Exception as error:  # a backend refusing its options (wrong type, unknown value)
        return c.EMAIL_PROVIDER_OPTIONS, f"The email provider '{provider}' refuses these options: {error}", INVALID
    for name, message in sample_messages(plain):
        fit_to_provider(message, connection)
        try:
            build_payload(connection, message)
        except (AnymailError, AnymailConfigurationError) as error:
            kind = name.replace("case_", "case ").replace("_", " ")
            return c.EMAIL_PROVIDER, f"The email provider '{provider}' cannot send the {kind} email: {error}", INVALID
    return None


def missing_setting(provider: str, error: Exception) -> str | None:
    """anymail's "You must set ANYMAIL = {'POSTAL_API_URL': ...}" as what to put into the provider options."""
    found = re.search(r"You must set ANYMAIL = \{'([A-Z0-9_]+)'", str(error))
    if not found:
        return None
    setting = found[1].lower().removeprefix(f"{provider}_")
    return f"The email provider '{provider}' needs \"{setting}\" in the provider options (a JSON object)."
