"""Reading every sheet an office sends: the formats, the files that lie about their kind, hostile files.

The files are written by ``tests/data/hostile/make_hostile.py`` (committed),
except the zip bomb, made here in a temporary folder. Every refused file must
give exit 2 from ``validate``, one line holding the problem and its fix, the
file's name, and no traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from helpers.errors import SheetReadError
from helpers.ingest import ingest_paths, limits, reading, workbooks
from helpers.cli import main

HOSTILE = Path(__file__).parent / "data" / "hostile"
CORPUS = Path(__file__).parent / "data" / "ingest_corpus"
sys.path.insert(0, str(HOSTILE))
import make_hostile  # noqa: E402  (the generator of the files read here)


def validate(path: Path, capsys) -> tuple[int, str]:
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_refused(path: Path, capsys, *fragments: str) -> str:
    """``validate`` exits 2 with one line naming the file and holding every fragment; no traceback."""
    code, output = validate(path, capsys)
    assert code == 2, output
    assert "Traceback" not in output and "internal error" not in output, output
    lines = [line for line in output.splitlines() if all(f in line for f in fragments) and "; " in line]
    assert len(lines) == 1, output
    assert path.name in lines[0]
    return lines[0]


# ---- formats ------------------------------------------------------------------------------------


def _accepted(path: Path) -> pd.DataFrame:
    result = ingest_paths([path])
    assert not result.file_problems, [p.line() for p in result.file_problems]
    return result.accepted.drop(columns=["source_file"]).reset_index(drop=True)


@pytest.mark.parametrize("name", ["demo.xls", "demo.ods", "demo.xlsb"])
def test_other_formats_give_the_accepted_rows_of_the_xlsx(name):
    expected = _accepted(HOSTILE / "demo.xlsx")
    assert len(expected) == len(make_hostile.demo_rows()) - 1
    pd.testing.assert_frame_equal(_accepted(HOSTILE / name), expected)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.xlsx")) + [HOSTILE / "demo.xlsx"], ids=lambda p: p.name)
def test_xlsx_cells_are_the_ones_openpyxl_reads(path):
    workbook = load_workbook(path, read_only=True, data_only=True)
    expected = {name: [list(r) for r in workbook[name].iter_rows(values_only=True)] for name in workbook.sheetnames}
    workbook.close()
    got = {sheet.source_sheet: [cells for _, cells in sheet.rows] for sheet in reading.read_file(path)}
    assert got == expected
    for name, rows in got.items():  # the same types too, not only equal values (1 == 1.0 == True)
        assert [[type(c) for c in cells] for cells in rows] == [[type(c) for c in cells] for cells in expected[name]]


def test_a_xlsm_is_read_for_its_values(tmp_path):
    path = tmp_path / "macro.xlsm"
    path.write_bytes((HOSTILE / "demo.xlsx").read_bytes())
    assert [c for _, c in reading.read_file(path)[0].rows] == [c for _, c in reading.read_file(HOSTILE / "demo.xlsx")[0].rows]


def test_hidden_sheets_are_marked(tmp_path):
    sheets = reading.read_file(HOSTILE / "hidden_lists.xlsx")
    assert [(s.source_sheet, s.is_hidden) for s in sheets] == [("Registrations", False), ("Lists", True)]
    book = Workbook()
    book.active.append(["a"])
    book.create_sheet("Secret").sheet_state = "veryHidden"
    book.save(tmp_path / "very.xlsx")
    assert [s.is_hidden for s in reading.read_file(tmp_path / "very.xlsx")] == [False, True]


def test_control_characters_are_removed_from_text_cells(tmp_path):
    sheet = reading.read_file(HOSTILE / "control_characters.xlsx")[0]
    assert sheet.cells(1)[8] == "durrie weaving"
    csv_path = tmp_path / "controls.csv"
    csv_path.write_bytes(b"id,craft,remarks\nA-1,dur\x00rie\x1b weaving,two\tlines\r\nA-2,durrie weaving,x\n")
    rows = [cells for _, cells in reading.read_file(csv_path)[0].rows]
    assert rows == [["id", "craft", "remarks"], ["A-1", "durrie weaving", "two\tlines"], ["A-2", "durrie weaving", "x"]]
    column = reading.read_file(csv_path)[0].column(1)  # dictionary-encoded: its distinct values
    assert column.dictionary.to_pylist().count("durrie weaving") == 1  # the cleaned value is merged with its twin


# ---- files that are not what their name says ----------------------------------------------------


@pytest.mark.parametrize(("name", "fragments"), [
    ("portal_export.xls", ("is a web page (an HTML table) with a '.xls' name", "Excel Workbook (*.xlsx)")),
    ("text_export.txt", ("is a '.txt' file (a text export)", "CSV UTF-8")),
    ("password_protected.xlsx", ("is password-protected", "remove the password")),
    ("xlsx_named.ods", ("is an Excel workbook (.xlsx) with a '.ods' name", "rename it to end in .xlsx")),
    ("csv_named.xls", ("is a text file (CSV or tab-separated) with a '.xls' name",)),
])
def test_a_file_of_another_kind_gets_one_line_saying_what_it_is(name, fragments, capsys):
    assert_refused(HOSTILE / name, capsys, *fragments)


def test_a_txt_file_in_a_folder_is_named_as_a_text_export(tmp_path):
    (tmp_path / "export.txt").write_text("a\tb\n", encoding="utf-8")
    problems = [p.problem for p in ingest_paths([tmp_path]).file_problems]
    assert "not read: a '.txt' file (a text export), which the kit does not read" in problems


# ---- damaged and hostile files ------------------------------------------------------------------


def test_a_sheet_cut_mid_row_names_the_file_and_the_sheet(capsys):
    path = HOSTILE / "truncated_xml.xlsx"
    with pytest.raises(SheetReadError) as caught:
        reading.read_file(path)
    assert caught.value.source_sheet == "Registrations"
    assert str(caught.value).startswith(f"{reading.display_name(path)}, sheet Registrations: is damaged")
    assert_refused(path, capsys, "is damaged", "fresh copy")


def test_flipped_bits_in_a_compressed_sheet_are_a_damaged_file(capsys):
    assert_refused(HOSTILE / "bit_flipped.xlsx", capsys, "is damaged", "fresh copy")


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating(tmp_path, capsys, monkeypatch):
    bomb = make_hostile.write_zip_bomb(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(bomb) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert bomb.stat().st_size < 2_000_000 and sheet.file_size > 600_000_000
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("a member was inflated"))
    line = assert_refused(bomb, capsys, "refused", "member_uncompressed_bytes_max")
    assert "600 MiB" in line


def test_a_bomb_whose_directory_lies_is_refused_within_its_declared_size(tmp_path, capsys):
    bomb = make_hostile.write_zip_bomb(tmp_path / "liar.xlsx", inflated_bytes=40 * 2**20)
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    small = (2**20).to_bytes(4, "little")  # declare 1 MiB inflated, in the local header and the directory
    data[sheet.header_offset + 22:sheet.header_offset + 26] = small
    directory = bytes(data).rindex(b"PK\x01\x02")
    data[directory + 24:directory + 28] = small
    bomb.write_bytes(bytes(data))
    assert_refused(bomb, capsys, "is damaged", "Bad CRC-32")


def test_a_ratio_over_the_limit_is_refused(tmp_path, capsys):
    bomb = make_hostile.write_zip_bomb(tmp_path / "dense.xlsx", inflated_bytes=60 * 2**20)
    line = assert_refused(bomb, capsys, "refused", "compression_ratio_max")
    assert "(a zip bomb)" in line


def test_a_grid_over_the_limits_is_refused_before_parsing(tmp_path, capsys, monkeypatch):
    book = Workbook()
    book.active["A1"] = "registration_id"
    book.active["XFD1048576"] = "far away"
    book.save(tmp_path / "far.xlsx")
    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", lambda *a: pytest.fail("parsed"))
    assert_refused(tmp_path / "far.xlsx", capsys, "spans 1,048,576 rows by 16,384 columns", "cells_max")


def test_an_ods_whose_repeats_declare_billions_of_cells_is_refused_before_parsing(capsys, monkeypatch):
    import python_calamine

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", lambda *a: pytest.fail("parsed"))
    assert_refused(HOSTILE / "repeat_bomb.ods", capsys, "spans 1,000,013 rows by 16,384 columns", "cells_max")


def test_empty_repeated_cells_of_an_ods_do_not_count(tmp_path):
    path = make_hostile.write_ods_repeat_bomb(tmp_path / "trailing.ods", rows=1_048_000, columns=1024)
    path.write_bytes(make_hostile._fixed_time(path.read_bytes()))
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:  # the repeated cells made empty, as LibreOffice writes them
        for name, data in members:
            if name == "content.xml":
                data = data.replace(b' office:value-type="string"><text:p>x</text:p></table:table-cell>', b"/>")
            archive.writestr(name, data)
    assert reading.read_file(path)[0].records == len(make_hostile.demo_rows())


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("rows_max", 5, "rows, over the limit of 5 rows (rows_max)"),
    ("columns_max", 3, "12 columns, over the limit of 3 columns (columns_max)"),
    ("cell_chars_max", 8, "characters, over the limit of 8 characters (cell_chars_max)"),
    ("sheets_max", 0, "1 sheets, over the limit of 0 sheets (sheets_max)"),
    ("file_bytes_max", 100, "over the limit of 100 bytes (file_bytes_max)"),
    ("archive_members_max", 3, "(archive_members_max)"),
])
@pytest.mark.parametrize("name", ["demo.xlsx", "demo.xls", "demo.ods"])
def test_each_limit_refuses_a_file_over_it(field, value, fragment, name, capsys, monkeypatch):
    if field == "archive_members_max" and name == "demo.xls":
        return  # not a zip
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, **{field: value}))
    assert_refused(HOSTILE / name, capsys, fragment)


def test_the_limits_are_documented():
    doc = (Path(__file__).parent.parent / "docs" / "registration_schema.md").read_text(encoding="utf-8")
    for field in dataclasses.fields(limits.Limits):
        assert f"`{field.name}`" in doc, field.name
        assert f"{getattr(limits.LIMITS, field.name):,}" in doc, field.name


def test_any_exception_while_reading_becomes_a_sheet_read_error(monkeypatch, tmp_path):
    def explode(*_args, **_kwargs):
        raise KeyError("an error python-calamine might raise")

    monkeypatch.setattr(workbooks, "_sheet_records", explode)
    with pytest.raises(SheetReadError, match=r"demo\.xlsx, sheet Registrations: is damaged"):
        reading.read_file(HOSTILE / "demo.xlsx")


def test_workbook_cells_are_made_what_openpyxl_gave():
    cell = workbooks._workbook_cell
    assert type(cell(dt.date(2022, 1, 3))) is dt.datetime and cell(dt.date(2022, 1, 3)) == dt.datetime(2022, 1, 3)
    assert type(cell(1001.0)) is int and cell(1001.0) == 1001 and cell(1.5) == 1.5
    assert cell("") is None and cell("a\x00b") == "ab" and cell("a\x00b", has_controls=False) == "a\x00b"


def test_a_rust_panic_report_is_kept_off_the_terminal_and_other_output_is_kept(capfd):
    import os

    with workbooks._native_stderr_quiet():
        os.write(2, b"a line from another thread\n")
        os.write(2, b"\nthread '<unnamed>' (1) panicked at src/cfb.rs:305:41:\nslice index starts at 8192\n"
                    b"stack backtrace:\n  0: foo\nnote: Some details are omitted, run with `RUST_BACKTRACE=full` "
                    b"for a verbose backtrace.\n")
    err = capfd.readouterr().err
    assert "a line from another thread" in err
    assert "panicked" not in err and "backtrace" not in err


@pytest.mark.parametrize("name", ["demo.xlsx", "demo.xls", "demo.ods", "demo.xlsb"])
def test_one_sheet_of_any_workbook_can_be_asked_for(name):
    assert [s.source_sheet for s in reading.read_file(HOSTILE / name, "Registrations")] == ["Registrations"]
    with pytest.raises(SheetReadError, match=rf"{name}: has no sheet named 'Nope'; the sheets are: Registrations"):
        reading.read_file(HOSTILE / name, "Nope")


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xlsb"])
def test_a_workbook_cut_short_is_damaged_whatever_its_kind(suffix, tmp_path, capsys):
    source = HOSTILE / f"demo{suffix}"
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    line = assert_refused(path, capsys, "is damaged", "fresh copy")
    assert "name" not in line  # not taken for a file of another kind
