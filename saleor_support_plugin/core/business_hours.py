"""Opening hours in the store's time zone, and business time counted in them.

A target of 4 business hours for a shop open 9:00-17:00 Monday to Friday, started on Friday at 17:55, is due
on Monday at 12:55: time outside opening hours (nights, weekends, holidays) does not count. Opening hours are
wall-clock times in the store's time zone; each day's opening intervals are turned into real instants, so
on the day clocks go forward an hour, a 00:00-24:00 day lasts 23 hours, and on the day they go back, 25.
Business time is real elapsed time inside those intervals.

Wall-clock times that occur twice when clocks go back are taken at their first occurrence; times skipped
when clocks go forward are taken as the moment the clocks jump.

A due time is never inside closed hours: it lies within an opening interval, its opening and closing
instants included (a target that runs out exactly at closing time is due at closing time).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
ALWAYS_OPEN_SPEC = "24/7"
# No target may need more than this many calendar days of walking (a shop open one hour a week and a target
# of 2160 hours needs 41 years; such a setting is refused where it is parsed, see `check_reachable`).
MAX_DAYS = 366 * 12
ZERO = datetime.timedelta(0)

Interval = tuple[int, int]  # minutes after local midnight: [start, end), end at most 24:00


@dataclass(frozen=True)
class OpeningHours:
    """`week[0]` is Monday's opening intervals (minutes after midnight), `week[6]` Sunday's."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    week: tuple[tuple[Interval, ...], ...] = ((),) * 7
    holidays: frozenset[datetime.date] = frozenset()
    always_open: bool = False

    @property
    def has_opening(self) -> bool:
        return self.always_open or any(self.week)

    def intervals_on(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The day's opening intervals as UTC instants, in order (none on holidays and closed weekdays)."""
        if self.always_open:
            return [(self._instant(day, 0), self._instant(day, MINUTES_PER_DAY))]
        if day in self.holidays:
            return []
        spans = [(self._instant(day, start), self._instant(day, end)) for start, end in self.week[day.weekday()]]
        return [(start, end) for start, end in spans if start < end]  # an hour skipped by DST may leave nothing

    def _instant(self, day: datetime.date, minutes: int) -> datetime.datetime:
        if minutes >= MINUTES_PER_DAY:
            day, minutes = day + datetime.timedelta(days=1), minutes - MINUTES_PER_DAY
        wall = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
        instant = wall.replace(tzinfo=self.timezone, fold=1).astimezone(datetime.UTC)
        if instant.astimezone(self.timezone).replace(tzinfo=None) == wall:
            # It exists; when clocks go back and it occurs twice, its first occurrence.
            return wall.replace(tzinfo=self.timezone, fold=0).astimezone(datetime.UTC)
        # Skipped when clocks go forward: the moment they jump (fold=1 reads it with the earlier offset).
        while instant.astimezone(self.timezone).replace(tzinfo=None) < wall:
            instant += datetime.timedelta(minutes=1)
        return instant

    def _days_from(self, moment: datetime.datetime) -> Iterator[datetime.date]:
        day = moment.astimezone(self.timezone).date()
        for offset in range(MAX_DAYS):
            yield day + datetime.timedelta(days=offset)

    def add(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
        """The instant `duration` of business time after `start` (UTC). A zero duration from closed hours is
        the next opening."""
        if duration < ZERO:
            raise ValueError("A business-time duration cannot be negative.")
        start = start.astimezone(datetime.UTC)
        if self.always_open:
            return start + duration
        if not self.has_opening:
            raise ValueError("The opening hours have no opening time: name at least one open day.")
        current, remaining = start, duration
        for day in self._days_from(start):
            for opens, closes in self.intervals_on(day):
                if closes <= current:
                    continue
                current = max(current, opens)
                if remaining <= closes - current:
                    return current + remaining
                remaining -= closes - current
                current = closes
        raise ValueError("No opening time found within the next years: check the opening hours and holidays.")

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Business time from `start` to `end` (zero when `end` is not after `start`)."""
        if end <= start:
            return ZERO
        if self.always_open:
            return end - start
        total = ZERO
        last_day = end.astimezone(self.timezone).date()
        for day in self._days_from(start):
            if day > last_day:
                break
            for opens, closes in self.intervals_on(day):
                overlap = min(closes, end) - max(opens, start)
                if overlap > ZERO:
                    total += overlap
        return total

    def within_opening(self, moment: datetime.datetime) -> bool:
        """Whether `moment` lies in an opening interval, its opening and closing instants included."""
        if self.always_open:
            return True
        day = moment.astimezone(self.timezone).date()
        for candidate in (day - datetime.timedelta(days=1), day):
            if any(opens <= moment <= closes for opens, closes in self.intervals_on(candidate)):
                return True
        return False

    def day_length(self) -> datetime.timedelta | None:
        """How long the shop is open on each open day, when that is the same every open day (None if not)."""
        if self.always_open:
            return datetime.timedelta(hours=24)
        lengths = {sum(end - start for start, end in day) for day in self.week if day}
        return datetime.timedelta(minutes=lengths.pop()) if len(lengths) == 1 else None


class OpeningHoursError(ValueError):
    pass


_DAY_RANGE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*(?:-(mon|tue|wed|thu|fri|sat|sun)[a-z]*)?$")
_TIME_RANGE = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")


def parse_opening_hours(
    spec: str,
    timezone: ZoneInfo,
    holidays: frozenset[datetime.date] = frozenset(),
    default_weekdays: frozenset[int] = frozenset(range(5)),
) -> OpeningHours:
    """`mon-fri 09:00-17:00; sat 10:00-14:00` (entries by `;` or new lines, several ranges a day allowed,
    `24:00` ends a day), or `24/7`. Blank: open all day on `default_weekdays` (the store's business days)."""
    entries = [entry.strip() for entry in re.split(r"[;\n]", spec or "") if entry.strip()]
    if not entries:
        all_day: tuple[tuple[Interval, ...], ...] = tuple(
            ((0, MINUTES_PER_DAY),) if day in default_weekdays else () for day in range(7)
        )
        return OpeningHours(timezone=timezone, week=all_day, holidays=holidays)
    if [entry.lower() for entry in entries] == [ALWAYS_OPEN_SPEC]:
        return OpeningHours(timezone=timezone, holidays=holidays, always_open=True)
    days: list[list[Interval]] = [[] for _ in range(7)]
    for entry in entries:
        weekdays, intervals = _parse_entry(entry)
        for weekday in weekdays:
            days[weekday].extend(intervals)
    week: tuple[tuple[Interval, ...], ...] = tuple(tuple(_merged(day, entries)) for day in days)
    if not any(week):
        raise OpeningHoursError("Name at least one opening time, e.g. 'mon-fri 09:00-17:00', or '24/7'.")
    return OpeningHours(timezone=timezone, week=week, holidays=holidays)


def _parse_entry(entry: str) -> tuple[list[int], list[Interval]]:
    tokens = entry.lower().replace(",", " ").split()
    day_tokens = [token for token in tokens if token[:1].isalpha()]
    time_tokens = [token for token in tokens if not token[:1].isalpha()]
    if not day_tokens or (not time_tokens and day_tokens[-1] != "closed"):
        raise OpeningHoursError(f"'{entry}' is not understood: write days and hours, e.g. 'mon-fri 09:00-17:00'.")
    weekdays: list[int] = []
    for token in day_tokens:
        if token == "closed":
            continue
        match = _DAY_RANGE.match(token)
        if not match:
            raise OpeningHoursError(f"'{token}' is not a day: use mon, tue, wed, thu, fri, sat, sun or a range.")
        first = WEEKDAY_NAMES.index(match[1])
        last = WEEKDAY_NAMES.index(match[2] or match[1])
        weekdays.extend(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
    return weekdays, [_parse_interval(token) for token in time_tokens]


def _parse_interval(token: str) -> Interval:
    match = _TIME_RANGE.match(token)
    if not match:
        raise OpeningHoursError(f"'{token}' is not a time range such as 09:00-17:00.")
    start = _minutes(match[1], match[2], token)
    end = _minutes(match[3], match[4], token)
    if not start < end:
        raise OpeningHoursError(
            f"'{token}' ends before it starts: a range ends on its own day (split a night: 22:00-24:00, 00:00-02:00)."
        )
    return start, end


def _minutes(hours: str, minutes: str | None, token: str) -> int:
    value = int(hours) * 60 + int(minutes or 0)
    if int(minutes or 0) >= 60 or value > MINUTES_PER_DAY:
        raise OpeningHoursError(f"'{token}' has a time that does not exist (use 00:00 to 24:00).")
    return value


def _merged(intervals: list[Interval], entries: list[str]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            raise OpeningHoursError(f"Opening ranges overlap on one day: {'; '.join(entries)}.")
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
