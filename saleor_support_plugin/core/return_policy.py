"""The merchant's return policy as settings: its configuration fields, checked on save with coded errors, and
the parsed `ReturnPolicy` that `SupportSettings.returns` carries (returns/policy.py applies it to orders)."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from saleor_support_plugin.core.field_checks import INVALID, REQUIRED, Check, check_names, check_pairs
from saleor_support_plugin.core.field_checks import parse_bool as _bool
from saleor_support_plugin.core.field_checks import text as _text
from saleor_support_plugin.core.text import whole_number

# Configuration field names (the plugin's Dashboard page).
RETURNS_ENABLED = "returns_enabled"
RETURN_WINDOW_DAYS = "return_window_days"
RETURN_CHANNEL_WINDOWS = "return_channel_windows"
RETURN_ADDRESS = "return_address"
RETURN_NON_RETURNABLE_PRODUCT_TYPES = "return_non_returnable_product_types"
RETURN_FINAL_SALE_FLAG = "return_final_sale_flag"
RETURN_DIGITAL_RETURNABLE = "return_digital_returnable"
RETURN_RESOLUTIONS = "return_resolutions"
RETURN_REFUND_SHIPPING = "return_refund_shipping"
RETURN_AUTO_APPROVE = "return_auto_approve"
RETURN_AUTO_MAX_ITEMS = "return_auto_max_items"
RETURN_AUTO_MAX_VALUE = "return_auto_max_value"
RETURN_AUTO_MAX_PER_CUSTOMER = "return_auto_max_per_customer_90_days"
RETURN_AUTO_REASONS = "return_auto_reasons"
RETURN_RESTOCKING_FEES = "return_restocking_fees"
RETURN_STAFF_REFUND_LIMIT = "return_staff_refund_limit"
RETURN_LATE_TO_STAFF = "return_late_requests_to_staff"

RECENT_RETURNS_PERIOD = datetime.timedelta(days=90)


class Resolution(enum.StrEnum):
    REFUND = "refund"
    EXCHANGE = "exchange"
    STORE_CREDIT = "store_credit"


RETURN_DEFAULTS: dict[str, Any] = {
    RETURNS_ENABLED: False,
    RETURN_WINDOW_DAYS: "30",
    RETURN_CHANNEL_WINDOWS: "",
    RETURN_ADDRESS: "",
    RETURN_NON_RETURNABLE_PRODUCT_TYPES: "",
    RETURN_FINAL_SALE_FLAG: "final-sale",
    RETURN_DIGITAL_RETURNABLE: False,
    RETURN_RESOLUTIONS: "refund,exchange,store_credit",
    RETURN_REFUND_SHIPPING: False,
    RETURN_AUTO_APPROVE: True,
    RETURN_AUTO_MAX_ITEMS: "",
    RETURN_AUTO_MAX_VALUE: "",
    RETURN_AUTO_MAX_PER_CUSTOMER: "",
    RETURN_AUTO_REASONS: "",
    RETURN_RESTOCKING_FEES: "",
    RETURN_STAFF_REFUND_LIMIT: "",
    RETURN_LATE_TO_STAFF: False,
}


@dataclass(frozen=True)
class ReturnPolicy:
    enabled: bool = False
    window_days: int = 30
    channel_windows: Mapping[str, int] = field(default_factory=dict)
    return_address: str = ""
    non_returnable_product_types: frozenset[str] = frozenset()
    final_sale_flag: str = "final-sale"
    digital_returnable: bool = False
    resolutions: tuple[Resolution, ...] = tuple(Resolution)
    refund_shipping: bool = False
    auto_approve: bool = True
    auto_max_items: int | None = None
    auto_max_value: Decimal | None = None
    auto_max_per_customer: int | None = None
    # Reason page slugs that may be approved automatically; empty: any reason.
    auto_reasons: frozenset[str] = frozenset()
    # Reason page slug -> percentage kept from the refund.
    restocking_fees: Mapping[str, Decimal] = field(default_factory=dict)
    # Staff with only MANAGE_SUPPORT may approve up to this amount; above it needs MANAGE_ORDERS. None: no limit.
    staff_refund_limit: Decimal | None = None
    # A request past the window goes to staff on a case (who may make an exception) instead of being refused.
    late_to_staff: bool = False

    def window_for(self, channel_slug: str) -> int:
        return self.channel_windows.get(channel_slug, self.window_days)


# --- configuration: parsing and checks (core/field_checks.py: what they share with config.py's) ---


def _tokens(value: Any) -> list[str]:
    return [token.strip() for token in _text(value).replace("\n", ",").split(",") if token.strip()]


def _pairs(value: Any) -> list[tuple[str, str]]:
    """`slug=value, other=value` (commas or new lines) -> pairs; a token without `=` gives an empty value."""
    pairs = []
    for token in _tokens(value):
        key, _, number = token.partition("=")
        pairs.append((key.strip(), number.strip()))
    return pairs


def _decimal(value: Any) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _check_window(value: Any, values: Mapping[str, Any]) -> Check:
    number = whole_number(_text(value))
    if number is None or not 1 <= number <= 365:
        return "Enter a whole number of days from 1 to 365.", INVALID
    return None


def _check_channel_windows(value: Any, values: Mapping[str, Any]) -> Check:
    wrong = "'{}' is not channel-slug=days (1 to 365), such as 'channel-eu=14'."
    return check_pairs(_pairs(value), whole_number, 1, 365, wrong)


def _check_address(value: Any, values: Mapping[str, Any]) -> Check:
    if _bool(values.get(RETURNS_ENABLED)) and not _text(value):
        return "Give the address customers send returns to.", REQUIRED
    return None


def _check_resolutions(value: Any, values: Mapping[str, Any]) -> Check:
    return check_names(
        [name.lower() for name in _tokens(value)],
        lambda name: name in {item.value for item in Resolution},
        "Unknown resolution(s): {}. Use refund, exchange, store_credit.",
        "Offer at least one of refund, exchange, store_credit.",
    )


def _optional_count(value: Any, values: Mapping[str, Any]) -> Check:
    text = _text(value)
    number = whole_number(text)
    if text and (number is None or not 1 <= number <= 10_000):
        return "Enter a whole number from 1 to 10000, or leave blank for no limit.", INVALID
    return None


def _optional_amount(value: Any, values: Mapping[str, Any]) -> Check:
    text = _text(value)
    number = _decimal(text)
    if text and (number is None or number < 0 or number.as_tuple().exponent < -2):  # type: ignore[operator]
        return "Enter an amount such as 150 or 99.50, or leave blank for no limit.", INVALID
    return None


def _check_restocking(value: Any, values: Mapping[str, Any]) -> Check:
    wrong = "'{}' is not reason-slug=percent (0 to 100), such as 'changed-mind=10'."
    return check_pairs(_pairs(value), _decimal, 0, 100, wrong)


RETURN_CHECKS = {
    RETURN_WINDOW_DAYS: _check_window,
    RETURN_CHANNEL_WINDOWS: _check_channel_windows,
    RETURN_ADDRESS: _check_address,
    RETURN_RESOLUTIONS: _check_resolutions,
    RETURN_AUTO_MAX_ITEMS: _optional_count,
    RETURN_AUTO_MAX_PER_CUSTOMER: _optional_count,
    RETURN_AUTO_MAX_VALUE: _optional_amount,
    RETURN_STAFF_REFUND_LIMIT: _optional_amount,
    RETURN_RESTOCKING_FEES: _check_restocking,
}


def parse_policy(values: Mapping[str, Any]) -> ReturnPolicy:
    """The policy from checked values (config.parse_settings has replaced bad ones with defaults)."""
    merged = {**RETURN_DEFAULTS, **{name: values[name] for name in RETURN_DEFAULTS if name in values}}
    items = whole_number(_text(merged[RETURN_AUTO_MAX_ITEMS]))
    per_customer = whole_number(_text(merged[RETURN_AUTO_MAX_PER_CUSTOMER]))
    return ReturnPolicy(
        enabled=_bool(merged[RETURNS_ENABLED]),
        window_days=whole_number(_text(merged[RETURN_WINDOW_DAYS])) or 30,
        channel_windows={slug: int(days) for slug, days in _pairs(merged[RETURN_CHANNEL_WINDOWS])},
        return_address=_text(merged[RETURN_ADDRESS]),
        non_returnable_product_types=frozenset(_tokens(merged[RETURN_NON_RETURNABLE_PRODUCT_TYPES])),
        final_sale_flag=_text(merged[RETURN_FINAL_SALE_FLAG]),
        digital_returnable=_bool(merged[RETURN_DIGITAL_RETURNABLE]),
        resolutions=tuple(Resolution(name.lower()) for name in _tokens(merged[RETURN_RESOLUTIONS])),
        refund_shipping=_bool(merged[RETURN_REFUND_SHIPPING]),
        auto_approve=_bool(merged[RETURN_AUTO_APPROVE]),
        auto_max_items=items,
        auto_max_value=_decimal(merged[RETURN_AUTO_MAX_VALUE]),
        auto_max_per_customer=per_customer,
        auto_reasons=frozenset(_tokens(merged[RETURN_AUTO_REASONS])),
        restocking_fees={slug: Decimal(percent) for slug, percent in _pairs(merged[RETURN_RESTOCKING_FEES])},
        staff_refund_limit=_decimal(merged[RETURN_STAFF_REFUND_LIMIT]),
        late_to_staff=_bool(merged[RETURN_LATE_TO_STAFF]),
    )
