"""What text PostgreSQL can hold: the one rule every text input of the support API and pages goes through."""

from __future__ import annotations


def is_storable(text: str) -> bool:
    """False for text with a NUL character or a lone UTF-16 surrogate (JSON can carry both, e.g. "\\u0000",
    "\\ud800"): PostgreSQL refuses the first and UTF-8 cannot encode the second."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
