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


# Public real-world mail nobody on this project wrote; origins and licences in tests/emails/third_party/README.md.
REAL = CORPUS / "third_party"
REAL_BOUNCES = sorted((REAL / "flufl-bounce" / "bounces").glob("*.txt"))
PERSON_IN_BOUNCE_CORPUS = REAL / "flufl-bounce" / "person" / "groupwise_03.txt"
ODD_MIME = sorted((REAL / "cpython-email").glob("msg_*.txt"))
TALON = REAL / "talon"
# Not pinned: its quote header is Russian, a language mail-parser-reply does not know (see the README).
HTML_REPLY_NOT_PINNED = {"windows_mail.html"}


def real_replies() -> list[tuple[Path, str]]:
    """talon's client replies with the new text each holds: "Hello", or what its `<name>_reply_text` says."""
    replies = []
    for path in sorted((TALON / "standard_replies").glob("*.eml")):
        expected = path.with_name(path.stem + "_reply_text")
        replies.append((path, expected.read_text().strip() if expected.exists() else "Hello"))
    return replies


def real_html_replies() -> list[Path]:
    """talon's HTML reply bodies; each one's new text is "Hi. I am fine. / Thanks, / Alex"."""
    return [p for p in sorted((TALON / "html_replies").glob("*.html")) if p.name not in HTML_REPLY_NOT_PINNED]
