"""Reading a CSV file into a ``RawSheet`` (every cell a string).

Decodes the bytes (UTF-8, UTF-8/UTF-16 with BOM, the legacy code page Excel
writes, charset-normalizer's guess among a few legacy encodings), finds the
delimiter (comma, semicolon or tab), and splits the records: a big file
without quotes by pyarrow (the fast path), anything else by Python's ``csv``
module; both give the same cells. Control characters are removed from the cells.

Belongs here: CSV text. Not here: workbooks (``workbooks``), the checks made
before and after reading (``limits``, ``reading.read_file``), the ``RawSheet``
itself (``rawsheet``).
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np
from charset_normalizer import from_bytes

from helpers.ingest.limits import RESAVE_CSV as _RESAVE_CSV
from helpers.ingest.limits import refusal
from helpers.ingest.rawsheet import (
    CONTROL_CHARACTERS,
    CellColumn,
    RawSheet,
    clean_value,
    display_name,
    encode_strings,
    factorize,
    merged_column,
    object_array,
    release_freed_memory,
)

#: Encodings accepted from charset-normalizer when the file is neither UTF-8 nor cp1252-looking.
_LEGACY_OK = {"cp1252", "latin_1", "iso8859_15", "utf_16", "utf_16_le", "utf_16_be", "cp1250", "iso8859_2"}
#: CSV files at least this big, and without quotes, are split by pyarrow instead of the ``csv`` module.
PLAIN_CSV_MIN_BYTES = 1 << 20


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
    table, skipped = _pyarrow_table(payload, delimiter, width)
    table_rows = np.flatnonzero(in_table)
    odd_rows = np.flatnonzero(~in_table)
    if table.num_rows != len(table_rows) or skipped != len(odd_rows):
        return None
    odd_cells = [bytes(payload[starts[i]:stops[i] - has_cr[i]]).decode("utf-8").split(delimiter) for i in odd_rows]
    return [table, in_table, odd_cells, counts.astype(np.int32)]



def _pyarrow_table(payload: memoryview, delimiter: str, width: int) -> tuple[object, int]:
    """The lines of ``width`` fields (and the empty ones) as a pyarrow table of text; how many lines it skipped."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

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
        memory_pool=pa.system_memory_pool(),  # gives memory back to the system when freed
    )
    return table, skipped


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
            codes[table_rows], values = encode_strings(column)
            del column
        else:
            values = [None]
        if odd_cells:
            codes[odd_rows] = np.arange(len(values), len(values) + len(odd_cells), dtype=np.int32)
            values.extend(cells[position] if position < len(cells) else None for cells in odd_cells)
            merged, values = factorize(object_array(values), typed=False)
            codes = merged[codes]
        columns.append(CellColumn(codes, values))
    return columns, lengths


def clean_columns(sheet: RawSheet) -> RawSheet:
    """Remove control characters from the text cells of a CSV sheet (only where there are any)."""
    for position, column in enumerate(sheet.columns):
        texts = [value for value in column.values if isinstance(value, str)]
        if CONTROL_CHARACTERS.search("".join(texts)):
            sheet.columns[position] = merged_column(column.codes, [clean_value(value) for value in column.values])
    return sheet
