"""Reading registration sheets (CSV or .xlsx) into columns of raw cells.

Knows about files and encodings, nothing about what the columns mean: it
finds the files under the given paths, decodes CSV text (UTF-8, UTF-8/UTF-16
with BOM, the legacy code page Excel writes), opens workbooks read-only, and
returns each sheet as a ``RawSheet``: its records (rows as the CSV reader or
Excel sees them, numbered from 1, blank ones included), stored column by
column and dictionary-encoded (``CellColumn``), so that a million-row sheet of
a few hundred distinct districts, crafts and dates costs a few integer arrays,
not a Python list per row. A file it cannot read gives one ``Problem`` saying
how to re-save it, never an exception.
"""

from __future__ import annotations

import codecs
import csv
import ctypes
import ctypes.util
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from helpers import paths
from helpers.ingest.problems import Problem

#: The file types the kit reads; a folder contributes every file with one of these suffixes.
READABLE_SUFFIXES = (".csv", ".xlsx")
SUFFIXES = READABLE_SUFFIXES  # the former name
#: Files in a registrations folder that are not sheets and are passed over without a word
#: (besides hidden files, Excel lock files ``~$...`` and files in hidden folders).
QUIET_NAMES = ("readme", "readme.md", "readme.txt")
QUIET_SUFFIXES = (".meta.yaml", ".meta.yml")
_RESAVE_CSV = "open it in Excel and save it with File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'"
_RESAVE_XLSX = "open it in Excel and save it with File > Save As > 'Excel Workbook (*.xlsx)'"
#: Spreadsheet files the kit refuses with the advice to re-save them as .xlsx.
_EXCEL_OTHER = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers")
#: Encodings accepted from charset-normalizer when the file is neither UTF-8 nor cp1252-looking.
_LEGACY_OK = {"cp1252", "latin_1", "iso8859_15", "utf_16", "utf_16_le", "utf_16_be", "cp1250", "iso8859_2"}
#: CSV files at least this big, and without quotes, are split by pyarrow instead of the ``csv`` module.
PLAIN_CSV_MIN_BYTES = 1 << 20
#: Records taken from the CSV reader (or a worksheet) at a time before they are encoded column by column.
CHUNK_ROWS = 65_536


class ReadError(Exception):
    """A file cannot be read; the message says why and how to fix it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


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
        encoding: the text encoding a CSV file was read with (None for .xlsx).
    """

    source_file: str
    source_sheet: str
    columns: list[CellColumn] = field(default_factory=list)
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    encoding: str | None = None

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
        index: dict[tuple[type, object], int] = {}
        distinct: list[object] = []
        codes = np.empty(len(values), dtype=np.int32)
        for position, value in enumerate(values):
            key = _typed_key(value)
            code = index.get(key)
            if code is None:
                code = index[key] = len(distinct)
                distinct.append(value)
            codes[position] = code
        return codes, distinct
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # strings and None only
    distinct = list(uniques)
    codes = codes.astype(np.int32)
    missing = codes < 0
    if missing.any():
        codes[missing] = len(distinct)
        distinct.append(None)
    return codes, distinct


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
        ReadError: the bytes are not text (binary, a workbook renamed .csv, unknown encoding).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ReadError("starts like UTF-16 text but is damaged", _RESAVE_CSV) from None
    if data.startswith(b"PK\x03\x04"):
        raise ReadError("is an Excel workbook (.xlsx) with a .csv name", "rename it to end in .xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("is an old Excel workbook (.xls) with a .csv name", _RESAVE_CSV)
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
    raise ReadError("is not a text CSV file (it looks like binary data or an unknown encoding)", _RESAVE_CSV)


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
        ReadError: the file cannot be decoded or parsed.
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
        raise ReadError(f"is not a well-formed CSV file ({error})", _RESAVE_CSV) from None
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


def read_xlsx(path: Path, sheet_name: str | None = None) -> list[RawSheet]:
    """Read every sheet (or the named one) of a workbook; cells keep their Excel types.

    Raises:
        ReadError: the file is not a valid .xlsx workbook, or has no sheet of that name.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ReadError(
            f"is not a valid .xlsx workbook ({type(error).__name__}; it may be password-protected, damaged, "
            "or an old .xls renamed)",
            _RESAVE_XLSX,
        ) from None
    except Exception as error:  # openpyxl raises its own InvalidFileException and others
        raise ReadError(f"could not be opened as a workbook ({type(error).__name__})", _RESAVE_XLSX) from None
    try:
        names = workbook.sheetnames
        if sheet_name is not None and sheet_name not in names:
            raise ReadError(f"has no sheet named '{sheet_name}'", f"the sheets are: {', '.join(names)}")
        return [
            RawSheet.from_rows(display_name(path), name, workbook[name].iter_rows(values_only=True), typed=True)
            for name in (names if sheet_name is None else [sheet_name])
        ]
    finally:
        workbook.close()


def read_file(path: Path, sheet_name: str | None = None) -> list[RawSheet]:
    """Read one .csv or .xlsx file into its sheets.

    Raises:
        ReadError: unsupported file type, or the file cannot be read.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv(path)]
    if suffix == ".xlsx":
        return read_xlsx(path, sheet_name)
    if suffix in _EXCEL_OTHER:
        raise ReadError(f"is a '{suffix}' file, which the kit does not read", _RESAVE_XLSX)
    raise ReadError(f"is not a .csv or .xlsx file ('{suffix or 'no extension'}')", "give a .csv or .xlsx file")
