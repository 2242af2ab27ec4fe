"""District names and borders without pandas: what the build's planner needs, read with the ``csv`` module.

Planning a build (which districts a phase covers, their file names) must not
import pandas or pandera: a build with nothing to do finishes in a fraction of a
second only if it imports nothing heavy. This module reads the two columns the
planner needs from the same files ``tables`` loads; ``tables`` checks every
column of those files against their schemas when a notebook loads them, and
builds its own neighbour pairs from :func:`neighbour_pairs`, so there is one
definition of a border.

Belongs here: standard district names, slugs and border pairs as plain Python.
Not here: the full tables (``tables``), resolving spellings (``districts``).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from helpers import paths
from helpers.errors import ReferenceDataError

#: The district master file (one row per district of UP; ``name_common`` is the standard name).
DISTRICTS_FILE = "up_districts_master.csv"
#: Centroids and borders of the districts (``neighbours_in_UP``: ``;``-separated standard names).
NEIGHBOURS_FILE = "up_district_centroids_adjacency.csv"
#: The column of ``DISTRICTS_FILE`` holding the standard name.
NAME_COLUMN = "name_common"
#: Separator of the names in ``neighbours_in_UP``.
NEIGHBOUR_SEPARATOR = ";"


def slugify(name: str) -> str:
    """Lower-case, hyphenated ASCII form of a district name: 'Gautam Buddha Nagar' -> 'gautam-buddha-nagar'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _rows(file_name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a reference CSV as dicts; a missing file or column is one ``ReferenceDataError`` line."""
    path = paths.REFERENCE_DIR / file_name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ReferenceDataError(f"{path}: column(s) {missing} missing; restore the file from git")
            return list(reader)
    except FileNotFoundError:
        raise ReferenceDataError(
            f"{path}: reference file missing; restore it from git (git checkout -- {path.relative_to(paths.ROOT)})"
        ) from None


@lru_cache(maxsize=1)
def district_names() -> tuple[str, ...]:
    """The standard names of UP's districts (``name_common``), sorted."""
    names = [row[NAME_COLUMN].strip() for row in _rows(DISTRICTS_FILE, (NAME_COLUMN,))]
    return tuple(sorted(name for name in names if name))


@lru_cache(maxsize=1)
def neighbour_pairs() -> tuple[tuple[str, str], ...]:
    """Pairs ``(district, neighbour)`` of districts sharing a border, in file order, both directions as listed."""
    return tuple((row["district"].strip(), neighbour.strip())
                 for row in _rows(NEIGHBOURS_FILE, ("district", "neighbours_in_UP"))
                 for neighbour in (row["neighbours_in_UP"] or "").split(NEIGHBOUR_SEPARATOR) if neighbour.strip())


@lru_cache(maxsize=4)
def district_name_column(column: str) -> dict[str, str]:
    """Map each district's standard name to its value in another column of the master file (``name_hi``...)."""
    rows = _rows(DISTRICTS_FILE, (NAME_COLUMN, column))
    return {row[NAME_COLUMN].strip(): row[column].strip() for row in rows if row[NAME_COLUMN].strip()}
