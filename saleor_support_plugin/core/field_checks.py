"""What the configuration's field checks share (core/config.py, core/return_policy.py): how a stored value is
read as text or a flag, what a check returns, and the checks of a list of names and of `key=number` pairs."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

# Saleor's PluginErrorCode values; kept as strings so the domain does not import Saleor.
INVALID = "invalid"
REQUIRED = "required"

# Each check returns None when the value is good, else (message, code).
Check = tuple[str, str] | None


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_bool(value: Any) -> bool:
    """Saleor stores booleans as real booleans or as "true"/"false"."""
    return value if isinstance(value, bool) else text(value).lower() in {"true", "1", "yes", "on"}


def check_names(names: list[str], known: Callable[[str], bool], unknown: str, missing: str) -> Check:
    """Every name known (else `unknown`, its `{}` filled with the others), and at least one (else `missing`)."""
    strangers = [name for name in names if not known(name)]
    if strangers:
        return unknown.format(", ".join(strangers)), INVALID
    if not names:
        return missing, REQUIRED
    return None


def check_pairs(
    pairs: list[tuple[str, str]], number: Callable[[str], int | Decimal | None], lowest: int, highest: int, wrong: str
) -> Check:
    """Each `key=number` with a key and a number from `lowest` to `highest` (else `wrong`, its `{}` filled with
    the first pair that is not)."""
    for key, value in pairs:
        parsed = number(value)
        if not key or parsed is None or not lowest <= parsed <= highest:
            return wrong.format(f"{key}={value}"), INVALID
    return None
