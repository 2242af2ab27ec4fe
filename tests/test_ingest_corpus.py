"""Every file of the ingest corpus gives its expected outcome (tests/data/ingest_corpus/expected.yaml).

For each: `validate PATH` prints no traceback, exits with the expected code,
prints the expected one-line problems, accounts for every row exactly
(``rows_in = accepted + rejected + duplicates + junk_rows_skipped``, per file
and sheet), and the accepted values are the expected ones. Outputs written
with --out hold none of the personal data planted in the corpus. The corpus is
made by ``make_corpus.py``: generated rows, never real people.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.ingest import ingest_paths, write_outputs
from helpers.cli import main

CORPUS = Path(__file__).parent / "data" / "ingest_corpus"
EXPECTED: dict = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


def test_every_corpus_file_has_an_expectation():
    files = {p.name for p in CORPUS.iterdir()} - {"make_corpus.py", "expected.yaml", "__pycache__"}
    assert files == set(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_gives_the_expected_outcome(name, capsys, tmp_path):
    expected = EXPECTED[name]
    code = main(["validate", str(CORPUS / name), "--out", str(tmp_path)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    assert "internal error" not in output
    assert code == expected["exit"], output
    if code == 2:  # a checker: the last line says how many rows would be rejected
        rejected = expected["rejected"]
        assert output.splitlines()[-1].startswith(f"{rejected} of {expected['rows_in']} rows would be rejected"), output
    for fragment in expected.get("expect", []):
        assert fragment in output, f"{fragment!r} not in:\n{output}"
    written = "".join(p.read_text(encoding="utf-8-sig") for p in tmp_path.glob("*.csv"))
    accepted = pd.read_parquet(tmp_path / "registrations.parquet")
    for secret in expected.get("absent", []):
        assert secret not in output
        assert secret not in written
        assert not accepted.astype(str).apply(lambda col: col.str.contains(secret, regex=False)).any().any()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_row_is_accounted_for(name):
    expected = EXPECTED[name]
    result = ingest_paths([CORPUS / name])
    quality = result.quality
    parts = quality["accepted"] + quality["rejected"] + quality["duplicates"] + quality["junk_rows_skipped"]
    assert (quality["rows_in"] == parts).all()
    sums = quality[["rows_in", "accepted", "rejected", "duplicates", "blank_rows_skipped", "junk_rows_skipped"]].sum()
    assert sums.to_dict() == {
        "rows_in": expected["rows_in"],
        "accepted": expected["accepted"],
        "rejected": expected["rejected"],
        "duplicates": expected["duplicates"],
        "blank_rows_skipped": expected["blank"],
        "junk_rows_skipped": expected.get("junk", 0),
    }
    assert len(result.accepted) == expected["accepted"]
    assert result.rejected[["source_file", "source_sheet", "source_row"]].drop_duplicates().shape[0] == expected["rejected"]
    assert len(result.duplicates) == expected["duplicates"]
    for column, values in expected.get("accepted_values", {}).items():
        got = result.accepted[column]
        if column.endswith("_date"):
            got = got.dt.strftime("%Y-%m-%d")
        got = [None if pd.isna(v) else v for v in got.tolist()]
        assert got == values, column


def test_duplicates_name_the_row_kept():
    result = ingest_paths([CORPUS / "19_duplicates_across_files"])
    first = "tests/data/ingest_corpus/19_duplicates_across_files/a_first.csv"
    assert result.duplicates["duplicate_of"].tolist() == [f"{first}:2", f"{first}:3", f"{first}:2"]
    assert result.duplicates["source_row"].tolist() == [2, 3, 4]


def test_a_folder_reads_every_file_in_sorted_order():
    result = ingest_paths([CORPUS])
    files = result.quality["source_file"].drop_duplicates().tolist()
    assert files == sorted(files)
    # every non-hidden file is listed: the sheets read and, with a problem, the files not read
    # (in 41_: .xls, .xlsm, .ods, .txt; here: the .xls, expected.yaml, make_corpus.py)
    quiet = {"README.md", "a_sheet.csv.meta.yaml", ".hidden.ods", "~$a_sheet.xlsx"}
    on_disk = {str(p.relative_to(CORPUS.parent.parent.parent).as_posix()) for p in CORPUS.rglob("*")
               if p.is_file() and p.name not in quiet and "__pycache__" not in p.parts}
    assert set(files) == on_disk
    not_read = sorted(p.source_file.rsplit("/", 1)[-1] for p in result.file_problems if "not read" in p.problem)
    assert not_read == ["e_notes.txt", "expected.yaml", "make_corpus.py"]
    assert sum(EXPECTED[n]["rows_in"] for n in EXPECTED) == result.quality["rows_in"].sum()


def test_readable_suffixes_are_public():
    from helpers.ingest import READABLE_SUFFIXES

    assert {".csv", ".xlsx"} <= set(READABLE_SUFFIXES)


def test_a_folder_with_only_quiet_files_says_there_is_no_sheet(tmp_path):
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    (tmp_path / "demo.meta.yaml").write_text("x", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"")
    result = ingest_paths([tmp_path])
    assert [p.problem for p in result.file_problems] == ["no registration sheets in this folder (.csv, .xlsx, .xlsm, .xls, .xlsb or .ods)"]


def test_only_the_chosen_sheet_is_read():
    result = ingest_paths([CORPUS / "06_workbook_sheets.xlsx"], sheet="Bhadohi")
    assert result.quality["source_sheet"].tolist() == ["Bhadohi"]
    assert result.accepted["registration_id"].tolist() == ["X-003"]
    missing = ingest_paths([CORPUS / "06_workbook_sheets.xlsx"], sheet="Agra")
    assert [p.line() for p in missing.file_problems] == [
        "tests/data/ingest_corpus/06_workbook_sheets.xlsx: has no sheet named 'Agra'; the sheets are: Mirzapur, Bhadohi, Sheet3"
    ]


def test_accepted_table_matches_the_schema_and_marks_synthetic_rows():
    result = ingest_paths([CORPUS / "01_clean_utf8.csv", CORPUS / "08_excel_serial_dates.xlsx"])
    accepted = result.accepted
    assert str(accepted["registration_date"].dtype) == "datetime64[ns]"
    assert accepted["is_synthetic"].tolist() == [True] * 6
    assert accepted["home_lgd_code"].tolist() == [170, 179, 187, 170, 170, 170]
    assert accepted["source_sheet"].tolist() == ["", "", "", "Registrations", "Registrations", "Registrations"]


def test_rejected_csv_is_formula_safe(tmp_path):
    result = ingest_paths([CORPUS / "23_formula_craft.csv"])
    written = write_outputs(result, tmp_path)
    rejected = pd.read_csv(written["rejected"], encoding="utf-8-sig", dtype=str)
    assert rejected[["column", "value"]].values.tolist() == [["trade", "'=1+1"]]
    assert not any(line.startswith("=") for line in written["rejected"].read_text(encoding="utf-8-sig").splitlines())
