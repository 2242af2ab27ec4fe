"""Reading a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) into ``SheetFrame``s, through python-calamine.

Values only: a .xlsm's macros are never run or read, a formula is its last
saved value. Sheet names are data: they are kept with personal data masked
(``pii.redact_name``). Cells come out as the rest of the ingest expects them (what
openpyxl gave): text, ``int`` for a whole number, ``float``, ``bool``,
``datetime.datetime`` for a date, None for an empty cell; control characters
are removed from text. In the sheet's text columns a cell that is not text is
tagged (``sheetframe.typed_text``). Hidden sheets are read and marked ``is_hidden``.

python-calamine (0.9) reads an Excel error cell (``#N/A``, ``#DIV/0!``, ...)
as an empty cell and has no option to tell it apart: such a cell is seen here
as empty, never as its error text (docs/registration_schema.md says what follows).

Belongs here: workbooks. Not here: CSV text (``csv_reading``), the checks made
before parsing (``limits``), choosing which file to read (``reading``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
import pyarrow as pa

from helpers.errors import SheetReadError
from helpers.ingest import limits
from helpers.ingest.limits import RESAVE_CSV as _RESAVE_CSV
from helpers.ingest.pii import redact_name
from helpers.ingest.sheetframe import (
    TAG,
    SheetFrame,
    cell_value,
    clean_text,
    columns_of,
    display_name,
    encoded,
    plain_tokens,
    revalued,
    typed_text,
)

#: Exceptions that are not a failure to read a file, let through as they are.
NOT_READ_ERRORS = (KeyboardInterrupt, SystemExit, GeneratorExit)


def read_workbook(path: Path, sheet_name: str | None = None) -> list[SheetFrame]:
    """Read every sheet (or the named one) of a .xlsx, .xlsm, .xls, .xlsb or .ods workbook.

    Cells come out as openpyxl gave them for a .xlsx: text, ``int`` for a whole
    number, ``float``, ``bool``, ``datetime.datetime`` for a date, ``None`` for
    an empty cell. An Excel error value (``#N/A``, ``#DIV/0!``) comes out empty
    (python-calamine reads it so). Hidden sheets are read with ``is_hidden``
    set. Call ``read_file``, which checks the limits first.

    Raises:
        SheetReadError: the workbook cannot be read, or has no sheet of that name
            (without the file name: ``read_file`` adds it).
    """
    from python_calamine import CalamineWorkbook

    with _native_stderr_quiet():
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            sheets = workbook.sheets_metadata
            limits.check_sheets(len(sheets))
            names = [sheet.name for sheet in sheets]
            if sheet_name is not None and sheet_name not in names:
                raise SheetReadError(f"has no sheet named '{redact_name(sheet_name)}'",
                                     f"the sheets are: {', '.join(redact_name(n) for n in names)}")
            return [
                _read_sheet(workbook, display_name(path), meta)
                for meta in sheets if sheet_name is None or meta.name == sheet_name
            ]
        finally:
            workbook.close()


@contextlib.contextmanager
def _native_stderr_quiet() -> Iterator[None]:
    """Keep a Rust panic's message and backtrace (printed by calamine on a damaged file) off the terminal.

    The panic itself reaches Python as an exception and becomes one
    ``SheetReadError`` line. What else was written to the process's standard
    error meanwhile (by another thread) is written there afterwards.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real standard error (some notebook kernels)
        yield
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read(1 << 20).decode("utf-8", "replace")
            kept = [block for block in _PANIC_REPORT.split(text) if block.strip()] if "panicked at" in text else [text]
            if any(kept):
                sys.stderr.write("".join(kept))


#: A Rust panic report on standard error, from "thread ... panicked at" to the end of its backtrace.
_PANIC_REPORT = re.compile(r"\n?thread '[^']*'(?: \(\d+\))? panicked at .*?(?:for a verbose backtrace\.\n|RUST_BACKTRACE=1[^\n]*\n|\Z)",
                           re.S)


def _read_sheet(workbook: object, source_file: str, meta: object) -> SheetFrame:
    """One sheet of an open calamine workbook, its grid checked against the limits before its cells are read."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    name = redact_name(meta.name)  # type: ignore[attr-defined]  # a sheet's name is data: shown masked
    is_hidden = meta.visible != SheetVisibleEnum.Visible  # type: ignore[attr-defined]
    if meta.typ not in (SheetTypeEnum.WorkSheet, SheetTypeEnum.MacroSheet):  # type: ignore[attr-defined]
        return SheetFrame(source_file, name, is_hidden=is_hidden, is_typed=True)  # a chart or dialog sheet: no cells
    try:
        sheet = workbook.get_sheet_by_name(meta.name)  # type: ignore[attr-defined]
        (first_row, first_column), height, width = sheet.start or (0, 0), sheet.height, sheet.width
        if not height or not width:
            return SheetFrame(source_file, name, is_hidden=is_hidden, is_typed=True)
        limits.check_grid(first_row + height, first_column + width)
        columns = [_workbook_column(column) for column in columns_of(_sheet_records(sheet, first_row, first_column, width))]
    except SheetReadError as error:
        raise SheetReadError(error.problem, error.fix, "", name) from None
    except BaseException as error:  # calamine's XmlError and others, a Rust panic (a BaseException)
        if isinstance(error, NOT_READ_ERRORS):
            raise
        raise SheetReadError(f"is damaged: this sheet cannot be read ({limits.describe_error(error)})",
                             damaged_fix(Path(source_file)), "", name) from None
    return SheetFrame.of_columns(source_file, name, columns, is_hidden=is_hidden, is_typed=True)


def _sheet_records(sheet: object, first_row: int, first_column: int, width: int) -> Iterable[list[object]]:
    """The records of a calamine sheet from cell A1 (calamine starts at the first used cell)."""
    offset, rows = [""] * first_column, sheet.iter_rows()  # type: ignore[attr-defined]
    yield from itertools.repeat(offset + [""] * width, first_row)
    yield from (offset + cells for cells in rows) if first_column else rows


def _workbook_column(column: pa.Array) -> pa.DictionaryArray:
    """A column as calamine gives it, made what openpyxl gave, each distinct value once: an empty text cell null,
    control characters removed from text, a typed cell (tagged) converted by ``_workbook_cell``."""
    cells = encoded(column)
    todo = np.flatnonzero(~plain_tokens(cells.dictionary))  # a plain token is text, not empty, without controls
    found = cells.dictionary.take(pa.array(todo, type=pa.int64())).to_pylist()
    made = [None if not text else typed_text(_workbook_cell(cell_value(text))) if text.startswith(TAG) else clean_text(text)
            for text in found]
    changed = [i for i, (text, cell) in enumerate(zip(found, made)) if text != cell]
    return revalued(cells, todo[changed], [made[i] for i in changed])


def _workbook_cell(value: object, has_controls: bool = True) -> object:
    """A cell as calamine gives it, made what openpyxl gave (what the pipeline expects), text cleaned.

    ``""`` is an empty cell (None); a date is a ``datetime`` at midnight; a
    whole number stored as a float is an ``int`` (like ``1001``, not ``1001.0``).
    """
    if type(value) is str:
        return None if not value else clean_text(value) if has_controls else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def damaged_fix(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return _RESAVE_CSV
    return "ask the sender for a fresh copy, or open it in Excel and save it again as 'Excel Workbook (*.xlsx)'"
