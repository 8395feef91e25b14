"""Dates and times as people read them: in the store's time zone, in the reader's language, the zone named.

One place for every time a customer or staff member reads (emails, the Dashboard pages, the commands), so
"23:00 CET" in an email is "23:00 CET" on the Dashboard. Formats come from CLDR through Babel:
`30 Nov 2026` / `November 30, 2026, 11:00 PM CET` / `30. November 2026, 23:00 MEZ`.
"""

from __future__ import annotations

import datetime
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time

FALLBACK_LANGUAGE = "en"


@cache
def babel_locale(language: str) -> Locale:
    """`de`, `pt-br`, `pt_BR`, `zh-hans` as a Babel locale; English for anything unknown or blank."""
    try:
        return Locale.parse((language or FALLBACK_LANGUAGE).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK_LANGUAGE)


def format_customer_date(value: datetime.date, language: str) -> str:
    """A calendar date (already in the store's time zone), e.g. `November 10, 2026` / `10. November 2026`."""
    return format_date(value, "long", locale=babel_locale(language))


def format_customer_time(value: datetime.datetime, tz: datetime.tzinfo, language: str) -> str:
    """A moment (naive ones are UTC, as Django stores them) in the store's time zone, the zone shown:
    `November 30, 2026, 11:00 PM CET`, `30. November 2026, 23:00 MEZ`. Never ends with a full stop, so a
    sentence can follow it."""
    locale = babel_locale(language)
    local = (value if value.tzinfo else value.replace(tzinfo=datetime.UTC)).astimezone(tz)
    day = format_date(local.date(), "long", locale=locale)
    clock = f"{format_time(local, 'short', tzinfo=tz, locale=locale)} {zone_name(local, locale)}"
    pattern = str(locale.datetime_formats["medium"]).replace("'", "")  # e.g. "{1}, {0}"
    # CLDR puts a narrow no-break space before "PM": a plain space reads the same in every mail client.
    return pattern.replace("{1}", day).replace("{0}", clock).replace("\u202f", " ")


def zone_name(local: datetime.datetime, locale: Locale) -> str:
    """The zone as the reader knows it: the language's own abbreviation (MEZ in German), else the tz
    database's (CET, EST, JST), else the UTC offset (+0530)."""
    localized = format_datetime(local, "z", tzinfo=local.tzinfo, locale=locale)
    if localized[:1] not in "+-":
        return localized
    abbreviation = local.tzname() or ""
    return abbreviation if abbreviation.isalpha() else localized
