"""The plugin's configuration as a typed value, parsed and validated without Saleor.

Saleor stores plugin configuration as a list of `{"name", "value"}` pairs of strings (booleans arrive as
"true"/"false" or real booleans). `parse_settings` turns that into `SupportSettings`;
`field_errors` reports every bad value at once, keyed by field, with Saleor's plugin error codes.

Saleor instantiates every plugin on every request, so `settings_for` parses a configuration once per process
and version (a cache keyed by the stored values), and parsing never compiles the merchant's templates: they are
checked when the configuration is saved and compiled where an email is sent.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.business_days import WEEKDAY_NAMES, BusinessCalendar
from saleor_support_plugin.core.business_hours import OpeningHours, OpeningHoursError, parse_opening_hours
from saleor_support_plugin.core.field_checks import INVALID, REQUIRED, Check, check_names, parse_bool
from saleor_support_plugin.core.field_checks import text as _text
from saleor_support_plugin.core.return_policy import RETURN_CHECKS, RETURN_DEFAULTS, ReturnPolicy, parse_policy
from saleor_support_plugin.core.service_policies import (
    Policy,
    PolicyError,
    choose_policy,
    default_policy,
    parse_policies,
)
from saleor_support_plugin.core.text import whole_number

# Providers whose anymail backend needs no API key.
KEYLESS_PROVIDERS = {"test", "console", "amazon_ses"}


@dataclass(frozen=True)
class CustomTemplate:
    """A merchant's handlebars replacement for a built-in email: subject and HTML body (either may be empty)."""

    subject: str = ""
    body: str = ""


@dataclass(frozen=True)
class SupportSettings:
    sender_address: str = ""
    sender_name: str = ""
    email_provider: str = ""
    email_provider_api_key: str = field(default="", repr=False)
    email_provider_options: Mapping[str, Any] = field(default_factory=dict)
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    handling_days: int = 2
    handling_starts_at: str = c.HANDLING_FROM_PAYMENT
    default_delivery_days: int | None = None
    delivery_grace_days: int = 2
    approval_wait_hours: int = 24
    revised_estimate_days: int = 2
    notify_not_shipped: bool = True
    notify_delivery_overdue: bool = True
    notify_approval_pending: bool = True
    reply_domain: str = ""
    inbound_webhook_secret: str = field(default="", repr=False)
    staff_inbox: str = ""
    first_response_hours: int = 24
    resolution_hours: int = 72
    case_after_late_days: int | None = 3
    anonymous_cases_per_ip_hour: int = 5
    anonymous_cases_per_email_hour: int = 3
    support_email: str = ""
    support_phone: str = ""
    support_hours: str = ""
    support_response_time: str = ""
    custom_templates: Mapping[str, CustomTemplate] = field(default_factory=dict)
    dashboard_origins: tuple[str, ...] = ()
    # --- Service levels
    opening_hours_spec: str = ""
    service_level_policies: tuple[Policy, ...] = ()
    at_risk_percent: int = 80
    breach_priority: str = "high"
    breach_assignee_id: int | None = None
    # --- Feedback
    survey_enabled: bool = False
    survey_delay_hours: int = 24
    survey_interval_days: int = 30
    survey_link_days: int = 30
    survey_low_rating: int = 2
    survey_low_rating_action: str = c.LOW_RATING_NOTE
    check_in_enabled: bool = False
    check_in_days: int = 5
    # --- Returns (issue 11): the merchant's return policy.
    returns: ReturnPolicy = field(default_factory=ReturnPolicy)

    @property
    def support_inbox(self) -> list[str]:
        """The shop's support address as a list of recipients (empty when it has none)."""
        return [self.support_email] if self.support_email else []

    @property
    def opening_hours(self) -> OpeningHours:
        return _opening_hours(self.opening_hours_spec, self.calendar)

    @property
    def default_policy(self) -> Policy:
        return default_policy(self.first_response_hours, self.resolution_hours)

    @property
    def at_risk_share(self) -> float:
        return self.at_risk_percent / 100

    def policy_for(self, priority: str, category: str, channel: str) -> Policy:
        return choose_policy(self.service_level_policies, self.default_policy, priority, category, channel)

    # --- end service levels


@lru_cache(maxsize=32)
def _opening_hours(spec: str, calendar: BusinessCalendar) -> OpeningHours:
    try:
        return parse_opening_hours(spec, calendar.timezone, calendar.holidays, calendar.weekdays)
    except OpeningHoursError:  # refused on save; a stored bad value counts on business days
        return parse_opening_hours("", calendar.timezone, calendar.holidays, calendar.weekdays)


DEFAULTS: dict[str, Any] = {
    c.SENDER_ADDRESS: "",
    c.SENDER_NAME: "",
    c.EMAIL_PROVIDER: "",
    c.EMAIL_PROVIDER_API_KEY: "",
    c.EMAIL_PROVIDER_OPTIONS: "",
    c.STORE_TIMEZONE: "UTC",
    c.BUSINESS_DAYS: "mon,tue,wed,thu,fri",
    c.HOLIDAYS: "",
    c.HANDLING_DAYS: "2",
    c.HANDLING_STARTS_AT: c.HANDLING_FROM_PAYMENT,
    c.DEFAULT_DELIVERY_DAYS: "",
    c.DELIVERY_GRACE_DAYS: "2",
    c.APPROVAL_WAIT_HOURS: "24",
    c.REVISED_ESTIMATE_DAYS: "2",
    c.NOTIFY_NOT_SHIPPED: True,
    c.NOTIFY_DELIVERY_OVERDUE: True,
    c.NOTIFY_APPROVAL_PENDING: True,
    c.REPLY_DOMAIN: "",
    c.INBOUND_WEBHOOK_SECRET: "",
    c.STAFF_INBOX: "",
    c.FIRST_RESPONSE_HOURS: "24",
    c.RESOLUTION_HOURS: "72",
    c.CASE_AFTER_LATE_DAYS: "3",
    c.ANONYMOUS_CASES_PER_IP_HOUR: "5",
    c.ANONYMOUS_CASES_PER_EMAIL_HOUR: "3",
    c.SUPPORT_EMAIL: "",
    c.SUPPORT_PHONE: "",
    c.SUPPORT_HOURS: "",
    c.SUPPORT_RESPONSE_TIME: "within 1 business day",
    **{c.subject_field(name): "" for name in c.EMAIL_TEMPLATE_NAMES},
    **{c.body_field(name): "" for name in c.EMAIL_TEMPLATE_NAMES},
    c.DASHBOARD_URL: "",
    **dict.fromkeys(c.STATUS_FIELDS, ""),
    # --- Service levels
    c.SUPPORT_OPENING_HOURS: "",
    c.SERVICE_LEVEL_POLICIES: "",
    c.AT_RISK_PERCENT: "80",
    c.BREACH_PRIORITY: "high",
    c.BREACH_ASSIGNEE: "",
    # --- end service levels
    # --- Feedback
    c.SURVEY_ENABLED: False,
    c.SURVEY_DELAY_HOURS: "24",
    c.SURVEY_INTERVAL_DAYS: "30",
    c.SURVEY_LINK_DAYS: "30",
    c.SURVEY_LOW_RATING: "2",
    c.SURVEY_LOW_RATING_ACTION: c.LOW_RATING_NOTE,
    c.CHECK_IN_ENABLED: False,
    c.CHECK_IN_DAYS: "5",
    # --- end feedback
    # Returns (issue 11)
    **RETURN_DEFAULTS,
}

# (field, lowest, highest) for whole-number fields.
INTEGER_RANGES = {
    c.HANDLING_DAYS: (0, 60),
    c.DEFAULT_DELIVERY_DAYS: (1, 120),
    c.DELIVERY_GRACE_DAYS: (0, 60),
    c.APPROVAL_WAIT_HOURS: (1, 720),
    c.REVISED_ESTIMATE_DAYS: (1, 60),
    c.FIRST_RESPONSE_HOURS: (1, 720),
    c.RESOLUTION_HOURS: (1, 2160),
    c.CASE_AFTER_LATE_DAYS: (1, 60),
    c.ANONYMOUS_CASES_PER_IP_HOUR: (1, 1000),
    c.ANONYMOUS_CASES_PER_EMAIL_HOUR: (1, 1000),
    c.AT_RISK_PERCENT: (1, 99),
    c.BREACH_ASSIGNEE: (1, 2**63 - 1),
    c.SURVEY_DELAY_HOURS: (0, 720),
    c.SURVEY_INTERVAL_DAYS: (0, 365),
    c.SURVEY_LINK_DAYS: (1, 365),
    c.SURVEY_LOW_RATING: (1, 4),
    c.CHECK_IN_DAYS: (1, 90),
}
OPTIONAL_INTEGERS = {c.DEFAULT_DELIVERY_DAYS, c.CASE_AFTER_LATE_DAYS, c.BREACH_ASSIGNEE}


def config_values(configuration: list[dict[str, Any]] | Mapping[str, Any]) -> dict[str, Any]:
    """Merge Saleor's name/value list (or a plain mapping) over the defaults."""
    if isinstance(configuration, Mapping):
        values = dict(configuration)
    else:
        values = {item["name"]: item.get("value") for item in configuration}
    return {name: values.get(name, default) for name, default in DEFAULTS.items()}


def field_errors(values: Mapping[str, Any]) -> dict[str, ValidationError]:
    """Every bad value of a merged configuration (`config_values`), keyed by field, with Saleor's plugin error
    codes. The checks that need the capabilities (sample emails, the inbound webhook) run on save only
    (host/configuration.py)."""
    errors: dict[str, ValidationError] = {}
    for name, check in _FIELD_CHECKS.items():
        message_and_code = check(values[name], values)
        if message_and_code:
            message, code = message_and_code
            errors[name] = ValidationError(message, code=code)
    return errors


def settings_for(configuration: list[dict[str, Any]] | Mapping[str, Any]) -> SupportSettings:
    """The settings of a stored configuration, parsed once per process and configuration version."""
    return _parse_frozen(configuration_key(configuration))


ConfigurationKey = tuple[tuple[str, Any], ...]


def configuration_key(configuration: list[dict[str, Any]] | Mapping[str, Any]) -> ConfigurationKey:
    """The stored values as a hashable key: equal configurations give equal keys."""
    pairs = configuration.items() if isinstance(configuration, Mapping) else _stored_pairs(configuration)
    return tuple((name, value if isinstance(value, str | bool | int | None) else repr(value)) for name, value in pairs)


def _stored_pairs(configuration: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    return [(item["name"], item.get("value")) for item in configuration]


@lru_cache(maxsize=16)
def _parse_frozen(key: ConfigurationKey) -> SupportSettings:
    return parse_settings(dict(key))


def parse_settings(configuration: list[dict[str, Any]] | Mapping[str, Any]) -> SupportSettings:
    """Turn stored configuration into settings; values that fail validation fall back to defaults.

    Templates are taken as stored: they were checked on save, and compiling them is the sender's work.
    """
    values = config_values(configuration)
    good = {name: value for name, value in values.items() if not _FIELD_CHECKS.get(name, _ok)(value, values)}
    merged = {**DEFAULTS, **good}
    return SupportSettings(**{attribute: read(merged) for attribute, read in _SETTINGS_READERS.items()})


def _lower(value: Any) -> str:
    return _text(value).lower()


def _field(name: str, parse: Callable[[Any], Any]) -> Callable[[Mapping[str, Any]], Any]:
    """Read one configuration field with `parse`."""
    return lambda values: parse(values[name])


# --- Service levels
PRIORITIES = ("low", "normal", "high", "urgent")
CATEGORIES = (
    "shipping_delay", "return", "damaged_item", "billing", "product_question", "complaint", "cancellation", "other"
)  # fmt: skip
CHANNELS = ("storefront", "email", "phone", "staff", "automatic")


def _policies(values: Mapping[str, Any]) -> tuple[Policy, ...]:
    default = default_policy(_int(values[c.FIRST_RESPONSE_HOURS]), _int(values[c.RESOLUTION_HOURS]))
    return parse_policies(_text(values[c.SERVICE_LEVEL_POLICIES]), default, PRIORITIES, CATEGORIES, CHANNELS)


def _check_opening_hours(value: Any, values: Mapping[str, Any]) -> Check:
    try:
        parse_opening_hours(_text(value), ZoneInfo("UTC"))
    except OpeningHoursError as error:
        return str(error), INVALID
    return None


def _check_policies(value: Any, values: Mapping[str, Any]) -> Check:
    hours_ok = all(
        not _integer_check(name)(values[name], values) for name in (c.FIRST_RESPONSE_HOURS, c.RESOLUTION_HOURS)
    )
    defaults = values if hours_ok else DEFAULTS
    try:
        _policies({**defaults, c.SERVICE_LEVEL_POLICIES: value})
    except PolicyError as error:
        return str(error), INVALID
    return None


def _check_breach_priority(value: Any, values: Mapping[str, Any]) -> Check:
    if _text(value).lower() not in PRIORITIES:
        return f"Use one of {', '.join(PRIORITIES)}.", INVALID
    return None


# --- end service levels


def _calendar(values: Mapping[str, Any]) -> BusinessCalendar:
    return BusinessCalendar(
        timezone=ZoneInfo(_text(values[c.STORE_TIMEZONE]) or "UTC"),
        weekdays=parse_weekdays(values[c.BUSINESS_DAYS]),
        holidays=parse_holidays(values[c.HOLIDAYS]),
    )


def _custom_templates(values: Mapping[str, Any]) -> dict[str, CustomTemplate]:
    """The merchant's own subject and body per email, where they wrote either."""
    return {
        name: CustomTemplate(subject=_text(values[c.subject_field(name)]), body=_text(values[c.body_field(name)]))
        for name in c.EMAIL_TEMPLATE_NAMES
        if _text(values[c.subject_field(name)]) or _text(values[c.body_field(name)])
    }


def parse_origins(value: Any) -> tuple[str, ...]:
    """`https://dashboard.example.com/dashboard/, http://localhost:9000` -> the origins, in order, once each."""
    origins = []
    for token in _url_tokens(value):
        parts = urlsplit(token)
        origin = f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)


def parse_weekdays(value: Any) -> frozenset[int]:
    names = [part.strip().lower()[:3] for part in _text(value).replace(";", ",").split(",")]
    return frozenset(WEEKDAY_NAMES.index(name) for name in names if name in WEEKDAY_NAMES)


def parse_holidays(value: Any) -> frozenset[datetime.date]:
    return frozenset(datetime.date.fromisoformat(token) for token in _holiday_tokens(value))


def _holiday_tokens(value: Any) -> list[str]:
    return [token for token in _text(value).replace(",", " ").split() if token]


def _int(value: Any) -> int:
    return int(_text(value))


def _optional_int(value: Any) -> int | None:
    return _int(value) if _text(value) else None


def _json_object(value: Any) -> dict[str, Any]:
    text = _text(value)
    return json.loads(text) if text else {}


def _ok(value: Any, values: Mapping[str, Any]) -> Check:
    return None


def _check_optional_email(value: Any, values: Mapping[str, Any]) -> Check:
    if not _text(value):
        return None
    try:
        validate_email(_text(value))
    except ValidationError:
        return f"'{_text(value)}' is not a valid email address.", INVALID
    return None


def _check_provider(value: Any, values: Mapping[str, Any]) -> Check:
    name = _text(value).lower()
    if not name:
        return None
    if not name.replace("_", "").isalnum() or importlib.util.find_spec(f"anymail.backends.{name}") is None:
        return (
            f"'{name}' is not an email provider django-anymail supports "
            "(for example: mailgun, postmark, brevo, amazon_ses, mailjet, resend).",
            INVALID,
        )
    return None


def _check_api_key(value: Any, values: Mapping[str, Any]) -> Check:
    provider = _text(values[c.EMAIL_PROVIDER]).lower()
    if _check_provider(provider, values):
        return None  # the provider itself is reported
    if provider and provider not in KEYLESS_PROVIDERS and not _text(value):
        return f"The email provider '{provider}' needs an API key.", REQUIRED
    return None


def _check_provider_options(value: Any, values: Mapping[str, Any]) -> Check:
    try:
        parsed = _json_object(value)
    except json.JSONDecodeError as error:
        return f"Provider options must be a JSON object: {error.msg} (line {error.lineno}).", INVALID
    if not isinstance(parsed, dict):
        return 'Provider options must be a JSON object, such as {"sender_domain": "mg.example.com"}.', INVALID
    return None


def _check_domain(value: Any, values: Mapping[str, Any]) -> Check:
    domain = _text(value).lower()
    labels = domain.split(".")
    if domain and (len(labels) < 2 or not all(label and label.replace("-", "").isalnum() for label in labels)):
        return f"'{domain}' is not a domain name such as reply.example.com.", INVALID
    return None


def _url_tokens(value: Any) -> list[str]:
    return _text(value).replace(",", " ").split()


def _check_dashboard_url(value: Any, values: Mapping[str, Any]) -> Check:
    for token in _url_tokens(value):
        parts = urlsplit(token)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return f"'{token}' is not the address of a Dashboard, such as https://dashboard.example.com/.", INVALID
    return None


def _check_webhook_secret(value: Any, values: Mapping[str, Any]) -> Check:
    secret = _text(value)
    user, _, password = secret.partition(":")
    if secret and (not user or len(password) < 12):
        return "Use user:password, with a random password of 12 characters or more.", INVALID
    return None


def _check_timezone(value: Any, values: Mapping[str, Any]) -> Check:
    name = _text(value) or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{name}' is not a time zone name such as Europe/Berlin or America/New_York.", INVALID
    return None


def _check_business_days(value: Any, values: Mapping[str, Any]) -> Check:
    return check_names(
        [part.strip().lower() for part in _text(value).replace(";", ",").split(",") if part.strip()],
        lambda name: name[:3] in WEEKDAY_NAMES,
        "Unknown day(s): {}. Use mon, tue, wed, thu, fri, sat, sun.",
        "Name at least one business day, for example mon,tue,wed,thu,fri.",
    )


def _check_holidays(value: Any, values: Mapping[str, Any]) -> Check:
    bad = []
    for token in _holiday_tokens(value):
        try:
            datetime.date.fromisoformat(token)
        except ValueError:
            bad.append(token)
    if bad:
        return f"Not a date in YYYY-MM-DD form: {', '.join(bad)}.", INVALID
    return None


def _check_handling_start(value: Any, values: Mapping[str, Any]) -> Check:
    if _text(value) not in {c.HANDLING_FROM_PAYMENT, c.HANDLING_FROM_CREATION}:
        return (
            f"Use '{c.HANDLING_FROM_PAYMENT}' or '{c.HANDLING_FROM_CREATION}'.",
            INVALID,
        )
    return None


def _integer_check(name: str):
    lowest, highest = INTEGER_RANGES[name]

    def check(value: Any, values: Mapping[str, Any]) -> Check:
        text = _text(value)
        if not text and name in OPTIONAL_INTEGERS:
            return None
        number = whole_number(text)
        if number is None or not lowest <= number <= highest:
            return f"Enter a whole number from {lowest} to {highest}.", INVALID
        return None

    return check


# --- Feedback
def _check_low_rating_action(value: Any, values: Mapping[str, Any]) -> Check:
    if _text(value).lower() not in (c.LOW_RATING_NOTE, c.LOW_RATING_REOPEN):
        return f"Use '{c.LOW_RATING_NOTE}' or '{c.LOW_RATING_REOPEN}'.", INVALID
    return None


# --- end feedback


_FIELD_CHECKS = {
    c.SENDER_ADDRESS: _check_optional_email,
    c.EMAIL_PROVIDER: _check_provider,
    c.EMAIL_PROVIDER_API_KEY: _check_api_key,
    c.EMAIL_PROVIDER_OPTIONS: _check_provider_options,
    c.STORE_TIMEZONE: _check_timezone,
    c.BUSINESS_DAYS: _check_business_days,
    c.HOLIDAYS: _check_holidays,
    c.HANDLING_STARTS_AT: _check_handling_start,
    c.SUPPORT_EMAIL: _check_optional_email,
    c.STAFF_INBOX: _check_optional_email,
    c.REPLY_DOMAIN: _check_domain,
    c.INBOUND_WEBHOOK_SECRET: _check_webhook_secret,
    c.DASHBOARD_URL: _check_dashboard_url,
    c.SUPPORT_OPENING_HOURS: _check_opening_hours,
    c.SERVICE_LEVEL_POLICIES: _check_policies,
    c.BREACH_PRIORITY: _check_breach_priority,
    c.SURVEY_LOW_RATING_ACTION: _check_low_rating_action,
    **{name: _integer_check(name) for name in INTEGER_RANGES},
    # Returns (issue 11)
    **RETURN_CHECKS,
}


# Each setting, and how it is read from the checked configuration values.
_SETTINGS_READERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "sender_address": _field(c.SENDER_ADDRESS, _text),
    "sender_name": _field(c.SENDER_NAME, _text),
    "email_provider": _field(c.EMAIL_PROVIDER, _lower),
    "email_provider_api_key": _field(c.EMAIL_PROVIDER_API_KEY, _text),
    "email_provider_options": _field(c.EMAIL_PROVIDER_OPTIONS, _json_object),
    "calendar": _calendar,
    "handling_days": _field(c.HANDLING_DAYS, _int),
    "handling_starts_at": _field(c.HANDLING_STARTS_AT, _text),
    "default_delivery_days": _field(c.DEFAULT_DELIVERY_DAYS, _optional_int),
    "delivery_grace_days": _field(c.DELIVERY_GRACE_DAYS, _int),
    "approval_wait_hours": _field(c.APPROVAL_WAIT_HOURS, _int),
    "revised_estimate_days": _field(c.REVISED_ESTIMATE_DAYS, _int),
    "notify_not_shipped": _field(c.NOTIFY_NOT_SHIPPED, parse_bool),
    "notify_delivery_overdue": _field(c.NOTIFY_DELIVERY_OVERDUE, parse_bool),
    "notify_approval_pending": _field(c.NOTIFY_APPROVAL_PENDING, parse_bool),
    "reply_domain": _field(c.REPLY_DOMAIN, _lower),
    "inbound_webhook_secret": _field(c.INBOUND_WEBHOOK_SECRET, _text),
    "staff_inbox": _field(c.STAFF_INBOX, _text),
    "first_response_hours": _field(c.FIRST_RESPONSE_HOURS, _int),
    "resolution_hours": _field(c.RESOLUTION_HOURS, _int),
    "case_after_late_days": _field(c.CASE_AFTER_LATE_DAYS, _optional_int),
    "anonymous_cases_per_ip_hour": _field(c.ANONYMOUS_CASES_PER_IP_HOUR, _int),
    "anonymous_cases_per_email_hour": _field(c.ANONYMOUS_CASES_PER_EMAIL_HOUR, _int),
    "support_email": _field(c.SUPPORT_EMAIL, _text),
    "support_phone": _field(c.SUPPORT_PHONE, _text),
    "support_hours": _field(c.SUPPORT_HOURS, _text),
    "support_response_time": _field(c.SUPPORT_RESPONSE_TIME, _text),
    "custom_templates": _custom_templates,
    "dashboard_origins": _field(c.DASHBOARD_URL, parse_origins),
    # --- Service levels
    "opening_hours_spec": _field(c.SUPPORT_OPENING_HOURS, _text),
    "service_level_policies": _policies,
    "at_risk_percent": _field(c.AT_RISK_PERCENT, _int),
    "breach_priority": _field(c.BREACH_PRIORITY, _lower),
    "breach_assignee_id": _field(c.BREACH_ASSIGNEE, _optional_int),
    # --- Feedback
    "survey_enabled": _field(c.SURVEY_ENABLED, parse_bool),
    "survey_delay_hours": _field(c.SURVEY_DELAY_HOURS, _int),
    "survey_interval_days": _field(c.SURVEY_INTERVAL_DAYS, _int),
    "survey_link_days": _field(c.SURVEY_LINK_DAYS, _int),
    "survey_low_rating": _field(c.SURVEY_LOW_RATING, _int),
    "survey_low_rating_action": _field(c.SURVEY_LOW_RATING_ACTION, _lower),
    "check_in_enabled": _field(c.CHECK_IN_ENABLED, parse_bool),
    "check_in_days": _field(c.CHECK_IN_DAYS, _int),
    # --- Returns (issue 11)
    "returns": parse_policy,
}
