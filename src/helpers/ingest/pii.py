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
  values are only scanned to give the right reason;
- an id (registration or GeM seller id) that is or holds an Aadhaar number, a
  mobile number, an e-mail address or a PAN (``id_pii_kinds``): its row is rejected.

Whatever is shown of a value (problem lines, rejected and duplicate rows)
goes through ``redacted_text``; a rejected value of a coded column
(trade, status, yes/no) through ``shown_coded_value``.

The value patterns are formats, not reference data, so they live here. What
does not belong here: deciding which columns are kept (``headers``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers import paths
from helpers.reference.districts import _words, fold_devanagari

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


#: The kinds of personal data an id (registration_id, gem_seller_id) must not be or contain.
#: (An IFSC-like part is not looked for: ids are codes of letters and digits too.)
ID_KINDS = ("e-mail address", "Aadhaar number", "mobile number", "PAN")
#: An id that may hold one of ``ID_KINDS`` (RE2, for pyarrow): '@', ten digits (single
#: spaces or dashes between them allowed) or five letters, four digits and a letter.
_ID_SUSPECT_RE2 = r"@|[0-9](?:[ -]?[0-9]){9}|[A-Za-z]{5}[0-9]{4}[A-Za-z]"
_ID_SUSPECT = re.compile(_ID_SUSPECT_RE2)
#: Below this many ids a Python loop is as fast as pyarrow.
_BULK_MIN = 4096

#: A rejected value of a coded column (trade, onboarding status, yes/no) is shown only when it
#: has at most this many characters and no run of more than ``CODED_SHOWN_MAX_DIGITS`` digits
#: (spaces, dashes, dots and slashes between digits ignored); otherwise it is shown as ``REDACTED``.
CODED_SHOWN_MAX_CHARS = 20
CODED_SHOWN_MAX_DIGITS = 5
_DIGIT_RUN = re.compile(r"\d(?:[ ./-]*\d){%d}" % CODED_SHOWN_MAX_DIGITS)


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


def redact(value: str, kinds: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """Remove personal data from a value: ``('carpet [removed]', ['mobile number'])``.

    Returns the value unchanged and an empty list when it holds none.

    Args:
        kinds: look only for these kinds of ``VALUE_PATTERNS`` (default: all).
    """
    text = str(value).translate(_DEVANAGARI_DIGITS)
    found: list[str] = []
    for kind, pattern in VALUE_PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        text, count = pattern.subn(REDACTED, text)
        if count:
            found.append(kind)
    return (text if found else value), found


@lru_cache(maxsize=65_536)
def redacted_text(value: str) -> str:
    """``value`` with every personal-data part replaced by ``REDACTED`` (what problem lines and
    the rejected rows show)."""
    return redact(value)[0]


def id_pii_kinds(ids: Sequence[object]) -> list[str | None]:
    """Per id: the kinds of personal data (``ID_KINDS``) it is or holds, joined by ' and ', or None.

    A column of ids is distinct on every row, so the ids that could hold any
    are first picked out in bulk (pyarrow); only those are looked at in Python.
    """
    found: list[str | None] = [None] * len(ids)
    suspects: Iterable[int]
    arrow = None
    if len(ids) >= _BULK_MIN:
        try:
            arrow = pa.array(ids, type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrow = None
    if arrow is not None:
        flags = pc.match_substring_regex(arrow, _ID_SUSPECT_RE2).fill_null(False).to_numpy(zero_copy_only=False)
        suspects = flags.nonzero()[0].tolist()
    else:
        suspects = [i for i, v in enumerate(ids) if v is not None and _ID_SUSPECT.search(str(v).translate(_DEVANAGARI_DIGITS))]
    for index in suspects:
        kinds = [k for k in value_pii_kinds(ids[index]) if k in ID_KINDS]
        if kinds:
            found[index] = " and ".join(kinds)
    return found


def shown_coded_value(value: object) -> str:
    """A rejected value of a coded column as it may be shown: as written (personal data removed)
    when short and without a long run of digits, else ``REDACTED``.

    A name typed into a coded column cannot be told from a typo by its form, so
    only short values are shown; a long one, or one with a run of six or more
    digits, may be anything (a phone number written with dots, an account number).
    """
    text = " ".join(str(value).split())
    if len(text) > CODED_SHOWN_MAX_CHARS or _DIGIT_RUN.search(text.translate(_DEVANAGARI_DIGITS)):
        return REDACTED
    return redacted_text(text)


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
