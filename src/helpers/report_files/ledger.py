"""The ledger of published figures, and the revisions a later correction of the data makes to them.

The ledger is kept in the kit's store (``helpers.store``: ``data/processed/kit-memory.sqlite``),
one row per figure each build published (as-of date, report, district, figure, value).
It is append-only: rows already in it are never changed or removed. It is idempotent: a
figure already recorded with the same value for the same as-of date and report adds
nothing, so building twice with the same data adds nothing. When a corrected sheet
changes a figure already published for an as-of date, the rebuilt value is stored
too, and ``revisions`` lists the figure with the value first published and the value
now, as statistical offices publish their revisions. ``published_figures.csv`` beside
the store is an export, rewritten after every build.

Belongs here: shaping figures as ledger rows, reading the ledger, comparing with it.
Not here: computing the figures (``helpers.analysis``), deciding which figures a report
publishes (the notebooks), or the database itself (``helpers.store``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import store
from helpers.analysis import privacy
from helpers.store import KEY_COLUMNS, LEDGER_COLUMNS, as_number

#: A district's figures written as "<5" from 1 to 4, as its pages show them (``privacy``): its breakdown
#: counts and its new registrations of the period; each share of a breakdown count goes with its count.
SMALL_DISTRICT_FIGURES: frozenset[str] = frozenset(privacy.BREAKDOWN_COUNTS) | {"new_registrations_count"}


def canonical_value(value: object) -> str:
    """A figure's value as ledger text: whole numbers without decimals, others to 12 significant digits, '' for n/a.

    True/False are written 'true'/'false'; text is kept as it is.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        number = float(value)
        return str(int(number)) if number.is_integer() else format(number, ".12g")
    return str(value)


def published_values(triples: Iterable[tuple[str, str, str]], threshold: int = 5) -> list[str]:
    """The values of ``(district, figure, value as ledger text)`` as published: a district's figure of
    ``SMALL_DISTRICT_FIGURES`` from 1 to ``threshold`` − 1 as "<threshold" (``privacy.small_count_marker``),
    and so is a district's share (``privacy.BREAKDOWN_SHARES``) whose count is such a figure."""
    triples = list(triples)
    small = {(d, f.rsplit(".", 1)[-1]) for d, f, v in triples
             if d and f.rsplit(".", 1)[-1] in SMALL_DISTRICT_FIGURES and 1 <= (as_number(v) or 0) < threshold}
    hidden = {(d, share) for d, count in small for share, of in privacy.BREAKDOWN_SHARES.items() if of == count}
    suppressed, marker = small | hidden, privacy.small_count_marker(threshold)
    return [marker if (d, f.rsplit(".", 1)[-1]) in suppressed and v != "" else v for d, f, v in triples]


def figures_frame(
    as_of: date | str, report: str, figures: Mapping[str, object] | Iterable[tuple[str, str, object]]
) -> pd.DataFrame:
    """The figures of one report as ledger rows (without ``recorded_at``).

    A district's small breakdown counts are written as "<5", as its pages show them (``published_values``).

    Args:
        as_of: the report's as-of date.
        report: the report key, e.g. "phase-1/brief-en".
        figures: ``{figure: value}`` for phase-wide figures, or ``(district, figure, value)``
            triples; phase-wide figures have district "".
    """
    triples = [("", k, v) for k, v in figures.items()] if isinstance(figures, Mapping) else list(figures)
    rows = [(str(d or ""), str(f), canonical_value(v)) for d, f, v in triples]
    return pd.DataFrame(
        {
            "as_of_date": pd.Timestamp(as_of).date().isoformat(),
            "report": str(report),
            "district": [d for d, _, _ in rows],
            "figure": [f for _, f, _ in rows],
            "value": published_values(rows),
        },
        columns=list(LEDGER_COLUMNS[:-1]),
    )


def read_ledger(path: Path | None = None) -> pd.DataFrame:
    """The ledger as text columns, in the order the rows were stored (empty before the first build).

    Args:
        path: the store (default: ``data/processed/kit-memory.sqlite``).

    Raises:
        StoreError: the store is damaged (one line saying how to recover).
    """
    rows = store.query(lambda memory: memory.ledger_rows(), [], path)
    return pd.DataFrame(rows, columns=list(LEDGER_COLUMNS), dtype=object)


def previous_report_date(report: str, as_of: date | str, path: Path | None = None) -> date | None:
    """The as-of date of the last report of ``report`` published before ``as_of``, or None (first report)."""
    before = date.fromisoformat(str(as_of)[:10]).isoformat()
    found = store.query(lambda memory: memory.latest_as_of_before(report, before), None, path)
    return date.fromisoformat(found) if found else None


def revisions(ledger: pd.DataFrame, current_figures: pd.DataFrame) -> pd.DataFrame:
    """Figures whose value now differs from the value first published for the same as-of date and report.

    Args:
        ledger: ``read_ledger()`` (before or after this build's append).
        current_figures: this build's figures (``figures_frame``).

    Returns:
        Columns ``as_of_date, report, district, figure, published_value, current_value,
        first_recorded_at``, one row per revised figure, sorted by the key.
    """
    keys = list(KEY_COLUMNS)
    first = ledger.drop_duplicates(keys, keep="first").rename(
        columns={"value": "published_value", "recorded_at": "first_recorded_at"}
    )
    # a small count an older kit stored as it was is compared, and shown, as published now ("<5")
    first["published_value"] = published_values(zip(first["district"].astype(str), first["figure"].astype(str),
                                                    first["published_value"].astype(str)))
    current = current_figures[[*keys, "value"]].astype(str).rename(columns={"value": "current_value"})
    merged = current.merge(first[[*keys, "published_value", "first_recorded_at"]], on=keys, how="inner")
    changed = merged[merged["published_value"] != merged["current_value"]]
    columns = [*keys, "published_value", "current_value", "first_recorded_at"]
    return changed[columns].sort_values(keys).reset_index(drop=True)
