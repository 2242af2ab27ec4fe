"""Recognising personal data, by column header and by value, so it is dropped at ingest.

Two ways in:

- a header that names personal data (``pii_header_patterns.csv``: name,
  mobile, e-mail, Aadhaar, PAN, address, bank, नाम, मोबाइल, पता, आधार ...):
  the whole column is dropped;
- a value that *looks like* personal data (a 12-digit Aadhaar number, a
  10-digit Indian mobile number, an e-mail address, a PAN like ABCDE1234F, an
  IFSC code) inside a kept free-text column (craft, districts, ...): that part
  of the value is removed and the row is kept (or rejected, if nothing is left
  of a required value). A column outside the schema is dropped in any case; its
  values are only scanned to give the right reason.

The value patterns are formats, not reference data, so they live here. What
does not belong here: deciding which columns are kept (``headers``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

import pandas as pd

from helpers import paths
from helpers.districts import _words, fold_devanagari

PATTERNS_FILE = "pii_header_patterns.csv"
#: What replaces personal data removed from a kept value.
REDACTED = "[removed]"

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")

#: (kind, pattern) of values that are personal data, most specific first.
VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("Aadhaar number", re.compile(r"(?<![\d])[2-9]\d{3}[ -]?\d{4}[ -]?\d{4}(?![\d])")),
    ("mobile number", re.compile(r"(?<![\d+])(?:\+?91[ -]?|0)?[6-9]\d{4}[ -]?\d{5}(?![\d])")),
    ("PAN", re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{3}[PCHFATBLJGpchfatbljg][A-Za-z]\d{4}[A-Za-z](?![A-Za-z0-9])")),
    ("IFSC code", re.compile(r"(?<![A-Z0-9])[A-Z]{4}0[A-Z0-9]{6}(?![A-Z0-9])")),
)


def _header_words(header: str) -> str:
    return " " + " ".join(_words(fold_devanagari(str(header).casefold()))) + " "


@lru_cache(maxsize=1)
def header_patterns() -> tuple[tuple[str, str], ...]:
    """``(pattern, kind)`` pairs from the patterns file, patterns normalised like headers."""
    frame = pd.read_csv(paths.REFERENCE_DIR / PATTERNS_FILE, dtype=str)
    return tuple((_header_words(p).strip(), k) for p, k in zip(frame["pattern"], frame["kind"]))


def header_pii_kind(header: object) -> str | None:
    """The kind of personal data a header names ('mobile number' for 'Mobile No.'), or None.

    A pattern matches at the start of a word of the header: 'name' matches
    'Artisan Name' and 'NameOfSeller' but not 'Surname'... nor 'Rename'.
    """
    words = _header_words(header)
    for pattern, kind in header_patterns():
        if f" {pattern}" in words:
            return kind
    return None


def value_pii_kinds(value: object) -> list[str]:
    """The kinds of personal data found in a value (empty when none)."""
    text = str(value).translate(_DEVANAGARI_DIGITS)
    return [kind for kind, pattern in VALUE_PATTERNS if pattern.search(text)]


def redact(value: str) -> tuple[str, list[str]]:
    """Remove personal data from a value: ``('carpet [removed]', ['mobile number'])``.

    Returns the value unchanged and an empty list when it holds none.
    """
    text = str(value).translate(_DEVANAGARI_DIGITS)
    kinds: list[str] = []
    for kind, pattern in VALUE_PATTERNS:
        text, count = pattern.subn(REDACTED, text)
        if count:
            kinds.append(kind)
    return (text if kinds else value), kinds


def is_only_redacted(value: str) -> bool:
    """True when nothing but removed personal data and punctuation is left of a value."""
    return not _words(value.replace(REDACTED, " "))


def column_pii_kind(values: Iterable[object]) -> str | None:
    """The first kind of personal data found among a column's values, or None."""
    for value in values:
        if value is None or value == "":
            continue
        kinds = value_pii_kinds(value)
        if kinds:
            return kinds[0]
    return None
