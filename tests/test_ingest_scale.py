"""The ingest at scale: a 200,000-row generated sheet with planted mess, and the fast paths it takes.

The big sheet is split by pyarrow (no quotes in it) and its columns are parsed
one distinct value at a time; the same file read through Python's ``csv``
module must give exactly the same result. Property tests pin the pyarrow
split to what the ``csv`` module makes of the same text. No timing here: the
benchmark (``bench/run_bench.py``) measures speed and memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.demo import large as demo_data
from helpers.errors import SheetReadError
from helpers.ingest import csv_reading, ingest_paths
from helpers.ingest.sheetframe import SheetFrame, columns_of

GENERATED_ROWS = 200_000
CORPUS = Path(__file__).parent / "data" / "ingest_corpus"
HEADER = ",".join(demo_data.SHEET_COLUMNS)
_TAIL = "05-11-2021,Agra,Agra,weaver,no,no,carpet weaving,,registered,SYNTHETIC TEST"
#: Rows appended below the generated ones: (line, what the ingest must make of it).
PLANTED = [
    (" upgem-b-0000001 ,," + _TAIL, "duplicate of row 2 (id ignoring case and spaces)"),
    ("X-PII,,05-11-2021,Agra,Agra,weaver,no,no,carpet weaving 2345 6789 0123,,registered,SYNTHETIC TEST", "accepted, redacted"),
    ("X-ONLYPII,,05-11-2021,Agra,Agra,weaver,no,no,9876543210,,registered,SYNTHETIC TEST", "rejected: only personal data"),
    ("X-BADDATE,,31-02-2022,Agra,Agra,weaver,no,no,carpet weaving,,registered,SYNTHETIC TEST", "rejected: no such day"),
    ("X-AMBIG,,03/04/22,Agra,Agra,weaver,no,no,carpet weaving,,registered,SYNTHETIC TEST", "accepted: day-first sheet"),
    ("X-HINDI,,05-11-2021,आगरा,Agra,weaver,no,no,carpet weaving,,registered,SYNTHETIC TEST", "accepted: Agra"),
    ("X-OTHER,,05-11-2021,Patna,Agra,weaver,no,no,carpet weaving,,registered,SYNTHETIC TEST", "rejected: Bihar"),
    ("X-TRADE,,05-11-2021,Agra,Agra,plumber,no,no,carpet weaving,,registered,SYNTHETIC TEST", "rejected: trade"),
    ("X-SHORT,,05-11-2021", "rejected: seven required cells missing"),
    ("१२३४,," + _TAIL, "accepted: id 1234"),
    ("Sum-77,," + _TAIL, "accepted: an id beginning with SUM is not a total line"),
    ("", "blank"),
    ("Total,200000", "skipped: a total line (by its shape)"),
    (",,,,,,,,,,,", "blank"),
    (",,Prepared by: R. K. Verma,,,,,,,,,", "skipped: a signature line (by its shape)"),
]
FIRST_PLANTED_ROW = GENERATED_ROWS + 2  # header on row 1


def planted(outcome: str) -> list[int]:
    """The offsets (from ``FIRST_PLANTED_ROW``) of the planted rows whose outcome starts with ``outcome``."""
    return [offset for offset, (_, what) in enumerate(PLANTED) if what.startswith(outcome)]


@pytest.fixture(scope="module")
def big_sheet(tmp_path_factory) -> Path:
    path = demo_data.write_large_demo(tmp_path_factory.mktemp("scale") / "registrations.csv", GENERATED_ROWS)
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("".join(line + "\n" for line, _ in PLANTED))
    return path


@pytest.fixture(scope="module")
def big_result(big_sheet):
    calls = []
    split = csv_reading._plain_columns

    def spy(*args, **kwargs):
        calls.append(result := split(*args, **kwargs))
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_reading, "_plain_columns", spy)
        result = ingest_paths([big_sheet])
    assert calls and calls[0] is not None, "the big sheet should be split by pyarrow"
    return result


def test_every_row_of_the_big_sheet_is_accounted_for(big_result):
    quality = big_result.quality
    assert len(quality) == 1 and quality.loc[0, "file_problem"] == ""
    columns = ["rows_in", "accepted", "rejected", "duplicates", "junk_rows_skipped", "blank_rows_skipped", "values_redacted"]
    counts = quality.loc[0, columns].to_dict()
    assert counts == {
        "rows_in": GENERATED_ROWS + len(PLANTED) - len(planted("blank")),  # blank rows are not rows in
        "accepted": GENERATED_ROWS + len(planted("accepted")),
        "rejected": len(planted("rejected")),
        "duplicates": len(planted("duplicate")),
        "junk_rows_skipped": len(planted("skipped")),
        "blank_rows_skipped": len(planted("blank")),
        "values_redacted": 2,
    }
    assert counts == {**counts, "accepted": GENERATED_ROWS + 5, "rejected": 5, "junk_rows_skipped": 2}
    assert counts["rows_in"] == sum(counts[c] for c in columns[1:5])  # in = accepted + rejected + duplicates + skipped
    assert len(big_result.accepted) == counts["accepted"]
    assert big_result.accepted["registration_id"].is_unique
    rejected_rows = big_result.rejected["source_row"].drop_duplicates().tolist()
    assert rejected_rows == [FIRST_PLANTED_ROW + i for i in planted("rejected")]
    assert len(big_result.rejected) == len(planted("rejected")) - 1 + 7  # the short row has seven problems


def test_generated_rows_come_through_unchanged(big_result, big_sheet):
    expected = pd.read_csv(big_sheet, dtype=str, keep_default_na=False, nrows=GENERATED_ROWS)
    accepted = big_result.accepted.iloc[:GENERATED_ROWS]
    assert accepted["registration_id"].tolist() == expected["registration_id"].tolist()
    assert accepted["source_row"].tolist() == list(range(2, GENERATED_ROWS + 2))
    assert (accepted["registration_date"].dt.strftime("%d-%m-%Y") == expected["registration_date"]).all()
    assert accepted["is_woman"].tolist() == (expected["is_woman"] == "yes").tolist()
    sellers = expected["gem_seller_id"].where(expected["gem_seller_id"] != "")
    assert accepted["gem_seller_id"].isna().sum() == sellers.isna().sum()
    assert accepted["is_synthetic"].all()
    assert accepted["home_lgd_code"].gt(0).all()
    assert str(accepted["craft"].dtype) == "str"


def test_planted_rows_get_what_the_rules_say(big_result, big_sheet):
    accepted = big_result.accepted.set_index("registration_id")
    assert accepted.loc["X-PII", "craft"] == "carpet weaving [removed]"
    assert accepted.loc["X-AMBIG", "registration_date"] == pd.Timestamp(2022, 4, 3)
    assert accepted.loc["X-HINDI", "home_district"] == "Agra"
    assert accepted.loc["1234", "source_row"] == FIRST_PLANTED_ROW + 9

    duplicates = big_result.duplicates
    assert duplicates["source_row"].tolist() == [FIRST_PLANTED_ROW]
    assert duplicates["duplicate_of"].tolist() == [f"{big_sheet.as_posix()}:2"]

    rejected = big_result.rejected.set_index("source_row")
    assert rejected.loc[FIRST_PLANTED_ROW + 2, "problem"] == "held only personal data (mobile number), removed"
    assert rejected.loc[FIRST_PLANTED_ROW + 2, "value"] == "[removed]"
    assert rejected.loc[FIRST_PLANTED_ROW + 3, "problem"].startswith("is not a real date")
    assert rejected.loc[FIRST_PLANTED_ROW + 6, "problem"] == "a district of Bihar, not of Uttar Pradesh"
    assert rejected.loc[FIRST_PLANTED_ROW + 7, "problem"] == "is not a known trade"
    assert rejected.loc[FIRST_PLANTED_ROW + 8, "column"].tolist() == [
        "home_district", "event_district", "trade", "is_woman", "is_tribal", "craft", "onboarding_status",
    ]
    assert accepted.loc["Sum-77", "source_row"] == FIRST_PLANTED_ROW + 10  # its id's first letters mean nothing
    assert not set(planted("skipped")) & {row - FIRST_PLANTED_ROW for row in big_result.rejected["source_row"]}

    notes = [p for p in big_result.problems if p.severity == "note"]
    assert sorted((p.source_row, p.column, p.problem) for p in notes) == [
        (FIRST_PLANTED_ROW + 1, "craft", "held personal data (Aadhaar number), removed"),
        (FIRST_PLANTED_ROW + 2, "craft", "held personal data (mobile number), removed"),
        (FIRST_PLANTED_ROW + 12, None, "a total line, not a registration: skipped"),
        (FIRST_PLANTED_ROW + 14, None, "a signature line, not a registration: skipped"),
    ]
    assert "Verma" not in "".join(p.line() for p in big_result.problems)


def test_the_csv_module_reads_the_big_sheet_the_same_way(big_result, big_sheet, monkeypatch):
    monkeypatch.setattr(csv_reading, "PLAIN_CSV_MIN_BYTES", 10**12)
    again = ingest_paths([big_sheet])
    for name in ("accepted", "rejected", "duplicates", "quality", "dropped_columns"):
        assert getattr(again, name).equals(getattr(big_result, name)), name
    assert again.problems == big_result.problems


@pytest.mark.parametrize(
    "name", sorted(p.name for p in CORPUS.iterdir() if p.suffix == ".csv" or (p.is_dir() and p.name != "__pycache__"))
)
def test_corpus_gives_the_same_result_through_either_csv_reader(name, monkeypatch):
    latest = dt.date(2025, 6, 30)
    monkeypatch.setattr(csv_reading, "PLAIN_CSV_MIN_BYTES", 10**12)
    by_csv_module = ingest_paths([CORPUS / name], latest=latest)
    monkeypatch.setattr(csv_reading, "PLAIN_CSV_MIN_BYTES", 0)
    by_pyarrow_when_plain = ingest_paths([CORPUS / name], latest=latest)
    for frame in ("accepted", "rejected", "duplicates", "quality", "dropped_columns"):
        assert getattr(by_pyarrow_when_plain, frame).equals(getattr(by_csv_module, frame)), frame
    assert by_pyarrow_when_plain.problems == by_csv_module.problems


# ------------------------------------------------------ the plain-CSV split

_CELL_TEXT = st.text(
    alphabet=st.sampled_from(["a", "Z", "1", " ", "आ", "é", "\t", ";", ",", "\x0b", "\x0c", "\x1c", "\x85", "\u2028",
                              "\ufeff", "'", "\\", "="]),
    max_size=4,
)


@st.composite
def _plain_csv(draw) -> tuple[str, str]:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(1, 5))
    lines = draw(st.lists(
        st.one_of(
            st.just(""),
            st.lists(_CELL_TEXT, min_size=width, max_size=width),
            st.lists(_CELL_TEXT, min_size=1, max_size=7),
        ).map(lambda cells: cells if isinstance(cells, str) else delimiter.join(cells)),
        min_size=1, max_size=25,
    ))
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(lines), max_size=len(lines)))
    text = "".join(line + end for line, end in zip(lines, ends))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text.lstrip("\ufeff"), delimiter


@settings(max_examples=300, deadline=None)
@given(_plain_csv())
def test_pyarrow_splits_plain_text_as_the_csv_module_does(case):
    text, delimiter = case
    if not csv_reading._is_plain(text):
        return
    expected = [list(cells) for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    columns = csv_reading._plain_columns(text.encode("utf-8"), delimiter)
    if columns is None:  # allowed (e.g. nothing but empty lines): the csv module reads it then
        return
    assert [cells for _, cells in SheetFrame.of_columns("f.csv", "", columns).rows] == expected


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "1", " ", "आ", ",", ";", '"', '""', "\n", "\r\n", "\r", "\ufeff", "é"]),
             max_size=40).map("".join),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_read_csv_gives_the_cells_of_the_csv_module(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        decoded, _ = csv_reading.decode_csv_bytes(data)
    except SheetReadError:
        return
    decoded = decoded.lstrip("\ufeff")
    try:
        expected = [list(c) for c in csv.reader(io.StringIO(decoded, newline=""), delimiter=csv_reading._sniff_delimiter(decoded))]
    except csv.Error:
        expected = None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sheet.csv"
        path.write_bytes(data)
        for threshold in (0, 10**12):
            csv_reading.PLAIN_CSV_MIN_BYTES, saved = threshold, csv_reading.PLAIN_CSV_MIN_BYTES
            try:
                got = [cells for _, cells in csv_reading.read_csv(path).rows]
            except SheetReadError:
                got = None
            finally:
                csv_reading.PLAIN_CSV_MIN_BYTES = saved
            assert got == expected


def test_a_field_too_long_for_the_csv_module_is_refused_either_way(tmp_path, monkeypatch):
    path = tmp_path / "long.csv"
    path.write_text("registration_id,craft\nA-1," + "x" * (csv.field_size_limit() + 1) + "\n", encoding="utf-8")
    for threshold in (0, 10**12):
        monkeypatch.setattr(csv_reading, "PLAIN_CSV_MIN_BYTES", threshold)
        with pytest.raises(SheetReadError, match="not a well-formed CSV file"):
            csv_reading.read_csv(path)


def sheet_from_rows(source_file: str, source_sheet: str, rows, *, is_typed: bool = True) -> SheetFrame:
    """A sheet from its records, in order (record ``i`` is row ``i + 1``; for small sheets and tests)."""
    return SheetFrame.of_columns(source_file, source_sheet, columns_of(rows), is_typed=is_typed)


def test_typed_cells_stay_apart_when_encoded():
    sheet = sheet_from_rows("book.xlsx", "Sheet1", [[1], [1.0], [True], [0.0], [-0.0], [None], ["1"], [1]])
    assert [cells for _, cells in sheet.rows] == [[1], [1.0], [True], [0.0], [-0.0], [None], ["1"], [1]]
    assert [type(c[0]) for _, c in sheet.rows] == [int, float, bool, float, float, type(None), str, int]
    assert len(sheet.column(0).dictionary) == 7  # a column is dictionary-encoded: its distinct values


def test_ragged_rows_keep_their_length():
    rows = [["a", "b", "c"], [], ["d"], ["e", "f", "g", "h"]]
    sheet = sheet_from_rows("f.csv", "", rows, is_typed=False)
    assert [cells for _, cells in sheet.rows] == rows
    assert [len(cells) for _, cells in sheet.rows] == [3, 0, 1, 4]
