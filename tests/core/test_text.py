"""The text rules every input goes through: what PostgreSQL can store, and whole numbers."""

import pytest

from saleor_support_plugin.core.text import MAX_BIGINT, is_storable, storable, whole_number


@pytest.mark.parametrize(("written", "number"), [("0", 0), ("42", 42), (str(MAX_BIGINT), MAX_BIGINT)])
def test_whole_numbers_in_ascii_digits_are_read(written, number):
    assert whole_number(written) == number


@pytest.mark.parametrize("written", ["", "²", "٣", "4.2", "-1", " 1", str(MAX_BIGINT + 1), "1e3"])
def test_anything_else_is_no_number(written):
    assert whole_number(written) is None


def test_a_lower_maximum_is_honoured():
    assert whole_number("61", maximum=60) is None
    assert whole_number("60", maximum=60) == 60


def test_storable_text_loses_control_characters_and_lone_surrogates_only():
    assert storable("a\x00b\x07c\nd\te") == "abc\nd\te"
    assert is_storable(storable("x\ud800y"))
    assert not is_storable("a\x00b")
