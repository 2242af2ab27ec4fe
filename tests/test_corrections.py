"""The corrections workbooks sent back to each district office (``helpers.publishing.corrections``).

Sheets are made here, read by the ingest and written to a processed folder as the
prepare stage writes it; the workbooks are read back with openpyxl. Every expected
count is recomputed from the rows planted below, each with its fate and its district
by the rule of docs/decisions.md ("Corrections back to each office").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from helpers.errors import RegistrationsError
from helpers.ingest import ingest_paths, write_outputs
from helpers.presentation import i18n
from helpers.publishing import corrections

LATEST = dt.date(2026, 1, 1)
HEADER = ["registration_id", "gem_seller_id", "registration_date", "home_district", "event_district", "trade",
          "is_woman", "is_tribal", "craft", "gi_product", "onboarding_status", "data_origin"]
#: Personal data planted in values, file and sheet names: none may appear anywhere in a workbook.
SECRETS = ("9839012345", "ramkali.devi@example.net", "9876543210", "Kamla", "Ramkali")
STATE_FILE = "state_export_ramkali.devi@example.net.csv"
STATE_BOOK = "gem_export.xlsx"
STATE_SHEET = "Sheet 9876543210"

#: (file, id, cells changed, fate, district by the rule: the file's office, else the home district, else unassigned)
PLANTED = [
    ("varanasi/week-02.csv", "V-001", {}, "accepted", "Varanasi"),
    ("varanasi/week-02.csv", "V-002", {"home_district": "Bhadohi"}, "accepted", "Varanasi"),  # the office decides
    ("varanasi/week-02.csv", "V-003", {"trade": "Kamla Devi"}, "rejected", "Varanasi"),
    ("varanasi/week-02.csv", "V-004", {"registration_date": "31-02-2022"}, "rejected", "Varanasi"),
    ("varanasi/week-02.csv", "9839012345", {}, "rejected", "Varanasi"),
    ("varanasi/week-02.csv", "V-001", {}, "duplicate", "Varanasi"),
    (STATE_FILE, "S-001", {"home_district": "Agra", "event_district": "Agra"}, "accepted", "Agra"),
    (STATE_FILE, "S-002", {"home_district": "Lukhnow"}, "rejected", corrections.UNASSIGNED),
    (STATE_FILE, "S-003", {"home_district": "Agra", "registration_date": "2099-01-01"}, "rejected",
     corrections.UNASSIGNED),  # rejected_rows.csv does not say the row's home district
    (STATE_FILE, "V-002", {}, "duplicate", "Varanasi"),  # the row kept is a Varanasi office row
    (STATE_BOOK, "G-001", {"home_district": "Prayagraj", "event_district": "Prayagraj"}, "accepted", "Prayagraj"),
    (STATE_BOOK, "G-002", {"home_district": "Prayagraj", "is_woman": "Ramkali"}, "rejected", corrections.UNASSIGNED),
]


def _row(rid: str, changes: dict[str, str]) -> list[str]:
    cells = dict(zip(HEADER, [rid, "", "15-11-2021", "Mirzapur", "Mirzapur", "weaver", "no", "no", "carpet weaving", "",
                              "registered", "SYNTHETIC TEST"]))
    cells.update(changes)
    return [cells[c] for c in HEADER]


def _write_sheets(raw: Path) -> None:
    """The planted rows as the offices' files, and an unreadable file in the Varanasi folder."""
    by_file: dict[str, list[list[str]]] = {}
    for file, rid, changes, _, _ in PLANTED:
        by_file.setdefault(file, []).append(_row(rid, changes))
    for file, rows in by_file.items():
        path = raw / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".xlsx":
            workbook = Workbook()
            workbook.active.title = STATE_SHEET
            for line in [HEADER, *rows]:
                workbook.active.append(line)
            workbook.save(path)
        else:
            path.write_text("\n".join(",".join(line) for line in [HEADER, *rows]) + "\n", encoding="utf-8")
    (raw / "varanasi" / "week-03.xlsx").write_bytes(b"not a workbook at all")


def _numbered() -> list[tuple[str, int, str, str]]:
    """``(file, row number, fate, district)`` of every planted row (the header is row 1)."""
    seen: dict[str, int] = {}
    numbered = []
    for file, _, _, fate, district in PLANTED:
        seen[file] = seen.get(file, 1) + 1
        numbered.append((file, seen[file], fate, district))
    return numbered


def _expected_counts() -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for _, _, _, fate, district in PLANTED:
        each = counts.setdefault(district, dict.fromkeys(("received", "accepted", "rejected", "duplicates"), 0))
        each["received"] += 1
        each[{"accepted": "accepted", "rejected": "rejected", "duplicate": "duplicates"}[fate]] += 1
    return counts


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    """A processed folder as the prepare stage writes it, from the planted sheets (read in sorted order)."""
    root = tmp_path_factory.mktemp("corrections")
    raw = root / "raw"
    _write_sheets(raw)
    out = root / "processed"
    write_outputs(ingest_paths([raw / "varanasi", raw / STATE_FILE, raw / STATE_BOOK], latest=LATEST), out)
    return out


def _cells(workbook) -> list[str]:
    return [str(c) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for c in row
            if c is not None]


def _summary(workbook) -> dict[str, tuple]:
    """Summary sheet: English label of each count -> (this week, last week, change)."""
    found = {}
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        for name in ("received", "accepted", "rejected", "duplicates"):
            if row and row[0] == f"{i18n.t(f'corrections.{name}', 'hi')} / {i18n.t(f'corrections.{name}', 'en')}":
                found[name] = tuple(row[1:4])
    return found


def _listed(workbook) -> pd.DataFrame:
    rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_one_workbook_per_district_with_the_counts_recomputed_from_the_sheets(processed, tmp_path):
    counts = corrections.write_corrections(processed, tmp_path / "corrections", built_on=dt.date(2026, 1, 2))
    expected = _expected_counts()
    assert counts == expected
    assert sorted(p.name for p in (tmp_path / "corrections").iterdir()) == sorted(
        corrections.workbook_name(d) for d in expected)
    for district, each in expected.items():
        workbook = load_workbook(tmp_path / "corrections" / corrections.workbook_name(district))
        assert "Summary" in workbook.sheetnames[0] and "सारांश" in workbook.sheetnames[0]
        assert {k: v[0] for k, v in _summary(workbook).items()} == each
        assert all(v[1] is None and v[2] is None for v in _summary(workbook).values())  # no last week given


def test_the_rows_are_listed_by_file_sheet_and_row_with_bilingual_headers(processed, tmp_path):
    corrections.write_corrections(processed, tmp_path)
    listed = _listed(load_workbook(tmp_path / "varanasi.xlsx"))
    assert list(listed.columns[:5]) == ["फ़ाइल / File", "शीट / Sheet", "पंक्ति / Row", "कॉलम / Column", "मान / Value"]
    assert any("समस्या" in c and "Problem" in c for c in listed.columns)
    assert any("सुधार" in c and "How to fix" in c for c in listed.columns)
    # every rejected or duplicate row planted for Varanasi, by its file and row number, and the unreadable file
    expected = sorted((file.rsplit("/", 1)[-1], number) for file, number, fate, district in _numbered()
                      if district == "Varanasi" and fate != "accepted")
    files = [str(f).rsplit("/", 1)[-1] for f in listed.iloc[:, 0]]
    numbers = [None if pd.isna(r) else int(r) for r in listed.iloc[:, 2]]
    assert sorted((f, r) for f, r in zip(files, numbers) if r is not None) == sorted(
        (corrections.redact_name(f), r) for f, r in expected)
    assert [f for f, r in zip(files, numbers) if r is None] == ["week-03.xlsx"]
    # the impossible date is shown (a date is never personal data); the fix is in both languages
    date_line = listed[listed.iloc[:, 4] == "31-02-2022"]
    assert len(date_line) == 1
    assert "Registration date" in date_line.iloc[0, 3] and "पंजीकरण तिथि" in date_line.iloc[0, 3]
    assert date_line.iloc[0, 6] == i18n.t("corrections.problem.date_not_real", "en")
    assert date_line.iloc[0, 5] == i18n.t("corrections.problem.date_not_real", "hi")


def test_a_duplicate_names_the_row_kept(processed, tmp_path):
    corrections.write_corrections(processed, tmp_path)
    listed = _listed(load_workbook(tmp_path / "varanasi.xlsx"))
    english = listed.iloc[:, 6].tolist()
    kept_rows = [text for text in english if "already received" in text]
    assert len(kept_rows) == 2
    assert all("varanasi/week-02.csv, row" in text for text in kept_rows)


def test_no_planted_personal_value_anywhere_in_any_workbook(processed, tmp_path):
    corrections.write_corrections(processed, tmp_path)
    for path in tmp_path.glob("*.xlsx"):
        workbook = load_workbook(path)
        text = "\n".join(_cells(workbook) + workbook.sheetnames)
        for secret in SECRETS:
            assert secret not in text, (path.name, secret)


def test_last_week_is_shown_with_the_change(processed, tmp_path):
    previous = {"Varanasi": {"received": 2, "accepted": 1, "rejected": 1, "duplicates": 0}}
    counts = corrections.write_corrections(processed, tmp_path, previous)
    summary = _summary(load_workbook(tmp_path / "varanasi.xlsx"))
    for name, (now, before, change) in summary.items():
        assert (now, before, change) == (counts["Varanasi"][name], previous["Varanasi"][name],
                                         counts["Varanasi"][name] - previous["Varanasi"][name])
    assert all(v[1] is None for v in _summary(load_workbook(tmp_path / "agra.xlsx")).values())


def test_a_workbook_of_a_district_that_sent_nothing_this_week_is_removed(processed, tmp_path):
    (tmp_path / "lucknow.xlsx").write_bytes(b"last week's")
    corrections.write_corrections(processed, tmp_path)
    assert not (tmp_path / "lucknow.xlsx").exists()


def _processed_by_hand(folder: Path, rejected: list[dict], duplicates: list[dict] | None = None) -> Path:
    """A processed folder written directly: the lines given, no accepted rows."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rejected).to_csv(folder / "rejected_rows.csv", index=False, encoding="utf-8-sig")
    columns = ["source_file", "source_sheet", "source_row", "registration_id", "gem_seller_id", "duplicate_of"]
    pd.DataFrame(duplicates or [], columns=columns).to_csv(folder / "duplicate_rows.csv", index=False)
    files = {line["source_file"] for line in rejected}
    pd.DataFrame([dict(source_file=f, source_sheet="", rows_in=1, accepted=0, rejected=1, duplicates=0,
                       file_problem="") for f in files]).to_csv(folder / "data_quality_summary.csv", index=False)
    empty = pd.DataFrame({"source_file": pd.Series([], dtype=str), "source_sheet": pd.Series([], dtype=str),
                          "source_row": pd.Series([], dtype="int64"), "home_district": pd.Series([], dtype=str)})
    empty.to_parquet(folder / "registrations.parquet")
    return folder


def test_values_are_shown_only_as_dates_or_short_numbers_and_unknown_problems_in_plain_words(tmp_path):
    line = dict(source_file="lucknow/a.csv", source_sheet="", source_row=2, fix="call 9839012345")
    processed = _processed_by_hand(tmp_path / "processed", [
        {**line, "column": "registration_date", "value": "05/13/2099", "problem": "is 13 May 2099, in the future"},
        {**line, "source_row": 3, "column": "trade", "value": "Kamla Devi", "problem": "is not a known trade"},
        {**line, "source_row": 4, "column": "craft", "value": "98390 12345", "problem": "ask Kamla at 9839012345"},
        {**line, "source_row": 5, "column": "is_woman", "value": "ramkali.devi@example.net", "problem": "is not yes or no"},
    ])
    counts = corrections.write_corrections(processed, tmp_path / "out")
    assert counts == {"Lucknow": {"received": 4, "accepted": 0, "rejected": 4, "duplicates": 0}}
    workbook = load_workbook(tmp_path / "out" / "lucknow.xlsx")
    listed = _listed(workbook)
    assert listed.iloc[:, 4].fillna("").tolist() == ["05/13/2099", "", "", ""]
    assert listed.iloc[0, 8] == "Check the year: the kit reads 13-May-2099."  # the date the kit read
    assert "13-मई-2099" in listed.iloc[0, 7]
    assert listed.iloc[1, 8] == "Write one of: artisan / weaver / other."
    assert listed.iloc[2, 6] == i18n.t("corrections.problem.other", "en")
    text = "\n".join(_cells(workbook))
    for secret in SECRETS:
        assert secret not in text


def test_a_home_district_in_the_rejected_rows_is_used_when_the_layout_names_no_office(tmp_path):
    processed = _processed_by_hand(tmp_path / "processed", [
        dict(source_file="export.csv", source_sheet="", source_row=2, column="trade", value="x", problem="is not a known trade",
             fix="", home_district="Jhansi"),
        dict(source_file="export.csv", source_sheet="", source_row=3, column="trade", value="x", problem="is not a known trade",
             fix="", home_district=""),
    ])
    counts = corrections.write_corrections(processed, tmp_path / "out")
    assert {k: v["rejected"] for k, v in counts.items()} == {"Jhansi": 1, corrections.UNASSIGNED: 1}


@pytest.mark.parametrize(
    ("value", "shown"),
    [("05-12-2021", True), ("2021-12-05", True), ("5 Dec 2021", True), ("०५-१२-२०२१", True), ("44500", True),
     ("3", True), ("31-02-2022", True), ("9839012345", False), ("98390 12345", False), ("983 901 23", False),
     ("Kamla", False), ("Kamla 2021", False), ("ramkali.devi@example.net", False), ("[removed]", False),
     ("UPGEM-P1-000123", False), ("5 Kamla 2021", False)],
)
def test_which_values_may_be_shown(value, shown):
    assert corrections.is_shown_value(value) is shown


@pytest.mark.parametrize(
    ("path", "office"),
    [("data/raw/registrations/varanasi/week-02.csv", "Varanasi"), ("registrations/gautam-buddha-nagar/a.xlsx",
     "Gautam Buddha Nagar"), ("registrations/वाराणसी/a.csv", "Varanasi"), ("registrations/allahabad/a.csv", "Prayagraj"),
     ("registrations/agra/old/a.csv", "Agra"), ("registrations/noida/a.csv", None), ("registrations/demo/phase-1/a.csv", None),
     ("varanasi.csv", None)],
)
def test_the_office_is_the_innermost_folder_named_after_a_district(path, office):
    assert corrections.office_of(path) == office


def test_every_problem_the_corpus_gives_has_a_kind():
    corpus = Path(__file__).parent / "data" / "ingest_corpus"
    result = ingest_paths([corpus], latest=LATEST)
    kinds = {corrections.problem_kind(p)[0] for p in result.rejected["problem"]}
    others = sorted({p for p in result.rejected["problem"] if corrections.problem_kind(p)[0] == "other"})
    assert others == [] and len(kinds) > 10


def test_a_missing_processed_file_is_one_line_saying_what_to_run(tmp_path):
    with pytest.raises(RegistrationsError, match="run the prepare stage"):
        corrections.write_corrections(tmp_path, tmp_path / "out")
