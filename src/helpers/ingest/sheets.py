"""One ingest's bookkeeping: each file's sheets sorted out, each sheet's rows filed.

``Run`` holds what the ingest has found so far (accepted blocks, rejected and
duplicate rows, problems, the data-quality lines, dropped columns, the
duplicate index). ``Run.file`` takes the sheets of one file and decides for
each: skipped (hidden, empty, or not a registration sheet while another sheet
of the workbook is one), refused (no header row, a required column missing) or
read: its rows go through ``stages.run_stages`` and are filed as accepted,
rejected or duplicates. What does not belong here: reading files
(``reading``), the checks of the rows (``stages``), the output files (``outputs``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from helpers.ingest import outputs, pii
from helpers.ingest import headers as hdr
from helpers.ingest.duplicates import DuplicateIndex, shown_id
from helpers.ingest.problems import ERROR, NOTE, Problem, listed
from helpers.ingest.rowerrors import RowErrors
from helpers.ingest.sheetframe import (
    SheetFrame,
    cell_value,
    codes,
    constant,
    distinct,
    plain_tokens,
    release_unused_memory,
    values,
)
from helpers.ingest.sheetrows import RunContext, SheetRows, blank
from helpers.ingest.stages import run_stages
from helpers.reference.districts import get_resolver

#: A sheet holds registrations when its header row names at least this many standard columns,
#: among them the registration id or date (a pivot or a list of dropdown values does not).
REGISTRATION_SHEET_MIN_COLUMNS = 3
_REGISTRATION_MARKS = {"registration_id", "registration_date"}
_NO_HEADER = (
    f"no header row: none of the first {hdr.HEADER_SEARCH_ROWS} rows names {hdr.MIN_HEADER_COLUMNS} or more "
    "of the registration columns",
    "add a header row with the column names of docs/registration_schema.md (registration_id, registration_date, "
    "home_district, ...) above the rows",
)


@dataclass
class SheetPlan:
    """What a sheet looks like before its rows are read: its header record and which records are blank."""

    sheet: SheetFrame
    header: int | None
    blank: np.ndarray
    named: set[str]

    @classmethod
    def of(cls, sheet: SheetFrame) -> SheetPlan:
        """The plan of a sheet: its header row (``headers.find_header_row`` of its first non-blank records)."""
        # Per record: every cell empty as a header, every cell blank (a cell past a record's end is null); each
        # column's distinct values are looked at once, a plain token (most ids) is neither, found in bulk.
        header_blank, is_blank = np.ones(sheet.records, dtype=bool), np.ones(sheet.records, dtype=bool)
        for position in range(sheet.width):
            cells = sheet.column(position)  # dictionary-encoded already
            others = np.flatnonzero(~plain_tokens(cells.dictionary))
            texts = [cell_value(v) if sheet.is_typed else v for v in cells.dictionary.take(pa.array(others)).to_pylist()]
            no_header, empty = np.zeros(len(cells.dictionary), dtype=bool), np.zeros(len(cells.dictionary), dtype=bool)
            no_header[others] = [hdr.header_text(v) == "" for v in texts]
            empty[others] = [blank(v) for v in texts]
            header_blank &= no_header[codes(cells)]
            is_blank &= empty[codes(cells)]
        searched = np.flatnonzero(~header_blank)[: hdr.HEADER_SEARCH_ROWS].tolist()
        found = hdr.find_header_row([sheet.cells(index) for index in searched])
        header = None if found is None else searched[found]
        named = hdr.named_columns(sheet.cells(header)) if header is not None else set()
        return cls(sheet, header, is_blank, named)

    @property
    def is_registrations(self) -> bool:
        """The header row names enough standard columns, the registration id or date among them."""
        return len(self.named) >= REGISTRATION_SHEET_MIN_COLUMNS and bool(self.named & _REGISTRATION_MARKS)

    @property
    def data(self) -> np.ndarray:
        """The non-blank records below the header."""
        return np.flatnonzero(~self.blank[self.header + 1:]) + self.header + 1  # type: ignore[operator]


class Run:
    """The state of one ingest: accumulators for every output and the duplicate index."""

    def __init__(self, latest: dt.date) -> None:
        self.context = RunContext(latest, get_resolver())
        self.accepted: list[dict[str, object]] = []  # per sheet: the accepted rows, column by column
        self.rejected: list[dict] = []
        self.duplicates: list[dict] = []
        self.problems: list[Problem] = []
        self.quality: list[dict] = []
        self.dropped: list[dict] = []
        self.index = DuplicateIndex()

    def file_problem(self, source_file: str, sheet: str, problem: str, fix: str, **quality: object) -> None:
        """A file or sheet that cannot be used: an error line and its data-quality line."""
        self.problems.append(Problem(source_file, sheet, None, None, None, problem, fix))
        self.quality.append(outputs.quality_row(source_file, sheet, file_problem=problem, **quality))

    def skip_sheet(self, sheet: SheetFrame, why: str, fix: str = "", *, quiet: bool = False) -> None:
        """A sheet passed over: a note (unless ``quiet``) and a data-quality line saying why."""
        if not quiet:
            self.problems.append(Problem(sheet.source_file, sheet.source_sheet, None, None, None,
                                         f"{why}: skipped", fix, NOTE))
        self.quality.append(outputs.quality_row(sheet.source_file, sheet.source_sheet, encoding=sheet.encoding,
                                                file_problem=f"{why} (skipped)"))

    def file(self, sheets: list[SheetFrame]) -> None:
        """Sort out and file every sheet of one file."""
        plans = [SheetPlan.of(s) for s in sheets]
        visible = [p for p in plans if not p.sheet.is_hidden]
        has_registrations = any(p.is_registrations for p in visible)
        has_content = any(p.header is not None for p in visible)
        for plan in plans:
            sheet = plan.sheet
            if sheet.is_hidden:
                self.skip_sheet(sheet, "a hidden sheet (a list of values or a helper sheet)",
                                "unhide it in Excel if it holds registrations")
            elif plan.header is None:
                if not has_content and plan is visible[0]:
                    what = "file" if not sheet.source_sheet else "workbook"
                    self.file_problem(sheet.source_file, sheet.source_sheet, f"the {what} is empty",
                                      "export the registration sheet again", encoding=sheet.encoding)
                else:
                    self.skip_sheet(sheet, "empty sheet", quiet=True)
            elif has_registrations and not plan.is_registrations:
                self.skip_sheet(sheet, "has no registration columns (a summary, a pivot or a list of values)",
                                "nothing to fix if it holds no registrations")
            else:
                self.sheet(plan)
        readable = [p for p in visible if p.is_registrations]  # with a header but no rows below it: a note
        if has_registrations and not any(len(p.data) for p in readable):
            sheet = readable[0].sheet
            what = "file" if not sheet.source_sheet else "workbook"
            self.problems.append(Problem(sheet.source_file, "", None, None, None,
                                         f"the {what} has a header row but no registration rows below it",
                                         "export the sheet again with its rows, or take the file out of the folder",
                                         NOTE))

    def sheet(self, plan: SheetPlan) -> None:
        """File one sheet whose header row is found."""
        sheet, header = plan.sheet, plan.header
        assert header is not None
        data = plan.data
        counts = dict(rows_in=len(data), blank_rows_skipped=len(plan.blank) - header - 1 - len(data),
                      title_rows_skipped=int((~plan.blank[:header]).sum()), encoding=sheet.encoding)
        if len(plan.named) < hdr.MIN_HEADER_COLUMNS:  # no header row: its first row is data, never shown
            data = np.flatnonzero(~plan.blank)
            counts.update(rows_in=len(data), title_rows_skipped=0, blank_rows_skipped=len(plan.blank) - len(data))
            self.refuse_rows(sheet, data, *_NO_HEADER, "", "the sheet has no header row", counts)
            return
        mapping = hdr.map_headers(header + 1, sheet.cells(header), lambda position: values(  # each distinct cell once
            distinct(sheet.column(position), data), sheet.is_typed) if position < sheet.width else [None])
        counts["dropped_columns"] = self._dropped(sheet, mapping)
        refusal = _sheet_refusal(mapping)
        if refusal is not None:
            self.refuse_rows(sheet, data, *refusal, counts)
            return
        raw = {column: _cells(sheet, mapping, column, data) for column in hdr.INPUT_COLUMNS}
        before = len(self.problems)
        rows = run_stages(SheetRows(sheet, self.context, data, raw, RowErrors(len(data)))).derived_only()
        del raw
        sheet.drop_cells()  # filing needs only what the stages derived: the memory goes before the rows are copied out
        release_unused_memory()
        outcome = self.file_rows(rows)
        notes = list(dict.fromkeys(p.problem for p in self.problems[before:] if p.severity == NOTE))[:3]
        self.quality.append(outputs.quality_row(sheet.source_file, sheet.source_sheet, **{**counts, **outcome},
                                                notes="; ".join(dict.fromkeys(notes))))

    def _dropped(self, sheet: SheetFrame, mapping: hdr.HeaderMap) -> str:
        """Record the dropped columns; their headers as they may be shown (``pii.shown_dropped_header``: a header
        holding personal data as ``[removed]``, one like no header the kit knows by its length only)."""
        dropped = [(pii.shown_dropped_header(h), reason) for _, h, reason in mapping.dropped]
        self.dropped.extend(dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet, column=header,
                                 reason=reason) for header, reason in dropped)
        return listed((f"{h} ({reason})" for h, reason in dropped), separator="; ")

    def refuse_rows(self, sheet: SheetFrame, data: np.ndarray, problem: str, fix: str, column: str, row_problem: str,
                    counts: dict[str, object]) -> None:
        """A sheet that cannot be read as registrations: one line, and every row counted as rejected."""
        self.problems.append(Problem(sheet.source_file, sheet.source_sheet, None, None, None, problem, fix))
        self.rejected.extend(dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet, source_row=number,
                                  column=column, value="", problem=row_problem, fix=fix)
                             for number in (data + 1).tolist())
        self.quality.append(outputs.quality_row(sheet.source_file, sheet.source_sheet, rejected=len(data),
                                                file_problem=problem, **counts))

    def file_rows(self, rows: SheetRows) -> dict[str, int]:
        """File the rows of a sheet that went through the stages: rejected, duplicates, accepted.

        Takes the columns out of ``rows`` as they are filed (``outputs.accepted_block``): the last use of them.
        """
        sheet, numbers = rows.sheet, rows.numbers
        self.problems.extend(rows.notes)  # notes first: a sheet's notes and errors are listed by kind
        positions, entries = rows.errors.ordered()
        for position, entry in zip(positions.tolist(), entries.tolist()):
            column, value, problem, fix = rows.errors.table[entry]  # the value already as it may be shown
            row, shown = int(numbers[position]), "" if value is None else str(value)
            self.rejected.append(dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet, source_row=row,
                                      column=column, value=shown, problem=problem, fix=fix))
            self.problems.append(Problem(sheet.source_file, sheet.source_sheet, row, column, shown, problem, fix, ERROR))
        rejected_rows = rows.errors.rows()
        candidates = np.ones(len(rows.data), dtype=bool)
        candidates[rejected_rows] = False
        prefix = f"{sheet.source_file}:{sheet.source_sheet}" if sheet.source_sheet else sheet.source_file
        parsed = {column: rows.columns[f"parsed:{column}"] for column in ("registration_id", "gem_seller_id")}
        keys = {column: rows.columns.pop(f"key:{column}").dictionary for column in parsed}  # type: ignore[attr-defined]
        accepted, duplicate_of = self.index.split(prefix, parsed, keys, np.flatnonzero(candidates), numbers)
        del keys
        ids, sellers = parsed["registration_id"], parsed["gem_seller_id"]
        self.duplicates.extend(dict(
            source_file=sheet.source_file, source_sheet=sheet.source_sheet, source_row=int(numbers[position]),
            registration_id=shown_id(ids[position].as_py()), gem_seller_id=shown_id(sellers[position].as_py()),
            duplicate_of=first,
        ) for position, first in duplicate_of)
        del parsed, ids, sellers
        release_unused_memory()  # what the split freed, before the accepted rows are copied out
        self.accepted.append(outputs.accepted_block(rows, accepted))
        return dict(accepted=len(accepted), rejected=len(rejected_rows), duplicates=len(duplicate_of), **rows.counts)


def _cells(sheet: SheetFrame, mapping: hdr.HeaderMap, column: str, data: np.ndarray) -> pa.DictionaryArray:
    """The cells of a standard column in the data rows, dictionary-encoded (all null when the sheet lacks the column)."""
    position = mapping.columns.get(column)
    if position is None or position >= sheet.width:
        return constant(len(data), None)
    return distinct(sheet.column(position), data)


def _sheet_refusal(mapping: hdr.HeaderMap) -> tuple[str, str, str, str] | None:
    """``(problem, fix, column, problem of each row)`` when the header row cannot be used: two headers for one column, or a
    required column missing."""
    if mapping.duplicates:
        column, first, second = mapping.duplicates[0]
        return (f"headers '{pii.shown_header(first)}' and '{pii.shown_header(second)}' both mean {column}",
                "rename or delete one of them", column, f"the sheet has two headers for {column}")
    missing = [c for c in hdr.REQUIRED_COLUMNS if c not in mapping.columns]
    if not missing:
        return None
    accepted = "; ".join(f"{c}: {', '.join(hdr.synonyms_of(c)[1:6])}" for c in missing[:3])
    return (f"no column for {listed(missing)} in the header row (row {mapping.header_row})",
            f"add the header(s); accepted headers include {accepted}", ", ".join(missing),
            f"the sheet has no column for {listed(missing)}")
