"""Privacy: personal data never reaches data/processed/, published counts and CSV cells are safe."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.ingest import ingest_paths, write_outputs
from helpers.ingest.pii import header_pii_kind, redact
from helpers.privacy import escape_text, excel_safe, suppress_small_counts

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
    path = tmp_path / "in" / "planted.csv"
    path.parent.mkdir()
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
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
    ]
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


def test_escape_text():
    assert escape_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_text(None) == ""


def test_shares_of_suppressed_counts_are_hidden_too() -> None:
    import pandas as pd

    from helpers.privacy import funnel_is_publishable, suppress_shares

    frame = pd.DataFrame({"registrations_count": [9, 40, 0], "tribal_count": [1, 10, 0], "tribal_share_pct": [11.1, 25.0, float("nan")]})
    safe = suppress_shares(frame, {"tribal_share_pct": "tribal_count"}, threshold=5)
    assert list(safe["tribal_share_pct"])[:2] == ["<5", 25.0]
    assert frame["tribal_share_pct"].iloc[0] == 11.1  # input unchanged
    assert funnel_is_publishable([120, 60, 0]) and not funnel_is_publishable([120, 60, 3])
