"""Reading a CSV file into a ``SheetFrame`` (every cell a string).

Decodes the bytes (UTF-8, UTF-8/UTF-16 with BOM, the legacy code page Excel
writes, charset-normalizer's guess among a few legacy encodings), finds the
delimiter (comma, semicolon or tab), and splits the records: a big file
without quotes by pyarrow's CSV reader (``_plain_columns``), anything else by
Python's ``csv`` module; both give the cells the ``csv`` module gives. Control
characters are removed from the cells (``clean_columns``).

Belongs here: CSV text. Not here: workbooks (``workbooks``), the checks made
before and after reading (``limits``, ``reading.read_file``), the ``SheetFrame``
itself (``sheetframe``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from charset_normalizer import from_bytes

from helpers.errors import SheetReadError
from helpers.ingest.limits import RESAVE_CSV as _RESAVE_CSV
from helpers.ingest.sheetframe import SheetFrame, columns_of, display_name, without_controls

#: Encodings accepted from charset-normalizer when the file is neither UTF-8 nor cp1252-looking.
_LEGACY_OK = {"cp1252", "latin_1", "iso8859_15", "utf_16", "utf_16_le", "utf_16_be", "cp1250", "iso8859_2"}
#: CSV files at least this big, and without quotes, are split by pyarrow instead of the ``csv`` module.
PLAIN_CSV_MIN_BYTES = 1 << 20
#: The first line (as ``str.splitlines`` cuts them) that is not blank: from a line's start, any spaces, then
#: something else, to the line's end.
_LINE_BREAKS = r"\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"
_FILLED_LINE = re.compile(rf"(?<![^{_LINE_BREAKS}])[^\S{_LINE_BREAKS}]*\S[^{_LINE_BREAKS}]*")


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
            raise SheetReadError("starts like UTF-16 text but is damaged", _RESAVE_CSV) from None
    if data.startswith(b"PK\x03\x04"):
        raise SheetReadError("is an Excel workbook (.xlsx) with a .csv name", "rename it to end in .xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetReadError("is an old Excel workbook (.xls) with a .csv name", "rename it to end in .xls")
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
    raise SheetReadError("is not a text CSV file (it looks like binary data or an unknown encoding)", _RESAVE_CSV)


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the first non-blank line: comma, semicolon or tab, whichever is most common."""
    filled = _FILLED_LINE.search(text)  # as ``next(line for line in text.splitlines() if line.strip())``, unsplit
    first = filled.group() if filled else ""
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path) -> SheetFrame:
    """Read a CSV file into one ``SheetFrame`` (every cell a string).

    A big file without quotes is split by pyarrow (``_plain_columns``), anything
    else by Python's ``csv`` module; both give the same cells. Either reads the
    text as UTF-8 bytes, not as one Python string; pyarrow reads a UTF-8 file
    without BOM from the file itself, once its bytes are checked and let go.

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
        except UnicodeEncodeError:  # a lone surrogate from a legacy decoder: not text
            raise SheetReadError("is not a text CSV file (it looks like binary data or an unknown encoding)", _RESAVE_CSV) from None
    is_the_file = payload is data
    del decoded, text, data
    columns = None
    if plain and is_the_file:
        del payload  # pyarrow reads the file itself: its bytes are not held twice
        columns = _plain_columns(path, delimiter)
        payload = path.read_bytes() if columns is None else b""
    elif plain:
        columns = _plain_columns(payload, delimiter)
    if columns is None:
        try:
            columns = columns_of(csv.reader(io.TextIOWrapper(io.BytesIO(payload), encoding="utf-8", newline=""),
                                            delimiter=delimiter))
        except csv.Error as error:
            raise SheetReadError(f"is not a well-formed CSV file ({error})", _RESAVE_CSV) from None
    return SheetFrame.of_columns(display_name(path), "", columns, encoding=encoding)


def _is_plain(text: str) -> bool:
    """True for CSV text that the ``csv`` module reads as plain lines split at the delimiter.

    No quote character, no NUL, and every carriage return part of a CRLF line end.
    """
    return '"' not in text and "\0" not in text and ("\r" not in text or text.count("\r") == text.count("\r\n"))


def _plain_columns(source: Path | bytes, delimiter: str) -> list[pa.Array] | None:
    """The columns of plain CSV text (``_is_plain``: UTF-8 bytes, or a file of them) split by pyarrow; None if it cannot.

    What ``csv.reader`` makes of such text: one record per line (LF or CRLF),
    no cell for an empty line, the line split at every delimiter otherwise.
    pyarrow reads the lines of the usual number of fields; the others (which
    its reader reports with their line numbers) are split here, and an empty
    line (read by pyarrow as empty cells) is made a record of no cells.
    """
    if isinstance(source, bytes):
        head = source[: 1 << 16]
    else:
        with source.open("rb") as handle:
            head = handle.read(1 << 16)
    lines = head.split(b"\n")[:-1] or [head]  # the usual width: the most common number of fields among the first lines
    widths = Counter(line.count(delimiter.encode()) + 1 for line in lines if line.rstrip(b"\r")).most_common(1)
    if head[:3] == codecs.BOM_UTF8 or not widths:
        return None  # pyarrow would skip a BOM; the csv module keeps it in the first cell
    try:
        table, odd = _pyarrow_table(source, delimiter, widths[0][0])
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    columns = [column.combine_chunks() for column in table.unify_dictionaries().columns]
    odd_cells = [line.split(delimiter) for _, line in odd]
    longest = max([0, *(pc.max(pc.utf8_length(column.dictionary)).as_py() or 0 for column in columns),
                   *(len(cell) for cells in odd_cells for cell in cells)])
    if longest > csv.field_size_limit() or any(number is None for number, _ in odd):
        return None  # let the csv module report the field that is too long
    empty = _empty_lines(source, columns, table.num_rows + len(odd))
    if not odd and not len(empty):
        return columns
    return _with_other_lines([column.dictionary_decode() for column in columns], [n for n, _ in odd], odd_cells, empty)


def _pyarrow_table(source: Path | bytes, delimiter: str, width: int) -> tuple[pa.Table, list[tuple[int | None, str]]]:
    """The lines of ``width`` fields (and the empty ones) as a table of dictionary-encoded text; the other lines,
    as ``(index, text)``. Read on one thread: only then does pyarrow number the other lines (and as fast here)."""
    odd: list[tuple[int | None, str]] = []

    def other_width(row: pa_csv.InvalidRow) -> str:
        odd.append((None if row.number is None else row.number - 1, row.text))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    text = pa.dictionary(pa.int32(), pa.string())  # each column read dictionary-encoded
    with pa.BufferReader(pa.py_buffer(source)) if isinstance(source, bytes) else pa.OSFile(str(source)) as stream:
        table = pa_csv.read_csv(
            stream,
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),  # 1 MiB blocks: a longer line fails
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=False, double_quote=False, escape_char=False,
                                              newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=other_width),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, text), strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False, null_values=[], check_utf8=False),
        )
    return table, odd


def _empty_lines(source: Path | bytes, columns: list[pa.DictionaryArray], count: int) -> np.ndarray:
    """The indices of the empty lines among the ``count`` lines of plain CSV bytes (or a file of them).

    pyarrow reads an empty line as a row of empty cells: the lines are looked at only when such a row is there.
    """
    empty_codes = [pc.index(column.dictionary, "").as_py() for column in columns]
    if -1 in empty_codes or not np.logical_and.reduce(
            [pc.equal(column.indices, code).to_numpy(zero_copy_only=False) for column, code in zip(columns, empty_codes)]).any():
        return np.zeros(0, dtype=np.int64)
    payload = source if isinstance(source, bytes) else source.read_bytes()
    whole = pa.LargeStringArray.from_buffers(1, pa.py_buffer(np.array([0, len(payload)], dtype=np.int64)), pa.py_buffer(payload))
    lines = pc.list_flatten(pc.split_pattern(whole, "\n"))[:count]
    return np.flatnonzero(pc.less_equal(pc.utf8_length(pc.utf8_rtrim(lines, characters="\r")), 0).to_numpy(zero_copy_only=False))


def _with_other_lines(read: list[pa.Array], odd_lines: list[int], odd_cells: list[list[str]], empty: np.ndarray) -> list[pa.Array]:
    """The columns pyarrow read with the lines it did not read put back in their places (empty lines: no cells)."""
    read_count = len(read[0])
    count = read_count + len(odd_lines)
    in_table = np.ones(count, dtype=bool)
    in_table[odd_lines] = False
    source = np.empty(count, dtype=np.int64)  # per line: its cells' position in table rows + odd lines + one null
    source[in_table] = np.arange(read_count)
    source[odd_lines] = read_count + np.arange(len(odd_lines))
    source[empty] = count
    order = pa.array(source)
    columns = []
    for position in range(max([len(read), *map(len, odd_cells)])):
        column = read[position] if position < len(read) else pa.nulls(read_count, pa.string())
        others = pa.array([cells[position] if position < len(cells) else None for cells in odd_cells], type=pa.string())
        columns.append(pa.concat_arrays([column, others, pa.nulls(1, pa.string())]).take(order))
    return columns


def clean_columns(sheet: SheetFrame) -> SheetFrame:
    """Remove control characters from the text cells of a CSV sheet (from each distinct value that has any)."""
    columns = [without_controls(sheet.column(position)) for position in range(sheet.width)]
    sheet.table = pa.table(dict(zip(sheet.table.column_names, columns))) if columns else sheet.table
    return sheet
