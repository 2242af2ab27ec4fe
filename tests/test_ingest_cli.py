"""The validate command: exit codes, one line per problem, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.ingest import cli

CORPUS = Path(__file__).parent / "data" / "ingest_corpus"


def run(argv, capsys):
    """``gem-reports ARGV`` (the kit's command, which defines validate's arguments): exit code, stdout, stderr."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_valid_input_exits_0_with_a_summary_line(capsys):
    code, out, _ = run(["validate", str(CORPUS / "01_clean_utf8.csv")], capsys)
    assert code == 0
    assert out.splitlines() == [
        "tests/data/ingest_corpus/01_clean_utf8.csv: 3 rows in, 3 accepted, 0 rejected, 0 duplicates, 0 blank rows skipped",
        "valid: 3 rows in, 3 accepted, 0 rejected, 0 duplicates",
    ]


def test_a_rejected_row_is_exit_2_with_the_count_last(capsys):
    path = str(CORPUS / "13_other_state.csv")
    code, out, _ = run(["validate", path], capsys)
    assert code == 2
    assert out.splitlines()[-2:] == ["INVALID: 3 rows in, 1 accepted, 2 rejected, 0 duplicates",
                                     "2 of 3 rows would be rejected"]


def test_a_file_whose_every_row_is_rejected_or_without_rows_is_exit_2(tmp_path, capsys):
    header = "registration_id,registration_date,home_district,event_district,trade,is_woman,is_tribal,craft,onboarding_status"
    (tmp_path / "header_only.csv").write_text(header + "\n", encoding="utf-8")
    code, out, _ = run(["validate", str(tmp_path / "header_only.csv")], capsys)
    assert code == 2
    assert out.splitlines()[-1] == "0 of 0 rows would be rejected; 1 file without rows"
    (tmp_path / "all_bad.csv").write_text(header + "\nR1,2022-01-01,Patna,Agra,weaver,no,no,durrie,registered\n",
                                          encoding="utf-8")
    code, out, _ = run(["validate", str(tmp_path / "all_bad.csv")], capsys)
    assert code == 2
    assert out.splitlines()[-1] == "1 of 1 rows would be rejected"


def test_notes_and_duplicates_still_exit_0(capsys):
    code, out, _ = run(["validate", str(CORPUS / "14_typo_fixable.csv")], capsys)
    assert code == 0 and "note: " in out
    assert run(["validate", str(CORPUS / "19_duplicates_across_files")], capsys)[0] == 0


def test_a_missing_path_is_invalid_input(capsys):
    code, out, _ = run(["validate", "no/such/folder"], capsys)
    assert code == 2
    assert "no/such/folder: no such file or folder" in out


def test_internal_error_is_one_line_without_traceback(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(cli, "ingest_paths", broken)
    code, out, err = run(["validate", str(CORPUS / "01_clean_utf8.csv")], capsys)
    assert code == 1
    line = re.fullmatch(r"gem-reports validate: internal error: KeyError: 'boom' \(traceback in (.+); please report it\)\n", err)
    assert line is not None, err
    assert "Traceback" not in out + err
    log = Path(line.group(1))
    assert "KeyError: 'boom'" in log.read_text(encoding="utf-8")
    log.unlink()
    code, _, err = run(["--debug", "validate", str(CORPUS / "01_clean_utf8.csv")], capsys)
    assert code == 1 and "Traceback" in err
    Path(re.search(r"traceback in (.+); please report it", err).group(1)).unlink()


def test_out_writes_the_outputs(tmp_path, capsys):
    code = main(["validate", str(CORPUS / "19_duplicates_across_files"), "--out", str(tmp_path)])
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["data_quality_summary.csv", "dropped_columns.csv", "duplicate_rows.csv", "registrations.parquet",
                     "rejected_rows.csv"]


def test_sheet_option(capsys):
    code, out, _ = run(["validate", str(CORPUS / "06_workbook_sheets.xlsx"), "--sheet", "Nope"], capsys)
    assert code == 2
    assert "has no sheet named 'Nope'; the sheets are: Mirzapur, Bhadohi, Sheet3" in out


def test_long_problem_lists_are_cut_per_file(tmp_path, capsys):
    rows = ["registration_id,registration_date,home_district,event_district,trade,is_woman,is_tribal,craft,onboarding_status"]
    rows += [f"R{i},2022-01-01,Patna,Agra,weaver,no,no,durrie,registered" for i in range(cli.MAX_LINES_PER_FILE + 7)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    code, out, _ = run(["validate", str(path)], capsys)
    assert code == 2
    assert sum("a district of Bihar" in line for line in out.splitlines()) == cli.MAX_LINES_PER_FILE
    assert "7 more problems not shown" in out
