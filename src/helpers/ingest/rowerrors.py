"""The problems found in a sheet's rows, kept column-wise, in the order they were found.

A stage of ``stages`` records its problems in a ``RowErrors`` of its own; the
stages' runner merges them. Each entry is ``(column, value as shown, problem,
fix)``; ``ordered`` gives them by row, then in the order found, which is the
order a row-by-row reading would show them. What does not belong here: finding
the problems (``stages``) or writing them out (``sheets``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from helpers.ingest.distinct import Distinct

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

    def add_each(self, rows: list[int], columns: list[str], problems: list[ValueProblem]) -> None:
        """One problem per entry, in the order given (row ``rows[i]``, column ``columns[i]``)."""
        if not rows:
            return
        self.positions.append(np.array(rows, dtype=np.intp))
        self.entries.append(np.arange(len(rows), dtype=np.intp) + len(self.table))
        self.table.extend((column, *p) for column, p in zip(columns, problems))
        for column, row in zip(columns, rows):
            self.in_column(column)[row] = True

    def add_by_value(self, column: str, cells: Distinct, problems: Sequence[ValueProblem | None]) -> None:
        """A problem (or None) per distinct value of ``cells``, for every row holding that value."""
        entry = np.full(len(problems), -1, dtype=np.intp)
        listed = []
        for index, problem in enumerate(problems):
            if problem is not None:
                entry[index] = len(listed)
                listed.append(problem)
        if not listed:
            return
        per_row = entry[cells.codes]
        rows = np.flatnonzero(per_row >= 0)
        self.add(column, rows, per_row[rows], listed)

    def in_column(self, column: str) -> np.ndarray:
        """Per row: True when it already has a problem in ``column``."""
        if column not in self._in_column:
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
