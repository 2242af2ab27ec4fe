"""From registration sheets to the standard table, with every row accounted for.

``ingest_paths`` finds the files (``reading.discover_in_order``), reads each
(``reading.read_file``) and hands its sheets to ``sheets.Run``, which finds the
header row and maps the headers (``headers``), drops personal-data columns
(``pii``) and sends the data rows through the stages of ``stages`` (junk rows,
Excel errors, personal data, ids, texts, coded values, dates, districts, the
schema); duplicates are set aside by ``duplicates``. Every non-blank row below
a header ends up in exactly one of ``accepted``, ``rejected``, ``duplicates``
or the junk rows skipped; ``quality`` shows the sums per file and sheet.
``write_outputs`` (``outputs``) writes the results to ``data/processed/``.

What does not belong here: computing anything from the registrations (``metrics``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from helpers.errors import RegistrationsError, SheetReadError
from helpers.ingest import reading
from helpers.ingest.outputs import (
    DROPPED_COLUMNS,
    DUPLICATE_COLUMNS,
    QUALITY_COLUMNS,
    REJECTED_COLUMNS,
    accepted_frame,
)
from helpers.ingest.problems import ERROR, Problem, listed
from helpers.ingest.sheetframe import release_unused_memory, use_system_memory_pool
from helpers.ingest.sheets import Run


@dataclass
class IngestResult:
    """Everything ``ingest_paths`` found.

    Attributes:
        accepted: the standard table (``REGISTRATIONS_SCHEMA``), one row per registration.
        rejected: one line per problem of a rejected row (a row with two problems has two lines).
        duplicates: rows set aside because an earlier row has the same registration or GeM seller id.
        problems: every problem as a ``Problem`` (errors and notes), in file order.
        quality: per file and sheet, ``rows_in == accepted + rejected + duplicates + junk_rows_skipped``.
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

    @property
    def files_without_rows(self) -> list[str]:
        """The files read that gave no row at all (a header and nothing below it)."""
        rows = self.quality.groupby("source_file", sort=False)["rows_in"].sum()
        return [name for name, count in rows.items() if count == 0]

    @property
    def rejected_rows_count(self) -> int:
        """How many rows were rejected (a row with two problems counts once)."""
        return int(self.quality["rejected"].sum())


def ingest_paths(inputs: Sequence[Path | str], *, sheet: str | None = None, latest: dt.date | None = None) -> IngestResult:
    """Read, clean and validate registration sheets.

    Args:
        inputs: files and folders; a folder contributes every readable file under it, sorted
            (``reading.READABLE_SUFFIXES``); any other file in it gives a file problem, except
            hidden, README and ``.meta.yaml`` files (``reading.is_quietly_skipped``).
        sheet: read only this sheet of each workbook (CSV files have one sheet and ignore it).
        latest: the latest acceptable date (default: today).

    Returns:
        An ``IngestResult``. User mistakes never raise: they are in ``problems``.
    """
    use_system_memory_pool()
    run = Run(latest or dt.date.today())
    for path in reading.discover_in_order(inputs):
        if isinstance(path, Problem):  # a path that is not there, or a file of a folder that is not read
            run.file_problem(path.source_file, "", path.problem, path.fix)
            continue
        try:
            sheets = reading.read_file(path, sheet)  # a CSV file ignores ``sheet``
        except SheetReadError as error:
            run.file_problem(reading.display_name(path), error.source_sheet, error.problem, error.fix)
            continue
        release_unused_memory()  # what reading freed
        run.file(sheets)
        del sheets  # the cells are not needed any more
    return IngestResult(
        accepted=accepted_frame(run.accepted),
        rejected=pd.DataFrame.from_records(run.rejected, columns=list(REJECTED_COLUMNS)).astype({"source_row": "int64"}),
        duplicates=pd.DataFrame.from_records(run.duplicates, columns=list(DUPLICATE_COLUMNS)).astype({"source_row": "int64"}),
        problems=run.problems,
        quality=pd.DataFrame.from_records(run.quality, columns=list(QUALITY_COLUMNS)),
        dropped_columns=pd.DataFrame.from_records(run.dropped, columns=list(DROPPED_COLUMNS)),
    )


def require_valid(result: IngestResult, strict: bool = False) -> None:
    """Raise a one-line ``RegistrationsError`` when a file was not usable or, if ``strict``, a row was rejected.

    Without ``strict`` the build goes on with the accepted rows and reports the rejected ones.
    """
    if result.file_problems:
        more = len(result.file_problems) - 1
        raise RegistrationsError(result.file_problems[0].line() + (f" (and {more} more file problems)" if more else ""))
    if strict and len(result.rejected):
        raise RegistrationsError(
            f"{result.rejected_rows_count} rows rejected and strict is on; "
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
    """Dropped columns grouped by reason (``reason, columns, files_count``); the headers only, never the values.

    A header that held personal data is listed as ``[removed]``; a long list of columns is cut ("and N more").
    """
    dropped = result.dropped_columns
    summary = dropped.groupby("reason", as_index=False).agg(
        columns=("column", lambda c: listed(sorted(set(c)))), files_count=("source_file", "nunique")
    )
    return summary.sort_values("reason").reset_index(drop=True)
