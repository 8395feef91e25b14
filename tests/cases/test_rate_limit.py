"""Guests opening cases: the per-email and per-address limits count cases opened, in the database."""

import dataclasses
import datetime
import uuid

import pytest
from django.utils import timezone

from saleor_support_plugin.cases.service import Actor, CaseError, CaseOrder, open_guest_case
from saleor_support_plugin.models import AuthorType, GuestCaseOpening, SupportCase

pytestmark = pytest.mark.django_db

GUEST = Actor(AuthorType.CUSTOMER, name="guest")


def order(email: str) -> CaseOrder:
    return CaseOrder(id=uuid.uuid4(), number="7", email=email, channel_slug="default")


def open_as_guest(settings, email="guest@example.com", ip="203.0.113.9", subject="Broken", body="Arrived broken."):
    return open_guest_case(
        settings=settings, ip=ip, author=GUEST, subject=subject, body=body, email=email, order=order(email)
    )


@pytest.fixture
def limits(support_settings):
    return dataclasses.replace(support_settings, anonymous_cases_per_ip_hour=5, anonymous_cases_per_email_hour=3)


def test_the_documented_five_cases_per_address_open_even_after_refused_attempts(limits):
    # given: attempts refused for bad input from the same address
    for _ in range(3):
        with pytest.raises(CaseError):
            open_as_guest(limits, subject="")
    # when: five guests (different emails) open cases from that address, then a sixth tries
    for index in range(5):
        open_as_guest(limits, email=f"guest{index}@example.com")
    with pytest.raises(CaseError) as refused:
        open_as_guest(limits, email="guest9@example.com")
    # then
    assert refused.value.code == "rate_limited"
    assert SupportCase.objects.count() == 5


def test_three_cases_per_email_from_any_address(limits):
    for index in range(3):
        open_as_guest(limits, ip=f"198.51.100.{index}")
    with pytest.raises(CaseError) as refused:
        open_as_guest(limits, email="GUEST@example.com", ip="198.51.100.77")
    assert refused.value.code == "rate_limited"
    assert SupportCase.objects.count() == 3


def test_openings_older_than_an_hour_no_longer_count(limits):
    for _ in range(3):
        open_as_guest(limits)
    GuestCaseOpening.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    open_as_guest(limits)
    # the expired rows were deleted when the new case was recorded
    assert GuestCaseOpening.objects.count() == 1


def test_a_malformed_guest_email_is_refused(limits):
    with pytest.raises(CaseError) as refused:
        open_as_guest(limits, email="nobody")
    assert (refused.value.field, refused.value.code) == ("email", "invalid")
    assert SupportCase.objects.count() == 0
