import smtplib
from dataclasses import replace

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailConfigurationError, AnymailRecipientsRefused
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from saleor_support_plugin.email.transport import from_address, get_mail_connection, is_transient
from tests.conftest import api_error


def test_no_provider_uses_the_deployment_backend(settings, support_settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert isinstance(get_mail_connection(replace(support_settings, email_provider="")), LocmemBackend)


def test_configured_anymail_provider_gets_key_and_options(support_settings):
    configured = replace(
        support_settings, email_provider="test", email_provider_api_key="k-123", email_provider_options={"x": 1}
    )
    connection = get_mail_connection(configured)
    assert isinstance(connection, AnymailTestBackend)


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
