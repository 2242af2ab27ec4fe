"""Date, number, yes/no and coded-value parsers, with property tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import indian

from helpers.ingest.parsing import (
    DAY_FIRST,
    DEFAULT_ORDER,
    MONTH_FIRST,
    ValueParseError,
    parse_bool,
    parse_coded,
    parse_number,
    read_date,
    resolve_date,
    sheet_date_order,
    unambiguous,
)

LATEST = dt.date(2026, 1, 1)
DATES = st.dates(min_value=dt.date(2016, 1, 1), max_value=LATEST)
TO_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def parse_date(value: object, *, order: str | None = DEFAULT_ORDER, latest: dt.date | None = None) -> dt.date:
    """Parse one date on its own, as a sheet of one date: an ambiguous A/B/Y date is read in ``order``
    (day first unless told; None rejects it as ambiguous).

    Raises:
        ValueParseError: see ``read_date`` and ``resolve_date``.
    """
    return resolve_date(read_date(value), order, latest or dt.date.today())


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
    assert parse_date(text, latest=LATEST) == date  # a date on its own is read day first
    reading = read_date(text)
    if date.day > 12:
        assert reading.order == DAY_FIRST and reading.date == date
    elif date.day != date.month:
        assert reading.candidates is not None
        with pytest.raises(ValueParseError, match="ambiguous") as error:
            parse_date(text, order=None, latest=LATEST)  # a sheet whose dates prove both orders settles nothing
        month_first = dt.date(date.year, date.day, date.month)
        assert error.value.fix.startswith(f"write {unambiguous(date)} or {unambiguous(month_first)}, whichever you mean")


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
    assert sheet_date_order([ambiguous]) == DAY_FIRST == DEFAULT_ORDER  # nothing proven: as Indian offices write
    assert sheet_date_order([]) == DAY_FIRST
    assert sheet_date_order([day, month, ambiguous]) is None  # both proven: nothing settled
    assert parse_date("03/04/2022", latest=LATEST) == dt.date(2022, 4, 3)
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


# ------------------------------------------- a sheet's dates settle its day/month order (issue 23)

HEADER = ("registration_id,gem_seller_id,registration_date,home_district,event_district,trade,is_woman,is_tribal,"
          "craft,gi_product,onboarding_status,data_origin")


def _ingest_dates(folder, name: str, dates: list[str]):
    """Ingest a CSV sheet of one row per date (everything else valid); the result."""
    from helpers.ingest import ingest_paths

    lines = [HEADER] + [f"D-{i:03d},,{d},Mirzapur,Mirzapur,weaver,no,no,carpet weaving,,registered,SYNTHETIC TEST"
                        for i, d in enumerate(dates)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ingest_paths([path], latest=LATEST)


def _as_written(text: str, first: str) -> dt.date:
    """The date an A/B/YYYY text means when ``first`` ('day' or 'month') is its first number."""
    a, b, year = (int(part) for part in text.replace("/", "-").replace(".", "-").split("-"))
    return dt.date(year, b, a) if first == "day" else dt.date(year, a, b)


def _notes(result):
    return [p for p in result.problems if p.severity == "note"]


def _accepted_dates(result) -> list[dt.date]:
    return [d.date() for d in result.accepted["registration_date"]]


def test_a_sheet_of_only_ambiguous_dates_is_read_day_first_with_one_note(tmp_path):
    dates = ["05-12-2021"] * 6
    result = _ingest_dates(tmp_path, "every_date_ambiguous.csv", dates)
    assert _accepted_dates(result) == [_as_written(d, "day") for d in dates]
    assert _accepted_dates(result)[0] == dt.date(2021, 12, 5)
    assert result.errors == [] and len(result.rejected) == 0
    notes = _notes(result)
    assert len(notes) == 1  # one note for the file, never one per row
    note = notes[0]
    assert (note.source_row, note.rows, note.column, note.value) == (2, 6, "registration_date", "05-12-2021")
    assert "read day first (05-Dec-2021), as Indian offices write dates" in note.problem
    assert "(12-May-2021)" in note.fix


@settings(deadline=None)  # each example reads a sheet from disk: slow on a loaded machine, never wrong
@given(st.lists(st.dates(min_value=dt.date(2016, 1, 1), max_value=LATEST).filter(lambda d: d.day <= 12),
                min_size=1, max_size=8))
def test_dates_that_prove_nothing_are_all_read_day_first(tmp_path_factory, dates):
    texts = [f"{d:%d-%m-%Y}" for d in dates]
    result = _ingest_dates(tmp_path_factory.mktemp("sheet"), "sheet.csv", texts)
    assert _accepted_dates(result) == [_as_written(t, "day") for t in texts]
    ambiguous = [d for d in dates if d.day != d.month]
    assert len(_notes(result)) == (1 if ambiguous else 0)


def test_a_day_above_12_in_the_first_place_proves_day_first_and_needs_no_note(tmp_path):
    dates = ["05/12/2021", "13/05/2021", "03/04/2022"]
    result = _ingest_dates(tmp_path, "day_first.csv", dates)
    assert _accepted_dates(result) == [_as_written(d, "day") for d in dates]
    assert _notes(result) == []


def test_a_value_above_12_in_the_second_place_proves_month_first(tmp_path):
    dates = ["05/12/2021", "05/13/2021", "03/04/2022", "11/10/2021"]
    result = _ingest_dates(tmp_path, "month_first.csv", dates)
    assert _accepted_dates(result) == [_as_written(d, "month") for d in dates]
    assert _accepted_dates(result)[0] == dt.date(2021, 5, 12)
    notes = _notes(result)
    assert len(notes) == 1 and notes[0].rows == 3  # the three dates that could be read either way
    assert "read month first (12-May-2021), as this sheet's date '05/13/2021' can only be month first" in notes[0].problem
    assert result.errors == []


def test_a_sheet_proving_both_orders_rejects_its_ambiguous_dates_showing_both_readings(tmp_path):
    dates = ["03/04/2022", "13/05/2021", "05/13/2021"]
    result = _ingest_dates(tmp_path, "both_orders.csv", dates)
    assert _accepted_dates(result) == [_as_written("13/05/2021", "day"), _as_written("05/13/2021", "month")]
    [error] = result.errors
    assert (error.source_row, error.column, error.value) == (2, "registration_date", "03/04/2022")
    assert error.problem.startswith("is ambiguous: 03 Apr 2022 (day first) or 04 Mar 2022 (month first)")
    day, month = _as_written("03/04/2022", "day"), _as_written("03/04/2022", "month")
    assert error.fix.startswith(f"write {unambiguous(day)} or {unambiguous(month)}, whichever you mean")
    assert _notes(result) == []


def test_one_note_covers_every_date_column_of_the_sheet(tmp_path):
    from helpers.ingest import ingest_paths

    path = tmp_path / "stage_dates.csv"
    path.write_text(
        HEADER + ",catalogue_live_date\n"
        "S-1,,05-12-2021,Mirzapur,Mirzapur,weaver,no,no,carpet weaving,,catalogue live,T,06-12-2021\n"
        "S-2,,2021-12-01,Mirzapur,Mirzapur,weaver,no,no,carpet weaving,,catalogue live,T,07-12-2021\n",
        encoding="utf-8",
    )
    result = ingest_paths([path], latest=LATEST)
    assert [d.date() for d in result.accepted["catalogue_live_date"]] == [dt.date(2021, 12, 6), dt.date(2021, 12, 7)]
    [note] = _notes(result)
    assert note.rows == 2


@pytest.mark.parametrize(
    ("dates", "problem", "read", "other"),
    [(["05-12-2030"], "in the future", "05-Dec-2030", "12-May-2030"),
     (["03-04-2015"], "before 2016", "03-Apr-2015", "04-Mar-2015"),
     (["2015-04-03"], "before 2016", "03-Apr-2015", None)],
)
def test_every_fix_hint_shows_the_date_the_kit_read(tmp_path, dates, problem, read, other):
    result = _ingest_dates(tmp_path, "range.csv", dates)
    [error] = result.errors
    assert problem in error.problem
    assert f"the kit reads {read}" in error.fix
    assert (f"if you mean {other}, write that" in error.fix) if other else ("if you mean" not in error.fix)


def test_the_fix_of_an_unreadable_date_shows_no_example_date():
    with pytest.raises(ValueParseError) as error:
        parse_date("31-02-2022", latest=LATEST)
    assert not any(ch.isdigit() for ch in error.value.fix)


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
    import pyarrow as pa

    from helpers.ingest import parsing
    from helpers.ingest.sheetframe import matching

    values = [f"UPGEM-2021-{i:06d}" for i in range(5000)] + ["#N/A", " #div/0! ", "2.02111E+11", "1,5e3", None, "E17"]
    excel = matching(pa.array(values), parsing.EXCEL_ERROR_MARK_RE2)
    scientific = matching(pa.array(values), parsing.SCIENTIFIC_PATTERN)
    assert excel.sum() == 2 and scientific.sum() == 2  # in bulk only these are looked at in Python
    assert [v for v in values if parsing.is_excel_error(v)] == [v for v, m in zip(values, excel) if m]
    assert [v for v in values if parsing.is_scientific_notation(v)] == [v for v, m in zip(values, scientific) if m]
    few = values[-6:]  # few values go through the same search
    assert [v for v in few if parsing.is_scientific_notation(v)] == [v for v, m in zip(few, matching(pa.array(few), parsing.SCIENTIFIC_PATTERN)) if m]


def test_an_event_day_sheet_is_read_day_first_with_one_note_in_the_data_quality_summary(tmp_path) -> None:
    import pandas as pd

    from helpers import ingest

    header = ("registration_id,gem_seller_id,registration_date,home_district,event_district,trade,is_woman,is_tribal,"
              "craft,gi_product,onboarding_status,catalogue_live_date,first_order_date,data_origin")
    rows = [f"UPGEM-EV-{i:06d},GEMS-EVT{i:05d},05-12-2021,Agra,Agra,artisan,yes,no,stone carving,,registered,,,field"
            for i in range(40)]
    (tmp_path / "event_day.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = ingest.ingest_paths([tmp_path])
    assert len(result.accepted) == 40 and len(result.rejected) == 0, "nothing is rejected for the order of its dates"
    assert set(result.accepted["registration_date"]) == {pd.Timestamp(2021, 12, 5)}, "05-12-2021 is 5 December"
    notes = result.quality["notes"].tolist()
    assert len(notes) == 1 and notes[0].count("read day first (05-Dec-2021)") == 1, "one note for the sheet"
