"""In Chromium, every Devanagari word a built page shows is drawn by the page's embedded font as by the whole font.

A page embeds only the glyphs its own words are shaped into (``helpers.publishing.fonts``).
Here the browser itself is the judge: the page is opened, its embedded font and the
whole font (pinned to the same weight) are added under two names of their own, and
each Devanagari run of the page's visible text and attributes (read from the DOM, not
by the kit's code) is measured with both on a canvas: the advance width and the ink's
bounding box must agree. A glyph missing from the subset (a conjunct drawn as its
letters with a visible halant, a letter drawn by a fallback font) changes them.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from helpers.presentation.charts import devanagari_font_path
from helpers.publishing import fonts

from .page_checks import PAGE_TIMEOUT_MS

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(devanagari_font_path() is None, reason="fontpkg-noto-sans-devanagari not installed")]

_EMBEDDED = re.compile(r"url\(data:(font/woff2?);base64,([A-Za-z0-9+/=]+)\)")
_RUNS_SCRIPT = r"""() => {
  const run = /[\u0900-\u097F\u1CD0-\u1CFF\uA8E0-\uA8FF\u200C\u200D\u25CC\u20B9]+/g;
  const texts = [document.body.innerText, document.title];
  for (const element of document.querySelectorAll('[alt], [title], [placeholder], [aria-label]')) {
    for (const name of ['alt', 'title', 'placeholder', 'aria-label']) {
      if (element.getAttribute(name)) texts.push(element.getAttribute(name));
    }
  }
  return [...new Set(texts.flatMap(text => text.match(run) || []))];
}"""
_MEASURE_SCRIPT = """async ([runs, subset, whole]) => {
  const sample = runs.join(' ');
  await document.fonts.load(`40px ${subset}`, sample);
  await document.fonts.load(`40px ${whole}`, sample);
  const context = document.createElement('canvas').getContext('2d');
  const measure = (family, text) => {
    context.font = `40px ${family}`;
    const m = context.measureText(text);
    return [m.width, m.actualBoundingBoxLeft, m.actualBoundingBoxRight, m.actualBoundingBoxAscent,
            m.actualBoundingBoxDescent];
  };
  const differing = [];
  for (const text of runs) {
    const a = measure(subset, text), b = measure(whole, text);
    const widthOff = Math.abs(a[0] - b[0]) > 0.01;
    const inkOff = a.slice(1).some((v, i) => Math.abs(v - b[i + 1]) > 1.0);
    if (widthOff || inkOff) differing.push([text, a, b]);
  }
  return differing;
}"""


def _font_face(family: str, mime: str, data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'@font-face {{ font-family: {family}; src: url(data:{mime};base64,{encoded}); }}'


def words_drawn_differently(browser, page_path: Path, embedded: tuple[str, bytes] | None = None) -> list:
    """The page's Devanagari runs whose width or ink differ between its embedded font and the whole font."""
    html = page_path.read_text(encoding="utf-8")
    if embedded is None:
        found = _EMBEDDED.search(html)
        assert found, f"{page_path.name}: shows Devanagari but embeds no font"
        embedded = (found.group(1), base64.b64decode(found.group(2)))
    whole = fonts._pinned_font_bytes(str(devanagari_font_path()), fonts.REGULAR_WEIGHT)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(page_path.as_uri(), wait_until="load")
        page.add_style_tag(content=_font_face("KitCheckSubset", embedded[0], embedded[1])
                           + _font_face("KitCheckWhole", "font/ttf", whole))
        runs = page.evaluate(_RUNS_SCRIPT)
        assert runs, f"{page_path.name}: no Devanagari found in the page"
        return page.evaluate(_MEASURE_SCRIPT, [runs, "KitCheckSubset", "KitCheckWhole"])
    finally:
        context.close()


def _pages_with_devanagari(reports_dir: Path) -> list[Path]:
    """Pages that draw Devanagari: in their text or shown attributes (a ``data-`` attribute, such as the
    index's search keys of the Hindi district names, is never drawn)."""
    def drawn(html: str) -> str:
        return re.sub(r'\sdata-[\w-]+="[^"]*"', "", html)

    return [p for p in sorted(reports_dir.rglob("*.html")) if fonts.devanagari_characters(drawn(p.read_text(encoding="utf-8")))]


def test_every_devanagari_word_of_every_built_page_is_drawn_as_the_whole_font_draws_it(browser, reports_dir):
    pages = _pages_with_devanagari(reports_dir)
    assert any(p.name.endswith(".hi.html") for p in pages)
    problems = {p.relative_to(reports_dir).as_posix(): words_drawn_differently(browser, p) for p in pages}
    assert {name: words[:3] for name, words in problems.items() if words} == {}


def test_the_check_sees_a_conjunct_the_font_lacks(browser, tmp_path):
    """A font made for the letters क, ष and the halant alone draws क्ष as three glyphs: the check reports it."""
    page = tmp_path / "lacking.html"
    page.write_text('<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8"><title>x</title></head>'
                    "<body><p>क्ष क</p></body></html>", encoding="utf-8")
    lacking = fonts.page_font(devanagari_font_path(), ("क", "ष", "्"))
    mime = fonts.font_format()[0]
    differing = words_drawn_differently(browser, page, embedded=(mime, lacking))
    assert [text for text, *_ in differing] == ["क्ष"]
