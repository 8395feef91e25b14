"""The .eml corpus in tests/emails/: real-world shaped messages with {placeholders} for case numbers,
tokens and Message-IDs. They are written from jane@example.com; `sender` replaces that address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "emails"


def corpus_bytes(name: str, sender: str = "jane@example.com", **values: Any) -> bytes:
    raw = (CORPUS / name).read_bytes().replace(b"jane@example.com", sender.encode())
    for key, value in values.items():
        raw = raw.replace(b"{" + key.encode() + b"}", str(value).encode())
    return raw
