"""Recognising personal data, by column header and by value, so it is dropped at ingest.

Three ways in:

- a header that names personal data (``pii_header_patterns.csv``: name,
  mobile, e-mail, Aadhaar, PAN, address, bank, नाम, मोबाइल, पता, आधार ...):
  the whole column is dropped;
- a value that *looks like* personal data, in any cell of any column, whatever
  its type (text, a number cell, a date read as text, a formula's saved value):
  an e-mail address (any script before the ``@``; ``[at]`` too), a GSTIN (which
  holds its holder's PAN), a PAN (any case, spaces or dashes between its parts),
  an IFSC code, and any number of 9 or more digits (``number_kind``: a mobile
  number, an Aadhaar number, an Aadhaar VID of 16 digits, a bank account
  number; next to an IFSC code or the word "account", 6 digits are enough),
  typed in any digits (ASCII, Devanagari or any other script, full-width) with
  any run of separators between the digit groups (spaces, no-break spaces,
  hyphen, en and em dash, slash, dot, comma, brackets, ``+91``, a leading 0,
  invisible joiners: every character that is neither a letter, a digit, ``_``
  nor ``@``). A date (``2021-12-05``, ``05/12/2021``, a run of them) is not a
  number. That part of the value is removed and the row is kept (or rejected,
  if nothing is left of a required value);
- an id (registration or GeM seller id) that is or holds an Aadhaar number, a
  mobile number, an e-mail address, a PAN or a GSTIN (``id_pii_kinds``): its row
  is rejected.

Names of files, folders and sheets are data too: ``redact_name`` masks the
digits of a personal number in them and removes e-mail addresses, PANs and
GSTINs; everything the kit shows or stores names a file by it.

Whatever is shown of a value (problem lines, rejected and duplicate rows)
goes through ``redacted_text``; a rejected value that may not be of its
column's kind (a person's name typed into a district or trade cell) through
``shown_of_kind``, ``shown_coded_value`` or ``shown_date_value``, which show
``[text removed: N characters]`` instead of a value like nothing expected. A
header cell that holds personal data is shown as ``REDACTED`` (``shown_header``).
A value with no personal data in it (``✓``, ``✗``, ``-``) is shown as written.
Control and bidirectional-override characters are removed from all of them
(``without_controls``).

What cannot be found: a bare name in a free-text column ("Kamla Devi" in
craft) or a one-word name in a coded column; see docs/registration_schema.md
(the pages never show free text: ``helpers.analysis.free_text``).

The value patterns are formats, not reference data, so they live here. What
does not belong here: deciding which columns are kept (``headers``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Collection, Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from stdnum import verhoeff  # Aadhaar's check digit

from helpers import paths
from helpers.ingest.problems import without_controls
from helpers.ingest.sheetframe import matching
from helpers.reference.districts import _words, fold_devanagari, text_key

PATTERNS_FILE = "pii_header_patterns.csv"
#: What replaces personal data removed from a kept value.
REDACTED = "[removed]"
#: What replaces each digit of a personal number in the name of a file, folder or sheet.
NAME_MASK = "x"

#: Any run of characters that may stand between the digit groups of one number: everything but
#: letters, digits, ``_`` (which joins the parts of file names, not digits) and ``@``.
_SEPARATORS = r"[^\w@]*"
#: One number as typed: an optional ``+``/bracket, then digits with any separators between them.
_NUMBER = re.compile(r"(?:\+|\(\s*\+?)?\d(?:" + _SEPARATORS + r"\d)*")
#: A run of fewer digits than this is never personal data (a count, a year, a pin-less date)...
MIN_PERSONAL_DIGITS = 9
#: ...except next to an IFSC code or a word for a bank account, where this many digits are an account number.
MIN_ACCOUNT_DIGITS = 6
_ACCOUNT_WORDS = re.compile(r"(?<![^\W\d_])(?:a\s?/\s?c|acc(?:oun)?t|khata|खाता)(?![^\W\d_])", re.I)

#: A date (day, month and year in any order people write them, an optional time) and a run of dates:
#: not a number, whatever its separators. A date that touches another digit group is not one.
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d\d"
_DATE = (rf"(?:{_YEAR}[-./]{_MONTH}[-./]{_DAY}|{_DAY}[-./]{_DAY}[-./]{_YEAR})"
         r"(?:[ T]\d\d?:\d\d(?::\d\d)?)?")
_DATES = re.compile(rf"(?<!\d)(?<!\d[^\w@]){_DATE}(?:[^\w@]+{_DATE})*(?![^\w@]?\d)")

#: Between the parts of a code (PAN, GSTIN, IFSC): up to three separators.
_GAP = r"[^\w@]{0,3}"
_PAN_CORE = (r"[A-Za-z](?:\s?[A-Za-z]){2}\s?[PCHFATBLJGEpchfatbljge]\s?[A-Za-z]" + _GAP
             + r"\d(?:[^\w@]?\d){3}" + _GAP + r"[A-Za-z]")
_EMAIL_CHARS = r"[^\s@,;:<>()\[\]{}\"'/\\|]"
#: (kind, pattern) of personal data that is not a plain number, most specific first.
TEXT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-mail address", re.compile(rf"{_EMAIL_CHARS}+(?:\s?@\s?|\s?[\[(]\s?at\s?[\])]\s?){_EMAIL_CHARS}+", re.I)),
    ("GSTIN", re.compile(rf"(?<![A-Za-z0-9])\d[^\w@]?\d{_GAP}{_PAN_CORE}{_GAP}[0-9A-Za-z](?:[^\w@]?[0-9A-Za-z]){{2}}"
                         r"(?![A-Za-z0-9])")),
    ("PAN", re.compile(rf"(?<![A-Za-z0-9]){_PAN_CORE}(?![A-Za-z0-9])")),
    ("IFSC code", re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{4}[^\w@]?0[^\w@]?[A-Za-z0-9]{6}(?![A-Za-z0-9])")),
)
#: A PAN anywhere in an id, even run together with the id's other letters (``GEMBQRPK4321M``).
_PAN_IN_ID = re.compile(r"[A-Za-z]{3}[PCHFATBLJGEpchfatbljge][A-Za-z]\d{4}[A-Za-z]")
#: What a value must hold to hold personal data at all (after ``normalised``): a digit or an ``@``.
_MAY_HOLD = re.compile(r"\d|@|[\[(]\s*at\s*[\])]", re.I)
_ANY_DIGIT = re.compile(r"\d")
#: A mobile number's digits: ten starting 6 to 9, after a trunk 0 or the country code 91 as 091 or 0091...
_MOBILE = re.compile(r"(?:0|091|0091)?[6-9]\d{9}")
#: ...or after 91 alone, which twelve digits grouped 4-4-4 (an Aadhaar number) may start with too.
_MOBILE_91 = re.compile(r"91[6-9]\d{9}")
#: Every kind of personal data found by value.
VALUE_KINDS = ("e-mail address", "GSTIN", "PAN", "IFSC code", "Aadhaar number", "Aadhaar VID", "mobile number",
               "bank account number")


def number_kind(typed: str) -> str | None:
    """The kind of personal data a number as typed is, or None.

    Separators are ignored: ``983-901-2348``, ``98 39 01 23 49``, ``+91.98390.12352``,
    ``(0) 98390 12353``, ``98390,12354`` are mobile numbers; ``4567  8901 2345`` (any
    separators) an Aadhaar number; 16 digits an Aadhaar VID; any other run of 9 or
    more digits a bank account number (or a number too long to be anything but
    personal data). ``typed`` holds ASCII digits (``normalised``).
    """
    digits = re.sub(r"\D", "", typed)
    if len(digits) < MIN_PERSONAL_DIGITS:
        return None
    if _MOBILE.fullmatch(digits):
        return "mobile number"
    if _MOBILE_91.fullmatch(digits):
        with_plus = typed.lstrip("( ").startswith("+")
        return "mobile number" if with_plus or not _is_aadhaar_form(typed) else "Aadhaar number"
    if len(digits) == 12 and digits[0] in "23456789":
        return "Aadhaar number"
    if len(digits) == 16:
        return "Aadhaar VID"
    return "bank account number"


def _is_aadhaar_form(typed: str) -> bool:
    """True when a 12-digit number is written in Aadhaar's 4-4-4 groups."""
    return [len(group) for group in re.findall(r"\d+", typed)] == [4, 4, 4]


def normalised(value: object) -> str:
    """A value as the patterns read it: NFKC (full-width and circled digits, ``＠``, no-break spaces made
    plain) and the digits of every script (Devanagari, Bengali, Gujarati, Arabic-Indic...) as ASCII digits."""
    text = unicodedata.normalize("NFKC", str(value))
    if text.isascii():
        return text
    return _ANY_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), text)


def _found(value: str, kinds: Sequence[str] | None) -> tuple[str, list[tuple[int, int, str]], list[str]]:
    """The value normalised with its text patterns replaced by ``REDACTED``, the personal numbers' spans in
    that text, and every kind found."""
    text = normalised(value)
    if not _MAY_HOLD.search(text):
        return text, [], []
    found: list[str] = []
    for kind, pattern in TEXT_PATTERNS:
        if kinds is not None and kind not in kinds:
            continue
        text, count = pattern.subn(REDACTED, text)
        if count:
            found.append(kind)
    near_account = "IFSC code" in found or bool(_ACCOUNT_WORDS.search(text))
    min_digits = MIN_ACCOUNT_DIGITS if near_account else MIN_PERSONAL_DIGITS  # for a bank account number
    spans: list[tuple[int, int, str]] = []
    start = 0  # every number that is personal data, dates passed over
    for date_start, date_end in [(m.start(), m.end()) for m in _DATES.finditer(text)] + [(len(text), len(text))]:
        for match in _NUMBER.finditer(text, start, date_start):
            number = number_kind(match.group())
            if number is None and len(re.sub(r"\D", "", match.group())) >= min_digits:
                number = "bank account number"
            if number is not None and (kinds is None or number in kinds):
                spans.append((match.start(), match.end(), number))
        start = date_end
    found.extend(kind for _, _, kind in spans)
    return text, spans, found


def redact(value: str, kinds: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """Remove personal data from a value: ``('carpet [removed]', ['mobile number'])``.

    Returns the value unchanged and an empty list when it holds none (else the
    value ``normalised``, with every personal part replaced by ``REDACTED``).

    Args:
        kinds: look only for these kinds of ``VALUE_KINDS`` (default: all).
    """
    text, spans, found = _found(value, kinds)
    if not found:
        return value, []
    pieces, end = [], 0
    for start, stop, _ in spans:
        pieces.append(text[end:start] + REDACTED)
        end = stop
    return "".join(pieces) + text[end:], [k for k in VALUE_KINDS if k in found]


def redacted_cells(values: Sequence[object]) -> tuple[list[object], list[bool], list[str | None]]:
    """Per distinct cell of a kept column (text or number): the cell with personal data removed (None when
    nothing else was left), whether nothing else was left, and the kinds found (joined by ' and '; None: none).

    A number cell (an Excel number in a text column: ``9839012345``) is scanned as its digits; an empty, yes/no
    or date cell cannot hold personal data."""
    cleaned_values, only, kinds_of = list(values), [False] * len(values), [None] * len(values)
    for index, value in enumerate(values):
        if isinstance(value, np.generic):
            value = value.item()  # a numpy number (np.int64 ...) is scanned like the Python number it holds
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        cleaned, kinds = redact(value) if isinstance(value, str) else (value, [])
        if kinds:
            cleaned_values[index] = None if is_only_redacted(cleaned) else cleaned
            only[index] = cleaned_values[index] is None
            kinds_of[index] = " and ".join(kinds)
    return cleaned_values, only, kinds_of  # type: ignore[return-value]


#: A file name's extension, kept as it is when the rest of a name is redacted (only the kinds of file a
#: registrations folder or a build holds: ``kamla@example.net`` is an e-mail address, not a ``.net`` file).
_EXTENSION = re.compile(r"\.(?:csv|tsv|txt|xlsx|xlsm|xlsb|xls|ods|odt|docx?|pdf|json|ya?ml|md|html?|parquet|ipynb|png|zip)$",
                        re.I)


def redact_name(text: str) -> str:
    """The name of a file, folder or sheet (or a path) as the kit may show or store it.

    Control and bidirectional-override characters are removed; the digits of a
    personal number (``number_kind``) are masked with ``NAME_MASK``
    (``forwarded from +91 xxxxx xxxxx.csv``); an e-mail address, a GSTIN, a PAN
    or an IFSC code becomes ``REDACTED``. Any other name comes back as it is
    (``Agra_2021-12-05.xlsx``, ``demo/week-03.csv``), and a redacted name
    redacted again does not change.
    """
    name = without_controls(str(text))
    extension = _EXTENSION.search(name)
    stem, suffix = (name[: extension.start()], extension.group()) if extension else (name, "")
    redacted, spans, found = _found(stem, None)
    if not found:
        return name
    characters = list(redacted)
    for start, stop, _ in spans:
        characters[start:stop] = [NAME_MASK if c.isdigit() else c for c in characters[start:stop]]
    return "".join(characters) + suffix


@lru_cache(maxsize=65_536)
def redacted_text(value: str) -> str:
    """``value`` with every personal-data part replaced by ``REDACTED`` (what problem lines and
    the rejected rows show)."""
    return redact(value)[0]


#: The kinds of personal data an id (registration_id, gem_seller_id) must not be or contain.
#: (An IFSC-like part is not looked for: ids are codes of letters and digits too.)
ID_KINDS = ("e-mail address", "GSTIN", "PAN", "Aadhaar number", "Aadhaar VID", "mobile number")
#: An id that may hold one of ``ID_KINDS`` (RE2, for pyarrow): an '@', nine digits of any script
#: (any separators between them) or five letters and four digits (a PAN, in a GSTIN too).
_ID_SUSPECT_RE2 = (r"(?i)@|＠|﹫|[\[(]\s*at\s*[\])]|\p{Nd}(?:[^\p{L}\p{Nd}]*\p{Nd}){8}"
                   r"|\p{L}(?:\s?\p{L}){4}[^\p{L}\p{Nd}]{0,3}\p{Nd}(?:[^\p{L}\p{Nd}]?\p{Nd}){3}")
#: The same on ASCII text, where ``\p{Nd}`` is ``[0-9]`` and ``\p{L}`` is ``[A-Za-z]``: RE2 runs it about a
#: hundred times faster than the Unicode classes (a million ids in a tenth of a second, not seven seconds).
_ID_SUSPECT_ASCII_RE2 = (r"(?i)@|[\[(]\s*at\s*[\])]|[0-9](?:[^A-Za-z0-9]*[0-9]){8}"
                         r"|[A-Za-z](?:\s?[A-Za-z]){4}[^A-Za-z0-9]{0,3}[0-9](?:[^A-Za-z0-9]?[0-9]){3}")
#: A rejected value of a coded column (trade, onboarding status, yes/no) is shown only when it
#: has at most this many characters and no run of more than ``CODED_SHOWN_MAX_DIGITS`` digits
#: (any separators between digits ignored); otherwise it is shown as ``REDACTED``.
CODED_SHOWN_MAX_CHARS = 20
CODED_SHOWN_MAX_DIGITS = 5
#: A rejected value not of its column's kind is shown as this, with its length.
TEXT_REMOVED = "[text removed: {length} characters]"
#: One word of at most this many characters is shown as written (a typo, an unknown code).
KIND_MAX_WORD_CHARS = 20
#: A longer value is shown when it is at least this similar (rapidfuzz ratio, 0-100) to a known value.
KIND_MIN_SIMILARITY = 75.0
_DIGIT_RUN = re.compile(r"\d(?:[^\w@]*\d){%d}" % CODED_SHOWN_MAX_DIGITS)


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
    return next((kind for pattern, kind in header_patterns() if f" {pattern}" in words), None)


def value_pii_kinds(value: object) -> list[str]:
    """The kinds of personal data found in a value (empty when none), in ``VALUE_KINDS`` order."""
    return redact(str(value))[1]


def id_suspects(ids: pa.Array) -> np.ndarray:
    """Per id of an arrow string array: may it hold one of ``ID_KINDS`` (``_ID_SUSPECT_RE2``)? False for null.

    ASCII ids (nearly all) are searched with the ASCII form of the pattern, the others with the Unicode one.
    """
    flags = matching(ids, _ID_SUSPECT_ASCII_RE2).copy()
    others = np.flatnonzero(~pc.string_is_ascii(ids).fill_null(True).to_numpy(zero_copy_only=False))
    if len(others):
        flags[others] = matching(ids.take(pa.array(others)), _ID_SUSPECT_RE2)
    return flags


def id_pii_kinds(ids: Sequence[object] | pa.Array) -> list[str | None]:
    """Per id: the kinds of personal data (``ID_KINDS``) it is or holds, joined by ' and ', or None.

    A column of ids is distinct on every row, so the ids that could hold any
    are first picked out in bulk (``id_suspects``, on an arrow string array);
    only those are looked at in Python. Twelve digits in a row are an Aadhaar number only when grouped
    4-4-4 or when they pass Aadhaar's check digit: a campaign's numeric id of twelve digits
    (``202111000003``) is not taken for one, nine times in ten. A PAN is found even run together
    with the id's other letters.
    """
    arrow = ids if isinstance(ids, pa.Array) else pa.array([None if v is None else str(v) for v in ids], pa.string())
    found: list[str | None] = [None] * len(arrow)
    for index in np.flatnonzero(id_suspects(arrow)).tolist():
        text = arrow[index].as_py()
        kinds, normalised_text = redact(text)[1], normalised(text)
        if "Aadhaar number" in kinds:
            aadhaar = [m.group() for m in _NUMBER.finditer(normalised_text) if number_kind(m.group()) == "Aadhaar number"]
            if not any(_is_aadhaar_form(t) or verhoeff.is_valid(re.sub(r"\D", "", t)) for t in aadhaar):
                kinds = [k for k in kinds if k != "Aadhaar number"]
        if "PAN" not in kinds and "GSTIN" not in kinds and _PAN_IN_ID.search(re.sub(r"[^\w]", "", normalised_text)):
            kinds = [k for k in VALUE_KINDS if k in {*kinds, "PAN"}]
        kinds = [k for k in kinds if k in ID_KINDS]
        if kinds:
            found[index] = " and ".join(kinds)
    return found


def shown_coded_value(value: object, known_keys: Collection[str] = ()) -> str:
    """A rejected value of a coded column (trade, status, yes/no) as it may be shown.

    A long value, or one with a run of six or more digits (a phone number
    written with dots, an account number) is shown as ``REDACTED``; any other
    as ``shown_of_kind`` shows it.
    """
    text = " ".join(without_controls(str(value)).split())
    if len(text) > CODED_SHOWN_MAX_CHARS or _DIGIT_RUN.search(normalised(text)):
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


#: What may follow one word in a header listed as written: a number or a column's letters (``Extra 10``, ``Col X``).
_COLUMN_MARK = re.compile(r"\d{1,4}|[A-Z]{1,2}")


@lru_cache(maxsize=1)
def _header_vocabulary() -> frozenset[str]:
    """Every word of the headers the kit knows: its synonyms and its personal-data header patterns."""
    frame = pd.read_csv(paths.REFERENCE_DIR / "registration_header_synonyms.csv", dtype=str)
    headers = [*frame["header"].dropna(), *(pattern for pattern, _ in header_patterns())]
    return frozenset(word for header in headers for word in _header_words(header).split())


def shown_dropped_header(header: str) -> str:
    """The header of a dropped column as it may be listed (``dropped_columns.csv``, ``validate``, the prepare page).

    A header is free text: it is listed as written only when it names personal data
    (``Seller Name``: a label, not the data), is one word of at most
    ``KIND_MAX_WORD_CHARS`` characters, a word and a number or column letters (``Extra 10``, ``Col X``), or is
    made of words of known headers only; one holding personal data is ``REDACTED``;
    any other (a person's name typed as a header) is listed by its length only.
    """
    text = shown_header(header)
    if text == REDACTED or header_pii_kind(text):
        return text
    words = text.split()
    if len(words) == 1 and len(text) <= KIND_MAX_WORD_CHARS:
        return text
    if len(words) == 2 and len(words[0]) <= KIND_MAX_WORD_CHARS and _COLUMN_MARK.fullmatch(words[1]):
        return text
    known = _header_vocabulary()
    keys = _header_words(text).split()
    if keys and all(word in known or word.isdigit() for word in keys):
        return text
    return TEXT_REMOVED.format(length=len(text))


def is_only_redacted(value: str) -> bool:
    """True when personal data was removed from a value and nothing but punctuation is left of it
    (a value that never held any, like ``✓`` or ``-``, is not)."""
    return REDACTED in value and not _words(value.replace(REDACTED, " "))


def column_pii_kind(values: Iterable[object]) -> str | None:
    """The first kind of personal data found among a column's values, or None."""
    return next((kinds[0] for value in values if value not in (None, "") and (kinds := value_pii_kinds(value))), None)
