"""Invented personal data planted through every road issue #21 names, in a registrations folder.

``plant_hostile_folder`` writes a folder whose files carry invented personal data
by every road: cells of each type (text, Excel number cells, dates typed as
text, a formula's saved value) in every column, kept or dropped; headers; sheet
names, hidden sheets included; file and folder names; the data origin column; a
remarks column. ``test_leak_harness`` searches every output for each value; the
session's full build (``conftest.full_build``) holds the folder, so every test
of the build also runs on it. Every value here is invented: no real person's data.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

#: Invented personal data, by road. Every value is distinct, so a leak names its road.
PLANTED: dict[str, str] = {
    # text cells of a CSV, one per column
    "mobile in registration_id": "+91 93845 – 21201",
    "GSTIN as gem_seller_id": "09BQRPK4321M1Z5",
    "PAN as gem_seller_id": "bqrpk-4322-m",
    "e-mail in registration_date": "kamla.r1@example.org",
    "mobile in home_district": "93845/21202",
    "aadhaar in event_district": "2345 6789 0131",
    "mobile in trade": "93845 - 21203",
    "mobile in is_woman": "98,390,21,204",
    "PAN in is_tribal": "BQRPK 4323 M",
    "mobile in craft": "93845—21205",
    "devanagari e-mail in craft": "कमला@example.org",
    "VID in gi_product": "9123 4567 8901 2346",
    "mobile in onboarding_status": "93845.21206",
    "aadhaar in catalogue_live_date": "२३४५ ६७८९ ०१३२",
    "mobile in first_order_date": "(+91) 93845-21207",
    "mobile in data_origin": "93845\u00a021208",
    "account next to IFSC in data_origin": "SBIN0004321 a/c 1234519",
    "e-mail in remarks": "ramkali.r2@example.net",
    "mobile in remarks": "93845 21209",
    # Excel number cells of a workbook, one per text column
    "number cell in craft": "9384521210",
    "number cell in gi_product": "934521211",
    "number cell in data_origin": "9384521212",
    "number cell in home_district": "9384521213",
    "number cell in gem_seller_id": "9384521214",
    "number cell in is_tribal": "9384521215",
    "number cell in registration_date": "9384521216",
    "formula's saved value in craft": "93845 21217",
    # headers, sheet names, hidden sheets, file and folder names
    "mobile in a header": "93845 21218",
    "e-mail in a header": "header.r3@example.org",
    "name as a header": "Sunaina Kumari Rawat",
    "mobile as a sheet name": "+91 93845 21219",
    "e-mail as a sheet name": "sheet.r4@example.org",
    "aadhaar as a hidden sheet's name": "3456 7890 1233",
    "mobile in a hidden sheet": "93845 21220",
    "mobile in a file name": "+91 93845 21221",
    "e-mail as a folder name": "folder.r5@example.org",
    "aadhaar in a file name": "4567-8901-2344",
    # a person's name in a column whose header names personal data
    "name in Seller Name": "Ramrati Devi Kushwaha",
    "PAN in PAN No": "ABCPK1234Q",
}
#: Names typed into the craft column: undetectable as personal data, but free text: stored as "other"
#: (``helpers.analysis.free_text.vocabulary_only``: seen in one file only), so found in no output at all.
NAMES_IN_CRAFT = ("Bhagwati Prasad Maurya", "Shyamkali Devi Nishad")
#: Bidirectional controls planted in cells and names: removed from everything printed or stored.
BIDI = ("\u202e", "\u2067")

_TO_ASCII = str.maketrans("०१२३४५६७८९", "0123456789")
HEADER = ["Registration ID", "GeM Seller ID", "Registration Date", "Home District", "Event District", "Trade",
          "Woman", "Tribal", "Craft", "GI Product", "Onboarding Status", "Catalogue Live Date", "First Order Date",
          "Data Origin", "Remarks", "Seller Name", "PAN No"]
_COLUMN = {name: position for position, name in enumerate(
    ["registration_id", "gem_seller_id", "registration_date", "home_district", "event_district", "trade", "is_woman",
     "is_tribal", "craft", "gi_product", "onboarding_status", "catalogue_live_date", "first_order_date",
     "data_origin", "remarks", "seller_name", "pan"])}


def _row(row_id: str, **cells: object) -> list[object]:
    row: list[object] = [row_id, "", "15-11-2021", "Mirzapur", "Mirzapur", "weaver", "no", "no", "durrie", "",
                         "registered", "", "", "SYNTHETIC TEST", "", "", ""]
    for column, value in cells.items():
        row[_COLUMN[column]] = value
    return row


def _text_rows() -> list[list[object]]:
    """One row per text-cell road, the rest of the row clean; then names in craft, bidi controls."""
    rows = []
    for number, (road, value) in enumerate(PLANTED.items(), start=1):
        kind, _, column = road.partition(" in ")
        if road.endswith("gem_seller_id") and road.startswith(("GSTIN", "PAN")):
            column, value = "gem_seller_id", value
        elif not column or kind.startswith(("number cell", "formula")) or column not in {*_COLUMN, "remarks"}:
            continue
        if column == "craft":
            value = f"durrie {value}"
        rows.append(_row(f"HL-T{number:02d}", **{column: value}))
    rows.append(_row("HL-S01", seller_name=PLANTED["name in Seller Name"], pan=PLANTED["PAN in PAN No"]))
    for number, name in enumerate(NAMES_IN_CRAFT, start=1):
        rows.append(_row(f"HL-N{number:02d}", craft=name))
    rows.append(_row("HL-B01", craft=f"carpet{BIDI[0]} weaving", data_origin=f"{BIDI[1]}SYNTHETIC TEST"))
    return rows


def _number_rows() -> list[list[object]]:
    rows = []
    for number, (road, value) in enumerate(PLANTED.items(), start=1):
        if road.startswith("number cell in "):
            column = road.removeprefix("number cell in ")
            rows.append(_row(f"HL-X{number:02d}", **{column: int(value)}))
    rows.append(_row("HL-F01", craft="=CONCATENATE(\"CACHED\",\"1\")"))
    return rows


def _save_workbook(path: Path, sheets: dict[str, tuple[list[list[object]], bool]], cached: dict[str, str]) -> None:
    """A workbook of ``{title: (rows, hidden)}``; each formula naming a key of ``cached`` gets that saved value."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, (rows, hidden) in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = "hidden" if hidden else "visible"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    for name, data in members.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            text = data.decode("utf-8")
            for marker, value in cached.items():
                text = re.sub(rf'(<c r="[A-Z]+\d+")(><f>[^<]*{marker}[^<]*</f>)<v\s*/?>(?:</v>)?',
                              lambda m, v=value: f'{m.group(1)} t="str"{m.group(2)}<v>{v}</v>', text)
            members[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def plant_hostile_folder(root: Path) -> Path:
    """Write the hostile registrations folder under ``root``; return it."""
    folder = root / f"office of {PLANTED['e-mail as a folder name']}" / f"week{BIDI[0]}1"
    folder.mkdir(parents=True)
    header = [*HEADER, f"Contact {PLANTED['mobile in a header']}", PLANTED["e-mail in a header"],
              PLANTED["name as a header"]]
    text_rows = [[*row, "", "", "x"] for row in _text_rows()]
    pd.DataFrame(text_rows, columns=header).to_csv(
        folder / f"forwarded from {PLANTED['mobile in a file name']}.csv", index=False)
    hidden_rows = [["lists", "values"], ["weaver", PLANTED["mobile in a hidden sheet"]]]
    _save_workbook(
        folder / f"Aadhaar {PLANTED['aadhaar in a file name']} sheets.xlsx",
        {PLANTED["mobile as a sheet name"]: ([HEADER, *_number_rows()], False),
         PLANTED["e-mail as a sheet name"]: ([HEADER, _row("HL-E01")], False),
         PLANTED["aadhaar as a hidden sheet's name"]: (hidden_rows, True)},
        {"CACHED": "durrie " + PLANTED["formula's saved value in craft"]},
    )
    return root
