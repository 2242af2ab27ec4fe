"""Tables and notices shown in the notebooks."""

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
