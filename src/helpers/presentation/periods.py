"""The period a report's changes cover, in words: since the last report published, or the days before.

A report compares with the as-of date of the last report of the same kind that the
ledger holds (``ledger.previous_report_date``) and names it. Before the first report
there is none, and the page says "in the 7 days before <date>" instead: it never says
"since the last report" when there was no report.

Belongs here: the phrase. Not here: computing the change (``helpers.analysis.ranking``).
"""

from __future__ import annotations

from datetime import date

from helpers.presentation.formatting import format_count, format_day
from helpers.presentation.i18n import t


def period_phrase(previous: date, as_of: date, *, is_since_report: bool, days: int, lang: str,
                  inline: bool = False) -> str:
    """"Since the last report, as of 28 November 2021" or "In the 7 days before 5 December 2021".

    Args:
        previous: the previous reporting date (the last report's as-of date, or ``as_of`` − ``days``).
        as_of: this report's as-of date.
        is_since_report: True when ``previous`` is the as-of date of a report published before.
        days: the period's length in days.
        inline: the lower-case form, for the middle of a sentence.
    """
    key = "since_report" if is_since_report else "days_before"
    return t(f"period.{key}{'_inline' if inline else ''}", lang, previous=format_day(previous, lang),
             date=format_day(as_of, lang), days=format_count(days, lang))


def change_period(change, lang: str, *, inline: bool = False) -> str:
    """``period_phrase`` of a ``ranking.PeriodChange`` or a district's standing (same fields)."""
    return period_phrase(change.previous_date, change.as_of_date, is_since_report=change.is_since_report,
                         days=change.period_days, lang=lang, inline=inline)
