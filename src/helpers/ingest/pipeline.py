"""From registration sheets to the standard table, with every row accounted for.

``ingest_paths`` reads each file (``reading``), finds the header row and maps
the headers (``headers``), drops personal data (``pii``), parses each column
(``parsing``, districts through ``helpers.reference.districts``), checks the rows
against the declared schema (``schema``), and sets aside duplicates. Every
non-blank row below the header ends up in exactly one of ``accepted``,
``rejected`` or ``duplicates``; ``quality`` shows the sums per file and sheet.
``write_outputs`` writes the results to ``data/processed/``.

A sheet is handled column by column: each column's distinct values are
parsed, redacted and resolved once (``distinct``) and the results mapped back
to the rows, so a million-row sheet costs about as much Python work as its
few thousand distinct districts, crafts and dates (plus bulk work on the ids).
Problems keep the order a row-by-row reading would give them.

What does not belong here: computing anything from the registrations (``metrics``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from helpers import paths
from helpers.reference import tables as reference
from helpers.reference.districts import get_resolver, text_key
from helpers.ingest import headers as hdr
from helpers.ingest import distinct, parsing, pii
from helpers.ingest.problems import ERROR, NOTE, Problem, show_value
from helpers.ingest import reading
from helpers.ingest.reading import RawSheet, ReadError, discover_in_order, display_name, read_file
from helpers.ingest.schema import OUTPUT_COLUMNS, REGISTRATIONS_SCHEMA, TEXT_COLUMNS, row_failures
from helpers.analysis.privacy import excel_safe

JUNK_MARKERS_FILE = "registration_junk_row_markers.csv"
#: Kept text columns scanned for personal data (ids, dates and yes/no are not free text).
FREE_TEXT_COLUMNS = ("home_district", "event_district", "trade", "craft", "gi_product", "onboarding_status", "data_origin")
DISTRICT_COLUMNS = ("home_district", "event_district")
#: Columns of a few coded values: a rejected value is shown only if short (``pii.shown_coded_value``).
CODED_COLUMNS = ("trade", "onboarding_status", "is_woman", "is_tribal")
#: Id columns, checked for personal data used as an id (``pii.id_pii_kinds``).
ID_COLUMNS = ("registration_id", "gem_seller_id")
#: Output file names in the output folder (the defaults are the paths in ``helpers.paths``).
DROPPED_COLUMNS_CSV = "dropped_columns.csv"
DUPLICATE_ROWS_CSV = "duplicate_rows.csv"

REJECTED_COLUMNS = ("source_file", "source_sheet", "source_row", "column", "value", "problem", "fix")
DUPLICATE_COLUMNS = ("source_file", "source_sheet", "source_row", "registration_id", "gem_seller_id", "duplicate_of")
QUALITY_COLUMNS = (
    "source_file",
    "source_sheet",
    "rows_in",
    "accepted",
    "rejected",
    "duplicates",
    "blank_rows_skipped",
    "title_rows_skipped",
    "values_redacted",
    "dropped_columns",
    "encoding",
    "file_problem",
)
DROPPED_COLUMNS = ("source_file", "source_sheet", "column", "reason")
#: After a file of at least this many records, freed memory is handed back to the system.
BIG_FILE_RECORDS = 100_000
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


@dataclass
class IngestResult:
    """Everything ``ingest_paths`` found.

    Attributes:
        accepted: the standard table (``REGISTRATIONS_SCHEMA``), one row per registration.
        rejected: one line per problem of a rejected row (a row with two problems has two lines).
        duplicates: rows set aside because an earlier row has the same registration or GeM seller id.
        problems: every problem as a ``Problem`` (errors and notes), in file order.
        quality: per file and sheet, ``rows_in == accepted + rejected + duplicates``.
        dropped_columns: columns not kept, with the reason (personal data, not in the schema).
    """

    accepted: pd.DataFrame
    rejected: pd.DataFrame
    duplicates: pd.DataFrame
    problems: list[Problem]
    quality: pd.DataFrame
    dropped_columns: pd.DataFrame

    @property
    def file_problems(self) -> list[Problem]:
        """Problems that make a whole file or sheet unusable (unreadable, required column missing)."""
        return [p for p in self.problems if p.is_file_level]

    @property
    def errors(self) -> list[Problem]:
        """Problems that rejected a row or a file."""
        return [p for p in self.problems if p.severity == ERROR]

    def is_valid(self, strict: bool = False) -> bool:
        """True when every file was usable (and, if ``strict``, no row was rejected)."""
        if self.file_problems:
            return False
        return not (strict and len(self.rejected))


@lru_cache(maxsize=1)
def junk_markers() -> tuple[tuple[str, str, str], ...]:
    """``(marker key, marker as written, meaning)`` of total/signature/note lines, longest first."""
    frame = pd.read_csv(paths.REFERENCE_DIR / JUNK_MARKERS_FILE, dtype=str)
    rows = [(text_key(m), m, meaning) for m, meaning in zip(frame["marker"], frame["meaning"])]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def _junk_marker(cells: list[object]) -> tuple[str, str] | None:
    """``(marker, meaning)`` when a row is a total, signature or note line, else None."""
    for cell in cells:
        index = _marker_index(cell)
        if index >= 0:
            _, marker, meaning = junk_markers()[index]
            return marker, meaning
    return None


def _marker_index(cell: object) -> int:
    """Index in ``junk_markers()`` of the first marker a cell starts with, or -1 (-1 for a non-text cell)."""
    if not isinstance(cell, str):
        return -1
    key = text_key(cell)
    for index, (marker_key, _, _) in enumerate(junk_markers()):
        if marker_key and key.startswith(marker_key):
            return index
    return -1


@lru_cache(maxsize=1)
def _ascii_markers_pattern() -> str:
    """An RE2 pattern matching the ``text_key`` of a plain token that starts like a marker."""
    keys = [k for k, _, _ in junk_markers() if k and k.isascii()]
    return "^(?:" + "|".join(re.escape(k) for k in keys) + ")" if keys else "^$^"


def _id_may_be_junk(values: list[object]) -> np.ndarray:
    """Per distinct id cell: True if it is blank or starts like a total/signature/note line."""

    def slow(value: object) -> bool:
        text = parsing.clean_text(value)
        return text is None or _junk_marker([text]) is not None

    simple = distinct.simple_mask(values)
    flags = np.fromiter((False if s else slow(v) for v, s in zip(values, simple)), dtype=bool, count=len(values))
    if simple.any():
        # A plain token is never blank; its text_key is its lower-cased letters and digits.
        arrow = distinct.arrow_strings([v if s else None for v, s in zip(values, simple)])
        keys = pc.replace_substring_regex(pc.ascii_lower(arrow), "[^a-z0-9]", "")
        starts = pc.match_substring_regex(keys, _ascii_markers_pattern()).fill_null(False)
        flags |= starts.to_numpy(zero_copy_only=False)
    return flags


def _row_markers(sheet: RawSheet, records: np.ndarray) -> np.ndarray:
    """Per record, what ``_junk_marker(cells)`` finds, as an index in ``junk_markers()`` (-1: none)."""
    found = np.full(len(records), -1, dtype=np.intp)
    for column in sheet.columns:  # cells in order: the first cell with a marker decides
        todo = np.flatnonzero(found < 0)
        if not len(todo):
            break
        cells = distinct.Distinct.of_rows(column, records[todo])
        found[todo] = np.array(cells.map(_marker_index), dtype=np.intp)[cells.codes]
    return found


@lru_cache(maxsize=1)
def _gi_names() -> dict[str, str]:
    names = reference.load_gi_products()["gi_name"].drop_duplicates()
    return {text_key(n): n for n in names}


def _clean_id(value: object) -> str | None:
    text = parsing.clean_text(value)
    return parsing.ascii_digits(text) if text else None


def _shown_id(value: object) -> object:
    """An id as written to the duplicate rows: personal data removed (None stays None)."""
    return value if value is None else pii.redact(str(value), pii.ID_KINDS)[0]


def _id_key(value: str | None) -> str | None:
    return "".join(value.split()).casefold() if value else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value)


def _header_blank(value: object) -> bool:
    return hdr.header_text(value) == ""


def _parsed_ids(cells: distinct.Distinct) -> tuple[list[object], pa.Array]:
    """Per distinct id cell: the id (``_clean_id``) and its duplicate key (``_id_key``, null for no id)."""
    simple = distinct.simple_mask(cells.values)
    ids = distinct.map_unless_simple(cells.values, _clean_id, simple)
    keys = pc.ascii_lower(pa.array(ids, type=pa.string()))  # the key of a plain token
    if not simple.all():
        others = pa.array([None if s else _id_key(i) for i, s in zip(ids, simple)], type=pa.string())  # type: ignore[arg-type]
        keys = pc.if_else(pa.array(simple), keys, others)
    return ids, keys


def _record_flags(sheet: RawSheet) -> tuple[np.ndarray, np.ndarray]:
    """Per record: ``(every cell empty as a header, every cell blank)`` (``_header_blank``, ``_blank``).

    A cell past the end of a short record is None (empty in both senses).
    """
    header_blank = np.ones(len(sheet.lengths), dtype=bool)
    blank = np.ones(len(sheet.lengths), dtype=bool)
    for column in sheet.columns:
        simple = distinct.simple_mask(column.values)  # a plain token is neither
        header_blank &= np.fromiter((False if s else _header_blank(v) for v, s in zip(column.values, simple)),
                                    dtype=bool, count=len(simple))[column.codes]
        blank &= np.fromiter((False if s else _blank(v) for v, s in zip(column.values, simple)),
                             dtype=bool, count=len(simple))[column.codes]
    return header_blank, blank


def header_index(sheet: RawSheet, header_blank: np.ndarray | None = None) -> int | None:
    """``headers.find_header_row`` of the sheet, reading only the records it looks at.

    Args:
        header_blank: the first of ``_record_flags(sheet)``, if already known.
    """
    if header_blank is None:
        header_blank, _ = _record_flags(sheet)
    non_blank = np.flatnonzero(~header_blank)
    if not len(non_blank):
        return None
    last = non_blank[min(hdr.HEADER_SEARCH_ROWS, len(non_blank)) - 1]
    return hdr.find_header_row([(index + 1, sheet.cells(index)) for index in range(last + 1)])


class _Errors:
    """The problems of a sheet's rows, kept in the order they were found (per row, that is the order shown)."""

    def __init__(self, row_count: int) -> None:
        self.row_count = row_count
        self.positions: list[np.ndarray] = []
        self.entries: list[np.ndarray] = []
        self.table: list[tuple[str, object, str, str]] = []  # (column, value, problem, fix)
        self._in_column: dict[str, np.ndarray] = {}

    def add(self, column: str, rows: np.ndarray, entry_of_row: np.ndarray,
            problems: Sequence[tuple[object, str, str]]) -> None:
        """Problems ``problems[entry_of_row[i]]`` (value, problem, fix) for the rows ``rows[i]`` of one column."""
        if not len(rows):
            return
        self.positions.append(np.asarray(rows, dtype=np.intp))
        self.entries.append(np.asarray(entry_of_row, dtype=np.intp) + len(self.table))
        self.table.extend((column, *p) for p in problems)
        self.in_column(column)[rows] = True

    def add_each(self, rows: list[int], columns: list[str], problems: list[tuple[object, str, str]]) -> None:
        """One problem per entry, in the order given (row ``rows[i]``, column ``columns[i]``)."""
        if not rows:
            return
        self.positions.append(np.array(rows, dtype=np.intp))
        self.entries.append(np.arange(len(rows), dtype=np.intp) + len(self.table))
        self.table.extend((column, *p) for column, p in zip(columns, problems))
        for column, row in zip(columns, rows):
            self.in_column(column)[row] = True

    def add_by_value(self, column: str, cells: distinct.Distinct,
                     problems: Sequence[tuple[object, str, str] | None]) -> None:
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


class _SeenKeys:
    """Keys (registration ids or GeM seller ids) of the rows accepted so far, and where each was."""

    def __init__(self) -> None:
        self.keys: list[pa.Array] = []
        self.places: list[tuple[str, np.ndarray]] = []  # (file:sheet prefix, row numbers) per block
        self.starts: list[int] = [0]
        self._value_set: pa.Array | None = None

    def lookup(self, keys: pa.Array) -> np.ndarray:
        """Per key, its position among the seen keys, or -1."""
        if not self.keys or not len(keys):
            return np.full(len(keys), -1, dtype=np.int64)
        if self._value_set is None:
            self._value_set = pa.concat_arrays(self.keys)
        found = pc.index_in(keys, value_set=self._value_set)
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)

    def where(self, position: int) -> str:
        """``file:sheet:row`` (``file:row`` for a CSV file) of a seen key."""
        block = int(np.searchsorted(self.starts, position, side="right")) - 1
        prefix, numbers = self.places[block]
        return f"{prefix}:{numbers[position - self.starts[block]]}"

    def add(self, keys: pa.Array, prefix: str, numbers: np.ndarray) -> None:
        if not len(keys):
            return
        self.keys.append(keys)
        self.places.append((prefix, numbers))
        self.starts.append(self.starts[-1] + len(keys))
        self._value_set = None


class _Run:
    """The state of one ingest: accumulators for every output and the duplicate index."""

    def __init__(self, latest: dt.date) -> None:
        self.latest = latest
        self.resolver = get_resolver()
        self.accepted: list[dict[str, object]] = []  # per sheet: the accepted rows, column by column
        self.rejected: list[dict] = []
        self.duplicates: list[dict] = []
        self.problems: list[Problem] = []
        self.quality: list[dict] = []
        self.dropped: list[dict] = []
        self.seen_ids = _SeenKeys()
        self.seen_sellers = _SeenKeys()

    # ------------------------------------------------------------- helpers

    def file_problem(self, source_file: str, sheet: str, problem: str, fix: str, **quality: object) -> None:
        self.problems.append(Problem(source_file, sheet, None, None, None, problem, fix))
        self.quality.append(_quality_row(source_file, sheet, file_problem=problem, **quality))

    def reject(self, sheet: RawSheet, row: int, column: str, value: object, problem: str, fix: str, *, line: bool = True) -> None:
        if _blank(value):
            value_text = ""
        elif column in CODED_COLUMNS:
            value_text = pii.shown_coded_value(value)
        else:
            value_text = show_value(value)  # personal data removed
        self.rejected.append(
            dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet, source_row=row,
                 column=column, value=value_text, problem=problem, fix=fix)
        )
        if line:
            self.problems.append(Problem(sheet.source_file, sheet.source_sheet, row, column, value_text, problem, fix))

    def note(self, sheet: RawSheet, first_row: int, rows_count: int, column: str, value: object, problem: str, fix: str) -> None:
        self.problems.append(
            Problem(sheet.source_file, sheet.source_sheet, first_row, column, show_value(value), problem, fix, NOTE,
                    rows_count)
        )

    # --------------------------------------------------------------- sheet

    def sheet(self, sheet: RawSheet, header: int | None, blank: np.ndarray, *, is_only_sheet: bool) -> None:
        """File one sheet: its header row (index of the record), and which records are blank."""
        if header is None:
            if is_only_sheet:
                what = "file" if not sheet.source_sheet else "workbook"
                self.file_problem(sheet.source_file, sheet.source_sheet, f"the {what} is empty",
                                  "export the registration sheet again", encoding=sheet.encoding)
            else:
                self.quality.append(_quality_row(sheet.source_file, sheet.source_sheet, encoding=sheet.encoding,
                                                 file_problem="empty sheet (skipped)"))
            return
        header_row, header_cells = header + 1, sheet.cells(header)
        title_rows = int((~blank[:header]).sum())
        body = len(blank) - header - 1
        data = np.flatnonzero(~blank[header + 1:]) + header + 1  # the non-blank records below the header
        blank_rows = body - len(data)

        def column_values(position: int) -> list[object]:
            column = sheet.columns[position] if position < len(sheet.columns) else None
            return distinct.Distinct.of_rows(column, data).values

        mapping = hdr.map_headers(header_row, header_cells, column_values)
        # A header is shown without personal data (a sheet with no header row has data in its first row).
        dropped = [(show_value(h), reason) for _, h, reason in mapping.dropped]
        dropped_text = "; ".join(f"{h} ({reason})" for h, reason in dropped)
        for dropped_header, reason in dropped:
            self.dropped.append(dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet,
                                     column=dropped_header, reason=reason))
        counts = dict(rows_in=len(data), blank_rows_skipped=blank_rows, title_rows_skipped=title_rows,
                      dropped_columns=dropped_text, encoding=sheet.encoding)

        sheet_problem = None
        if mapping.duplicates:
            column, first, second = mapping.duplicates[0]
            sheet_problem = (f"headers '{first}' and '{second}' both mean {column}",
                             "rename or delete one of them", column)
        elif mapping.missing_required:
            missing = mapping.missing_required
            accepted = "; ".join(f"{c}: {', '.join(hdr.synonyms_of(c)[1:6])}" for c in missing)
            sheet_problem = (
                f"no column for {', '.join(missing)} in the header row (row {header_row})",
                f"add the header(s); accepted headers include {accepted}",
                ", ".join(missing),
            )
        if sheet_problem:
            problem, fix, column = sheet_problem
            self.problems.append(Problem(sheet.source_file, sheet.source_sheet, None, None, None, problem, fix))
            for number in (data + 1).tolist():
                self.reject(sheet, number, column, None, "the sheet " + problem.split(" in the header")[0].replace(
                    "no column", "has no column"), fix, line=False)
            self.quality.append(_quality_row(sheet.source_file, sheet.source_sheet, rejected=len(data),
                                             file_problem=problem, **counts))
            return

        outcome = self.rows(sheet, mapping, data)
        self.quality.append(_quality_row(sheet.source_file, sheet.source_sheet, **outcome, **counts))

    # ---------------------------------------------------------------- rows

    def rows(self, sheet: RawSheet, mapping: hdr.HeaderMap, data: np.ndarray) -> dict[str, int]:
        """Parse, check and file the data records of a sheet; each column's distinct values once."""
        numbers = data + 1
        count = len(data)

        def cells_of(column: str) -> distinct.Distinct:
            position = mapping.columns.get(column)
            return distinct.Distinct.of_rows(
                sheet.columns[position] if position is not None and position < len(sheet.columns) else None, data
            )

        raw = {column: cells_of(column) for column in hdr.INPUT_COLUMNS}
        errors = _Errors(count)

        # Total, signature and note lines below the data: rejected for that reason alone.
        maybe_junk = raw["registration_id"].rows_where(_id_may_be_junk(raw["registration_id"].values))
        markers = _row_markers(sheet, data[maybe_junk])
        junk_rows = maybe_junk[markers >= 0]
        marker_entries, marker_rows = np.unique(markers[markers >= 0], return_inverse=True)
        errors.add("registration_id", junk_rows, marker_rows, [
            (f"{junk_markers()[m][1]}…", f"{junk_markers()[m][2]}, not a registration",
             "nothing to fix if it is a summary line; delete it from the sheet to silence this")
            for m in marker_entries
        ])

        # Personal data inside kept free-text columns.
        redacted = 0
        only_personal: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # column -> per row: only personal data?, kinds
        for column in FREE_TEXT_COLUMNS:
            cells = raw[column]
            values = list(cells.values)
            kinds_of: list[str | None] = [None] * len(values)
            only: list[bool] = [False] * len(values)
            for index, value in enumerate(cells.values):
                if not isinstance(value, str):
                    continue
                cleaned, kinds = pii.redact(value)
                if kinds:
                    values[index] = None if pii.is_only_redacted(cleaned) else cleaned
                    only[index] = values[index] is None
                    kinds_of[index] = " and ".join(kinds)
            found = distinct.groups(kinds_of, cells.codes)
            for kinds, first, rows_count in found:
                redacted += rows_count
                self.note(sheet, int(numbers[first]), rows_count, column, pii.REDACTED,
                          f"held personal data ({kinds}), removed", "keep personal data out of the registration sheets")
            if found:
                raw[column] = cells.with_values(values)
                only_personal[column] = (cells.take(np.array(only, dtype=bool)), cells.take(kinds_of))

        parsed: dict[str, distinct.Distinct] = {}
        id_keys: dict[str, pa.Array] = {}
        for column in ID_COLUMNS:
            ids, id_keys[column] = _parsed_ids(raw[column])
            parsed[column] = raw[column].with_values(ids)
            # Personal data used as an id (an Aadhaar or mobile number...): the row is rejected, the id not shown.
            errors.add_by_value(column, raw[column], [
                None if kinds is None else (pii.REDACTED, f"looks like personal data ({kinds}), not an id",
                                            "write the campaign's id here; keep personal data out of the sheets")
                for kinds in pii.id_pii_kinds(ids)
            ])
        for column in ("craft", "data_origin"):
            parsed[column] = raw[column].with_values(raw[column].map(parsing.clean_text))
        gi = _gi_names()
        parsed["gi_product"] = raw["gi_product"].with_values(
            raw["gi_product"].map(lambda v: gi.get(text_key(t), t) if (t := parsing.clean_text(v)) else None)
        )

        def by_value(column: str, parser: Callable[[object], object]) -> None:
            cells = raw[column]
            results: list[object] = []
            problems: list[tuple[object, str, str] | None] = []
            for value in cells.values:
                result, problem = None, None
                if not _blank(value):
                    try:
                        result = parser(value)
                    except parsing.ValueParseError as error:
                        problem = (value, error.problem, error.fix)
                results.append(result)
                problems.append(problem)
            errors.add_by_value(column, cells, problems)
            parsed[column] = cells.with_values(results)

        by_value("trade", lambda v: parsing.parse_coded(v, "trade"))
        by_value("onboarding_status", lambda v: parsing.parse_coded(v, "onboarding_status"))
        by_value("is_woman", parsing.parse_bool)
        by_value("is_tribal", parsing.parse_bool)

        # Dates: read every value, then let the sheet's unambiguous dates settle the day/month order.
        by_value("registration_date", parsing.read_date)
        readings = parsed["registration_date"]
        order = parsing.sheet_date_order([r for r in readings.values if r is not None])  # type: ignore[misc]
        dates: list[object] = []
        date_problems: list[tuple[object, str, str] | None] = []
        for raw_value, reading in zip(raw["registration_date"].values, readings.values):
            date, problem = None, None
            if reading is not None:
                try:
                    date = parsing.resolve_date(reading, order, self.latest)  # type: ignore[arg-type]
                except parsing.ValueParseError as error:
                    problem = (raw_value, error.problem, error.fix)
            dates.append(date)
            date_problems.append(problem)
        errors.add_by_value("registration_date", raw["registration_date"], date_problems)
        parsed["registration_date"] = readings.with_values(dates)

        # Districts: each distinct spelling resolved once.
        lgd: dict[str, distinct.Distinct] = {}
        for column in DISTRICT_COLUMNS:
            cells = raw[column]
            texts = cells.map(parsing.clean_text)
            matches = [None if text is None else self.resolver.resolve(text) for text in texts]
            problems: list[tuple[object, str, str] | None] = []
            notes: list[tuple[str, str] | None] = []
            for text, match in zip(texts, matches):
                problem, note = None, None
                if match is not None:
                    if match.method in ("unresolved", "other_state"):
                        if set(text) <= set("? "):  # type: ignore[arg-type]
                            problem = (text, *_LOST_HINDI)
                        else:
                            problem = (text, match.problem, _DISTRICT_FIX[match.method])
                    elif isinstance(match.note, str):
                        note = (text, match.note)
                problems.append(problem)
                notes.append(note)
            errors.add_by_value(column, cells, problems)
            parsed[column] = cells.with_values([m.district if m is not None else None for m in matches])
            lgd[column] = cells.with_values([m.lgd_code if m is not None else None for m in matches])
            for (text, note), first, rows_count in distinct.groups(notes, cells.codes):  # type: ignore[misc]
                self.note(sheet, int(numbers[first]), rows_count, column, text, note,
                          "write the district's standard name to silence this")

        # The declared schema: blanks in required columns, values outside the allowed lists.
        # The rows go through in slices: each row's problems come out in the same order, with less memory.
        checked = {column: _row_check_values(column, parsed[column].values) for column in hdr.INPUT_COLUMNS}
        failures = []
        for start in range(0, count, ROW_CHECK_ROWS):
            rows = slice(start, min(count, start + ROW_CHECK_ROWS))
            frame = pd.DataFrame(
                {column: _row_check_series(checked[column], parsed[column].codes[rows], rows)
                 for column in hdr.INPUT_COLUMNS},
                index=pd.RangeIndex(rows.start, rows.stop),
            )
            failures.extend(row_failures(frame))
            del frame
        failed_rows: list[int] = []
        failed: list[tuple[object, str, str]] = []
        failed_columns: list[str] = []
        for position, column, problem, fix in failures:
            if column in only_personal and only_personal[column][0][position]:
                kinds = only_personal[column][1][position]
                failed.append((pii.REDACTED, f"held only personal data ({kinds}), removed",
                               fix + "; keep personal data out of the sheets"))
            elif not errors.in_column(column)[position]:
                failed.append((raw[column].values[raw[column].codes[position]], problem, fix))
            else:
                continue
            failed_rows.append(position)  # type: ignore[arg-type]
            failed_columns.append(column)
            errors.in_column(column)[position] = True
        errors.add_each(failed_rows, failed_columns, failed)

        # Rejected rows: every problem, or only the first for a total/signature line.
        positions, entries = errors.ordered()
        is_junk = np.zeros(count, dtype=bool)
        is_junk[junk_rows] = True
        previous = -1
        for position, entry in zip(positions.tolist(), entries.tolist()):
            if position == previous and is_junk[position]:
                continue
            previous = position
            column, value, problem, fix = errors.table[entry]
            self.reject(sheet, int(numbers[position]), column, value, problem, fix)
        rejected_rows = errors.rows()

        # Duplicates of a row accepted before (this sheet, an earlier sheet or file); the rest is accepted.
        candidates = np.ones(count, dtype=bool)
        candidates[rejected_rows] = False
        candidates = np.flatnonzero(candidates)
        accepted_rows, duplicate_of = self._file_duplicates(sheet, parsed, id_keys, candidates, numbers)
        for position, first in duplicate_of:
            self.duplicates.append(
                dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet, source_row=int(numbers[position]),
                     registration_id=_shown_id(parsed["registration_id"].values[parsed["registration_id"].codes[position]]),
                     gem_seller_id=_shown_id(parsed["gem_seller_id"].values[parsed["gem_seller_id"].codes[position]]),
                     duplicate_of=first)
            )
        kept = len(accepted_rows)
        texts = {column: parsed[column].subset(accepted_rows) for column in hdr.INPUT_COLUMNS if column in TEXT_COLUMNS}
        texts.update(source_file=distinct.Distinct(np.zeros(kept, dtype=np.int32), [sheet.source_file]),
                     source_sheet=distinct.Distinct(np.zeros(kept, dtype=np.int32), [sheet.source_sheet]))
        block: dict[str, object] = {column: _text_array(cells) for column, cells in texts.items()}
        block.update(
            registration_date=checked["registration_date"][parsed["registration_date"].codes[accepted_rows]],
            is_woman=np.array(parsed["is_woman"].take(parsed["is_woman"].values, accepted_rows), dtype=bool),
            is_tribal=np.array(parsed["is_tribal"].take(parsed["is_tribal"].values, accepted_rows), dtype=bool),
            is_synthetic=_is_synthetic(texts["data_origin"]),
            home_lgd_code=np.array(lgd["home_district"].take(lgd["home_district"].values, accepted_rows), dtype=np.int64),
            event_lgd_code=np.array(lgd["event_district"].take(lgd["event_district"].values, accepted_rows), dtype=np.int64),
            source_row=numbers[accepted_rows].astype(np.int64),
        )
        self.accepted.append(block)
        return dict(accepted=len(accepted_rows), rejected=len(rejected_rows), duplicates=len(duplicate_of),
                    values_redacted=redacted)

    def _file_duplicates(
        self, sheet: RawSheet, parsed: dict[str, distinct.Distinct], id_keys: dict[str, pa.Array],
        candidates: np.ndarray, numbers: np.ndarray,
    ) -> tuple[np.ndarray, list[tuple[int, str]]]:
        """Split the rows without problems into accepted ones and duplicates, in row order.

        A row is a duplicate when its registration id (or, failing that, its
        GeM seller id) was accepted before; only accepted rows count. Rows whose
        ids occur nowhere else are accepted in bulk; the others go one by one.

        Returns:
            ``(accepted positions, [(duplicate position, where the row kept is)])``.
        """
        prefix = f"{sheet.source_file}:{sheet.source_sheet}" if sheet.source_sheet else sheet.source_file
        ids, sellers = parsed["registration_id"], parsed["gem_seller_id"]
        id_codes = ids.codes[candidates]
        seller_codes = sellers.codes[candidates]
        # Keys as numbers: equal keys, equal numbers (-1 for no GeM seller id).
        id_number = _key_numbers(id_keys["registration_id"])[id_codes]
        seller_number = _key_numbers(id_keys["gem_seller_id"])[seller_codes]
        id_seen = self.seen_ids.lookup(id_keys["registration_id"])[id_codes]
        seller_seen = self.seen_sellers.lookup(id_keys["gem_seller_id"])[seller_codes]
        has_seller = seller_number >= 0
        id_count = np.bincount(id_number, minlength=1) if len(id_number) else np.zeros(1, dtype=np.intp)
        seller_count = np.bincount(seller_number[has_seller], minlength=1) if has_seller.any() else np.zeros(1, dtype=np.intp)
        involved = (id_count[id_number] > 1) | (id_seen >= 0)
        involved |= has_seller & ((seller_count[np.where(has_seller, seller_number, 0)] > 1) | (seller_seen >= 0))

        is_duplicate = np.zeros(len(candidates), dtype=bool)
        duplicate_of: list[tuple[int, str]] = []
        own_ids: dict[int, str] = {}
        own_sellers: dict[int, str] = {}
        for index in np.flatnonzero(involved).tolist():
            position = int(candidates[index])
            first = self.seen_ids.where(int(id_seen[index])) if id_seen[index] >= 0 else own_ids.get(int(id_number[index]))
            if first is None and has_seller[index]:
                first = (self.seen_sellers.where(int(seller_seen[index])) if seller_seen[index] >= 0
                         else own_sellers.get(int(seller_number[index])))
            if first is not None:
                is_duplicate[index] = True
                duplicate_of.append((position, first))
                continue
            where = f"{prefix}:{numbers[position]}"
            own_ids[int(id_number[index])] = where
            if has_seller[index]:
                own_sellers[int(seller_number[index])] = where
        accepted = candidates[~is_duplicate]
        kept_ids = id_keys["registration_id"].take(pa.array(ids.codes[accepted]))
        self.seen_ids.add(kept_ids, prefix, numbers[accepted])
        kept_sellers = id_keys["gem_seller_id"].take(pa.array(sellers.codes[accepted]))
        valid = kept_sellers.is_valid().to_numpy(zero_copy_only=False)
        self.seen_sellers.add(kept_sellers.filter(pa.array(valid)), prefix, numbers[accepted][valid])
        return accepted, duplicate_of


def _key_numbers(keys: pa.Array) -> np.ndarray:
    """Per distinct id cell: a number per distinct key (equal keys, equal numbers), -1 for no key."""
    if not len(keys):
        return np.zeros(0, dtype=np.intp)
    indices = pc.dictionary_encode(keys).indices
    return indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)


def _row_check_values(column: str, values: list[object]) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """Distinct parsed values as the row checks see them: dates as datetime64[ns], yes/no as the
    nullable "boolean" dtype, everything else as Python objects."""
    array = distinct.as_objects(values)
    if column == "registration_date":
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


def _quality_row(source_file: str, source_sheet: str, **values: object) -> dict:
    row = dict.fromkeys(QUALITY_COLUMNS)
    row.update(source_file=source_file, source_sheet=source_sheet, rows_in=0, accepted=0, rejected=0,
               duplicates=0, blank_rows_skipped=0, title_rows_skipped=0, values_redacted=0, dropped_columns="",
               file_problem="")
    row.update(values)
    return row


def _text_array(cells: distinct.Distinct) -> pd.api.extensions.ExtensionArray:
    """A text column of the standard table: ``str`` dtype, a missing value is NaN."""
    return pd.array(distinct.as_objects(cells.values), dtype="str").take(cells.codes)


def _is_synthetic(origin: distinct.Distinct) -> np.ndarray:
    """Per row: does ``data_origin`` say SYNTHETIC (any case)?"""
    values = pd.Series(distinct.as_objects(origin.values), dtype=object)
    synthetic = values.fillna("").astype(str).str.upper().str.contains("SYNTHETIC")
    return synthetic.to_numpy(dtype=bool)[origin.codes]


def _accepted_frame(blocks: list[dict[str, object]]) -> pd.DataFrame:
    """The standard table from each sheet's accepted rows, checked against ``REGISTRATIONS_SCHEMA``."""
    empty = {
        "registration_date": np.zeros(0, dtype="datetime64[ns]"),
        "is_woman": np.zeros(0, dtype=bool),
        "is_tribal": np.zeros(0, dtype=bool),
        "is_synthetic": np.zeros(0, dtype=bool),
        "home_lgd_code": np.zeros(0, dtype=np.int64),
        "event_lgd_code": np.zeros(0, dtype=np.int64),
        "source_row": np.zeros(0, dtype=np.int64),
    }
    columns: dict[str, object] = {}
    for name in OUTPUT_COLUMNS:
        parts = [block.pop(name) for block in blocks]  # each sheet's part is let go once joined
        if name in TEXT_COLUMNS:
            if not parts:
                columns[name] = pd.array(np.empty(0, dtype=object), dtype="str")
            else:
                columns[name] = parts[0] if len(parts) == 1 else parts[0]._concat_same_type(parts)  # type: ignore[attr-defined]
        else:
            columns[name] = np.concatenate(parts) if parts else empty[name]  # type: ignore[arg-type]
        del parts
    count = len(columns["source_row"])  # type: ignore[arg-type]
    frame = pd.DataFrame(columns, index=pd.RangeIndex(count))
    del columns
    try:
        return REGISTRATIONS_SCHEMA.validate(frame, lazy=True)
    except SchemaErrors as error:  # the row checks should have caught everything: a bug
        raise RuntimeError(f"accepted rows fail the registrations schema: {error.failure_cases.head(5)}") from None


def ingest_paths(inputs: Sequence[Path | str], *, sheet: str | None = None, latest: dt.date | None = None) -> IngestResult:
    """Read, clean and validate registration sheets.

    Args:
        inputs: files and folders; a folder contributes every .csv/.xlsx under it, sorted
            (``READABLE_SUFFIXES``); any other file in it gives a file problem, except
            hidden, README and ``.meta.yaml`` files (``reading.is_quietly_skipped``).
        sheet: read only this sheet of each workbook (CSV files have one sheet and ignore it).
        latest: the latest acceptable registration date (default: today).

    Returns:
        An ``IngestResult``. User mistakes never raise: they are in ``problems``.
    """
    run = _Run(latest or dt.date.today())
    for path in discover_in_order(inputs):
        if isinstance(path, Problem):  # a path that is not there, or a file of a folder that is not read
            run.file_problem(path.source_file, "", path.problem, path.fix)
            continue
        try:
            sheets = read_file(path, sheet if path.suffix.lower() == ".xlsx" else None)
        except ReadError as error:
            run.file_problem(display_name(path), "", error.problem, error.fix)
            continue
        flags = [_record_flags(s) for s in sheets]
        headers = [header_index(s, header_blank) for s, (header_blank, _) in zip(sheets, flags)]
        any_non_empty = any(h is not None for h in headers)
        for index, header in enumerate(headers):
            run.sheet(sheets[index], header, flags[index][1], is_only_sheet=not any_non_empty and index == 0)
        records = sum(len(s.lengths) for s in sheets)
        del sheets, flags  # the cells are not needed any more
        if records >= BIG_FILE_RECORDS:
            reading.release_freed_memory()

    return IngestResult(
        accepted=_accepted_frame(run.accepted),
        rejected=pd.DataFrame.from_records(run.rejected, columns=list(REJECTED_COLUMNS)).astype({"source_row": "int64"}),
        duplicates=pd.DataFrame.from_records(run.duplicates, columns=list(DUPLICATE_COLUMNS)).astype({"source_row": "int64"}),
        problems=run.problems,
        quality=pd.DataFrame.from_records(run.quality, columns=list(QUALITY_COLUMNS)),
        dropped_columns=pd.DataFrame.from_records(run.dropped, columns=list(DROPPED_COLUMNS)),
    )


def write_outputs(result: IngestResult, out_dir: Path | str | None = None) -> dict[str, Path]:
    """Write the processed table and the accounting files; return their paths by name.

    Files: ``registrations.parquet``, ``rejected_rows.csv``, ``duplicate_rows.csv``,
    ``data_quality_summary.csv`` and ``dropped_columns.csv``. CSV files are
    UTF-8 with a BOM (Excel shows Hindi correctly) and made formula-safe with
    ``privacy.excel_safe``. None of them holds personal data: those columns
    were dropped and such values removed at ingest.
    """
    out = Path(out_dir) if out_dir is not None else paths.PROCESSED_DIR
    out.mkdir(parents=True, exist_ok=True)
    written = {
        "registrations": out / paths.REGISTRATIONS_PARQUET.name,
        "rejected": out / paths.REJECTED_ROWS_CSV.name,
        "duplicates": out / DUPLICATE_ROWS_CSV,
        "quality": out / paths.DATA_QUALITY_CSV.name,
        "dropped_columns": out / DROPPED_COLUMNS_CSV,
    }
    result.accepted.to_parquet(written["registrations"], index=False)
    for name, frame in (
        ("rejected", result.rejected),
        ("duplicates", result.duplicates),
        ("quality", result.quality),
        ("dropped_columns", result.dropped_columns),
    ):
        excel_safe(frame).to_csv(written[name], index=False, encoding="utf-8-sig")
    return written


class IngestError(ValueError):
    """The input cannot be used (a file unreadable, a column missing, or rejected rows under ``strict``)."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback: the user sees one line.
        return [f"IngestError: {self}"]


def require_valid(result: IngestResult, strict: bool = False) -> None:
    """Raise a one-line ``IngestError`` when the result is not usable (see ``IngestResult.is_valid``)."""
    if result.is_valid(strict=strict):
        return
    first = result.file_problems[0].line() if result.file_problems else None
    if first is not None:
        more = len(result.file_problems) - 1
        raise IngestError(first + (f" (and {more} more file problems)" if more else ""))
    raise IngestError(
        f"{result.rejected['source_row'].size} problems in rejected rows and strict is on; "
        f"see the rejected rows table, fix the sheets or set strict = False"
    )


def rejected_summary(result: IngestResult) -> pd.DataFrame:
    """Rejected rows counted by column and problem (``column, problem, fix, rows_count``), most common first."""
    rejected = result.rejected
    summary = (
        rejected.groupby(["column", "problem", "fix"], as_index=False, dropna=False)
        .size()
        .rename(columns={"size": "rows_count"})
    )
    return summary.sort_values(["rows_count", "column"], ascending=[False, True]).reset_index(drop=True)


def dropped_summary(result: IngestResult) -> pd.DataFrame:
    """Dropped columns grouped by reason (``reason, columns, files_count``); the headers only, never the values."""
    dropped = result.dropped_columns
    summary = dropped.groupby("reason", as_index=False).agg(
        columns=("column", lambda c: ", ".join(sorted(set(c)))), files_count=("source_file", "nunique")
    )
    return summary.sort_values("reason").reset_index(drop=True)
