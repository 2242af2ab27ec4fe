"""The problems found in a sheet's rows, kept column-wise, in the order they were found.

A stage of ``stages`` records its problems in a ``RowErrors`` of its own; the
stages' runner merges them. Each entry is ``(column, value as shown, problem,
fix)``; ``ordered`` gives them by row, then in the order found, which is the
order a row-by-row reading would show them. A problem of a distinct value
(``add_by_value``) is every row's that holds it; ``groups`` gathers the rows of
a note the same way. What does not belong here: finding the problems
(``stages``) or writing them out (``sheets``).
"""

from __future__ import annotations

from typing import Hashable, Mapping, Sequence

import numpy as np

#: A problem of a value: (value as shown, what is wrong, how to fix it).
ValueProblem = tuple[object, str, str]


class RowErrors:
    """The problems of the rows of one sheet (positions are row positions among its data rows)."""

    def __init__(self, row_count: int) -> None:
        self.row_count = row_count
        self.positions: list[np.ndarray] = []
        self.entries: list[np.ndarray] = []
        self.table: list[tuple[str, object, str, str]] = []  # (column, value shown, problem, fix)
        self._in_column: dict[str, np.ndarray] = {}

    def add(self, column: str, rows: np.ndarray, entry_of_row: np.ndarray, problems: Sequence[ValueProblem]) -> None:
        """Problems ``problems[entry_of_row[i]]`` for the rows ``rows[i]`` of one column."""
        if not len(rows):
            return
        self.positions.append(np.asarray(rows, dtype=np.intp))
        self.entries.append(np.asarray(entry_of_row, dtype=np.intp) + len(self.table))
        self.table.extend((column, *p) for p in problems)
        self.in_column(column)[rows] = True

    def add_by_value(self, column: str, codes: np.ndarray,
                     problems: Sequence[ValueProblem | None] | Mapping[int, ValueProblem],
                     skip: np.ndarray | None = None) -> None:
        """A problem per distinct value, for every row holding that value (``codes``: per row, its value).

        ``problems`` has a problem or None per distinct value, or only the problems, by value index.
        ``skip``: per row, True to leave it out (a row that already has a problem in the column).
        """
        found = problems if isinstance(problems, Mapping) else {i: p for i, p in enumerate(problems) if p is not None}
        if not found or not len(codes):
            return
        entry = np.full(max(int(codes.max()), *found) + 1, -1, dtype=np.intp)
        entry[list(found)] = np.arange(len(found))
        per_row = entry[codes]
        rows = np.flatnonzero((per_row >= 0) if skip is None else (per_row >= 0) & ~skip)
        self.add(column, rows, per_row[rows], list(found.values()))

    def in_column(self, column: str) -> np.ndarray:
        """Per row: True when it already has a problem in ``column``."""
        if column not in self._in_column:  # not setdefault: it would allocate a row array on every call
            self._in_column[column] = np.zeros(self.row_count, dtype=bool)
        return self._in_column[column]

    def merged(self, other: RowErrors) -> RowErrors:
        """These problems followed by ``other``'s (same rows)."""
        out = RowErrors(self.row_count)
        offset = len(self.table)
        out.positions = self.positions + other.positions
        out.entries = self.entries + [entries + offset for entries in other.entries]
        out.table = self.table + other.table
        for column in {*self._in_column, *other._in_column}:
            out._in_column[column] = self.in_column(column) | other.in_column(column)
        return out

    def rows(self) -> np.ndarray:
        """Positions of the rows with a problem, sorted."""
        return np.unique(np.concatenate(self.positions)) if self.positions else np.zeros(0, dtype=np.intp)

    def ordered(self) -> tuple[np.ndarray, np.ndarray]:
        """``(positions, table entries)`` of every problem, by row, then in the order found."""
        if not self.positions:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
        positions = np.concatenate(self.positions)
        entries = np.concatenate(self.entries)
        order = np.lexsort((entries, positions))
        return positions[order], entries[order]


def groups(labels: Sequence[Hashable | None], codes: np.ndarray) -> list[tuple[Hashable, int, int]]:
    """Rows grouped by the label of their distinct value (None: no group; ``codes``: per row, its value).

    Returns:
        ``(label, first row, number of rows)`` per label, in order of each label's first row.
    """
    ids: dict[Hashable, int] = {}
    label_id = np.array([-1 if label is None else ids.setdefault(label, len(ids)) for label in labels], dtype=np.intp)
    if not ids:
        return []
    per_row = label_id[codes]
    rows = np.flatnonzero(per_row >= 0)
    found, first = np.unique(per_row[rows], return_index=True)
    counts = np.bincount(per_row[rows], minlength=len(ids))
    by_id = {i: label for label, i in ids.items()}
    order = np.argsort(rows[first], kind="stable")
    return [(by_id[int(found[k])], int(rows[first[k]]), int(counts[found[k]])) for k in order]
