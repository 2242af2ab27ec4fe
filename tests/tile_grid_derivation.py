"""How the committed tile grid ``data/raw/reference/up_district_tile_grid.csv`` was computed.

The build only reads that file (``helpers.presentation.tile_grid.tile_layout``).
:func:`derived_tile_grid` computes it again from the centroids in
``up_district_centroids_adjacency.csv``: the tile spacing taken from the centroids,
then :func:`assign_tiles`, a deterministic greedy matching of points to free cells.
``tests/test_maps.py`` checks that it still gives the file. After a change of the
centroids, write the file again and refresh its sidecar::

    python tests/tile_grid_derivation.py
    python tests/sidecars.py --update
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers import paths
from helpers.errors import MapError
from helpers.presentation.tile_grid import _SHAPES, TILE_GRID_FILE, TileShape, _cell_centres
from helpers.reference import tables as reference

#: Tile spacing as a multiple of the median distance between neighbouring centroids.
TILE_SPACING_FACTOR = 1.3


def _projected_centroids(centroids: pd.DataFrame) -> np.ndarray:
    """Equirectangular projection about UP's mean latitude: (x, y) in degrees of latitude."""
    lat0 = math.radians(float(centroids["centroid_lat"].mean()))
    return np.column_stack(
        [centroids["centroid_lon"].to_numpy() * math.cos(lat0), centroids["centroid_lat"].to_numpy()]
    )


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


if __name__ == "__main__":
    derived_tile_grid().to_csv(paths.REFERENCE_DIR / TILE_GRID_FILE, index=False)
