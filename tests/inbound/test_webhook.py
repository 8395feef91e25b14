"""The inbound door: every provider anymail can receive from is authenticated by every validator anymail has
for it, and nothing a provider can post answers 5xx unless the fault is transient."""

from __future__ import annotations

import base64
import http.server
import importlib
import json
import pkgutil
import socket
import threading
from typing import Any

import anymail.webhooks
import pytest
import requests
import responses
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import RequestFactory

from saleor_support_plugin.host.configuration import validate_configuration
from saleor_support_plugin.inbound.webhook import handle_inbound_request, inbound_view_class
from saleor_support_plugin.models import CaseEmail, InboundEmail, SupportCase
from tests.email_corpus import corpus_bytes
from tests.inbound_posts import (
    SECRET,
    SIGNED,
    SIGNING_OPTIONS,
    ProviderPost,
    amazon_ses_s3_post,
    brevo_post,
    provider_post,
)

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailWarning")]

URL = "/plugins/global/saleor.support/inbound/"
# Every provider anymail has an inbound webhook view for, found in the installed anymail.
INBOUND_PROVIDERS = sorted(
    module.name for module in pkgutil.iter_modules(anymail.webhooks.__path__) if inbound_view_class(module.name)
)
API_KEY = "provider-api-key"


def test_anymails_inbound_providers_are_all_found():
    assert {"amazon_ses", "mailgun", "postmark", "sendgrid", "resend", "mailtrap", "brevo"} <= set(INBOUND_PROVIDERS)


@pytest.fixture
def receiving(use_settings, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    def configure(provider: str, **overrides: Any):
        values = {
            "email_provider": provider,
            "email_provider_api_key": API_KEY,
            "email_provider_options": SIGNING_OPTIONS.get(provider, {}),
            "inbound_webhook_secret": SECRET,
            "reply_domain": "reply.shop.example",
            "sender_address": "support@shop.example",
        }
        return use_settings(**(values | overrides))

    return configure


def message(**values: Any) -> bytes:
    return corpus_bytes("forwarded.eml", order_number=values.pop("order_number", "2077"), **values)


def post(runtime, sent: ProviderPost, auth: str | None = SECRET):
    headers = dict(sent.headers)
    if auth is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    factory = RequestFactory()
    if isinstance(sent.body, dict):
        request = factory.post(URL, sent.body, headers=headers)
    else:
        request = factory.generic("POST", URL, sent.body, content_type=sent.content_type, headers=headers)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as transport:
        for url, answer in sent.api_calls:
            if isinstance(answer, bytes):
                transport.get(url, body=answer, content_type="message/rfc822")
            else:
                transport.get(url, json=answer)
        return handle_inbound_request(request, runtime)


def nothing_stored_nor_sent() -> bool:
    """No received mail, no case, and no email queued (emails are queued as CaseEmail rows, sent after commit)."""
    counts = InboundEmail.objects.count(), SupportCase.objects.count(), CaseEmail.objects.count(), len(mail.outbox)
    return counts == (0, 0, 0, 0)


@pytest.mark.parametrize("provider", INBOUND_PROVIDERS)
def test_a_post_without_credentials_is_refused(receiving, provider):
    response = post(receiving(provider), provider_post(provider, message()), auth=None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert nothing_stored_nor_sent()


@pytest.mark.parametrize("provider", INBOUND_PROVIDERS)
def test_a_wrong_password_is_refused(receiving, provider):
    user = SECRET.partition(":")[0]
    response = post(receiving(provider), provider_post(provider, message()), auth=f"{user}:not-the-password")
    assert response.status_code == 400
    assert nothing_stored_nor_sent()


@pytest.mark.parametrize("provider", sorted(SIGNED & set(INBOUND_PROVIDERS)))
def test_a_bad_signature_is_refused_even_with_the_right_password(receiving, provider):
    response = post(receiving(provider), provider_post(provider, message(), bad_signature=True))
    assert response.status_code == 400
    assert nothing_stored_nor_sent()


@pytest.mark.parametrize("provider", INBOUND_PROVIDERS)
def test_an_authenticated_signed_post_is_filed(receiving, provider):
    response = post(receiving(provider), provider_post(provider, message()))
    assert response.status_code == 200
    record = InboundEmail.objects.get()
    assert (record.status, record.sender, record.message_id) == (
        "opened",
        "jane@example.com",
        "<forwarded-4@mail.example.com>",
    )
    assert record.case.messages.get().body == "Is this right? My order 2077 was supposed to ship already."
    assert CaseEmail.objects.filter(kind="acknowledgement", recipient="jane@example.com").count() == 1


@pytest.mark.parametrize(
    ("provider", "missing"),
    [("mailgun", "webhook_signing_key"), ("mailersend", "inbound_secret"), ("postal", "webhook_key")],
)
def test_a_provider_that_signs_needs_its_signing_key_before_receiving_is_saved(provider, missing):
    # What sending through the provider needs besides its key (Postal: its server's address) is given.
    sending = {"postal": {"api_url": "https://postal.shop.example"}}.get(provider, {})
    values = {
        "email_provider": provider,
        "email_provider_api_key": API_KEY,
        "inbound_webhook_secret": SECRET,
        "email_provider_options": json.dumps(sending),
    }
    with pytest.raises(ValidationError) as refused:
        validate_configuration(values)
    (error,) = refused.value.error_dict["email_provider_options"]
    assert (error.code, error.message) == (
        "required",
        f'Receiving mail through {provider} needs "{missing}" in the email provider options.',
    )
    signing = {missing: SIGNING_OPTIONS[provider][missing]}
    validate_configuration(values | {"email_provider_options": json.dumps(sending | signing)})


def test_a_signing_key_that_is_not_text_is_refused_on_save_and_posts_are_not_a_500(receiving):
    values = {"email_provider": "mailgun", "email_provider_api_key": API_KEY, "inbound_webhook_secret": SECRET}
    with pytest.raises(ValidationError) as refused:
        validate_configuration(values | {"email_provider_options": '{"webhook_signing_key": 12345}'})
    (error,) = refused.value.error_dict["email_provider_options"]
    assert error.code == "invalid"
    runtime = receiving("mailgun", email_provider_options={"webhook_signing_key": 12345})
    assert post(runtime, provider_post("mailgun", message())).status_code == 403
    assert nothing_stored_nor_sent()


def test_the_api_key_alone_is_enough_where_the_provider_fetches_the_message(receiving):
    for provider in ("resend", "mailtrap", "brevo"):
        validate_configuration(
            {"email_provider": provider, "email_provider_api_key": API_KEY, "inbound_webhook_secret": SECRET}
        )


def test_a_provider_anymail_cannot_receive_from_is_refused_with_receiving_on():
    values = {"email_provider": "mandrill", "email_provider_api_key": API_KEY, "inbound_webhook_secret": SECRET}
    with pytest.raises(ValidationError) as refused:
        validate_configuration(values)
    (error,) = refused.value.error_dict["inbound_webhook_secret"]
    assert error.code == "invalid"
    assert "cannot receive mail from 'mandrill'" in error.message
    validate_configuration(values | {"inbound_webhook_secret": ""})  # sending only is fine


@pytest.mark.parametrize(
    ("provider", "body", "content_type"),
    [
        ("postmark", b"{not json", "application/json"),
        ("postmark", b'{"RecordType": "Delivery", "MessageID": "x"}', "application/json"),  # tracking event
        ("sparkpost", b'[{"msys": {"relay_message": {"protocol": "smtp"}}}]', "application/json"),
        ("mailjet", b"[1, 2]", "application/json"),
        ("amazon_ses", b"\xff\xfe not an SNS message", "text/plain"),
        ("brevo", b'{"items": [{"Headers": 7}]}', "application/json"),
    ],
)
def test_a_post_the_providers_view_cannot_read_is_refused_not_retried(receiving, provider, body, content_type):
    sent = ProviderPost(content_type, body)
    if provider == "amazon_ses":
        sent.headers = {"x-amz-sns-message-type": "Notification"}
    response = post(receiving(provider), sent)
    assert response.status_code == 400
    assert nothing_stored_nor_sent()


def test_a_redelivered_message_with_a_hazardous_attachment_name_is_stored_once(receiving):
    # A real-world hazard: an attachment named with path elements (kept under its own name, see test_inbound).
    raw = corpus_bytes("with_attachment.eml", case=1, token="x").replace(b'"mug.png"', b'"../../mug.png"')
    runtime = receiving("mailgun")
    assert post(runtime, provider_post("mailgun", raw)).status_code == 200
    emails = CaseEmail.objects.count()
    assert post(runtime, provider_post("mailgun", raw)).status_code == 200  # the provider's redelivery
    record = InboundEmail.objects.get()
    assert record.message_id == "<attachment-10@mail.example.com>"
    assert CaseEmail.objects.count() == emails  # never answered twice


def test_one_unfileable_message_does_not_stop_the_others_in_the_same_post(receiving, monkeypatch):
    # Whatever makes a message unfileable is a bug to fix where it is; the door's part is the same for all.
    from saleor_support_plugin.inbound import filing as inbound

    real_file_email = inbound.file_email

    def file_email(message: Any, runtime: Any) -> Any:
        if "poison" in (message.get("Subject") or ""):
            raise ValueError("a header this code cannot handle")
        return real_file_email(message, runtime)

    monkeypatch.setattr(inbound, "file_email", file_email)
    good = json.loads(brevo_post(message().decode(), False).body)["items"][0]
    other = corpus_bytes("forwarded.eml", "joe@example.com", order_number="2078").replace(b"forwarded-4", b"fw-5")
    bad = json.loads(brevo_post(other.replace(b"Subject: Fwd:", b"Subject: poison").decode(), False).body)["items"][0]
    body = json.dumps({"items": [bad, good]}).encode()
    response = post(receiving("brevo"), ProviderPost("application/json", body))
    assert response.status_code == 200
    records = {r.message_id: (r.status, r.reason) for r in InboundEmail.objects.all()}
    assert records == {
        "<fw-5@mail.example.com>": ("rejected", "Not filed: ValueError: a header this code cannot handle"),
        "<forwarded-4@mail.example.com>": ("opened", ""),
    }
    assert SupportCase.objects.count() == 1
    assert post(receiving("brevo"), ProviderPost("application/json", body)).status_code == 200  # redelivered
    assert (InboundEmail.objects.count(), SupportCase.objects.count()) == (2, 1)


def test_a_database_fault_answers_503_so_the_provider_retries(receiving, monkeypatch):
    def database_down(*args: Any, **kwargs: Any):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("saleor_support_plugin.inbound.filing.InboundEmail.objects.create", database_down)
    response = post(receiving("mailgun"), provider_post("mailgun", message()))
    assert response.status_code == 503
    monkeypatch.undo()
    assert nothing_stored_nor_sent()


@pytest.mark.parametrize(("status", "answer"), [(None, 503), (500, 503), (429, 503), (401, 503), (404, 400)])
def test_fetching_the_message_from_the_providers_api(receiving, status, answer):
    sent = provider_post("resend", message())
    url = sent.api_calls[0][0]
    sent.api_calls = []
    with responses.RequestsMock() as transport:
        if status is None:
            transport.get(url, body=requests.ConnectionError("unreachable"))
        else:
            transport.get(url, status=status, json={})
        request = RequestFactory().generic(
            "POST",
            URL,
            sent.body,
            content_type=sent.content_type,
            headers=sent.headers | {"Authorization": "Basic " + base64.b64encode(SECRET.encode()).decode()},
        )
        response = handle_inbound_request(request, receiving("resend"))
    assert response.status_code == answer
    assert nothing_stored_nor_sent()


@pytest.fixture
def s3_bucket():
    """An S3 endpoint on 127.0.0.1 holding objects (path-style GetObject), for SES's S3 receipt action."""
    objects: dict[str, bytes] = {}

    class S3(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = objects.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), S3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", objects
    server.shutdown()
    server.server_close()


def s3_options(endpoint: str) -> dict[str, Any]:
    """What a merchant puts into the email provider options for SES's S3 action (boto3's session and client)."""
    return {
        "session_params": {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"},
        "client_params": {
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "config": {"s3": {"addressing_style": "path"}, "retries": {"max_attempts": 1}},
        },
    }


def test_amazon_ses_s3_action_message_is_downloaded_and_filed(receiving, s3_bucket):
    endpoint, objects = s3_bucket
    objects["/inbound-mail/abc123"] = message()
    runtime = receiving("amazon_ses", email_provider_options=s3_options(endpoint))
    response = post(runtime, amazon_ses_s3_post("inbound-mail", "abc123"))
    assert response.status_code == 200
    assert InboundEmail.objects.get().status == "opened"


def test_amazon_ses_s3_unreachable_answers_503(receiving):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    runtime = receiving("amazon_ses", email_provider_options=s3_options(f"http://127.0.0.1:{port}"))
    assert post(runtime, amazon_ses_s3_post("inbound-mail", "abc123")).status_code == 503
    assert nothing_stored_nor_sent()


def test_only_post_is_accepted_and_receiving_off_is_forbidden(receiving):
    runtime = receiving("mailgun")
    assert handle_inbound_request(RequestFactory().get(URL), runtime).status_code == 405
    off = receiving("mailgun", inbound_webhook_secret="")
    assert post(off, provider_post("mailgun", message())).status_code == 403
    assert nothing_stored_nor_sent()


def test_enumeration_is_by_module_so_new_providers_are_found():
    for name in INBOUND_PROVIDERS:
        module = importlib.import_module(f"anymail.webhooks.{name}")
        assert inbound_view_class(name).__name__ in vars(module)
