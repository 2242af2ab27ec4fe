"""A sheet as the ingest holds it: a pyarrow table of text cells, and each column's distinct values.

``SheetFrame`` is what reading a file gives (``reading.read_file``): its records
(rows as the CSV reader or Excel gives them, numbered from 1, blank ones
included) are the rows of a pyarrow table of strings, one column per cell
position (``c0``, ``c1``...), each column dictionary-encoded (distinct values in
order of first appearance, null one of them); a cell past the end of a record
is null. The stages work on each column's distinct values: ``distinct`` gives
the dictionary-encoded cells of some rows, a stage works on the dictionary and
maps its results back to the rows through the indices.

A workbook's cells that are not text (numbers, yes/no, dates, times) stay in
the same text columns, tagged: ``TAG`` (NUL, removed from every text cell, so
never the start of one), a letter for the type, the value (``typed_text``);
``cell_value`` gives the Python value back, so ``1``, ``1.0``, ``True`` and
``"1"`` stay four distinct cells.

Belongs here: ``SheetFrame``, building its columns from records of cells,
the tags of typed cells, a column's distinct values, control characters,
pausing the garbage collector while millions of cells are made, pyarrow's
memory pool (``use_system_memory_pool``, ``release_unused_memory``), and the name
a file is shown by (personal data in it masked). Not here: reading CSV text
(``csv_reading``) or workbooks (``workbooks``), the limits (``limits``), what
the columns mean (``headers``, ``stages``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers import paths

#: Text and other control characters, and bidirectional controls (right-to-left override, isolates,
#: marks), removed from text cells (tab, line feed and carriage return are kept).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The same characters for pyarrow (RE2).
CONTROL_CHARACTERS_RE2 = (r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{61c}\x{200e}\x{200f}\x{202a}-\x{202e}"
                          r"\x{2066}-\x{2069}]")
#: Records turned into columns at a time (a big sheet never exists as one list of Python rows).
CHUNK_ROWS = 65_536
#: The start of a typed cell's text, then one of ``_TYPES``' letters.
TAG = "\x00"
#: Each type a cell may have: its letter, how its value is written after the letter and how it is read back.
#: Looked up in order: a bool is an int too, a datetime a date (a float first: the most frequent).
_TYPES: tuple[tuple[type, str, Callable[[object], str], Callable[[str], object]], ...] = (
    (float, "f", repr, float),
    (bool, "b", lambda value: str(int(value)), lambda text: text == "1"),
    (int, "i", format, int),
    (dt.datetime, "d", lambda value: value.isoformat(), dt.datetime.fromisoformat),
    (dt.date, "a", lambda value: value.isoformat(), dt.date.fromisoformat),
    (dt.time, "t", lambda value: value.isoformat(), dt.time.fromisoformat),
    (dt.timedelta, "D", lambda value: str(value // dt.timedelta(microseconds=1)),
     lambda text: dt.timedelta(microseconds=int(text))),
)
_DECODERS = {letter: read for _, letter, _, read in _TYPES}


def typed_text(value: object) -> str | None:
    """A cell as it is stored in a text column: text as it is, None as null, any other value tagged."""
    if value is None or type(value) is str:
        return value  # type: ignore[return-value]
    for kind, letter, write, _ in _TYPES:
        if isinstance(value, kind):
            return f"{TAG}{letter}{write(value)}"
    return str(value)


def cell_value(text: str | None) -> object:
    """A stored cell as the stages read it: a tagged cell (``typed_text``) as its Python value."""
    if text is None or not text.startswith(TAG):
        return text
    return _DECODERS[text[1]](text[2:])


@dataclass
class SheetFrame:
    """One sheet of one file: its records as the rows of a table of text cells.

    Attributes:
        source_file: the file as shown to the user.
        source_sheet: the sheet name ("" for a CSV file).
        table: one dictionary-encoded string column per cell position, one row per record; null past a record's end.
        encoding: the text encoding a CSV file was read with (None for a workbook).
        is_hidden: the sheet is hidden or "very hidden" in its workbook; its records are read all the same.
        is_typed: cells may be tagged (``typed_text``): a workbook's.
    """

    source_file: str
    source_sheet: str
    table: pa.Table = field(default_factory=lambda: pa.table({}))
    encoding: str | None = None
    is_hidden: bool = False
    is_typed: bool = False

    @classmethod
    def of_columns(cls, source_file: str, source_sheet: str, columns: Sequence[pa.Array], **options: object) -> SheetFrame:
        """A sheet from its columns of text cells (all of one length; dictionary-encoded here if they are not)."""
        table = pa.table({f"c{position}": encoded(column) for position, column in enumerate(columns)})
        return cls(source_file, source_sheet, table, **options)  # type: ignore[arg-type]

    def drop_cells(self) -> None:
        """Let the cells go once the sheet's rows have been through the stages (its names and flags stay)."""
        self.table = pa.table({})

    @property
    def records(self) -> int:
        """How many records (rows, blank ones included) the sheet has."""
        return self.table.num_rows

    @property
    def width(self) -> int:
        """How many cell positions the widest record has."""
        return self.table.num_columns

    def column(self, position: int) -> pa.DictionaryArray:
        """The cells at one position, one per record (dictionary-encoded)."""
        column = self.table.column(position)
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()

    def cells(self, index: int) -> list[object]:
        """The cells of record ``index`` (0-based), as the CSV reader or Excel gave them."""
        cells = [column[index].as_py() for column in self.table.columns]
        if not self.is_typed:  # a CSV record ends at its last cell
            while cells and cells[-1] is None:
                cells.pop()
        return [cell_value(cell) for cell in cells] if self.is_typed else cells

    @property
    def rows(self) -> list[tuple[int, list[object]]]:
        """``(row_number, cells)`` of every record (builds Python lists: for small sheets and tests)."""
        return [(index + 1, self.cells(index)) for index in range(self.records)]


def columns_of(records: Iterable[Sequence[object]]) -> list[pa.DictionaryArray]:
    """Records of cells (text, None or typed values) as dictionary-encoded text columns, made chunk by chunk; short
    records padded with null (records without any cell: one column of nulls)."""
    chunks: list[tuple[int, list[pa.DictionaryArray]]] = []
    with gc_paused():
        iterator = iter(records)
        while chunk := list(itertools.islice(iterator, CHUNK_ROWS)):
            width = max(map(len, chunk))
            padded = [r if len(r) == width else [*r, *[None] * (width - len(r))] for r in chunk]
            chunks.append((len(chunk), [pc.dictionary_encode(text_array(cells)) for cells in zip(*padded)]))
    width = max((len(arrays) for _, arrays in chunks), default=0)
    if not width and chunks:  # records without a cell (empty lines): one column of nulls keeps them counted
        return [encoded(pa.nulls(sum(count for count, _ in chunks), pa.string()))]
    return [_joined([arrays[position] if position < len(arrays) else pc.dictionary_encode(pa.nulls(count, pa.string()))
                     for count, arrays in chunks]) for position in range(width)]


def _joined(parts: list[pa.DictionaryArray]) -> pa.DictionaryArray:
    """Chunks of one column (nulls as null indices) as one column, null one of its values in order of first appearance
    (arrow unifies dictionaries without nulls only)."""
    column = pa.chunked_array(parts).unify_dictionaries().combine_chunks()
    if not column.null_count:
        return column
    held = pc.dictionary_encode(column.indices, null_encoding="encode")
    return pa.DictionaryArray.from_arrays(held.indices, column.dictionary.take(held.dictionary))


def text_array(cells: Sequence[object]) -> pa.Array:
    """Cells as a string array: text as it is, None as null, other values tagged (``typed_text``, once per value
    and type: a column of dates holds a few hundred; a float every time, as ``0.0 == -0.0``)."""
    try:
        return pa.array(cells, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        memo: dict[tuple[type, object], str | None] = {}
        return pa.array([cell if cell is None or cell.__class__ is str else typed_text(cell) if cell.__class__ is float
                         else memo[key] if (key := (cell.__class__, cell)) in memo else memo.setdefault(key, typed_text(cell))
                         for cell in cells], type=pa.string())


def use_system_memory_pool() -> None:
    """Make pyarrow allocate with the system's allocator (malloc), not its default mimalloc.

    The ingest's arrays are big and short-lived: mimalloc keeps fragments of the freed ones (a 1,000,000-row sheet
    peaked about 90 MiB higher with it), malloc gives them back, the more so after ``release_unused_memory``.
    """
    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())


def release_unused_memory() -> None:
    """Hand the memory pyarrow's pool keeps for reuse back to the system (after reading a file, after a sheet's
    stages; with the system pool, what malloc keeps too): without it, the memory of one big step stays counted
    while the next one allocates more."""
    pa.default_memory_pool().release_unused()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while millions of cells are made (each made object would count towards a
    collection that walks them all again, for nothing: cells hold no cycles)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def encoded(column: pa.Array) -> pa.DictionaryArray:
    """A column dictionary-encoded (distinct values in order of first appearance, null one of them)."""
    return column if isinstance(column, pa.DictionaryArray) else pc.dictionary_encode(column, null_encoding="encode")


def distinct(column: pa.DictionaryArray, rows: np.ndarray) -> pa.DictionaryArray:
    """The cells of ``column`` in ``rows``, with only the distinct values those rows hold, in order of first
    appearance among them (the indices are encoded again, not the values)."""
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1:  # one run of records (the rows below a header)
        before = pc.max(column.indices[: int(rows[0])]).as_py() if rows[0] else -1
        held = column.indices[int(rows[0]): int(rows[-1]) + 1]
        low, high = pc.min_max(held).values()
        if low.as_py() == before + 1:  # they hold codes before+1..high, all first seen in them, in order: no hashing
            return pa.DictionaryArray.from_arrays(pc.subtract(held, pa.scalar(low.as_py(), pa.int32())),
                                                  column.dictionary.slice(low.as_py(), high.as_py() - low.as_py() + 1))
    held = pc.dictionary_encode(column.indices.take(pa.array(rows, type=pa.int64())))
    used = held.dictionary.to_numpy(zero_copy_only=False)
    if len(used) and used[-1] - used[0] == len(used) - 1 and (np.diff(used) == 1).all():  # a run of values, in order
        return pa.DictionaryArray.from_arrays(held.indices, column.dictionary.slice(int(used[0]), len(used)))  # no copy
    return pa.DictionaryArray.from_arrays(held.indices, column.dictionary.take(held.dictionary))


def revalued(column: pa.DictionaryArray, positions: np.ndarray | Sequence[int], new: Sequence[object]) -> pa.DictionaryArray:
    """The column with the distinct values at ``positions`` replaced by ``new``; values now equal are merged."""
    if not len(positions):
        return column
    merged = pc.dictionary_encode(replaced(column.dictionary, np.asarray(positions, dtype=np.int64), new), null_encoding="encode")
    return pa.DictionaryArray.from_arrays(merged.indices.take(column.indices), merged.dictionary)


def codes(column: pa.DictionaryArray) -> np.ndarray:
    """Per row, the index of its distinct value."""
    return column.indices.to_numpy(zero_copy_only=False)


def values(column: pa.DictionaryArray, typed: bool = False) -> list[object]:
    """The distinct values as Python values (tagged cells decoded when ``typed``)."""
    found = column.dictionary.to_pylist()
    return [cell_value(value) for value in found] if typed else found


def with_values(column: pa.DictionaryArray, new: Sequence[object] | pa.Array, type: pa.DataType | None = None) -> pa.DictionaryArray:
    """The same rows with their distinct values replaced one for one."""
    dictionary = new if isinstance(new, pa.Array) else pa.array(new, type=type)
    return pa.DictionaryArray.from_arrays(column.indices, dictionary)


def constant(count: int, value: object, type: pa.DataType = pa.string()) -> pa.DictionaryArray:
    """``count`` rows holding one value."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(count, dtype=np.int32)), pa.array([value], type=type))


def replaced(array: pa.Array, positions: np.ndarray, new: Sequence[object]) -> pa.Array:
    """``array`` with the values at ``positions`` replaced by ``new`` (the rest stays in arrow)."""
    if not len(positions):
        return array
    order = np.arange(len(array), dtype=np.int64)
    order[positions] = len(array) + np.arange(len(positions))
    return pa.concat_arrays([array, pa.array(new, type=array.type)]).take(pa.array(order))


def matching(texts: pa.Array, pattern_re2: str) -> np.ndarray:
    """Per value of a string array: does ``pattern_re2`` (RE2) match somewhere in it (False for null)?"""
    return pc.match_substring_regex(texts, pattern_re2).fill_null(False).to_numpy(zero_copy_only=False)


def plain_tokens(texts: pa.Array) -> np.ndarray:
    """Per value: is it a plain token (printable ASCII without spaces, not empty: never blank, never tagged), which
    no cleaning changes except for its case? (Arrow's string kernels: twice as fast as a regular expression.)"""
    plain = pc.and_(pc.ascii_is_printable(texts), pc.invert(pc.match_substring(texts, " ")))
    return pc.and_(plain, pc.greater(pc.binary_length(texts), 0)).fill_null(False).to_numpy(zero_copy_only=False)


def clean_text(text: str) -> str:
    """``text`` without NUL and the other control characters (tab, line feed, carriage return kept)."""
    return CONTROL_CHARACTERS.sub("", text)


def without_controls(column: pa.DictionaryArray) -> pa.DictionaryArray:
    """A text column without control characters (``clean_text`` on each distinct value that has any)."""
    found = np.flatnonzero(matching(column.dictionary, CONTROL_CHARACTERS_RE2))
    texts = column.dictionary.take(pa.array(found, type=pa.int64())).to_pylist()
    return revalued(column, found, [clean_text(text) for text in texts])


def display_name(path: Path) -> str:
    """The file's path relative to the project root when inside it, else as given; personal data in the
    names of the file and its folders masked (``pii.redact_name``: ``forwarded from +91 xxxxx xxxxx.csv``)."""
    from helpers.ingest.pii import redact_name  # pii reads reference data; sheetframe stays light

    resolved = Path(path).resolve()
    try:
        shown = resolved.relative_to(paths.ROOT).as_posix()
    except ValueError:
        shown = Path(path).as_posix()
    return redact_name(shown)
