"""Maps of UP's 75 districts coloured by a value, with a phase's event districts marked.

Two kinds of map, both returning a matplotlib Figure with alt text attached
(``fig._kit_alt_text``, which ``charts.show_chart`` puts into ``<img alt>``):

- :func:`district_map`: by default one tile per district on a square or hex
  grid, each tile placed near the district's projected centroid (from
  ``up_district_centroids_adjacency.csv``). No boundary file needed, and every
  district is the same size, so small urban districts stay visible. True district
  shapes instead when the user supplies a boundary file (GeoJSON or TopoJSON)
  keyed by Census 2011 code or LGD code, read by ``boundaries``.
- :func:`locator_map`: a small tile map locating one district (filled), its
  neighbours (outlined) and the other districts (light grey), for a district brief.

Tile labels take whichever ink has the higher WCAG contrast with the tile
(:func:`label_colour`, at least 4.5:1). The kit ships no boundary file: the
user brings one. What does not belong here: computing the values (``metrics``),
other charts (``charts``), reading boundary files (``boundaries``), the tile grid's
geometry (``tile_grid``: ``tile_layout``, ``tile_label``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import MapError
from helpers.presentation import i18n
from helpers import languages
from helpers.presentation.boundaries import BoundaryFeature, read_boundaries
from helpers.presentation.formatting import format_number
from helpers.presentation.tile_grid import TILE_LABEL_WIDTH_CHARS, TileShape, tile_label, tile_layout
from helpers.reference import tables as reference

#: Colour map and number of classes of the district maps.
CMAP_NAME = "YlOrBr"
CLASS_COUNT = 5
NO_DATA_COLOUR = "#e6e6e6"
EVENT_EDGE_COLOUR = "#111111"
EVENT_EDGE_WIDTH_PT = 2.4
#: Font size of tile labels; lines longer than the wrap width are set smaller.
TILE_LABEL_SIZE_PT = 5.4
#: Inks a tile label may take, in order of preference (see :func:`label_colour`).
LABEL_INKS: tuple[str, ...] = ("#222222", "#ffffff", "#000000")
#: WCAG 2 AA minimum contrast ratio of normal-size text against its background.
MIN_TEXT_CONTRAST_RATIO = 4.5
#: Locator map: (face, edge, edge width in pt) of the district, its neighbours and every other district.
LOCATOR_STYLES: dict[str, tuple[str, str, float]] = {
    "district": ("#b5451b", "white", 0.8), "neighbour": ("#ffffff", "#1f4e6b", 1.8), "other": ("#e3e6e8", "white", 0.8),
}
LOCATOR_LABEL_SIZE_PT = 8.0
LOCATOR_LABEL_MIN_PT = 6.0


# ------------------------------------------------------------ contrast


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a colour (any matplotlib colour spec), 0 (black) to 1 (white)."""
    from matplotlib.colors import to_rgb

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in to_rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours: (lighter + 0.05) / (darker + 0.05), 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def label_colour(face: str) -> str:
    """The first of :data:`LABEL_INKS` with contrast ≥ 4.5:1 on ``face`` (black or white always reach 4.58:1)."""
    ratios = {ink: contrast_ratio(ink, face) for ink in LABEL_INKS}
    return next((ink for ink, ratio in ratios.items() if ratio >= MIN_TEXT_CONTRAST_RATIO), max(ratios, key=ratios.get))


# ------------------------------------------------------------- classes


@dataclass(frozen=True)
class ColourClasses:
    """Value classes of a map: edges (ascending), one colour per class, one legend label per class."""

    edges: tuple[float, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]

    def colour_of(self, value: float | None) -> str:
        """Colour of a value; the no-data colour for a missing value."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA_COLOUR
        index = int(np.searchsorted(self.edges[1:-1], value, side="right"))
        return self.colours[min(index, len(self.colours) - 1)]


def colour_classes(values: pd.Series, *, lang: str = "en", decimals: int = 1) -> ColourClasses:
    """Quantile classes of the (non-missing) values, merged where quantiles coincide."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    present = pd.to_numeric(values, errors="coerce").dropna()
    if present.empty:
        return ColourClasses(edges=(0.0, 0.0), colours=(NO_DATA_COLOUR,), labels=("",))
    edges = np.unique(np.quantile(present.to_numpy(dtype=float), np.linspace(0, 1, CLASS_COUNT + 1)))
    if len(edges) == 1:
        edges = np.array([edges[0], edges[0]])
    cmap = colormaps[CMAP_NAME]
    n = len(edges) - 1
    colours = tuple(to_hex(cmap(0.15 + 0.8 * (i / max(1, n - 1)))) for i in range(n))
    labels = tuple(
        f"{format_number(edges[i], decimals, lang)} – {format_number(edges[i + 1], decimals, lang)}" for i in range(n)
    )
    return ColourClasses(edges=tuple(float(e) for e in edges), colours=colours, labels=labels)


def map_alt_text(values: pd.Series, measure: str, lang: str = "en", decimals: int = 1) -> str:
    """Alt text naming the measure and the highest and lowest districts (names in ``lang``)."""
    present = pd.to_numeric(values, errors="coerce").dropna().sort_values(ascending=False)

    def describe(items: pd.Series) -> str:
        return ", ".join(f"{i18n.district_name(d, lang)} {format_number(v, decimals, lang)}" for d, v in items.items())

    return i18n.t("map.alt", lang, measure=measure, top=describe(present.head(3)), bottom=describe(present.tail(3)))


# -------------------------------------------------------------- drawing


def _legend(ax, classes: ColourClasses, *, title: str, lang: str, has_missing: bool, has_events: bool) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#888888", label=label) for c, label in zip(classes.colours, classes.labels)]
    if has_missing:
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#888888", label=i18n.t("map.legend_no_data", lang)))
    if has_events:
        handles.append(
            Patch(facecolor="white", edgecolor=EVENT_EDGE_COLOUR, linewidth=EVENT_EDGE_WIDTH_PT,
                  label=i18n.t("map.legend_event", lang))
        )
    ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
              fontsize=8, title_fontsize=9, alignment="left")


def _finish(fig, *, title: str, source: str | None, alt_text: str, synthetic_mark: str | None = None):
    from helpers.presentation import charts

    if synthetic_mark:
        charts.mark_synthetic(fig.axes[0], synthetic_mark, over_data=True)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    if source:
        charts.draw_source_line(fig, source, x=0.01, y=0.01, fontsize=7.5)
    fig._kit_alt_text = alt_text  # type: ignore[attr-defined]
    return fig


def _draw_tiles(ax, series: pd.Series, classes: ColourClasses, events: set[str], shape: TileShape, lang: str) -> list[str]:
    """One tile per district, coloured by its value, labelled with its name; returns the districts drawn."""
    from matplotlib.patches import RegularPolygon

    layout = tile_layout(shape)
    radius = 0.5 * math.sqrt(2) * 0.96 if shape == "square" else 0.5 / math.cos(math.pi / 6) * 0.96
    vertices, orientation = (4, math.pi / 4) if shape == "square" else (6, 0.0)
    for tile in layout.itertuples(index=False):
        value = series.get(tile.district, float("nan"))
        face = classes.colour_of(value)
        is_event = tile.district in events
        ax.add_patch(
            RegularPolygon((tile.x, tile.y), numVertices=vertices, radius=radius, orientation=orientation,
                           facecolor=face, edgecolor=EVENT_EDGE_COLOUR if is_event else "white",
                           linewidth=EVENT_EDGE_WIDTH_PT if is_event else 0.8, zorder=3 if is_event else 2,
                           gid=f"tile:{tile.district}")
        )
        name = tile_label(i18n.district_name(tile.district, lang))
        longest = max(len(line) for line in name.split("\n"))
        base_pt = TILE_LABEL_SIZE_PT + languages.language(lang).label_size_extra_pt
        ax.text(tile.x, tile.y, name, ha="center", va="center", fontsize=base_pt * min(1.0, TILE_LABEL_WIDTH_CHARS / longest),
                color=label_colour(face), zorder=4, linespacing=0.95, fontweight="bold" if is_event else "normal",
                gid=f"label:{tile.district}")
    ax.set_xlim(layout["x"].min() - 1, layout["x"].max() + 1)
    ax.set_ylim(layout["y"].min() - 1, layout["y"].max() + 1)
    return list(layout["district"])


def _draw_shapes(ax, boundaries: Mapping[str, BoundaryFeature], series: pd.Series, classes: ColourClasses,
                 events: set[str]) -> list[str]:
    """Each district's polygons from the user's boundaries, coloured by its value; returns the districts drawn."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    lat0 = math.cos(math.radians(27.0))
    for district, feature in sorted(boundaries.items(), key=lambda item: item[0] in events):
        is_event = district in events
        for polygon in feature.polygons:
            vertices, codes = [], []
            for ring in polygon:
                if len(ring) < 3:
                    continue
                points = np.column_stack([ring[:, 0] * lat0, ring[:, 1]])
                vertices.extend(points.tolist())
                codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 2) + [MplPath.CLOSEPOLY])
            if vertices:
                ax.add_patch(
                    PathPatch(MplPath(vertices, codes), facecolor=classes.colour_of(series.get(district, float("nan"))),
                              edgecolor=EVENT_EDGE_COLOUR if is_event else "white",
                              linewidth=EVENT_EDGE_WIDTH_PT if is_event else 0.5, zorder=3 if is_event else 2)
                )
    ax.autoscale_view()
    return list(boundaries)


def district_map(
    values: pd.Series | Mapping[str, float],
    *,
    title: str,
    legend_title: str,
    event_districts: Iterable[str] = (),
    lang: str = "en",
    source: str | None = None,
    boundary_path: Path | str | None = None,
    shape: TileShape = "square",
    synthetic_mark: str | None = None,
):
    """The district map of UP's 75 districts coloured by ``values``, event districts outlined: true district
    shapes when ``boundary_path`` is given (:func:`read_boundaries`), else a tile map.

    Args:
        values: one value per district, indexed by the standard English name;
            a district missing from the index (or NaN) is drawn as "no data".
        title: the chart title (in ``lang``).
        legend_title: what the colours measure, with units (in ``lang``).
        event_districts: districts drawn with a thick black outline.
        lang: language of the labels (district names, and their size: ``label_size_extra_pt``).
        source: the source line under the map.
        boundary_path: the user's GeoJSON or TopoJSON boundary file, keyed by ``dt_code``.
        shape: ``"square"`` or ``"hex"`` tiles (tile map only).
        synthetic_mark: the word written across the map when the values come from synthetic data.

    Returns:
        A matplotlib Figure with ``_kit_alt_text`` set.
    """
    import matplotlib.pyplot as plt

    from helpers.presentation import charts

    boundaries = read_boundaries(boundary_path) if boundary_path else None
    series = pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values.astype("float64")
    unknown = sorted(set(series.index) - set(reference.load_districts()["district"]))
    if unknown:
        raise MapError(f"values for {unknown}: not districts of UP; index the values by the standard district names")
    charts.use_theme()
    events = set(event_districts)
    classes = colour_classes(series, lang=lang)
    fig, ax = plt.subplots(figsize=(9.0, 7.0))
    if boundaries is None:
        drawn = _draw_tiles(ax, series, classes, events, shape, lang)
    else:
        drawn = _draw_shapes(ax, boundaries, series, classes, events)
    ax.set_aspect("equal")
    ax.axis("off")
    missing = bool(series.reindex(drawn).isna().any())
    _legend(ax, classes, title=legend_title, lang=lang, has_missing=missing, has_events=bool(events))
    if boundaries is None:
        ax.text(0.0, -0.02, i18n.t("map.tile_note", lang), transform=ax.transAxes, fontsize=7.5, color="#555555",
                va="top")
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return _finish(fig, title=title, source=source, alt_text=map_alt_text(series, legend_title, lang),
                   synthetic_mark=synthetic_mark)


# ------------------------------------------------------------- locator


def locator_tiles(district: str, lang: str = "en") -> pd.DataFrame:
    """How each of the 75 tiles of ``district``'s locator map is drawn: it filled, its neighbours outlined.

    Neighbours are its districts in UP by ``reference.load_neighbours``; only the
    district and its neighbours get a label (their names in ``lang``).

    Returns:
        Columns ``district, role`` ("district" / "neighbour" / "other"), ``face, edge,
        edge_width_pt, label`` (None: no label), one row per district in the layout's order.

    Raises:
        MapError: ``district`` is not one of UP's standard district names.
    """
    if district not in set(reference.load_districts()["district"]):
        raise MapError(f"locator map: '{district}' is not a district of UP; use the standard English name")
    neighbours = reference.load_neighbours()
    outlined = set(neighbours.loc[neighbours["district"] == district, "neighbour"])
    rows = []
    for name in tile_layout("square")["district"]:
        role = "district" if name == district else "neighbour" if name in outlined else "other"
        label = None if role == "other" else i18n.district_name(name, lang)
        rows.append((name, role, *LOCATOR_STYLES[role], label))
    return pd.DataFrame(rows, columns=["district", "role", "face", "edge", "edge_width_pt", "label"])


def _fit_labels(fig, ax, labels: list, cell_fraction: float = 0.92) -> None:
    """Shrink each label's font until it is no wider than ``cell_fraction`` of a tile (down to the minimum)."""
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()
    tile_px = abs(ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]) * cell_fraction
    for text in labels:
        for _ in range(4):  # rendered widths round to whole pixels: measure again after each shrink
            width = text.get_window_extent(renderer).width
            if width <= tile_px or text.get_fontsize() <= LOCATOR_LABEL_MIN_PT:
                break
            text.set_fontsize(max(LOCATOR_LABEL_MIN_PT, text.get_fontsize() * tile_px / width * 0.97))


def locator_map(district: str, *, lang: str = "en", title: str | None = None):
    """A small tile map locating one district among UP's 75: it filled, its neighbours outlined.

    Labels (the district's and its neighbours' names, in ``lang``, fitted to a tile) take
    the ink of :func:`label_colour`, so their contrast with the tile is at least 4.5:1.
    Each tile patch has ``gid`` ``"tile:<district>"`` and each label ``"label:<district>"``.

    Returns:
        A matplotlib Figure (7 x 6.3 inches) with ``_kit_alt_text`` set.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, RegularPolygon

    from helpers.presentation import charts

    charts.use_theme()
    tiles = locator_tiles(district, lang)
    layout = tile_layout("square").set_index("district")
    centres = dict(zip(layout.index, zip(layout["x"], layout["y"])))
    fig, ax = plt.subplots(figsize=(7.0, 6.3))
    for tile in tiles.itertuples(index=False):
        # add_artist, not add_patch: the limits are set below, so no patch needs to update them
        ax.add_artist(RegularPolygon(centres[tile.district], numVertices=4, radius=0.5 * math.sqrt(2) * 0.94,
                                     orientation=math.pi / 4, facecolor=tile.face, edgecolor=tile.edge,
                                     linewidth=tile.edge_width_pt, zorder=3 if tile.role == "neighbour" else 2,
                                     gid=f"tile:{tile.district}"))
    ax.set_xlim(layout["x"].min() - 0.6, layout["x"].max() + 0.6)
    ax.set_ylim(layout["y"].min() - 0.6, layout["y"].max() + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [Patch(facecolor=face, edgecolor=edge, linewidth=width, label=i18n.t(f"locator.legend_{role}", lang))
               for role, (face, edge, width) in LOCATOR_STYLES.items()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncols=3, frameon=False, fontsize=7.5,
              handlelength=1.2, columnspacing=1.0)
    fig.tight_layout(rect=(0, 0.02, 1, 0.94))
    labels = [
        ax.text(*centres[tile.district], tile_label(tile.label, width_chars=8), ha="center", va="center",
                fontsize=LOCATOR_LABEL_SIZE_PT, color=label_colour(tile.face), zorder=4, linespacing=0.9,
                fontweight="bold" if tile.role == "district" else "normal", gid=f"label:{tile.district}")
        for tile in tiles.itertuples(index=False) if isinstance(tile.label, str)
    ]
    _fit_labels(fig, ax, labels)
    name = i18n.district_name(district, lang)
    neighbours = list(tiles.loc[tiles["role"] == "neighbour", "label"])
    alt = i18n.t("locator.alt", lang, district=name, count=len(neighbours), neighbours=", ".join(neighbours))
    return _finish(fig, title=title or i18n.t("locator.title", lang, district=name), source=None, alt_text=alt)
