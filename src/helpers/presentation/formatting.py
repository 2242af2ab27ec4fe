"""Numbers and labels as the kit's readers expect them.

Counts use the Indian grouping (1,49,429), money is in ₹ crore (₹2,584.47
crore), shares are percentages with two decimals. Babel does the grouping;
Hindi output uses the same digits (Indian government documents in Hindi use
international numerals) with Hindi words where a word is needed.

What does not belong here: translations of sentences (``i18n``), charts.
"""

from __future__ import annotations

import math

from babel.numbers import format_decimal

_LOCALES = {"en": "en_IN", "hi": "hi_IN"}
NOT_AVAILABLE = {"en": "n/a", "hi": "उपलब्ध नहीं"}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, "en_IN")


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in {"<NA>", "nan", "NaT"}


def format_count(value: float | int | None, lang: str = "en") -> str:
    """Format a count in Indian grouping: 149429 -> '1,49,429'; missing -> 'n/a'."""
    if _is_missing(value):
        return NOT_AVAILABLE.get(lang, "n/a")
    return format_decimal(round(float(value)), format="#,##,##0", locale=_locale(lang))


def format_number(value: float | None, decimals: int = 2, lang: str = "en") -> str:
    """Format a decimal number in Indian grouping with a fixed number of decimals: 2584.47 -> '2,584.47'."""
    if _is_missing(value):
        return NOT_AVAILABLE.get(lang, "n/a")
    pattern = "#,##,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(float(value), format=pattern, locale=_locale(lang))


def format_pct(value: float | None, decimals: int = 2, lang: str = "en") -> str:
    """Format a percentage already on the 0-100 scale: 17.0506 -> '17.05%'."""
    if _is_missing(value):
        return NOT_AVAILABLE.get(lang, "n/a")
    return f"{format_number(value, decimals, lang)}%"


def format_crore(value_crore: float | None, lang: str = "en") -> str:
    """Format an amount in ₹ crore: 2584.47 -> '₹2,584.47 crore' (Hindi: '₹2,584.47 करोड़')."""
    if _is_missing(value_crore):
        return NOT_AVAILABLE.get(lang, "n/a")
    unit = "करोड़" if lang == "hi" else "crore"
    return f"₹{format_number(value_crore, 2, lang)} {unit}"
