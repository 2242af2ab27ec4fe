"""The column registry: every column a table shows is described once, in English and Hindi, and the docs match it."""

from __future__ import annotations

import ast
import json
import re

import pytest
import field_docs

from helpers import fields, paths
from helpers.ingest.headers import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from helpers.ingest.schema import REGISTRATIONS_SCHEMA
from helpers.presentation import display, reference_sections

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _shown_columns_in_notebooks() -> set[str]:
    """Every column name passed to ``display.show_columns`` in the notebooks (read from their code)."""
    shown: set[str] = set()
    for notebook in sorted((paths.ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "show_columns" and len(node.args) > 1:
                    shown |= {e.value for e in ast.walk(node.args[1]) if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return shown


def test_every_column_a_table_shows_is_in_the_registry() -> None:
    shown = _shown_columns_in_notebooks()
    shown |= set(reference_sections.REPRESENTATION_COLUMNS) | set(reference_sections.SNAPSHOT_COLUMNS)
    shown |= set(reference_sections.ODOP_COLUMNS)
    assert len(shown) > 40
    assert shown - set(fields.load_columns().index) == set()


def test_notebooks_02_and_03_type_no_label_dicts() -> None:
    for name in ("02_district_coverage.ipynb", "03_national_vs_up_share.ipynb"):
        code = "".join("".join(c["source"]) for c in json.loads((paths.ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
                       if c["cell_type"] == "code")
        assert "show_table(" not in code, name
        assert not re.search(r'"\w+_(count|pct)": "[A-Z]', code), name


def test_every_row_has_labels_in_both_languages_a_format_and_a_definition() -> None:
    registry = fields.load_columns()
    assert set(registry["display_format"]) <= set(fields.DISPLAY_FORMATS)
    for column, row in registry.iterrows():
        assert row["label_en"].strip() and row["description"].strip(), column
        assert DEVANAGARI.search(row["label_hi"]), column
        if row["decimals"]:
            assert row["display_format"] in ("pct", "ratio", "crore"), column
    assert fields.labels(["district", "first_order_count"], "hi") == {"district": "जनपद", "first_order_count": "प्रथम क्रयादेश"}
    assert fields.display_format("up_share_pct") == "pct" and fields.decimals("up_share_pct") == 2
    assert "Census 2011" in fields.description("registrations_per_1000_hh_industry_workers")


def test_an_unknown_column_is_a_one_line_user_error() -> None:
    from helpers.errors import UserError

    with pytest.raises(UserError, match="not in fields.csv; add a row"):
        fields.label("no_such_column", "en")


@pytest.mark.parametrize("doc", [field_docs.METRICS_DOC, field_docs.SCHEMA_DOC])
def test_docs_carry_the_registry_as_generated(doc: str) -> None:
    text = (paths.DOCS_DIR / doc).read_text(encoding="utf-8")
    assert field_docs.docs_block(doc) in text, f"run `python tests/field_docs.py` to refresh docs/{doc}"


def test_the_schema_doc_lists_every_registration_field_in_order_with_its_output_class() -> None:
    text = (paths.DOCS_DIR / field_docs.SCHEMA_DOC).read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (required|optional|derived) \| \w+ \| [^|]* \| (\w+) \|", text, re.M)
    assert [name for name, _, _ in rows] == list(REGISTRATIONS_SCHEMA.columns)
    assert {name: kind for name, kind, _ in rows if kind != "derived"} == {
        **dict.fromkeys(REQUIRED_COLUMNS, "required"), **dict.fromkeys(OPTIONAL_COLUMNS, "optional")}
    assert dict((name, cls) for name, _, cls in rows)["craft"] == "vocabulary"


def test_every_output_class_is_declared_and_personal_columns_are_not() -> None:
    registry = fields.load_columns()
    assert set(registry["reaches_output"]) <= set(fields.OUTPUT_CLASSES)
    for personal in ("name", "mobile", "phone", "email", "aadhaar", "pan", "address", "account_number"):
        assert personal not in registry.index
    with pytest.raises(RuntimeError, match="seller_name are not declared in fields.csv"):
        fields.require_declared(["district", "seller_name"], "tables.xlsx")
    fields.require_declared(["district", "craft", "value"], "tables.xlsx")


def test_a_bad_output_class_in_the_registry_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from helpers.errors import ReferenceDataError

    bad = tmp_path / "fields.csv"
    bad.write_text(fields.COLUMNS_FILE.read_text(encoding="utf-8").replace(",place,", ",free text,", 1), encoding="utf-8")
    monkeypatch.setattr(fields, "COLUMNS_FILE", bad)
    fields.load_columns.cache_clear()
    try:
        with pytest.raises(ReferenceDataError, match="reaches_output 'free text'; use one of code, place"):
            fields.load_columns()
    finally:
        fields.load_columns.cache_clear()


def test_registry_formats_shares_and_coverage_at_the_briefs_precision() -> None:
    import pandas as pd

    frame = pd.DataFrame({"up_coverage_rate_pct": [0.51718], "representation_index": [0.48810], "is_change_of_measure": [True]})
    shown = display.registry_frame(frame, list(frame.columns), "hi")
    assert list(shown.iloc[0]) == ["0.52%", "0.49", "हाँ"]
    assert list(shown.columns) == ["आधार का उ.प्र. कवरेज", "प्रतिनिधित्व सूचकांक", "केवल माप में परिवर्तन"]
