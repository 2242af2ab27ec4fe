"""The ledger of published figures, and the revisions a later correction of the data makes to them.

Each build appends what it published (as-of date, report, district, figure, value) to
``data/processed/published_figures.csv``, one row per figure. The ledger is
append-only: rows already in it are never changed or removed. It is idempotent: a
figure already recorded with the same value for the same as-of date and report adds
nothing, so building twice with the same data adds nothing. When a corrected sheet
changes a figure already published for an as-of date, the rebuilt value is appended
too, and ``revisions`` lists the figure with the value first published and the value
now, as statistical offices publish their revisions.

Belongs here: reading, appending and comparing the ledger. Not here: computing the
figures (``helpers.analysis``) or deciding which figures a report publishes (the
notebooks).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.files import write_atomically

#: The ledger file (generated; under data/processed/, not committed).
LEDGER_FILE = paths.PROCESSED_DIR / "published_figures.csv"
#: Columns identifying one published figure.
KEY_COLUMNS: tuple[str, ...] = ("as_of_date", "report", "district", "figure")
#: Columns of the ledger, in order; ``recorded_at`` is when the row was appended (UTC).
LEDGER_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS, "value", "recorded_at")


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


def figures_frame(
    as_of: date | str, report: str, figures: Mapping[str, object] | Iterable[tuple[str, str, object]]
) -> pd.DataFrame:
    """The figures of one report as ledger rows (without ``recorded_at``).

    Args:
        as_of: the report's as-of date.
        report: the report key, e.g. "phase-1/brief-en".
        figures: ``{figure: value}`` for phase-wide figures, or ``(district, figure, value)``
            triples; phase-wide figures have district "".
    """
    triples = [("", k, v) for k, v in figures.items()] if isinstance(figures, Mapping) else list(figures)
    return pd.DataFrame(
        {
            "as_of_date": pd.Timestamp(as_of).date().isoformat(),
            "report": str(report),
            "district": [str(d or "") for d, _, _ in triples],
            "figure": [str(f) for _, f, _ in triples],
            "value": [canonical_value(v) for _, _, v in triples],
        },
        columns=list(LEDGER_COLUMNS[:-1]),
    )


def read_ledger(path: Path | None = None) -> pd.DataFrame:
    """The ledger as text columns (empty with the ledger's columns when there is none yet)."""
    path = LEDGER_FILE if path is None else Path(path)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LEDGER_COLUMNS})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame.reindex(columns=list(LEDGER_COLUMNS), fill_value="")


def append_published(
    current_figures: pd.DataFrame, path: Path | None = None, *, recorded_at: datetime | None = None
) -> int:
    """Append the figures a build published that the ledger does not already hold with the same value.

    A row is new when no ledger row has the same as-of date, report, district,
    figure and value. Existing rows are kept as they are; the file is rewritten
    through ``write_atomically`` (UTF-8 with a BOM, for Excel).

    Args:
        current_figures: rows of ``figures_frame`` (one or more reports).
        recorded_at: when the build ran (default: now, UTC).

    Returns:
        How many rows were appended (0 when the same build runs twice).
    """
    path = LEDGER_FILE if path is None else Path(path)
    ledger = read_ledger(path)
    wanted = current_figures[list(LEDGER_COLUMNS[:-1])].astype(str).drop_duplicates()
    seen = set(map(tuple, ledger[list(LEDGER_COLUMNS[:-1])].to_numpy()))
    new = wanted[[tuple(row) not in seen for row in wanted.to_numpy()]].copy()
    if new.empty:
        return 0
    stamp = (recorded_at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    new["recorded_at"] = stamp
    combined = pd.concat([ledger, new[list(LEDGER_COLUMNS)]], ignore_index=True)
    buffer = io.StringIO()
    combined.to_csv(buffer, index=False, lineterminator="\n")
    write_atomically(path, "\ufeff" + buffer.getvalue())
    return len(new)


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
    current = current_figures[[*keys, "value"]].astype(str).rename(columns={"value": "current_value"})
    merged = current.merge(first[[*keys, "published_value", "first_recorded_at"]], on=keys, how="inner")
    changed = merged[merged["published_value"] != merged["current_value"]]
    columns = [*keys, "published_value", "current_value", "first_recorded_at"]
    return changed[columns].sort_values(keys).reset_index(drop=True)
