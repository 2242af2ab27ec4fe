"""Finding the header row of a sheet and matching its headers to the standard columns.

Headers are compared by ``text_key`` (case, spaces, punctuation and Devanagari
spelling variants folded) with the synonyms of
``registration_header_synonyms.csv``. A header that is not a standard column
is dropped, with the reason: personal data (by header or by its values) or not
part of the schema. What does not belong here: reading cells (``reading``) or
parsing values (``parsing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

import pandas as pd

from helpers import fields, paths
from helpers.reference.districts import fold_devanagari, key_words, text_key
from helpers.ingest import pii

SYNONYMS_FILE = "registration_header_synonyms.csv"

#: Every standard column of a registration sheet, in order (the registry's required and optional fields).
INPUT_COLUMNS = fields.registration_fields(("required", "optional"))
#: Columns a sheet may leave out (null where a sheet lacks them).
OPTIONAL_COLUMNS = fields.registration_fields(("optional",))
#: Columns a sheet must have (docs/registration_schema.md).
REQUIRED_COLUMNS = tuple(c for c in INPUT_COLUMNS if c not in OPTIONAL_COLUMNS)
#: A header row names at least this many standard columns (else the sheet has no header row).
MIN_HEADER_COLUMNS = 2
#: Columns whose "<header> Name" means the column itself: "District Name" is the district,
#: "Craft Name" the craft, "GI Product Name" the GI product. Not the person-like columns
#: ("Woman Entrepreneur Name", "Artisan/Weaver Name" are a person's name: personal data).
NAMED_COLUMNS = ("home_district", "event_district", "craft", "gi_product")
#: The word "name" (English, romanised Hindi, Hindi) and the "of" that may go with it, folded like headers.
_NAME_WORDS = frozenset(fold_devanagari(w) for w in ("name", "names", "naam", "नाम"))
_OF_WORDS = frozenset(fold_devanagari(w) for w in ("of", "का", "की", "के"))
#: How many non-blank rows at the top of a sheet are searched for the header row.
HEADER_SEARCH_ROWS = 10


@lru_cache(maxsize=1)
def header_synonyms() -> dict[str, str]:
    """Header key -> standard column, from the synonyms file."""
    frame = pd.read_csv(paths.REFERENCE_DIR / SYNONYMS_FILE, dtype=str)
    unknown = sorted(set(frame["column"]) - set(INPUT_COLUMNS))
    if unknown:
        raise ValueError(f"{SYNONYMS_FILE}: unknown column(s) {unknown}; use one of {', '.join(INPUT_COLUMNS)}")
    return {text_key(h): c for h, c in zip(frame["header"], frame["column"])}


def column_of(header: str) -> str | None:
    """The standard column a header means, or None.

    A synonym from the synonyms file, or a ``NAMED_COLUMNS`` synonym with the
    word "name": "District Name", "Name of District", "जनपद का नाम" -> home_district,
    "Craft Name" -> craft, "GI Product Name" -> gi_product. "Seller Name",
    "Artisan Name", "Name" or "नाम" are none of these (personal data).
    """
    if not header:
        return None
    synonyms = header_synonyms()
    column = synonyms.get(text_key(header))
    if column is not None:
        return column
    words = key_words(header)
    if len(words) >= 2 and words[-1] in _NAME_WORDS:  # "District Name", "जनपद का नाम"
        rest = words[:-1]
        if len(rest) >= 2 and rest[-1] in _OF_WORDS:
            rest = rest[:-1]
    elif len(words) >= 3 and words[0] in _NAME_WORDS and words[1] in _OF_WORDS:  # "Name of District"
        rest = words[2:]
    else:
        return None
    column = synonyms.get("".join(rest))
    return column if column in NAMED_COLUMNS else None


def named_columns(cells: Iterable[object]) -> set[str]:
    """The standard columns a row of cells names (as a header row would)."""
    return {c for c in (column_of(header_text(cell)) for cell in cells) if c is not None}


def synonyms_of(column: str) -> list[str]:
    """The headers accepted for a column, as written in the synonyms file."""
    frame = pd.read_csv(paths.REFERENCE_DIR / SYNONYMS_FILE, dtype=str)
    return list(frame.loc[frame["column"] == column, "header"])


def header_text(cell: object) -> str:
    """A header cell as text ('' for an empty cell)."""
    return "" if cell is None else " ".join(str(cell).split())


@dataclass
class HeaderMap:
    """How the columns of a sheet map to the standard columns.

    Attributes:
        header_row: the spreadsheet row number of the header row.
        columns: standard column -> cell position.
        dropped: ``(position, header, reason)`` of every column not kept.
        duplicates: ``(column, first header, second header)`` where two headers mean one column.
    """

    header_row: int
    columns: dict[str, int] = field(default_factory=dict)
    dropped: list[tuple[int, str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)


def find_header_row(rows: list[list[object]]) -> int | None:
    """Index (into ``rows``: the cells of a sheet's first non-blank rows) of the header row: the first of those
    naming most standard columns.

    A title line above the header ("DIC Agra: GeM registrations") is skipped
    this way. Returns the first row when none names two or more columns, and
    None when there is no row.
    """
    counts = [len(named_columns(cells)) for cells in rows]
    if not counts:
        return None
    best = counts.index(max(counts))
    return best if counts[best] > 1 else 0


def map_headers(header_row: int, cells: list[object], column_values: Callable[[int], Iterable[object]]) -> HeaderMap:
    """Map the header cells to standard columns; decide why each other column is dropped.

    Args:
        header_row: spreadsheet row number of the header.
        cells: the header cells.
        column_values: the values of a column (by cell position) in the data rows below the
            header, in row order; each distinct value once is enough (to scan unknown
            columns for personal data).
    """
    result = HeaderMap(header_row)
    for position, cell in enumerate(cells):
        header = header_text(cell)
        column = column_of(header)
        if column is not None:
            if column in result.columns:
                first = header_text(cells[result.columns[column]])
                result.duplicates.append((column, first, header))
            else:
                result.columns[column] = position
            continue
        values = list(column_values(position))
        has_values = any(v is not None and str(v).strip() for v in values)
        if not header and not has_values:
            continue  # an empty column, e.g. Excel's formatted-but-blank cells
        kind = pii.header_pii_kind(header) if header else None
        if kind:
            reason = f"personal data ({kind}) by its header"
        elif (kind := pii.column_pii_kind(values)) is not None:
            reason = f"personal data ({kind}) in its values"
        elif not header:
            reason = "no header"
        else:
            reason = "not a column of the registration schema"
        result.dropped.append((position, header or f"column {position + 1}", reason))
    return result
