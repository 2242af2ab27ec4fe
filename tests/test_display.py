"""Tables and notices shown in the notebooks."""

import html

import pandas as pd

from helpers.presentation import display
from helpers.campaign.phases import get_phase


def test_table_formats_numbers_the_indian_way_and_escapes_text() -> None:
    frame = pd.DataFrame(
        {"district": ["<script>alert(1)</script>", "Agra"], "count": [149429, "<5"], "share": [17.0506, float("nan")]}
    )
    page = display.table_html(frame, {"district": "District", "count": "Sellers", "share": "Share"},
                              {"count": "count", "share": "pct"}, caption="Test & table")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert '<td class="kit-num">1,49,429</td>' in page
    assert '<td class="kit-num">&lt;5</td>' in page
    assert '<td class="kit-num">17.1%</td>' in page and '<td class="kit-num">n/a</td>' in page
    assert "<td>Agra</td>" in page and "<caption>Test &amp; table</caption>" in page


def test_phase_summary_states_the_discrepancy_and_the_assumed_window() -> None:
    text = display.phase_summary_markdown(get_phase("1"))
    assert "**10 or 12?**" in text and "names 12 places" in text
    assert "**assumed**" in text and "Greater Noida → Gautam Buddha Nagar" in text
    assert "ILLUSTRATIVE" in display.phase_summary_markdown(get_phase("2"))


def test_synthetic_notice_only_for_synthetic_rows() -> None:
    assert display.synthetic_notice(pd.DataFrame({"is_synthetic": [False, False]})) is None
    notice = display.synthetic_notice(pd.DataFrame({"is_synthetic": [True, False]}))
    assert "SYNTHETIC DEMO DATA" in notice and "50%" in notice
    in_hindi = display.synthetic_notice(pd.DataFrame({"is_synthetic": [True, True, True, False]}), "hi")
    assert "काल्पनिक" in in_hindi and "75%" in in_hindi and "calibrated" not in notice


def test_format_cell_formats_by_kind_and_language() -> None:
    assert display.format_cell(0.51718, "pct", "en", 2) == "0.52%"
    assert display.format_cell(2584.47, "crore", "hi") == "₹2,584.47 करोड़"
    assert display.format_cell(False, "text", "hi") == "नहीं" and display.format_cell(True, "text") == "yes"
    assert display.format_cell(pd.Timestamp("2023-02-01"), "date") == "2023-02-01"
    assert display.format_cell(float("nan"), "text") == "" and display.format_cell("<5", "count") == "<5"


def test_every_district_brief_can_name_its_odop_product_and_marks_unverified_rows() -> None:
    from helpers.presentation import reference_sections
    from helpers.reference import tables as reference

    odop = reference.load_odop_products().set_index("district")
    for district in reference.load_districts()["district"]:
        for lang in ("en", "hi"):
            page = reference_sections.district_odop(district, lang)
            assert html.escape(odop.loc[district, "product"]) in page
            assert ("kit-warning" in page) == (odop.loc[district, "verification_status"] != "verified")


def test_gi_table_calls_registered_only_what_is_verified_and_links_sources() -> None:
    from helpers.analysis import products
    from helpers.presentation import reference_sections
    from helpers.campaign.phases import get_phase

    phase = get_phase("1")
    empty = pd.DataFrame(columns=["home_district", "gi_product"])
    gi = products.gi_coverage(empty, phase)
    page = reference_sections.gi_table(gi, "en")
    assert page.count("GI-registered") == int((gi["gi_status"] == "registered").sum())
    assert gi.loc[gi["gi_status"] == "registered", "verification_status"].str.startswith("verified").all()
    assert page.count('<a href="http') == int(gi["source_url"].fillna("").str.startswith("http").sum())
    assert "memory" not in page.casefold()
