"""What text PostgreSQL can hold: the one rule every text input of the support API and pages goes through, and
the cleaning that received mail (which cannot be sent back for correction) goes through instead."""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def storable(text: str) -> str:
    """The text without NUL or other control characters, lone surrogates (from undecodable bytes) replaced."""
    text = CONTROL_CHARACTERS.sub("", text or "")
    return text.encode("utf-8", "replace").decode("utf-8")


# Files customers send (email attachments, return photos) are kept up to this size, the same everywhere.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def file_name(filename: str | None, fallback: str) -> str:
    """The file's own name: a sender's `../../mug.png` or `C:\\x\\mug.png` is kept as `mug.png`, never a path."""
    name = storable(filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name.lstrip(".")[:200] or fallback


# Database ids and numbers are PostgreSQL integers at most 8 bytes wide; a larger number is nobody's.
MAX_BIGINT = 2**63 - 1


def whole_number(text: str, maximum: int = MAX_BIGINT) -> int | None:
    """The number written in ASCII digits, if it is at most `maximum`; None for anything else.

    `str.isdigit()` alone accepts characters `int()` refuses ("²") and numbers no database column holds."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= maximum else None
