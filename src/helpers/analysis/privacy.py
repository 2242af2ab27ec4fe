"""Keeping published tables safe: small-count suppression and spreadsheet-formula safety.

Applied to anything the kit writes for people to open (CSV files, report
tables). HTML escaping is ``helpers.presentation.display.escape``. What does not belong here: finding personal data in inputs
(``helpers.ingest.pii``), which drops it before anything is written.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

#: Characters that make Excel/LibreOffice read a cell as a formula (or worse, DDE).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def small_count_marker(threshold: int) -> str:
    """The text that replaces a suppressed count: ``'<5'`` for threshold 5."""
    return f"<{threshold}"


def suppress_small_counts(frame: pd.DataFrame, count_columns: Sequence[str], threshold: int = 5) -> pd.DataFrame:
    """Replace counts from 1 to ``threshold - 1`` by the marker ``"<threshold"`` (``"<5"``).

    Counts of 0 are kept (nobody to identify), as are missing values. The
    count columns come back as object columns (numbers and marker strings),
    so the result is for display, not for arithmetic. The input is not changed.

    Args:
        frame: a table with count columns.
        count_columns: the columns to suppress.
        threshold: the smallest count shown as it is.

    Raises:
        KeyError: a named column is not in the frame.
    """
    missing = [c for c in count_columns if c not in frame.columns]
    if missing:
        raise KeyError(f"suppress_small_counts: no column(s) {missing}; the frame has {list(frame.columns)}")
    return suppress_shares(frame, {column: column for column in count_columns}, threshold)  # a count hides itself


def suppress_shares(
    frame: pd.DataFrame, share_of_count: dict[str, str], threshold: int = 5
) -> pd.DataFrame:
    """Hide a percentage whose numerator is a suppressed count (1 to ``threshold - 1``).

    A share shown next to its total gives the count away (11.1% of 9 is 1), so
    wherever ``frame[count]`` is small, ``frame[share]`` becomes the marker too.

    Args:
        frame: a table with share columns and the count columns they are computed from.
        share_of_count: ``{share column: count column}``.
        threshold: the smallest count shown as it is.
    """
    out = frame.copy()
    marker = small_count_marker(threshold)
    for share, count in share_of_count.items():  # a count from 1 to threshold - 1; text that is no number is not one
        numeric = pd.to_numeric(frame[count], errors="coerce")
        out[share] = out[share].astype(object).where(~(numeric.notna() & (numeric >= 1) & (numeric < threshold)), marker)
    return out


#: Counts that break a district (or an event, a product) down by trade, women, tribal, onboarding stage,
#: where sellers came from, or product: suppressed wherever such a table leaves the kit.
BREAKDOWN_COUNTS: tuple[str, ...] = (
    "artisan_count", "weaver_count", "other_count", "women_count", "tribal_count", "catalogue_live_count",
    "first_order_count", "from_event_district_count", "from_nearby_count", "from_elsewhere_count", "sellers_count",
    "odop_registrations_count",
)
#: Each share computed from a breakdown count: hidden with its count.
BREAKDOWN_SHARES: dict[str, str] = {
    "women_share_pct": "women_count", "tribal_share_pct": "tribal_count", "catalogue_live_pct": "catalogue_live_count",
    "first_order_pct": "first_order_count", "from_nearby_pct": "from_nearby_count",
    "odop_share_pct": "odop_registrations_count",
}


def suppress_breakdowns(frame: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """``suppress_shares`` then ``suppress_small_counts`` over every breakdown column the frame has.

    The one rule for a table leaving the kit (workbook sheet, CSV): each of
    ``BREAKDOWN_COUNTS`` from 1 to ``threshold`` − 1 becomes "<threshold", and so does
    each share of ``BREAKDOWN_SHARES`` computed from such a count. Columns the frame
    lacks are skipped; the input is not changed.
    """
    shares = {s: c for s, c in BREAKDOWN_SHARES.items() if s in frame.columns and c in frame.columns}
    out = suppress_shares(frame, shares, threshold) if shares else frame
    counts = [c for c in BREAKDOWN_COUNTS if c in frame.columns]
    return suppress_small_counts(out, counts, threshold) if counts else out.copy()


def funnel_is_publishable(stage_counts: Sequence[int], threshold: int = 5) -> bool:
    """True when no stage of a funnel holds 1 to ``threshold - 1`` sellers (so it can be shown exactly)."""
    return not any(1 <= int(count) < threshold for count in stage_counts)


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix a quote to every text cell starting with ``= + - @``, tab or CR, so Excel shows it as text.

    Numeric columns are left as they are (a negative number is not text).
    The input is not changed.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES)
                                          else v).astype(object)
    return out
