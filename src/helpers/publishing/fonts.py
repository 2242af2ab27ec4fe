"""The Devanagari web font of a page: subset to the glyphs the page uses, embedded in its CSS.

A page carries the font only when it shows Devanagari text, and then only the
glyphs its characters can need (the subsetter follows the font's shaping rules,
so conjuncts, half forms and matras that those characters form are kept). The
font is the variable Noto Sans Devanagari shipped by ``fontpkg-noto-sans-devanagari``
(found by :func:`helpers.presentation.charts.devanagari_font_path`); it is first
pinned to normal width and to the weights the kit uses, then subset per page, and
written as WOFF2 when the ``brotli`` module is installed, else as WOFF (zlib).

Belongs here: choosing, subsetting and encoding the font. Not here: where the
rule goes in the page (``render``), the font of charts (``presentation.charts``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import re
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

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

_SERVED = re.compile("[\u0900-\u097f\u1cd0-\u1cff\ua8e0-\ua8ff\u200c\u200d\u25cc\u20b9]")
_DEVANAGARI = re.compile("[\u0900-\u097f\u1cd0-\u1cff\ua8e0-\ua8ff]")
_LOCAL_NAME = "Noto Sans Devanagari"
#: Signs any Hindi figure or sentence may use, kept in every subset: the rupee sign, visarga,
#: candrabindu, anusvara, nukta, the candra vowels, the danda and the Devanagari digits.
_COMMON_SIGNS = "₹ःँं़ॅॉऑ।॥०१२३४५६७८९\u200c\u200d"

Weights = int | tuple[int, int]


def has_brotli() -> bool:
    """Whether WOFF2 can be written (it needs the ``brotli`` module)."""
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


def devanagari_characters(text: str) -> str:
    """The characters of ``text`` the embedded font would draw, sorted, once each; "" without Devanagari.

    HTML character references are decoded first. A page with only a rupee sign or a
    zero-width joiner and no Devanagari letter needs no font: "" is returned.
    """
    decoded = html.unescape(text)
    if not _DEVANAGARI.search(decoded):
        return ""
    return "".join(sorted(set(_SERVED.findall(decoded))))


@lru_cache(maxsize=4)
def _pinned_font_bytes(font_path: str, weights: Weights) -> bytes:
    """The variable font pinned to normal width and ``weights`` (a weight or a range), as TTF bytes."""
    font = TTFont(font_path)
    axes = {axis.axisTag for axis in font["fvar"].axes} if "fvar" in font else set()
    limits: dict[str, float | tuple[int, int]] = {}
    if "wdth" in axes:
        limits["wdth"] = NORMAL_WIDTH
    if "wght" in axes:
        limits["wght"] = weights
    if limits:
        font = instancer.instantiateVariableFont(font, limits)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _subset_options(flavor: str) -> subset.Options:
    options = subset.Options()
    options.layout_features = ["*"]  # every shaping feature: Indic shaping needs most of them
    options.name_IDs = []
    options.name_languages = []
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["STAT", "DSIG"]
    options.flavor = flavor
    return options


def cache_dir() -> Path:
    """The folder of this machine's subset fonts (see :data:`CACHE_DIR_ENV`)."""
    import os

    given = os.environ.get(CACHE_DIR_ENV)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / CACHE_APP_NAME / "fonts"


def _cache_path(font_path: str, characters: str, weights: Weights, flavor: str) -> Path:
    """Where a subset is kept between builds: named by what it is made from (font bytes, characters,
    weights, format, fontTools' version), so a changed input never finds a stale file."""
    import fontTools

    from helpers.files import sha256_file

    key = hashlib.sha256(
        "|".join((sha256_file(Path(font_path)), characters, repr(weights), flavor, fontTools.version)).encode()
    ).hexdigest()[:32]
    return cache_dir() / f"{key}.{flavor}"


@lru_cache(maxsize=64)
def subset_font(font_path: Path | str, characters: str, *, weights: Weights = REGULAR_WEIGHT) -> bytes:
    """Subset the font to the glyphs ``characters`` can need; return WOFF2 (with brotli) or WOFF bytes.

    Subsetting takes seconds, so a subset is kept in :func:`cache_dir` (named by
    :func:`_cache_path`) and read from there by later builds.

    Args:
        font_path: a TrueType font (variable or static).
        characters: the characters to keep (see :func:`devanagari_characters`).
        weights: a weight (static instance) or a ``(low, high)`` weight range to keep.

    Returns:
        The subset font file's bytes, flavoured as :func:`font_format` says.
    """
    from helpers.files import write_atomically

    flavor = "woff2" if has_brotli() else "woff"
    cached = _cache_path(str(font_path), characters, weights, flavor)
    if cached.is_file():
        return cached.read_bytes()
    font = TTFont(io.BytesIO(_pinned_font_bytes(str(font_path), weights)))
    subsetter = subset.Subsetter(_subset_options(flavor))
    subsetter.populate(text=characters)
    subsetter.subset(font)
    font.flavor = flavor
    buffer = io.BytesIO()
    font.save(buffer)
    with contextlib.suppress(OSError):  # an unwritable cache only costs the next build the seconds
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cached, buffer.getvalue())
    return buffer.getvalue()


def font_format() -> tuple[str, str]:
    """The MIME type and CSS ``format()`` of what :func:`subset_font` writes on this machine."""
    return ("font/woff2", "woff2") if has_brotli() else ("font/woff", "woff")


def _weight_descriptor(weights: Weights) -> str:
    return f"{weights[0]} {weights[1]}" if isinstance(weights, tuple) else str(weights)


@lru_cache(maxsize=1)
def base_characters() -> str:
    """The Devanagari characters the kit's own text can show: the Hindi catalogue and the reference and campaign files.

    Pages whose characters all fall in this set share one subset font, computed once per
    process; the subsetter is slow (seconds) and a page-by-page subset saves only a few KB,
    except on pages with only a few Devanagari characters (:data:`OWN_SUBSET_MAX_CHARACTERS`).
    """
    from helpers import paths

    sources = [Path(__file__).resolve().parents[1] / "presentation" / "messages" / "hi.yaml",
               *sorted(paths.REFERENCE_DIR.glob("*.csv")), *sorted(paths.CAMPAIGN_DIR.glob("*.yaml"))]
    text = "".join(path.read_text(encoding="utf-8") for path in sources if path.exists())
    return devanagari_characters(text + _COMMON_SIGNS)


#: A page showing at most this many distinct Devanagari characters (an English page quoting a
#: place name or a Census term) embeds a subset of just those: 1-3 KB instead of the kit's whole
#: set (about 30 KB), made in a fraction of a second and kept in the cache like any subset.
OWN_SUBSET_MAX_CHARACTERS = 24


def characters_to_embed(page_characters: str) -> str:
    """The characters to subset for a page: its own when they are few, else the kit's base set plus any others it has."""
    if len(page_characters) <= OWN_SUBSET_MAX_CHARACTERS:
        return page_characters
    base = base_characters()
    if set(page_characters) <= set(base):
        return base
    return "".join(sorted(set(base) | set(page_characters)))


def font_face_css(
    page_text: str,
    *,
    font_path: Path | str | None = None,
    weights: Weights = REGULAR_WEIGHT,
) -> str:
    """An ``@font-face`` rule embedding the Devanagari font subset to ``page_text``, or "".

    Args:
        page_text: everything the page shows (its HTML, or its text); scanned for Devanagari.
        font_path: the font to embed; by default the kit's Noto Sans Devanagari.
        weights: a weight or a ``(low, high)`` range to keep (see :data:`REGULAR_WEIGHT`).

    Returns:
        The rule (a font already on the reader's device is preferred, and only
        Devanagari code points use it), or "" when the page has no Devanagari
        or the font is not installed.
    """
    characters = devanagari_characters(page_text)
    if not characters:
        return ""
    if font_path is None:
        from helpers.presentation.charts import devanagari_font_path

        font_path = devanagari_font_path()
        if font_path is None:
            return ""
    data = subset_font(str(font_path), characters_to_embed(characters), weights=weights)
    mime, css_format = font_format()
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"@font-face {{ font-family: {FONT_FAMILY}; font-display: swap; "
        f"font-weight: {_weight_descriptor(weights)}; "
        f'src: local("{_LOCAL_NAME}"), url(data:{mime};base64,{encoded}) format("{css_format}"); '
        f"unicode-range: {UNICODE_RANGE}; }}"
    )
