"""Every email the plugin sends, through every email provider anymail has a backend for.

Each test configures the plugin for one provider and runs the real flows (delay notices of each stage, a
case's acknowledgement, staff notification, staff reply and resolution note) through that provider's REAL
anymail backend. Only the transport is stubbed, as anymail's own tests do: `requests.Session.request` for
the HTTP APIs, and for Amazon SES a real boto3 `sesv2` client under botocore's Stubber, which checks every
call against the SES API model. Then it reads what the provider would have received, in the provider's own
format, and checks the recipient, subject, text and HTML, threading headers, and tags/metadata.
"""

from __future__ import annotations

import datetime
import email
import email.message
import email.policy
import json
import pkgutil
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anymail.backends
import boto3
import pytest
import requests
from botocore.stub import Stubber
from django.core.exceptions import ValidationError

from saleor_support_plugin.cases.service import add_message, update_case
from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.config import DEFAULTS
from saleor_support_plugin.core.orders import (
    FULFILLMENT_FULFILLED,
    FULFILLMENT_WAITING_FOR_APPROVAL,
    ORDER_PARTIALLY_FULFILLED,
    Fulfillment,
    OrderLine,
)
from saleor_support_plugin.delays.notices import Delivery, deliver_delay_notice
from saleor_support_plugin.delays.rules import CUSTOMER_STAGES
from saleor_support_plugin.host.configuration import validate_configuration
from saleor_support_plugin.models import (
    CaseEmail,
    CaseEmailKind,
    CaseStatus,
    DelayNotice,
    SupportCase,
)
from tests.conftest import AGENT, MONDAY, make_order, open_customer_case

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailWarning")]

NOW = MONDAY + datetime.timedelta(days=14)
SUBJECT = "Where's my order & invoice?"
CUSTOMER_TEXT = "My parcel <b>never</b> came & I'm worried."
REPLY_TEXT = "It ships <today> & arrives Friday."
TAG = "saleor-support"
# The providers the README names; every one must be among the tested.
README_PROVIDERS = {"mailgun", "postmark", "brevo", "amazon_ses", "mailjet", "resend", "sparkpost"}


@dataclass
class Sent:
    """One email as a provider receives it, read back from the provider's own request format."""

    to: list[str]
    subject: str
    text: str
    html: str
    headers: dict[str, str]  # lower-case names
    reply_to: str
    tags: list[str]
    metadata: dict[str, str]
    provider_tags: list[dict[str, str]] = field(default_factory=list)  # Amazon SES message tags


def lower(headers: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): str(value) for name, value in headers.items()}


def pop_json(headers: dict[str, str], name: str, default: Any) -> Any:
    return json.loads(headers.pop(name)) if name in headers else default


def addresses(items: list[dict[str, Any]], key: str = "email") -> list[str]:
    return [item[key] for item in items]


def parts(data: dict[str, Any], text: str = "text", html: str = "html") -> tuple[str, str, str]:
    """The subject, text and HTML of a JSON API's message: "subject", and the two bodies as the API names them."""
    return data["subject"], data[text], data[html]


def read_brevo(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    headers = lower(data["headers"])
    metadata, reply_to = pop_json(headers, "x-mailin-custom", {}), data.get("replyTo", {}).get("email", "")
    return Sent(
        addresses(data["to"]), *parts(data, "textContent", "htmlContent"), headers, reply_to, data["tags"], metadata
    )


def read_mailersend(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    headers = lower({item["name"]: item["value"] for item in data.get("headers", [])})
    headers["in-reply-to"] = data.get("in_reply_to", "")
    metadata, reply_to = pop_json(headers, "x-metadata", {}), data.get("reply_to", {}).get("email", "")
    return Sent(addresses(data["to"]), *parts(data), headers, reply_to, data["tags"], metadata)


def read_mailgun(request: dict[str, Any]) -> Sent:
    data = request["data"]
    headers = lower({key[2:]: value for key, value in data.items() if key.startswith("h:")})
    metadata = {key[2:]: value for key, value in data.items() if key.startswith("v:")}
    return Sent(data["to"], *parts(data), headers, headers.pop("reply-to", ""), data["o:tag"], metadata)


def read_mailjet(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    common, reply_to = data["Globals"], data["Globals"].get("ReplyTo", {}).get("Email", "")
    to = [item["Email"] for message in data["Messages"] for item in message["To"]]
    subject, text, html = common["Subject"], common["TextPart"], common["HTMLPart"]
    tags, metadata = [common["CustomCampaign"]], json.loads(common["EventPayload"])
    return Sent(to, subject, text, html, lower(common["Headers"]), reply_to, tags, metadata)


def read_mailtrap(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    reply_to = data.get("reply_to", {}).get("email", "")
    tags, metadata = [data["category"]], data["custom_variables"]
    return Sent(addresses(data["to"]), *parts(data), lower(data["headers"]), reply_to, tags, metadata)


def read_mandrill(request: dict[str, Any]) -> Sent:
    message = json.loads(request["data"])["message"]
    headers = lower(message["headers"])
    reply_to = headers.pop("reply-to", "")
    return Sent(addresses(message["to"]), *parts(message), headers, reply_to, message["tags"], message["metadata"])


def read_postal(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    headers = lower(data["headers"])
    metadata = pop_json(headers, "x-metadata", {})
    content = parts(data, "plain_body", "html_body")
    return Sent(data["to"], *content, headers, data.get("reply_to", ""), [data["tag"]], metadata)


def read_postmark(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    headers = lower({item["Name"]: item["Value"] for item in data["Headers"]})
    subject, text, html = data["Subject"], data["TextBody"], data["HtmlBody"]
    reply_to, tags = data.get("ReplyTo", ""), [data["Tag"]]
    return Sent(data["To"].split(","), subject, text, html, headers, reply_to, tags, data["Metadata"])


def read_resend(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    headers = lower(data["headers"])
    metadata, tags = pop_json(headers, "x-metadata", {}), pop_json(headers, "x-tags", [])
    return Sent(data["to"], *parts(data), headers, data.get("reply_to", [""])[0], tags, metadata)


def read_scaleway(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    headers = lower({item["key"]: item["value"] for item in data["additional_headers"]})
    metadata, tags = pop_json(headers, "x-metadata", {}), pop_json(headers, "x-tags", [])
    return Sent(addresses(data["to"]), *parts(data), headers, headers.pop("reply-to", ""), tags, metadata)


def read_sendgrid(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    bodies = {item["type"]: item["value"] for item in data["content"]}
    to = addresses(data["personalizations"][0]["to"])
    reply_to = data.get("reply_to_list", [{"email": ""}])[0]["email"]
    text, html = bodies["text/plain"], bodies["text/html"]
    return Sent(
        to, data["subject"], text, html, lower(data["headers"]), reply_to, data["categories"], data["custom_args"]
    )


def read_sparkpost(request: dict[str, Any]) -> Sent:
    data = json.loads(request["data"])
    content = data["content"]
    to = [item["address"]["email"] for item in data["recipients"]]
    reply_to, tags = content.get("reply_to", ""), [data["campaign_id"]]
    return Sent(to, *parts(content), lower(content["headers"]), reply_to, tags, data["metadata"])


def read_unisender_go(request: dict[str, Any]) -> Sent:
    message = json.loads(request["data"])["message"]
    headers = lower(message["headers"])
    headers.pop("to", None)
    to, body = addresses(message["recipients"]), message["body"]
    subject, reply_to = message["subject"], message.get("reply_to", "")
    return Sent(
        to, subject, body["plaintext"], body["html"], headers, reply_to, message["tags"], message["global_metadata"]
    )


def part_of(mime: email.message.EmailMessage, kind: str) -> str:
    part = mime.get_body(preferencelist=(kind,))
    assert part is not None, f"no text/{kind} part"
    return str(part.get_content())


def read_amazon_ses(request: dict[str, Any]) -> Sent:
    mime = email.message_from_bytes(request["Content"]["Raw"]["Data"], policy=email.policy.default)
    headers = lower({name: str(value) for name, value in mime.items()})
    metadata = pop_json(headers, "x-metadata", {})
    text, html = (part_of(mime, kind) for kind in ("plain", "html"))
    return Sent(
        request["Destination"]["ToAddresses"],
        str(mime["Subject"]),
        text,
        html,
        headers,
        headers.pop("reply-to", ""),
        [str(tag) for tag in mime.get_all("X-Tag", [])],
        metadata,
        request.get("EmailTags", []),
    )


def ok(body: Any = None, status: int = 200, **headers: str) -> tuple[int, Any, dict[str, str]]:
    return status, body, headers


def message_id() -> str:
    return f"esp-{uuid.uuid4()}"


def recipients_of(request: dict[str, Any], reader: Callable[[dict[str, Any]], Sent]) -> list[str]:
    return reader(request).to


# Each provider's answer to a successful send, as its API documents it (what anymail's tests use too).
RESPONSES: dict[str, Callable[[dict[str, Any]], tuple[int, Any, dict[str, str]]]] = {
    "brevo": lambda request: ok({"messageId": f"<{message_id()}@smtp-relay.mailin.fr>"}, 201),
    "sendinblue": lambda request: ok({"messageId": f"<{message_id()}@smtp-relay.mailin.fr>"}, 201),
    "mailersend": lambda request: ok(None, 202, **{"X-Message-Id": message_id(), "Content-Type": "text/html"}),
    "mailgun": lambda request: ok({"id": f"<{message_id()}@mg.shop.example>", "message": "Queued. Thank you."}),
    "mailjet": lambda request: ok(
        {
            "Messages": [
                {
                    "Status": "success",
                    "To": [{"Email": to, "MessageID": 576460752303423488, "MessageUUID": message_id()}],
                }
                for to in recipients_of(request, read_mailjet)
            ]
        }
    ),
    "mailtrap": lambda request: ok({"success": True, "message_ids": [message_id()]}),
    "mandrill": lambda request: ok(
        [{"email": to, "status": "sent", "_id": message_id()} for to in recipients_of(request, read_mandrill)]
    ),
    "postal": lambda request: ok(
        {
            "status": "success",
            "data": {"messages": {to: {"id": 1503, "token": "x"} for to in recipients_of(request, read_postal)}},
        }
    ),
    "postmark": lambda request: ok(
        {
            "To": ",".join(recipients_of(request, read_postmark)),
            "MessageID": message_id(),
            "ErrorCode": 0,
            "Message": "OK",
            "SubmittedAt": "2026-11-16T10:00:00Z",
        }
    ),
    "resend": lambda request: ok({"id": message_id()}),
    "scaleway": lambda request: ok(
        {
            "emails": [
                {"id": message_id(), "mail_rcpt": to, "status": "new"} for to in recipients_of(request, read_scaleway)
            ]
        }
    ),
    "sendgrid": lambda request: ok(None, 202),
    "sparkpost": lambda request: ok(
        {"results": {"total_rejected_recipients": 0, "total_accepted_recipients": 1, "id": "7036942932540"}}
    ),
    "unisender_go": lambda request: ok(
        {"status": "success", "job_id": "1ZymBc-00041N-9X", "emails": recipients_of(request, read_unisender_go)}
    ),
}
READERS: dict[str, Callable[[dict[str, Any]], Sent]] = {
    "brevo": read_brevo,
    "sendinblue": read_brevo,
    "mailersend": read_mailersend,
    "mailgun": read_mailgun,
    "mailjet": read_mailjet,
    "mailtrap": read_mailtrap,
    "mandrill": read_mandrill,
    "postal": read_postal,
    "postmark": read_postmark,
    "resend": read_resend,
    "scaleway": read_scaleway,
    "sendgrid": read_sendgrid,
    "sparkpost": read_sparkpost,
    "unisender_go": read_unisender_go,
    "amazon_ses": read_amazon_ses,
}
# Settings some backends require besides the key (in the plugin's "email_provider_options").
OPTIONS: dict[str, dict[str, Any]] = {
    "mailjet": {"secret_key": "mj-secret"},
    "postal": {"api_url": "https://postal.shop.example"},
    "scaleway": {"project_id": "d6b4f4b4-0000-4000-8000-000000000000"},
    "unisender_go": {"api_url": "https://go1.unisender.ru/ru/transactional/api/v1/"},
    "amazon_ses": {"session_params": {"region_name": "eu-west-1"}},
}
# What each provider's backend accepts, as anymail documents it: one tag only; no metadata field.
ONE_TAG = {"postmark", "sparkpost", "mailjet", "postal", "mailtrap", "amazon_ses:message_tag_name"}


def anymail_providers() -> list[str]:
    """Every ESP backend of the installed anymail (not its test and console backends)."""
    return sorted(
        module.name
        for module in pkgutil.iter_modules(anymail.backends.__path__)
        if module.name not in {"base", "base_requests", "test", "console"}
    )


PROVIDERS = [*anymail_providers(), "amazon_ses:message_tag_name"]


def test_every_provider_the_readme_names_is_tested():
    assert set(anymail_providers()) >= README_PROVIDERS
    assert set(anymail_providers()) <= set(READERS), "a new anymail backend: add how it is sent and read"


@dataclass
class Transport:
    """The HTTP APIs' transport: every request is recorded and answered as the provider would answer."""

    respond: Callable[[dict[str, Any]], tuple[int, Any, dict[str, str]]] | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    def request(self, session: requests.Session, method: str, url: str, **kwargs: Any) -> requests.Response:
        recorded = {"method": method, "url": url, **kwargs}
        self.calls.append(recorded)
        assert self.respond is not None, "the test did not say which provider answers"
        status, body, headers = self.respond(recorded)
        response = requests.Response()
        response.status_code = status
        response.headers.update({"Content-Type": "application/json", **headers})
        response._content = b"" if body is None else json.dumps(body).encode()
        response.url = url
        return response


@pytest.fixture
def transport(monkeypatch) -> Transport:
    stub = Transport()
    monkeypatch.setattr(
        requests.Session, "request", lambda session, *args, **kwargs: stub.request(session, *args, **kwargs)
    )
    return stub


@pytest.fixture
def ses_client(monkeypatch) -> list[dict[str, Any]]:
    """Amazon SES: the real boto3 sesv2 client, its calls checked and answered by botocore's Stubber."""
    calls: list[dict[str, Any]] = []
    real_client = boto3.session.Session.client

    def client(session: boto3.session.Session, *args: Any, **kwargs: Any) -> Any:
        made = real_client(session, *args, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x", **kwargs)
        made.meta.events.register("provide-client-params.sesv2.SendEmail", lambda params, **_: calls.append(params))
        stubber = Stubber(made)
        stubber.add_response("send_email", {"MessageId": message_id()})
        stubber.activate()
        return made

    monkeypatch.setattr(boto3.session.Session, "client", client)
    return calls


def late_order(orders):
    """An order late on every stage at once: a line unshipped, a shipment overdue, one awaiting approval."""
    return orders.put(
        make_order(
            status=ORDER_PARTIALLY_FULFILLED,
            lines=(OrderLine("Blue Mug", "Large", 2, 0), OrderLine("Plate", "", 1, 1)),
            fulfillments=(
                Fulfillment(1, FULFILLMENT_FULFILLED, MONDAY, tracking_number="1Z999"),
                Fulfillment(2, FULFILLMENT_WAITING_FOR_APPROVAL, MONDAY),
            ),
        )
    )


def send_every_email(orders, runtime, capture) -> SupportCase:
    order = late_order(orders)
    for stage in CUSTOMER_STAGES:
        notice = DelayNotice.objects.create(order_id=order.id, order_number=order.number, stage=stage, due_at=MONDAY)
        assert deliver_delay_notice(notice.pk, runtime, NOW) is Delivery.SENT, notice.failure_reason
    with capture(execute=True):
        case = open_customer_case(runtime.settings, subject=SUBJECT, body=CUSTOMER_TEXT)
    with capture(execute=True):
        add_message(case, AGENT, REPLY_TEXT)
    with capture(execute=True):
        update_case(case, AGENT, status=CaseStatus.RESOLVED)
    return case


@dataclass(frozen=True)
class Expected:
    record: DelayNotice | CaseEmail
    subject: str
    shows: str  # in the text as written, and HTML-escaped in the HTML
    labels: list[str]
    metadata: dict[str, str]
    thread_root: str = ""
    auto_submitted: str = ""


STAGE_SUBJECTS = {
    "not_shipped": "is taking longer to ship",
    "delivery_overdue": "is running late",
    "approval_pending": "needs a little more time",
}


def expected_emails(order_number: str, case: SupportCase) -> list[Expected]:
    expected = [
        Expected(
            notice,
            f"Your order #{order_number} {STAGE_SUBJECTS[notice.stage]}",
            f"order #{order_number}",
            [TAG, "delay-notice", notice.stage],
            {"notice_id": str(notice.pk), "order_number": order_number, "order_id": str(notice.order_id)},
            auto_submitted="auto-generated",
        )
        for notice in DelayNotice.objects.order_by("pk")
    ]
    root = f"<case-{case.pk}@shop.example>"
    subjects = {
        CaseEmailKind.ACKNOWLEDGEMENT: (f"[Case #{case.pk}] We received your message: {SUBJECT}", f"#{case.pk}"),
        CaseEmailKind.STAFF_NOTIFICATION: (
            f"[Case #{case.pk}] New message from jane@example.com: {SUBJECT}",
            CUSTOMER_TEXT,
        ),
        CaseEmailKind.REPLY: (f"Re: [Case #{case.pk}] {SUBJECT}", REPLY_TEXT),
        CaseEmailKind.RESOLVED: (f"[Case #{case.pk}] Resolved: {SUBJECT}", f"#{case.pk}"),
    }
    auto = {CaseEmailKind.ACKNOWLEDGEMENT: "auto-replied", CaseEmailKind.REPLY: ""}
    for record in CaseEmail.objects.filter(case=case).order_by("pk"):
        subject, shows = subjects[CaseEmailKind(record.kind)]
        expected.append(
            Expected(
                record,
                subject,
                shows,
                [TAG, "case", record.kind],
                {"case_id": str(case.pk), "case_email_id": str(record.pk)},
                root,
                auto.get(CaseEmailKind(record.kind), "auto-generated"),
            )
        )
    return expected


def configure(use_settings, provider: str):
    name, _, variant = provider.partition(":")
    options = dict(OPTIONS.get(name, {}))
    if variant:
        options[variant] = "saleor-support"
    return use_settings(
        email_provider=name,
        email_provider_api_key="test-key" if name != "amazon_ses" else "",
        email_provider_options=options,
        reply_domain="reply.shop.example",
        staff_inbox="team@shop.example",
    )


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_email_kind_goes_out_through_the_providers_real_backend(
    provider, use_settings, orders, transport, ses_client, django_capture_on_commit_callbacks
):
    name = provider.partition(":")[0]
    runtime = configure(use_settings, provider)
    transport.respond = RESPONSES.get(name)

    case = send_every_email(orders, runtime, django_capture_on_commit_callbacks)

    requests_sent = ses_client if name == "amazon_ses" else transport.calls
    sent = [READERS[name](request) for request in requests_sent]
    by_message_id = {item.headers["message-id"]: item for item in sent}
    expected = expected_emails(DelayNotice.objects.first().order_number, case)
    assert len(expected) == len(sent) == 7  # three delay notices; acknowledgement, staff, reply, resolved
    for email_expected in expected:
        record = email_expected.record
        record.refresh_from_db()
        assert (record.status, record.failure_reason) == ("sent", "")
        assert record.provider_message_id
        check_sent(by_message_id[record.message_id], email_expected, provider)


def check_sent(sent: Sent, expected: Expected, provider: str) -> None:
    record = expected.record
    assert sent.to == [record.recipient]
    assert sent.subject == expected.subject
    assert expected.shows in sent.text
    assert escape_html(expected.shows) in sent.html
    assert sent.headers["message-id"] == record.message_id
    if expected.thread_root:
        assert sent.headers["in-reply-to"] == expected.thread_root
        assert sent.headers["references"] == expected.thread_root
    assert sent.headers.get("auto-submitted", "") == expected.auto_submitted
    if record.recipient != "team@shop.example":
        assert re.fullmatch(r"support(\+c\d+-\w+)?@reply\.shop\.example", sent.reply_to)
    if provider in ONE_TAG:
        assert sent.tags == [TAG]
        assert sent.metadata == {**expected.metadata, "tags": ",".join(expected.labels)}
    else:
        assert sent.tags == expected.labels
        assert sent.metadata == expected.metadata
    if provider == "amazon_ses:message_tag_name":
        assert sent.provider_tags == [{"Name": "saleor-support", "Value": TAG}]


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;")


# Saving the configuration: a provider set up so that it cannot send the plugin's emails is refused.


def saved(**values: Any) -> dict[str, tuple[str, str | None]]:
    configuration = [{"name": key, "value": value} for key, value in {**DEFAULTS, **values}.items()]
    try:
        validate_configuration(configuration)
    except ValidationError as error:
        return {key: (str(errors[0].message), errors[0].code) for key, errors in error.error_dict.items()}
    return {}


def test_the_readmes_configuration_example_is_accepted():
    # graphql/operations/configure-plugin.graphql
    example = {
        "sender_address": "support@example.com",
        "email_provider": "postmark",
        "email_provider_api_key": "server-token",
        "store_timezone": "Europe/Berlin",
        "handling_days": "2",
        "support_email": "help@example.com",
    }
    assert saved(**example) == {}


@pytest.mark.parametrize("provider", anymail_providers())
def test_every_provider_with_its_settings_is_accepted(provider):
    options = json.dumps(OPTIONS.get(provider, {}))
    assert saved(email_provider=provider, email_provider_api_key="key", email_provider_options=options) == {}


@pytest.mark.parametrize(
    ("provider", "options", "setting"),
    [("postal", {}, "api_url"), ("mailjet", {}, "secret_key"), ("scaleway", {}, "project_id")],
)
def test_a_provider_missing_a_setting_is_refused_on_save(provider, options, setting):
    errors = saved(email_provider=provider, email_provider_api_key="key", email_provider_options=json.dumps(options))
    message, code = errors[c.EMAIL_PROVIDER_OPTIONS]
    assert code == "required"
    assert f'"{setting}"' in message
    assert set(errors) == {c.EMAIL_PROVIDER_OPTIONS}


def test_options_a_provider_refuses_are_refused_on_save():
    errors = saved(
        email_provider="mailgun", email_provider_api_key="key", email_provider_options='{"idna_encoder": "no.such"}'
    )
    message, code = errors[c.EMAIL_PROVIDER_OPTIONS]
    assert code == "invalid"
    assert message.startswith("The email provider 'mailgun' refuses these options")


@pytest.mark.parametrize(
    ("provider", "options", "refused"),
    [
        # Amazon SES takes no anymail send defaults for what is in the MIME message (here: a Reply-To).
        ("amazon_ses", {"send_defaults": {"reply_to": ["x@shop.example"]}}, "send defaults for 'reply_to'"),
        # Tags on every message from the settings, and Postmark takes one tag at most.
        ("postmark", {"send_defaults": {"tags": ["a", "b"]}}, "multiple tags"),
    ],
)
def test_a_provider_that_cannot_send_the_plugins_emails_is_refused_on_save(provider, options, refused):
    errors = saved(email_provider=provider, email_provider_api_key="key", email_provider_options=json.dumps(options))
    message, code = errors[c.EMAIL_PROVIDER]
    assert code == "invalid"
    assert refused in message
    assert message.startswith(f"The email provider '{provider}' cannot send the delay notice email")
