"""Business time counted the slow, obvious way, to check the plugin's figures against: the minutes Monday to
Friday 9:00-17:00 Berlin wall-clock time (the shop of the service-level tests in both tiers)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def business_minutes(start: datetime.datetime, end: datetime.datetime) -> int:
    """Minutes between two moments that fall Monday to Friday 9:00-17:00 Berlin wall-clock time."""
    minutes, moment = 0, start
    while moment < end:
        wall = moment.astimezone(BERLIN)
        if wall.weekday() < 5 and 9 <= wall.hour < 17:
            minutes += 1
        moment += datetime.timedelta(minutes=1)
    return minutes
