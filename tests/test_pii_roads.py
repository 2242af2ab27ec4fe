"""Every road personal data could take to an output (issue #21), one at a time.

New shapes of numbers, e-mails, PANs, GSTINs and Aadhaar VIDs; number cells of
a workbook; names of files, folders and sheets; bidirectional controls;
harmless symbols shown as they are; unmatched crafts counted, not shown. Every
value here is invented: no real person's data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.ingest import ingest_paths, write_outputs
from helpers.ingest.cli import report
from helpers.ingest.pii import (
    REDACTED,
    id_pii_kinds,
    redact,
    redact_name,
    shown_coded_value,
    shown_date_value,
    shown_of_kind,
)
from helpers.ingest.problems import Problem, show_value, without_controls

#: Digits of any script as ASCII, and every separator between two digits removed: a number's "digits-only" form.
_DIGITS = str.maketrans("०१२३४५६७८९০১২৩৪৫৬৭৮৯０１２３４５６７８９", "012345678901234567890123456789")


def digits_joined(text: str) -> str:
    return re.sub(r"(?<=\d)[^\w@]+(?=\d)", "", text.translate(_DIGITS))


#: (typed, the digits or text that must not survive): the shapes issue #21 found stored or printed.
NEW_SHAPES = [
    ("93845 – 21234", "9384521234"),  # en dash
    ("93845—21234", "9384521234"),  # em dash
    ("93845/21234", "9384521234"),  # slash
    ("98,390,12,345", "9839012345"),  # comma grouping
    ("93845 - 21234", "9384521234"),  # spaced dash
    ("93845 \u2013 21234", "9384521234"),
    ("98390\u202f12345", "9839012345"),  # narrow no-break space
    ("+91 - 98390 - 12345", "9839012345"),
    ("98390 ; 12345", "9839012345"),
    ("२३४५ ६७८९ ०१२३", "234567890123"),  # Devanagari digits
    ("২৩৪৫ ৬৭৮৯ ০১২৩", "234567890123"),  # Bengali digits
    ("９８３９０１２３４５", "9839012345"),  # full-width digits
    ("9123 4567 8901 2345", "9123456789012345"),  # Aadhaar VID (16 digits)
    ("9123-4567-8901-2345", "9123456789012345"),
    ("कमला@example.org", "कमला"),  # e-mail with a Devanagari local part
    ("कमला.देवी@उदाहरण.भारत", "कमला.देवी"),
    ("kamla.devi [at] example.org", "kamla.devi"),
    ("bqrpk4321m", "bqrpk4321m"),  # PAN in lower case
    ("BQRPK-4321-M", "4321"),  # PAN with dashes
    ("BQRPK 4321 M", "4321"),
    ("09BQRPK4321M1Z5", "4321"),  # GSTIN
    ("09-BQRPK-4321-M-1Z5", "4321"),
    ("SBIN0001234 a/c 1234567", "1234567"),  # account next to an IFSC
    ("account no 87654321", "87654321"),
]


@pytest.mark.parametrize(("typed", "secret"), NEW_SHAPES)
def test_every_new_shape_is_found_and_removed(typed, secret):
    cleaned, kinds = redact(f"durrie {typed} weaving")
    assert kinds, typed
    assert secret not in cleaned and secret not in digits_joined(cleaned), cleaned
    assert cleaned.startswith("durrie ") and cleaned.endswith(" weaving")


@pytest.mark.parametrize("text", ["carpet weaving", "zari 2 pcs", "Agra 2021-12-05 to 2022-01-07", "1,00,000",
                                  "phase-1", "चिकनकारी", "2021-12-05 10:30", "05/12/2021, 12/12/2021"])
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == (text, [])


@pytest.mark.parametrize("symbol", ["✓", "✗", "-", "—", "?", "n/a", "*"])
def test_harmless_symbols_are_shown_as_they_are(symbol):
    assert show_value(symbol) == symbol
    assert shown_of_kind(symbol) == symbol
    assert shown_coded_value(symbol) == symbol
    assert REDACTED not in shown_date_value(symbol)


def test_bidirectional_controls_are_removed_from_what_is_shown():
    override = "carpet\u202eevil\u202c \u2066x\u2069\u200f"
    assert without_controls(override) == "carpetevil x"
    assert "\u202e" not in show_value(override) and "\u202e" not in shown_of_kind(override)
    line = Problem("a\u202e.csv", "Sheet\u2067", 2, "craft", "x\u202ey", "is odd", "fix it").line()
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f]", line)


@pytest.mark.parametrize(("name", "secret"), [
    ("forwarded from +91 98390 12345.csv", "9839012345"),
    ("data/raw/registrations/kamla.devi@example.org/a.csv", "kamla.devi"),
    ("kamla.devi@example.org.xlsx", "kamla.devi"),
    ("२३४५ ६७८९ ०१२३", "234567890123"),
    ("Sheet BQRPK4321M", "BQRPK4321M"),
    ("09BQRPK4321M1Z5.csv", "4321"),
    ("98390\u202e12345.csv", "9839012345"),
])
def test_names_of_files_folders_and_sheets_are_redacted(name, secret):
    redacted = redact_name(name)
    assert secret not in redacted and secret not in digits_joined(redacted), redacted
    assert redact_name(redacted) == redacted  # idempotent
    assert "\u202e" not in redacted
    if name.endswith((".csv", ".xlsx")):
        assert redacted.endswith(name[name.rindex("."):])  # the extension is kept


@pytest.mark.parametrize("name", ["Agra_2021-12-05.xlsx", "demo/week-03.csv", "Sheet1", "Bhadohi",
                                  "data/raw/registrations/demo/phase-1/SYNTHETIC_phase-1_2022-02-20_week-16.csv",
                                  "Agra 2021-12-05 2021-12-12.xlsx", "वाराणसी.csv", "Agra_20211205_20220107.xlsx"])
def test_ordinary_names_are_unchanged(name):
    assert redact_name(name) == name


@pytest.mark.parametrize(("header", "shown"), [
    ("Remarks", "Remarks"), ("Extra 10", "Extra 10"), ("Seller Name", "Seller Name"), ("Mobile No", "Mobile No"),
    ("Kamla Devi", "[text removed: 10 characters]"), ("Kamla Devi 98390 12345", REDACTED),
    ("kamla.devi@example.org", REDACTED), ("Ramkali\u202e Devi Nishad", "[text removed: 19 characters]"),
])
def test_dropped_headers_are_listed_only_when_they_look_like_headers(header, shown):
    from helpers.ingest.pii import shown_dropped_header

    assert shown_dropped_header(header) == shown


def test_a_seller_id_holding_a_pan_or_gstin_is_personal_data():
    ids = ["09BQRPK4321M1Z5", "GEM-BQRPK4321M", "bqrpk4321m", "GEMS-7Q1OH81N", "UPGEM-P1-000123", "9123 4567 8901 2345"]
    assert id_pii_kinds(ids) == ["GSTIN", "PAN", "PAN", None, None, "Aadhaar VID"]
    many = [f"UPGEM-P1-{i:06d}" for i in range(5000)] + ids
    assert id_pii_kinds(many)[-6:] == ["GSTIN", "PAN", "PAN", None, None, "Aadhaar VID"]


HEADER = ["registration_id", "gem_seller_id", "registration_date", "home_district", "event_district", "trade",
          "is_woman", "is_tribal", "craft", "gi_product", "onboarding_status", "data_origin"]


def _row(number: int, **cells: object) -> list[object]:
    row = {"registration_id": f"R-{number:03d}", "gem_seller_id": "", "registration_date": "15-11-2021",
           "home_district": "Mirzapur", "event_district": "Mirzapur", "trade": "weaver", "is_woman": "no",
           "is_tribal": "no", "craft": "durrie", "gi_product": "", "onboarding_status": "registered",
           "data_origin": "TEST", **cells}
    return [row[c] for c in HEADER]


def _outputs_text(result, out: Path) -> str:
    written = write_outputs(result, out)
    parts = [p.read_text(encoding="utf-8-sig") for p in out.glob("*.csv")]
    parts.append(pd.read_parquet(written["registrations"]).astype(str).to_csv())
    parts.append("\n".join(p.line() for p in result.problems))
    return "\n".join(parts)


def test_no_new_shape_reaches_the_cleaned_table(tmp_path):
    path = tmp_path / "in" / "shapes.csv"
    path.parent.mkdir()
    rows = [_row(i, craft=f"durrie {typed}") for i, (typed, _) in enumerate(NEW_SHAPES, start=1)]
    rows += [_row(100 + i, data_origin=f"sent by {typed}") for i, (typed, _) in enumerate(NEW_SHAPES, start=1)]
    rows += [_row(200, gem_seller_id="09BQRPK4321M1Z5"), _row(201, gem_seller_id="bqrpk 4321 m")]
    pd.DataFrame(rows, columns=HEADER).to_csv(path, index=False)
    result = ingest_paths([path])
    text = _outputs_text(result, tmp_path / "out")
    for typed, secret in NEW_SHAPES:
        assert secret not in text and secret not in digits_joined(text), typed
    assert len(result.accepted) == 2 * len(NEW_SHAPES)  # cut out, rows kept
    assert set(result.rejected["column"]) == {"gem_seller_id"}


def _workbook(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def test_number_cells_of_a_workbook_are_scanned_in_every_text_column(tmp_path):
    rows = [HEADER,
            _row(1, craft=9839012345),  # an Excel number cell in the craft column
            _row(2, gi_product=456789012345),
            _row(3, data_origin=9123456789012345),
            _row(4, craft=98390.12345),
            _row(5, home_district=9876501234),
            _row(6, gem_seller_id=9988776655),
            _row(7, is_woman=9876512345),
            _row(8, registration_date=9876512346),
            _row(9, craft="zardozi", data_origin=2345),  # a short number is not personal data
            ]
    path = _workbook(tmp_path / "in" / "numbers.xlsx", {"Registrations": rows})
    result = ingest_paths([path])
    text = _outputs_text(result, tmp_path / "out")
    for secret in ("9839012345", "456789012345", "9123456789012345", "983901234", "9876501234", "9988776655",
                   "9876512345", "9876512346"):
        assert secret not in digits_joined(text), secret
    accepted = result.accepted.set_index("registration_id")
    assert accepted.loc["R-002", "gi_product"] != accepted.loc["R-002", "gi_product"]  # removed: blank (NaN)
    assert accepted.loc["R-009", "data_origin"] == "2345"
    assert "R-001" not in accepted.index  # the craft held only personal data: rejected
    assert result.quality["values_redacted"].sum() >= 4


def test_names_of_files_folders_and_sheets_never_reach_an_output(tmp_path):
    folder = tmp_path / "in" / "from kamla.devi@example.org"
    _workbook(folder / "forwarded from +91 98390 12345.xlsx", {
        "+91 98390 12345": [HEADER, _row(1)],
        "ramkali.devi@example.net": [HEADER, _row(2)],
        "२३४५ ६७८९ ०१२३": [["lists"], ["a"]],
    }, hidden=("२३४५ ६७८९ ०१२३",))
    (folder / "9876501234 notes.txt").write_text("x", encoding="utf-8")
    result = ingest_paths([tmp_path / "in"], latest=None)
    text = _outputs_text(result, tmp_path / "out")
    from io import StringIO

    printed = StringIO()
    report(result, out=printed)
    text += printed.getvalue()
    for secret in ("kamla.devi", "9839012345", "ramkali.devi", "234567890123", "9876501234"):
        assert secret not in text and secret not in digits_joined(text), secret
    assert len(result.accepted) == 2
    assert set(result.accepted["source_sheet"]) == {"+xx xxxxx xxxxx", REDACTED}
    assert all("xxxxx xxxxx.xlsx" in f for f in result.accepted["source_file"])


def test_bidirectional_controls_never_reach_the_cleaned_table_or_the_lines(tmp_path):
    path = tmp_path / "in" / "bidi\u202e.csv"
    path.parent.mkdir()
    rows = [_row(1, craft="carpet\u202e weaving", data_origin="\u2066TEST\u2069"), _row(2, trade="weaver\u202e x y")]
    pd.DataFrame(rows, columns=HEADER).to_csv(path, index=False)
    result = ingest_paths([path])
    text = _outputs_text(result, tmp_path / "out")
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", text)
    assert result.accepted["craft"].tolist() == ["carpet weaving"]


def test_harmless_symbols_in_rejected_cells_are_shown(tmp_path):
    path = tmp_path / "in" / "symbols.csv"
    path.parent.mkdir()
    rows = [_row(1, is_woman="✗"), _row(2, is_tribal="-"), _row(3, trade="✓")]
    pd.DataFrame(rows, columns=HEADER).to_csv(path, index=False)
    result = ingest_paths([path])
    shown = dict(zip(result.rejected["column"], result.rejected["value"]))
    assert shown == {"is_woman": "✗", "is_tribal": "-", "trade": "✓"}


# ------------------------------------------------------------- unmatched crafts on the pages


def _registrations(crafts_by_file: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(craft, name) for name, crafts in crafts_by_file.items() for craft in crafts]
    return pd.DataFrame(rows, columns=["craft", "source_file"])


def test_unmatched_crafts_are_counted_and_named_only_through_the_allow_list():
    from helpers.analysis.free_text import OTHER, unmatched_craft_forms

    paragraph = "a long paragraph " * 200
    regs = _registrations({
        "a.csv": ["carpet weaving"] * 3 + ["moonj basketry"] * 3 + ["Kamla Devi"] * 6 + ["zari 98390"] * 5
                 + [paragraph] * 5 + ["كمالا ديفي"] + ["wood work"] * 2,
        "b.csv": ["moonj basketry"] * 2 + ["zari 98390"] * 2 + ["wood work"] * 3 + ["x" * 41] * 6,
        "c.csv": ["x" * 41] * 1,
    })
    forms = unmatched_craft_forms(regs)
    named = forms.loc[~forms["is_other"], "craft"].tolist()
    assert "moonj basketry" in named  # 5 times in 2 files, letters and spaces
    assert "Kamla Devi" not in named  # 6 times, but in one file only
    assert not any("98390" in f or "paragraph" in f or "ديفي" in f or f.startswith("xxxx") for f in named)
    assert forms.iloc[-1]["craft"] == OTHER and bool(forms.iloc[-1]["is_other"])
    assert "carpet weaving" not in forms["craft"].tolist()  # a known craft is matched, not counted here
    assert forms["registrations_count"].sum() == len(regs) - 3  # every unmatched registration, once
    assert named == ["moonj basketry", "wood work"]  # 5 times in 2 files each, most frequent first, then by name
    assert forms.loc[~forms["is_other"], "registrations_count"].tolist() == [5, 5]


def test_the_coverage_table_of_unmatched_crafts_shows_no_unnamed_text():
    from helpers.analysis.free_text import unmatched_craft_forms
    from helpers.presentation.reference_sections import unmatched_crafts_frame, unmatched_crafts_text

    regs = _registrations({"a.csv": ["Sunita Kumari Verma"] * 7, "b.csv": ["ghee lamps"] * 3, "c.csv": ["ghee lamps"] * 3})
    forms = unmatched_craft_forms(regs)
    shown = unmatched_crafts_frame(forms, "en")
    assert shown["craft"].tolist() == ["ghee lamps", "Other"]
    assert shown["registrations_count"].tolist() == [6, 7]
    assert "अन्य" in unmatched_crafts_frame(forms, "hi")["craft"].tolist()
    sentence = unmatched_crafts_text(forms, 20)
    assert "Sunita" not in sentence and "13 of 20" in sentence


def test_provenance_shows_file_names_redacted_beside_their_digest():
    from helpers.publishing.provenance import redacted_inputs

    inputs = {"data/raw/registrations/forwarded from +91 98390 12345.csv": "ab" * 32, "data/raw/a.csv": "cd" * 32}
    assert redacted_inputs(inputs) == (("data/raw/a.csv", "cd" * 32),
                                       ("data/raw/registrations/forwarded from +xx xxxxx xxxxx.csv", "ab" * 32))


def test_free_text_is_stored_only_as_its_vocabulary(tmp_path):
    """A bare name, a sentence or a one-office spelling typed into craft, gi_product or data_origin reaches no
    output, not even registrations.parquet; known forms and forms many offices wrote are kept as written."""
    folder = tmp_path / "in"
    folder.mkdir()
    for office in ("a", "b"):
        rows = [_row(i, craft="zari patti work", data_origin="DIC camp") for i in range(3)]  # 6 rows, 2 files
        rows += [_row(10, craft="Ramesh Kumar Verma", gi_product="Sita Devi", data_origin="sent by Ramesh Kumar"),
                 _row(11, craft="carpet weaving", gi_product="Handmade Carpet of Bhadohi"),
                 _row(12, craft="a paragraph about the seller's family, village and bank " * 3)]
        pd.DataFrame([[f"{office}{cell}" if c == 0 else cell for c, cell in enumerate(r)] for r in rows],
                     columns=HEADER).to_csv(folder / f"office_{office}.csv", index=False)
    result = ingest_paths([folder])
    assert "Ramesh Kumar Verma" in set(result.accepted["craft"])  # in memory, the checker sees the sheet as sent
    written = write_outputs(result, tmp_path / "out")
    stored = pd.read_parquet(written["registrations"])
    assert len(stored) == len(result.accepted) == 12  # no row lost
    assert stored["craft"].value_counts().to_dict() == {"zari patti work": 6, "carpet weaving": 2, "other": 4}
    assert stored["gi_product"].value_counts().to_dict() == {"Handmade Carpet of Bhadohi": 2, "other": 2}
    # "TEST" (the default origin of the other rows) is written 4 times: too rare to be a vocabulary
    assert stored["data_origin"].value_counts().to_dict() == {"DIC camp": 6, "other": 6}
    assert stored["gi_product"].isna().sum() == 8  # blanks stay blank
    text = _outputs_text(result, tmp_path / "out")
    for typed in ("Ramesh", "Sita Devi", "paragraph"):
        assert typed not in text, typed


def test_one_office_spelling_or_a_rare_form_is_stored_as_other():
    from helpers.analysis.free_text import vocabulary_only

    regs = pd.DataFrame({"craft": pd.array(["zari patti work"] * 5 + ["gulabi meenakari"] * 4 + ["x1 craft"] * 6, dtype="str"),
                         "gi_product": pd.array([None] * 15, dtype="str"),
                         "data_origin": pd.array(["SYNTHETIC DEMO - not real registrations"] * 15, dtype="str"),
                         "source_file": ["one.csv"] * 5 + ["one.csv", "two.csv"] * 2 + ["one.csv", "two.csv"] * 3})
    stored = vocabulary_only(regs)
    # five rows but one file; four rows in two files; digits are no craft word: all other. The kit's own origin stays.
    assert stored["craft"].tolist() == ["other"] * 15
    assert set(stored["data_origin"]) == {"SYNTHETIC DEMO - not real registrations"}
    assert stored["gi_product"].isna().all()
