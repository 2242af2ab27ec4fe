"""A sheet's data rows on their way through the stages, and what a stage gives back.

``SheetRows`` holds the rows of one sheet as dictionary-encoded columns
(pyarrow ``DictionaryArray``s): the raw cells of each standard column, by its
name, and what the stages derive from them, named ``kind:column``: ``parsed:craft``,
``key:registration_id`` (ids), ``lgd:home_district`` (districts), ``only_personal:craft`` and
``personal_kinds:craft`` (free text that held personal data)..., with the problems, notes
and counts found so far. A stage (``Stage``) gives back a ``StageResult``;
``SheetRows.then`` adds it. ``parse_each`` is the loop of a parsing stage over
a column's distinct values.

What does not belong here: the stages themselves (``stages``, ``date_stage``),
the sheet's reading (``sheetframe``) and the filing of the rows (``sheets``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
import pyarrow as pa

from helpers.ingest import parsing
from helpers.ingest.problems import NOTE, Problem, show_value
from helpers.ingest.rowerrors import RowErrors, ValueProblem
from helpers.ingest.sheetframe import SheetFrame, cell_value, codes, values
from helpers.reference.districts import DistrictResolver


@dataclass(frozen=True)
class RunContext:
    """What every sheet of one ingest is checked against."""

    latest: dt.date  #: the latest acceptable date
    resolver: DistrictResolver


@dataclass(frozen=True)
class StageResult:
    """What a stage gives back: the columns it adds or replaces, the problems and notes it found, its counts
    and, for a stage that takes rows out, the positions of the rows kept."""

    columns: Mapping[str, pa.DictionaryArray] = field(default_factory=dict)
    errors: RowErrors | None = None
    notes: tuple[Problem, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    kept: np.ndarray | None = None


@dataclass(frozen=True)
class SheetRows:
    """The data rows of one sheet on their way through the stages.

    Attributes:
        sheet: the sheet they come from.
        context: the ingest's ``RunContext``.
        data: the record index (in ``sheet``) of each row.
        columns: dictionary-encoded columns of the rows: each standard column's raw cells by its name (all null for a
            column the sheet lacks), and what the stages derive from them (``kind:column``).
        errors: the problems found so far.
        notes: the notes so far (rows kept, something changed or skipped).
        counts: ``junk_rows_skipped``, ``values_redacted``.
    """

    sheet: SheetFrame
    context: RunContext
    data: np.ndarray
    columns: Mapping[str, pa.DictionaryArray]
    errors: RowErrors
    notes: tuple[Problem, ...] = ()
    counts: Mapping[str, int] = field(default_factory=lambda: {"junk_rows_skipped": 0, "values_redacted": 0})

    @property
    def numbers(self) -> np.ndarray:
        """The spreadsheet row number of each row."""
        return self.data + 1

    def codes(self, name: str) -> np.ndarray:
        """Per row, the index of its value in the column ``name``."""
        return codes(self.columns[name])

    def values(self, name: str) -> list[object]:
        """The distinct values of the column ``name`` as Python values (a workbook's typed cells decoded)."""
        return values(self.columns[name], typed=self.sheet.is_typed and ":" not in name)

    def value(self, name: str, position: int) -> object:
        """One distinct value of the column ``name`` (``values(name)[position]``, without the others)."""
        value = self.columns[name].dictionary[position].as_py()
        return cell_value(value) if self.sheet.is_typed and ":" not in name else value

    def then(self, result: StageResult) -> SheetRows:
        """These rows after a stage: its columns added, its rows kept, its problems, notes and counts added."""
        columns, data, errors = {**self.columns, **result.columns}, self.data, self.errors
        if result.kept is not None:  # the first stage only: no problem is recorded yet
            kept = pa.array(result.kept, type=pa.int64())
            columns = {name: column.take(kept) for name, column in columns.items()}
            data, errors = data[result.kept], RowErrors(len(result.kept))
        if result.errors is not None:
            errors = errors.merged(result.errors)
        return dataclasses.replace(self, columns=columns, data=data, errors=errors, notes=self.notes + result.notes,
                                   counts={**self.counts, **result.counts})

    def derived_only(self) -> SheetRows:
        """These rows with only the columns the stages derived (the raw cells let go)."""
        return dataclasses.replace(self, columns={name: column for name, column in self.columns.items() if ":" in name})

    def note(self, first: int, rows_count: int, column: str | None, value: object, problem: str, fix: str) -> Problem:
        """A note about ``rows_count`` rows, the first at position ``first``."""
        shown = None if value is None else show_value(value)
        return Problem(self.sheet.source_file, self.sheet.source_sheet, int(self.numbers[first]), column, shown,
                       problem, fix, NOTE, rows_count)


Stage = Callable[[SheetRows], StageResult]


def blank(value: object) -> bool:
    """An empty cell: None, only spaces, or NaN."""
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value)


def parse_each(found: list[object], parser: Callable[[object], object],
               shown: Callable[[object], str]) -> tuple[list[object], list[ValueProblem | None]]:
    """``parser`` of each distinct non-blank value, and the problem of each that fails (value as ``shown``)."""
    results: list[object] = []
    problems: list[ValueProblem | None] = []
    for value in found:
        result, problem = None, None
        if not blank(value):
            try:
                result = parser(value)
            except parsing.ValueParseError as error:
                problem = (shown(value), error.problem, error.fix)
        results.append(result)
        problems.append(problem)
    return results, problems
