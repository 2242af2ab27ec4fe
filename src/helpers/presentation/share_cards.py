"""Share cards: one phone-sized PNG (1080 x 1350) with a report's headline figures, to pass on.

A card carries the report's title, three to six headline figures, the grade and
the change since the last report where there are any, the as-of date, the
source line, and the word SYNTHETIC across it when the figures come from demo
data. Text is drawn by matplotlib with the kit's Devanagari font (shaped with
libraqm, so conjuncts and matras join as in print); every word on the card comes
from the caller or the message catalogues. :func:`share_card_png` writes the
card's alt text beside the image (``<card>.png.alt.txt``) and returns it.

Belongs here: drawing the card. Not here: choosing the figures (``briefs``,
``analysis``), formatting numbers (``formatting``), linking cards (``publishing``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from helpers.files import write_atomically  # noqa: E402
from helpers.presentation import i18n  # noqa: E402
from helpers.presentation.charts import PALETTE, font_families  # noqa: E402

#: The card's size in pixels (width, height): a phone screen in portrait.
CARD_SIZE_PX = (1080, 1350)
_DPI = 100
#: At most this many headline figures fit on a card.
MAX_FIGURES = 6
_MARGIN = 0.06  # left and right margin, a share of the width
_WARN_INK = "#a31515"
_MUTED = "#55585e"


#: Widths already measured in this process, by (text, dpi, drawing properties); cleared when it holds
#: ``_MAX_MEASURED`` (a build measures a few thousand strings).
_MEASURED_WIDTHS_PX: dict[tuple, float] = {}
_MAX_MEASURED = 20_000


class _Layout:
    """Places text on the card by measuring it: wraps to a width, returns the height it took."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.renderer = fig.canvas.get_renderer()

    def width_px(self, text: str, **props) -> float:
        """The width of ``text`` drawn with ``props``, in pixels; measured once per process (the same
        labels are measured on every district's card, and each measure is a font layout)."""
        key = (text, self.fig.dpi, tuple(sorted((name, str(value)) for name, value in props.items())))
        if key not in _MEASURED_WIDTHS_PX:
            if len(_MEASURED_WIDTHS_PX) >= _MAX_MEASURED:
                _MEASURED_WIDTHS_PX.clear()
            probe = self.fig.text(0, 0, text, **props)
            _MEASURED_WIDTHS_PX[key] = probe.get_window_extent(self.renderer).width
            probe.remove()
        return _MEASURED_WIDTHS_PX[key]

    def wrap(self, text: str, width_share: float, max_lines: int, **props) -> str:
        """Break ``text`` into lines no wider than ``width_share`` of the card (at most ``max_lines``)."""
        limit = width_share * CARD_SIZE_PX[0]
        lines: list[str] = []
        for word in text.split():
            if lines and self.width_px(f"{lines[-1]} {word}", **props) <= limit:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        if len(lines) > max_lines:
            last = " ".join(lines[max_lines - 1:]).split()
            while len(last) > 1 and self.width_px(" ".join(last) + "…", **props) > limit:
                last.pop()
            lines = lines[: max_lines - 1] + [" ".join(last) + "…"]
        return "\n".join(lines)

    def put(self, x: float, y: float, text: str, *, va: str = "top", width_share: float = 1 - 2 * _MARGIN,
            max_lines: int = 3, **props) -> float:
        """Draw wrapped text at (x, y); return its height as a share of the card's height."""
        drawn = self.fig.text(x, y, self.wrap(text, width_share, max_lines, **props), ha="left", va=va,
                              linespacing=1.25, **props)
        return drawn.get_window_extent(self.renderer).height / CARD_SIZE_PX[1]


def _draw_header(layout: _Layout, title: str, as_of_line: str) -> float:
    """The coloured band with the title and the as-of date; return the band's bottom edge."""
    y = 0.965
    y -= layout.put(_MARGIN, y, title, fontsize=40, fontweight="bold", color="white", zorder=2) + 0.02
    y -= layout.put(_MARGIN, y, as_of_line, fontsize=24, color="white", max_lines=1, zorder=2)
    bottom = y - 0.03
    layout.fig.add_artist(Rectangle((0, bottom), 1, 1 - bottom, transform=layout.fig.transFigure,
                                    color=PALETTE["accent"], zorder=0))
    return bottom


def _draw_footer(layout: _Layout, lines: Sequence[tuple[str, str, float, str]], source_line: str) -> float:
    """Source line at the bottom, a rule, then grade, change and notes above it; return the top edge."""
    y = 0.035
    y += layout.put(_MARGIN, y, source_line, va="bottom", fontsize=17, color=_MUTED, max_lines=4) + 0.015
    layout.fig.add_artist(Rectangle((_MARGIN, y), 1 - 2 * _MARGIN, 0.002, transform=layout.fig.transFigure,
                                    color=PALETTE["grid"]))
    y += 0.02
    for text, weight, size, colour in reversed(lines):
        y += layout.put(_MARGIN, y, text, va="bottom", fontsize=size, fontweight=weight, color=colour,
                        max_lines=2) + 0.015
    return y


def _draw_figures(layout: _Layout, figures: Sequence[tuple[str, str]], top: float, bottom: float) -> None:
    """The headline figures, value over label, in one column (up to 3) or two, spread between top and bottom."""
    columns = 1 if len(figures) <= 3 else 2
    rows = -(-len(figures) // columns)
    step = (top - bottom) / rows
    value_size = min(64 if columns == 1 else 50, step * CARD_SIZE_PX[1] * 0.42 * 72 / _DPI)
    for index, (label, value) in enumerate(figures):
        row, column = divmod(index, columns)
        x = _MARGIN + column * 0.47
        y = top - row * step
        width_share = 1 - 2 * _MARGIN if columns == 1 else 0.42
        width = layout.width_px(value, fontsize=value_size, fontweight="bold")  # the value's size, or smaller to fit
        fitted = min(value_size, value_size * width_share * CARD_SIZE_PX[0] / max(width, 1.0))
        height = layout.put(x, y, value, fontsize=fitted, fontweight="bold", color=PALETTE["text"],
                            max_lines=1, width_share=width_share)
        layout.put(x, y - height - 0.012, label, fontsize=min(24, value_size * 0.45), color=_MUTED,
                   max_lines=2, width_share=width_share)


def _draw_synthetic_mark(layout: _Layout, mark: str) -> None:
    """The mark across the card along its diagonal, as wide as the diagonal allows."""
    width, height = CARD_SIZE_PX
    probe_size = 100.0
    measured = layout.width_px(mark, fontsize=probe_size, fontweight="bold")
    size = min(170.0, probe_size * 0.8 * math.hypot(width, height) / max(measured, 1.0))
    layout.fig.text(0.5, 0.5, mark, ha="center", va="center", rotation=math.degrees(math.atan2(height, width)),
                    rotation_mode="anchor", fontsize=size, fontweight="bold", color=_WARN_INK, alpha=0.28,
                    zorder=10, gid="kit-synthetic-mark")


def card_alt_text(
    *,
    title: str,
    figures: Sequence[tuple[str, str]],
    grade: str | None,
    change: str | None,
    as_of: str,
    source_line: str,
    is_synthetic: bool,
    lang: str,
) -> str:
    """The card's alt text: every word and figure on it, as sentences in ``lang``."""
    parts = [i18n.t("share_card.alt_intro", lang, title=title)]
    parts += [i18n.t("share_card.alt_figure", lang, label=label, value=value) for label, value in figures]
    if grade:
        parts.append(i18n.t("share_card.alt_grade", lang, grade=grade))
    if change:
        parts.append(i18n.t("share_card.alt_change", lang, change=change))
    parts.append(i18n.t("share_card.alt_as_of", lang, date=as_of, source=source_line))
    if is_synthetic:
        parts.append(i18n.t("share_card.alt_synthetic", lang))
    return " ".join(part.strip() for part in parts)


def draw_share_card(
    *,
    title: str,
    figures: Sequence[tuple[str, str]],
    grade: str | None,
    change: str | None,
    as_of: str,
    source_line: str,
    is_synthetic: bool,
    lang: str,
) -> Figure:
    """Draw the card as a matplotlib figure of :data:`CARD_SIZE_PX` (see :func:`share_card_png`).

    Args:
        title: the report's title (a district and phase), up to three lines.
        figures: ``(label, formatted value)`` pairs, 1 to :data:`MAX_FIGURES`, already formatted.
        grade: the grade, or None.
        change: the change over the period, its period named (``period.with_change``), or None.
        as_of: the as-of date, formatted for ``lang``.
        source_line: where the figures come from (one sentence).
        is_synthetic: write SYNTHETIC across the card and a note under the figures.
        lang: "en" or "hi".

    Raises:
        ValueError: no figures, or more than :data:`MAX_FIGURES`.
        helpers.presentation.i18n.I18nError: unknown language.
    """
    i18n.check_lang(lang)
    if not 1 <= len(figures) <= MAX_FIGURES:
        raise ValueError(f"a share card shows 1 to {MAX_FIGURES} figures, not {len(figures)}")
    with plt.rc_context({"font.family": font_families(), "text.language": lang}):
        fig = plt.figure(figsize=(CARD_SIZE_PX[0] / _DPI, CARD_SIZE_PX[1] / _DPI), dpi=_DPI, facecolor="white")
        layout = _Layout(fig)
        band_bottom = _draw_header(layout, title, i18n.t("share_card.as_of", lang, date=as_of))
        footer: list[tuple[str, str, float, str]] = []
        if grade:
            footer.append((i18n.t("share_card.grade", lang, grade=grade), "bold", 28, PALETTE["text"]))
        if change:
            footer.append((i18n.t("share_card.change", lang, change=change), "normal", 24, PALETTE["text"]))
        if is_synthetic:
            footer.append((i18n.t("share_card.synthetic_note", lang), "bold", 22, _WARN_INK))
        footer_top = _draw_footer(layout, footer, source_line)
        _draw_figures(layout, figures, band_bottom - 0.04, footer_top + 0.02)
        if is_synthetic:
            _draw_synthetic_mark(layout, i18n.t("share_card.synthetic_mark", lang))
    return fig


def share_card_png(path: Path | str, **card: Any) -> str:
    """Write a 1080 x 1350 PNG share card to ``path`` (atomically, optimised), its alt text beside it
    (``<path>.alt.txt``), and return the alt text.

    Args:
        path: the PNG to write (e.g. ``reports/phase-1/cards/varanasi.hi.png``).
        card: the keyword arguments of :func:`draw_share_card` (which raises on bad ones).

    Returns:
        The alt text (every word and figure on the card).
    """
    from PIL import Image

    from helpers.presentation.images import CARD_PALETTE_TRIES, optimise_image

    fig = draw_share_card(**card)
    fig.canvas.draw()  # the canvas's pixels go straight to the palette and the PNG encoder
    picture = Image.fromarray(np.asarray(fig.canvas.buffer_rgba()))
    plt.close(fig)
    write_atomically(path, optimise_image(picture, palette_tries=CARD_PALETTE_TRIES))
    alt_text = card_alt_text(**card)
    write_atomically(Path(f"{path}.alt.txt"), alt_text + "\n")
    return alt_text
