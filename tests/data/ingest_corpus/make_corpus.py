"""Write the ingest test corpus: awkward and broken registration sheets, one behaviour each.

Run from the project root: ``.venv/bin/python tests/data/ingest_corpus/make_corpus.py``.
The outputs are committed; ``expected.yaml`` (written by hand) says what the
kit must make of each. Binary files (xlsx, UTF-16, cp1252) are generated here
so that they can be re-made and reviewed as code.
"""

from __future__ import annotations

import codecs
import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = [
    "registration_id", "gem_seller_id", "registration_date", "home_district", "event_district", "trade",
    "is_woman", "is_tribal", "craft", "gi_product", "onboarding_status", "data_origin",
]


def row(rid: str, date: str = "15-11-2021", home: str = "Mirzapur", event: str = "Mirzapur", trade: str = "weaver",
        woman: str = "no", tribal: str = "no", craft: str = "carpet weaving", gi: str = "",
        status: str = "registered", origin: str = "SYNTHETIC TEST", seller: str = "") -> list[str]:
    return [rid, seller, date, home, event, trade, woman, tribal, craft, gi, status, origin]


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(str(v)) for v in r) + "\r\n" for r in rows)


def write_csv(name: str, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> None:
    (HERE / name).write_bytes(csv_text(rows, delimiter).encode(encoding))


def main() -> None:
    write_csv("01_clean_utf8.csv", [HEADER, row("C-001"), row("C-002", home="Bhadohi", trade="artisan"),
                                    row("C-003", home="Varanasi", event="Varanasi", woman="yes",
                                        gi="Banaras Brocades and Sarees")])
    (HERE / "02_utf8_bom.csv").write_bytes(
        codecs.BOM_UTF8 + csv_text([HEADER, row("B-001", home="आगरा", event="Agra"), row("B-002", home="लखनऊ")]).encode()
    )
    write_csv("03_cp1252.csv", [HEADER, row("W-001", craft="Zari – zardozi"), row("W-002", craft="Crème pottery")],
              encoding="cp1252")
    (HERE / "04_utf16_tab.csv").write_bytes(
        codecs.BOM_UTF16_LE
        + csv_text([HEADER, row("U-001", home="मिर्जापुर", event="भदोही"), row("U-002", home="मीरजापुर", event="वाराणसी")],
                   delimiter="\t").encode("utf-16-le")
    )
    write_csv("05_cp1252_hindi_lost.csv", [HEADER, row("Q-001", home="????????"), row("Q-002", home="Agra")],
              encoding="cp1252")

    workbook = Workbook()
    first = workbook.active
    first.title = "Mirzapur"
    first.append(HEADER)
    first.append(row("X-001"))
    first.append(row("X-002", woman="yes"))
    second = workbook.create_sheet("Bhadohi")
    second.append(HEADER)
    second.append(row("X-003", home="Bhadohi", event="Bhadohi"))
    workbook.create_sheet("Sheet3")
    workbook.save(HERE / "06_workbook_sheets.xlsx")

    write_csv("07_hindi_headers.csv", [
        ["पंजीकरण संख्या", "पंजीकरण तिथि", "जनपद", "कार्यक्रम जनपद", "श्रेणी", "महिला", "जनजाति", "शिल्प", "स्थिति"],
        ["H-001", "१५-११-२०२१", "गोरखपुर", "गोरखपुर", "बुनकर", "हाँ", "नहीं", "टेराकोटा", "पंजीकृत"],
        ["H-002", "२५-११-२०२१", "कन्नौज", "कन्नौज", "कारीगर", "नहीं", "नहीं", "इत्र", "कैटलॉग लाइव"],
        ["H-003", "०३-१२-२०२१", "मुरादाबाद", "मुरादाबाद", "हस्तशिल्पी", "हां", "हाँ", "पीतल", "पहला ऑर्डर"],
    ])

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registrations"
    sheet.append(HEADER)
    sheet.append(row("S-001", date=44501))  # Excel serial number: 2021-11-01
    sheet.append(row("S-002", date=dt.datetime(2021, 11, 20)))
    sheet.append(row("S-003", date="2021-12-01"))
    workbook.save(HERE / "08_excel_serial_dates.xlsx")

    write_csv("09_serial_in_csv.csv", [HEADER, row("N-001", date="44501"), row("N-002", date="44530")])
    write_csv("10_ambiguous_dates.csv", [HEADER, row("A-001", date="03/04/22"), row("A-002", date="05/06/2022")])
    write_csv("11_ambiguous_settled.csv", [HEADER, row("A-101", date="03/04/22"), row("A-102", date="25/11/2021"),
                                           row("A-103", date="13.12.2021")])
    write_csv("12_impossible_dates.csv", [HEADER, row("I-001", date="31-02-2022"), row("I-002", date="2099-01-01"),
                                          row("I-003", date="15-06-2012"), row("I-004", date="yesterday")])
    write_csv("13_other_state.csv", [HEADER, row("O-001", home="Patna"), row("O-002", event="Dehradun"),
                                     row("O-003", home="Hamirpur")])
    write_csv("14_typo_fixable.csv", [HEADER, row("T-001", home="Varansi"), row("T-002", home="Gorakpur")])
    write_csv("15_typo_unfixable.csv", [HEADER, row("T-101", home="Lukhnow"), row("T-102", home="Xyzabad")])
    write_csv("16_greater_noida.csv", [HEADER, row("G-001", event="Greater Noida"), row("G-002", event="ग्रेटर नोएडा"),
                                       row("G-003", event="Kanpur")])
    write_csv("17_junk_rows.csv", [HEADER, row("J-001"), row("J-002"), ["Total", "", "", "", "", "", "", "", "", "", "", ""],
                                   ["कुल", "2", "", "", "", "", "", "", "", "", "", ""],
                                   ["", "", "Prepared by: R. K. Verma, DIC", "", "", "", "", "", "", "", "", ""],
                                   ["हस्ताक्षर", "", "", "", "", "", "", "", "", "", "", ""]])
    write_csv("18_blank_rows.csv", [HEADER, row("K-001"), [""] * 12, [], row("K-002"), ["  ", "", "", "", "", "", "", "", "", "", "", ""],
                                    row("K-003")])

    folder = HERE / "19_duplicates_across_files"
    folder.mkdir(exist_ok=True)
    (folder / "a_first.csv").write_text(csv_text([HEADER, row("D-001", seller="GEM-SELLER-1"), row("D-002")]), encoding="utf-8")
    (folder / "b_second.csv").write_text(
        csv_text([HEADER, row("D-001"), row("d-002"), row("D-003", seller="GEM-SELLER-1"), row("D-004")]), encoding="utf-8"
    )

    write_csv("21_pii_columns.csv", [
        HEADER + ["Seller Name", "Mobile No", "Aadhaar No", "आधार संख्या", "पता", "Email ID", "Bank A/C", "IFSC", "Remarks", "Col X"],
        row("P-001") + ["Ramesh Kumar", "9876543210", "2345 6789 0123", "3456 7890 1234", "Village Gopiganj",
                        "ramesh@example.com", "123456789012", "SBIN0001234", "good", "9123456780"],
        row("P-002") + ["Sita Devi", "+91 98765 43211", "234567890124", "345678901235", "ग्राम चौरी", "sita@example.in",
                        "98765432109", "PUNB0123400", "", ""],
    ])
    write_csv("22_aadhaar_in_craft.csv", [HEADER, row("PA-001", craft="carpet weaving 2345 6789 0123"),
                                          row("PA-002", craft="9876543210"),
                                          row("PA-003", craft="zari; contact ABCPE1234F / x@y.com")])
    write_csv("23_formula_craft.csv", [HEADER, row("F-001", craft='=HYPERLINK("http://example.com/x","click")'),
                                       row("F-002", craft="+cmd|' /C calc'!A0"), row("F-003", craft="@SUM(1+1)"),
                                       row("F-004", trade="=1+1")])
    write_csv("24_script_craft.csv", [HEADER, row("SC-001", craft="<script>alert(1)</script>")])
    write_csv("25_missing_column.csv", [[h for h in HEADER if h != "registration_date"],
                                        [v for i, v in enumerate(row("M-001")) if i != 2],
                                        [v for i, v in enumerate(row("M-002")) if i != 2]])
    (HERE / "26_empty.csv").write_bytes(b"")
    rng = random.Random(26)
    (HERE / "27_binary.csv").write_bytes(bytes(rng.randrange(256) for _ in range(2048)))
    (HERE / "28_xlsx_renamed.csv").write_bytes((HERE / "06_workbook_sheets.xlsx").read_bytes())
    write_csv("29_semicolon.csv", [HEADER, row("SE-001"), row("SE-002", craft="zari, zardozi")], delimiter=";")

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "GeM Camp"
    sheet.append(["District Industries Centre, Agra: GeM registration camp"])
    sheet.append([])
    sheet.append(HEADER + ["Remarks"])
    sheet.append(row("TR-001", home="Agra", event="Agra", craft="leather footwear") + ["ok"])
    sheet.append(row("TR-002", home="Firozabad", event="Agra", craft="glass bangles") + ["call again"])
    workbook.save(HERE / "30_title_rows.xlsx")

    write_csv("32_messy_headers.csv", [
        ["  REGISTRATION-ID ", "Reg. Date", "DISTRICT", "Event   District", "Category", "Woman?", "Tribal", "Craft",
         "Status"],
        ["MH-001", "2021-11-15", "Distt. Agra", "Varanasi district", "Artisans", "Y", "N", "durrie", "Catalog Live"],
        ["MH-002", "15.11.2021", "जिला आगरा", "जनपद वाराणसी", "WEAVER", "TRUE", "FALSE", "durrie", "First Order Received"],
        ["MH-003", "16-Nov-2021", "Allahabad", "Faizabad", "other", "1", "0", "moonj", "registered"],
    ])
    write_csv("33_duplicate_headers.csv", [HEADER + ["District"], row("DH-001") + ["Agra"]])
    write_csv("34_bad_values.csv", [HEADER, row("BV-001", trade="painter"), row("BV-002", status="done"),
                                    row("BV-003", woman="maybe"), row("", craft="durrie")])
    (HERE / "35_old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    write_csv("36_duplicates_within_sheet.csv", [HEADER, row("DW-001", seller="S1"), row("DW-001"),
                                                 row("DW-002", seller="S1"), row("DW-003", seller="S3")])

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([1001, None, dt.date(2022, 1, 10), "Meerut", "Meerut", "artisan", True, False, "sports goods", None,
                  "first order", None])
    sheet.append([1002.0, None, dt.date(2022, 1, 11), "Meerut", "Meerut", "artisan", 1, 0, "scissors", None,
                  "registered", None])
    workbook.save(HERE / "37_xlsx_typed_cells.xlsx")

    write_csv("38_month_first.csv", [HEADER, row("MF-001", date="12/25/2021"), row("MF-002", date="04/03/2022")])
    write_csv("39_old_names.csv", [HEADER, row("ON-001", home="Sant Ravidas Nagar", event="Bhadohi"),
                                   row("ON-002", home="Jyotiba Phule Nagar", event="Moradabad"),
                                   row("ON-003", home="Kanshiram Nagar", event="Aligarh")])

    # Personal data typed into coded, date and id columns: never shown, the ids rejected.
    write_csv("40_pii_in_coded_and_id_columns.csv", [
        HEADER,
        row("PC-001", woman="9988776655"),
        row("PC-002", date="ramkali.devi@example.net"),
        row("PC-003", tribal="AKLPD1234Q"),
        row("PC-004", trade="Smt. Ramkali Devi w/o Shri Ram Lal"),
        row("PC-005", status="98.765.43.210"),
        row("PC-006", trade="Ramkali Devi"),
        row("2345 6789 0123"),
        row("2345 6789 0123"),
        row("PC-009", seller="GEMS-9876501234"),
        row("UPGEM-P1-000123", seller="GEMS-7Q1OH81N"),
    ])

    # A folder with files the kit does not read: each gets a line, except README, sidecar and hidden files.
    folder = HERE / "41_folder_with_other_files"
    folder.mkdir(exist_ok=True)
    write_csv("41_folder_with_other_files/a_sheet.csv", [HEADER, row("OF-001")])
    for name in ("b_old.xls", "c_macro.xlsm", "d_libre.ods"):
        (folder / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (folder / "e_notes.txt").write_text("registrations of the Agra camp\n", encoding="utf-8")
    (folder / "README.md").write_text("Sheets of the Agra camp.\n", encoding="utf-8")
    (folder / "a_sheet.csv.meta.yaml").write_text("source: Agra DIC\n", encoding="utf-8")
    (folder / ".hidden.ods").write_bytes(b"")
    (folder / "~$a_sheet.xlsx").write_bytes(b"")

    # Headers with "Name" that are not personal data, next to ones that are.
    write_csv("42_name_headers.csv", [
        ["Reg No", "Date", "District Name", "Event District", "Trade", "Woman", "Tribal", "Craft Name",
         "GI Product Name", "Status", "Seller Name", "Artisan Name", "नाम", "Father's Name"],
        ["NH-001", "15-11-2021", "Agra", "Agra", "artisan", "no", "no", "durrie weaving", "Agra Durrie", "registered",
         "Shyam Lal", "Shyam Lal", "श्याम लाल", "Ram Lal"],
    ])

    write_issue9_files()
    write_issue23_files()


def blank_row(first: str = "", **cells: str) -> list[str]:
    """A line of the standard layout with only some cells filled (by column name)."""
    line = [""] * len(HEADER)
    line[0] = first
    for name, value in cells.items():
        line[HEADER.index(name)] = value
    return line


def write_issue9_files() -> None:
    """Files of issue 9: junk rows by shape, other states, hidden and summary sheets, Excel artefacts,
    control characters, no header row, no rows, personal data with every separator, stage dates."""
    # Ids that begin like a marker are registrations; lines without a registration's shape are skipped.
    write_csv("43_junk_by_shape.csv", [
        HEADER, row("SUMERPUR/HMR/0001", home="Hamirpur", event="Hamirpur"), row("Sum-77"),
        row("NOTE-2021-001", home="Agra", event="Agra"),
        blank_row("Total", registration_date="3"), blank_row("", is_woman="1", is_tribal="0", onboarding_status="3"),
        blank_row("Note: data as on 30-11-2021"), blank_row("", craft="Signature of General Manager, DIC"),
        row("X-SHORT", date="", home="", event="", trade="", woman="", tribal="", craft="", status=""),
    ])
    write_csv("44_other_state_qualified.csv", [
        HEADER, row("OQ-001", home="Hamirpur (H.P.)"), row("OQ-002", event="Pratapgarh (Rajasthan)"),
        row("OQ-003", home="Bilaspur, HP"), row("OQ-004", home="Agra, U.P.", event="Pratapgarh (U.P.)"),
    ])

    workbook = Workbook()
    registrations = workbook.active
    registrations.title = "Registrations"
    registrations.append(HEADER)
    registrations.append(row("HS-001"))
    registrations.append(row("HS-002", home="Bhadohi"))
    summary = workbook.create_sheet("Summary")
    summary.append(["District", "Registrations"])
    summary.append(["Mirzapur", 1])
    summary.append(["Bhadohi", 1])
    lists = workbook.create_sheet("Lists")
    lists.append(["Trade", "Status", "Woman", "Tribal"])
    lists.append(["artisan", "registered", "yes", "yes"])
    lists.append(["weaver", "catalogue live", "no", "no"])
    lists.sheet_state = "hidden"
    workbook.save(HERE / "45_hidden_and_summary_sheets.xlsx")

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append(["District", "Registrations"])
    summary.append(["Mirzapur", 12])
    workbook.save(HERE / "46_only_a_summary.xlsx")

    write_csv("47_excel_errors.csv", [
        HEADER, row("#DIV/0!"), row("EE-002", gi="#N/A"), row("EE-003", home="#REF!"), row("EE-004", date="#VALUE!"),
        row("EE-005", trade="#NAME?"), row("EE-006", seller="#NULL!"), row("EE-007"),
    ])
    write_csv("48_scientific_ids.csv", [HEADER, row("2.02111E+11"), row("2.02111E+11"), row("202111000003")])
    write_csv("49_control_characters.csv", [
        HEADER, row("CC-\x00001", craft="carpet\x00 weaving\x07"), row("CC-002", origin="SYNTHETIC\x1b TEST"),
    ])
    # No header row: its first row (a name and a mobile number) must never be printed.
    write_csv("50_no_header_row.csv", [
        ["NH-001", "15-11-2021", "Kamla Devi Prajapati", "9839012345", "Mirzapur", "weaver"],
        ["NH-002", "16-11-2021", "Shanti Devi", "9839012346", "Bhadohi", "weaver"],
    ])
    write_csv("51_header_only.csv", [HEADER])
    write_csv("52_pii_separators.csv", [
        HEADER + ["Kamla Devi 98390 12345"],
        *[row(f"PS-{i:03d}", craft=f"durrie {value}") + [""] for i, value in enumerate(PII_SEPARATOR_FORMS, start=1)],
        row("PS-100", home="Kamla Devi") + [""],
        row("PS-101", trade="Kamla Devi Prajapati") + [""],
    ])
    stage_header = HEADER + ["catalogue_live_date", "First Order Date"]
    write_csv("53_stage_dates.csv", [
        stage_header,
        row("SD-001", date="2021-11-15", status="first order") + ["2021-11-20", "2021-12-05"],
        row("SD-002", date="2021-11-15", status="catalogue live") + ["2021-11-25", ""],
        row("SD-003", date="2021-11-15") + ["", ""],
        row("SD-004", date="2021-11-15", status="catalogue live") + ["2021-11-01", ""],
    ])
    write_csv("54_hindi_stage_dates.csv", [
        ["पंजीकरण संख्या", "पंजीकरण तिथि", "जनपद", "कार्यक्रम जनपद", "श्रेणी", "महिला", "जनजाति", "शिल्प", "स्थिति",
         "कैटलॉग लाइव तिथि", "पहला ऑर्डर तिथि"],
        ["HS-001", "१५-११-२०२१", "गोरखपुर", "गोरखपुर", "बुनकर", "हाँ", "नहीं", "टेराकोटा", "पहला ऑर्डर", "२०-११-२०२१",
         "०५-१२-२०२१"],
    ])
    write_csv("55_many_columns.csv", [HEADER + [f"Extra {i}" for i in range(1, 61)], row("MC-001") + ["x"] * 60])



def write_issue23_files() -> None:
    """Files of issue 23: the day/month order of a sheet's dates that could be read either way."""
    write_csv("56_dates_day_first_default.csv", [HEADER] + [row(f"DD-{i:03d}", date="05-12-2021") for i in range(1, 5)])
    write_csv("57_dates_month_first_proven.csv", [HEADER, row("DM-001", date="05/12/2021"),
                                                  row("DM-002", date="05/13/2021"), row("DM-003", date="03/04/2022")])
    write_csv("58_dates_both_orders.csv", [HEADER, row("DB-001", date="03/04/2022"), row("DB-002", date="13/05/2021"),
                                           row("DB-003", date="05/13/2021")])


#: The same personal data written every way people type it (planted in 52_pii_separators.csv).
PII_SEPARATOR_FORMS = (
    "983-901-2348", "98 39 01 23 49", "+91.98390.12352", "+91 98390 12353", "(+91) 98390-12354", "098390 12355",
    "98390\u00a012356", "98390  12357", "९८३९०१२३५८", "4567  8901 2345", "4567\u00a08901\u00a02346",
    "4567.8901.2347", "4567-8901-2348", "(4567) 8901 2349", "kamla.devi @ example.org", "BQRPK 4321 M",
    "HDFC0004321", "a/c 3098-7654-3210", "a/c 30987654321",
)


if __name__ == "__main__":
    main()
