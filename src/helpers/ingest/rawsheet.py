"""A sheet as the ingest holds it: numbered records of raw cells, stored column by column.

``RawSheet`` is what reading a file gives (``reading.read_file``): its records
(rows as the CSV reader or Excel sees them, numbered from 1, blank ones
included), stored column by column and dictionary-encoded (``CellColumn``), so
that a million-row sheet of a few hundred distinct districts, crafts and dates
costs a few integer arrays, not a Python list per row.

Belongs here: the two classes, the encoding of cells into them (pyarrow for
text, pandas for typed cells), removing control characters from text cells,
and the name a file is shown by (personal data in it masked). Not here: reading CSV text (``csv_reading``)
or workbooks (``workbooks``), the limits (``limits``), what the columns mean
(``headers``, ``stages``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from helpers import paths

#: Text and other control characters, and bidirectional controls (right-to-left override, isolates,
#: marks), removed from text cells (tab, line feed and carriage return are kept).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Records taken from the CSV reader (or a worksheet) at a time before they are encoded column by column.
CHUNK_ROWS = 65_536


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


def factorize(values: np.ndarray, typed: bool) -> tuple[np.ndarray, list[object]]:
    """``(codes, distinct values)`` of an object array, in order of first appearance."""
    if typed:
        return factorize_typed(values)
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


def factorize_typed(values: np.ndarray) -> tuple[np.ndarray, list[object]]:
    """Like ``factorize``, but cells are equal only if of the same type: ``1``, ``1.0``, ``True`` and ``-0.0`` stay apart.

    pandas' hash table merges values that compare equal (``1 == 1.0 == True``,
    ``0.0 == -0.0``); its codes are split again by each cell's type and, for
    floats, the sign of a zero. The distinct values come out in order of first appearance.
    """
    count = len(values)
    if not count:
        return np.zeros(0, dtype=np.int32), []
    texts = _as_strings(values)
    if texts is not None:  # text and empty cells only (most columns): pyarrow encodes them fastest
        return _in_order_of_appearance(*encode_strings(texts))
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
        return object_array(list(cells))

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
                codes, values = encode_strings(texts)
            else:
                cells = np.concatenate([
                    (part.to_numpy(zero_copy_only=False) if isinstance(part, pa.Array)
                     else part if part is not None else np.full(count, None, dtype=object))
                    for part, count in zip(parts, counts)
                ])
                del parts
                codes, values = factorize(cells, self.typed)
            columns.append(CellColumn(codes, values))
        lengths = np.concatenate(self.lengths) if self.lengths else np.zeros(0, dtype=np.int32)
        return columns, lengths


def encode_strings(texts: object) -> tuple[np.ndarray, list[object]]:
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


def object_array(values: list[object]) -> np.ndarray:
    """``values`` as a one-dimensional object array (a list inside stays one cell)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def clean_text(text: str) -> str:
    """``text`` without NUL and the other control characters (tab, line feed, carriage return kept)."""
    return CONTROL_CHARACTERS.sub("", text)


def clean_value(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def merged_column(codes: np.ndarray, values: list[object]) -> CellColumn:
    """A column of ``codes`` into ``values`` where some values may now be equal: those are merged."""
    mapping, distinct = factorize_typed(object_array(values))
    if len(distinct) == len(values):
        return CellColumn(codes, values)
    return CellColumn(mapping[codes], distinct)


def display_name(path: Path) -> str:
    """The file's path relative to the project root when inside it, else as given; personal data in the
    names of the file and its folders masked (``pii.redact_name``: ``forwarded from +91 xxxxx xxxxx.csv``)."""
    from helpers.ingest.pii import redact_name  # pii reads reference data; rawsheet stays light

    resolved = Path(path).resolve()
    try:
        shown = resolved.relative_to(paths.ROOT).as_posix()
    except ValueError:
        shown = Path(path).as_posix()
    return redact_name(shown)
