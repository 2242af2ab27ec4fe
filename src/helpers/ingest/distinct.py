"""Working on each distinct value of a column once, instead of on every cell.

A registration sheet of a million rows holds a few hundred distinct districts,
crafts, dates and yes/no spellings; only the ids differ on every row. The
pipeline therefore parses, redacts and resolves the distinct values of each
column (``Distinct``: codes per row, values per code) and maps the results
back to the rows with numpy. For the columns that are distinct on every row
(the ids), the common case — a plain ASCII token such as ``UPGEM-B-0000001`` —
is recognised in bulk with pyarrow and needs no Python call per value.

What does not belong here: what a value means (``parsing``, ``pii``,
``helpers.reference.districts``) and the row bookkeeping (``pipeline``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Hashable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.ingest.reading import CellColumn

#: A plain token: printable ASCII, no space. ``clean_text``, ``ascii_digits`` and
#: ``text_key``'s normalisations leave it as it is, except for the case.
_SIMPLE = re.compile(r"[!-~]+")
_SIMPLE_RE2 = "^[!-~]+$"
#: Below this many values, a Python loop is as fast as going through pyarrow.
_BULK_MIN = 4096


@dataclass
class Distinct:
    """The cells of some rows as codes into their distinct values: row ``i`` holds ``values[codes[i]]``.

    Attributes:
        codes: one code per row (int32).
        values: the distinct values, each once, in order of first appearance among the rows.
    """

    codes: np.ndarray
    values: list[object]

    @classmethod
    def of_rows(cls, column: CellColumn | None, records: np.ndarray) -> Distinct:
        """The cells of ``column`` in ``records`` (all None without a column)."""
        if column is None:
            return cls(np.zeros(len(records), dtype=np.int32), [None])
        codes, uniques = pd.factorize(column.codes[records])
        return cls(codes.astype(np.int32), [column.values[i] for i in uniques])

    def map(self, function: Callable[[object], object]) -> list[object]:
        """``function`` of each distinct value."""
        return [function(value) for value in self.values]

    def with_values(self, values: list[object]) -> Distinct:
        """The same rows, with the distinct values replaced one for one."""
        return Distinct(self.codes, values)

    def take(self, values: Sequence[object] | np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Per row (or per row of ``rows``), the entry of ``values`` for its distinct value."""
        array = values if isinstance(values, np.ndarray) else as_objects(values)
        return array[self.codes if rows is None else self.codes[rows]]

    def subset(self, rows: np.ndarray) -> Distinct:
        """The same values, for the rows ``rows`` only (values no row holds any more are kept)."""
        return Distinct(self.codes[rows], self.values)

    def rows_where(self, flags: Sequence[bool] | np.ndarray) -> np.ndarray:
        """Positions of the rows whose distinct value is flagged."""
        return np.flatnonzero(np.asarray(flags, dtype=bool)[self.codes])


def as_objects(values: Sequence[object]) -> np.ndarray:
    """A 1-d object array of the values (never a 2-d array, whatever the values are)."""
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def arrow_strings(values: Sequence[object]) -> pa.StringArray | None:
    """The values as an arrow string array (None stays null), or None if any is not a string."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def simple_mask(values: Sequence[object]) -> np.ndarray:
    """True for each value that is a plain token (a string of printable ASCII without spaces)."""
    if len(values) >= _BULK_MIN:
        arrow = arrow_strings(values)
        if arrow is not None:
            return pc.match_substring_regex(arrow, _SIMPLE_RE2).fill_null(False).to_numpy(zero_copy_only=False)
    return np.fromiter(
        (isinstance(v, str) and _SIMPLE.fullmatch(v) is not None for v in values), dtype=bool, count=len(values)
    )


def may_match(values: Sequence[object], pattern_re2: str) -> np.ndarray:
    """True for each value that is a string in which ``pattern_re2`` (RE2 syntax) is found; False for others.

    A cheap filter before a check in Python: with many values the search runs in bulk (pyarrow),
    so only the few values it flags are looked at one by one. With few values, or values that are
    not all strings, every string is flagged (the check in Python then decides).
    """
    if len(values) >= _BULK_MIN:
        arrow = arrow_strings(values)
        if arrow is not None:
            return pc.match_substring_regex(arrow, pattern_re2).fill_null(False).to_numpy(zero_copy_only=False)
    return np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))


def map_unless_simple(values: Sequence[object], function: Callable[[object], object], simple: np.ndarray) -> list[object]:
    """``function`` of each value, where a plain token stands for itself (``function(v) == v`` for those)."""
    return [v if is_simple else function(v) for v, is_simple in zip(values, simple)]


def groups(labels: Sequence[Hashable | None], codes: np.ndarray) -> list[tuple[Hashable, int, int]]:
    """Rows grouped by the label of their distinct value (None: no group).

    Returns:
        ``(label, first row, number of rows)`` per label, in order of each label's first row.
    """
    ids: dict[Hashable, int] = {}
    label_id = np.array([-1 if label is None else ids.setdefault(label, len(ids)) for label in labels], dtype=np.intp)
    if not ids:
        return []
    per_row = label_id[codes] if len(codes) else np.zeros(0, dtype=np.intp)
    rows = np.flatnonzero(per_row >= 0)
    found, first = np.unique(per_row[rows], return_index=True)
    counts = np.bincount(per_row[rows], minlength=len(ids))
    by_id = {i: label for label, i in ids.items()}
    order = np.argsort(rows[first], kind="stable")
    return [(by_id[int(found[k])], int(rows[first[k]]), int(counts[found[k]])) for k in order]
