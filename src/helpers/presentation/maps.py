"""Maps of UP's 75 districts coloured by a value, with a phase's event districts marked.

Two kinds of map, both returning a matplotlib Figure with alt text attached
(``fig._kit_alt_text``, which ``charts.show_chart`` puts into ``<img alt>``):

- :func:`tile_map` (the default): one tile per district on a square or hex
  grid, each tile placed near the district's projected centroid (from
  ``up_district_centroids_adjacency.csv``). No boundary file needed, and every
  district is the same size, so small urban districts stay visible.
- :func:`choropleth_map`: true district shapes, when the user supplies a
  boundary file (GeoJSON or TopoJSON) keyed by Census 2011 code or LGD code.
  TopoJSON arcs are decoded here (:func:`decode_topojson`); no geopandas.

The kit ships no boundary file: the user brings one. What does not belong
here: computing the values (``metrics``), other charts (``charts``).
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from helpers.errors import MapError
from helpers.presentation import i18n
from helpers.reference import tables as reference
from helpers.presentation.formatting import format_number

TileShape = Literal["square", "hex"]
CodeKind = Literal["auto", "census2011", "lgd"]

#: Colour map and number of classes of the district maps.
CMAP_NAME = "YlOrBr"
CLASS_COUNT = 5
NO_DATA_COLOUR = "#e6e6e6"
EVENT_EDGE_COLOUR = "#111111"
EVENT_EDGE_WIDTH_PT = 2.4
#: Tile spacing as a multiple of the median distance between neighbouring centroids.
TILE_SPACING_FACTOR = 1.3
#: Label lines on a tile are wrapped at this many characters.
TILE_LABEL_WIDTH_CHARS = 9
#: Font size of tile labels; lines longer than the wrap width are set smaller.
TILE_LABEL_SIZE_PT = 5.4



# ------------------------------------------------------------ tile grid


def _projected_centroids(centroids: pd.DataFrame) -> np.ndarray:
    """Equirectangular projection about UP's mean latitude: (x, y) in degrees of latitude."""
    lat0 = math.radians(float(centroids["centroid_lat"].mean()))
    return np.column_stack(
        [centroids["centroid_lon"].to_numpy() * math.cos(lat0), centroids["centroid_lat"].to_numpy()]
    )


def _cell_centres(col: np.ndarray, row: np.ndarray, shape: TileShape) -> tuple[np.ndarray, np.ndarray]:
    if shape == "hex":
        return col + 0.5 * (row % 2), row * (math.sqrt(3) / 2)
    return col.astype(float), row.astype(float)


def assign_tiles(points: np.ndarray, *, shape: TileShape = "square", margin_cells: int = 2) -> np.ndarray:
    """Give each point a unique grid cell near it, deterministically.

    Points are in grid units (one unit = one tile). Every (point, cell) pair
    within the points' bounding box plus ``margin_cells`` is sorted by
    distance (ties broken by point then cell order), and pairs are taken in
    that order whenever both the point and the cell are still free: a greedy
    matching that keeps each tile close to its point.

    Args:
        points: array of shape (n, 2), x then y.
        shape: ``"square"`` or ``"hex"`` (odd rows shifted half a tile).
        margin_cells: extra rows/columns around the bounding box.

    Returns:
        Integer array (n, 2) of (col, row), all rows distinct.
    """
    if shape not in ("square", "hex"):
        raise MapError(f"tile shape '{shape}' must be 'square' or 'hex'")
    row_height = math.sqrt(3) / 2 if shape == "hex" else 1.0
    cols = np.arange(math.floor(points[:, 0].min()) - margin_cells, math.ceil(points[:, 0].max()) + margin_cells + 1)
    rows = np.arange(
        math.floor(points[:, 1].min() / row_height) - margin_cells,
        math.ceil(points[:, 1].max() / row_height) + margin_cells + 1,
    )
    grid_col, grid_row = (a.ravel() for a in np.meshgrid(cols, rows))
    cx, cy = _cell_centres(grid_col, grid_row, shape)
    distance = np.hypot(points[:, 0][:, None] - cx[None, :], points[:, 1][:, None] - cy[None, :])
    if distance.shape[1] < len(points):
        raise MapError("not enough grid cells for the points; raise margin_cells")
    order = np.lexsort((np.tile(np.arange(distance.shape[1]), len(points)),
                        np.repeat(np.arange(len(points)), distance.shape[1]),
                        distance.ravel()))
    point_of = order // distance.shape[1]
    cell_of = order % distance.shape[1]
    assigned = np.full(len(points), -1)
    cell_taken = np.zeros(distance.shape[1], dtype=bool)
    remaining = len(points)
    for point, cell in zip(point_of, cell_of):
        if assigned[point] < 0 and not cell_taken[cell]:
            assigned[point] = cell
            cell_taken[cell] = True
            remaining -= 1
            if remaining == 0:
                break
    return np.column_stack([grid_col[assigned], grid_row[assigned]])


@lru_cache(maxsize=2)
def tile_layout(shape: TileShape = "square") -> pd.DataFrame:
    """One grid cell per district of UP, near its centroid.

    The tile spacing is the median distance from each centroid to its nearest
    neighbour (x ``TILE_SPACING_FACTOR``), so about one district fits a tile.

    Returns:
        Columns ``district, col, row, x, y`` (x, y: tile centre in plot units),
        one row per district, sorted by district.
    """
    centroids = reference.load_centroids().sort_values("district").reset_index(drop=True)
    projected = _projected_centroids(centroids)
    gaps = np.hypot(*(projected[:, None, :] - projected[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    spacing = float(np.median(gaps.min(axis=1))) * TILE_SPACING_FACTOR
    grid = projected / spacing
    cells = assign_tiles(grid, shape=shape)
    x, y = _cell_centres(cells[:, 0], cells[:, 1], shape)
    return pd.DataFrame(
        {"district": centroids["district"], "col": cells[:, 0], "row": cells[:, 1], "x": x, "y": y}
    )


def tile_label(name: str, width_chars: int = TILE_LABEL_WIDTH_CHARS) -> str:
    """A district name wrapped onto at most three short lines for a tile."""
    lines = textwrap.wrap(name, width=width_chars, break_long_words=False) or [name]
    return "\n".join(lines[:3])


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


def colour_classes(values: pd.Series, *, lang: str = "en", decimals: int = 1, class_count: int = CLASS_COUNT) -> ColourClasses:
    """Quantile classes of the (non-missing) values, merged where quantiles coincide."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    present = pd.to_numeric(values, errors="coerce").dropna()
    if present.empty:
        return ColourClasses(edges=(0.0, 0.0), colours=(NO_DATA_COLOUR,), labels=("",))
    edges = np.unique(np.quantile(present.to_numpy(dtype=float), np.linspace(0, 1, class_count + 1)))
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


def _finish(fig, *, title: str, source: str | None, alt_text: str):
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    if source:
        fig.text(0.01, 0.01, source, ha="left", va="bottom", fontsize=7.5, color="#555555", wrap=True)
    fig._kit_alt_text = alt_text  # type: ignore[attr-defined]
    return fig


def _prepare(values: pd.Series | Mapping[str, float]) -> pd.Series:
    series = pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values.astype("float64")
    known = set(reference.load_districts()["district"])
    unknown = sorted(set(series.index) - known)
    if unknown:
        raise MapError(f"values for {unknown}: not districts of UP; index the values by the standard district names")
    return series


def tile_map(
    values: pd.Series | Mapping[str, float],
    *,
    title: str,
    legend_title: str,
    event_districts: Iterable[str] = (),
    lang: str = "en",
    source: str | None = None,
    shape: TileShape = "square",
    decimals: int = 1,
):
    """A tile map of UP's 75 districts coloured by ``values``, event districts outlined.

    Args:
        values: one value per district, indexed by the standard English name;
            a district missing from the index (or NaN) is drawn as "no data".
        title: the chart title (in ``lang``).
        legend_title: what the colours measure, with units (in ``lang``).
        event_districts: districts drawn with a thick black outline.
        lang: language of the labels ("hi": Hindi district names).
        source: the source line under the map.
        shape: ``"square"`` or ``"hex"`` tiles.
        decimals: decimals in the legend's class labels.

    Returns:
        A matplotlib Figure with ``_kit_alt_text`` set.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import RegularPolygon

    from helpers.presentation import charts

    charts.use_theme()
    series = _prepare(values)
    events = set(event_districts)
    layout = tile_layout(shape)
    classes = colour_classes(series, lang=lang, decimals=decimals)
    fig, ax = plt.subplots(figsize=(9.0, 7.0))
    radius = 0.5 * math.sqrt(2) * 0.96 if shape == "square" else 0.5 / math.cos(math.pi / 6) * 0.96
    vertices, orientation = (4, math.pi / 4) if shape == "square" else (6, 0.0)
    for tile in layout.itertuples(index=False):
        value = series.get(tile.district, float("nan"))
        face = classes.colour_of(value)
        is_event = tile.district in events
        ax.add_patch(
            RegularPolygon((tile.x, tile.y), numVertices=vertices, radius=radius, orientation=orientation,
                           facecolor=face, edgecolor=EVENT_EDGE_COLOUR if is_event else "white",
                           linewidth=EVENT_EDGE_WIDTH_PT if is_event else 0.8, zorder=3 if is_event else 2)
        )
        dark = face in classes.colours[-2:] and face != NO_DATA_COLOUR and len(classes.colours) > 2
        name = tile_label(i18n.district_name(tile.district, lang))
        longest = max(len(line) for line in name.split("\n"))
        base_pt = TILE_LABEL_SIZE_PT if lang == "en" else TILE_LABEL_SIZE_PT + 0.4
        ax.text(tile.x, tile.y, name, ha="center", va="center", fontsize=base_pt * min(1.0, TILE_LABEL_WIDTH_CHARS / longest),
                color="white" if dark else "#222222", zorder=4, linespacing=0.95,
                fontweight="bold" if is_event else "normal")
    ax.set_xlim(layout["x"].min() - 1, layout["x"].max() + 1)
    ax.set_ylim(layout["y"].min() - 1, layout["y"].max() + 1)
    ax.set_aspect("equal")
    ax.axis("off")
    missing = bool(series.reindex(layout["district"]).isna().any())
    _legend(ax, classes, title=legend_title, lang=lang, has_missing=missing, has_events=bool(events))
    ax.text(0.0, -0.02, i18n.t("map.tile_note", lang), transform=ax.transAxes, fontsize=7.5, color="#555555",
            va="top")
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return _finish(fig, title=title, source=source, alt_text=map_alt_text(series, legend_title, lang, decimals))


# ---------------------------------------------------------- boundaries


Ring = np.ndarray  # shape (n, 2): lon, lat
Polygon = list  # list[Ring]: exterior first, then holes


@dataclass(frozen=True)
class BoundaryFeature:
    """One feature of a boundary file: its properties and polygons (lon/lat rings)."""

    properties: dict
    polygons: tuple[tuple[Ring, ...], ...]


def decode_arcs(topology: Mapping) -> list[np.ndarray]:
    """Decode a TopoJSON topology's arcs to absolute lon/lat coordinates.

    With a ``transform`` the arcs are quantized and delta-encoded: positions are
    cumulative sums, then ``x * scale + translate``. Without one they are
    absolute already.
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology.get("arcs", []):
        points = np.asarray(arc, dtype=float).reshape(-1, len(arc[0]) if arc else 2)[:, :2]
        if transform:
            points = np.cumsum(points, axis=0) * np.asarray(transform["scale"], dtype=float) + np.asarray(
                transform["translate"], dtype=float
            )
        arcs.append(points)
    return arcs


def _ring(arc_indices: Sequence[int], arcs: list[np.ndarray]) -> Ring:
    pieces = []
    for position, index in enumerate(arc_indices):
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        pieces.append(arc if position == 0 else arc[1:])  # each arc starts where the last one ended
    return np.concatenate(pieces) if pieces else np.empty((0, 2))


def decode_topojson(topology: Mapping, object_name: str | None = None) -> list[BoundaryFeature]:
    """Decode the Polygon/MultiPolygon geometries of one TopoJSON object into features.

    Args:
        topology: the parsed TopoJSON document (``type: Topology``).
        object_name: which object of ``topology["objects"]`` to decode; the
            only one, when None and there is exactly one.

    Returns:
        One :class:`BoundaryFeature` per geometry, in file order.

    Raises:
        MapError: not a topology, or the object is missing or ambiguous.
    """
    if topology.get("type") != "Topology":
        raise MapError("not a TopoJSON topology (type is not 'Topology')")
    objects = topology.get("objects", {})
    if object_name is None:
        if len(objects) != 1:
            raise MapError(f"the topology has objects {sorted(objects)}; name the one holding the districts")
        object_name = next(iter(objects))
    if object_name not in objects:
        raise MapError(f"the topology has no object '{object_name}'; it has {sorted(objects)}")
    arcs = decode_arcs(topology)
    collection = objects[object_name]
    geometries = collection.get("geometries", [collection])
    features = []
    for geometry in geometries:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue  # points, lines or empty geometries carry no area
        decoded = tuple(tuple(_ring(ring, arcs) for ring in polygon) for polygon in polygons)
        features.append(BoundaryFeature(properties=dict(geometry.get("properties") or {}), polygons=decoded))
    return features


def decode_geojson(document: Mapping) -> list[BoundaryFeature]:
    """Read the Polygon/MultiPolygon features of a GeoJSON FeatureCollection."""
    if document.get("type") != "FeatureCollection":
        raise MapError("not a GeoJSON FeatureCollection")
    features = []
    for feature in document.get("features", []):
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["coordinates"]]
        elif kind == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        decoded = tuple(tuple(np.asarray(ring, dtype=float)[:, :2] for ring in polygon) for polygon in polygons)
        features.append(BoundaryFeature(properties=dict(feature.get("properties") or {}), polygons=decoded))
    return features


def _code_maps() -> dict[str, dict[str, str]]:
    centroids = reference.load_centroids()
    districts = reference.load_districts()
    return {
        "census2011": {str(code): d for code, d in zip(centroids["census2011_dt_code"], centroids["district"])},
        "lgd": {str(code): d for code, d in zip(districts["lgd_district_code"], districts["district"])},
    }


def _normalise_code(value: object) -> str:
    text = str(value).strip()
    return str(int(float(text))) if text.replace(".", "", 1).isdigit() else text


def match_districts(
    features: Sequence[BoundaryFeature], code_property: str, code_kind: CodeKind = "auto", *, source: str = "boundary file"
) -> dict[str, BoundaryFeature]:
    """Key features by standard district name through their Census 2011 or LGD code.

    Census 2011 codes follow the centroid file's ``census2011_dt_code`` (which
    gives the four districts created after 2011 the codes 704, 705, 706, 754);
    LGD codes follow ``lgd_district_code`` in the districts master.

    Raises:
        MapError: a feature lacks the property, a code matches no district, two
            features share a district, or a district has no feature.
    """
    maps = _code_maps()
    codes = []
    for position, feature in enumerate(features):
        if code_property not in feature.properties:
            raise MapError(
                f"{source}: feature {position} has no property '{code_property}' (it has "
                f"{sorted(feature.properties)}); pass the property holding the district code"
            )
        codes.append(_normalise_code(feature.properties[code_property]))
    if code_kind == "auto":
        code_kind = max(("census2011", "lgd"), key=lambda kind: sum(code in maps[kind] for code in codes))
    mapping = maps[code_kind]
    unknown = sorted({code for code in codes if code not in mapping})
    if unknown:
        raise MapError(f"{source}: {code_property} value(s) {unknown} are not {code_kind} codes of UP districts")
    matched: dict[str, BoundaryFeature] = {}
    for code, feature in zip(codes, features):
        district = mapping[code]
        if district in matched:
            raise MapError(f"{source}: two features have the code of {district} ({code})")
        matched[district] = feature
    missing = sorted(set(mapping.values()) - set(matched))
    if missing:
        raise MapError(f"{source}: no boundary for {missing}; the file must cover all 75 districts")
    return matched


def read_boundaries(
    path: Path | str, *, code_property: str = "dt_code", code_kind: CodeKind = "auto", object_name: str | None = None
) -> dict[str, BoundaryFeature]:
    """Read a user's GeoJSON or TopoJSON boundary file, keyed by standard district name.

    Args:
        path: the boundary file.
        code_property: the feature property holding the district code.
        code_kind: ``"census2011"``, ``"lgd"`` or ``"auto"`` (whichever matches more codes).
        object_name: for TopoJSON, the object holding the districts.

    Raises:
        MapError: the file is missing, not GeoJSON/TopoJSON, or does not match UP's 75 districts.
    """
    path = Path(path)
    if not path.is_file():
        raise MapError(f"{path}: boundary file not found")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise MapError(f"{path}: not valid JSON ({error})") from None
    if document.get("type") == "Topology":
        features = decode_topojson(document, object_name)
    else:
        features = decode_geojson(document)
    return match_districts(features, code_property, code_kind, source=str(path))


def choropleth_map(
    values: pd.Series | Mapping[str, float],
    boundaries: Mapping[str, BoundaryFeature],
    *,
    title: str,
    legend_title: str,
    event_districts: Iterable[str] = (),
    lang: str = "en",
    source: str | None = None,
    decimals: int = 1,
):
    """A choropleth of UP's districts from the user's boundaries (see :func:`read_boundaries`).

    Same arguments and result as :func:`tile_map`, plus the boundaries.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    from helpers.presentation import charts

    charts.use_theme()
    series = _prepare(values)
    events = set(event_districts)
    classes = colour_classes(series, lang=lang, decimals=decimals)
    lat0 = math.cos(math.radians(27.0))
    fig, ax = plt.subplots(figsize=(9.0, 7.0))
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
    ax.set_aspect("equal")
    ax.axis("off")
    missing = bool(series.reindex(list(boundaries)).isna().any())
    _legend(ax, classes, title=legend_title, lang=lang, has_missing=missing, has_events=bool(events))
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return _finish(fig, title=title, source=source, alt_text=map_alt_text(series, legend_title, lang, decimals))


def district_map(
    values: pd.Series | Mapping[str, float],
    *,
    title: str,
    legend_title: str,
    event_districts: Iterable[str] = (),
    lang: str = "en",
    source: str | None = None,
    boundary_path: Path | str | None = None,
    code_property: str = "dt_code",
):
    """The brief's district map: a choropleth when ``boundary_path`` is given, else a tile map."""
    if boundary_path:
        boundaries = read_boundaries(boundary_path, code_property=code_property)
        return choropleth_map(values, boundaries, title=title, legend_title=legend_title,
                              event_districts=event_districts, lang=lang, source=source)
    return tile_map(values, title=title, legend_title=legend_title, event_districts=event_districts, lang=lang,
                    source=source)
