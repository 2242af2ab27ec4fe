"""Privacy: personal data never reaches data/processed/, published counts and CSV cells are safe."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.ingest import ingest_paths, write_outputs
from helpers.ingest.pii import header_pii_kind, redact
from helpers.analysis.privacy import excel_safe, suppress_small_counts

PLANTED = {
    "name": "Kamla Devi Prajapati",
    "father": "Shri Ram Prasad",
    "mobile": "9812345670",
    "mobile_hi": "९८१२३४५६७१",
    "aadhaar": "4567 8901 2345",
    "aadhaar_plain": "567890123456",
    "pan": "BQRPK4321M",
    "email": "kamla.devi@example.org",
    "address": "Mohalla Kazipura, Gali 4",
    "account": "30987654321",
    "ifsc": "HDFC0004321",
    # typed into a coded, date or id column
    "mobile_in_woman": "9988776655",
    "email_in_date": "ramkali.devi@example.net",
    "pan_in_tribal": "AKLPD1234Q",
    "name_in_trade": "Smt. Ramkali Devi w/o Shri Ram Lal",
    "dotted_phone_in_status": "98.765.43.210",
    "aadhaar_as_id": "2345 6789 0123",
    "mobile_in_seller_id": "GEMS-9876501234",
}


def planted_sheet(tmp_path):
    header = ["Reg No", "Date", "District", "Event District", "Trade", "Woman", "Tribal", "Craft", "Status",
              "Artisan Name", "Father's Name", "Mobile No", "मोबाइल", "Aadhaar", "PAN No", "E-mail", "पता",
              "Bank Account No", "IFSC Code", "Notes"]
    rows = [
        ["PII-1", "2022-01-10", "Bhadohi", "Bhadohi", "weaver", "yes", "no", "carpet " + PLANTED["aadhaar_plain"],
         "registered", PLANTED["name"], PLANTED["father"], PLANTED["mobile"], PLANTED["mobile_hi"], PLANTED["aadhaar"],
         PLANTED["pan"], PLANTED["email"], PLANTED["address"], PLANTED["account"], PLANTED["ifsc"],
         "call " + PLANTED["mobile"]],
        ["PII-2", "2022-01-11", "Bhadohi", "Bhadohi", "weaver", "no", "no", PLANTED["email"] + " " + PLANTED["pan"],
         "registered", PLANTED["name"], "", "", "", "", "", "", "", "", "", ""],
        ["PII-3", "2022-01-12", "Bhadohi " + PLANTED["mobile"], "Bhadohi", "weaver", "no", "no", "durrie",
         "registered", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    clean = ["", "2022-01-13", "Bhadohi", "Bhadohi", "weaver", "no", "no", "durrie", "registered"] + [""] * 11
    hostile = [  # (column, value): one hostile cell per row, the rest clean
        (5, PLANTED["mobile_in_woman"]), (1, PLANTED["email_in_date"]), (6, PLANTED["pan_in_tribal"]),
        (4, PLANTED["name_in_trade"]), (8, PLANTED["dotted_phone_in_status"]), (0, PLANTED["aadhaar_as_id"]),
        (0, PLANTED["aadhaar_as_id"]),
    ]
    for number, (position, value) in enumerate(hostile, start=4):
        cells = list(clean)
        cells[0] = f"PII-{number}"
        cells[position] = value
        rows.append(cells)
    path = tmp_path / "in" / "planted.csv"
    path.parent.mkdir()
    frame = pd.DataFrame(rows, columns=header)
    frame.insert(1, "GeM Seller ID", "")
    frame.loc[len(frame)] = ["PII-11", PLANTED["mobile_in_seller_id"], *clean[1:]]
    frame.to_csv(path, index=False)
    return path


def test_no_planted_personal_data_reaches_any_output(tmp_path):
    result = ingest_paths([planted_sheet(tmp_path)])
    out = tmp_path / "out"
    written = write_outputs(result, out)
    assert set(written.values()) == set(out.iterdir())
    texts = [p.read_text(encoding="utf-8-sig") for p in out.glob("*.csv")]
    accepted = pd.read_parquet(written["registrations"]).astype(str).to_csv()
    lines = "\n".join(p.line() for p in result.problems)
    for kind, secret in PLANTED.items():
        for text in [*texts, accepted, lines]:
            assert secret not in text, kind
    # the rows are kept, the personal data columns are listed with the reason
    assert result.accepted["registration_id"].tolist() == ["PII-1"]
    assert result.accepted["craft"].tolist() == ["carpet [removed]"]
    # a required value that held nothing but personal data rejects its row, showing only the marker
    assert result.rejected[["source_row", "column", "value"]].values.tolist() == [
        [3, "craft", "[removed]"],
        [4, "home_district", "Bhadohi [removed]"],
        # personal data in a coded, date or id column: the row is rejected, the value not shown
        [5, "is_woman", "[removed]"],
        [6, "registration_date", "[removed]"],
        [7, "is_tribal", "[removed]"],
        [8, "trade", "[removed]"],
        [9, "onboarding_status", "[removed]"],
        [10, "registration_id", "[removed]"],
        [11, "registration_id", "[removed]"],
        [12, "gem_seller_id", "[removed]"],
    ]
    assert result.rejected["problem"].tolist()[-3:] == [
        "looks like personal data (Aadhaar number), not an id",
        "looks like personal data (Aadhaar number), not an id",
        "looks like personal data (mobile number), not an id",
    ]
    assert result.duplicates.empty  # the repeated Aadhaar "id" is rejected, not filed as a duplicate
    dropped = dict(zip(result.dropped_columns["column"], result.dropped_columns["reason"]))
    assert dropped["Mobile No"] == "personal data (mobile number) by its header"
    assert dropped["पता"] == "personal data (address) by its header"
    assert dropped["Notes"] == "personal data (mobile number) in its values"
    assert len(dropped) == 11


@pytest.mark.parametrize(
    ("header", "kind"),
    [("Name of Artisan", "name"), ("Mobile No.", "mobile number"), ("मोबाइल नंबर", "mobile number"),
     ("आधार संख्या", "Aadhaar number"), ("PAN", "PAN"), ("Address", "address"), ("IFSC", "bank details"),
     ("Craft", None), ("Registration Date", None), ("Trade", None)],
)
def test_header_patterns(header, kind):
    assert header_pii_kind(header) == kind


def test_rejected_coded_values_are_shown_only_when_short_and_without_long_numbers():
    from helpers.ingest.pii import shown_coded_value

    assert shown_coded_value("painter") == "painter"
    assert shown_coded_value("Ramkali Devi") == "[text removed: 12 characters]"  # two words like no trade
    assert shown_coded_value("weever s", ("weaver", "artisan")) == "weever s"  # two words close to a known value
    assert shown_coded_value("हाँ जी") == "[text removed: 6 characters]"
    assert shown_coded_value("Smt. Ramkali Devi w/o Shri Ram Lal") == "[removed]"  # over 20 characters
    assert shown_coded_value("98.765.43.210") == "[removed]"  # a run of 6+ digits, separators ignored
    assert shown_coded_value("a@b.in") == "[removed]"


def test_ids_that_are_personal_data_are_found_in_bulk_as_one_by_one():
    from helpers.ingest.pii import id_pii_kinds

    ids = ["UPGEM-P1-000123", "GEMS-7Q1OH81N", "UPGEM-B-0000001", "2345 6789 0123", "234567890124", "UP-9876543210",
           "a@b.in", "BQRPK4321M", "98765 43210", None, "1001", "UPGEM-P2-019405"]
    expected = [None, None, None, "Aadhaar number", "Aadhaar number", "mobile number", "e-mail address", "PAN",
                "mobile number", None, None, None]
    assert id_pii_kinds(ids) == expected
    many = [f"UPGEM-P1-{i:06d}" for i in range(5000)] + ids[:9]
    assert id_pii_kinds(many) == [None] * 5000 + expected[:9]


def test_redact_keeps_the_rest_of_the_value():
    assert redact("zardozi 98123 45670") == ("zardozi [removed]", ["mobile number"])
    assert redact("chikan embroidery") == ("chikan embroidery", [])


def test_suppress_small_counts():
    frame = pd.DataFrame({"district": ["A", "B", "C", "D"], "registrations_count": [0, 1, 4, 5], "other": [1, 2, 3, 4]})
    out = suppress_small_counts(frame, ["registrations_count"])
    assert out["registrations_count"].tolist() == [0, "<5", "<5", 5]
    assert out["registrations_count"].dtype == object
    assert out["other"].tolist() == [1, 2, 3, 4]
    assert frame["registrations_count"].tolist() == [0, 1, 4, 5]
    assert suppress_small_counts(frame, ["registrations_count"], threshold=3)["registrations_count"].tolist() == [0, "<3", 4, 5]
    with pytest.raises(KeyError, match="nope"):
        suppress_small_counts(frame, ["nope"])


def test_excel_safe_quotes_formula_cells_only():
    frame = pd.DataFrame({"text": ["=1+1", "+cmd", "-x", "@SUM(A1)", "\tx", "carpet", None], "n": [-1, 2, 3, 4, 5, 6, 7]})
    out = excel_safe(frame)
    assert out["text"].tolist()[:6] == ["'=1+1", "'+cmd", "'-x", "'@SUM(A1)", "'\tx", "carpet"]
    assert pd.isna(out["text"].iloc[6])
    assert out["n"].tolist() == [-1, 2, 3, 4, 5, 6, 7]
    assert frame["text"].iloc[0] == "=1+1"


def test_shares_of_suppressed_counts_are_hidden_too() -> None:
    import pandas as pd

    from helpers.analysis.privacy import funnel_is_publishable, suppress_shares

    frame = pd.DataFrame({"registrations_count": [9, 40, 0], "tribal_count": [1, 10, 0], "tribal_share_pct": [11.1, 25.0, float("nan")]})
    safe = suppress_shares(frame, {"tribal_share_pct": "tribal_count"}, threshold=5)
    assert list(safe["tribal_share_pct"])[:2] == ["<5", 25.0]
    assert frame["tribal_share_pct"].iloc[0] == 11.1  # input unchanged
    assert funnel_is_publishable([120, 60, 0]) and not funnel_is_publishable([120, 60, 3])


@pytest.mark.parametrize(
    ("header", "column"),
    [("District Name", "home_district"), ("Name of District", "home_district"), ("जनपद का नाम", "home_district"),
     ("Event District Name", "event_district"), ("Craft Name", "craft"), ("Product Name", "craft"),
     ("GI Product Name", "gi_product"), ("District", "home_district")],
)
def test_headers_naming_a_place_or_a_craft_are_kept(header, column):
    from helpers.ingest.headers import map_headers

    mapping = map_headers(1, [header], lambda position: ["Agra"])
    assert mapping.columns == {column: 0}
    assert mapping.dropped == []


@pytest.mark.parametrize(
    "header", ["Name", "Seller Name", "Artisan Name", "नाम", "Father's Name", "Name of Artisan", "Woman Entrepreneur Name",
               "Artisan/Weaver Name", "Seller ID Name"],
)
def test_headers_naming_a_person_are_still_dropped(header):
    from helpers.ingest.headers import map_headers

    mapping = map_headers(1, [header], lambda position: ["Ramkali Devi"])
    assert mapping.columns == {}
    assert [reason for _, _, reason in mapping.dropped] == ["personal data (name) by its header"]


#: One mobile number, one Aadhaar number and one bank account, typed every way people type them.
SEPARATOR_FORMS = {
    "9839012348": ["983-901-2348", "98 39 01 23 48", "+91.98390.12348", "+91 98390 12348", "(+91) 98390-12348",
                   "098390 12348", "98390\u00a012348", "98390  12348", "९८३९०१२३४८", "+91-9839012348", "(0)9839012348",
                   "98390\u200b12348"],
    "456789012345": ["4567  8901 2345", "4567\u00a08901\u00a02345", "4567.8901.2345", "4567-8901-2345",
                     "(4567) 8901 2345", "४५६७ ८९०१ २३४५", "4567 8901 2345", "456789012345"],
    "30987654321": ["3098-7654-321", "30987654321", "309 876 543 21"],
}
_BETWEEN_DIGITS = r"(?<=\d)[\s.\-()\[\]/+\u200b]+(?=\d)"
_TO_ASCII = str.maketrans("०१२३४५६७८९", "0123456789")


def _digits_joined(text: str) -> str:
    """``text`` with Devanagari digits as ASCII and every separator between two digits removed."""
    import re

    return re.sub(_BETWEEN_DIGITS, "", text.translate(_TO_ASCII))


@pytest.mark.parametrize(("digits", "typed"), [(d, t) for d, forms in SEPARATOR_FORMS.items() for t in forms])
def test_every_separator_form_is_found_and_removed(digits, typed):
    cleaned, kinds = redact(f"durrie {typed} weaving")
    assert kinds, typed
    assert digits not in _digits_joined(cleaned)
    assert cleaned.startswith("durrie ") and cleaned.endswith(" weaving")


def test_no_separator_form_reaches_any_output(tmp_path):
    forms = [t for ts in SEPARATOR_FORMS.values() for t in ts]
    header = ["Reg No", "Date", "District", "Event District", "Trade", "Woman", "Tribal", "Craft", "Status", "Notes",
              f"Kamla Devi {forms[0]}"]
    rows = []
    for index, typed in enumerate(forms, start=1):
        rows.append([f"SEP-{index}", "2022-01-10", "Bhadohi", "Bhadohi", "weaver", "no", "no", f"durrie {typed}",
                     "registered", f"call {typed}", typed])
    rows.append(["SEP-90", "2022-01-10", f"Kamla Devi {forms[1]}", "Bhadohi", "weaver", "no", "no", "durrie",
                 "registered", "", ""])
    rows.append(["SEP-91", "2022-01-10", "Bhadohi", "Bhadohi", f"Kamla {forms[2]}", "no", "no", "durrie",
                 "registered", "", ""])
    path = tmp_path / "in" / "separators.csv"
    path.parent.mkdir()
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    result = ingest_paths([path])
    written = write_outputs(result, tmp_path / "out")
    texts = [p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").glob("*.csv")]
    texts.append(pd.read_parquet(written["registrations"]).astype(str).to_csv())
    texts.append("\n".join(p.line() for p in result.problems))
    for text in texts:
        joined = _digits_joined(text)
        for digits in SEPARATOR_FORMS:
            assert digits not in joined
        assert "Kamla" not in text
    assert len(result.accepted) == len(forms)  # personal data cut out, the rows kept
    assert "[removed]" in set(result.dropped_columns["column"])  # the header holding a name and a number
