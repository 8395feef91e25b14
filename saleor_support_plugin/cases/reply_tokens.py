"""Reply-To addresses that identify a case: support+c<case>-<signature>@<reply domain>.

The signature is an HMAC of the case number under Django's SECRET_KEY, so a stranger cannot forge an address
that files mail on someone else's case. Short enough for an address's 64-character local part.
"""

from __future__ import annotations

import re

from django.utils.crypto import constant_time_compare, salted_hmac

from saleor_support_plugin.core.config import SupportSettings

REPLY_LOCAL_PART = "support"
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


def reply_to(settings: SupportSettings, case_pk: int | None = None) -> list[str]:
    """Where the customer's answer should go. With a reply domain, back to the plugin: a case's signed address,
    or for an email about no case yet (a delay notice) the plain address, matched by In-Reply-To. Else the
    support inbox, if there is one."""
    if settings.reply_domain and case_pk is not None:
        return [reply_address(REPLY_LOCAL_PART, case_pk, settings.reply_domain)]
    if settings.reply_domain:
        return [f"{REPLY_LOCAL_PART}@{settings.reply_domain}"]
    return settings.support_inbox


def _signature(case_pk: int) -> str:
    return salted_hmac(SALT, str(case_pk), algorithm="sha256").hexdigest()[:SIGNATURE_LENGTH]
