"""Reply-To addresses that identify a case: support+c<case>-<signature>@<reply domain>.

The signature is an HMAC of the case number under Django's SECRET_KEY, so a stranger cannot forge an address
that files mail on someone else's case. Short enough for an address's 64-character local part.
"""

from __future__ import annotations

import re

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "saleor-support-plugin.reply-token"
SIGNATURE_LENGTH = 16
TOKEN = re.compile(r"^c(?P<case>\d{1,12})-(?P<signature>[0-9a-f]{16})$")


def make_token(case_pk: int) -> str:
    return f"c{case_pk}-{_signature(case_pk)}"


def read_token(token: str) -> int | None:
    """The case number in a genuine token; None for anything else."""
    match = TOKEN.match(token.strip().lower())
    if not match:
        return None
    case_pk = int(match["case"])
    return case_pk if constant_time_compare(match["signature"], _signature(case_pk)) else None


def reply_address(local_part: str, case_pk: int, domain: str) -> str:
    return f"{local_part}+{make_token(case_pk)}@{domain}"


def _signature(case_pk: int) -> str:
    return salted_hmac(SALT, str(case_pk), algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]
