"""Recognising personal data, by column header and by value, so it is dropped at ingest.

Two ways in:

- a header that names personal data (``pii_header_patterns.csv``: name,
  mobile, e-mail, Aadhaar, PAN, address, bank, नाम, मोबाइल, पता, आधार ...):
  the whole column is dropped;
- a value that *looks like* personal data inside a kept free-text column
  (craft, districts, ...): an e-mail address, a PAN like ABCDE1234F, an IFSC
  code, and any number of 9 or more digits, typed with whatever separators
  people use (single, double or non-breaking spaces, dots, dashes, brackets,
  ``+91``, a leading 0, Devanagari digits): a mobile number, an Aadhaar number,
  a bank account number (``number_kind``). That part
  of the value is removed and the row is kept (or rejected, if nothing is left
  of a required value). A column outside the schema is dropped in any case; its
  values are only scanned to give the right reason;
- an id (registration or GeM seller id) that is or holds an Aadhaar number, a
  mobile number, an e-mail address or a PAN (``id_pii_kinds``): its row is rejected.

Whatever is shown of a value (problem lines, rejected and duplicate rows)
goes through ``redacted_text``; a rejected value that may not be of its
column's kind (a person's name typed into a district or trade cell) through
``shown_of_kind``, ``shown_coded_value`` or ``shown_date_value``, which show
``[text removed: N characters]`` instead of a value like nothing expected. A
header cell that holds personal data is shown as ``REDACTED`` (``shown_header``).

What cannot be found: a bare name in a free-text column ("Kamla Devi" in
craft) or a one-word name in a coded column; see docs/registration_schema.md.

The value patterns are formats, not reference data, so they live here. What
does not belong here: deciding which columns are kept (``headers``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Collection, Iterable, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from helpers import paths
from helpers.ingest.problems import without_controls
from helpers.reference.districts import _words, fold_devanagari, text_key

PATTERNS_FILE = "pii_header_patterns.csv"
#: What replaces personal data removed from a kept value.
REDACTED = "[removed]"

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")

#: What may stand between the digits of one number as people type it: spaces (single, double,
#: non-breaking), dots, dashes, brackets, slashes and invisible joiners, at most two in a row.
_SEPARATOR = r"[\s.\-\u2010-\u2015()\[\]/\u200b-\u200d\u2060\ufeff]{0,2}"
#: One number as typed: an optional ``+``/bracket, then digits with separators between them.
_NUMBER = re.compile(r"(?:\+|\(\s*\+?)?\d(?:" + _SEPARATOR + r"\d)*")
#: A run of fewer digits than this is never personal data (a count, a year, a pin-less date).
MIN_PERSONAL_DIGITS = 9

#: (kind, pattern) of personal data that is not a plain number, most specific first.
TEXT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-mail address", re.compile(r"[\w.+-]+\s?@\s?[\w-]+(?:\.[\w-]+)+")),
    ("PAN", re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{3}[PCHFATBLJGpchfatbljg][A-Za-z]\s?\d{4}\s?[A-Za-z](?![A-Za-z0-9])")),
    ("IFSC code", re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{4}0[A-Za-z0-9]{6}(?![A-Za-z0-9])")),
)
#: Verhoeff's tables (multiplication and permutation), for the check digit of Aadhaar numbers.
_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]
#: Every kind of personal data found by value.
VALUE_KINDS = ("e-mail address", "PAN", "IFSC code", "Aadhaar number", "mobile number", "bank account number")


def number_kind(typed: str) -> str | None:
    """The kind of personal data a number as typed is, or None.

    Separators are ignored: ``983-901-2348``, ``98 39 01 23 49``, ``+91.98390.12352``,
    ``(0) 98390 12353`` are mobile numbers; ``4567  8901 2345`` (any separators) an
    Aadhaar number; any other run of 9 to 18 digits a bank account number (or a
    number too long to be anything but personal data).
    """
    digits = re.sub(r"\D", "", typed)
    if len(digits) < MIN_PERSONAL_DIGITS:
        return None
    if (len(digits) == 10 and digits[0] in "6789") or (len(digits) == 11 and digits[0] == "0" and digits[1] in "6789"):
        return "mobile number"
    if len(digits) == 13 and digits.startswith("091") and digits[3] in "6789":
        return "mobile number"
    if len(digits) == 12 and digits.startswith("91") and digits[2] in "6789":
        with_plus = typed.lstrip("( ").startswith("+")
        return "mobile number" if with_plus or not _is_aadhaar_form(typed) else "Aadhaar number"
    if len(digits) == 12 and digits[0] in "23456789":
        return "Aadhaar number"
    return "bank account number"


def _is_aadhaar_form(typed: str) -> bool:
    """True when a 12-digit number is written in Aadhaar's 4-4-4 groups."""
    groups = [g for g in re.split(r"\D+", typed) if g]
    return [len(g) for g in groups] == [4, 4, 4]


def _number_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every number in ``text`` that is personal data."""
    spans = []
    for match in _NUMBER.finditer(text):
        kind = number_kind(match.group())
        if kind is not None:
            spans.append((match.start(), match.end(), kind))
    return spans


def _normalised(value: object) -> str:
    """A value with Devanagari digits as ASCII digits (same length: positions stay)."""
    return str(value).translate(_DEVANAGARI_DIGITS)


#: The kinds of personal data an id (registration_id, gem_seller_id) must not be or contain.
#: (An IFSC-like part is not looked for: ids are codes of letters and digits too.)
ID_KINDS = ("e-mail address", "Aadhaar number", "mobile number", "PAN")
#: An id that may hold one of ``ID_KINDS`` (RE2, for pyarrow): '@', nine digits (up to three
#: separators between two of them) or five letters, four digits and a letter.
_ID_SUSPECT_RE2 = r"@|[0-9](?:[^A-Za-z0-9]{0,3}[0-9]){8}|[A-Za-z]{5} ?[0-9]{4} ?[A-Za-z]"
_ID_SUSPECT = re.compile(_ID_SUSPECT_RE2)
#: Below this many ids a Python loop is as fast as pyarrow.
_BULK_MIN = 4096

#: A rejected value of a coded column (trade, onboarding status, yes/no) is shown only when it
#: has at most this many characters and no run of more than ``CODED_SHOWN_MAX_DIGITS`` digits
#: (spaces, dashes, dots and slashes between digits ignored); otherwise it is shown as ``REDACTED``.
CODED_SHOWN_MAX_CHARS = 20
CODED_SHOWN_MAX_DIGITS = 5
#: A rejected value not of its column's kind is shown as this, with its length.
TEXT_REMOVED = "[text removed: {length} characters]"
#: One word of at most this many characters is shown as written (a typo, an unknown code).
KIND_MAX_WORD_CHARS = 20
#: A longer value is shown when it is at least this similar (rapidfuzz ratio, 0-100) to a known value.
KIND_MIN_SIMILARITY = 75.0
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
    """The kinds of personal data found in a value (empty when none), in ``VALUE_KINDS`` order."""
    return redact(str(value))[1]


def redact(value: str, kinds: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """Remove personal data from a value: ``('carpet [removed]', ['mobile number'])``.

    Returns the value unchanged and an empty list when it holds none.

    Args:
        kinds: look only for these kinds of ``VALUE_KINDS`` (default: all).
    """
    text = _normalised(value)
    found: set[str] = set()
    for kind, pattern in TEXT_PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        text, count = pattern.subn(REDACTED, text)
        if count:
            found.add(kind)
    pieces, end = [], 0
    for start, stop, kind in _number_spans(text):
        if kinds is not None and kind not in kinds:
            continue
        pieces.append(text[end:start] + REDACTED)
        end = stop
        found.add(kind)
    if not found:
        return value, []
    return "".join(pieces) + text[end:], [k for k in VALUE_KINDS if k in found]


@lru_cache(maxsize=65_536)
def redacted_text(value: str) -> str:
    """``value`` with every personal-data part replaced by ``REDACTED`` (what problem lines and
    the rejected rows show)."""
    return redact(value)[0]


def _verhoeff_valid(digits: str) -> bool:
    """True when the last digit of ``digits`` is its Verhoeff check digit (as in every Aadhaar number)."""
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def _id_kinds(text: str) -> list[str]:
    """The kinds of personal data an id holds. Twelve digits in a row are an Aadhaar number only when
    grouped 4-4-4 or when they pass Aadhaar's check digit: a campaign's numeric id of twelve digits
    (``202111000003``) is not taken for one, nine times in ten."""
    kinds = redact(text)[1]
    if "Aadhaar number" in kinds:
        normalised = _normalised(text)
        aadhaar = [m.group() for m in _NUMBER.finditer(normalised) if number_kind(m.group()) == "Aadhaar number"]
        if not any(_is_aadhaar_form(t) or _verhoeff_valid(re.sub(r"\D", "", t)) for t in aadhaar):
            kinds = [k for k in kinds if k != "Aadhaar number"]
    return kinds


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
        kinds = [k for k in _id_kinds(str(ids[index])) if k in ID_KINDS]
        if kinds:
            found[index] = " and ".join(kinds)
    return found


def shown_coded_value(value: object, known_keys: Collection[str] = ()) -> str:
    """A rejected value of a coded column (trade, status, yes/no) as it may be shown.

    A long value, or one with a run of six or more digits (a phone number
    written with dots, an account number) is shown as ``REDACTED``; any other
    as ``shown_of_kind`` shows it.
    """
    text = " ".join(str(value).split())
    if len(text) > CODED_SHOWN_MAX_CHARS or _DIGIT_RUN.search(text.translate(_DEVANAGARI_DIGITS)):
        return REDACTED
    return shown_of_kind(text, known_keys)


def shown_of_kind(value: object, known_keys: Collection[str] = (), key: Callable[[str], str] = text_key) -> str:
    """A rejected value as it may be shown: as written (personal data removed) when it looks like
    its column's kind, else ``[text removed: N characters]``.

    It looks like its kind when it is one word of at most ``KIND_MAX_WORD_CHARS``
    characters (a typo, an unknown code, a number) or when its ``key`` is at least
    ``KIND_MIN_SIMILARITY`` similar to one of ``known_keys`` (a misspelt district
    of two words). Two words that are like nothing known may be a person's name
    typed into the wrong cell: only their length is shown.
    """
    written = " ".join(without_controls(str(value)).split())
    text = redacted_text(written)
    if not text or is_only_redacted(text):
        return text and REDACTED
    if len(text.split()) == 1 and len(text) <= KIND_MAX_WORD_CHARS:
        return text
    if known_keys:
        best = process.extractOne(key(text.replace(REDACTED, " ")), known_keys, scorer=fuzz.ratio)
        if best is not None and best[1] >= KIND_MIN_SIMILARITY:
            return text
    return TEXT_REMOVED.format(length=len(written))


def shown_date_value(value: object) -> str:
    """A rejected date as it may be shown: short and with a digit (``15 June 2012``), else as ``shown_of_kind``."""
    text = redacted_text(" ".join(without_controls(str(value)).split()))
    if len(text) <= CODED_SHOWN_MAX_CHARS and any(c.isdigit() for c in text):
        return REDACTED if is_only_redacted(text) else text
    return shown_of_kind(text)


def shown_header(header: str) -> str:
    """A header cell as it may be shown: ``REDACTED`` when it holds personal data, else as written (one line)."""
    text = " ".join(without_controls(header).split())
    return REDACTED if redact(text)[1] else text


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
