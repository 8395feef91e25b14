import datetime

import pytest
from django.utils import timezone

from saleor_support_plugin.cases import submissions
from saleor_support_plugin.models import DashboardSubmission

pytestmark = pytest.mark.django_db


def test_a_key_is_claimed_once():
    key = submissions.new_key()
    assert submissions.claim(key) is True
    assert submissions.claim(key) is False
    assert submissions.claim("") is False
    assert submissions.claim("x" * 65) is False


def test_keys_older_than_two_days_are_forgotten():
    now = timezone.now()
    submissions.claim("old")
    submissions.claim("recent")
    DashboardSubmission.objects.filter(key="old").update(created_at=now - datetime.timedelta(days=3))

    assert submissions.forget_old(now) == 1
    assert list(DashboardSubmission.objects.values_list("key", flat=True)) == ["recent"]
