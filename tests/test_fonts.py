"""The Devanagari font of a page: subset to what the page uses, absent when it has none."""

from __future__ import annotations

import base64
import io
import re

import pytest
from fontTools.ttLib import TTFont

from helpers.presentation.charts import devanagari_font_path
from helpers.publishing import fonts

HINDI_SENTENCE = "ज़िला वाराणसी में पंजीकृत कारीगरों की संख्या बढ़ी; प्रथम चरण का लक्ष्य ₹ में नहीं।"

pytestmark = pytest.mark.skipif(devanagari_font_path() is None, reason="fontpkg-noto-sans-devanagari not installed")


def _embedded_font(css: str) -> TTFont:
    match = re.search(r"url\(data:font/(woff2?);base64,([A-Za-z0-9+/=]+)\)", css)
    assert match, css[:200]
    return TTFont(io.BytesIO(base64.b64decode(match.group(2))))


def test_no_font_for_a_page_without_devanagari():
    page = "<html><body><h1>Key figures</h1><p>1,49,429 artisans &amp; weavers; ₹ 12 crore</p></body></html>"
    assert fonts.devanagari_characters(page) == ""
    assert fonts.font_face_css(page) == ""


def test_characters_are_decoded_sorted_and_unique():
    assert fonts.devanagari_characters("<p>&#2325;&#x915; क</p>") == "क"
    assert fonts.devanagari_characters("कि ₹") == "".join(sorted({"क", "ि", "₹"}))


def test_subset_is_much_smaller_and_keeps_every_glyph_of_the_sentence():
    page = f"<html lang='hi'><body><p>{HINDI_SENTENCE}</p><p>English text</p></body></html>"
    css = fonts.font_face_css(page)
    assert css.startswith("@font-face") and fonts.FONT_FAMILY in css and "unicode-range" in css
    subset = _embedded_font(css)
    cmap = subset.getBestCmap()
    needed = {ord(c) for c in HINDI_SENTENCE if fonts.devanagari_characters(c) or c == "₹"}
    assert needed and needed <= set(cmap)
    full_size = devanagari_font_path().stat().st_size
    embedded_size = len(base64.b64decode(re.search(r"base64,([^)]+)\)", css).group(1)))
    assert embedded_size * 5 < full_size, (embedded_size, full_size)
    rare = "ऌ"  # a letter neither the page nor the kit's own text uses
    assert rare not in HINDI_SENTENCE and rare not in fonts.base_characters() and ord(rare) not in cmap


def test_pages_share_the_kit_s_subset_and_a_page_s_own_letters_are_added():
    """Every page within the kit's own characters gets the same (cached) subset; others get theirs added."""
    first = fonts.font_face_css(f"<p>{HINDI_SENTENCE}</p>")
    assert len(fonts.devanagari_characters(HINDI_SENTENCE)) > fonts.OWN_SUBSET_MAX_CHARACTERS
    assert fonts.font_face_css(f"<p>{HINDI_SENTENCE} आगरा</p>") == first
    rare = fonts.font_face_css(f"<p>ऌ {HINDI_SENTENCE}</p>")
    assert rare != first and ord("ऌ") in _embedded_font(rare).getBestCmap()


def test_a_page_quoting_a_few_devanagari_words_embeds_only_their_letters():
    """An English page naming लखनऊ and कानपुर carries a font of those letters, not the kit's whole set."""
    quote = "<p>The Hindi text has no comma between लखनऊ and कानपुर; read as two places.</p>"
    characters = fonts.devanagari_characters(quote)
    assert len(characters) <= fonts.OWN_SUBSET_MAX_CHARACTERS
    small = _embedded_font(fonts.font_face_css(quote))
    shared = _embedded_font(fonts.font_face_css(f"<p>{HINDI_SENTENCE}</p>"))
    assert set(small.getBestCmap()) == {ord(c) for c in characters}
    assert len(small.getGlyphOrder()) * 3 < len(shared.getGlyphOrder())
    size = len(base64.b64decode(re.search(r"base64,([^)]+)\)", fonts.font_face_css(quote)).group(1)))
    assert size < 8_000, size


def test_subset_keeps_the_conjuncts_the_characters_form():
    """Shaping glyphs (here the conjunct of क्ष) survive: the subset has more glyphs than characters."""
    text = "क्ष"
    font = TTFont(io.BytesIO(fonts.subset_font(devanagari_font_path(), fonts.devanagari_characters(text))))
    assert len(font.getGlyphOrder()) > len(set(text)) + 1
    assert "GSUB" in font


def test_weight_range_keeps_the_weight_axis():
    text = fonts.devanagari_characters(HINDI_SENTENCE)
    regular = TTFont(io.BytesIO(fonts.subset_font(devanagari_font_path(), text)))
    ranged = TTFont(io.BytesIO(fonts.subset_font(devanagari_font_path(), text, weights=(400, 700))))
    assert "fvar" not in regular
    assert [(a.axisTag, a.minValue, a.maxValue) for a in ranged["fvar"].axes] == [("wght", 400, 700)]
    css = fonts.font_face_css(HINDI_SENTENCE, weights=(400, 700))
    assert "font-weight: 400 700;" in css


def test_a_subset_is_kept_between_builds_under_a_name_made_from_its_inputs(tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.CACHE_DIR_ENV, str(tmp_path))
    font_path = str(devanagari_font_path())
    fonts.subset_font.cache_clear()
    first = fonts.subset_font(font_path, "कखग")
    kept = list(tmp_path.iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == first
    kept[0].write_bytes(b"marker: read from the folder")
    fonts.subset_font.cache_clear()
    assert fonts.subset_font(font_path, "कखग") == b"marker: read from the folder"
    other = fonts.subset_font(font_path, "कखगघ")
    assert other != first and len(list(tmp_path.iterdir())) == 2
    fonts.subset_font.cache_clear()


def test_the_cache_is_the_machines_like_matplotlibs(tmp_path, monkeypatch):
    monkeypatch.delenv(fonts.CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fonts.cache_dir() == tmp_path / fonts.CACHE_APP_NAME / "fonts"
    monkeypatch.setenv(fonts.CACHE_DIR_ENV, str(tmp_path / "given"))
    assert fonts.cache_dir() == tmp_path / "given"
