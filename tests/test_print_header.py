"""The running footer of printed pages: title, phase and as-of date, in the page's language, safely quoted."""

from __future__ import annotations

import datetime as dt

from helpers.presentation import i18n
from helpers.publishing import print_header


def test_running_line_in_english_and_hindi():
    english = print_header.running_line(title="Phase brief", phase="Phase 1", as_of=dt.date(2022, 3, 31), lang="en")
    assert english == "Phase brief · Phase 1 · figures as of 31-03-2022"
    hindi = print_header.running_line(title="चरण ब्रीफ़", phase="प्रथम चरण", as_of="31-03-2022", lang="hi")
    assert hindi == i18n.t("print.running", "hi", title="चरण ब्रीफ़ · प्रथम चरण", date="31-03-2022")
    assert "चरण ब्रीफ़" in hindi and "31-03-2022" in hindi


def test_running_line_says_the_phase_once_and_keeps_the_date_of_a_long_title():
    phase = "Phase 2 (illustrative): buyer-seller workshops in all 75 districts"
    line = print_header.running_line(title=f"Gautam Buddha Nagar: {phase}", phase=phase, as_of="2023-08-31", lang="en")
    assert line.count("Phase 2") == 1 and line.endswith("figures as of 31-08-2023")
    assert len(line) <= print_header.MAX_TITLE_CHARS + len(" · figures as of 31-08-2023")


def test_footer_css_adds_the_line_to_the_bottom_left_margin_box_after_print_css():
    css = print_header.running_footer_css(title="Brief", phase="Phase 1", as_of=dt.date(2022, 3, 31), lang="en")
    assert css.startswith(print_header.print_stylesheet())
    assert '@page { @bottom-left { content: "Brief · Phase 1 · figures as of 31-03-2022"; } }' in css
    assert "@bottom-left" in print_header.print_stylesheet() and "font-size" in print_header.print_stylesheet()


def test_title_text_cannot_break_out_of_the_css_string_or_the_style_element():
    css = print_header.running_footer_css(title='A "quoted"\\ title\n</style><script>x</script>', phase="1",
                                          as_of="31-03-2022", lang="en")
    rule = css.split("@page { @bottom-left { content: ", 1)[1]
    assert "</style>" not in css.lower() and "<script>" not in rule
    assert rule.startswith('"A \\"quoted\\"\\\\ title \\3C /style>')  # newline folded, quotes escaped
