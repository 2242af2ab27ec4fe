"""Numbers, dates and labels as the kit's readers expect them.

Counts use the Indian grouping (1,49,429), money is in ₹ crore (₹2,584.47
crore), shares are percentages with two decimals, dates are written out (29
October 2021). Babel does the grouping and the dates, in the locale and formats
of the language's record (``languages``); Hindi output uses the same digits
(Indian government documents in Hindi use international numerals) with words
from the message catalogue where a word is needed ("n/a", "crore").

What does not belong here: translations of sentences (``i18n``), charts.
"""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from helpers.presentation import i18n
from helpers import languages


def _locale(lang: str) -> str:
    return languages.language(lang).locale


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in {"<NA>", "nan", "NaT"}


def _not_available(lang: str) -> str:
    return i18n.t("format.not_available", lang)


def format_count(value: float | int | None, lang: str = "en") -> str:
    """Format a count in Indian grouping: 149429 -> '1,49,429'; missing -> 'n/a'."""
    if _is_missing(value):
        return _not_available(lang)
    return format_decimal(round(float(value)), format="#,##,##0", locale=_locale(lang))


def format_number(value: float | None, decimals: int = 2, lang: str = "en") -> str:
    """Format a decimal number in Indian grouping with a fixed number of decimals: 2584.47 -> '2,584.47'."""
    if _is_missing(value):
        return _not_available(lang)
    pattern = "#,##,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(float(value), format=pattern, locale=_locale(lang))


def format_pct(value: float | None, decimals: int = 2, lang: str = "en") -> str:
    """Format a percentage already on the 0-100 scale: 17.0506 -> '17.05%'."""
    if _is_missing(value):
        return _not_available(lang)
    return f"{format_number(value, decimals, lang)}%"


def format_crore(value_crore: float | None, lang: str = "en") -> str:
    """Format an amount in ₹ crore: 2584.47 -> '₹2,584.47 crore' (Hindi: '₹2,584.47 करोड़')."""
    if _is_missing(value_crore):
        return _not_available(lang)
    return i18n.t("format.crore", lang, amount=format_number(value_crore, 2, lang))


def format_day(day: object, lang: str = "en") -> str:
    """A date as officials write it, in the language's long format: '29 October 2021' / '29 अक्तूबर 2021'.

    ``day``: a date, a ``pandas.Timestamp`` or an ISO date text.
    """
    record = languages.language(lang)
    return format_date(_as_date(day), format=record.long_date_format, locale=record.locale)


def format_month(day: object, lang: str = "en") -> str:
    """A month and its year, for a figure dated by its month only: 'February 2023'."""
    record = languages.language(lang)
    return format_date(_as_date(day), format=record.month_date_format, locale=record.locale)


def _as_date(day: object) -> date:
    import pandas as pd

    return pd.Timestamp(day).date()
