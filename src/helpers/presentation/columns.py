"""The column registry: what every column a table shows means, its unit, labels and display format.

``columns.csv`` beside this module has one row per column a notebook or brief
table shows: ``column, unit, display_format, decimals, label_en, label_hi,
description``. Tables take their labels and formats from here (no label typed
into a notebook), and ``docs/metrics.md`` is checked against the descriptions
by ``tests/test_columns.py``. Display formats: count, pct, ratio, crore, date, text.

What does not belong here: formatting numbers (``formatting``), sentences
(``i18n`` catalogues), HTML (``display``, ``fragments``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers.errors import ReferenceDataError

#: The registry file.
COLUMNS_FILE = Path(__file__).resolve().parent / "columns.csv"
#: Allowed display formats.
DISPLAY_FORMATS: tuple[str, ...] = ("count", "pct", "ratio", "crore", "date", "text")


@lru_cache(maxsize=1)
def load_columns() -> pd.DataFrame:
    """The registry, indexed by ``column``.

    Raises:
        ReferenceDataError: a row has a display format outside :data:`DISPLAY_FORMATS` or a column twice.
    """
    frame = pd.read_csv(COLUMNS_FILE, dtype=str, keep_default_na=False)
    bad = frame.loc[~frame["display_format"].isin(DISPLAY_FORMATS), ["column", "display_format"]]
    if len(bad):
        row = bad.iloc[0]
        raise ReferenceDataError(
            f"{COLUMNS_FILE}: column '{row['column']}' has display_format '{row['display_format']}'; "
            f"use one of {', '.join(DISPLAY_FORMATS)}"
        )
    if frame["column"].duplicated().any():
        twice = frame.loc[frame["column"].duplicated(), "column"].iloc[0]
        raise ReferenceDataError(f"{COLUMNS_FILE}: column '{twice}' is described twice; keep one row")
    return frame.set_index("column")


def _row(column: str) -> pd.Series:
    registry = load_columns()
    if column not in registry.index:
        raise ReferenceDataError(f"column '{column}' is not in {COLUMNS_FILE.name}; add a row describing it")
    return registry.loc[column]


def label(column: str, lang: str = "en") -> str:
    """The column's label in ``lang`` ("en" or "hi")."""
    return str(_row(column)[f"label_{lang}"])


def labels(columns: Iterable[str], lang: str = "en") -> dict[str, str]:
    """``{column: label}`` for ``columns``, in order."""
    return {column: label(column, lang) for column in columns}


def display_format(column: str) -> str:
    """How the column is shown: count, pct, ratio, crore, date or text."""
    return str(_row(column)["display_format"])


def decimals(column: str) -> int | None:
    """Decimals shown for a pct or ratio column (None: the format's default)."""
    value = _row(column)["decimals"]
    return int(value) if str(value).strip() else None


def description(column: str) -> str:
    """What the column means (its definition, with the unit where it has one)."""
    return str(_row(column)["description"])


#: Markers around the generated column reference in ``docs/metrics.md``.
DOCS_BEGIN = "<!-- columns: generated from src/helpers/presentation/columns.csv; do not edit by hand -->"
DOCS_END = "<!-- end of columns -->"


def docs_block() -> str:
    """The column reference of ``docs/metrics.md`` (a Markdown table), written from the registry."""
    lines = [DOCS_BEGIN, "", "| column | unit | shown as | English | Hindi | definition |", "|---|---|---|---|---|---|"]
    for column, row in load_columns().iterrows():
        cells = [f"`{column}`", row["unit"], row["display_format"], row["label_en"], row["label_hi"], row["description"]]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join([*lines, "", DOCS_END])


def write_docs(path: Path) -> bool:
    """Replace the generated block of ``path`` (or append it) with :func:`docs_block`; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(DOCS_BEGIN) + r".*?" + re.escape(DOCS_END), re.S)
    new = pattern.sub(lambda _: docs_block(), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + docs_block() + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # python -m helpers.presentation.columns: refresh docs/metrics.md
    from helpers import paths

    print("docs/metrics.md updated" if write_docs(paths.DOCS_DIR / "metrics.md") else "docs/metrics.md up to date")
