"""The plugin's configuration as Saleor saves it: every field's own check (core/config.py), then the checks
that need the capabilities, run on save only: the merchant's templates render every email, the provider's
anymail backend accepts every email the plugin sends, and with receiving on the inbound webhook can be built."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from saleor_support_plugin.core import config
from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.config import INVALID, REQUIRED, config_values, field_errors, parse_settings
from saleor_support_plugin.host.email_check import provider_problem, template_problems
from saleor_support_plugin.inbound.webhook import inbound_setup_problem


def validate_configuration(configuration: list[dict[str, Any]] | Mapping[str, Any]) -> None:
    """Raise one ValidationError keyed by field for every bad value; return None when all are good."""
    values = config_values(configuration)
    errors = field_errors(values)
    save_only = {**_receiving_checks(values), **_email_checks(values, set(errors))}
    for name, (message, code) in save_only.items():
        errors.setdefault(name, ValidationError(message, code=code))
    if errors:
        raise ValidationError(errors)


def _email_checks(values: Mapping[str, Any], bad_fields: set[str]) -> dict[str, tuple[str, str]]:
    """Only on save: the merchant's templates render every email with what it must show, and the provider's
    anymail backend accepts every email the plugin sends (host/email_check.py; it builds sample emails)."""

    settings = parse_settings(values)
    problems: dict[str, tuple[str, str]] = {}
    for name in c.EMAIL_TEMPLATE_NAMES:
        fields = {"subject": c.subject_field(name), "body": c.body_field(name)}
        if not bad_fields & set(fields.values()):
            for part, message in template_problems(settings, name).items():
                problems[fields[part]] = (message, INVALID)
    if not bad_fields & {c.EMAIL_PROVIDER, c.EMAIL_PROVIDER_API_KEY, c.EMAIL_PROVIDER_OPTIONS, c.SENDER_ADDRESS}:
        provider = provider_problem(settings)
        if provider:
            field_name, message, code = provider
            problems[field_name] = (message, code)
    return problems


def _receiving_checks(values: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Only on save (parsing must not drop options the sender needs): with receiving on, the provider's
    inbound webhook can be built from the secret, the key and the options."""
    problem = _inbound_problem(values)
    if problem is None:
        return {}
    message, kind = problem
    if kind == "unusable":
        return {c.INBOUND_WEBHOOK_SECRET: (message, INVALID)}
    return {c.EMAIL_PROVIDER_OPTIONS: (message, REQUIRED if kind == "missing" else INVALID)}


def _inbound_problem(values: Mapping[str, Any]) -> tuple[str, str] | None:
    """With receiving on, whether the provider's inbound webhook can be built from these values."""

    provider, secret = config._text(values[c.EMAIL_PROVIDER]).lower(), config._text(values[c.INBOUND_WEBHOOK_SECRET])
    if not provider or not secret or config._check_provider(provider, values):
        return None
    try:
        options = config._json_object(values[c.EMAIL_PROVIDER_OPTIONS])
    except json.JSONDecodeError:
        return None  # reported on the options field
    if not isinstance(options, dict):
        return None
    return inbound_setup_problem(provider, secret, config._text(values[c.EMAIL_PROVIDER_API_KEY]), options)
