"""Business-time arithmetic: opening hours per weekday, holidays, 24/7, midnight and daylight-saving days."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_support_plugin.core.business_hours import OpeningHours, OpeningHoursError, parse_opening_hours

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")
HOUR = datetime.timedelta(hours=1)


def local(tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


def nine_to_five(tz: ZoneInfo = UTC, holidays: frozenset[datetime.date] = frozenset()) -> OpeningHours:
    return parse_opening_hours("mon-fri 09:00-17:00", tz, holidays)


def test_four_business_hours_from_friday_evening_end_on_monday():
    hours = nine_to_five(BERLIN)
    # 16:55: five minutes count on Friday, 3 h 55 min on Monday.
    assert hours.add(local(BERLIN, 2026, 11, 6, 16, 55), 4 * HOUR) == local(BERLIN, 2026, 11, 9, 12, 55)
    # 17:55 is after closing: nothing counts before Monday 9:00. (The "17:55 -> 12:55" holds for a
    # shop open until 18:00, tested next.)
    assert hours.add(local(BERLIN, 2026, 11, 6, 17, 55), 4 * HOUR) == local(BERLIN, 2026, 11, 9, 13, 0)
    nine_to_six = parse_opening_hours("mon-fri 09:00-18:00", BERLIN)
    assert nine_to_six.add(local(BERLIN, 2026, 11, 6, 17, 55), 4 * HOUR) == local(BERLIN, 2026, 11, 9, 12, 55)
    assert hours.between(local(BERLIN, 2026, 11, 6, 16, 55), local(BERLIN, 2026, 11, 9, 12, 55)) == 4 * HOUR


def test_the_day_before_a_holiday_skips_the_holiday():
    # Thursday 2026-12-24 16:00, Friday the 25th a holiday: 2 hours are 1 on Thursday, 1 on Monday.
    hours = nine_to_five(BERLIN, frozenset({datetime.date(2026, 12, 25)}))
    assert hours.add(local(BERLIN, 2026, 12, 24, 16, 0), 2 * HOUR) == local(BERLIN, 2026, 12, 28, 10, 0)
    assert hours.between(local(BERLIN, 2026, 12, 25, 0, 0), local(BERLIN, 2026, 12, 26, 0, 0)) == datetime.timedelta(0)


@pytest.mark.parametrize(
    ("tz", "friday", "monday"),
    [
        (BERLIN, (2026, 3, 27), (2026, 3, 30)),  # clocks go forward on Sunday 29 March
        (BERLIN, (2026, 10, 23), (2026, 10, 26)),  # and back on Sunday 25 October
        (NEW_YORK, (2026, 3, 6), (2026, 3, 9)),  # forward on Sunday 8 March
        (NEW_YORK, (2026, 10, 30), (2026, 11, 2)),  # back on Sunday 1 November
    ],
)
def test_a_weekend_with_a_clock_change_is_counted_in_local_opening_hours(tz, friday, monday):
    hours = nine_to_five(tz)
    due = hours.add(local(tz, *friday, 16, 0), 4 * HOUR)
    assert due == local(tz, *monday, 12, 0)  # 1 hour on Friday, 3 on Monday: local 12:00, whatever the offset


@pytest.mark.parametrize(
    ("tz", "day", "length"),
    [
        (BERLIN, (2026, 3, 29), 23),
        (BERLIN, (2026, 10, 25), 25),
        (NEW_YORK, (2026, 3, 8), 23),
        (NEW_YORK, (2026, 11, 1), 25),
        (BERLIN, (2026, 6, 14), 24),
    ],
)
def test_a_day_open_around_the_clock_lasts_as_long_as_the_clock_says(tz, day, length):
    hours = parse_opening_hours("mon-sun 00:00-24:00", tz)
    start = local(tz, *day, 0, 0)
    end = datetime.datetime.combine(start.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    assert hours.between(start, end) == length * HOUR


def test_midnight_is_the_end_of_one_day_and_the_start_of_the_next():
    hours = parse_opening_hours("mon 20:00-24:00; tue 00:00-02:00", UTC)
    assert hours.add(local(UTC, 2026, 11, 2, 23, 0), 2 * HOUR) == local(UTC, 2026, 11, 3, 1, 0)
    assert hours.add(local(UTC, 2026, 11, 2, 20, 0), 4 * HOUR) == local(UTC, 2026, 11, 3, 0, 0)


def test_twenty_four_seven_counts_every_hour_holidays_included():
    hours = parse_opening_hours("24/7", BERLIN, frozenset({datetime.date(2026, 12, 25)}))
    start = local(BERLIN, 2026, 12, 24, 22, 0)
    assert hours.add(start, 30 * HOUR) == start + 30 * HOUR
    assert hours.always_open


def test_blank_opening_hours_are_the_business_days_all_day():
    hours = parse_opening_hours("", UTC, default_weekdays=frozenset({0, 1, 2, 3, 4}))
    # The plugin's earlier rule: a Friday 16:00 case with a 24-hour target is due Monday 16:00.
    assert hours.add(local(UTC, 2026, 11, 6, 16, 0), 24 * HOUR) == local(UTC, 2026, 11, 9, 16, 0)


def test_several_ranges_a_day_and_a_lunch_break():
    hours = parse_opening_hours("mon-fri 09:00-12:00 13:00-17:00", UTC)
    assert hours.add(local(UTC, 2026, 11, 2, 11, 30), HOUR) == local(UTC, 2026, 11, 2, 13, 30)
    assert hours.day_length() == 7 * HOUR


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("mon-fri 17:00-09:00", "ends before it starts"),
        ("mon-fri 9-25", "does not exist"),
        ("monday-funday 9-17", "is not a day"),
        ("mon-fri", "not understood"),
        ("mon 09:00-12:00; mon 11:00-13:00", "overlap"),
        ("sat closed", "at least one opening"),
    ],
)
def test_bad_opening_hours_are_refused_with_a_reason(spec, problem):
    with pytest.raises(OpeningHoursError, match=problem):
        parse_opening_hours(spec, UTC)


# --- Properties, against an oracle that walks the clock in 15-minute steps and asks the wall clock.

ZONES = st.sampled_from([BERLIN, NEW_YORK, UTC])
# Opening and closing on whole hours outside 01:00-03:59, where the clock changes (see hours.py for those).
BOUNDARIES = [0, 4, 6, 8, 9, 12, 13, 17, 18, 20, 22, 24]
STEP = datetime.timedelta(minutes=15)
# Around the 2026 clock changes of both zones.
DAYS = st.sampled_from(
    [datetime.date(2026, 3, day) for day in range(4, 31)] + [datetime.date(2026, 10, day) for day in range(21, 32)]
    + [datetime.date(2026, 11, day) for day in range(1, 4)] + [datetime.date(2026, 12, day) for day in range(22, 29)]
)  # fmt: skip


@st.composite
def opening_hours(draw: st.DrawFn) -> OpeningHours:
    tz = draw(ZONES)
    week = []
    for _ in range(7):
        points = sorted(draw(st.sets(st.sampled_from(BOUNDARIES), max_size=4)))
        pairs = tuple((points[i] * 60, points[i + 1] * 60) for i in range(0, len(points) - 1, 2))
        week.append(pairs)
    if not any(week):
        week[0] = ((9 * 60, 17 * 60),)
    holidays = frozenset(draw(st.lists(DAYS, max_size=4)))  # holidays on opening days, too
    return OpeningHours(timezone=tz, week=tuple(week), holidays=holidays)


@st.composite
def starts(draw: st.DrawFn, tz: ZoneInfo) -> datetime.datetime:
    day = draw(DAYS)
    minutes = draw(st.integers(0, 24 * 4 - 1)) * 15
    wall = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
    return wall.replace(tzinfo=tz).astimezone(datetime.UTC)


def open_at(hours: OpeningHours, moment: datetime.datetime) -> bool:
    wall = moment.astimezone(hours.timezone)
    if wall.date() in hours.holidays:
        return False
    minute = wall.hour * 60 + wall.minute
    return any(start <= minute < end for start, end in hours.week[wall.weekday()])


def oracle_add(hours: OpeningHours, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
    moment, remaining = start, duration
    while remaining > datetime.timedelta(0):
        if open_at(hours, moment):
            remaining -= STEP
        moment += STEP
    return moment


durations = st.integers(1, 4 * 40).map(lambda quarters: quarters * STEP)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), hours=opening_hours(), duration=durations)
def test_adding_business_time_agrees_with_the_wall_clock(data, hours, duration):
    start = data.draw(starts(hours.timezone))
    due = hours.add(start, duration)
    assert due == oracle_add(hours, start, duration)
    assert hours.within_opening(due)  # never inside closed hours
    assert hours.between(start, due) == duration  # adding then measuring round-trips


@settings(max_examples=200, deadline=None)
@given(data=st.data(), hours=opening_hours())
def test_measuring_is_additive_and_adding_it_back_lands_where_no_business_time_is_left(data, hours):
    a, b, c = sorted(data.draw(starts(hours.timezone)) for _ in range(3))
    assert hours.between(a, c) == hours.between(a, b) + hours.between(b, c)
    measured = hours.between(a, c)
    # Measuring then adding lands on the earliest moment with that much business time behind it: `c` itself,
    # or (if `c` is in closed hours or at an opening) the last closing before it, with nothing open between.
    if not measured:
        return
    back = hours.add(a, measured)
    assert back <= c
    assert hours.between(back, c) == datetime.timedelta(0)
    if any(opens < c <= closes for day in _days(back, c) for opens, closes in hours.intervals_on(day)):
        assert back == c  # `c` inside an opening interval (or at its closing): exactly back


def _days(start: datetime.datetime, end: datetime.datetime) -> list[datetime.date]:
    first = start.astimezone(UTC).date() - datetime.timedelta(days=1)
    return [first + datetime.timedelta(days=n) for n in range((end - start).days + 3)]


@settings(max_examples=100, deadline=None)
@given(data=st.data(), hours=opening_hours())
def test_no_business_time_passes_on_a_holiday(data, hours):
    day = data.draw(DAYS)
    holiday_hours = OpeningHours(hours.timezone, hours.week, hours.holidays | {day})
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=hours.timezone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=hours.timezone)
    assert holiday_hours.between(start, end) == datetime.timedelta(0)
