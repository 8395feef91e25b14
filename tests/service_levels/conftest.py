from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from saleor_support_plugin.core.business_days import BusinessCalendar
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.service_policies import Policy
from tests.business_time import BERLIN

HOUR = datetime.timedelta(hours=1)
CHRISTMAS = datetime.date(2026, 12, 25)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


class Clock:
    """What `timezone.now()` answers in a test: set it, move it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = berlin(2026, 11, 2, 9, 0)
        monkeypatch.setattr(timezone, "now", lambda: self.now.astimezone(datetime.UTC))

    def set(self, moment: datetime.datetime) -> datetime.datetime:
        self.now = moment
        return moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def shop(use_settings: Callable[..., SupportRuntime]) -> SupportRuntime:
    """Open 9-17 Monday to Friday in Berlin, closed on Christmas Day; normal cases: first response in 4
    business hours, next in 2, resolved in 16; urgent phone cases answered in 30 minutes."""
    return use_settings(
        calendar=BusinessCalendar(timezone=BERLIN, holidays=frozenset({CHRISTMAS})),
        opening_hours_spec="mon-fri 09:00-17:00",
        first_response_hours=4,
        resolution_hours=16,
        service_level_policies=(
            Policy(first_response=4 * HOUR, next_response=2 * HOUR, resolution=16 * HOUR, priority="normal"),
            Policy(
                first_response=datetime.timedelta(minutes=30),
                next_response=HOUR,
                resolution=8 * HOUR,
                priority="urgent",
                channel="phone",
            ),
        ),
        at_risk_percent=80,
        staff_inbox="team@shop.example",
        breach_assignee_id=None,
    )


def settings_of(runtime: SupportRuntime, **overrides: Any) -> Any:
    from dataclasses import replace

    return replace(runtime.settings, **overrides)
