"""The kit's chart theme and chart functions.

Every chart has a title, units on its value axis, a source line under the plot
and alt text for readers who cannot see it. ``show_chart`` renders a figure as
an embedded PNG carrying its alt text (nbconvert writes it into ``<img alt>``).
Devanagari is drawn with Noto Sans Devanagari, installed as a Python package
(``fontpkg-noto-sans-devanagari``), so Hindi labels render on any machine.

What does not belong here: the numbers (``metrics``), the district map
(``maps``), translations (``i18n``).
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from helpers.presentation.formatting import format_count  # noqa: E402

#: Colours of the kit: one accent for UP / the phase's event districts, greys for the rest.
PALETTE = {
    "accent": "#b5451b",  # terracotta: UP, event districts
    "secondary": "#2f6c8f",  # indigo: India, nearby districts
    "muted": "#9aa5ad",  # other districts
    "text": "#222222",
    "grid": "#e3e6e8",
}
#: The word SYNTHETIC across a chart of synthetic data: solid light grey behind the data (no
#: transparency, so the chart stays a palette image), or red outlined letters over a map.
SYNTHETIC_MARK_COLOUR = "#d4d4d4"
SYNTHETIC_OUTLINE_COLOUR = "#a31515"


@lru_cache(maxsize=1)
def devanagari_font_path() -> Path | None:
    """Path of the Noto Sans Devanagari font shipped by ``fontpkg-noto-sans-devanagari``, or None."""
    try:
        import fontpkg_noto_sans_devanagari as font_package
    except ImportError:
        return None
    files = sorted((Path(font_package.__file__).parent / "files").glob("*.ttf"))
    return files[0] if files else None


@lru_cache(maxsize=1)
def register_devanagari_font() -> str | None:
    """Register the Devanagari font with matplotlib; return its family name (None if not installed)."""
    path = devanagari_font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def font_families() -> list[str]:
    """The kit's font families: DejaVu Sans, then Noto Sans Devanagari where it is installed."""
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # variable font: no bold face
    devanagari = register_devanagari_font()
    return ["DejaVu Sans"] + ([devanagari] if devanagari else [])


def use_theme() -> None:
    """Apply the kit's theme to matplotlib and seaborn (fonts with Devanagari fallback, light grid)."""
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams.update(
        {
            "font.family": font_families(),
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10.5,
            "axes.edgecolor": PALETTE["grid"],
            "axes.labelcolor": PALETTE["text"],
            "grid.color": PALETTE["grid"],
            "text.color": PALETTE["text"],
            "figure.dpi": 100,
            "savefig.dpi": 100,  # charts at about the width a page shows them (800 px for 8 in)
            "figure.figsize": (8.0, 4.5),
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


@dataclass(frozen=True)
class ChartText:
    """The words every chart carries: title, value-axis units, source line and alt text."""

    title: str
    units: str
    source: str
    alt_text: str


def finish_chart(fig: Figure, text: ChartText) -> Figure:
    """Put the title above the chart and the source line under it, lay it out, attach the alt text."""
    fig.suptitle(text.title, x=0.01, ha="left", fontsize=13, fontweight="bold")
    draw_source_line(fig, text.source, x=0.01, y=0.005, fontsize=8)
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    fig._kit_alt_text = text.alt_text  # type: ignore[attr-defined]
    return fig


def draw_source_line(fig: Figure, source: str, *, x: float, y: float, fontsize: float) -> None:
    """Write ``source`` at ``(x, y)`` (figure fractions, its bottom left) in grey, in lines that fit the figure.

    The lines are broken once, the way matplotlib's ``wrap=True`` breaks them (as many words as fit on a
    line; a word longer than a line stands alone), with a binary search over the words. ``wrap=True``
    measures every longer candidate line again at each of a chart's draws (layout, tight box, picture):
    30-60 ms a chart, a tenth of a build's notebook time (measured 2026-12-06). The lines are fixed for
    the figure's size and resolution now (the kit's figures keep both), on its Agg renderer; a ``$`` is
    a dollar sign, not mathtext.
    """
    artist = fig.text(x, y, "", ha="left", va="bottom", fontsize=fontsize, color="#555555", parse_math=False)
    renderer, font = fig.canvas.get_renderer(), artist.get_fontproperties()
    line_width_px = fig.bbox.width * (1 - x)

    def fits(words: list[str]) -> bool:
        width_px, _, _ = renderer.get_text_width_height_descent(" ".join(words), font, ismath=False)
        return math.ceil(width_px) <= line_width_px

    lines = []
    for paragraph in source.split("\n"):
        words = paragraph.split(" ")
        while words:
            most, least_too_many = 1, len(words) + 1  # the first word always goes on the line
            while least_too_many - most > 1:
                middle = (most + least_too_many) // 2
                most, least_too_many = (middle, least_too_many) if fits(words[:middle]) else (most, middle)
            lines.append(" ".join(words[:most]))
            words = words[most:]
    artist.set_text("\n".join(lines))


def mark_synthetic(ax, text: str, *, over_data: bool = False) -> None:
    """Write ``text`` (the catalogue's SYNTHETIC mark) across ``ax``, so the image says so wherever it is copied.

    Args:
        ax: the plot to mark.
        text: the mark, in the chart's language (``progress.synthetic_mark`` of the catalogues).
        over_data: draw red outlined letters over the data (for maps, whose tiles cover the
            whole plot) instead of solid grey letters behind it.
    """
    from matplotlib import patheffects

    placement = {"transform": ax.transAxes, "ha": "center", "va": "center", "rotation": 20, "gid": "kit-synthetic-mark"}
    if over_data:
        ax.text(0.5, 0.5, text, fontsize=44, color="none", zorder=20, **placement,
                path_effects=[patheffects.withStroke(linewidth=1.2, foreground=SYNTHETIC_OUTLINE_COLOUR)])
    else:
        ax.text(0.5, 0.5, text, fontsize=44, color=SYNTHETIC_MARK_COLOUR, zorder=0, antialiased=False, **placement)


def count_axis(axis, lang: str) -> None:
    """Label the ticks of ``axis`` as counts in Indian grouping."""
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: format_count(value, lang)))


def horizontal_bars(
    frame: pd.DataFrame,
    label_column: str,
    value_column: str,
    text: ChartText,
    *,
    highlight_column: str | None = None,
    value_is_count: bool = True,
    lang: str = "en",
    synthetic_mark: str | None = None,
) -> Figure:
    """Horizontal bar chart, largest at the top, bars in ``highlight_column`` drawn in the accent colour.

    ``synthetic_mark``: the word written across the plot when the bars count synthetic data (``mark_synthetic``).
    """
    use_theme()
    ordered = frame.sort_values(value_column, ascending=True)
    height = max(2.5, 0.32 * len(ordered) + 1.2)
    fig, ax = plt.subplots(figsize=(8.0, height))
    flags = ordered[highlight_column] if highlight_column else [False] * len(ordered)
    colours = [PALETTE["accent"] if flag else PALETTE["secondary"] for flag in flags]
    ax.barh(ordered[label_column].astype(str), ordered[value_column], color=colours)
    ax.set_xlabel(text.units)
    ax.set_ylabel("")
    if value_is_count:
        count_axis(ax.xaxis, lang)
    ax.grid(axis="y", visible=False)
    if synthetic_mark:
        mark_synthetic(ax, synthetic_mark)
    return finish_chart(fig, text)


def grouped_bars(
    frame: pd.DataFrame,
    category_column: str,
    series_columns: dict[str, str],
    text: ChartText,
) -> Figure:
    """Vertical grouped bars: one group per category, one bar per series (``{column: legend label}``)."""
    use_theme()
    long = frame.rename(columns=series_columns).melt(id_vars=[category_column], value_vars=list(series_columns.values()),
                                                      var_name="series", value_name="value")
    fig, ax = plt.subplots(figsize=(8.0, 4.5))
    colours = [PALETTE["accent"], PALETTE["secondary"], PALETTE["muted"], "#6b8e23"][: len(series_columns)]
    sns.barplot(data=long, x=category_column, y="value", hue="series", palette=colours, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel(text.units)
    ax.legend(title="", frameon=False, loc="upper right")
    for container in ax.containers:
        ax.bar_label(container, fmt="%.2f", fontsize=8, padding=2)
    return finish_chart(fig, text)


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes, as small as the picture allows (``images.optimise_png``), and close it.

    Charts are optimised once, here, so the executed notebook, its pages and its PDF all carry the small image.
    """
    from helpers.presentation.images import INTERMEDIATE_PNG_OPTIONS, optimise_png

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", pil_kwargs=INTERMEDIATE_PNG_OPTIONS)
    plt.close(fig)
    return optimise_png(buffer.getvalue())


def show_chart(fig: Figure, alt_text: str | None = None) -> None:
    """Display a figure in the notebook as a PNG with alt text (used by nbconvert for ``<img alt>``)."""
    from IPython.display import Image, display

    display(Image(data=figure_png(fig), format="png", alt=alt_text or getattr(fig, "_kit_alt_text", None) or ""))
