"""Email delivery through django-anymail, or the deployment's own Django email backend.

The provider and its key come from the plugin configuration, read where the email is sent (in the Celery
worker), so secrets never travel in task arguments.
"""

from __future__ import annotations

import smtplib
from email.utils import formataddr

from anymail.exceptions import AnymailAPIError, AnymailError
from django.conf import settings as django_settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from .config import SupportSettings

# Anymail names the credential differently for a few providers.
API_KEY_ARGUMENT = {"postmark": "server_token", "sparkpost": "api_key", "mailjet": "api_key"}
RETRYABLE_HTTP_STATUSES = {408, 425, 429}


def get_mail_connection(settings: SupportSettings) -> BaseEmailBackend:
    """The configured anymail provider, else Django's EMAIL_BACKEND (Saleor's EMAIL_URL)."""
    if not settings.email_provider:
        return get_connection()
    options = dict(settings.email_provider_options)
    if settings.email_provider_api_key:
        options[API_KEY_ARGUMENT.get(settings.email_provider, "api_key")] = settings.email_provider_api_key
    return get_connection(f"anymail.backends.{settings.email_provider}.EmailBackend", **options)


def from_address(settings: SupportSettings) -> str:
    address = settings.sender_address or django_settings.DEFAULT_FROM_EMAIL
    return formataddr((settings.sender_name, address)) if settings.sender_name else address


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
