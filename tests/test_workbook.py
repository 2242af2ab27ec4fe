"""The phase workbook: one sheet per table, numbers as numbers, Hindi headers, no formulas from input text."""

from __future__ import annotations

import datetime as dt
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import fields
from helpers.presentation import i18n
from helpers.report_files import workbook

HOSTILE = '=HYPERLINK("http://example.invalid/x","click")'


def _tables() -> list[tuple[str, pd.DataFrame]]:
    coverage = pd.DataFrame({
        "district": ["Varanasi", "Bhadohi", HOSTILE, "+cmd", "-2+3", "@SUM(A1)"],
        "registrations_count": [149429, 12345678, 7, 0, 1, 2],
        "women_share_pct": [17.0506, 22.5, float("nan"), 0.0, 100.0, 50.0],
    })
    funnel = pd.DataFrame({
        "stage": ["registered", "first order"],
        "first_order_date": pd.to_datetime(["2022-01-15", "2022-02-01"]),
        "sellers_count": [120, 30],
    })
    return [("Coverage by district", coverage), ("Funnel: stages/dates [v1]", funnel)]


def _write(tmp_path, lang: str = "en", notice: str | None = "Synthetic demo data."):
    path = tmp_path / f"tables.{lang}.xlsx"
    written = workbook.write_tables_workbook(
        path, _tables(), lang=lang, title="Phase 1: tables", as_of=dt.date(2022, 3, 31),
        sources=["Registration sheets as of 31-03-2022", "Census 2011"], synthetic_notice=notice,
    )
    assert written == path and path.exists()
    assert not list(tmp_path.glob("*kit-partial*"))
    return load_workbook(path)


def test_one_sheet_per_table_after_the_about_sheet(tmp_path):
    book = _write(tmp_path)
    names = book.sheetnames
    assert names[0] == i18n.t("workbook.about_sheet", "en")
    assert len(names) == 1 + len(_tables())
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[1] == "Coverage by district"


def test_about_sheet_has_title_date_sources_notice_and_links(tmp_path):
    about = _write(tmp_path).worksheets[0]
    values = [cell for row in about.iter_rows(values_only=True) for cell in row if cell is not None]
    assert values[0] == "Phase 1: tables"
    assert dt.datetime(2022, 3, 31) in values
    assert "Census 2011" in values and "Synthetic demo data." in values
    links = [c.hyperlink.location for row in about.iter_rows() for c in row if c.hyperlink]
    assert links == [f"'{name}'!A1" for name in _write(tmp_path).sheetnames[1:]]


def test_no_notice_row_for_real_data(tmp_path):
    about = _write(tmp_path, notice=None).worksheets[0]
    keys = [row[0] for row in about.iter_rows(values_only=True)]
    assert i18n.t("workbook.notice", "en") not in keys


def test_numbers_stay_numbers_with_indian_grouping(tmp_path):
    sheet = _write(tmp_path).worksheets[1]
    table = _tables()[0][1]
    counts = [sheet.cell(row=r, column=2) for r in range(2, len(table) + 2)]
    assert [c.value for c in counts] == table["registrations_count"].tolist()
    assert all(c.data_type == "n" for c in counts)
    assert counts[0].number_format == workbook.INDIAN_INTEGER_FORMAT
    shares = [sheet.cell(row=r, column=3).value for r in range(2, len(table) + 2)]
    assert shares[0] == pytest.approx(17.0506) and shares[2] is None  # NaN is an empty cell
    assert "%" in sheet.cell(row=2, column=3).number_format
    dates = _write(tmp_path).worksheets[2]
    assert dates.cell(row=2, column=2).value == dt.datetime(2022, 1, 15)
    assert dates.cell(row=2, column=2).number_format == workbook.DATE_FORMAT


def test_indian_number_format_groups_lakhs_and_crores():
    assert workbook.indian_number_format(0) == workbook.INDIAN_INTEGER_FORMAT
    two = workbook.indian_number_format(2, prefix="₹")
    assert two.split(";")[0] == r'[>=10000000]"₹"##\,##\,##\,##0.00'
    assert two.split(";")[2] == '"₹"##,##0.00'


def test_headers_come_from_the_column_registry_in_hindi(tmp_path):
    sheet = _write(tmp_path, lang="hi").worksheets[1]
    headers = [c.value for c in sheet[1]]
    assert headers == [fields.label("district", "hi"), fields.label("registrations_count", "hi"),
                       fields.label("women_share_pct", "hi")]
    assert headers[0] == "जनपद"
    assert _write(tmp_path, lang="hi").sheetnames[0] == i18n.t("workbook.about_sheet", "hi")
    assert _write(tmp_path, lang="hi").worksheets[2].cell(row=1, column=1).value == fields.label("stage", "hi")


def test_a_column_the_registry_does_not_declare_reaches_no_workbook(tmp_path):
    """The allow-list: a table with an undeclared column (a name, a phone...) stops the writer, naming it."""
    table = pd.DataFrame({"district": ["Agra"], "seller_name": ["invented name"]})
    with pytest.raises(RuntimeError, match="sheet Sellers: column.s. seller_name are not declared"):
        workbook.write_tables_workbook(tmp_path / "t.xlsx", [("Sellers", table)], lang="en", title="t",
                                       as_of=dt.date(2022, 3, 31), sources=["s"], synthetic_notice=None)
    assert not (tmp_path / "t.xlsx").exists()


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    path = tmp_path / "t.xlsx"
    workbook.write_tables_workbook(path, _tables(), lang="en", title="=1+1", as_of="2022-03-31",
                                   sources="-source", synthetic_notice=None)
    sheet = load_workbook(path).worksheets[1]
    cells = [sheet.cell(row=r, column=1) for r in range(2, 8)]
    assert cells[2].value == HOSTILE and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the file
    assert load_workbook(path).worksheets[0]["A1"].value == "=1+1"


def test_frozen_header_filter_and_widths(tmp_path):
    sheet = _write(tmp_path).worksheets[1]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C7"
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert widths["A"] >= len(HOSTILE) and all(workbook.MIN_WIDTH_CHARS <= w <= workbook.MAX_WIDTH_CHARS
                                               for w in widths.values())


def test_sheet_names_are_made_valid_and_unique():
    taken: set[str] = set()
    first = workbook.safe_sheet_name("A very long table name that Excel would refuse [v2]", taken)
    second = workbook.safe_sheet_name("A very long table name that Excel would refuse [v2]", taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert "[" not in first
