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
from collections.abc import Mapping
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
from saleor_support_plugin.core.return_policy import RETURN_CHECKS, RETURN_DEFAULTS, ReturnPolicy, parse_policy
from saleor_support_plugin.core.service_policies import (
    Policy,
    PolicyError,
    choose_policy,
    default_policy,
    parse_policies,
)
from saleor_support_plugin.core.text import whole_number

# Saleor's PluginErrorCode values; kept as strings so the domain does not import Saleor.
INVALID = "invalid"
REQUIRED = "required"

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
    return SupportSettings(
        sender_address=_text(merged[c.SENDER_ADDRESS]),
        sender_name=_text(merged[c.SENDER_NAME]),
        email_provider=_text(merged[c.EMAIL_PROVIDER]).lower(),
        email_provider_api_key=_text(merged[c.EMAIL_PROVIDER_API_KEY]),
        email_provider_options=_json_object(merged[c.EMAIL_PROVIDER_OPTIONS]),
        calendar=_calendar(merged),
        handling_days=_int(merged[c.HANDLING_DAYS]),
        handling_starts_at=_text(merged[c.HANDLING_STARTS_AT]),
        default_delivery_days=_optional_int(merged[c.DEFAULT_DELIVERY_DAYS]),
        delivery_grace_days=_int(merged[c.DELIVERY_GRACE_DAYS]),
        approval_wait_hours=_int(merged[c.APPROVAL_WAIT_HOURS]),
        revised_estimate_days=_int(merged[c.REVISED_ESTIMATE_DAYS]),
        notify_not_shipped=parse_bool(merged[c.NOTIFY_NOT_SHIPPED]),
        notify_delivery_overdue=parse_bool(merged[c.NOTIFY_DELIVERY_OVERDUE]),
        notify_approval_pending=parse_bool(merged[c.NOTIFY_APPROVAL_PENDING]),
        reply_domain=_text(merged[c.REPLY_DOMAIN]).lower(),
        inbound_webhook_secret=_text(merged[c.INBOUND_WEBHOOK_SECRET]),
        staff_inbox=_text(merged[c.STAFF_INBOX]),
        first_response_hours=_int(merged[c.FIRST_RESPONSE_HOURS]),
        resolution_hours=_int(merged[c.RESOLUTION_HOURS]),
        case_after_late_days=_optional_int(merged[c.CASE_AFTER_LATE_DAYS]),
        anonymous_cases_per_ip_hour=_int(merged[c.ANONYMOUS_CASES_PER_IP_HOUR]),
        anonymous_cases_per_email_hour=_int(merged[c.ANONYMOUS_CASES_PER_EMAIL_HOUR]),
        support_email=_text(merged[c.SUPPORT_EMAIL]),
        support_phone=_text(merged[c.SUPPORT_PHONE]),
        support_hours=_text(merged[c.SUPPORT_HOURS]),
        support_response_time=_text(merged[c.SUPPORT_RESPONSE_TIME]),
        custom_templates=_custom_templates(merged),
        dashboard_origins=parse_origins(merged[c.DASHBOARD_URL]),
        opening_hours_spec=_text(merged[c.SUPPORT_OPENING_HOURS]),
        service_level_policies=_policies(merged),
        at_risk_percent=_int(merged[c.AT_RISK_PERCENT]),
        breach_priority=_text(merged[c.BREACH_PRIORITY]).lower(),
        breach_assignee_id=_optional_int(merged[c.BREACH_ASSIGNEE]),
        survey_enabled=parse_bool(merged[c.SURVEY_ENABLED]),
        survey_delay_hours=_int(merged[c.SURVEY_DELAY_HOURS]),
        survey_interval_days=_int(merged[c.SURVEY_INTERVAL_DAYS]),
        survey_link_days=_int(merged[c.SURVEY_LINK_DAYS]),
        survey_low_rating=_int(merged[c.SURVEY_LOW_RATING]),
        survey_low_rating_action=_text(merged[c.SURVEY_LOW_RATING_ACTION]).lower(),
        check_in_enabled=parse_bool(merged[c.CHECK_IN_ENABLED]),
        check_in_days=_int(merged[c.CHECK_IN_DAYS]),
        returns=parse_policy(merged),
    )


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


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).lower() in {"true", "1", "yes", "on"}


def parse_weekdays(value: Any) -> frozenset[int]:
    names = [part.strip().lower()[:3] for part in _text(value).replace(";", ",").split(",")]
    return frozenset(WEEKDAY_NAMES.index(name) for name in names if name in WEEKDAY_NAMES)


def parse_holidays(value: Any) -> frozenset[datetime.date]:
    return frozenset(datetime.date.fromisoformat(token) for token in _holiday_tokens(value))


def _holiday_tokens(value: Any) -> list[str]:
    return [token for token in _text(value).replace(",", " ").split() if token]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _int(value: Any) -> int:
    return int(_text(value))


def _optional_int(value: Any) -> int | None:
    return _int(value) if _text(value) else None


def _json_object(value: Any) -> dict[str, Any]:
    text = _text(value)
    return json.loads(text) if text else {}


# Each check returns None when the value is good, else (message, code).
Check = tuple[str, str] | None


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
    names = [part.strip().lower() for part in _text(value).replace(";", ",").split(",") if part.strip()]
    unknown = [name for name in names if name[:3] not in WEEKDAY_NAMES]
    if unknown:
        return f"Unknown day(s): {', '.join(unknown)}. Use mon, tue, wed, thu, fri, sat, sun.", INVALID
    if not names:
        return "Name at least one business day, for example mon,tue,wed,thu,fri.", REQUIRED
    return None


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
