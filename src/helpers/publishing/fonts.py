"""The Devanagari web font of a page: subset to the glyphs the page's text is shaped into, embedded in its CSS.

A page carries the font only when it shows Devanagari text, and then only the
glyphs its words need. The font is the variable Noto Sans Devanagari shipped by
``fontpkg-noto-sans-devanagari`` (found by :func:`helpers.presentation.charts.devanagari_font_path`);
it is first pinned to normal width and to the weights the kit uses. Then each run
of Devanagari the page can show is shaped with HarfBuzz (the shaper browsers use),
recording every glyph the shaping passes through (half forms and other steps of a
conjunct included), and HarfBuzz's subsetter keeps those glyphs and no others: a
Hindi district brief's font is about 10 KB instead of the 30 KB a subset by
characters needs, because a subset by characters keeps every conjunct its letters
could ever form. The runs are shaped again with the subset and must come out the
same, glyph for glyph and position for position; if any does not, the page gets the
subset by characters (:func:`subset_font`). Fonts are written as WOFF2 (``brotli``
is a dependency of the kit) and kept in a cache folder.

Belongs here: choosing, subsetting and encoding the font. Not here: where the
rule goes in the page (``render``), the font of charts (``presentation.charts``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import itertools
import re
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

from helpers import languages

#: The CSS family name the stylesheet puts first in ``--kit-font``.
FONT_FAMILY = "KitDevanagari"
#: Where subset fonts are kept between builds and projects on this machine (like matplotlib's font
#: cache): ``$GEM_KIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/gem-up-onboarding-kit/fonts``, else ``~/.cache/...``.
CACHE_DIR_ENV = "GEM_KIT_CACHE_DIR"
CACHE_APP_NAME = "gem-up-onboarding-kit"
#: Code points the embedded font serves (``unicode-range``); other text keeps the system font.
UNICODE_RANGE = "U+0900-097F, U+1CD0-1CFF, U+A8E0-A8FF, U+200C-200D, U+25CC, U+20B9"
#: Weight kept by default: regular only (bold text is emboldened by the browser). The
#: weight range (400, 700) keeps true bold at about 1.6 times the size.
REGULAR_WEIGHT = 400
#: Width axis value: normal width (the font also has condensed widths the kit never uses).
NORMAL_WIDTH = 100.0

#: A run: characters the embedded font serves, next to each other. A browser shapes each such run
#: on its own, since the characters around it (spaces, digits, Latin) fall to another font.
_SERVED_RUN = re.compile("[\u0900-\u097f\u1cd0-\u1cff\ua8e0-\ua8ff\u200c\u200d\u25cc\u20b9]+")
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_DATA_URI = re.compile(r"data:[^\"')\s]+")
_DEVANAGARI = re.compile("[\u0900-\u097f\u1cd0-\u1cff\ua8e0-\ua8ff]")
#: OpenType feature settings a browser may shape a run with besides its defaults: tabular figures
#: (tables have ``font-variant-numeric: tabular-nums`` in kit.css) and the optional ligatures off
#: (what ``letter-spacing`` does, as on ``.kit-chart-mark``). A setting whose features the font
#: lacks shapes like the defaults and is skipped.
OPTIONAL_FEATURE_SETTINGS: tuple[dict[str, bool], ...] = (
    {"tnum": True},
    {"liga": False, "clig": False, "calt": False, "dlig": False},
)

Weights = int | tuple[int, int]
#: The format of every font written (``fontTools``' flavour; WOFF2 needs ``brotli``, a dependency).
_FLAVOR = "woff2"


def devanagari_characters(text: str) -> str:
    """The characters of ``text`` the embedded font would draw, sorted, once each; "" without Devanagari.

    HTML character references are decoded first. A page with only a rupee sign or a
    zero-width joiner and no Devanagari letter needs no font: "" is returned.
    """
    decoded = html.unescape(text)
    if not _DEVANAGARI.search(decoded):
        return ""
    return "".join(sorted(set("".join(_SERVED_RUN.findall(decoded)))))


@lru_cache(maxsize=4)
def _pinned_font_bytes(font_path: str, weights: Weights) -> bytes:
    """The variable font pinned to normal width and ``weights`` (a weight or a range), as TTF bytes.

    Pinning takes seconds, so the result is kept in :func:`cache_dir` like the subsets.
    """

    def make() -> bytes:
        font = TTFont(font_path)
        axes = {axis.axisTag for axis in font["fvar"].axes} if "fvar" in font else set()
        pins: dict[str, float | Weights] = {"wdth": NORMAL_WIDTH, "wght": weights}
        limits = {tag: value for tag, value in pins.items() if tag in axes}
        if limits:
            font = instancer.instantiateVariableFont(font, limits)
        return _font_bytes(font)

    return _cached(_cache_path(font_path, "pinned", weights, "ttf"), make)


def cache_dir() -> Path:
    """The folder of this machine's subset fonts (see :data:`CACHE_DIR_ENV`)."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(os.environ.get(CACHE_DIR_ENV) or Path(base) / CACHE_APP_NAME / "fonts")


def _cache_path(font_path: str, content: str, weights: Weights, flavor: str) -> Path:
    """Where a font is kept between builds: named by what it is made from (font bytes, the characters or
    runs it serves, weights, format, fontTools' and HarfBuzz's versions), so a changed input never finds
    a stale file."""
    import fontTools

    from helpers.files import sha256_file

    key = hashlib.sha256(
        "|".join((sha256_file(Path(font_path)), content, repr(weights), flavor, fontTools.version,
                  hb.__version__)).encode()
    ).hexdigest()[:32]
    return cache_dir() / f"{key}.{flavor}"


def _cached(path: Path, make) -> bytes:
    """The bytes kept at ``path``, else ``make()``'s, written there for the next build."""
    from helpers.files import write_atomically

    if path.is_file():
        return path.read_bytes()
    data = make()
    with contextlib.suppress(OSError):  # an unwritable cache only costs the next build the time
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
    return data


def _font_bytes(font: TTFont, flavor: str | None = None) -> bytes:
    """The font's file as bytes: TrueType, or ``flavor`` (``_FLAVOR``: WOFF2)."""
    font.flavor = flavor
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=64)
def subset_font(font_path: Path | str, characters: str, *, weights: Weights = REGULAR_WEIGHT) -> bytes:
    """Subset the font to every glyph ``characters`` can form; return WOFF2 bytes.

    This is the subset by characters (fontTools): it keeps every conjunct, half form
    and matra the characters could make in any word, so it serves any text of those
    characters. It takes seconds and is kept in :func:`cache_dir`. A page gets the
    smaller :func:`page_font` instead; this is its fallback.

    Args:
        font_path: a TrueType font (variable or static).
        characters: the characters to keep (see :func:`devanagari_characters`).
        weights: a weight (static instance) or a ``(low, high)`` weight range to keep.

    Returns:
        The subset font file's bytes, flavoured as :func:`font_format` says.
    """

    def make() -> bytes:
        font = TTFont(io.BytesIO(_pinned_font_bytes(str(font_path), weights)))
        # every shaping feature (Indic shaping needs most of them), no names, no hinting
        options = subset.Options(layout_features=["*"], name_IDs=[], name_languages=[], notdef_outline=True,
                                 hinting=False, flavor=_FLAVOR)
        options.drop_tables += ["STAT", "DSIG"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        return _font_bytes(font, _FLAVOR)

    return _cached(_cache_path(str(font_path), characters, weights, _FLAVOR), make)


def text_runs(page: str) -> tuple[str, ...]:
    """The distinct runs of Devanagari a page can show, sorted.

    Runs are read from the text between tags (split at every tag, and joined across
    them, since a browser may shape a word across an inline element), from attribute
    values (``alt``, ``placeholder``, ``aria-label``...) and from the text of scripts
    and styles; HTML character references are decoded; data URIs are skipped.
    """
    page = _DATA_URI.sub(" ", page)
    values = " ".join(a or b for a, b in _ATTRIBUTE_VALUE.findall(page))
    texts = (_TAG.sub(" ", page), _TAG.sub("", page), values)
    return tuple(sorted({run for text in texts for run in _SERVED_RUN.findall(html.unescape(text))}))


_Shaped = list[tuple[int, int, int, int, int]]  # per glyph: id, cluster, x advance, x offset, y offset


def _shaping_settings(face: hb.Face) -> list[tuple[str | None, dict[str, bool]]]:
    """(language, features) pairs a browser may shape with, less those that shape as the defaults do."""
    tags: set[str] = set()
    font_languages: set[str] = set()
    for table in ("GSUB", "GPOS"):
        for script_index, _script in enumerate(face.get_table_script_tags(table)):
            font_languages.update(tag.strip().lower() for tag in face.get_script_language_tags(table, script_index))
            for language_index in [0xFFFF, *range(len(face.get_script_language_tags(table, script_index)))]:
                tags.update(face.get_language_feature_tags(table, script_index, language_index))
    settings: list[tuple[str | None, dict[str, bool]]] = [(None, {})]
    # the pages' languages (their ``lang``, which a browser passes to the shaper), where the font has rules for
    # them (the OpenType language system of each language's record)
    settings += [(code, {}) for code, record in languages.LANGUAGES.items()
                 if record.opentype_language.strip().lower() in font_languages]
    settings += [(None, features) for features in OPTIONAL_FEATURE_SETTINGS if tags & set(features)]
    return settings


def _variation_locations(face: hb.Face) -> list[dict[str, float]]:
    """Where to shape a variable font: its default, and the ends of every axis it keeps (a font may
    swap glyphs by weight); a static font: its only instance."""
    locations: list[dict[str, float]] = [{}]
    for axis in face.axis_infos:
        locations += [{axis.tag: end} for end in (axis.min_value, axis.max_value) if end != axis.default_value]
    return locations


def _shape_runs(font_bytes: bytes, runs: tuple[str, ...], glyphs_seen: set[int] | None = None) -> list[_Shaped]:
    """Each run shaped with every setting of :func:`_shaping_settings`, at every location of
    :func:`_variation_locations`; every glyph the substitutions pass through (not only the final
    ones) is added to ``glyphs_seen`` when it is given."""
    face = hb.Face(font_bytes)
    shaped: list[_Shaped] = []
    for (language, features), location in itertools.product(_shaping_settings(face), _variation_locations(face)):
        font = hb.Font(face)
        if location:
            font.set_variations(location)
        for run in runs:
            buffer = hb.Buffer()
            buffer.add_str(run)
            buffer.guess_segment_properties()
            if language:
                buffer.language = language
            if glyphs_seen is not None:
                in_substitution = False

                def trace(message: str, buffer: hb.Buffer = buffer) -> bool:
                    nonlocal in_substitution
                    if message.startswith("start table"):
                        in_substitution = "GSUB" in message
                    if in_substitution and not message.startswith(("skipped", "start lookup")):
                        glyphs_seen.update(info.codepoint for info in buffer.glyph_infos)
                    return True

                buffer.set_message_func(trace)
            hb.shape(font, buffer, features)
            if glyphs_seen is not None:
                glyphs_seen.update(info.codepoint for info in buffer.glyph_infos)
            shaped.append([(info.codepoint, info.cluster, pos.x_advance, pos.x_offset, pos.y_offset)
                           for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions)])
    return shaped


def _glyph_subset(font_bytes: bytes, glyph_ids: set[int], codepoints: set[int]) -> tuple[bytes, dict[int, int]]:
    """HarfBuzz's subset keeping exactly ``glyph_ids`` (and the cmap of ``codepoints``), no layout closure;
    returns the TrueType bytes and the old-to-new glyph id map."""
    subset_input = hb.SubsetInput()
    for glyph_id in glyph_ids | {0}:  # one at a time: the oldest uharfbuzz allowed may lack Set.update
        subset_input.glyph_set.add(glyph_id)
    for codepoint in codepoints:
        subset_input.unicode_set.add(codepoint)
    subset_input.flags = (hb.SubsetFlags.NO_LAYOUT_CLOSURE | hb.SubsetFlags.NO_HINTING
                          | hb.SubsetFlags.NOTDEF_OUTLINE)
    for tag in ("STAT", "DSIG"):
        subset_input.drop_table_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
    plan = hb.SubsetPlan(hb.Face(font_bytes), subset_input)
    mapping = dict(plan.old_to_new_glyph_mapping.items())
    return plan.execute().blob.data, mapping


def shaped_subset(font_bytes: bytes, runs: tuple[str, ...]) -> bytes | None:
    """The TrueType subset of ``font_bytes`` holding just the glyphs ``runs`` are shaped through, or None
    when shaping the runs with it does not give the very same glyphs and positions."""
    glyphs_seen: set[int] = set()
    expected = _shape_runs(font_bytes, runs, glyphs_seen)
    subset_bytes, new_id = _glyph_subset(font_bytes, glyphs_seen, {ord(c) for run in runs for c in run})
    renumbered = [[(new_id.get(glyph, -1), *rest) for glyph, *rest in glyphs] for glyphs in expected]
    return subset_bytes if _shape_runs(subset_bytes, runs) == renumbered else None


def page_font(font_path: Path | str, runs: tuple[str, ...], *, weights: Weights = REGULAR_WEIGHT) -> bytes:
    """The font a page embeds: :func:`shaped_subset` of the pinned font for the page's ``runs`` (see
    :func:`text_runs`), as WOFF2; the subset by characters (:func:`subset_font`) when the shaped
    subset does not shape the runs the same. Kept in :func:`cache_dir` like any subset."""

    def make() -> bytes:
        shaped = shaped_subset(_pinned_font_bytes(str(font_path), weights), runs)
        if shaped is None:
            return subset_font(str(font_path), "".join(sorted(set("".join(runs)))), weights=weights)
        return _font_bytes(TTFont(io.BytesIO(shaped)), _FLAVOR)

    return _cached(_cache_path(str(font_path), "runs:" + "\n".join(runs), weights, _FLAVOR), make)


def font_format() -> tuple[str, str]:
    """The MIME type and CSS ``format()`` of what :func:`subset_font` writes."""
    return "font/woff2", _FLAVOR


def font_face_css(page_text: str, *, weights: Weights = REGULAR_WEIGHT) -> str:
    """An ``@font-face`` rule embedding the kit's Noto Sans Devanagari for ``page_text`` (:func:`page_font`), or "".

    Args:
        page_text: everything the page shows (its HTML, or its text); scanned for Devanagari.
        weights: a weight or a ``(low, high)`` range to keep (see :data:`REGULAR_WEIGHT`).

    Returns:
        The rule (a font already on the reader's device is preferred, and only
        Devanagari code points use it), or "" when the page has no Devanagari
        or the font is not installed.
    """
    if not devanagari_characters(page_text):
        return ""
    from helpers.presentation.charts import devanagari_font_path  # matplotlib: only for a page that needs the font

    font_path = devanagari_font_path()
    if font_path is None:
        return ""
    data = page_font(str(font_path), text_runs(page_text), weights=weights)
    mime, css_format = font_format()
    encoded = base64.b64encode(data).decode("ascii")
    weight = f"{weights[0]} {weights[1]}" if isinstance(weights, tuple) else str(weights)
    # the families a reader's device may already have: the ``font_family`` of every language that embeds it
    families = dict.fromkeys(r.font_family for r in languages.LANGUAGES.values() if r.embeds_font and r.font_family)
    local = "".join(f'local("{family}"), ' for family in families)
    return (
        f"@font-face {{ font-family: {FONT_FAMILY}; font-display: swap; "
        f"font-weight: {weight}; "
        f'src: {local}url(data:{mime};base64,{encoded}) format("{css_format}"); '
        f"unicode-range: {UNICODE_RANGE}; }}"
    )

