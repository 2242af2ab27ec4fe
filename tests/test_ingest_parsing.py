"""Date, number, yes/no and coded-value parsers, with property tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import indian

from helpers.ingest.parsing import (
    DAY_FIRST,
    MONTH_FIRST,
    ValueParseError,
    parse_bool,
    parse_coded,
    parse_date,
    parse_number,
    read_date,
    sheet_date_order,
)

LATEST = dt.date(2026, 1, 1)
DATES = st.dates(min_value=dt.date(2016, 1, 1), max_value=LATEST)
TO_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@given(st.integers(min_value=0, max_value=10**12), st.booleans(), st.sampled_from(["indian", "western", "plain"]))
def test_numbers_round_trip_in_any_grouping_and_script(number, devanagari, grouping):
    text = {"indian": indian(number), "western": f"{number:,}", "plain": str(number)}[grouping]
    if devanagari:
        text = text.translate(TO_DEVANAGARI)
    assert parse_number(text) == number


def test_known_numbers():
    assert parse_number("1,49,429") == 149429
    assert parse_number("१,४९,४२९") == 149429
    assert parse_number(" 12.5 ") == 12.5
    for bad in ("1,4,9", "12,34", "abc", "", "1.2.3"):
        with pytest.raises(ValueParseError):
            parse_number(bad)


@given(DATES, st.sampled_from(["%Y-%m-%d", "%d-%b-%Y", "%d %B %Y", "%b %d, %Y", "%Y/%m/%d"]))
def test_unambiguous_formats_round_trip(date, fmt):
    assert parse_date(date.strftime(fmt), latest=LATEST) == date


@given(DATES, st.sampled_from(["-", "/", "."]), st.booleans(), st.booleans())
def test_day_first_dates_round_trip_once_the_order_is_known(date, sep, short_year, devanagari):
    year = f"{date:%y}" if short_year else f"{date:%Y}"
    text = f"{date:%d}{sep}{date:%m}{sep}{year}"
    if devanagari:
        text = text.translate(TO_DEVANAGARI)
    assert parse_date(text, order=DAY_FIRST, latest=LATEST) == date
    reading = read_date(text)
    if date.day > 12:
        assert reading.order == DAY_FIRST and reading.date == date
    elif date.day != date.month:
        assert reading.candidates is not None
        with pytest.raises(ValueParseError, match="ambiguous"):
            parse_date(text, latest=LATEST)


@given(DATES)
def test_excel_serials_round_trip(date):
    serial = (date - dt.date(1899, 12, 30)).days
    assert parse_date(serial, latest=LATEST) == date
    assert parse_date(str(serial), latest=LATEST) == date
    assert parse_date(float(serial) + 0.25, latest=LATEST) == date


def test_sheet_order_needs_one_consistent_kind_of_evidence():
    day = read_date("25/11/2021")
    month = read_date("11/25/2021")
    ambiguous = read_date("03/04/2022")
    assert sheet_date_order([day, ambiguous]) == DAY_FIRST
    assert sheet_date_order([month, ambiguous]) == MONTH_FIRST
    assert sheet_date_order([ambiguous]) is None
    assert sheet_date_order([day, month, ambiguous]) is None
    assert parse_date("03/04/2022", order=DAY_FIRST, latest=LATEST) == dt.date(2022, 4, 3)
    assert parse_date("03/04/2022", order=MONTH_FIRST, latest=LATEST) == dt.date(2022, 3, 4)
    assert parse_date("05/05/2022", latest=LATEST) == dt.date(2022, 5, 5)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("31-02-2022", "not a real date"),
        ("30.02.2021", "not a real date"),
        ("2022-13-01", "not a real date"),
        ("2099-01-01", "in the future"),
        ("15-06-2012", "before 2016"),
        ("100", "is not a date"),
        ("next week", "is not a date"),
    ],
)
def test_impossible_dates_are_rejected(text, problem):
    with pytest.raises(ValueParseError, match=problem):
        parse_date(text, latest=LATEST)


def test_datetime_cells_and_hindi_months():
    assert parse_date(dt.datetime(2022, 1, 3, 10, 30), latest=LATEST) == dt.date(2022, 1, 3)
    assert parse_date("05-नवंबर-2021", latest=LATEST) == dt.date(2021, 11, 5)
    assert parse_date("५ Nov २०२१", latest=LATEST) == dt.date(2021, 11, 5)


@pytest.mark.parametrize(
    ("text", "value"),
    [("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("हाँ", True), ("हां", True), (True, True), (1, True),
     ("no", False), ("n", False), ("False", False), ("0", False), ("नहीं", False), ("१", True), (0, False)],
)
def test_booleans(text, value):
    assert parse_bool(text) is value


def test_bad_boolean_says_what_to_write():
    with pytest.raises(ValueParseError) as error:
        parse_bool("maybe")
    assert error.value.fix == "write yes or no (हाँ / नहीं)"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [("Artisans", "trade", "artisan"), ("कारीगर", "trade", "artisan"), ("हस्तशिल्पी", "trade", "artisan"),
     ("बुनकर", "trade", "weaver"), ("Handloom Weaver", "trade", "weaver"), ("अन्य", "trade", "other"),
     ("Catalog-Live", "onboarding_status", "catalogue live"), ("पंजीकृत", "onboarding_status", "registered"),
     ("first order received", "onboarding_status", "first order")],
)
def test_coded_values(text, kind, value):
    assert parse_coded(text, kind) == value


def test_the_bulk_search_before_the_excel_error_and_scientific_checks_misses_none():
    from helpers.ingest import distinct, parsing

    values = [f"UPGEM-2021-{i:06d}" for i in range(5000)] + ["#N/A", " #div/0! ", "2.02111E+11", "1,5e3", None, "E17"]
    excel = distinct.may_match(values, parsing.EXCEL_ERROR_MARK_RE2)
    scientific = distinct.may_match(values, parsing.SCIENTIFIC_PATTERN)
    assert excel.sum() == 2 and scientific.sum() == 2  # in bulk only these are looked at in Python
    assert [v for v in values if parsing.is_excel_error(v)] == [v for v, m in zip(values, excel) if m]
    assert [v for v in values if parsing.is_scientific_notation(v)] == [v for v, m in zip(values, scientific) if m]
    assert list(distinct.may_match(values[-6:], parsing.SCIENTIFIC_PATTERN)) == [True] * 4 + [False, True]  # few: every string
