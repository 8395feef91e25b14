"""Reading a received email: is it automatic, what did the person write, which case does it point at. Pure."""

from __future__ import annotations

import re
from email.utils import getaddresses
from typing import Any

from django.utils.html import strip_tags

from .email_templates import BLOCK_END
from .reply_tokens import read_token

# RFC 3834 and the headers auto-responders, bounces and mailing lists set (django-helpdesk checks the same).
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply)@", re.IGNORECASE)
OUR_MESSAGE_ID = re.compile(r"<case-(?P<case>\d+)(?:\.\d+)?@[^>]+>", re.IGNORECASE)
CASE_IN_SUBJECT = re.compile(r"\[Case #(?P<case>\d+)\]", re.IGNORECASE)
ORDER_NUMBER = re.compile(
    r"(?:order|bestellung|commande|pedido)\s*(?:no\.?|number|nr\.?)?\s*#?\s*(?P<number>\d{1,12})\b", re.IGNORECASE
)
QUOTE_HEADER = re.compile(r"^(On .+ wrote:|Am .+ schrieb .+:|-----\s*Original Message\s*-----)\s*$", re.I | re.M)


def automatic_reason(message: Any) -> str:
    """Why this email is an automatic one (out-of-office, bounce, mailing list); empty for a person's mail."""
    auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    if (message.get("Precedence") or "").strip().lower() in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {message.get('Precedence').strip()}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress-Reason", "List-Id", "List-Unsubscribe"):
        if message.get(header):
            return f"{header} header"
    if message.get_content_type() == "multipart/report":
        return "Delivery report (bounce)"
    sender = sender_address(message)
    if not sender or BOUNCE_SENDERS.match(sender):
        return f"Sent by {sender or 'no one'}"
    return ""


def sender_address(message: Any) -> str:
    sender = message.from_email
    return sender.addr_spec.strip().lower() if sender else ""


def written_text(message: Any) -> str:
    """What the person wrote: the text part (or the HTML part as text) without the quoted earlier mail."""
    text = message.text or strip_tags(BLOCK_END.sub("\n", message.html or ""))
    text = text.replace("\r\n", "\n")
    quote = QUOTE_HEADER.search(text)
    if quote:
        text = text[: quote.start()]
    lines = [line for line in text.split("\n") if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()


def case_from_token(message: Any, reply_domain: str) -> int | None:
    """The case named by a signed address (support+<token>@reply domain) the mail was sent to."""
    if not reply_domain:
        return None
    headers = [value for name in ("To", "Cc", "Delivered-To") for value in message.get_all(name, [])]
    recipients = getaddresses(headers)
    for _name, address in recipients:
        local, _, domain = address.lower().rpartition("@")
        if domain == reply_domain and "+" in local:
            case_pk = read_token(local.split("+", 1)[1])
            if case_pk is not None:
                return case_pk
    return None


def referenced_ids(message: Any) -> list[str]:
    """Message-IDs this mail answers: In-Reply-To first, then References from the newest."""
    ids = re.findall(r"<[^<>]+>", message.get("In-Reply-To") or "")
    ids += list(reversed(re.findall(r"<[^<>]+>", message.get("References") or "")))
    return ids


def case_from_references(message: Any) -> int | None:
    for message_id in referenced_ids(message):
        match = OUR_MESSAGE_ID.fullmatch(message_id)
        if match:
            return int(match["case"])
    return None


def case_from_subject(subject: str) -> int | None:
    match = CASE_IN_SUBJECT.search(subject or "")
    return int(match["case"]) if match else None


def order_number_in(text: str) -> str | None:
    match = ORDER_NUMBER.search(text or "")
    return match["number"] if match else None
