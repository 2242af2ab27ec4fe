"""From registration sheets to the standard table, with every row accounted for.

``ingest_paths`` reads each file (``reading``), finds the header row and maps
the headers (``headers``), drops personal data (``pii``), parses each column
(``parsing``, districts through ``helpers.districts``), checks the rows
against the declared schema (``schema``), and sets aside duplicates. Every
non-blank row below the header ends up in exactly one of ``accepted``,
``rejected`` or ``duplicates``; ``quality`` shows the sums per file and sheet.
``write_outputs`` writes the results to ``data/processed/``.

What does not belong here: computing anything from the registrations (``metrics``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd
import pandera.pandas as pa

from helpers import paths, reference
from helpers.districts import get_resolver, text_key
from helpers.ingest import headers as hdr
from helpers.ingest import parsing, pii
from helpers.ingest.problems import ERROR, NOTE, Problem, show_value
from helpers.ingest.reading import RawSheet, ReadError, discover, display_name, read_file
from helpers.ingest.schema import OUTPUT_COLUMNS, REGISTRATIONS_SCHEMA, TEXT_COLUMNS, row_failures
from helpers.privacy import excel_safe

JUNK_MARKERS_FILE = "registration_junk_row_markers.csv"
#: Kept text columns scanned for personal data (ids, dates and yes/no are not free text).
FREE_TEXT_COLUMNS = ("home_district", "event_district", "trade", "craft", "gi_product", "onboarding_status", "data_origin")
DISTRICT_COLUMNS = ("home_district", "event_district")
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
        if not isinstance(cell, str):
            continue
        key = text_key(cell)
        for marker_key, marker, meaning in junk_markers():
            if marker_key and key.startswith(marker_key):
                return marker, meaning
    return None


@lru_cache(maxsize=1)
def _gi_names() -> dict[str, str]:
    names = reference.load_gi_products()["gi_name"].drop_duplicates()
    return {text_key(n): n for n in names}


def _clean_id(value: object) -> str | None:
    text = parsing.clean_text(value)
    return parsing.ascii_digits(text) if text else None


def _id_key(value: str | None) -> str | None:
    return "".join(value.split()).casefold() if value else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value)


class _Run:
    """The state of one ingest: accumulators for every output and the duplicate index."""

    def __init__(self, latest: dt.date) -> None:
        self.latest = latest
        self.resolver = get_resolver()
        self.accepted: list[dict] = []
        self.rejected: list[dict] = []
        self.duplicates: list[dict] = []
        self.problems: list[Problem] = []
        self.quality: list[dict] = []
        self.dropped: list[dict] = []
        self.seen_ids: dict[str, str] = {}
        self.seen_sellers: dict[str, str] = {}

    # ------------------------------------------------------------- helpers

    def file_problem(self, source_file: str, sheet: str, problem: str, fix: str, **quality: object) -> None:
        self.problems.append(Problem(source_file, sheet, None, None, None, problem, fix))
        self.quality.append(_quality_row(source_file, sheet, file_problem=problem, **quality))

    def reject(self, sheet: RawSheet, row: int, column: str, value: object, problem: str, fix: str, *, line: bool = True) -> None:
        value_text = "" if _blank(value) else show_value(value)
        self.rejected.append(
            dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet, source_row=row,
                 column=column, value=value_text, problem=problem, fix=fix)
        )
        if line:
            self.problems.append(Problem(sheet.source_file, sheet.source_sheet, row, column, value_text, problem, fix))

    def note(self, sheet: RawSheet, rows: list[int], column: str, value: object, problem: str, fix: str) -> None:
        self.problems.append(
            Problem(sheet.source_file, sheet.source_sheet, rows[0], column, show_value(value), problem, fix, NOTE, len(rows))
        )

    # --------------------------------------------------------------- sheet

    def sheet(self, sheet: RawSheet, *, is_only_sheet: bool) -> None:
        rows = sheet.rows
        header_index = hdr.find_header_row(rows)
        if header_index is None:
            if is_only_sheet:
                what = "file" if not sheet.source_sheet else "workbook"
                self.file_problem(sheet.source_file, sheet.source_sheet, f"the {what} is empty",
                                  "export the registration sheet again", encoding=sheet.encoding)
            else:
                self.quality.append(_quality_row(sheet.source_file, sheet.source_sheet, encoding=sheet.encoding,
                                                 file_problem="empty sheet (skipped)"))
            return
        header_row, header_cells = rows[header_index]
        title_rows = sum(1 for _, cells in rows[:header_index] if not all(_blank(c) for c in cells))
        body = [(n, cells) for n, cells in rows[header_index + 1:]]
        data = [(n, cells) for n, cells in body if not all(_blank(c) for c in cells)]
        blank_rows = len(body) - len(data)
        mapping = hdr.map_headers(header_row, header_cells, [cells for _, cells in data])
        dropped_text = "; ".join(f"{h} ({reason})" for _, h, reason in mapping.dropped)
        for _, header, reason in mapping.dropped:
            self.dropped.append(dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet,
                                     column=header, reason=reason))
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
            for number, _ in data:
                self.reject(sheet, number, column, None, "the sheet " + problem.split(" in the header")[0].replace(
                    "no column", "has no column"), fix, line=False)
            self.quality.append(_quality_row(sheet.source_file, sheet.source_sheet, rejected=len(data),
                                             file_problem=problem, **counts))
            return

        outcome = self.rows(sheet, mapping, data)
        self.quality.append(_quality_row(sheet.source_file, sheet.source_sheet, **outcome, **counts))

    # ---------------------------------------------------------------- rows

    def rows(self, sheet: RawSheet, mapping: hdr.HeaderMap, data: list[tuple[int, list[object]]]) -> dict[str, int]:
        numbers = [n for n, _ in data]
        raw = {
            column: [cells[mapping.columns[column]] if column in mapping.columns and mapping.columns[column] < len(cells)
                     else None for _, cells in data]
            for column in hdr.INPUT_COLUMNS
        }
        errors: dict[int, list[tuple[str, object, str, str]]] = {}  # position -> (column, value, problem, fix)

        def error(position: int, column: str, value: object, problem: str, fix: str) -> None:
            errors.setdefault(position, []).append((column, value, problem, fix))

        # Total, signature and note lines below the data: rejected for that reason alone.
        junk_rows: set[int] = set()
        for position, (_, cells) in enumerate(data):
            id_text = parsing.clean_text(raw["registration_id"][position])
            if id_text is None or _junk_marker([id_text]):
                junk = _junk_marker(cells)
                if junk:
                    marker, meaning = junk
                    junk_rows.add(position)
                    error(position, "registration_id", f"{marker}…", f"{meaning}, not a registration",
                          "nothing to fix if it is a summary line; delete it from the sheet to silence this")

        # Personal data inside kept free-text columns.
        redacted = 0
        only_personal: dict[tuple[int, str], str] = {}  # (position, column) -> kinds, when nothing else was left
        for column in FREE_TEXT_COLUMNS:
            found: dict[str, list[int]] = {}
            for position, value in enumerate(raw[column]):
                if not isinstance(value, str):
                    continue
                cleaned, kinds = pii.redact(value)
                if kinds:
                    raw[column][position] = None if pii.is_only_redacted(cleaned) else cleaned
                    if raw[column][position] is None:
                        only_personal[(position, column)] = " and ".join(kinds)
                    redacted += 1
                    found.setdefault(" and ".join(kinds), []).append(numbers[position])
            for kinds, rows in found.items():
                self.note(sheet, rows, column, pii.REDACTED, f"held personal data ({kinds}), removed",
                          "keep personal data out of the registration sheets")

        parsed: dict[str, list[object]] = {}
        parsed["registration_id"] = [_clean_id(v) for v in raw["registration_id"]]
        parsed["gem_seller_id"] = [_clean_id(v) for v in raw["gem_seller_id"]]
        for column in ("craft", "data_origin"):
            parsed[column] = [parsing.clean_text(v) for v in raw[column]]
        gi = _gi_names()
        parsed["gi_product"] = [
            gi.get(text_key(t), t) if (t := parsing.clean_text(v)) else None for v in raw["gi_product"]
        ]

        def by_value(column: str, parser: Callable[[object], object]) -> None:
            cache: dict[tuple[type, object], tuple[object, parsing.ValueParseError | None]] = {}
            out: list[object] = []
            for position, value in enumerate(raw[column]):
                if _blank(value):
                    out.append(None)
                    continue
                key = (type(value), value)
                if key not in cache:
                    try:
                        cache[key] = (parser(value), None)
                    except parsing.ValueParseError as problem:
                        cache[key] = (None, problem)
                result, problem = cache[key]
                if problem is not None:
                    error(position, column, value, problem.problem, problem.fix)
                out.append(result)
            parsed[column] = out

        by_value("trade", lambda v: parsing.parse_coded(v, "trade"))
        by_value("onboarding_status", lambda v: parsing.parse_coded(v, "onboarding_status"))
        by_value("is_woman", parsing.parse_bool)
        by_value("is_tribal", parsing.parse_bool)

        # Dates: read every value, then let the sheet's unambiguous dates settle the day/month order.
        by_value("registration_date", parsing.read_date)
        readings = [r for r in parsed["registration_date"] if r is not None]
        order = parsing.sheet_date_order(readings)  # type: ignore[arg-type]
        dates: list[object] = []
        for position, reading in enumerate(parsed["registration_date"]):
            if reading is None:
                dates.append(None)
                continue
            try:
                dates.append(parsing.resolve_date(reading, order, self.latest))  # type: ignore[arg-type]
            except parsing.ValueParseError as problem:
                error(position, "registration_date", raw["registration_date"][position], problem.problem, problem.fix)
                dates.append(None)
        parsed["registration_date"] = dates

        # Districts: each distinct spelling resolved once.
        lgd: dict[str, list[object]] = {}
        for column in DISTRICT_COLUMNS:
            texts = pd.Series([parsing.clean_text(v) for v in raw[column]], dtype=object)
            matches = self.resolver.resolve_series(texts)
            parsed[column] = list(matches["district"])
            lgd[column] = list(matches["lgd_code"])
            notes: dict[tuple[str, str], list[int]] = {}
            for position, (text, method, note, problem) in enumerate(
                zip(texts, matches["method"], matches["note"], matches["problem"])
            ):
                if text is None:
                    continue
                if method in ("unresolved", "other_state"):
                    if set(text) <= set("? "):
                        error(position, column, text, *_LOST_HINDI)
                    else:
                        error(position, column, text, problem, _DISTRICT_FIX[method])
                elif isinstance(note, str):
                    notes.setdefault((text, note), []).append(numbers[position])
            for (text, note), rows in notes.items():
                self.note(sheet, rows, column, text, note, "write the district's standard name to silence this")

        # The declared schema: blanks in required columns, values outside the allowed lists.
        frame = pd.DataFrame({c: pd.Series(parsed[c], dtype=object) for c in hdr.INPUT_COLUMNS})
        frame["registration_date"] = pd.to_datetime(frame["registration_date"]).astype("datetime64[ns]")
        frame["is_woman"] = frame["is_woman"].astype("boolean")
        frame["is_tribal"] = frame["is_tribal"].astype("boolean")
        for position, column, problem, fix in row_failures(frame):
            if (position, column) in only_personal:
                problem = f"held only personal data ({only_personal[position, column]}), removed"
                error(position, column, pii.REDACTED, problem, fix + "; keep personal data out of the sheets")
            elif not any(c == column for c, *_ in errors.get(position, [])):
                error(position, column, raw[column][position], problem, fix)

        accepted = duplicates = 0
        for position, number in enumerate(numbers):
            if position in errors:
                found = errors[position][:1] if position in junk_rows else errors[position]
                for column, value, problem, fix in found:
                    self.reject(sheet, number, column, value, problem, fix)
                continue
            where = f"{sheet.source_file}:{sheet.source_sheet}:{number}" if sheet.source_sheet else f"{sheet.source_file}:{number}"
            id_key = _id_key(parsed["registration_id"][position])  # type: ignore[arg-type]
            seller_key = _id_key(parsed["gem_seller_id"][position])  # type: ignore[arg-type]
            first = self.seen_ids.get(id_key) or (self.seen_sellers.get(seller_key) if seller_key else None)
            if first is not None:
                duplicates += 1
                self.duplicates.append(
                    dict(source_file=sheet.source_file, source_sheet=sheet.source_sheet, source_row=number,
                         registration_id=parsed["registration_id"][position],
                         gem_seller_id=parsed["gem_seller_id"][position], duplicate_of=first)
                )
                continue
            self.seen_ids[id_key] = where  # type: ignore[index]
            if seller_key:
                self.seen_sellers[seller_key] = where
            accepted += 1
            record = {c: parsed[c][position] for c in hdr.INPUT_COLUMNS}
            record.update(
                home_lgd_code=lgd["home_district"][position],
                event_lgd_code=lgd["event_district"][position],
                source_file=sheet.source_file,
                source_sheet=sheet.source_sheet,
                source_row=number,
            )
            self.accepted.append(record)
        return dict(accepted=accepted, rejected=len(errors), duplicates=duplicates, values_redacted=redacted)


def _quality_row(source_file: str, source_sheet: str, **values: object) -> dict:
    row = dict.fromkeys(QUALITY_COLUMNS)
    row.update(source_file=source_file, source_sheet=source_sheet, rows_in=0, accepted=0, rejected=0,
               duplicates=0, blank_rows_skipped=0, title_rows_skipped=0, values_redacted=0, dropped_columns="",
               file_problem="")
    row.update(values)
    return row


def _accepted_frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=[c for c in OUTPUT_COLUMNS if c != "is_synthetic"])
    frame["is_synthetic"] = frame["data_origin"].fillna("").astype(str).str.upper().str.contains("SYNTHETIC")
    frame = frame.astype(
        {
            "registration_date": "datetime64[ns]",
            "is_woman": bool,
            "is_tribal": bool,
            "is_synthetic": bool,
            "home_lgd_code": "int64",
            "event_lgd_code": "int64",
            "source_row": "int64",
        }
    )
    for name in TEXT_COLUMNS:
        frame[name] = frame[name].astype("str")
    frame = frame[list(OUTPUT_COLUMNS)]
    try:
        return REGISTRATIONS_SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:  # the row checks should have caught everything: a bug
        raise RuntimeError(f"accepted rows fail the registrations schema: {error.failure_cases.head(5)}") from None


def ingest_paths(inputs: Sequence[Path | str], *, sheet: str | None = None, latest: dt.date | None = None) -> IngestResult:
    """Read, clean and validate registration sheets.

    Args:
        inputs: files and folders; a folder contributes every .csv/.xlsx under it, sorted.
        sheet: read only this sheet of each workbook (CSV files have one sheet and ignore it).
        latest: the latest acceptable registration date (default: today).

    Returns:
        An ``IngestResult``. User mistakes never raise: they are in ``problems``.
    """
    run = _Run(latest or dt.date.today())
    files, problems = discover(inputs)
    for problem in problems:
        run.file_problem(problem.source_file, "", problem.problem, problem.fix)
    for path in files:
        try:
            sheets = read_file(path, sheet if path.suffix.lower() == ".xlsx" else None)
        except ReadError as error:
            run.file_problem(display_name(path), "", error.problem, error.fix)
            continue
        non_empty = [s for s in sheets if hdr.find_header_row(s.rows) is not None]
        for raw_sheet in sheets:
            run.sheet(raw_sheet, is_only_sheet=not non_empty and raw_sheet is sheets[0])

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
