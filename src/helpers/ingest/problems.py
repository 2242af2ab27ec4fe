"""The ``Problem`` record: one thing wrong (or worth knowing) about an input, as one line.

Everything the ingest finds — an unreadable file, a missing column, a bad
value, a value it changed — becomes a ``Problem``. What does not belong here:
finding the problems (``reading``, ``headers``, ``parsing``, ``pipeline``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

#: The row is rejected, or the file/sheet cannot be read.
ERROR = "error"
#: The row is kept, but a value was changed or interpreted (a town read as its district, personal data removed).
NOTE = "note"

_MAX_VALUE_CHARS = 60
#: Items of a list named in one line before the rest are counted ("a, b, c and 12 more").
MAX_LISTED = 10
#: Bidirectional controls (marks, embeddings, overrides, isolates): they reorder what a terminal or a
#: page shows (a right-to-left override turns ``exe.txt`` into ``txt.exe``) and are never part of a value.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: Control characters (NUL and the like) and bidirectional controls that are never shown nor stored;
#: whitespace ones become a space.
_CONTROL = re.compile(f"[\x00-\x08\x0e-\x1b\x7f-\x9f{BIDI_CONTROLS}]")


def without_controls(text: str) -> str:
    """``text`` without NUL, other control characters and bidirectional controls (tabs and line breaks are
    left to the caller)."""
    return _CONTROL.sub("", text)


def show_value(value: object) -> str:
    """A value as it is quoted in a problem line: personal data removed (``pii.redacted_text``),
    one line, no control characters, at most 60 characters."""
    from helpers.ingest.pii import redacted_text  # pii reads reference data; problems stays light

    text = redacted_text(" ".join(without_controls(str(value)).split()))
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def listed(items: Iterable[object], limit: int = MAX_LISTED, separator: str = ", ") -> str:
    """Items joined for one line, cut after ``limit`` with "and N more": ``'a, b, c and 12 more'``."""
    names = [str(item) for item in items]
    if len(names) <= limit:
        return separator.join(names)
    return f"{separator.join(names[:limit])} and {len(names) - limit} more"


@dataclass(frozen=True)
class Problem:
    """One problem with an input file, sheet, row or cell.

    Attributes:
        source_file: the file as shown to the user (relative to the project root when inside it).
        source_sheet: the sheet name ("" for a CSV file).
        source_row: the spreadsheet row number (1 = first line of the file), or None for a file/sheet problem.
        column: the standard column (or the header as written) the problem is in, or None.
        value: the offending value as written (personal data already removed), or None.
        problem: what is wrong, without the location.
        fix: how to fix it.
        severity: ``"error"`` (row rejected or file unusable) or ``"note"`` (row kept).
        rows: for a note about many rows with the same value, how many rows it covers.
    """

    source_file: str
    source_sheet: str
    source_row: int | None
    column: str | None
    value: str | None
    problem: str
    fix: str
    severity: str = ERROR
    rows: int = 1

    @property
    def is_file_level(self) -> bool:
        """True for a problem with a whole file or sheet (unreadable, column missing)."""
        return self.source_row is None and self.severity == ERROR

    def line(self) -> str:
        """The problem as one line: ``file, sheet S, row R, column C: value 'V': what is wrong; how to fix``."""
        where = [self.source_file]
        if self.source_sheet:
            where.append(f"sheet {self.source_sheet}")
        if self.source_row is not None:
            where.append(f"row {self.source_row}" + (f" (and {self.rows - 1} more)" if self.rows > 1 else ""))
        if self.column:
            where.append(f"column {self.column}")
        head = ", ".join(where)
        value = f"value '{show_value(self.value)}': " if self.value not in (None, "") else ""
        prefix = "note: " if self.severity == NOTE else ""
        fix = f"; {self.fix}" if self.fix else ""
        return without_controls(f"{prefix}{head}: {value}{self.problem}{fix}")
