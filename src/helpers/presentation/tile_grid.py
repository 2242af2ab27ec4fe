"""The tile grid of UP's 75 districts: one cell per district, near its projected centroid.

:func:`tile_layout` reads each district's cell, square or hex, from
``data/raw/reference/up_district_tile_grid.csv``. That file was computed once by
:func:`derived_tile_grid`: the tile spacing taken from the centroids in
``up_district_centroids_adjacency.csv``, then :func:`assign_tiles`, a deterministic
greedy matching of points to free cells (``tests/test_maps.py`` checks that it
still gives the file). :func:`tile_label` wraps a district name for a tile.

Belongs here: the geometry of the grid. Not here: drawing, colours and legends
(``maps``, which re-exports these names), reading boundary files (``boundaries``).
"""

from __future__ import annotations

import math
import textwrap
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from helpers.errors import MapError
from helpers.reference import tables as reference

TileShape = Literal["square", "hex"]

#: Tile spacing as a multiple of the median distance between neighbouring centroids.
TILE_SPACING_FACTOR = 1.3
#: Label lines on a tile are wrapped at this many characters.
TILE_LABEL_WIDTH_CHARS = 9


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


#: The committed grid (``derived_tile_grid``): a square and a hex cell per district.
TILE_GRID_FILE = "up_district_tile_grid.csv"
_SHAPES: tuple[TileShape, ...] = ("square", "hex")


def derived_tile_grid() -> pd.DataFrame:
    """Compute the grid ``TILE_GRID_FILE`` holds from the centroids (run once; the build reads the file).

    The tile spacing is the median distance from each centroid to its nearest
    neighbour (x ``TILE_SPACING_FACTOR``), so about one district fits a tile.

    Returns:
        Columns ``district, square_col, square_row, hex_col, hex_row``, one row per district,
        sorted by district. Write it with ``.to_csv(path, index=False)``.
    """
    centroids = reference.load_centroids().sort_values("district").reset_index(drop=True)
    projected = _projected_centroids(centroids)
    gaps = np.hypot(*(projected[:, None, :] - projected[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    grid = projected / (float(np.median(gaps.min(axis=1))) * TILE_SPACING_FACTOR)
    frame = pd.DataFrame({"district": centroids["district"]})
    for shape in _SHAPES:
        cells = assign_tiles(grid, shape=shape)
        frame[f"{shape}_col"], frame[f"{shape}_row"] = cells[:, 0], cells[:, 1]
    return frame


@lru_cache(maxsize=2)
def tile_layout(shape: TileShape = "square") -> pd.DataFrame:
    """One grid cell per district of UP, near its centroid (from ``TILE_GRID_FILE``).

    Returns:
        Columns ``district, col, row, x, y`` (x, y: tile centre in plot units),
        one row per district, sorted by district.
    """
    if shape not in _SHAPES:
        raise MapError(f"tile shape '{shape}' must be 'square' or 'hex'")
    cells = {f"{s}_{axis}": pa.Column(int) for s in _SHAPES for axis in ("col", "row")}
    grid = reference._read_csv(TILE_GRID_FILE, pa.DataFrameSchema({"district": pa.Column(str, unique=True), **cells}, strict=True))
    col, row = grid[f"{shape}_col"].to_numpy(), grid[f"{shape}_row"].to_numpy()
    x, y = _cell_centres(col, row, shape)
    return pd.DataFrame({"district": grid["district"], "col": col, "row": row, "x": x, "y": y})


def tile_label(name: str, width_chars: int = TILE_LABEL_WIDTH_CHARS) -> str:
    """A district name wrapped onto at most three short lines for a tile."""
    lines = textwrap.wrap(name, width=width_chars, break_long_words=False) or [name]
    return "\n".join(lines[:3])
