"""The date stage: every date column read, the sheet's day/month order settled by its own dates.

``parse_dates`` reads each distinct date cell once (``parsing.read_date``),
settles the order of the sheet's ambiguous A/B/Y dates from all its dates
(``parsing.sheet_date_order``: day first unless a date proves month first),
says so in one note for the sheet when it is not proven day first, and rejects
a stage date before its row's registration date.

What does not belong here: what a date is (``parsing``), the other stages (``stages``).
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.ingest import parsing, pii
from helpers.ingest.problems import Problem
from helpers.ingest.rowerrors import RowErrors
from helpers.ingest.schema import DATE_COLUMNS, STAGE_DATE_COLUMNS
from helpers.ingest.sheetframe import with_values
from helpers.ingest.sheetrows import SheetRows, StageResult, parse_each


def _rows_with(rows: SheetRows, readings: Mapping[str, list[object]],
               wanted: Callable[[parsing.DateReading], bool]) -> dict[str, np.ndarray]:
    """Per date column, per row: is the reading of its date ``wanted``?"""
    return {column: np.array([r is not None and wanted(r) for r in readings[column]],  # type: ignore[arg-type]
                             dtype=bool)[rows.codes(column)] for column in DATE_COLUMNS}


def _first_of(rows: SheetRows, readings: Mapping[str, list[object]],
              hits: Mapping[str, np.ndarray]) -> tuple[int, str, object, parsing.DateReading]:
    """``(row position, column, raw value, reading)`` of the sheet's first date cell among ``hits`` (one at least)."""
    position = min(int(np.argmax(mask)) for mask in hits.values() if mask.any())
    column = next(c for c in DATE_COLUMNS if hits[c][position])
    code = int(rows.codes(column)[position])
    return position, column, rows.value(column, code), readings[column][code]  # type: ignore[return-value]


def _date_order_note(rows: SheetRows, readings: Mapping[str, list[object]], order: str | None,
                     parsed: Mapping[str, list[object]]) -> tuple[Problem, ...]:
    """One note for the sheet when its ambiguous dates were read in an order it does not prove itself (day first,
    the Indian habit) or that is not the usual one (month first, proven by one of its dates); no note when
    day first is proven, when the sheet settles nothing (those dates are rejected) or when no date is ambiguous."""
    every = [r for c in DATE_COLUMNS for r in readings[c] if r is not None]
    read = {c: [r if d is not None else None for r, d in zip(readings[c], parsed[c])] for c in DATE_COLUMNS}
    ambiguous = _rows_with(rows, read, lambda r: r.candidates is not None)  # and read: a rejected date has its line
    day_first_proven = parsing.proven_orders(every) == {parsing.DAY_FIRST}  # type: ignore[arg-type]
    if order is None or day_first_proven or not any(mask.any() for mask in ambiguous.values()):
        return ()
    rows_count = int(np.logical_or.reduce(list(ambiguous.values())).sum())
    position, column, value, reading = _first_of(rows, readings, ambiguous)
    day, month = (parsing.unambiguous(d) for d in reading.candidates)  # type: ignore[union-attr]
    if order == parsing.DAY_FIRST:
        problem = (f"could be read day first or month first and no date of this sheet settles which: read day first "
                   f"({day}), as Indian offices write dates, here and in every such date of the sheet")
        fix = (f"nothing to fix if that is right; if the sheet's dates are month first ({month}), "
               "write them with the month as a word")
    else:
        proof = _first_of(rows, readings, _rows_with(rows, readings, lambda r: r.order == parsing.MONTH_FIRST))[2]
        shown = pii.shown_date_value(proof)
        problem = (f"could be read day first or month first: read month first ({month}), as this sheet's date "
                   f"'{shown}' can only be month first, here and in every such date of the sheet")
        fix = f"nothing to fix if that is right; if the sheet's dates are day first ({day}), correct '{shown}'"
    return (rows.note(position, rows_count, column, pii.shown_date_value(value), problem, fix),)


def parse_dates(rows: SheetRows) -> StageResult:
    """Every date column read, the sheet's dates settling the day/month order of its ambiguous ones (day first
    unless a date proves month first, with one note for the sheet: ``parsing.sheet_date_order``); a stage
    date before the registration date rejected."""
    errors = RowErrors(len(rows.data))
    found = {column: rows.values(column) for column in DATE_COLUMNS}
    readings = {}
    for column in DATE_COLUMNS:
        readings[column], problems = parse_each(found[column], parsing.read_date, pii.shown_date_value)
        errors.add_by_value(column, rows.codes(column), problems)
    order = parsing.sheet_date_order([r for c in DATE_COLUMNS for r in readings[c] if r is not None])  # type: ignore[misc]
    dates, columns = {}, {}
    for column in DATE_COLUMNS:
        pairs = [None if reading is None else (raw, reading) for raw, reading in zip(found[column], readings[column])]
        dates[column], problems = parse_each(pairs, lambda p: parsing.resolve_date(p[1], order, rows.context.latest),  # type: ignore[index]
                                             lambda p: pii.shown_date_value(p[0]))  # type: ignore[index]
        errors.add_by_value(column, rows.codes(column), problems)
        columns[f"parsed:{column}"] = with_values(rows.columns[column], dates[column], pa.date32())
    registered = columns["parsed:registration_date"].dictionary_decode()
    for column in STAGE_DATE_COLUMNS:  # a stage date before its row's registration date is rejected
        stage = columns[f"parsed:{column}"].dictionary_decode()
        before = np.flatnonzero(pc.less(stage, registered).fill_null(False).to_numpy(zero_copy_only=False)).tolist()
        later = [(stage[i].as_py(), registered[i].as_py()) for i in before]
        errors.add(column, np.array(before, dtype=np.intp), np.arange(len(before)), [
            (f"{day:%Y-%m-%d}", f"is before the registration date ({first:%d %b %Y})",
             f"a seller reaches this stage after registering: check both dates (the kit reads "
             f"{parsing.unambiguous(day)} here and {parsing.unambiguous(first)} as the registration date)")
            for day, first in later
        ])
    return StageResult(columns, errors, _date_order_note(rows, readings, order, dates))

