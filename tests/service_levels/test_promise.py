"""The promise as customers read it: in the acknowledgement email, in their language."""

from __future__ import annotations

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from saleor_support_plugin.cases.service import Actor, CaseOrder
from saleor_support_plugin.core.business_hours import parse_opening_hours
from saleor_support_plugin.core.service_policies import promise
from saleor_support_plugin.models import AuthorType, CaseEmailKind
from tests.conftest import open_customer_case

from .conftest import berlin

HOUR = datetime.timedelta(hours=1)
NINE_TO_FIVE = parse_opening_hours("mon-fri 09:00-17:00", ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("duration", "language", "text"),
    [
        (8 * HOUR, "en", "within 1 business day"),
        (16 * HOUR, "en", "within 2 business days"),
        (4 * HOUR, "en", "within 4 business hours"),
        (HOUR, "en", "within 1 business hour"),
        (datetime.timedelta(minutes=30), "en", "within 30 business minutes"),
        (8 * HOUR, "de", "innerhalb von 1 Werktag"),
        (4 * HOUR, "de", "innerhalb von 4 Geschäftsstunden"),
    ],
)
def test_a_target_is_said_in_days_or_hours_of_the_shop(duration, language, text):
    assert promise(duration, NINE_TO_FIVE, language) == text


def test_a_shop_open_around_the_clock_promises_plain_hours():
    assert promise(2 * HOUR, parse_opening_hours("24/7", ZoneInfo("UTC")), "en") == "within 2 hours"
    assert promise(48 * HOUR, parse_opening_hours("24/7", ZoneInfo("UTC")), "de") == "innerhalb von 2 Tagen"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sentence"),
    [("en", "We answer within 4 business hours."), ("de", "Wir antworten innerhalb von 4 Geschäftsstunden.")],
)
def test_the_acknowledgement_states_the_cases_promise_in_the_customers_language(
    shop, clock, django_capture_on_commit_callbacks, language, sentence
):
    clock.set(berlin(2026, 11, 2, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        open_customer_case(
            shop.settings,
            author=Actor(AuthorType.CUSTOMER, name="Jane"),
            order=CaseOrder(id=uuid.uuid4(), number="1042", email="jane@example.com", language_code=language),
        )
    (ack,) = [message for message in mail.outbox if message.tags[-1] == CaseEmailKind.ACKNOWLEDGEMENT]
    assert sentence in ack.body
    assert sentence in ack.alternatives[0][0]
