"""The files a phase brief writes: workbook, share card and alt text, figures CSV, summary JSON."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from PIL import Image

from helpers.report_files import brief_files


def test_the_workbook_has_an_about_sheet_then_each_table_with_numeric_cells_and_hindi_headers(tmp_path) -> None:
    grades = pd.DataFrame({"district": ["Agra", "Varanasi"], "registrations_count": [1234, 56],
                           "achievement_pct": [61.7, 5.6], "internal_column": ["x", "y"]})
    path = brief_files.write_workbook(tmp_path / "tables.hi.xlsx", [("श्रेणी", grades), ("खाली", grades.iloc[0:0])], lang="hi",
                                      title="चरण 1", as_of=date(2021, 12, 31), sources=["स्रोत"], synthetic_notice="काल्पनिक")
    assert path.name == "tables.hi.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["परिचय", "श्रेणी"]  # the empty table is left out
    sheet = book["श्रेणी"]
    headers = [c.value for c in sheet[1]]
    assert headers == ["जनपद", "पंजीकरण", "उपलब्धि (%)"]  # unregistered columns dropped
    assert sheet["A2"].value == "आगरा" and sheet["B2"].value == 1234 and sheet["C3"].value == pytest.approx(5.6)
    about = [c.value for row in book["परिचय"].iter_rows() for c in row if c.value is not None]
    assert "चरण 1" in about and "काल्पनिक" in about


def test_the_share_card_is_a_phone_sized_png_with_alt_text_naming_its_figures(tmp_path) -> None:
    figures = [("registrations by 31 December 2021", "4,491"), ("of the target reached", "29.0%")]
    path, alt = brief_files.write_share_card(tmp_path / "share-card.png", lang="en", title="Phase 1: progress", figures=figures,
                                             grade="15 on track", change="674 new registrations", as_of="31 December 2021",
                                             source_line="Source: sheets.", is_synthetic=True)
    assert path.name == "share-card.png" and Image.open(path).size == (1080, 1350)
    written = (tmp_path / "share-card.png.alt.txt").read_text(encoding="utf-8")
    assert written.strip() == alt
    for label, value in figures:
        assert label in alt and value in alt
    assert "674 new registrations" in alt and "SYNTHETIC" in alt


def test_the_figures_csv_has_the_ledgers_columns_and_canonical_values(tmp_path) -> None:
    path, rows = brief_files.write_figures(tmp_path / "figures.hi.csv", as_of=date(2021, 12, 31), report_key="phase-1/04_phase_brief.hi",
                                           figures=[("", "registrations_count", 4491), ("Agra", "achievement_pct", 12.5)])
    assert path.name == "figures.hi.csv"
    read = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(read.columns) == ["as_of_date", "report", "district", "figure", "value"]
    assert read.to_dict("records")[1] == {"as_of_date": "2021-12-31", "report": "phase-1/04_phase_brief.hi",
                                          "district": "Agra", "figure": "achievement_pct", "value": "12.5"}
    assert len(rows) == 2


def test_the_summary_json_has_the_index_cards_keys(tmp_path) -> None:
    figures = [("पंजीकरण", "4,491"), ("लक्ष्य प्राप्त", "29.0%"), ("नए", "674")]
    path = brief_files.write_summary(tmp_path / "summary.hi.json", as_of=date(2021, 12, 31), as_of_is_latest=False,
                                     headline_figures=figures, headline_change="674 नए पंजीकरण।", is_synthetic=True)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == "summary.hi.json" and tuple(document) == brief_files.SUMMARY_KEYS
    assert document["as_of"] == "2021-12-31" and document["as_of_is_latest"] is False and document["is_synthetic"] is True
    assert document["headline_figures"][0] == {"label": "पंजीकरण", "value": "4,491"}
    with pytest.raises(ValueError, match="3 or 4"):
        brief_files.summary_document(as_of=date(2021, 12, 31), as_of_is_latest=True, headline_figures=figures[:2],
                                     headline_change="x", is_synthetic=False)


def test_a_published_table_carries_only_declared_columns_formula_safe_with_a_bom(tmp_path):
    table = pd.DataFrame({"district": ["Agra", "=HYPERLINK(1)"], "registrations_count": [12, 7]})
    path = brief_files.write_table_csv(table, tmp_path / "coverage.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK(1)" in raw.decode("utf-8-sig") and "Agra" in raw.decode("utf-8-sig")
    with pytest.raises(RuntimeError, match="coverage2.csv: column.s. mobile are not declared"):
        brief_files.write_table_csv(table.assign(mobile=["x", "y"]), tmp_path / "coverage2.csv")
    assert not (tmp_path / "coverage2.csv").exists()
