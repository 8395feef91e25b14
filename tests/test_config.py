import datetime
from zoneinfo import ZoneInfo

import pybars
import pytest
from django.core.exceptions import ValidationError

from saleor_support_plugin import config
from saleor_support_plugin import constants as c
from saleor_support_plugin.config import DEFAULTS, parse_settings, settings_for, validate_configuration


def saleor_list(**values):
    """Configuration as Saleor stores it: a list of name/value pairs of strings."""
    return [{"name": name, "value": value} for name, value in {**DEFAULTS, **values}.items()]


def errors_of(**values) -> dict[str, tuple[str, str | None]]:
    with pytest.raises(ValidationError) as info:
        validate_configuration(saleor_list(**values))
    return {field: (str(errors[0].message), errors[0].code) for field, errors in info.value.error_dict.items()}


def test_defaults_are_valid_and_parse():
    validate_configuration(saleor_list())
    settings = parse_settings(saleor_list())
    assert settings.handling_days == 2
    assert settings.handling_starts_at == c.HANDLING_FROM_PAYMENT
    assert settings.default_delivery_days is None
    assert settings.calendar.weekdays == frozenset(range(5))
    assert settings.notify_not_shipped is True


def test_parses_saleor_strings():
    settings = parse_settings(
        saleor_list(
            store_timezone="Europe/Berlin",
            business_days="Mon, Tue,wed,THU,fri,sat",
            holidays="2026-12-24\n2026-12-25, 2026-12-31",
            handling_days="3",
            default_delivery_days="5",
            notify_delivery_overdue="false",
            email_provider="Mailgun",
            email_provider_api_key="key-secret",
            email_provider_options='{"esp_extra": {"x": 1}}',
        )
    )
    assert settings.calendar.timezone == ZoneInfo("Europe/Berlin")
    assert settings.calendar.weekdays == frozenset(range(6))
    assert settings.calendar.holidays == {
        datetime.date(2026, 12, 24),
        datetime.date(2026, 12, 25),
        datetime.date(2026, 12, 31),
    }
    assert settings.handling_days == 3
    assert settings.default_delivery_days == 5
    assert settings.notify_delivery_overdue is False
    assert settings.email_provider == "mailgun"
    assert settings.email_provider_options == {"esp_extra": {"x": 1}}
    assert "key-secret" not in repr(settings)


def test_every_bad_value_is_reported_at_once_with_field_and_code():
    errors = errors_of(
        sender_address="not-an-email",
        email_provider="carrier-pigeon",
        store_timezone="Mars/Olympus",
        business_days="mon,funday",
        holidays="2026-12-24, 24.12.2026",
        handling_days="-1",
        handling_starts_at="shipping",
        approval_wait_hours="lots",
        email_provider_options="{not json",
        support_email="help@",
        reply_domain="not a domain",
        staff_inbox="team",
    )
    assert set(errors) == {
        c.SENDER_ADDRESS,
        c.EMAIL_PROVIDER,
        c.STORE_TIMEZONE,
        c.BUSINESS_DAYS,
        c.HOLIDAYS,
        c.HANDLING_DAYS,
        c.HANDLING_STARTS_AT,
        c.APPROVAL_WAIT_HOURS,
        c.EMAIL_PROVIDER_OPTIONS,
        c.SUPPORT_EMAIL,
        c.REPLY_DOMAIN,
        c.STAFF_INBOX,
    }
    assert all(code == "invalid" for _message, code in errors.values())
    assert "24.12.2026" in errors[c.HOLIDAYS][0]
    assert "funday" in errors[c.BUSINESS_DAYS][0]


def test_provider_without_key_is_required_error():
    assert errors_of(email_provider="postmark") == {
        c.EMAIL_PROVIDER_API_KEY: ("The email provider 'postmark' needs an API key.", "required")
    }


def test_dashboard_url_is_reduced_to_origins_and_must_be_a_web_address():
    settings = parse_settings(saleor_list(dashboard_url="https://Dash.Shop.example/dashboard/, http://localhost:9000"))
    assert settings.dashboard_origins == ("https://dash.shop.example", "http://localhost:9000")
    assert errors_of(dashboard_url="dashboard.shop.example") == {
        c.DASHBOARD_URL: (
            "'dashboard.shop.example' is not the address of a Dashboard, such as https://dashboard.example.com/.",
            "invalid",
        )
    }
    assert errors_of(dashboard_url="javascript:alert(1)")[c.DASHBOARD_URL][1] == "invalid"


def test_keyless_providers_need_no_key():
    validate_configuration(saleor_list(email_provider="amazon_ses"))
    validate_configuration(saleor_list(email_provider="test"))


def test_empty_business_days_is_required():
    assert errors_of(business_days=" ")[c.BUSINESS_DAYS][1] == "required"


def test_provider_options_must_be_an_object():
    assert errors_of(email_provider_options="[1, 2]")[c.EMAIL_PROVIDER_OPTIONS][1] == "invalid"


def test_integer_ranges():
    assert c.DELIVERY_GRACE_DAYS in errors_of(delivery_grace_days="61")
    assert c.DEFAULT_DELIVERY_DAYS in errors_of(default_delivery_days="0")
    validate_configuration(saleor_list(default_delivery_days="", handling_days="0"))


def test_bad_stored_values_fall_back_to_defaults_when_parsing():
    settings = parse_settings(saleor_list(handling_days="soon", store_timezone="Nowhere/Land"))
    assert settings.handling_days == 2
    assert settings.calendar.timezone == ZoneInfo("UTC")


def test_plain_mapping_and_real_booleans_are_accepted():
    settings = parse_settings({c.NOTIFY_NOT_SHIPPED: False, c.HANDLING_DAYS: 4})
    assert settings.notify_not_shipped is False
    assert settings.handling_days == 4


def test_broken_handlebars_template_is_refused_and_good_ones_are_parsed():
    errors = errors_of(case_reply_template="<p>{{#each items}}x{{/if}}</p>")
    assert list(errors) == ["case_reply_template"]
    assert errors["case_reply_template"][1] == "invalid"
    assert errors["case_reply_template"][0].startswith("The template cannot be used:")
    settings = parse_settings(saleor_list(case_reply_subject="Re: {{subject}}", case_reply_template="{{{body_html}}}"))
    assert settings.custom_templates["case_reply"].subject == "Re: {{subject}}"
    assert "delay_notice" not in settings.custom_templates


def test_a_template_that_fails_when_rendered_is_refused_too():
    assert errors_of(case_resolved_template="{{> no_such_partial}}")["case_resolved_template"][1] == "invalid"


def every_template_replaced() -> dict[str, str]:
    values = {}
    for name in c.EMAIL_TEMPLATE_NAMES:
        values[c.subject_field(name)] = "About {{case_number}}{{order_number}}"
        values[c.body_field(name)] = "<p>{{#if author_name}}{{author_name}}{{/if}}</p>" * 40 + "{{{body_html}}}"
    return values


def test_parsing_never_compiles_the_merchants_templates(monkeypatch):
    compiled = []
    original = pybars.Compiler.compile
    monkeypatch.setattr(
        pybars.Compiler, "compile", lambda self, source: compiled.append(source) or original(self, source)
    )
    settings = parse_settings(saleor_list(**every_template_replaced()))
    assert compiled == []
    assert set(settings.custom_templates) == set(c.EMAIL_TEMPLATE_NAMES)
    validate_configuration(saleor_list(**every_template_replaced()))  # saving is where they are checked
    assert len(compiled) == 2 * len(c.EMAIL_TEMPLATE_NAMES)


def test_settings_are_parsed_once_per_configuration_version(monkeypatch):
    parsed = []
    original = config.parse_settings
    monkeypatch.setattr(config, "parse_settings", lambda values: parsed.append(values) or original(values))
    stored = saleor_list(**every_template_replaced(), handling_days="7")
    first = settings_for(stored)
    again = settings_for([dict(item) for item in stored])  # a new request reads an equal copy
    assert again is first
    assert first.handling_days == 7
    changed = settings_for(saleor_list(**every_template_replaced(), handling_days="8"))
    assert changed.handling_days == 8
    assert len(parsed) == 2
