"""What each email provider posts to an anymail inbound webhook, built as anymail's own tests build them
(tests/test_<esp>_inbound.py in django-anymail): the provider's real payload shape and real signature scheme.

`provider_post(provider, raw)` returns a `ProviderPost` for one received message; the keys it is signed
with are in `SIGNING_OPTIONS` (the plugin's *email provider options*). Providers that make the webhook
fetch the message from their API (Resend, Mailtrap) list the transport calls to stub in `api_calls`.
"""

from __future__ import annotations

import base64
import datetime
import email
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from email import policy
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SECRET = "anymail:a-long-random-password"
MAILGUN_KEY = "mailgun-http-webhook-signing-key"
MAILERSEND_SECRET = "mailersend-inbound-secret"
MAILTRAP_SECRET = "mailtrap-inbound-secret"
RESEND_SECRET = "whsec_" + base64.b64encode(b"resend-inbound-signing-secret").decode()
POSTAL_PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
POSTAL_PUBLIC_KEY = base64.b64encode(
    POSTAL_PRIVATE_KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode()

# Per provider: the signing key(s) in the plugin's email provider options.
SIGNING_OPTIONS: dict[str, dict[str, str]] = {
    "mailgun": {"webhook_signing_key": MAILGUN_KEY},
    "mailersend": {"inbound_secret": MAILERSEND_SECRET},
    "mailtrap": {"inbound_secret": MAILTRAP_SECRET},
    "resend": {"inbound_secret": RESEND_SECRET},
    "postal": {"webhook_key": POSTAL_PUBLIC_KEY},
}
SIGNED = set(SIGNING_OPTIONS)


@dataclass
class ProviderPost:
    content_type: str
    body: bytes | dict[str, str]  # a dict is posted as a multipart form
    headers: dict[str, str] = field(default_factory=dict)
    api_calls: list[tuple[str, Any]] = field(default_factory=list)  # (url, JSON or bytes) the view fetches


def provider_post(provider: str, raw: bytes, bad_signature: bool = False) -> ProviderPost:
    builder = BUILDERS.get(provider, generic_post)
    return builder(raw.decode("utf-8"), bad_signature)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _hmac_hex(key: str, message: bytes, bad: bool) -> str:
    return hmac.new((key + "-wrong" if bad else key).encode(), message, hashlib.sha256).hexdigest()


def mailgun_post(raw: str, bad: bool) -> ProviderPost:
    timestamp, token = str(int(time.time())), uuid.uuid4().hex * 2
    signature = _hmac_hex(MAILGUN_KEY, f"{timestamp}{token}".encode(), bad)
    form = {"body-mime": raw, "timestamp": timestamp, "token": token, "signature": signature}
    return ProviderPost("multipart/form-data", form)


def sendgrid_post(raw: str, bad: bool) -> ProviderPost:
    envelope = json.dumps({"to": ["support@shop.example"], "from": "jane@example.com"})
    return ProviderPost("multipart/form-data", {"email": raw, "envelope": envelope, "charsets": "{}"})


def postmark_post(raw: str, bad: bool) -> ProviderPost:
    message = email.message_from_string(raw, policy=policy.default)
    headers: list[dict[str, str]] = [{"Name": "Return-Path", "Value": "<jane@example.com>"}]
    headers += [{"Name": name, "Value": str(value)} for name, value in message.items()]
    payload = {"FromFull": {"Email": "jane@example.com", "Name": ""}, "Headers": headers, "RawEmail": raw}
    return ProviderPost("application/json", _json(payload))


def sparkpost_post(raw: str, bad: bool) -> ProviderPost:
    relay = {
        "protocol": "smtp",
        "msg_from": "jane@example.com",
        "rcpt_to": "support@shop.example",
        "content": {"email_rfc822": base64.b64encode(raw.encode()).decode(), "email_rfc822_is_base64": True},
    }
    return ProviderPost("application/json", _json([{"msys": {"relay_message": relay}}]))


def _parsed(raw: str) -> tuple[dict[str, str], str]:
    message = email.message_from_string(raw, policy=policy.default)
    body = message.get_body(("plain",))
    return {name: str(value) for name, value in message.items()}, body.get_content() if body else ""


def mailjet_post(raw: str, bad: bool) -> ProviderPost:
    headers, text = _parsed(raw)
    payload: dict[str, Any] = {"Sender": "jane@example.com", "Recipient": "support@shop.example", "Headers": headers}
    payload |= {"Text-part": text, "Parts": [{"Type": "text/plain", "ContentRef": "Text-part"}]}
    return ProviderPost("application/json", _json(payload))


def brevo_post(raw: str, bad: bool) -> ProviderPost:
    headers, text = _parsed(raw)
    item = {"Uuid": [str(uuid.uuid4())], "Headers": headers, "RawTextBody": text, "Attachments": []}
    return ProviderPost("application/json", _json({"items": [item]}))


def mailersend_post(raw: str, bad: bool) -> ProviderPost:
    data = {"id": uuid.uuid4().hex, "created_at": "2026-11-02T10:00:00.000000Z", "raw": raw}
    body = _json({"type": "inbound.message", "data": data})
    return ProviderPost("application/json", body, {"Signature": _hmac_hex(MAILERSEND_SECRET, body, bad)})


def postal_post(raw: str, bad: bool) -> ProviderPost:
    payload = {"id": 1, "rcpt_to": "support@shop.example", "mail_from": "jane@example.com", "base64": True}
    body = _json(payload | {"message": base64.b64encode(raw.encode()).decode()})
    signature = POSTAL_PRIVATE_KEY.sign(body + (b" " if bad else b""), padding.PKCS1v15(), hashes.SHA1())
    return ProviderPost("application/json", body, {"X-Postal-Signature": base64.b64encode(signature).decode()})


def resend_post(raw: str, bad: bool) -> ProviderPost:
    from svix.webhooks import Webhook  # anymail's own Resend signature library; the Saleor tier goes without

    email_id = uuid.uuid4().hex
    body = _json({"type": "email.received", "created_at": "2026-11-02T10:00:00Z", "data": {"email_id": email_id}})
    message_id, now = f"msg_{email_id}", time.time()
    signer = Webhook(RESEND_SECRET if not bad else "whsec_" + base64.b64encode(b"someone else").decode())
    signature = signer.sign(message_id, datetime.datetime.fromtimestamp(now, tz=datetime.UTC), body.decode())
    headers = {"svix-id": message_id, "svix-timestamp": str(int(now)), "svix-signature": signature}
    raw_url = f"https://files.resend.example/{email_id}.eml"
    calls = [
        (f"https://api.resend.com/emails/receiving/{email_id}", {"raw": {"download_url": raw_url}}),
        (raw_url, raw.encode()),
    ]
    return ProviderPost("application/json", body, headers, calls)


def mailtrap_post(raw: str, bad: bool) -> ProviderPost:
    message_id = uuid.uuid4().hex
    event = {"event": "inbound.message_received", "inbox_id": 4077, "message_id": message_id}
    body = _json({"events": [event | {"timestamp": int(time.time() * 1000)}]})
    raw_url = f"https://mailtrap-raw.example/{message_id}.eml"
    calls = [
        (f"https://mailtrap.io/api/inbound/inboxes/4077/messages/{message_id}", {"raw_message_url": raw_url}),
        (raw_url, raw.encode()),
    ]
    return ProviderPost("application/json", body, {"Mailtrap-Signature": _hmac_hex(MAILTRAP_SECRET, body, bad)}, calls)


def amazon_ses_post(raw: str, bad: bool) -> ProviderPost:
    """An SNS notification for an SES receipt rule with an SNS action (the message inline, base64)."""
    action = {"type": "SNS", "encoding": "BASE64"}
    return _sns_notification(action, {"content": base64.b64encode(raw.encode()).decode()})


def amazon_ses_s3_post(bucket: str, key: str) -> ProviderPost:
    """An SNS notification for an SES receipt rule with an S3 action: the message is in the bucket."""
    return _sns_notification({"type": "S3", "bucketName": bucket, "objectKey": key}, {})


def _sns_notification(action: dict[str, str], extra: dict[str, str]) -> ProviderPost:
    sns_id = str(uuid.uuid4())
    notification = {
        "notificationType": "Received",
        "mail": {"timestamp": "2026-11-02T10:00:00.000Z", "source": "jane@example.com", "messageId": sns_id},
        "receipt": {"recipients": ["support@shop.example"], "action": action},
        **extra,
    }
    sns = {
        "Type": "Notification",
        "MessageId": sns_id,
        "TopicArn": "arn:aws:sns:us-east-1:111111111111:inbound",
        "Message": json.dumps(notification),
    }
    headers = {"x-amz-sns-message-type": "Notification", "x-amz-sns-message-id": sns_id}
    return ProviderPost("text/plain; charset=UTF-8", _json(sns), headers)


def generic_post(raw: str, bad: bool) -> ProviderPost:
    """For a provider anymail adds later: a plain JSON post carrying the message."""
    return ProviderPost("application/json", _json({"message": raw, "raw": raw, "email": raw}))


BUILDERS = {
    "amazon_ses": amazon_ses_post,
    "brevo": brevo_post,
    "sendinblue": brevo_post,
    "mailersend": mailersend_post,
    "mailgun": mailgun_post,
    "mailjet": mailjet_post,
    "mailtrap": mailtrap_post,
    "postal": postal_post,
    "postmark": postmark_post,
    "resend": resend_post,
    "sendgrid": sendgrid_post,
    "sparkpost": sparkpost_post,
}
