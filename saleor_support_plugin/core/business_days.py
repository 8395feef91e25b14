"""Business-day arithmetic in the store's time zone.

A promise such as "ships within 2 business days" counts whole business days after the day the clock
starts: an order paid on Monday at 10:00 with 2 handling days must ship by the end of Wednesday in the
store's time zone. Weekends and holidays are skipped; the day the clock starts never counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY_TO_FRIDAY = frozenset(range(5))


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[datetime.date] = frozenset()

    def is_business_day(self, day: datetime.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def business_day_after(self, day: datetime.date, count: int) -> datetime.date:
        """The `count`-th business day after `day` (`count` 0: `day` itself if it is one, else the next)."""
        if not self.weekdays:
            raise ValueError("A business calendar needs at least one business weekday.")
        # Bound the walk so a calendar of holidays cannot loop for ever.
        limit = count * 7 + len(self.holidays) + 8
        remaining = count
        current = day
        if remaining == 0 and self.is_business_day(current):
            return current
        for _ in range(limit):
            current += datetime.timedelta(days=1)
            if self.is_business_day(current):
                remaining -= 1
                if remaining <= 0:
                    return current
        raise ValueError("No business day found: check the business days and holidays.")

    def deadline_after(self, start: datetime.datetime, business_days: int) -> datetime.datetime:
        """The end (next local midnight, as an aware UTC datetime) of the n-th business day after `start`."""
        local_day = start.astimezone(self.timezone).date()
        last_day = self.business_day_after(local_day, business_days)
        return self.start_of(last_day + datetime.timedelta(days=1))

    def add_business_hours(self, start: datetime.datetime, hours: int) -> datetime.datetime:
        """`start` plus `hours` counted on business days only: a case opened on Friday at 16:00 with a
        24-hour target is due on Monday at 16:00, not on Saturday."""
        current = start.astimezone(self.timezone)
        remaining = datetime.timedelta(hours=hours)
        for _ in range(hours // 24 * 7 + len(self.holidays) + 15):
            day_end = datetime.datetime.combine(current.date() + datetime.timedelta(days=1), datetime.time.min)
            day_end = day_end.replace(tzinfo=self.timezone)
            if self.is_business_day(current.date()):
                available = day_end - current
                if remaining <= available:
                    return (current + remaining).astimezone(datetime.UTC)
                remaining -= available
            current = day_end
        raise ValueError("No business day found: check the business days and holidays.")

    def start_of(self, day: datetime.date) -> datetime.datetime:
        local = datetime.datetime.combine(day, datetime.time.min, tzinfo=self.timezone)
        return local.astimezone(datetime.UTC)

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.timezone).date()
