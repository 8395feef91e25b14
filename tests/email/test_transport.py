import smtplib
from base64 import b64encode
from dataclasses import replace

import pytest
import responses
from anymail.exceptions import AnymailConfigurationError, AnymailRecipientsRefused
from anymail.message import AnymailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from saleor_support_plugin.email.transport import from_address, get_mail_connection, is_transient
from tests.conftest import api_error


def test_no_provider_uses_the_deployment_backend(settings, support_settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert isinstance(get_mail_connection(replace(support_settings, email_provider="")), LocmemBackend)


@responses.activate
def test_configured_provider_sends_with_its_key_and_options(support_settings):
    # given: Mailgun, with the API key and a sender domain among the provider options
    sent = responses.add(
        responses.POST,
        "https://api.mailgun.net/v3/mg.example.com/messages",
        json={"id": "<1@mg.example.com>", "message": "Queued. Thank you."},
    )
    configured = replace(
        support_settings,
        email_provider="mailgun",
        email_provider_api_key="k-123",
        email_provider_options={"sender_domain": "mg.example.com"},
    )

    # when
    AnymailMessage(
        "Hi", "Body", "shop@example.com", ["c@example.com"], connection=get_mail_connection(configured)
    ).send()

    # then: the request goes to the domain from the options, signed with the key
    assert sent.call_count == 1
    assert sent.calls[0].request.headers["Authorization"] == "Basic " + b64encode(b"api:k-123").decode()


def test_real_provider_backend_receives_the_api_key(support_settings):
    pytest.importorskip("requests")
    connection = get_mail_connection(
        replace(support_settings, email_provider="mailgun", email_provider_api_key="key-x", email_provider_options={})
    )
    assert type(connection).__module__ == "anymail.backends.mailgun"
    assert connection.api_key == "key-x"


def test_postmark_takes_a_server_token(support_settings):
    pytest.importorskip("requests")
    connection = get_mail_connection(replace(support_settings, email_provider="postmark", email_provider_api_key="pm"))
    assert connection.server_token == "pm"


def test_from_address(settings, support_settings):
    assert from_address(support_settings) == "Acme Support <support@shop.example>"
    assert from_address(replace(support_settings, sender_name="", sender_address="")) == settings.DEFAULT_FROM_EMAIL


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (api_error(503), True),
        (api_error(429), True),
        (api_error(None), True),
        (api_error(400), False),
        (AnymailRecipientsRefused("refused"), False),
        (AnymailConfigurationError("no key"), False),
        (smtplib.SMTPRecipientsRefused({}), False),
        (smtplib.SMTPResponseException(451, b"try later"), True),
        (smtplib.SMTPResponseException(550, b"no such user"), False),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (ConnectionRefusedError("refused"), True),
        (ValueError("a bug"), False),
    ],
)
def test_is_transient(error, transient):
    assert is_transient(error) is transient
