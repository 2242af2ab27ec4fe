"""Which files to read, and reading one file into its sheets: the ingest's way in.

``discover_in_order`` expands the paths given (files and folders) into the
files to read and the problems of the files passed over; ``read_file`` reads
one file after checking what it is from its bytes and its limits
(``limits``, ``limits.yaml``): a CSV file through ``csv_reading``, a
workbook through ``workbooks`` (python-calamine). Any failure to read a file,
at any point, is one ``helpers.errors.SheetReadError`` naming the file (and
the sheet when known) and how to re-save it; never another exception.

The names the rest of the kit imports from here (``SheetFrame``,
``READABLE_SUFFIXES``, ``display_name``, ``read_csv``, ``read_workbook``, ...)
stay importable from here. Not here: what the columns mean (``headers``,
``stages``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pyarrow.compute as pc

from helpers.errors import SheetReadError
from helpers.ingest import limits
from helpers.ingest.csv_reading import clean_columns, read_csv
from helpers.ingest.limits import EXCEL_OTHER, RESAVE_XLSX, WORKBOOK_SUFFIXES
from helpers.ingest.problems import Problem
from helpers.ingest.sheetframe import TAG, SheetFrame, display_name
from helpers.ingest.workbooks import NOT_READ_ERRORS, damaged_fix, read_workbook

#: The file types the kit reads; a folder contributes every file with one of these suffixes.
READABLE_SUFFIXES = (".csv", *WORKBOOK_SUFFIXES)
#: Files in a registrations folder that are not sheets and are passed over without a word
#: (besides hidden files, Excel lock files ``~$...`` and files in hidden folders).
QUIET_NAMES = ("readme", "readme.md", "readme.txt")
QUIET_SUFFIXES = (".meta.yaml", ".meta.yml")


def is_quietly_skipped(path: Path, folder: Path) -> bool:
    """True for a file of a folder that is not a sheet and needs no word: hidden files and files in
    hidden folders, Excel lock files (``~$...``), README files and ``.meta.yaml`` sidecars."""
    parts = path.relative_to(folder).parts
    if any(part.startswith((".", "~$")) or part == "__pycache__" for part in parts):
        return True
    name = path.name.casefold()
    return name in QUIET_NAMES or name.endswith(QUIET_SUFFIXES)


def discover_in_order(inputs: Sequence[Path | str]) -> list[Path | Problem]:
    """The files to read and the problems of the files not read, in the order the paths are given.

    A folder contributes every file with a ``READABLE_SUFFIXES`` suffix under
    it (sub-folders included), sorted. Every other file in it gives a problem,
    at its place in that order, saying it was not read and how to re-save it —
    except the files ``is_quietly_skipped`` passes over (hidden, lock, README
    and ``.meta.yaml`` files).
    """
    entries: list[Path | Problem] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = [p for p in sorted(path.rglob("*")) if p.is_file() and not is_quietly_skipped(p, path)]
            entries.extend(p if p.suffix.lower() in READABLE_SUFFIXES else _not_read(p) for p in files)
            if not any(p.suffix.lower() in READABLE_SUFFIXES for p in files):
                entries.append(
                    Problem(display_name(path), "", None, None, None, "no registration sheets in this folder (.csv, .xlsx, .xlsm, .xls, .xlsb or .ods)",
                            "put the registration sheets here or give another folder")
                )
        elif path.is_file():
            entries.append(path)
        else:
            entries.append(
                Problem(display_name(path), "", None, None, None, "no such file or folder",
                        "check the path (relative paths are taken from the project root)")
            )
    return entries


def _not_read(path: Path) -> Problem:
    """The problem of a file in a folder that is not a sheet the kit reads."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_OTHER:
        problem = f"not read: a '{suffix}' file, which the kit does not read"
        fix = RESAVE_XLSX + " (or 'CSV UTF-8 (Comma delimited) (*.csv)')"
    elif suffix == ".txt":
        problem = "not read: a '.txt' file (a text export), which the kit does not read"
        fix = ("if it holds registrations, open it in Excel and save it with File > Save As > "
               "'CSV UTF-8 (Comma delimited) (*.csv)'; otherwise move it out of the folder")
    else:
        problem = f"not read: not a sheet the kit reads ('{suffix or 'no extension'}')"
        fix = ("if it holds registrations, open it in Excel and save it as 'Excel Workbook (*.xlsx)' or "
               "'CSV UTF-8 (Comma delimited) (*.csv)'; otherwise move it out of the folder")
    return Problem(display_name(path), "", None, None, None, problem, fix)


def read_file(path: Path, sheet_name: str | None = None) -> list[SheetFrame]:
    """Read one registration file into its sheets, after checking what it is and its limits.

    Args:
        path: a .csv, .xlsx, .xlsm, .xls, .xlsb or .ods file.
        sheet_name: read only this sheet of a workbook (ignored for a CSV file).

    Raises:
        SheetReadError: the file is of another kind than its name says, is
            over a limit, is damaged or cannot be read for any other reason;
            its message names the file (and the sheet, when one is at fault).
    """
    source_file = display_name(path)
    kind = ""
    try:
        limits.check_file_size(path)
        kind = limits.sniff(path)
        limits.refuse_kind(path, kind)
        if path.suffix.lower() == ".csv":
            sheets = [clean_columns(read_csv(path))]
        else:
            if kind in ("xlsx", "xlsb", "ods"):
                limits.check_archive(path)
            sheets = read_workbook(path, sheet_name)
        for sheet in sheets:  # over the row, column or cell-length limits (after reading: CSV and the cells)
            limits.check_grid(sheet.records, sheet.width)
            longest = 0
            for position in range(sheet.width):
                texts = sheet.column(position).dictionary
                if sheet.is_typed:  # a typed cell's tag is not text
                    texts = pc.if_else(pc.starts_with(texts, TAG), None, texts)
                longest = max(longest, pc.max(pc.utf8_length(texts)).as_py() or 0)
            limits.check_cell_chars(longest)
    except SheetReadError as error:
        raise SheetReadError(error.problem, error.fix, source_file, error.source_sheet) from None
    except MemoryError:
        raise SheetReadError("is too big to read in this computer's memory", "split it into smaller files", source_file) from None
    except BaseException as error:  # python-calamine's errors of many types; a Rust panic is a BaseException
        if isinstance(error, NOT_READ_ERRORS):
            raise
        what = limits.KIND_NAMES.get(kind, kind) if kind else f"a {path.suffix.lower() or 'sheet'} file"
        raise SheetReadError(f"is damaged: it cannot be read as {what} ({limits.describe_error(error)})",
                             damaged_fix(path), source_file) from None
    return sheets

