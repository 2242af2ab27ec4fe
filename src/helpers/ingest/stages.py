"""The checks a sheet's data rows go through, as a list of small stages of one signature.

Every stage takes the rows (``SheetRows``: the sheet's data rows, the raw cells
of each standard column and what the stages before found) and gives back a
``StageResult``: the rows as it leaves them, the problems it found in them
(``RowErrors``) and its notes. ``run_stages`` applies ``STAGES`` in order and
merges the problems. Each column is worked on one distinct value at a time
(``distinct``). The stages, in order:

1. ``skip_junk_rows``        totals, notes and signatures skipped (``junk``)
2. ``reject_excel_errors``   ``#N/A``, ``#DIV/0!``... never a value
3. ``remove_personal_data``  personal data cut out of free-text columns, text and number cells (``pii``)
4. ``parse_ids``             ids cleaned; personal data or Excel's scientific notation as an id rejected
5. ``parse_texts``           craft, GI product, data origin
6. ``parse_coded_values``    trade, onboarding status, yes/no
7. ``parse_dates``           registration and stage dates, the sheet's day/month order
8. ``resolve_districts``     districts of UP (``helpers.reference.districts``)
9. ``check_schema``          the declared rules (``schema.ROW_SCHEMA``)

What does not belong here: finding the header and the data rows, filing the
accepted rows and duplicates (``sheets``), reading files (``reading``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from helpers.ingest import distinct, junk, parsing, pii
from helpers.ingest.duplicates import parsed_ids
from helpers.ingest.headers import INPUT_COLUMNS
from helpers.ingest.problems import NOTE, Problem, show_value
from helpers.ingest.reading import RawSheet
from helpers.ingest.rowerrors import RowErrors, ValueProblem
from helpers.ingest.schema import DATE_COLUMNS, STAGE_DATE_COLUMNS, row_failures
from helpers.reference import tables as reference
from helpers.reference.districts import DistrictResolver, name_key, text_key

#: Kept text columns scanned for personal data (ids, dates and yes/no are not free text).
FREE_TEXT_COLUMNS = ("home_district", "event_district", "trade", "craft", "gi_product", "onboarding_status", "data_origin")
DISTRICT_COLUMNS = ("home_district", "event_district")
#: Columns of a few coded values, and the kind of ``parsing.value_synonyms`` each takes.
CODED_COLUMNS = {"trade": "trade", "onboarding_status": "onboarding_status", "is_woman": "boolean", "is_tribal": "boolean"}
#: Id columns, checked for personal data used as an id (``pii.id_pii_kinds``).
ID_COLUMNS = ("registration_id", "gem_seller_id")
#: Rows checked against ``ROW_SCHEMA`` at a time.
ROW_CHECK_ROWS = 250_000

_DISTRICT_FIX = {
    "other_state": "only sellers and events in Uttar Pradesh belong in these sheets; check the row",
    "unresolved": f"write a district of UP as in data/raw/reference/{reference.DISTRICTS_FILE} (column name_common)",
}
_LOST_HINDI = (
    "is only question marks: Hindi letters are lost when Excel saves 'CSV (Comma delimited)'",
    "re-save the original sheet as 'CSV UTF-8 (Comma delimited) (*.csv)'",
)
_PII_FIX = "keep personal data out of the registration sheets"


@dataclass(frozen=True)
class RunContext:
    """What every sheet of one ingest is checked against."""

    latest: dt.date  #: the latest acceptable date
    resolver: DistrictResolver


@dataclass(frozen=True)
class SheetRows:
    """The data rows of one sheet on their way through the stages.

    Attributes:
        sheet: the sheet they come from.
        context: the ingest's ``RunContext``.
        data: the record index (in ``sheet``) of each row.
        raw: per standard column, the cells of the rows (all None for a column the sheet lacks).
        parsed: per column parsed so far, the parsed values.
        id_keys: per id column, the duplicate key of each distinct id.
        lgd: per district column, the LGD code of each distinct value.
        only_personal: per free-text column that held personal data: per row, (held only that?, which kinds).
        errors: the problems found so far.
        notes: the notes so far (rows kept, something changed or skipped).
        counts: ``junk_rows_skipped``, ``values_redacted``.
    """

    sheet: RawSheet
    context: RunContext
    data: np.ndarray
    raw: Mapping[str, distinct.Distinct]
    parsed: Mapping[str, distinct.Distinct] = field(default_factory=dict)
    id_keys: Mapping[str, pa.Array] = field(default_factory=dict)
    lgd: Mapping[str, distinct.Distinct] = field(default_factory=dict)
    only_personal: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    errors: RowErrors = None  # type: ignore[assignment]
    notes: tuple[Problem, ...] = ()
    counts: Mapping[str, int] = field(default_factory=lambda: {"junk_rows_skipped": 0, "values_redacted": 0})

    def __post_init__(self) -> None:
        if self.errors is None:
            object.__setattr__(self, "errors", RowErrors(len(self.data)))

    @property
    def numbers(self) -> np.ndarray:
        """The spreadsheet row number of each row."""
        return self.data + 1

    def with_(self, **changes: object) -> SheetRows:
        """A copy with some fields replaced; mappings (``raw``, ``parsed``...) are merged, not replaced."""
        for name in ("raw", "parsed", "id_keys", "lgd", "only_personal", "counts"):
            if name in changes:
                changes[name] = {**getattr(self, name), **changes[name]}  # type: ignore[dict-item]
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def note(self, first: int, rows_count: int, column: str | None, value: object, problem: str, fix: str) -> Problem:
        """A note about ``rows_count`` rows, the first at position ``first``."""
        shown = None if value is None else show_value(value)
        return Problem(self.sheet.source_file, self.sheet.source_sheet, int(self.numbers[first]), column, shown,
                       problem, fix, NOTE, rows_count)


@dataclass(frozen=True)
class StageResult:
    """What a stage gives back: the rows as it leaves them, the problems it found, its notes."""

    rows: SheetRows
    errors: RowErrors
    notes: tuple[Problem, ...] = ()


Stage = Callable[[SheetRows], StageResult]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value)


def skip_junk_rows(rows: SheetRows) -> StageResult:
    """Totals, notes and signatures (``junk.find_junk_rows``) leave the rows, counted, with a note per kind."""
    positions, meanings = junk.find_junk_rows(rows.sheet, rows.data, dict(rows.raw))
    if not len(positions):
        return StageResult(rows, RowErrors(len(rows.data)))
    notes = []
    for meaning, first, rows_count in distinct.groups(meanings, np.arange(len(meanings))):
        notes.append(rows.note(int(positions[first]), rows_count, None, None, f"{meaning}, not a registration: skipped",
                               "nothing to fix if it is a summary line; delete it from the sheet to silence this"))
    keep = np.ones(len(rows.data), dtype=bool)
    keep[positions] = False
    kept = np.flatnonzero(keep)
    left = rows.with_(data=rows.data[kept], raw={c: cells.subset(kept) for c, cells in rows.raw.items()},
                      errors=RowErrors(len(kept)), counts={"junk_rows_skipped": len(positions)})
    return StageResult(left, RowErrors(len(kept)), tuple(notes))


def reject_excel_errors(rows: SheetRows) -> StageResult:
    """A cell holding an Excel error value (``#N/A``, ``#DIV/0!``...) rejects its row; the cell is then blank."""
    errors = RowErrors(len(rows.data))
    raw = {}
    for column in INPUT_COLUMNS:
        cells = rows.raw[column]
        marked = distinct.may_match(cells.values, parsing.EXCEL_ERROR_MARK_RE2)
        if not marked.any():
            continue
        flags = [bool(m) and parsing.is_excel_error(v) for v, m in zip(cells.values, marked)]
        if not any(flags):
            continue
        errors.add_by_value(column, cells, [
            (parsing.clean_text(v), "is an Excel error value: the formula behind the cell failed",
             "fix the formula, or copy the column and paste it as values, and export again") if flag else None
            for v, flag in zip(cells.values, flags)
        ])
        raw[column] = cells.with_values([None if flag else v for v, flag in zip(cells.values, flags)])
    return StageResult(rows.with_(raw=raw), errors)


def remove_personal_data(rows: SheetRows) -> StageResult:
    """Personal data found in a kept free-text column (text or number cells) is cut out of the value, with a note."""
    notes, raw, only_personal, redacted = [], {}, {}, 0
    for column in FREE_TEXT_COLUMNS:
        cells = rows.raw[column]
        values, only, kinds_of = pii.redacted_cells(cells.values)
        found = distinct.groups(kinds_of, cells.codes)
        for kinds, first, rows_count in found:
            redacted += rows_count
            notes.append(rows.note(first, rows_count, column, pii.REDACTED, f"held personal data ({kinds}), removed", _PII_FIX))
        if found:
            raw[column] = cells.with_values(values)
            only_personal[column] = (cells.take(np.array(only, dtype=bool)), cells.take(kinds_of))
    counts = {"values_redacted": redacted}
    return StageResult(rows.with_(raw=raw, only_personal=only_personal, counts=counts), RowErrors(len(rows.data)), tuple(notes))


def _id_problem(text: object, kinds: str | None) -> ValueProblem | None:
    """Why an id (cleaned) cannot be one, or None."""
    if kinds is not None:  # an Aadhaar or mobile number as an id: the row is rejected, the id not shown
        return (pii.REDACTED, f"looks like personal data ({kinds}), not an id",
                "write the campaign's id here; keep personal data out of the sheets")
    if isinstance(text, str) and parsing.is_scientific_notation(text):
        return (text, "is mangled by Excel (a long number turned into scientific notation, its digits lost)",
                "format the column as text in the original sheet and re-export")
    return None


def parse_ids(rows: SheetRows) -> StageResult:
    """Ids cleaned and keyed for duplicates; personal data or scientific notation as an id rejects the row."""
    errors = RowErrors(len(rows.data))
    parsed, id_keys = {}, {}
    for column in ID_COLUMNS:
        cells = rows.raw[column]
        ids, id_keys[column] = parsed_ids(cells)
        parsed[column] = cells.with_values(ids)
        kinds = pii.id_pii_kinds(ids)
        marked = distinct.may_match(ids, parsing.SCIENTIFIC_PATTERN)
        errors.add_by_value(column, cells, [
            _id_problem(i, k) if (k is not None or m) else None for i, k, m in zip(ids, kinds, marked)
        ])
    return StageResult(rows.with_(parsed=parsed, id_keys=id_keys), errors)


@lru_cache(maxsize=1)
def _gi_names() -> dict[str, str]:
    names = reference.load_gi_products()["gi_name"].drop_duplicates()
    return {text_key(n): n for n in names}


def parse_texts(rows: SheetRows) -> StageResult:
    """Craft and data origin as clean text; a GI product spelt as in the GI list."""
    gi = _gi_names()
    parsed = {column: rows.raw[column].with_values(rows.raw[column].map(parsing.clean_text))
              for column in ("craft", "data_origin")}
    parsed["gi_product"] = rows.raw["gi_product"].with_values(
        rows.raw["gi_product"].map(lambda v: gi.get(text_key(t), t) if (t := parsing.clean_text(v)) else None)
    )
    return StageResult(rows.with_(parsed=parsed), RowErrors(len(rows.data)))


def _parse_each(cells: distinct.Distinct, parser: Callable[[object], object],
                shown: Callable[[object], str]) -> tuple[list[object], list[ValueProblem | None]]:
    """``parser`` of each distinct non-blank value, and the problem of each that fails (value as ``shown``)."""
    results: list[object] = []
    problems: list[ValueProblem | None] = []
    for value in cells.values:
        result, problem = None, None
        if not _blank(value):
            try:
                result = parser(value)
            except parsing.ValueParseError as error:
                problem = (shown(value), error.problem, error.fix)
        results.append(result)
        problems.append(problem)
    return results, problems


def parse_coded_values(rows: SheetRows) -> StageResult:
    """Trade, onboarding status and yes/no to their standard values."""
    errors = RowErrors(len(rows.data))
    parsed = {}
    for column, kind in CODED_COLUMNS.items():
        known = tuple(parsing.value_synonyms()[kind])
        parser = parsing.parse_bool if kind == "boolean" else (lambda v, k=kind: parsing.parse_coded(v, k))
        results, problems = _parse_each(rows.raw[column], parser, lambda v, k=known: pii.shown_coded_value(v, k))
        errors.add_by_value(column, rows.raw[column], problems)
        parsed[column] = rows.raw[column].with_values(results)
    return StageResult(rows.with_(parsed=parsed), errors)


def _resolve_dates(cells: distinct.Distinct, readings: list[object], order: str | None,
                   latest: dt.date) -> tuple[list[object], list[ValueProblem | None]]:
    """Each reading as a date in the sheet's order; the problem of each that is not a possible date."""
    dates: list[object] = []
    problems: list[ValueProblem | None] = []
    for raw_value, reading in zip(cells.values, readings):
        date, problem = None, None
        if reading is not None:
            try:
                date = parsing.resolve_date(reading, order, latest)  # type: ignore[arg-type]
            except parsing.ValueParseError as error:
                problem = (pii.shown_date_value(raw_value), error.problem, error.fix)
        dates.append(date)
        problems.append(problem)
    return dates, problems


def _rows_with(rows: SheetRows, readings: Mapping[str, list[object]],
               wanted: Callable[[parsing.DateReading], bool]) -> dict[str, np.ndarray]:
    """Per date column, per row: is the reading of its date ``wanted``?"""
    return {column: np.array([r is not None and wanted(r) for r in readings[column]],  # type: ignore[arg-type]
                             dtype=bool)[rows.raw[column].codes] for column in DATE_COLUMNS}


def _first_of(rows: SheetRows, readings: Mapping[str, list[object]],
              hits: Mapping[str, np.ndarray]) -> tuple[int, str, object, parsing.DateReading]:
    """``(row position, column, raw value, reading)`` of the sheet's first date cell among ``hits`` (one at least)."""
    position = min(int(np.argmax(mask)) for mask in hits.values() if mask.any())
    column = next(c for c in DATE_COLUMNS if hits[c][position])
    code = rows.raw[column].codes[position]
    return position, column, rows.raw[column].values[code], readings[column][code]  # type: ignore[return-value]


def _date_order_note(rows: SheetRows, readings: Mapping[str, list[object]], order: str | None,
                     parsed: Mapping[str, distinct.Distinct]) -> tuple[Problem, ...]:
    """One note for the sheet when its ambiguous dates were read in an order it does not prove itself (day first,
    the Indian habit) or that is not the usual one (month first, proven by one of its dates); no note when
    day first is proven, when the sheet settles nothing (those dates are rejected) or when no date is ambiguous."""
    every = [r for c in DATE_COLUMNS for r in readings[c] if r is not None]
    read = {c: [r if d is not None else None for r, d in zip(readings[c], parsed[c].values)] for c in DATE_COLUMNS}
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
    readings = {}
    for column in DATE_COLUMNS:
        readings[column], problems = _parse_each(rows.raw[column], parsing.read_date, pii.shown_date_value)
        errors.add_by_value(column, rows.raw[column], problems)
    order = parsing.sheet_date_order([r for c in DATE_COLUMNS for r in readings[c] if r is not None])  # type: ignore[misc]
    parsed = {}
    for column in DATE_COLUMNS:
        dates, problems = _resolve_dates(rows.raw[column], readings[column], order, rows.context.latest)
        errors.add_by_value(column, rows.raw[column], problems)
        parsed[column] = rows.raw[column].with_values(dates)
    _stage_dates_after_registration(rows, parsed, errors)
    return StageResult(rows.with_(parsed=parsed), errors, _date_order_note(rows, readings, order, parsed))


def _stage_dates_after_registration(rows: SheetRows, parsed: dict[str, distinct.Distinct], errors: RowErrors) -> None:
    """Reject a stage date before the row's registration date."""
    registered = distinct.as_objects(parsed["registration_date"].values)[parsed["registration_date"].codes]
    for column in STAGE_DATE_COLUMNS:
        cells = parsed[column]
        stage = distinct.as_objects(cells.values)[cells.codes]
        both = np.flatnonzero(pd.notna(stage) & pd.notna(registered))
        before = [int(i) for i in both if stage[i] < registered[i]]
        errors.add_each(before, [column] * len(before), [
            (f"{stage[i]:%Y-%m-%d}", f"is before the registration date ({registered[i]:%d %b %Y})",
             f"a seller reaches this stage after registering: check both dates (the kit reads "
             f"{parsing.unambiguous(stage[i])} here and {parsing.unambiguous(registered[i])} as the registration date)")
            for i in before
        ])


@lru_cache(maxsize=4)
def district_keys(resolver: DistrictResolver) -> tuple[str, ...]:
    """Every name key the resolver knows (to tell a misspelt district from a value of another kind)."""
    return tuple(resolver.entries)


def _district_problem(text: str | None, match: object, resolver: DistrictResolver) -> ValueProblem | None:
    """The problem of a district value that is not a district of UP, or None."""
    if match is None or match.method not in ("unresolved", "other_state"):  # type: ignore[attr-defined]
        return None
    if set(text) <= set("? "):  # type: ignore[arg-type]
        return (text, *_LOST_HINDI)
    shown = show_value(text) if match.method == "other_state" else pii.shown_of_kind(text, district_keys(resolver), name_key)  # type: ignore[attr-defined]
    return (shown, match.problem, _DISTRICT_FIX[match.method])  # type: ignore[attr-defined]


def resolve_districts(rows: SheetRows) -> StageResult:
    """Each distinct spelling of a district resolved once; a note for a value read as a district."""
    errors = RowErrors(len(rows.data))
    resolver = rows.context.resolver
    parsed, lgd, notes = {}, {}, []
    for column in DISTRICT_COLUMNS:
        cells = rows.raw[column]
        texts = cells.map(parsing.clean_text)
        matches = [None if text is None else resolver.resolve(text) for text in texts]
        errors.add_by_value(column, cells, [_district_problem(t, m, resolver) for t, m in zip(texts, matches)])
        parsed[column] = cells.with_values([m.district if m is not None else None for m in matches])
        lgd[column] = cells.with_values([m.lgd_code if m is not None else None for m in matches])
        found = [(t, m.note) if m is not None and m.is_resolved and isinstance(m.note, str) else None
                 for t, m in zip(texts, matches)]
        for (text, note), first, rows_count in distinct.groups(found, cells.codes):  # type: ignore[misc]
            notes.append(rows.note(first, rows_count, column, text, note, "write the district's standard name to silence this"))
    return StageResult(rows.with_(parsed=parsed, lgd=lgd), errors, tuple(notes))


def _row_check_values(column: str, values: list[object]) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """Distinct parsed values as the row checks see them: dates as datetime64[ns], yes/no as the
    nullable "boolean" dtype, everything else as Python objects."""
    array = distinct.as_objects(values)
    if column in DATE_COLUMNS:
        return pd.to_datetime(pd.Series(array, dtype=object)).astype("datetime64[ns]").to_numpy()
    if column in ("is_woman", "is_tribal"):
        return pd.array(array, dtype="boolean")
    return array


def _row_check_series(values: np.ndarray | pd.api.extensions.ExtensionArray, codes: np.ndarray, rows: slice) -> pd.Series:
    """The rows ``rows`` of a column for the row checks (object columns stay object, not inferred as text)."""
    index = pd.RangeIndex(rows.start, rows.stop)
    taken = values[codes]
    if isinstance(taken, np.ndarray) and taken.dtype == object:
        return pd.Series(taken, index=index, dtype=object)
    return pd.Series(taken, index=index)


def shown_rejected(rows: SheetRows, column: str, value: object) -> str:
    """A rejected raw value as it may be shown in its column: blank as '', personal data removed,
    a value not of the column's kind as its length only."""
    if _blank(value):
        return ""
    if column in CODED_COLUMNS:
        return pii.shown_coded_value(value, tuple(parsing.value_synonyms()[CODED_COLUMNS[column]]))
    if column in DATE_COLUMNS:
        return pii.shown_date_value(value)
    if column in DISTRICT_COLUMNS:
        return pii.shown_of_kind(value, district_keys(rows.context.resolver), name_key)
    return show_value(value)


def _schema_failures(rows: SheetRows) -> list[tuple[object, str, str, str]]:
    """``schema.row_failures`` of the parsed rows, in slices of ``ROW_CHECK_ROWS`` (same order, less memory)."""
    checked = {column: _row_check_values(column, rows.parsed[column].values) for column in INPUT_COLUMNS}
    failures = []
    count = len(rows.data)
    for start in range(0, count, ROW_CHECK_ROWS):
        part = slice(start, min(count, start + ROW_CHECK_ROWS))
        frame = pd.DataFrame(
            {column: _row_check_series(checked[column], rows.parsed[column].codes[part], part) for column in INPUT_COLUMNS},
            index=pd.RangeIndex(part.start, part.stop),
        )
        failures.extend(row_failures(frame))
        del frame
    return failures


def check_schema(rows: SheetRows) -> StageResult:
    """The declared schema: blanks in required columns, values outside the allowed lists, dates out of range.

    A cell that already has a problem is not reported again; a required value
    that held only personal data is reported as such, not as blank.
    """
    errors = RowErrors(len(rows.data))
    failed_rows, failed_columns, failed = [], [], []
    for position, column, problem, fix in _schema_failures(rows):
        if column in rows.only_personal and rows.only_personal[column][0][position]:
            kinds = rows.only_personal[column][1][position]
            failed.append((pii.REDACTED, f"held only personal data ({kinds}), removed", f"{fix}; {_PII_FIX}"))
        elif not (rows.errors.in_column(column)[position] or errors.in_column(column)[position]):
            cells = rows.raw[column]
            failed.append((shown_rejected(rows, column, cells.values[cells.codes[position]]), problem, fix))
        else:
            continue
        failed_rows.append(int(position))  # type: ignore[arg-type]
        failed_columns.append(column)
        errors.in_column(column)[position] = True
    errors.add_each(failed_rows, failed_columns, failed)
    return StageResult(rows, errors)


#: The stages every sheet's rows go through, in order.
STAGES: tuple[Stage, ...] = (
    skip_junk_rows,
    reject_excel_errors,
    remove_personal_data,
    parse_ids,
    parse_texts,
    parse_coded_values,
    parse_dates,
    resolve_districts,
    check_schema,
)


def run_stages(rows: SheetRows, stages: tuple[Stage, ...] = STAGES) -> SheetRows:
    """Apply ``stages`` in order; the rows come out with every stage's problems and notes."""
    for stage in stages:
        result = stage(rows)
        rows = dataclasses.replace(result.rows, errors=result.rows.errors.merged(result.errors),
                                   notes=result.rows.notes + result.notes)
    return rows
