"""The tile grid of UP's 75 districts: one cell per district, near its projected centroid.

:func:`tile_layout` reads each district's cell, square or hex, from
``data/raw/reference/up_district_tile_grid.csv``. That file was computed once from
the centroids in ``up_district_centroids_adjacency.csv`` by ``derived_tile_grid`` in
``tests/tile_grid_derivation.py`` (``tests/test_maps.py`` checks that it still gives
the file). :func:`tile_label` wraps a district name for a tile.

Belongs here: the geometry of the grid. Not here: drawing, colours and legends
(``maps``), reading boundary files (``boundaries``).
"""

from __future__ import annotations

import math
import textwrap
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from helpers.errors import MapError
from helpers.reference import tables as reference

TileShape = Literal["square", "hex"]

#: Label lines on a tile are wrapped at this many characters.
TILE_LABEL_WIDTH_CHARS = 9


def _cell_centres(col: np.ndarray, row: np.ndarray, shape: TileShape) -> tuple[np.ndarray, np.ndarray]:
    if shape == "hex":
        return col + 0.5 * (row % 2), row * (math.sqrt(3) / 2)
    return col.astype(float), row.astype(float)


#: The committed grid (``tests/tile_grid_derivation.py``): a square and a hex cell per district.
TILE_GRID_FILE = "up_district_tile_grid.csv"
_SHAPES: tuple[TileShape, ...] = ("square", "hex")


@lru_cache(maxsize=2)
def tile_layout(shape: TileShape = "square") -> pd.DataFrame:
    """One grid cell per district of UP, near its centroid (from ``TILE_GRID_FILE``).

    Returns:
        Columns ``district, col, row, x, y`` (x, y: tile centre in plot units),
        one row per district, sorted by district.
    """
    if shape not in _SHAPES:
        raise MapError(f"tile shape '{shape}' must be 'square' or 'hex'")
    grid = reference.load_table(TILE_GRID_FILE)  # checked against its declaration in reference/schemas.yaml
    col, row = grid[f"{shape}_col"].to_numpy(), grid[f"{shape}_row"].to_numpy()
    x, y = _cell_centres(col, row, shape)
    return pd.DataFrame({"district": grid["district"], "col": col, "row": row, "x": x, "y": y})


def tile_label(name: str, width_chars: int = TILE_LABEL_WIDTH_CHARS) -> str:
    """A district name wrapped onto at most three short lines for a tile."""
    lines = textwrap.wrap(name, width=width_chars, break_long_words=False) or [name]
    return "\n".join(lines[:3])
