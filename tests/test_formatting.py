"""Indian number formats."""

import math

import pytest

from helpers.presentation.formatting import format_count, format_crore, format_number, format_pct


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (999, "999"), (4840, "4,840"), (149429, "1,49,429"), (1210854977, "1,21,08,54,977"), (28386.4, "28,386")],
)
def test_counts_use_indian_grouping(value: float, expected: str) -> None:
    assert format_count(value) == expected


def test_money_and_percentages() -> None:
    assert format_crore(2584.47) == "₹2,584.47 crore"
    assert format_crore(65227.68, lang="hi") == "₹65,227.68 करोड़"
    assert format_pct(4840 / 28386 * 100) == "17.05%"
    assert format_pct(6865 / 149429 * 100) == "4.59%"
    assert format_number(12345678.91, 1) == "1,23,45,678.9"


def test_missing_values_say_not_available() -> None:
    assert format_count(None) == "n/a"
    assert format_pct(math.nan) == "n/a"
    assert format_count(None, lang="hi") == "उपलब्ध नहीं"
