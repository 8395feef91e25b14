"""Received mail posted by the email provider to /plugins/global/saleor.support/inbound/.

The configured provider's own anymail inbound webhook view checks the request with every validator it has
(`run_validators`: HTTP basic auth with the configured secret, and the provider's signature where anymail
checks one) and parses it into messages; the plugin files each message (`inbound.receive_email`).

What the provider gets back:

- 405: not a POST. 403: receiving is not configured (no secret, or a provider anymail cannot receive from).
- 401 with a Basic challenge: no credentials (Amazon SNS sends them only after this challenge).
- 400: wrong credentials or signature, or a post the provider's view cannot read (malformed body, a tracking
  event sent to the inbound URL). Nothing is stored; the provider should not retry it.
- 503: a transient fault — the database or file storage failed, or fetching the message from the provider's
  API or from S3 (Amazon SES) failed (unreachable, 5xx, rate limit, key refused). Nothing half-filed is kept;
  the provider retries.
- 200: every message was handled. A message whose filing fails because of its content is recorded as
  rejected (reason "Not filed: …") and logged, so its redelivery is recognised and it is never retried.
  Filing is idempotent: a Message-ID received before is stored once.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Mapping
from typing import Any

import requests
from anymail.exceptions import AnymailConfigurationError, AnymailWebhookValidationFailure
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotAllowed
from django.views import View

from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.text import storable
from saleor_support_plugin.inbound.filing import content_id, receive_email
from saleor_support_plugin.inbound.parsing import sender_address
from saleor_support_plugin.models import InboundEmail, InboundStatus

logger = logging.getLogger(__name__)

# Where a provider's inbound view needs the account's API key, to fetch the message (Resend, Mailtrap) or its
# attachments (Brevo). Mailgun is left out on purpose: its view would take the API key as the webhook signing
# key, and Mailgun's HTTP webhook signing key is a different value (it goes into the provider options).
API_KEY_SETTING = {"brevo": "api_key", "sendinblue": "api_key", "resend": "api_key", "mailtrap": "api_token"}

# Failures that say nothing about the message: the provider should deliver it again later.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


def inbound_view_class(provider: str) -> type[View] | None:
    """Anymail's inbound webhook view for a provider (e.g. MailgunInboundWebhookView)."""
    try:
        module = importlib.import_module(f"anymail.webhooks.{provider}")
    except ImportError:
        return None
    views = [value for name, value in vars(module).items() if name.endswith("InboundWebhookView")]
    own = [view for view in views if view.__module__ == module.__name__]  # sendinblue re-exports Brevo's
    return (own or views or [None])[0]


def inbound_view(provider: str, secret: str, api_key: str, options: Mapping[str, Any]) -> Any:
    """The provider's inbound view, built from the plugin's settings; AnymailConfigurationError if it cannot be."""
    view_class = inbound_view_class(provider)
    if view_class is None:
        raise AnymailConfigurationError(f"django-anymail cannot receive mail from '{provider}'.")
    kwargs = {**options, "webhook_secret": secret}
    key_setting = API_KEY_SETTING.get(provider)
    if key_setting and api_key:
        kwargs.setdefault(key_setting, api_key)
    return view_class(**kwargs)


def inbound_setup_problem(
    provider: str, secret: str, api_key: str, options: Mapping[str, Any]
) -> tuple[str, str] | None:
    """None when received mail can be checked and read; else (message, kind): kind "missing" names a setting
    the email provider options lack, "option" a value there the view cannot use, "unusable" anything else."""
    try:
        inbound_view(provider, secret, api_key, options)
    except AnymailConfigurationError as error:
        view_class = inbound_view_class(provider)
        option = _missing_option(str(error), getattr(view_class, "esp_name", provider))
        if option:
            return f'Receiving mail through {provider} needs "{option}" in the email provider options.', "missing"
        return f"Receiving mail through {provider} cannot work: {error}", "unusable"
    except Exception as error:  # e.g. a number where anymail expects a key string
        return f"The email provider options cannot be used for receiving mail: {error!r}", "option"
    return None


def _missing_option(message: str, esp_name: str) -> str | None:
    """'webhook_signing_key' from anymail's "You must set ANYMAIL = {'MAILGUN_WEBHOOK_SIGNING_KEY': ...}"."""
    prefix = esp_name.upper().replace(" ", "_") + "_"
    found = re.search(r"ANYMAIL = \{'(\w+)'", message)
    if not found or not found[1].startswith(prefix):
        return None
    return found[1].removeprefix(prefix).lower()


def handle_inbound_request(request: Any, runtime: SupportRuntime) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    settings = runtime.settings
    if not settings.email_provider or not settings.inbound_webhook_secret:
        return HttpResponseForbidden("Receiving email is not configured for this shop.")
    try:
        view = inbound_view(
            settings.email_provider,
            settings.inbound_webhook_secret,
            settings.email_provider_api_key,
            settings.email_provider_options,
        )
    except Exception as error:  # building a view does no I/O: any failure is the configuration's
        logger.error("Inbound email refused, receiving is misconfigured: %r", error)
        return HttpResponseForbidden("Receiving email is not configured for this shop.")
    if not request.META.get("HTTP_AUTHORIZATION"):
        return basic_auth_challenge()
    events = read_events(view, request)
    if isinstance(events, HttpResponse):
        return events
    for event in events:
        failure = file_message(event.message, runtime)
        if failure is not None:
            return failure
    return HttpResponse("OK")


def basic_auth_challenge() -> HttpResponse:
    response = HttpResponse("Credentials required.", status=401)
    response["WWW-Authenticate"] = 'Basic realm="saleor.support inbound email"'
    return response


def read_events(view: Any, request: Any) -> list[Any] | HttpResponse:
    """The posted events after every validator of the view passed; else the answer to give."""
    try:
        view.run_validators(request)
    except AnymailWebhookValidationFailure as refusal:
        logger.warning("Inbound email refused: %s", refusal)
        return HttpResponseBadRequest("Refused.")
    except Exception:  # a validator that cannot even read the post (e.g. SNS body that is not JSON)
        logger.warning("Inbound email refused, the post cannot be read", exc_info=True)
        return HttpResponseBadRequest("The post cannot be read.")
    try:
        return list(view.parse_events(request))
    except Exception as error:
        if transient_fetch_error(error):
            logger.error("Inbound email not fetched from the provider, it will retry", exc_info=True)
            return HttpResponse("Try again later.", status=503)
        logger.warning("Inbound email dropped, the post cannot be read", exc_info=True)
        return HttpResponseBadRequest("The post cannot be read.")


def transient_fetch_error(error: BaseException) -> bool:
    """Whether reading the post failed for a reason that may pass: fetching from the provider's API or storage.

    An error raised while handling such a fault counts too: anymail 15.2's Amazon SES view, under the older boto3
    that Saleor 3.23 pins, fails with a TypeError as it handles an unreachable S3.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if _transient_itself(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _transient_itself(error: BaseException) -> bool:
    if isinstance(error, requests.RequestException):
        return _transient_api_error(error)
    # The S3 download of Amazon SES's S3 action: boto's errors (a refused key may be fixed), urllib3's while streaming.
    boto = any(cls.__module__.startswith(("botocore.", "urllib3.")) for cls in type(error).__mro__)
    return boto or isinstance(error, TRANSIENT_ERRORS)


def _transient_api_error(error: requests.RequestException) -> bool:
    response = error.response
    if response is None:
        return True  # unreachable, timed out
    return response.status_code >= 500 or response.status_code in (401, 403, 408, 429)


def file_message(message: Any, runtime: SupportRuntime) -> HttpResponse | None:
    """File one message; a 503 answer on a transient fault, None when it is handled (filed or dropped)."""
    if message is None:
        logger.warning("Inbound email event without a message, dropped")
        return None
    try:
        receive_email(message, runtime)
    except TRANSIENT_ERRORS:
        logger.error("Inbound email not filed, the provider will retry", exc_info=True)
        return HttpResponse("Try again later.", status=503)
    except Exception as error:
        logger.exception("Inbound email could not be filed; recorded as rejected and dropped")
        return record_unfiled(message, error)
    return None


def record_unfiled(message: Any, error: Exception) -> HttpResponse | None:
    """Keep a trace of a message that cannot be filed, under its Message-ID, so a redelivery is not retried."""
    message_id = _safe(lambda: (message.get("Message-ID") or "").strip()) or _safe(lambda: content_id(message))
    try:
        with transaction.atomic():
            InboundEmail.objects.get_or_create(
                message_id=_clean(message_id or f"<unreadable-{id(message)}>", 512),
                defaults={
                    "sender": _clean(_safe(lambda: sender_address(message)), 254),
                    "subject": _clean(_safe(lambda: message.get("Subject") or ""), 512),
                    "status": InboundStatus.REJECTED,
                    "reason": _clean(f"Not filed: {type(error).__name__}: {error}", 256),
                },
            )
    except TRANSIENT_ERRORS:
        logger.error("Inbound email not recorded, the provider will retry", exc_info=True)
        return HttpResponse("Try again later.", status=503)
    except DatabaseError:
        logger.exception("Inbound email could not be recorded either; dropped")
    return None


def _safe(read: Any) -> str:
    try:
        return str(read())
    except Exception:
        return ""


def _clean(text: str, length: int) -> str:
    return storable(text)[:length]
