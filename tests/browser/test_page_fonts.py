"""The browser's check of a page's Devanagari font: it sees a glyph the page's font subset lacks.

A page embeds only the glyphs its own words are shaped into (``helpers.publishing.fonts``).
The phone checks (``test_pages.py`` and its two thirds) let the browser judge every
built page that shows Devanagari, in the same page load: the page's embedded font and the
whole font (pinned to the same weight) are added under two names of their own, and each
Devanagari run of the page's visible text and attributes (read from the DOM, not by the
kit's code) is measured with both on a canvas: the advance width and the ink's bounding box
must agree (``page_checks.FontCheck``). Here that check is shown a font that lacks a conjunct.
"""

from __future__ import annotations

import pytest

from helpers.presentation.charts import devanagari_font_path
from helpers.publishing import fonts

from .page_checks import FontCheck, PageJob, open_pages, whole_devanagari_font
from .test_pages import page_problems

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(devanagari_font_path() is None, reason="fontpkg-noto-sans-devanagari not installed")]


def test_the_check_sees_a_conjunct_the_font_lacks(chromium, tmp_path):
    """A font made for the letters क, ष and the halant alone draws क्ष as three glyphs: the check reports it."""
    page = tmp_path / "lacking.html"
    page.write_text('<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>x</title></head>'
                    "<body><p>क्ष क</p></body></html>", encoding="utf-8")
    whole = whole_devanagari_font()
    mime = fonts.font_format()[0]
    lacking = FontCheck(mime, fonts.page_font(devanagari_font_path(), ("क", "ष", "्")), whole)
    complete = FontCheck(mime, fonts.page_font(devanagari_font_path(), ("क", "ष", "्", "क्ष")), whole)
    reports = open_pages(chromium, [PageJob(page.as_uri(), font_check=lacking),
                                    PageJob(page.as_uri(), font_check=complete)])
    assert sorted(reports[0].devanagari_runs) == sorted(reports[1].devanagari_runs) == ["क", "क्ष"]
    assert [text for text, *_ in reports[0].devanagari_differences] == ["क्ष"]
    assert reports[1].devanagari_differences == []
    assert any("Devanagari drawn otherwise" in line for line in page_problems("lacking.html", reports[0]))
