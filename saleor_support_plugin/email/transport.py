"""Email delivery through django-anymail, or the deployment's own Django email backend.

The provider and its key come from the plugin configuration, read where the email is sent (in the Celery
worker), so secrets never travel in task arguments.

Providers differ in what a message may carry: Postmark, SparkPost, Mailjet, Postal, Mailtrap and Amazon SES
with a message-tag name take one tag, Postal and MailerSend no metadata. `fit_to_provider` asks the
provider's own anymail backend (its payload builder, which raises AnymailUnsupportedFeature) and keeps what
the backend accepts: all tags, else the first with the full list in the metadata; metadata, else the same
values as JSON in an `X-Metadata` header (as anymail itself does for Amazon SES and Resend). `send_fitted`
asks only when the backend refuses the message as built: anymail refuses a feature while it builds the
payload, before any request, so most providers pay nothing for the question.
"""

from __future__ import annotations

import json
import smtplib
from collections.abc import Callable
from email.utils import formataddr
from typing import Any

from anymail.backends.base import AnymailBaseBackend
from anymail.exceptions import AnymailAPIError, AnymailError, AnymailUnsupportedFeature
from anymail.message import AnymailMessage
from anymail.utils import UNSET
from django.conf import settings as django_settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.email.templates import RenderedEmail, sender_domain

# Anymail names the credential differently for a few providers.
API_KEY_ARGUMENT = {
    "postmark": "server_token",
    "mailersend": "api_token",
    "mailtrap": "api_token",
    "scaleway": "secret_key",
}
METADATA_HEADER = "X-Metadata"
RETRYABLE_HTTP_STATUSES = {408, 425, 429}


def get_mail_connection(settings: SupportSettings) -> BaseEmailBackend:
    """The configured anymail provider, else Django's EMAIL_BACKEND (Saleor's EMAIL_URL)."""
    if not settings.email_provider:
        return get_connection()
    options = dict(settings.email_provider_options)
    if settings.email_provider_api_key:
        options[API_KEY_ARGUMENT.get(settings.email_provider, "api_key")] = settings.email_provider_api_key
    return get_connection(f"anymail.backends.{settings.email_provider}.EmailBackend", **options)


def send_fitted(message: AnymailMessage) -> None:
    """Send the message as built; if the provider's backend refuses its tags or metadata, fit them and send."""
    try:
        message.send()
    except AnymailUnsupportedFeature:
        fit_to_provider(message, message.connection)
        message.send()


def fit_to_provider(message: AnymailMessage, connection: BaseEmailBackend) -> AnymailMessage:
    """Carry the message's tags and metadata in the form the connection's provider accepts (in place)."""
    if not isinstance(connection, AnymailBaseBackend):
        return message  # Django's own backends send the MIME message; tags and metadata are not theirs
    tags = list(message.tags) if isinstance(message.tags, list | tuple) else []
    metadata = dict(message.metadata) if isinstance(message.metadata, dict) else {}
    if tags and not accepts(connection, message, tags=tags):
        message.tags = tags[:1] if accepts(connection, message, tags=tags[:1]) else UNSET
        metadata["tags"] = ",".join(tags)
    if metadata and not accepts(connection, message, metadata=metadata):
        message.extra_headers = {**message.extra_headers, METADATA_HEADER: json.dumps(metadata, sort_keys=True)}
        metadata = {}
    message.metadata = metadata or UNSET  # anymail passes even an empty value to the backend, which may refuse it
    return message


def accepts(connection: AnymailBaseBackend, message: AnymailMessage, **feature: Any) -> bool:
    """Whether the provider's backend builds a payload for a plain message with this one feature (no I/O)."""
    probe = AnymailMessage(subject="-", body="-", from_email=message.from_email, to=message.to, **feature)
    try:
        build_payload(connection, probe)
    except AnymailUnsupportedFeature:
        return False
    return True


def build_payload(connection: AnymailBaseBackend, message: AnymailMessage) -> Any:
    """What the backend would send for the message, built as anymail builds it when sending, without I/O."""
    payload = connection.build_message_payload(message, connection.send_defaults)
    if hasattr(payload, "get_request_params"):  # HTTP APIs serialize (and check some features) here
        payload.get_request_params(getattr(connection, "api_url", ""))
    return payload


def from_address(settings: SupportSettings) -> str:
    address = settings.sender_address or django_settings.DEFAULT_FROM_EMAIL
    return formataddr((settings.sender_name, address)) if settings.sender_name else address


def compose(
    rendered: RenderedEmail,
    settings: SupportSettings,
    to: str,
    reply_to: list[str] | None,
    headers: Callable[[str], dict[str, str]],
    tags: list[str],
    metadata: dict[str, str],
) -> AnymailMessage:
    """The message of a rendered email (text, and HTML as its alternative), from the shop's sender to `to`.
    `headers` is given the sender's domain, which the Message-ID names."""
    sender = from_address(settings)
    message = AnymailMessage(
        subject=rendered.subject,
        body=rendered.text,
        from_email=sender,
        to=[to],
        reply_to=reply_to,
        headers=headers(sender_domain(sender)),
        tags=tags,
        metadata=metadata,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def is_transient(error: Exception) -> bool:
    """Whether sending may succeed if tried again later (provider down, throttled, network)."""
    if isinstance(error, AnymailAPIError):
        status = error.status_code
        return status is None or status >= 500 or status in RETRYABLE_HTTP_STATUSES
    if isinstance(error, AnymailError):
        return False  # refused recipients, invalid addresses, configuration: trying again changes nothing
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPException | OSError)
