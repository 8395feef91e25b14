import datetime
from zoneinfo import ZoneInfo

import pytest

from saleor_support_plugin.core.display_time import format_customer_date, format_customer_time

BERLIN = ZoneInfo("Europe/Berlin")
# 22:00 UTC on Monday 30 November 2026 is 23:00 in Berlin (CET, UTC+1).
LATE_EVENING = datetime.datetime(2026, 11, 30, 22, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("tz", "language", "shown"),
    [
        (BERLIN, "en", "November 30, 2026, 11:00 PM CET"),
        (BERLIN, "de", "30. November 2026, 23:00 MEZ"),
        (ZoneInfo("America/New_York"), "en", "November 30, 2026, 5:00 PM EST"),
        (ZoneInfo("Asia/Tokyo"), "de", "1. Dezember 2026, 07:00 JST"),  # the next day there
        (ZoneInfo("UTC"), "en", "November 30, 2026, 10:00 PM UTC"),
        (ZoneInfo("America/Sao_Paulo"), "en", "November 30, 2026, 7:00 PM -0300"),  # no abbreviation: the offset
    ],
)
def test_a_moment_is_shown_in_the_store_zone_and_the_readers_language_with_the_zone(tz, language, shown):
    assert format_customer_time(LATE_EVENING, tz, language) == shown


def test_summer_time_is_named_as_such():
    july = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    assert format_customer_time(july, BERLIN, "en") == "July 1, 2026, 2:00 PM CEST"
    assert format_customer_time(july, BERLIN, "de") == "1. Juli 2026, 14:00 MESZ"


def test_unknown_languages_read_english_and_naive_times_are_utc():
    assert format_customer_time(LATE_EVENING, BERLIN, "xx") == "November 30, 2026, 11:00 PM CET"
    assert format_customer_time(LATE_EVENING.replace(tzinfo=None), BERLIN, "") == "November 30, 2026, 11:00 PM CET"


def test_no_time_ends_in_a_full_stop_so_a_sentence_can_follow():
    for language in ("en", "de", "en-gb", "fr", "es", "nl", "pl"):
        assert not format_customer_time(LATE_EVENING, BERLIN, language).endswith(".")


def test_dates():
    assert format_customer_date(datetime.date(2026, 11, 10), "en") == "November 10, 2026"
    assert format_customer_date(datetime.date(2026, 11, 10), "de") == "10. November 2026"
