"""Received mail posted by the email provider to /plugins/global/saleor.support/inbound/.

The provider's own anymail inbound webhook view checks the request (HTTP basic auth with the configured
secret, plus the provider's signature where it has one) and parses it into messages; the plugin files them.
A refused request answers 400, a failure while filing 500: the provider retries, and filing is idempotent.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotAllowed

from .inbound import receive_email
from .runtime import SupportRuntime

logger = logging.getLogger(__name__)


def inbound_view_class(provider: str) -> type | None:
    """Anymail's inbound webhook view for a provider (e.g. MailgunInboundWebhookView)."""
    try:
        module = importlib.import_module(f"anymail.webhooks.{provider}")
    except ImportError:
        return None
    views = [value for name, value in vars(module).items() if name.endswith("InboundWebhookView")]
    return views[0] if views else None


def handle_inbound_request(request: Any, runtime: SupportRuntime) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    settings = runtime.settings
    view_class = inbound_view_class(settings.email_provider) if settings.email_provider else None
    if view_class is None or not settings.inbound_webhook_secret:
        return HttpResponseForbidden("Receiving email is not configured for this shop.")
    view = view_class(webhook_secret=settings.inbound_webhook_secret, **settings.email_provider_options)
    try:
        view.validate_request(request)
        events = view.parse_events(request)
    except AnymailWebhookValidationFailure as refusal:
        logger.warning("Inbound email refused: %s", refusal)
        return HttpResponseBadRequest("Refused.")
    for event in events:
        receive_email(event.message, runtime)
    return HttpResponse("OK")
