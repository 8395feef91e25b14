import datetime
from zoneinfo import ZoneInfo

import pytest

from saleor_support_plugin.core.business_days import BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, tz: datetime.tzinfo = datetime.UTC) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=tz)


def test_deadline_counts_business_days_after_the_start_day():
    calendar = BusinessCalendar()
    # Paid Monday 2 Nov at 10:00, 2 handling days: ship by the end of Wednesday 4 Nov.
    assert calendar.deadline_after(at(2, 10), 2) == at(5, 0)


def test_weekend_is_skipped():
    calendar = BusinessCalendar()
    # Friday 6 Nov + 1 business day = Monday 9 Nov, so due at Tuesday 00:00.
    assert calendar.deadline_after(at(6, 15), 1) == at(10, 0)


def test_order_placed_on_saturday_counts_from_monday():
    calendar = BusinessCalendar()
    assert calendar.deadline_after(at(7, 12), 1) == at(10, 0)


def test_holidays_are_skipped():
    calendar = BusinessCalendar(holidays=frozenset({datetime.date(2026, 11, 3)}))
    assert calendar.deadline_after(at(2, 10), 2) == at(6, 0)


def test_zero_days_means_the_same_business_day():
    calendar = BusinessCalendar()
    assert calendar.deadline_after(at(2, 10), 0) == at(3, 0)
    # Saturday with zero handling days: the end of Monday.
    assert calendar.deadline_after(at(7, 10), 0) == at(10, 0)


def test_days_are_counted_in_the_store_time_zone():
    calendar = BusinessCalendar(timezone=BERLIN)
    # 23:30 UTC on Friday 6 Nov is already Saturday 00:30 in Berlin: the clock starts on Saturday.
    start = at(6, 23).replace(minute=30)
    deadline = calendar.deadline_after(start, 1)
    assert deadline == datetime.datetime(2026, 11, 10, 0, 0, tzinfo=BERLIN)
    assert deadline.tzinfo == datetime.UTC


def test_custom_business_week():
    calendar = BusinessCalendar(weekdays=frozenset({0, 1, 2, 3, 4, 5}))  # Monday to Saturday
    assert calendar.deadline_after(at(6, 10), 1) == at(8, 0)


def test_a_calendar_of_only_holidays_raises_instead_of_looping():
    calendar = BusinessCalendar(
        weekdays=frozenset({0}),
        holidays=frozenset(datetime.date(2026, 11, 2) + datetime.timedelta(weeks=w) for w in range(60)),
    )
    with pytest.raises(ValueError, match="No business day"):
        calendar.deadline_after(at(1, 10), 1)


def test_business_hours_skip_weekends_and_holidays():
    calendar = BusinessCalendar(holidays=frozenset({datetime.date(2026, 11, 9)}))
    friday_4pm = at(6, 16)
    assert calendar.add_business_hours(friday_4pm, 24) == at(10, 16)  # Monday 9 is a holiday: Tuesday
    assert calendar.add_business_hours(at(2, 10), 5) == at(2, 15)
    saturday = at(7, 12)
    assert calendar.add_business_hours(saturday, 1) == at(10, 1)  # counting starts on the next business day


def test_business_hours_in_the_store_time_zone():
    calendar = BusinessCalendar(timezone=BERLIN)
    # Friday 23:30 UTC is Saturday in Berlin: the clock waits for Monday 00:00 Berlin time.
    start = at(6, 23).replace(minute=30)
    assert calendar.add_business_hours(start, 2) == datetime.datetime(2026, 11, 9, 2, 0, tzinfo=BERLIN)
