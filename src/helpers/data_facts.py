"""The facts of the prepared registrations that every report shares, decided once: synthetic or not, latest date.

``read_data_facts`` is the one decision of both. The build reads them once per
version of ``registrations.parquet`` and passes them to every notebook as
parameters; a notebook run by hand calls the same function
(``params.require_data_facts``), and so does the analysis
(``analysis.comparison``). It reads only the flag and the dated
columns with pyarrow, so the build imports no pandas for it.

Belongs here: reading those two facts. Not here: checking a notebook's
parameters (``params``), the as-of date (``params.decide_as_of``).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from helpers import paths
from helpers.vocabulary import STATUS_DATE_COLUMNS

if TYPE_CHECKING:
    import pandas as pd


class DataFacts(NamedTuple):
    """What every report on one set of prepared registrations shares (``read_data_facts``)."""

    is_synthetic: bool  # some row is synthetic demo data: every page, chart, card and workbook says so
    latest_data_date: date | None  # the latest registration or stage date; None without a dated row


def _facts_table(registrations: Path | str | pd.DataFrame, columns: tuple[str, ...]):
    """The columns of ``registrations`` among ``columns``, as a pyarrow table (None: no readable file)."""
    import pyarrow as pa

    if isinstance(registrations, (str, Path)):
        import pyarrow.parquet as pq

        path = Path(registrations)
        if not path.is_file():
            return None
        try:
            present = [c for c in columns if c in pq.read_schema(path).names]
            return pq.read_table(path, columns=present)
        except (OSError, ValueError, pa.ArrowException):
            return None
    import pandas as pd

    frame = registrations
    return pa.table({c: frame[c] if c == "is_synthetic" else pd.to_datetime(frame[c], errors="coerce")
                     for c in columns if c in frame})


def read_data_facts(registrations: Path | str | pd.DataFrame | None = None) -> DataFacts:
    """Whether the registrations hold synthetic rows, and the latest date in them: the one decision of both.

    The build reads them once per version of the prepared file and passes them to every notebook
    (parameters ``is_synthetic`` and ``latest_data_date``); a notebook run by hand calls this on its
    ``registrations_path`` (``require_data_facts``). A file is read with pyarrow, only the flag and the
    dated columns, so the build does not import pandas.

    Args:
        registrations: the prepared registrations (parquet; default ``paths.REGISTRATIONS_PARQUET``),
            or a table of them (a pandas DataFrame, as ``helpers.analysis`` holds it).

    Returns:
        ``is_synthetic``: some row's ``is_synthetic`` is true (no such column: False);
        ``latest_data_date``: the latest of the registration dates and every dated stage column
        (``STATUS_DATE_COLUMNS``), None when none is dated. A missing or unreadable file: (False, None).
    """
    import pyarrow.compute as pc

    dated = tuple(STATUS_DATE_COLUMNS.values())
    table = _facts_table(paths.REGISTRATIONS_PARQUET if registrations is None else registrations,
                         ("is_synthetic", *dated))
    if table is None:
        return DataFacts(False, None)
    is_synthetic = "is_synthetic" in table.column_names and bool(pc.any(table["is_synthetic"]).as_py())
    days = [pc.max(table[c]).as_py() for c in dated if c in table.column_names]
    days = [d.date() if isinstance(d, datetime) else d for d in days if d is not None]
    return DataFacts(is_synthetic, max(days) if days else None)
