"""Lines of a sheet that are not registrations: totals, notes and signatures, told by their shape.

A data row is such a line when most of the registration's fields are empty
(at most ``MAX_FILLED_FIELDS`` of the eight required fields besides the id are
filled) and one of these holds:

- the first text cell of the row starts with a marker of
  ``registration_junk_row_markers.csv`` (Total, कुल, Prepared by, हस्ताक्षर, Note...);
- the row holds only numbers (the sums of the columns above);
- the registration id is blank.

An id's first letters alone never decide: ``SUMERPUR/HMR/0001`` or ``Sum-77`` on
a row with its fields filled is a registration. Such lines are skipped and
counted (``junk_rows_skipped``), with a note; they are never shown whole (the
line may hold a name). What does not belong here: blank rows and title rows
(``sheets``), rejecting rows (``stages``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from helpers import paths
from helpers.ingest import parsing
from helpers.ingest.headers import REQUIRED_COLUMNS
from helpers.ingest.sheetframe import SheetFrame, codes, distinct, values
from helpers.reference.districts import key_words

JUNK_MARKERS_FILE = "registration_junk_row_markers.csv"
#: The fields of a registration besides its id whose filling tells a registration from a summary line.
SHAPE_FIELDS = tuple(c for c in REQUIRED_COLUMNS if c != "registration_id")
#: A line with more of ``SHAPE_FIELDS`` filled than this is a registration, whatever its first cell says.
MAX_FILLED_FIELDS = 3
#: The meaning given to a line of numbers only, and to a mostly empty line without an id.
NUMBERS_ONLY = "a line of numbers only (a total line)"
NO_ID = f"a line without a registration id and with at most {MAX_FILLED_FIELDS} of its fields filled"

_BLANK, _NUMBER, _TEXT = 0, 1, 2


@lru_cache(maxsize=1)
def junk_markers() -> tuple[tuple[str, str, str], ...]:
    """``(marker key, marker as written, meaning)`` of total/signature/note lines, longest first."""
    frame = pd.read_csv(paths.REFERENCE_DIR / JUNK_MARKERS_FILE, dtype=str)
    rows = [(_word_key(m), m, meaning) for m, meaning in zip(frame["marker"], frame["meaning"])]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def _word_key(text: str) -> str:
    """The words of a text, folded like ``text_key``, each followed by a space."""
    return "".join(f"{word} " for word in key_words(text))


def marker_index(cell: object) -> int:
    """Index in ``junk_markers()`` of the marker a text cell starts with, in whole words, or -1.

    ``Total: 200``, ``Sub-total`` and ``Prepared by: ...`` start with a marker;
    ``SUMERPUR/HMR/0001`` does not (``sum`` is not its first word).
    """
    if not isinstance(cell, str):
        return -1
    key = _word_key(cell)
    for index, (marker_key, _, _) in enumerate(junk_markers()):
        if marker_key and key.startswith(marker_key):
            return index
    return -1


def _cell_kind(value: object) -> int:
    """``_BLANK``, ``_NUMBER`` or ``_TEXT``."""
    if isinstance(value, bool):
        return _TEXT
    if isinstance(value, (int, float)):
        return _BLANK if value != value else _NUMBER
    text = parsing.clean_text(value)
    if text is None:
        return _BLANK
    try:
        parsing.parse_number(text)
    except parsing.ValueParseError:
        return _TEXT
    return _NUMBER


def _kinds(found: list[object]) -> np.ndarray:
    """The ``_cell_kind`` of each value."""
    return np.array([_cell_kind(v) for v in found], dtype=np.intp)


def find_junk_rows(sheet: SheetFrame, data: np.ndarray, raw: Mapping[str, pa.DictionaryArray]) -> tuple[np.ndarray, list[str]]:
    """The data rows that are totals, notes or signatures (see the module docstring).

    Args:
        data: the sheet's non-blank records below the header (record indices).
        raw: the raw cells of each standard column, for those records (dictionary-encoded).

    Returns:
        ``(positions among the data rows, meaning of each)``.
    """
    filled = np.zeros(len(data), dtype=np.intp)  # per row: how many of SHAPE_FIELDS are filled
    for column in SHAPE_FIELDS:
        filled += (_kinds(values(raw[column], sheet.is_typed)) != _BLANK)[codes(raw[column])]
    candidates = np.flatnonzero(filled <= MAX_FILLED_FIELDS)
    if not len(candidates):
        return candidates, []
    records = data[candidates]
    marker = np.full(len(records), -1, dtype=np.intp)  # per record: the marker_index of its first text cell (-1: none)
    has_text = np.zeros(len(records), dtype=bool)
    for position in range(sheet.width):  # cells in order: the first text cell decides
        todo = np.flatnonzero(~has_text)
        if not len(todo):
            break
        cells = distinct(sheet.column(position), records[todo])
        found = values(cells, sheet.is_typed)
        kinds = _kinds(found)
        marks = np.array([marker_index(v) if k == _TEXT else -1 for v, k in zip(found, kinds)], dtype=np.intp)
        row_codes = codes(cells)
        is_text = kinds[row_codes] == _TEXT
        marker[todo[is_text]] = marks[row_codes][is_text]
        has_text[todo[is_text]] = True
    ids = distinct(raw["registration_id"], candidates)  # distinct on nearly every row: the candidates' ids only
    id_blank = (_kinds(values(ids, sheet.is_typed)) == _BLANK)[codes(ids)]
    is_junk = (marker >= 0) | ~has_text | id_blank
    markers = junk_markers()
    meanings = [markers[m][2] if m >= 0 else (NUMBERS_ONLY if not text else NO_ID)
                for m, text in zip(marker[is_junk].tolist(), has_text[is_junk].tolist())]
    return candidates[is_junk], meanings
