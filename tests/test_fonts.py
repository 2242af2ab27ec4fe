"""The Devanagari font of a page: subset to what the page uses, absent when it has none."""

from __future__ import annotations

import base64
import io
import re

import pytest
import uharfbuzz as hb
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


def test_subset_is_much_smaller_and_keeps_every_character_of_the_sentence():
    page = f"<html lang='hi'><body><p>{HINDI_SENTENCE}</p><p>English text</p></body></html>"
    css = fonts.font_face_css(page)
    assert css.startswith("@font-face") and fonts.FONT_FAMILY in css and "unicode-range" in css
    subset = _embedded_font(css)
    cmap = subset.getBestCmap()
    needed = {ord(c) for c in HINDI_SENTENCE if fonts.devanagari_characters(c) or c == "₹"}
    assert needed and needed <= set(cmap)
    full_size = devanagari_font_path().stat().st_size
    embedded_size = len(base64.b64decode(re.search(r"base64,([^)]+)\)", css).group(1)))
    assert embedded_size * 20 < full_size, (embedded_size, full_size)
    assert ord("ऌ") not in cmap  # a letter the page does not use


def _ttf_bytes(font: TTFont) -> bytes:
    font.flavor = None
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _drawn(font: TTFont, text: str) -> list[tuple]:
    """``text`` shaped with ``font`` (HarfBuzz), each glyph as its outline, advance and offsets: what is drawn."""
    data = _ttf_bytes(font)
    font = TTFont(io.BytesIO(data))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(hb.Font(hb.Face(data)), buffer, {})
    order, glyf = font.getGlyphOrder(), font["glyf"]
    drawn = []
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions):
        glyph = glyf[order[info.codepoint]]
        coordinates, ends, _flags = glyph.getCoordinates(glyf) if glyph.numberOfContours else ([], [], [])
        drawn.append((tuple(map(tuple, coordinates)), tuple(ends), position.x_advance, position.x_offset,
                      position.y_offset))
    return drawn


def _whole_font() -> TTFont:
    return TTFont(io.BytesIO(fonts._pinned_font_bytes(str(devanagari_font_path()), fonts.REGULAR_WEIGHT)))


#: Words whose shaping goes through half forms, conjuncts, reph, nukta and below-base forms.
CONJUNCT_WORDS = ("क्षेत्र", "ज्ञापन", "कार्यशाला", "प्रदर्शनी", "ज़िला", "उद्योग", "द्वितीय", "श्रेणी", "ट्रेन", "हस्तशिल्प", "राष्ट्रीय", "क्ष्म")


def test_the_page_font_draws_every_word_of_the_page_as_the_whole_font_does():
    """Each word, shaped with the embedded subset, gives the same outlines at the same places as with the font."""
    page = f"<p>{' '.join(CONJUNCT_WORDS)}</p><p>{HINDI_SENTENCE}</p>"
    embedded, whole = _embedded_font(fonts.font_face_css(page)), _whole_font()
    runs = fonts.text_runs(page)
    assert set(CONJUNCT_WORDS) <= set(runs)
    for word in runs:
        assert _drawn(embedded, word) == _drawn(whole, word), word


def test_the_page_font_keeps_only_what_the_page_s_words_need():
    """A subset by characters keeps every conjunct the letters could form; the page's font, its words' glyphs."""
    page = f"<p>{HINDI_SENTENCE}</p>"
    by_characters = TTFont(io.BytesIO(fonts.subset_font(devanagari_font_path(), fonts.devanagari_characters(page))))
    embedded = _embedded_font(fonts.font_face_css(page))
    assert len(embedded.getGlyphOrder()) * 2 < len(by_characters.getGlyphOrder())
    unseen = "त्र"  # made of the page's letters, but not in it: not served as the whole font draws it
    assert set(unseen) <= set(HINDI_SENTENCE) and unseen not in HINDI_SENTENCE
    assert _drawn(embedded, unseen) != _drawn(_whole_font(), unseen)
    assert _drawn(by_characters, unseen) == _drawn(_whole_font(), unseen)


def test_a_subset_that_shapes_differently_is_replaced_by_the_subset_by_characters(tmp_path, monkeypatch):
    """If one glyph a word passes through is missing, the check fails and the page gets the safe subset."""
    monkeypatch.setenv(fonts.CACHE_DIR_ENV, str(tmp_path))
    real = fonts._glyph_subset
    word = "राष्ट्रीय"  # shaped through a glyph it does not end with
    pinned = fonts._pinned_font_bytes(str(devanagari_font_path()), fonts.REGULAR_WEIGHT)
    final = {glyph for glyphs in fonts._shape_runs(pinned, (word,)) for glyph, *_ in glyphs}
    mapped = {hb.Font(hb.Face(pinned)).get_nominal_glyph(ord(c)) for c in word}  # kept through the cmap anyway

    def losing_a_step(font_bytes, glyph_ids, codepoints):
        passed_through = sorted(glyph_ids - final - mapped)
        assert passed_through, "the word passes through glyphs it does not end with"
        return real(font_bytes, glyph_ids - {passed_through[0]}, codepoints)

    assert fonts.shaped_subset(pinned, (word,)) is not None
    monkeypatch.setattr(fonts, "_glyph_subset", losing_a_step)
    assert fonts.shaped_subset(pinned, (word,)) is None
    fonts.subset_font.cache_clear()
    safe = fonts.subset_font(str(devanagari_font_path()), "".join(sorted(set(word))))
    assert fonts.page_font(devanagari_font_path(), (word,)) == safe
    fonts.subset_font.cache_clear()


def test_runs_are_read_from_text_attributes_and_across_tags():
    page = ('<p title="जनपद सूची">कुल <b>पंजी</b>करण &#2325;&#2366;</p><img alt="नक्शा" src="data:image/png;base64,AAAA">'
            '<input placeholder="खोजें"><script>const none = "कोई नहीं";</script>')
    runs = fonts.text_runs(page)
    for run in ("जनपद", "सूची", "कुल", "पंजी", "करण", "पंजीकरण", "का", "नक्शा", "खोजें", "कोई", "नहीं"):
        assert run in runs, run
    assert runs == tuple(sorted(set(runs)))
    assert fonts.text_runs("<p>English only, ₹ 5</p>") == ("₹",)


def test_a_page_quoting_a_few_devanagari_words_embeds_a_small_font():
    """An English page naming लखनऊ and कानपुर carries a font of a few glyphs, not a whole script."""
    quote = "<p>The Hindi text has no comma between लखनऊ and कानपुर; read as two places.</p>"
    small = _embedded_font(fonts.font_face_css(quote))
    assert set(small.getBestCmap()) == {ord(c) for c in fonts.devanagari_characters(quote)}
    size = len(base64.b64decode(re.search(r"base64,([^)]+)\)", fonts.font_face_css(quote)).group(1)))
    assert size < 6_000, size


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


def test_a_weight_range_is_shaped_at_both_ends():
    """With true bold kept, the words are shaped and checked at weight 400 and 700: both draw as the whole font."""
    page = f"<p>{' '.join(CONJUNCT_WORDS)}</p>"
    ranged = fonts.page_font(devanagari_font_path(), fonts.text_runs(page), weights=(400, 700))
    whole = fonts._pinned_font_bytes(str(devanagari_font_path()), (400, 700))
    for weight in (400, 700):
        for word in CONJUNCT_WORDS:
            assert _drawn_at(ranged, word, weight) == _drawn_at(whole, word, weight), (word, weight)


def _drawn_at(font_bytes: bytes, text: str, weight: int) -> list[tuple]:
    """Glyph names, advances and offsets of ``text`` shaped at ``weight`` (names are kept by both fonts)."""
    data = _ttf_bytes(TTFont(io.BytesIO(font_bytes)))
    font = hb.Font(hb.Face(data))
    font.set_variations({"wght": weight})
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    widths = [(p.x_advance, p.x_offset, p.y_offset) for p in buffer.glyph_positions]
    extents = [font.get_glyph_extents(i.codepoint) for i in buffer.glyph_infos]
    return [(w, (e.x_bearing, e.y_bearing, e.width, e.height)) for w, e in zip(widths, extents)]


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
