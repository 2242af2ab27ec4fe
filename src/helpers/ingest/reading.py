"""Reading registration sheets (CSV, .xlsx, .xlsm, .xls, .xlsb, .ods) into columns of raw cells.

Knows about files and encodings, nothing about what the columns mean: it
finds the files under the given paths, decodes CSV text (UTF-8, UTF-8/UTF-16
with BOM, the legacy code page Excel writes), reads workbooks through
python-calamine (values only: a .xlsm's macros are never run or read), and
returns each sheet as a ``RawSheet``: its records (rows as the CSV reader or
Excel sees them, numbered from 1, blank ones included), stored column by
column and dictionary-encoded (``CellColumn``), so that a million-row sheet of
a few hundred distinct districts, crafts and dates costs a few integer arrays,
not a Python list per row. Control characters other than tab, line feed and
carriage return are removed from text cells.

Before a file is parsed, ``limits`` tells what it is from its bytes and checks
it against the limits of ``limits.yaml``. Any failure to read a file, at any
point, is one ``helpers.errors.SheetReadError`` naming the file (and the sheet
when known) and how to re-save it; never another exception.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import ctypes
import ctypes.util
import datetime as dt
import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from helpers import paths
from helpers.errors import SheetReadError
from helpers.ingest import limits
from helpers.ingest.limits import EXCEL_OTHER as _EXCEL_OTHER
from helpers.ingest.limits import RESAVE_CSV as _RESAVE_CSV
from helpers.ingest.limits import RESAVE_XLSX as _RESAVE_XLSX
from helpers.ingest.limits import WORKBOOK_SUFFIXES, refusal
from helpers.ingest.problems import Problem

#: The file types the kit reads; a folder contributes every file with one of these suffixes.
READABLE_SUFFIXES = (".csv", *WORKBOOK_SUFFIXES)
SUFFIXES = READABLE_SUFFIXES  # the former name
#: Files in a registrations folder that are not sheets and are passed over without a word
#: (besides hidden files, Excel lock files ``~$...`` and files in hidden folders).
QUIET_NAMES = ("readme", "readme.md", "readme.txt")
QUIET_SUFFIXES = (".meta.yaml", ".meta.yml")
#: Text and other control characters removed from text cells (tab, line feed and carriage return are kept).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Encodings accepted from charset-normalizer when the file is neither UTF-8 nor cp1252-looking.
_LEGACY_OK = {"cp1252", "latin_1", "iso8859_15", "utf_16", "utf_16_le", "utf_16_be", "cp1250", "iso8859_2"}
#: CSV files at least this big, and without quotes, are split by pyarrow instead of the ``csv`` module.
PLAIN_CSV_MIN_BYTES = 1 << 20
#: Records taken from the CSV reader (or a worksheet) at a time before they are encoded column by column.
CHUNK_ROWS = 65_536


#: The former name of the error this module raises (``limits.refusal`` makes it).
ReadError = SheetReadError


@dataclass
class CellColumn:
    """One column of a sheet, dictionary-encoded: the cell of record ``i`` is ``values[codes[i]]``.

    Attributes:
        codes: one int32 code per record of the sheet.
        values: the distinct cells, in order of first appearance. A record
            shorter than the sheet's widest one has ``None`` here (like an
            empty .xlsx cell; an empty CSV field is ``''``).
    """

    codes: np.ndarray
    values: list[object]


@dataclass
class RawSheet:
    """One sheet of one file: numbered records of raw cells, stored by column.

    Attributes:
        source_file: the file as shown to the user.
        source_sheet: the sheet name ("" for a CSV file).
        columns: one ``CellColumn`` per cell position, as wide as the widest record.
        lengths: how many cells each record has (0 for a blank line of a CSV file).
        encoding: the text encoding a CSV file was read with (None for a workbook).
        is_hidden: the sheet is hidden or "very hidden" in its workbook (a list of
            values for drop-downs, say); its records are read all the same.
    """

    source_file: str
    source_sheet: str
    columns: list[CellColumn] = field(default_factory=list)
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    encoding: str | None = None
    is_hidden: bool = False

    @classmethod
    def from_rows(
        cls, source_file: str, source_sheet: str, rows: Iterable[Sequence[object]], *,
        encoding: str | None = None, typed: bool = True,
    ) -> RawSheet:
        """A sheet from its records, in order (record ``i`` is row ``i + 1``).

        Args:
            typed: the cells may be of several types (an .xlsx sheet): ``1``,
                ``1.0`` and ``True`` stay three different values. With
                ``typed=False`` every cell must be a string or None (a CSV file).
        """
        builder = _ColumnsBuilder(typed)
        chunk: list[Sequence[object]] = []
        for cells in rows:
            chunk.append(cells)
            if len(chunk) == CHUNK_ROWS:
                builder.add(chunk)
                chunk = []
        builder.add(chunk)
        columns, lengths = builder.build()
        return cls(source_file, source_sheet, columns, lengths, encoding)

    @property
    def numbers(self) -> np.ndarray:
        """The spreadsheet row number of each record (1 = the first line of the file)."""
        return np.arange(1, len(self.lengths) + 1, dtype=np.int64)

    def cells(self, index: int) -> list[object]:
        """The cells of record ``index`` (0-based), as the CSV reader or Excel gave them."""
        return [column.values[column.codes[index]] for column in self.columns[: self.lengths[index]]]

    @property
    def rows(self) -> list[tuple[int, list[object]]]:
        """``(row_number, cells)`` of every record (builds Python lists: for small sheets and tests)."""
        return [(index + 1, self.cells(index)) for index in range(len(self.lengths))]


def release_freed_memory() -> None:
    """Hand memory freed after a big file back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Reading a big sheet frees many medium-sized blocks that glibc keeps in the
    heap; without this, the memory of the last file read would stay counted in
    the process's resident size while the next steps allocate more.
    """
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        try:
            _MALLOC_TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _MALLOC_TRIM = False
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM: object = None


def _typed_key(value: object) -> tuple[type, object]:
    """Cells are the same value only if of the same type: 1, 1.0 and True differ; 0.0 and -0.0 too."""
    return (float, repr(value)) if isinstance(value, float) else (type(value), value)


def _factorize(values: np.ndarray, typed: bool) -> tuple[np.ndarray, list[object]]:
    """``(codes, distinct values)`` of an object array, in order of first appearance."""
    if typed:
        return _factorize_typed(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # strings and None only
    distinct = list(uniques)
    codes = codes.astype(np.int32)
    missing = codes < 0
    if missing.any():
        codes[missing] = len(distinct)
        distinct.append(None)
    return codes, distinct


#: Types of cells that pandas' hash table may merge with a cell of another type (``1 == 1.0 == True``, None and NaN).
_MERGED_BY_PANDAS = (bool, int, float, np.float64, np.int64, np.bool_)


def _factorize_typed(values: np.ndarray) -> tuple[np.ndarray, list[object]]:
    """Like ``_factorize`` with ``_typed_key`` as the key: ``1``, ``1.0``, ``True`` and ``-0.0`` stay apart.

    pandas' hash table merges values that compare equal (``1 == 1.0 == True``,
    ``0.0 == -0.0``); its codes are split again by each cell's type and, for
    floats, the sign of a zero. The distinct values come out in order of first appearance.
    """
    count = len(values)
    if not count:
        return np.zeros(0, dtype=np.int32), []
    texts = _as_strings(values)
    if texts is not None:  # text and empty cells only (most columns): pyarrow encodes them fastest
        return _in_order_of_appearance(*_encode_strings(texts))
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if not any(type(value) in _MERGED_BY_PANDAS or value is None for value in uniques):
        return codes.astype(np.int32), list(uniques)  # text and dates only: nothing was merged
    types = np.fromiter(map(type, values), dtype=object, count=count)
    type_codes, kinds = pd.factorize(types, use_na_sentinel=False)
    key = codes.astype(np.int64) * (len(kinds) + 1) + type_codes
    if float in set(kinds):
        floats = type_codes == list(kinds).index(float)
        negative_zero = np.zeros(count, dtype=bool)
        negative_zero[floats] = np.signbit(values[floats].astype(np.float64)) & (values[floats].astype(np.float64) == 0)
        key = key * 2 + negative_zero
    distinct_keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank[inverse.reshape(-1)], [values[i] for i in first[order]]


def _in_order_of_appearance(codes: np.ndarray, distinct: list[object]) -> tuple[np.ndarray, list[object]]:
    """``(codes, distinct)`` renumbered so that the distinct values come in order of first appearance."""
    _, first = np.unique(codes, return_index=True)
    order = np.argsort(first, kind="stable")
    if (order == np.arange(len(order))).all():
        return codes, distinct
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank[codes], [distinct[i] for i in order]


def _as_strings(values: np.ndarray) -> object | None:
    """``values`` as a pyarrow string array when every one is a ``str`` or None; else None."""
    import pyarrow as pa

    try:
        return pa.array(values, type=pa.string(), from_pandas=False, memory_pool=pa.system_memory_pool())
    except (pa.ArrowException, TypeError, ValueError, UnicodeError):
        return None


class _ColumnsBuilder:
    """Encodes records chunk by chunk, so a big sheet never exists as a list of Python rows.

    Text cells (``typed=False``) go into pyarrow string arrays as they come and
    are dictionary-encoded once at the end; typed cells are encoded in Python.
    """

    def __init__(self, typed: bool) -> None:
        self.typed = typed
        self.lengths: list[np.ndarray] = []
        self.chunks: list[tuple[int, list[object]]] = []  # (records, one array per cell position)

    def add(self, rows: list[Sequence[object]]) -> None:
        count = len(rows)
        if not count:
            return
        lengths = np.fromiter(map(len, rows), dtype=np.int32, count=count)
        width = int(lengths.max())
        if int(lengths.min()) != width:
            rows = [r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows]
        self.lengths.append(lengths)
        if self.typed and width:  # one 2-D object array, cut into columns: 4 times faster than zip(*rows)
            block = np.empty((count, width), dtype=object)
            block[:] = rows
            self.chunks.append((count, [np.ascontiguousarray(block[:, position]) for position in range(width)]))
            return
        self.chunks.append((count, [self._array(column) for column in zip(*rows)]))

    def _array(self, cells: Sequence[object]) -> object:
        if not self.typed:
            import pyarrow as pa

            try:
                return pa.array(cells, type=pa.string(), memory_pool=pa.system_memory_pool())
            except (pa.ArrowException, UnicodeError):  # e.g. a lone surrogate: keep the Python strings
                pass
        return _objects(list(cells))

    def build(self) -> tuple[list[CellColumn], np.ndarray]:
        import pyarrow as pa

        width = max((len(arrays) for _, arrays in self.chunks), default=0)
        columns = []
        for position in range(width):
            parts: list[object] = []
            for _, arrays in self.chunks:
                parts.append(arrays[position] if position < len(arrays) else None)
                if position < len(arrays):
                    arrays[position] = None  # let the chunk go once its column is encoded
            counts = [count for count, _ in self.chunks]
            if all(part is None or isinstance(part, pa.Array) for part in parts):
                texts = pa.chunked_array(
                    [part if part is not None else pa.nulls(count, pa.string()) for part, count in zip(parts, counts)],
                    type=pa.string(),
                )
                del parts
                codes, values = _encode_strings(texts)
            else:
                cells = np.concatenate([
                    (part.to_numpy(zero_copy_only=False) if isinstance(part, pa.Array)
                     else part if part is not None else np.full(count, None, dtype=object))
                    for part, count in zip(parts, counts)
                ])
                del parts
                codes, values = _factorize(cells, self.typed)
            columns.append(CellColumn(codes, values))
        lengths = np.concatenate(self.lengths) if self.lengths else np.zeros(0, dtype=np.int32)
        return columns, lengths


def _encode_strings(texts: object) -> tuple[np.ndarray, list[object]]:
    """``(codes, distinct values)`` of a pyarrow string array (null: None), in order of first appearance."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pool = pa.system_memory_pool()
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks(memory_pool=pool)
    encoded = pc.dictionary_encode(texts, memory_pool=pool)
    del texts
    values: list[object] = encoded.dictionary.to_pylist()
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(len(values))
        values.append(None)
    return indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False), values


def display_name(path: Path) -> str:
    """The file's path relative to the project root when inside it, else as given."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(paths.ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()


def is_quietly_skipped(path: Path, folder: Path) -> bool:
    """True for a file of a folder that is not a sheet and needs no word: hidden files and files in
    hidden folders, Excel lock files (``~$...``), README files and ``.meta.yaml`` sidecars."""
    parts = path.relative_to(folder).parts
    if any(part.startswith((".", "~$")) or part == "__pycache__" for part in parts):
        return True
    name = path.name.casefold()
    return name in QUIET_NAMES or name.endswith(QUIET_SUFFIXES)


def discover(inputs: Sequence[Path | str]) -> tuple[list[Path], list[Problem]]:
    """Expand the given paths into the files to read, sorted within each folder, and the problems.

    See ``discover_in_order``; this splits its answer into files and problems.
    """
    entries = discover_in_order(inputs)
    return [e for e in entries if isinstance(e, Path)], [e for e in entries if isinstance(e, Problem)]


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
            found = 0
            for p in sorted(p for p in path.rglob("*") if p.is_file()):
                if is_quietly_skipped(p, path):
                    continue
                if p.suffix.lower() in READABLE_SUFFIXES:
                    entries.append(p)
                    found += 1
                else:
                    entries.append(_not_read(p))
            if not found:
                entries.append(
                    Problem(display_name(path), "", None, None, None, "no .csv or .xlsx files in this folder",
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
    if suffix in _EXCEL_OTHER:
        problem = f"not read: a '{suffix}' file, which the kit does not read"
        fix = _RESAVE_XLSX + " (or 'CSV UTF-8 (Comma delimited) (*.csv)')"
    elif suffix == ".txt":
        problem = "not read: a '.txt' file (a text export), which the kit does not read"
        fix = ("if it holds registrations, open it in Excel and save it with File > Save As > "
               "'CSV UTF-8 (Comma delimited) (*.csv)'; otherwise move it out of the folder")
    else:
        problem = f"not read: not a .csv or .xlsx file ('{suffix or 'no extension'}')"
        fix = ("if it holds registrations, open it in Excel and save it as 'Excel Workbook (*.xlsx)' or "
               "'CSV UTF-8 (Comma delimited) (*.csv)'; otherwise move it out of the folder")
    return Problem(display_name(path), "", None, None, None, problem, fix)


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a CSV file; return ``(text, encoding)``.

    Order: a BOM (UTF-8, UTF-16), then strict UTF-8, then Windows-1252 (what
    Excel's plain "CSV (Comma delimited)" writes on English Windows), then
    charset-normalizer's best guess among legacy encodings.

    Raises:
        SheetReadError: the bytes are not text (binary, a workbook renamed .csv, unknown encoding).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise refusal("starts like UTF-16 text but is damaged", _RESAVE_CSV) from None
    if data.startswith(b"PK\x03\x04"):
        raise refusal("is an Excel workbook (.xlsx) with a .csv name", "rename it to end in .xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise refusal("is an old Excel workbook (.xls) with a .csv name", "rename it to end in .xls")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if b"\x00" not in sample and controls <= len(sample) // 100:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding in _LEGACY_OK and controls <= len(sample) // 100 + (
        len(sample) if guess.encoding.startswith("utf_16") else 0
    ):
        return str(guess), guess.encoding
    raise refusal("is not a text CSV file (it looks like binary data or an unknown encoding)", _RESAVE_CSV)


def _first_nonblank_line(text: str) -> str:
    """``next(line for line in text.splitlines() if line.strip())``, without splitting the whole text."""
    size = 65_536
    while True:
        lines = text[:size].splitlines()
        complete = lines if size >= len(text) else lines[:-1]  # the last one may go on past the cut
        for line in complete:
            if line.strip():
                return line
        if size >= len(text):
            return ""
        size *= 8


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the first non-blank line: comma, semicolon or tab, whichever is most common."""
    first = _first_nonblank_line(text)
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path) -> RawSheet:
    """Read a CSV file into one ``RawSheet`` (every cell a string).

    A big file without quotes is split by pyarrow (``_split_plain_csv``),
    anything else by Python's ``csv`` module; both give the same cells. Either
    reads the text as UTF-8 bytes, not as one Python string (which the ``csv``
    module's usual ``StringIO`` would hold as four bytes per character).

    Raises:
        SheetReadError: the file cannot be decoded or parsed.
    """
    data = path.read_bytes()
    decoded, encoding = decode_csv_bytes(data)
    text = decoded.lstrip("\ufeff")
    delimiter = _sniff_delimiter(text)
    plain = len(data) >= PLAIN_CSV_MIN_BYTES and _is_plain(text)
    if encoding in ("utf-8", "utf-8-sig"):  # the text is the bytes after the BOM(s): no need to encode it again
        start = (len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0) + len(codecs.BOM_UTF8) * (len(decoded) - len(text))
        payload = data if start == 0 else data[start:]
    else:
        try:
            payload = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a legacy decoder: carried through as it is
            payload, plain = text.encode("utf-8", "surrogatepass"), False
    del decoded, text, data
    if plain:
        split = _split_plain_csv(memoryview(payload), delimiter)
        if split is not None:
            del payload  # the table holds the cells now
            columns, lengths = _encode_plain_csv(split)
            release_freed_memory()
            return RawSheet(display_name(path), "", columns, lengths, encoding)
    try:
        lines = io.TextIOWrapper(io.BytesIO(payload), encoding="utf-8", errors="surrogatepass", newline="")
        del payload
        reader = csv.reader(lines, delimiter=delimiter)
        sheet = RawSheet.from_rows(display_name(path), "", reader, encoding=encoding, typed=False)
    except csv.Error as error:
        raise refusal(f"is not a well-formed CSV file ({error})", _RESAVE_CSV) from None
    release_freed_memory()
    return sheet


def _is_plain(text: str) -> bool:
    """True for CSV text that the ``csv`` module reads as plain lines split at the delimiter.

    No quote character, no NUL, and every carriage return part of a CRLF line end.
    """
    return '"' not in text and "\0" not in text and text.count("\r") == text.count("\r\n")


def _split_plain_csv(payload: memoryview, delimiter: str) -> list | None:
    """Split plain CSV text (``_is_plain``, UTF-8 bytes) with pyarrow; None if it cannot.

    What ``csv.reader`` makes of such text: one record per line (LF or CRLF),
    ``[]`` for an empty line, the line split at every delimiter otherwise.
    pyarrow reads the lines with the most common number of fields (and the
    empty ones, as rows of empty cells); the few others are split here.

    Returns:
        ``[pyarrow table, which records are in the table, the cells of the other
        records, number of cells of every record]``, for ``_encode_plain_csv``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    if bytes(payload[:3]) == codecs.BOM_UTF8:
        return None  # pyarrow would skip it; the csv module keeps it in the first cell
    pool = pa.system_memory_pool()  # gives memory back to the system when freed, unlike the default mimalloc
    buffer = np.frombuffer(payload, dtype=np.uint8)
    size = len(buffer)
    block = 1 << 24
    newlines = [np.flatnonzero(buffer[start:start + block] == 10) + start for start in range(0, size, block)]
    ends = np.concatenate(newlines) if newlines else np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], ends + 1)).astype(np.int64)
    stops = np.concatenate((ends, [size])).astype(np.int64)
    if starts[-1] == size:  # the text ends with a line end: no line after it
        starts, stops = starts[:-1], stops[:-1]
    if not len(starts):
        return None
    has_cr = (stops > starts) & (buffer[np.maximum(stops - 1, 0)] == 13)
    widths = stops - has_cr - starts
    if int(widths.max()) > csv.field_size_limit():
        return None  # let the csv module report the field that is too long
    lines = pa.LargeStringArray.from_buffers(
        len(starts), pa.py_buffer(np.concatenate((starts, [size])).astype(np.int64)), pa.py_buffer(payload)
    )
    counts = np.where(widths > 0, pc.count_substring(lines, delimiter, memory_pool=pool).to_numpy(zero_copy_only=False) + 1, 0)
    del lines
    field_counts, how_often = np.unique(counts[counts > 0], return_counts=True)
    if not len(field_counts):
        return None
    width = int(field_counts[np.argmax(how_often)])
    in_table = (counts == width) | (counts == 0)  # pyarrow gives an empty line as a row of empty cells
    skipped = 0

    def skip(_row: object) -> str:
        nonlocal skipped
        skipped += 1
        return "skip"

    names = [f"c{i}" for i in range(width)]
    table = pa_csv.read_csv(
        pa.BufferReader(pa.py_buffer(payload)),
        read_options=pa_csv.ReadOptions(column_names=names, use_threads=True),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter, quote_char=False, double_quote=False, escape_char=False,
            newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=skip,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in names}, strings_can_be_null=False,
            quoted_strings_can_be_null=False, null_values=[], check_utf8=False,
        ),
        memory_pool=pool,
    )
    table_rows = np.flatnonzero(in_table)
    odd_rows = np.flatnonzero(~in_table)
    if table.num_rows != len(table_rows) or skipped != len(odd_rows):
        return None
    odd_cells = [bytes(payload[starts[i]:stops[i] - has_cr[i]]).decode("utf-8").split(delimiter) for i in odd_rows]
    return [table, in_table, odd_cells, counts.astype(np.int32)]


def _encode_plain_csv(split: list) -> tuple[list[CellColumn], np.ndarray]:
    """Dictionary-encode the columns split by ``_split_plain_csv``, one at a time.

    Takes the table out of ``split``, so that each column's text is freed once encoded.
    """
    table, in_table, odd_cells, lengths = split
    split.clear()
    table_rows = np.flatnonzero(in_table)
    odd_rows = np.flatnonzero(~in_table)
    width = table.num_columns
    columns = []
    for position in range(max([width, *map(len, odd_cells)])):
        codes = np.zeros(len(lengths), dtype=np.int32)
        if position < width:
            column = table.column(0)
            table = table.remove_column(0)  # one column of text at a time
            codes[table_rows], values = _encode_strings(column)
            del column
        else:
            values = [None]
        if odd_cells:
            codes[odd_rows] = np.arange(len(values), len(values) + len(odd_cells), dtype=np.int32)
            values.extend(cells[position] if position < len(cells) else None for cells in odd_cells)
            merged, values = _factorize(_objects(values), typed=False)
            codes = merged[codes]
        columns.append(CellColumn(codes, values))
    return columns, lengths


def _objects(values: list[object]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def read_workbook(path: Path, sheet_name: str | None = None) -> list[RawSheet]:
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
                raise refusal(f"has no sheet named '{sheet_name}'", f"the sheets are: {', '.join(names)}")
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


read_xlsx = read_workbook  # the former name


def _read_sheet(workbook: object, source_file: str, meta: object) -> RawSheet:
    """One sheet of an open calamine workbook, its grid checked against the limits before its cells are read."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    name = meta.name  # type: ignore[attr-defined]
    is_hidden = meta.visible != SheetVisibleEnum.Visible  # type: ignore[attr-defined]
    if meta.typ not in (SheetTypeEnum.WorkSheet, SheetTypeEnum.MacroSheet):  # type: ignore[attr-defined]
        return RawSheet(source_file, name, is_hidden=is_hidden)  # a chart or dialog sheet: no cells
    try:
        sheet = workbook.get_sheet_by_name(name)  # type: ignore[attr-defined]
        (first_row, first_column), height, width = sheet.start or (0, 0), sheet.height, sheet.width
        if not height or not width:
            return RawSheet(source_file, name, is_hidden=is_hidden)
        limits.check_grid(first_row + height, first_column + width)
        records = _sheet_records(sheet, first_row, first_column, width)
        raw = RawSheet.from_rows(source_file, name, records, typed=True)
    except SheetReadError as error:
        raise refusal(error.problem, error.fix, "", name) from None  # type: ignore[attr-defined]
    except BaseException as error:  # calamine's XmlError and others, a Rust panic (a BaseException)
        if isinstance(error, _NOT_READ_ERRORS):
            raise
        raise refusal(f"is damaged: this sheet cannot be read ({limits.describe_error(error)})",
                      _damaged_fix(Path(source_file)), "", name) from None
    raw.is_hidden = is_hidden
    raw.columns = [_workbook_column(column) for column in raw.columns]
    return raw


def _sheet_records(sheet: object, first_row: int, first_column: int, width: int) -> Iterable[list[object]]:
    """The records of a calamine sheet from cell A1 (calamine starts at the first used cell)."""
    blank = [""] * (first_column + width)
    for _ in range(first_row):
        yield blank
    if first_column:
        offset = [""] * first_column
        for cells in sheet.iter_rows():  # type: ignore[attr-defined]
            yield offset + cells
    else:
        yield from sheet.iter_rows()  # type: ignore[attr-defined]


def _workbook_cell(value: object) -> object:
    """A cell as calamine gives it, made what openpyxl gave (what the pipeline expects), text cleaned.

    ``""`` is an empty cell (None); a date is a ``datetime`` at midnight; a
    whole number stored as a float is an ``int`` (like ``1001``, not ``1001.0``).
    """
    if isinstance(value, str):
        return clean_text(value) if value else None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _workbook_column(column: CellColumn) -> CellColumn:
    """``column`` with ``_workbook_cell`` applied to its distinct values (nothing to do for clean text)."""
    texts = [value for value in column.values if type(value) is str]
    has_controls = bool(_CONTROL_CHARACTERS.search("".join(texts)))
    if len(texts) == len(column.values) and "" not in texts and not has_controls:
        return column
    return _merged(column.codes, [_workbook_cell(value, has_controls) for value in column.values])


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


def clean_text(text: str) -> str:
    """``text`` without NUL and the other control characters (tab, line feed, carriage return kept)."""
    return _CONTROL_CHARACTERS.sub("", text)


def _clean_value(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _merged(codes: np.ndarray, values: list[object]) -> CellColumn:
    """A column of ``codes`` into ``values`` where some values may now be equal: those are merged."""
    mapping, distinct = _factorize_typed(_objects(values))
    if len(distinct) == len(values):
        return CellColumn(codes, values)
    return CellColumn(mapping[codes], distinct)


def _clean_columns(sheet: RawSheet) -> RawSheet:
    """Remove control characters from the text cells of a CSV sheet (only where there are any)."""
    for position, column in enumerate(sheet.columns):
        texts = [value for value in column.values if isinstance(value, str)]
        if _CONTROL_CHARACTERS.search("".join(texts)):
            sheet.columns[position] = _merged(column.codes, [_clean_value(value) for value in column.values])
    return sheet


def _check_cells(sheet: RawSheet) -> None:
    """Refuse a sheet over the row, column or cell-length limits (after reading: CSV and the cells)."""
    limits.check_grid(len(sheet.lengths), len(sheet.columns))
    longest = max((max(map(len, [v for v in column.values if type(v) is str]), default=0) for column in sheet.columns),
                  default=0)
    limits.check_cell_chars(longest)


def read_file(path: Path, sheet_name: str | None = None) -> list[RawSheet]:
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
            sheets = [_clean_columns(read_csv(path))]
        else:
            if kind in ("xlsx", "xlsb", "ods"):
                limits.check_archive(path)
            sheets = read_workbook(path, sheet_name)
        for sheet in sheets:
            _check_cells(sheet)
    except SheetReadError as error:
        raise refusal(getattr(error, "problem", str(error)), getattr(error, "fix", _RESAVE_XLSX), source_file,
                      getattr(error, "source_sheet", "")) from None
    except MemoryError:
        raise refusal("is too big to read in this computer's memory", "split it into smaller files", source_file) from None
    except BaseException as error:  # python-calamine's errors of many types; a Rust panic is a BaseException
        if isinstance(error, _NOT_READ_ERRORS):
            raise
        what = limits.kind_name(kind) if kind else f"a {path.suffix.lower() or 'sheet'} file"
        raise refusal(f"is damaged: it cannot be read as {what} ({limits.describe_error(error)})",
                      _damaged_fix(path), source_file) from None
    return sheets


#: Exceptions that are not a failure to read a file, let through as they are.
_NOT_READ_ERRORS = (KeyboardInterrupt, SystemExit, GeneratorExit)


def _damaged_fix(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return _RESAVE_CSV
    return "ask the sender for a fresh copy, or open it in Excel and save it again as 'Excel Workbook (*.xlsx)'"
