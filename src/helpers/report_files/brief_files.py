"""The files a brief writes beside its page: workbook, share card and its alt text, figures CSV, summary JSON.

``notebooks/reports.yaml`` declares them for each report (``files:``), the build
passes their names to the notebook (parameters ``<kind>_file``; a notebook run by
hand gets the same names from ``params.require_report_files``) and fails a job whose
declared file is missing. Each function here writes one of them, atomically
(``helpers.files``), at the path it is given:

- ``write_workbook``: the tables as .xlsx (``workbook.write_tables_workbook``), with
  only the columns the column registry knows, so every header is in the brief's language;
- ``write_share_card``: the share card PNG (optimised) and its alt text beside it (``<name>.alt.txt``);
- ``write_figures``: the published figures as CSV (``ledger.figures_frame`` rows, which the
  build appends to the ledger);
- ``write_summary``: the index card's as-of date and headline as JSON.

Belongs here: formats and writing of these files. Not here: their names (``reports.yaml``,
expanded by ``plan``), choosing or computing the figures (``helpers.analysis``,
``presentation.summary``), drawing the card (``presentation.share_cards``), the ledger
itself (``ledger``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import fields
from helpers.analysis import privacy
from helpers.files import write_atomically
from helpers.presentation import i18n
from helpers import languages
from helpers.presentation.share_cards import share_card_png
from helpers.report_files import ledger, workbook

#: Keys of the summary JSON, as the index reads them.
SUMMARY_KEYS: tuple[str, ...] = ("as_of", "as_of_is_latest", "headline_figures", "headline_change", "is_synthetic",
                                 "target_basis", "is_illustrative_phase")


def registered_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The columns of ``frame`` that the column registry describes, with district names in ``lang``.

    A table for the workbook keeps only what has a label in both languages; the
    ``district`` and ``event_district`` columns are written in the workbook's language.
    """
    known = set(fields.load_columns().index)
    table = frame[[c for c in frame.columns if c in known]].copy()
    for column in ("district", "event_district"):
        if column in table and lang != languages.BASE:
            table[column] = table[column].map(lambda d: i18n.district_name(d, lang) if isinstance(d, str) else d)
    return table


def write_workbook(
    path: Path | str,
    tables: Sequence[tuple[str, pd.DataFrame]],
    *,
    lang: str,
    title: str,
    as_of: date,
    sources: Sequence[str],
    synthetic_notice: str | None,
    small_count_threshold: int = 5,
) -> Path:
    """Write the workbook at ``path``: an about sheet, then each (sheet name, table) with registry headers.

    Empty tables are left out; columns outside the registry are dropped (``registered_table``).
    Every breakdown count from 1 to ``small_count_threshold`` − 1, and the share computed
    from it, is written as "<N" (``privacy.suppress_breakdowns``), in every sheet.
    """
    kept = [(name, privacy.suppress_breakdowns(registered_table(frame, lang), small_count_threshold))
            for name, frame in tables if not frame.empty]
    kept = [(name, frame) for name, frame in kept if len(frame.columns)]
    return workbook.write_tables_workbook(Path(path), kept, lang=lang, title=title, as_of=as_of, sources=list(sources),
                                          synthetic_notice=synthetic_notice)


def write_share_card(path: Path | str, **card: Any) -> tuple[Path, str]:
    """Write the share card at ``path`` (PNG, 1080 x 1350, optimised) and its alt text in ``<path>.alt.txt``.

    ``card``: the keyword arguments of ``share_cards.draw_share_card``.

    Returns:
        The PNG's path and the alt text.
    """
    return Path(path), share_card_png(path, **card)


def write_figures(
    path: Path | str,
    *,
    as_of: date,
    report_key: str,
    figures: Mapping[str, object] | Iterable[tuple[str, str, object]],
) -> tuple[Path, pd.DataFrame]:
    """Write the published figures at ``path`` as ledger rows (CSV: as_of_date, report, district, figure, value),
    its columns checked against the field registry (the allow-list of outputs).

    Returns:
        The path and the rows written (for ``ledger.revisions``).
    """
    rows = ledger.figures_frame(as_of, report_key, figures)
    return write_figures_frame(path, rows), rows


def write_figures_frame(path: Path | str, rows: pd.DataFrame) -> Path:
    """Write ledger rows (``ledger.figures_frame``) at ``path`` as CSV, its columns checked against the field
    registry (the allow-list of outputs)."""
    fields.require_declared(rows.columns, Path(path).name)
    return write_atomically(Path(path), rows.to_csv(index=False, lineterminator="\n"))


def write_table_csv(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write a table a notebook publishes as CSV: its columns checked against the field registry (the
    allow-list of outputs), cells made formula-safe (``privacy.excel_safe``), UTF-8 with a BOM so that
    Excel shows Hindi, written aside and renamed."""
    fields.require_declared(frame.columns, Path(path).name)
    return write_atomically(Path(path), privacy.excel_safe(frame).to_csv(index=False).encode("utf-8-sig"))


def summary_document(
    *, as_of: date, as_of_is_latest: bool, headline_figures: Sequence[tuple[str, str]], headline_change: str,
    is_synthetic: bool, target_basis: str = "", is_illustrative_phase: bool = False,
) -> dict[str, object]:
    """The index card's summary: as-of date, whether it is the latest, 3 or 4 (label, value) figures, the change.

    ``target_basis`` is what the phase's targets are, in the page's words ("illustrative",
    "derived, not official", "official"; "" without targets): the label of every figure that
    depends on a target, carried with the figures (whose own labels say it too).
    ``is_illustrative_phase``: the phase itself is the kit's illustration, not a source's.

    Raises:
        ValueError: fewer than 3 or more than 4 headline figures.
    """
    if not 3 <= len(headline_figures) <= 4:
        raise ValueError(f"a summary has 3 or 4 headline figures, not {len(headline_figures)}")
    return {
        "as_of": pd.Timestamp(as_of).date().isoformat(),
        "as_of_is_latest": bool(as_of_is_latest),
        "headline_figures": [{"label": str(label), "value": str(value)} for label, value in headline_figures],
        "headline_change": str(headline_change),
        "is_synthetic": bool(is_synthetic),
        "target_basis": str(target_basis),
        "is_illustrative_phase": bool(is_illustrative_phase),
    }


def write_summary(path: Path | str, **document: object) -> Path:
    """Write the summary at ``path`` from the arguments of ``summary_document`` (JSON, UTF-8, Hindi kept as text)."""
    content = summary_document(**document)  # type: ignore[arg-type]
    return write_atomically(Path(path), json.dumps(content, ensure_ascii=False, indent=2) + "\n")
