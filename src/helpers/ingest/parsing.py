"""Parsing the cells of a registration sheet: dates, numbers, yes/no, coded values, text.

Every parser takes one raw cell (a string from a CSV file, or a typed value
from an .xlsx cell) and returns the parsed value or raises ``ValueParseError``
whose message says what is wrong and how to fix it. Parsers are pure and
called once per distinct value.

The date rule (docs/registration_schema.md):

- ISO ``YYYY-MM-DD``, a month written as a word (``5 Nov 2021``, ``05-नवंबर-2021``),
  an Excel serial number and a date cell are unambiguous.
- ``A/B/YY(YY)`` (any of ``/ - .``) is read day-first or month-first, whichever
  gives a real date. When both do (``05-12-2021``), the *sheet* decides
  (``sheet_date_order``): it is month-first only when one of its dates proves it
  (a second number above 12, ``05/13/2021``) and none proves day-first (a first
  number above 12, ``13/05/2021``); otherwise it is day-first, as Indian offices
  write dates (said in one note per sheet by the date stage, never one per row).
  A sheet whose dates prove both orders settles nothing: its ambiguous dates are
  rejected, and the fix shows both readings.
- A date before 2016 (GeM began in 2016) or after the day of the ingest is rejected.

What does not belong here: which column gets which parser (``pipeline``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

import pandas as pd
from babel.dates import get_month_names

from helpers import paths
from helpers.reference.districts import text_key

VALUE_SYNONYMS_FILE = "registration_value_synonyms.csv"
#: No registration can predate the Government e-Marketplace (launched in 2016).
EARLIEST_REGISTRATION_DATE = dt.date(2016, 1, 1)
#: Day 0 of Excel's date serial numbers (1900 date system, with its 1900 leap-year bug folded in).
EXCEL_EPOCH = dt.date(1899, 12, 30)

DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"

_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
#: Removed from every stored text: invisible joiners and NUL and the other control characters
#: (the whitespace ones, tab and line breaks, are taken as spaces by ``str.split``).
_INVISIBLE = dict.fromkeys(
    [*map(ord, "\u200b\u200c\u200d\u2060\ufeff"), *range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0xA0)], None
)
#: The error values a failed Excel formula leaves in a cell: never a value of a registration.
EXCEL_ERROR_VALUES = frozenset(
    {"#N/A", "#N/A!", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)
#: What every Excel error value holds (RE2, for a bulk search before ``is_excel_error``).
EXCEL_ERROR_MARK_RE2 = "#"
#: An id Excel turned into a number in scientific notation (``2.02111E+11``); the same pattern in
#: Python's ``re`` and in RE2 (pyarrow's bulk search, before ``is_scientific_notation``).
SCIENTIFIC_PATTERN = r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$"
_SCIENTIFIC = re.compile(SCIENTIFIC_PATTERN)
#: The fix of a value the kit reads as no date at all (no example date: it would be neither reading).
_DATE_FIX = "write the date day first (DD-MM-YYYY), with the month as a word (DD-Mon-YYYY) or as YYYY-MM-DD"
#: Month abbreviations of ``unambiguous`` (fixed English, whatever the locale).
_MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class ValueParseError(ValueError):
    """A cell cannot be parsed; ``problem`` says what is wrong and ``fix`` how to fix it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}; {fix}")
        self.problem = problem
        self.fix = fix


def clean_text(value: object) -> str | None:
    """A cell as trimmed text with inner whitespace collapsed; None for an empty cell.

    Whole-number floats from Excel (``1001.0``) become ``'1001'``.
    """
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    text = unicodedata.normalize("NFC", str(value)).translate(_INVISIBLE)
    text = " ".join(text.split())
    return text or None


def is_excel_error(value: object) -> bool:
    """True for a cell holding an Excel error value (``#N/A``, ``#DIV/0!``, ``#REF!``, ...)."""
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERROR_VALUES


def is_scientific_notation(text: str | None) -> bool:
    """True for an id Excel showed in scientific notation (``2.02111E+11``): its digits are lost."""
    return text is not None and _SCIENTIFIC.match(text) is not None


def ascii_digits(text: str) -> str:
    """Devanagari digits (०-९) written as ASCII digits."""
    return text.translate(_DEVANAGARI_DIGITS)


# ----------------------------------------------------------------- numbers

_PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_WESTERN = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_INDIAN = re.compile(r"^[+-]?\d{1,2}(?:,\d{2})*,\d{3}(?:\.\d+)?$")


def parse_number(value: object) -> int | float:
    """Parse a number written with ASCII or Devanagari digits and Indian or Western grouping (a cell's text:
    ``junk`` tells yes/no, number and empty cells apart before).

    ``'1,49,429'``, ``'149,429'``, ``'१,४९,४२९'`` and ``149429`` all give 149429.
    Whole numbers come back as int.

    Raises:
        ValueParseError: not a number, or commas in the wrong places.
    """
    text = ascii_digits(clean_text(value) or "").replace(" ", "")
    if not (_PLAIN.match(text) or _WESTERN.match(text) or _INDIAN.match(text)):
        raise ValueParseError(
            "is not a number", "write digits only, grouped as 1,49,429 or 149,429 if at all"
        )
    number = float(text.replace(",", ""))
    return int(number) if number.is_integer() and "." not in text else number


# ------------------------------------------------------------------- dates


@lru_cache(maxsize=1)
def _month_numbers() -> dict[str, int]:
    """Month name key -> month number, English and Hindi, wide and abbreviated (from Babel's CLDR data)."""
    months = {text_key(name): number
              for locale, width, context in product(("en", "hi"), ("wide", "abbreviated"), ("format", "stand-alone"))
              for number, name in get_month_names(width, context=context, locale=locale).items()}
    return {**months, text_key("Sept"): 9}


def is_month_name(word: str) -> bool:
    """True for a month's name or abbreviation in English or Hindi (``Dec``, ``दिसंबर``)."""
    return text_key(word) in _month_numbers()


@dataclass(frozen=True)
class DateReading:
    """What a date cell says before the sheet's day/month order is known.

    Exactly one of ``date`` (an unambiguous date) or ``candidates`` (the
    day-first and month-first readings of an ambiguous one) is set.
    ``order`` is the order an unambiguous A/B/Y date shows (evidence for the sheet).
    """

    date: dt.date | None = None
    candidates: tuple[dt.date, dt.date] | None = None
    order: str | None = None


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _from_serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:
        raise ValueParseError("is not a date (a number outside Excel's date range)", _DATE_FIX)
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_DAY_MONTH_WORD = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[-/. ]*([^\d\s,./-]+)[-/., ]*(\d{2}|\d{4})$")
_MONTH_WORD_DAY = re.compile(r"^([^\d\s,./-]+)[-/. ]*(\d{1,2})(?:st|nd|rd|th)?[,]?[-/. ]*(\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def read_date(value: object) -> DateReading:
    """Read one date cell (see the module docstring for the rule).

    Raises:
        ValueParseError: not a date, or not a real date (31-02-2022).
    """
    if isinstance(value, dt.datetime):
        return DateReading(date=value.date())
    if isinstance(value, dt.date):
        return DateReading(date=value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return DateReading(date=_from_serial(float(value)))
    text = ascii_digits(clean_text(value) or "")
    if not text:
        raise ValueParseError("is blank", "fill in the registration date")
    if _SERIAL.match(text):
        return DateReading(date=_from_serial(float(text)))
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        date = _make_date(year, month, day)
        if date is None:
            raise ValueParseError("is not a real date (no such day in that month)", _DATE_FIX)
        return DateReading(date=date)
    if match := _NUMERIC.match(text):
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        day_first = _make_date(year, second, first)
        month_first = _make_date(year, first, second)
        if day_first is None and month_first is None:
            raise ValueParseError("is not a real date (no such day in that month)", _DATE_FIX)
        if day_first is None:
            return DateReading(date=month_first, order=MONTH_FIRST)
        if month_first is None or day_first == month_first:
            return DateReading(date=day_first, order=DAY_FIRST if first != second else None)
        return DateReading(candidates=(day_first, month_first))
    for pattern, day_group, month_group in ((_DAY_MONTH_WORD, 1, 2), (_MONTH_WORD_DAY, 2, 1)):
        if match := pattern.match(text):
            month = _month_numbers().get(text_key(match.group(month_group)))
            if month is None:
                break
            date = _make_date(_year(match.group(3)), month, int(match.group(day_group)))
            if date is None:
                raise ValueParseError("is not a real date (no such day in that month)", _DATE_FIX)
            return DateReading(date=date)
    raise ValueParseError("is not a date the kit can read", _DATE_FIX)


#: The order of a sheet's ambiguous A/B/Y dates when none of its dates proves one: Indian offices
#: write the day first (docs/registration_schema.md, "Dates").
DEFAULT_ORDER = DAY_FIRST


def unambiguous(date: dt.date) -> str:
    """A date written so that no day/month question arises: ``05-Dec-2021`` (month as an English word)."""
    return f"{date.day:02d}-{_MONTH_ABBREVIATIONS[date.month - 1]}-{date.year}"


def proven_orders(readings: list[DateReading]) -> set[str]:
    """The orders a sheet's dates prove: day-first by a first number above 12, month-first by a second one."""
    return {r.order for r in readings if r.order is not None}


def sheet_date_order(readings: list[DateReading]) -> str | None:
    """The order a sheet's ambiguous A/B/Y dates are read in.

    ``MONTH_FIRST`` when some date proves it (``05/13/2021``) and none proves day-first;
    ``DAY_FIRST`` when some date proves it (``13/05/2021``) or none proves either
    (``DEFAULT_ORDER``); None when the dates prove both: the sheet settles nothing.
    """
    orders = proven_orders(readings)
    if len(orders) > 1:
        return None
    return orders.pop() if orders else DEFAULT_ORDER


def _range_fix(reading: DateReading, date: dt.date, order: str | None) -> str:
    """The fix of a date out of the campaign's range: the date the kit read, and the other reading if any."""
    if reading.candidates is None or order is None:
        return f"check the year: the kit reads {unambiguous(date)}"
    other = reading.candidates[1] if order == DAY_FIRST else reading.candidates[0]
    return (f"check the year: the kit reads {unambiguous(date)} ({order.replace('-', ' ')}, this sheet's order); "
            f"if you mean {unambiguous(other)}, write that")


def resolve_date(reading: DateReading, order: str | None, latest: dt.date) -> dt.date:
    """The date of a reading, given the sheet's order (``sheet_date_order``); checked against the campaign's
    possible range.

    Raises:
        ValueParseError: ambiguous in a sheet that settles no order (``order`` None), before 2016, or after
            ``latest``; the fix names the date the kit read (or both readings).
    """
    if reading.candidates is not None:
        day_first, month_first = reading.candidates
        if order is None:
            raise ValueParseError(
                f"is ambiguous: {day_first:%d %b %Y} (day first) or {month_first:%d %b %Y} (month first), "
                "and this sheet has dates written both ways",
                f"write {unambiguous(day_first)} or {unambiguous(month_first)}, whichever you mean "
                "(with the month as a word no date is ambiguous)",
            )
        date = day_first if order == DAY_FIRST else month_first
    else:
        date = reading.date  # type: ignore[assignment]
    if date < EARLIEST_REGISTRATION_DATE:
        raise ValueParseError(f"is {date:%d %b %Y}, before 2016 when GeM began", _range_fix(reading, date, order))
    if date > latest:
        raise ValueParseError(f"is {date:%d %b %Y}, in the future", _range_fix(reading, date, order))
    return date


# ------------------------------------------------------- coded and yes/no


@lru_cache(maxsize=1)
def value_synonyms() -> dict[str, dict[str, str]]:
    """Kind ('trade', 'onboarding_status', 'boolean') -> value key -> standard value."""
    frame = pd.read_csv(paths.REFERENCE_DIR / VALUE_SYNONYMS_FILE, dtype=str, keep_default_na=False)
    return {kind: dict(zip(rows["value"].map(text_key), rows["standard_value"]))
            for kind, rows in frame.groupby("kind", sort=False)}


def standard_values(kind: str) -> list[str]:
    """The standard values of a kind, in file order: ['artisan', 'weaver', 'other']."""
    return list(dict.fromkeys(value_synonyms()[kind].values()))


def parse_coded(value: object, kind: str) -> str:
    """Parse a coded value (trade or onboarding status) to its standard spelling.

    Raises:
        ValueParseError: blank or not a known value.
    """
    text = clean_text(value)
    allowed = " / ".join(standard_values(kind))
    if text is None:
        raise ValueParseError("is blank", f"write one of: {allowed}")
    standard = value_synonyms()[kind].get(text_key(ascii_digits(text)))
    if standard is None:
        raise ValueParseError(f"is not a known {kind.replace('_', ' ')}", f"write one of: {allowed}")
    return standard


def parse_bool(value: object) -> bool:
    """Parse yes/no, y/n, true/false, 1/0, हाँ/नहीं (and Excel TRUE/FALSE cells).

    Raises:
        ValueParseError: blank or not a yes/no value.
    """
    if isinstance(value, bool):
        return value
    text = clean_text(value)
    if text is None:
        raise ValueParseError("is blank", "write yes or no")
    standard = value_synonyms()["boolean"].get(text_key(ascii_digits(text)))
    if standard is None:
        raise ValueParseError("is not yes or no", "write yes or no (हाँ / नहीं)")
    return standard == "true"
