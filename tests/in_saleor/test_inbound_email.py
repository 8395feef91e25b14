"""Email as a support channel through real Saleor: the provider posts received mail to the plugin's URL."""

import base64
import hashlib
import hmac
import json
import re
import time
from email.message import EmailMessage

import pytest
from django.core import mail
from django.test import Client
from saleor.graphql.tests.utils import get_graphql_content

from saleor_support_plugin.models import CaseAttachment, CaseEmail, CaseEmailKind, InboundEmail, SupportCase
from tests.email_corpus import REAL_BOUNCES, TALON, corpus_bytes
from tests.inbound_posts import amazon_ses_post, mailgun_post

from . import graphql_operations as ops
from .test_installation import PLUGIN_UPDATE

pytestmark = pytest.mark.django_db

INBOUND_URL = "/plugins/global/saleor.support/inbound/"
SECRET = "mailgun:a-long-random-password"
SIGNING_KEY = "mailgun-signing-key"


@pytest.fixture
def email_channel(support_plugin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.ALLOWED_HOSTS = ["*"]
    support_plugin(
        email_provider="mailgun",
        email_provider_api_key="key-test",
        email_provider_options=json.dumps({"webhook_signing_key": SIGNING_KEY}),
        inbound_webhook_secret=SECRET,
        reply_domain="reply.shop.example",
        support_email="help@shop.example",
        case_after_late_days="",  # late orders get a notice, and no case until the customer answers
    )


def post_mime(raw: bytes, secret: str = SECRET):
    timestamp, token = str(int(time.time())), "t" * 50
    signature = hmac.new(SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    auth = "Basic " + base64.b64encode(secret.encode()).decode()
    data = {"body-mime": raw.decode("utf-8"), "timestamp": timestamp, "token": token, "signature": signature}
    return Client().post(INBOUND_URL, data, HTTP_AUTHORIZATION=auth)


def corpus(name: str, sender: str = "jane@example.com", **values) -> bytes:
    return corpus_bytes(name, sender, **values)


@pytest.fixture
def case_and_token(email_channel, user_api_client, order_with_lines, customer_user):
    # The customer opens a case: the acknowledgement's Reply-To names the case.
    variables = {"input": {"subject": "Where is my mug?", "body": "It has been a week."}}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("anymail.backends.mailgun.EmailBackend.post_to_esp", fake_mailgun_send)
        content = get_graphql_content(user_api_client.post_graphql(ops.CREATE, variables))
    case_id = content["data"]["supportCaseCreate"]["case"]["id"]
    case = SupportCase.objects.get()
    (ack,) = [m for m in mail.outbox if m.tags[-1] == "acknowledgement"]
    token = re.fullmatch(r"support\+(.+)@reply\.shop\.example", ack.reply_to[0])[1]
    return case, case_id, token


def fake_mailgun_send(self, payload, message):
    """Mailgun is not reachable from tests: record the message as anymail's test backend would."""
    mail.outbox.append(message)

    class Response:
        status_code = 200

        def json(self):
            return {"id": "<mailgun-id@example>", "message": "Queued"}

    return Response()


def test_a_customer_reply_lands_on_the_case_and_the_customer_sees_it(case_and_token, user_api_client):
    case, case_id, token = case_and_token
    response = post_mime(corpus("reply_plain.eml", case.customer_email, case=case.pk, token=token))
    assert response.status_code == 200
    seen = get_graphql_content(user_api_client.post_graphql(ops.CASE, {"id": case_id}))["data"]["supportCase"]
    assert [m["body"] for m in seen["messages"]] == ["It has been a week.", "Thanks, it arrived today!"]


def test_out_of_office_reply_creates_nothing_and_sends_nothing(case_and_token):
    case, _case_id, token = case_and_token
    emails_before = CaseEmail.objects.count()
    raw = corpus("out_of_office.eml", case=case.pk, token=token).replace(
        b"jane@example.com", case.customer_email.encode()
    )
    assert post_mime(raw).status_code == 200
    assert InboundEmail.objects.get().status == "ignored"
    assert case.messages.count() == 1
    assert CaseEmail.objects.count() == emails_before


def test_a_reply_from_another_address_does_not_land_on_the_case(case_and_token):
    case, _case_id, token = case_and_token
    assert post_mime(corpus("spoofed_sender.eml", case=case.pk, token=token)).status_code == 200
    assert InboundEmail.objects.get().status == "rejected"
    assert case.messages.count() == 1


def test_a_redelivered_message_is_stored_once(case_and_token):
    case, _case_id, token = case_and_token
    raw = corpus("reply_plain.eml", case=case.pk, token=token).replace(
        b"jane@example.com", case.customer_email.encode()
    )
    assert post_mime(raw).status_code == 200
    assert post_mime(raw).status_code == 200
    assert InboundEmail.objects.count() == 1
    assert case.messages.count() == 2


def test_an_invalid_webhook_secret_is_refused(email_channel):
    response = post_mime(corpus("reply_by_subject_only.eml", case=1), secret="mailgun:wrong-password-here")
    assert response.status_code == 400
    assert InboundEmail.objects.count() == 0


def test_a_correctly_signed_post_without_credentials_gets_a_challenge_and_files_nothing(email_channel):
    timestamp, token = str(int(time.time())), "t" * 50
    signature = hmac.new(SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    data = {"body-mime": corpus("forwarded.eml", order_number="1").decode(), "timestamp": timestamp}
    response = Client().post(INBOUND_URL, data | {"token": token, "signature": signature})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert (InboundEmail.objects.count(), SupportCase.objects.count()) == (0, 0)


def test_a_bad_signature_is_refused_even_with_the_right_password(email_channel):
    sent = mailgun_post(corpus("forwarded.eml", order_number="1").decode(), bad=True)
    response = Client().post(INBOUND_URL, sent.body, HTTP_AUTHORIZATION=basic(SECRET), **signing_headers(sent))
    assert response.status_code == 400
    assert (InboundEmail.objects.count(), SupportCase.objects.count()) == (0, 0)


@pytest.fixture
def ses_channel(support_plugin, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.ALLOWED_HOSTS = ["*"]
    support_plugin(email_provider="amazon_ses", inbound_webhook_secret=SECRET, reply_domain="reply.shop.example")


def post_sns(raw: bytes, auth: str | None):
    sent = amazon_ses_post(raw.decode(), bad=False)
    extra = signing_headers(sent) | ({"HTTP_AUTHORIZATION": basic(auth)} if auth else {})
    return Client().post(INBOUND_URL, sent.body, content_type=sent.content_type, **extra)


def test_amazon_ses_mail_is_filed_only_with_the_password(ses_channel):
    raw = corpus("forwarded.eml", order_number="1")
    assert post_sns(raw, auth=None).status_code == 401  # SNS sends credentials only after this challenge
    assert post_sns(raw, auth="mailgun:wrong-password-here").status_code == 400
    assert (InboundEmail.objects.count(), SupportCase.objects.count()) == (0, 0)
    assert post_sns(raw, auth=SECRET).status_code == 200
    assert InboundEmail.objects.get().status == "opened"
    assert SupportCase.objects.get().messages.get().body == "Is this right? My order 1 was supposed to ship already."


def test_a_message_with_an_attachment_named_as_a_path_is_stored_once_and_answered_200(email_channel):
    # An attachment named with path elements: kept under its own name, answered 200, stored once.
    raw = corpus("with_attachment.eml", case=1, token="x").replace(b'"mug.png"', b'"../../mug.png"')
    assert post_mime(raw).status_code == 200
    emails = CaseEmail.objects.count()
    assert post_mime(raw).status_code == 200
    assert InboundEmail.objects.get().message_id == "<attachment-10@mail.example.com>"
    assert CaseEmail.objects.count() == emails
    assert CaseAttachment.objects.get().name == "mug.png"


def test_receiving_through_mailgun_without_its_signing_key_is_refused_on_save(
    staff_api_client, permission_manage_plugins, settings
):
    settings.PLUGINS = ["saleor_support_plugin.plugin.SupportPlugin"]
    values = {"email_provider": "mailgun", "email_provider_api_key": "key-test", "inbound_webhook_secret": SECRET}
    configuration = [{"name": name, "value": value} for name, value in values.items()]
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE,
        {"input": {"active": True, "configuration": configuration}},
        permissions=[permission_manage_plugins],
    )
    errors = get_graphql_content(response)["data"]["pluginUpdate"]["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [("emailProviderOptions", "REQUIRED")]
    assert "webhook_signing_key" in errors[0]["message"]


def basic(secret: str) -> str:
    return "Basic " + base64.b64encode(secret.encode()).decode()


def signing_headers(sent) -> dict[str, str]:
    """Request headers as Django's test client takes them (HTTP_X_...)."""
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in sent.headers.items()}


def test_receiving_is_refused_until_configured(support_plugin):
    support_plugin()
    assert post_mime(corpus("reply_by_subject_only.eml", case=1)).status_code == 403


def test_a_reply_to_a_delay_notice_lands_on_the_orders_case(
    email_channel,
    order_with_lines,
    staff_api_client,
    permission_group_manage_orders,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from saleor_support_plugin.models import DelayNotice

    from .helpers import paid_days_ago_and_scanned

    monkeypatch.setattr("anymail.backends.mailgun.EmailBackend.post_to_esp", fake_mailgun_send)
    permission_group_manage_orders.user_set.add(staff_api_client.user)
    paid_days_ago_and_scanned(staff_api_client, order_with_lines, 10, django_capture_on_commit_callbacks)
    notice = DelayNotice.objects.get(status="sent")
    assert SupportCase.objects.count() == 0

    raw = corpus(
        "reply_to_delay_notice.eml",
        order_with_lines.user_email,
        order_number=order_with_lines.number,
        notice_message_id=notice.message_id,
    )
    assert post_mime(raw).status_code == 200
    case = SupportCase.objects.get()
    assert (case.order_id, case.topic, case.origin) == (order_with_lines.pk, "delay", "email")
    assert case.messages.get().body == "Can I cancel it instead?"
    notice.refresh_from_db()
    assert notice.case == case


# Real-world mail nobody on this project wrote (tests/emails/third_party/README.md).
BOUNCES = REAL_BOUNCES[0].parent


@pytest.mark.parametrize(
    "name",
    [
        "simple_24.txt",  # "Postmaster <>": a null sender, no delivery-report part
        "simple_15.txt",  # a gateway's notice from imss@
        "dsn_10.txt",  # Postfix's RFC 3464 report
    ],
)
def test_a_real_bounce_answers_2xx_and_queues_no_email(case_and_token, name):
    case, _case_id, _token = case_and_token
    cases, emails, sent = SupportCase.objects.count(), CaseEmail.objects.count(), len(mail.outbox)
    response = post_mime((BOUNCES / name).read_bytes())
    assert response.status_code == 200
    assert InboundEmail.objects.get().status == "ignored"
    assert (SupportCase.objects.count(), CaseEmail.objects.count(), len(mail.outbox)) == (cases, emails, sent)
    assert case.messages.count() == 1


def outlook_reply_mime(sender: str, to: str, new_text: str, history_length: int) -> bytes:
    """talon's real Outlook reply, answered by the customer, with a quoted thread past the message limit."""
    original = (TALON / "standard_replies" / "outlook.eml").read_text()
    quoted = original.split("Hello\n\n", 1)[1].split("\n--", 1)[0].strip()  # its "From: … Sent: …" block on
    history = quoted
    while len(history) < history_length:
        history += "\n\n" + quoted
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, "RE: Where is my mug?"
    message["Message-ID"] = "<long-outlook-reply@client.example>"
    message.set_content(f"{new_text}\n\n________________________________\n{history}\n")
    return message.as_bytes()


def test_an_over_long_outlook_reply_answers_2xx_and_keeps_the_new_text(case_and_token):
    case, _case_id, token = case_and_token
    raw = outlook_reply_mime(
        case.customer_email, f"support+{token}@reply.shop.example", "Thanks, the new one arrived.", 30_000
    )
    response = post_mime(raw)
    assert response.status_code == 200
    assert InboundEmail.objects.get().status == "added"
    added = case.messages.last()
    assert added.body == "Thanks, the new one arrived."
    assert added.quoted_text.startswith("From: xxx@xxx.mailgun.org [mailto:xxx@xxx.mailgun.org]")
    assert len(added.quoted_text) > 30_000
    assert CaseEmail.objects.filter(kind=CaseEmailKind.STAFF_NOTIFICATION, case_message=added).exists()
