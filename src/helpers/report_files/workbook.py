"""The Excel workbook of a phase: every table of its brief on its own sheet, safe to open.

``write_tables_workbook`` writes ``tables.xlsx`` (or ``tables.hi.xlsx``): a first
sheet with the title, the as-of date, the sources, the synthetic-data notice and
the list of tables, then one sheet per table. Headers come from the column
registry (``helpers.fields``) in the workbook's language; numbers
stay numbers, shown with Indian digit grouping (1,49,429) by Excel number
formats chosen from each column's display format; the header row is frozen and
filtered, columns are sized to their contents. No cell is ever a formula: text
starting with ``=``, ``+``, ``-`` or ``@`` is stored as text with a quote prefix.

Belongs here: laying tables out in a workbook. Not here: computing the tables
(``analysis``), their labels (``helpers.fields``), sentences (``i18n``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from helpers import fields
from helpers.files import atomic_path
from helpers.presentation import display, i18n

#: Indian digit grouping for whole numbers: 1,49,429 and 1,23,45,678 (Excel has no lakh grouping built in).
INDIAN_INTEGER_FORMAT = r"[>=10000000]##\,##\,##\,##0;[>=100000]##\,##\,##0;##,##0"
#: Dates as Indian readers write them.
DATE_FORMAT = "dd-mm-yyyy"
#: Column widths in characters (Excel's unit), smallest and largest.
MIN_WIDTH_CHARS, MAX_WIDTH_CHARS = 8, 60
#: Characters that make a spreadsheet read text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: The display format of a column the registry does not describe, by its dtype (the first that fits).
_DTYPE_FORMATS = ((pd.api.types.is_bool_dtype, None), (pd.api.types.is_integer_dtype, "count"),
                  (pd.api.types.is_float_dtype, "ratio"), (pd.api.types.is_datetime64_any_dtype, "date"))
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31


def indian_number_format(decimals: int = 0, *, prefix: str = "", suffix: str = "") -> str:
    """An Excel number format with Indian grouping and ``decimals`` places, e.g. ``1,23,45,678.50``.

    ``prefix`` and ``suffix`` are literal text around the number (a ₹ sign, a % sign).
    """
    tail = ("." + "0" * decimals) if decimals > 0 else ""
    before = f'"{prefix}"' if prefix else ""
    after = f'"{suffix}"' if suffix else ""
    sections = INDIAN_INTEGER_FORMAT.split(";")
    return ";".join(section.replace("#", before + "#", 1) + tail + after for section in sections)


def _registered(column: str) -> bool:
    """Whether the field registry describes ``column``."""
    return column in fields.load_columns().index


def column_number_format(column: str, series: pd.Series) -> str | None:
    """The Excel number format of a column: from its registry display format and decimals, else from its dtype."""
    if _registered(column):
        shown_as, decimals = fields.display_format(column), fields.decimals(column)
    else:
        shown_as, decimals = next((shown_as for is_kind, shown_as in _DTYPE_FORMATS if is_kind(series)), None), None
    if shown_as is None:
        return None
    # decimals when the registry gives none: as the pages show the column
    places = display.DEFAULT_DECIMALS.get(shown_as, 2) if decimals is None else decimals
    formats = {
        "count": INDIAN_INTEGER_FORMAT,
        "ratio": indian_number_format(places),
        "pct": indian_number_format(places, suffix="%"),
        "crore": indian_number_format(places, prefix="₹"),
        "date": DATE_FORMAT,
    }
    return formats.get(shown_as)


def cell_value(value: object) -> object:
    """A value as openpyxl should store it: numbers as numbers, dates as datetimes, missing as None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) or math.isinf(float(value)) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, (dt.datetime, dt.date, int, str)):
        return value
    return str(value)


def _put(cell: Cell, value: object) -> None:
    """Store ``value`` in ``cell``; text that looks like a formula stays text."""
    cell.value = cell_value(value)
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would store it as a formula
        cell.quotePrefix = True  # and Excel keeps it as text when the cell is edited


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """An Excel-valid sheet name for ``name`` (31 characters, no ``[]:*?/\\``), unique within ``taken``."""
    base = " ".join(_SHEET_NAME_FORBIDDEN.sub(" ", str(name)).split()).strip("'") or "Sheet"
    candidate = base[:_SHEET_NAME_MAX]
    number = 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        ending = f" ({number})"
        candidate = base[: _SHEET_NAME_MAX - len(ending)] + ending
        number += 1
    taken.add(candidate)
    return candidate


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(frame.index, pd.RangeIndex) or any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    if isinstance(frame.columns, pd.MultiIndex):
        frame = frame.set_axis([" / ".join(str(p) for p in parts if str(p)) for parts in frame.columns], axis=1)
    return frame


def write_table_sheet(sheet: Worksheet, frame: pd.DataFrame, *, lang: str) -> None:
    """Write one table: header row (registry labels), values, formats, frozen header, filter, widths."""
    frame = _flat(frame)
    bold = Font(bold=True)
    for index, column in enumerate(frame.columns, start=1):
        header = sheet.cell(row=1, column=index)
        # the registry's label in ``lang``, or the column's own name (the corrections workbook's columns are labels)
        _put(header, fields.label(str(column), lang) if _registered(str(column)) else str(column))
        header.font = bold
        header.alignment = Alignment(wrap_text=True, vertical="top")
        number_format = column_number_format(str(column), frame[column])
        values = [cell_value(v) for v in frame[column].tolist()]
        for row, value in enumerate(values, start=2):  # cell_value of a cell value is itself
            cell = sheet.cell(row=row, column=index)
            _put(cell, value)
            if number_format and isinstance(cell.value, (int, float, dt.date)) and not isinstance(cell.value, bool):
                cell.number_format = number_format
        longest = max([len(str(header.value))] + [len(f"{v:,.2f}") if isinstance(v, float) else len(str(v))
                                                  for v in values if v is not None])
        sheet.column_dimensions[get_column_letter(index)].width = float(min(MAX_WIDTH_CHARS, max(MIN_WIDTH_CHARS, longest + 2)))
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(1, len(frame) + 1)}"


def _as_date(as_of: dt.date | str) -> object:
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of))
    except ValueError:
        return str(as_of)


def write_about_sheet(
    sheet: Worksheet,
    *,
    lang: str,
    title: str,
    as_of: dt.date | str,
    sources: Sequence[str] | str,
    synthetic_notice: str | None,
    sheet_names: Sequence[str],
) -> None:
    """The first sheet: title, as-of date, sources, the synthetic notice and links to the tables."""
    _put(sheet.cell(row=1, column=1), title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    lines = [sources] if isinstance(sources, str) else list(sources)
    rows: list[tuple[str, object]] = [(i18n.t("workbook.as_of", lang), _as_date(as_of))]
    rows += [(i18n.t("workbook.sources", lang) if n == 0 else "", line) for n, line in enumerate(lines)]
    if synthetic_notice:
        rows.append((i18n.t("workbook.notice", lang), synthetic_notice))
    first_link_row = 3 + len(rows)
    rows += [(i18n.t("workbook.tables", lang) if n == 0 else "", name) for n, name in enumerate(sheet_names)]
    for row, (key, value) in enumerate(rows, start=3):
        if key:
            _put(sheet.cell(row=row, column=1), key)
            sheet.cell(row=row, column=1).font = Font(bold=True)
        cell = sheet.cell(row=row, column=2)
        _put(cell, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(cell.value, dt.date):
            cell.number_format = DATE_FORMAT
        if row >= first_link_row:
            quoted = str(value).replace("'", "''")
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1")  # inside the workbook
            cell.font = Font(color="0563C1", underline="single")
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100


def write_tables_workbook(
    path: Path | str,
    tables: Sequence[tuple[str, pd.DataFrame]],
    *,
    lang: str,
    title: str,
    as_of: dt.date | str,
    sources: Sequence[str] | str,
    synthetic_notice: str | None,
) -> Path:
    """Write the tables of a report as an Excel workbook, one sheet per table, after an "about" sheet.

    Args:
        path: where to write (``reports/phase-<id>/tables.xlsx``); written atomically.
        tables: ``(sheet name, table)`` pairs, in order; sheet names are made Excel-valid and unique.
        lang: the workbook's language ("en" or "hi"): headers and the about sheet's labels.
        title: the workbook's title (first line of the about sheet).
        as_of: the date the figures are as of (a date or ISO text).
        sources: the source lines (one per row).
        synthetic_notice: the synthetic-data notice, or None for real data.

    Returns:
        The path written.

    Raises:
        helpers.presentation.i18n.I18nError: unknown language.
    """
    i18n.check_lang(lang)
    workbook = Workbook()
    about = workbook.active
    taken: set[str] = set()
    about.title = safe_sheet_name(i18n.t("workbook.about_sheet", lang), taken)
    names = [safe_sheet_name(name, taken) for name, _ in tables]
    write_about_sheet(about, lang=lang, title=title, as_of=as_of, sources=sources,
                      synthetic_notice=synthetic_notice, sheet_names=names)
    for name, (_, frame) in zip(names, tables):
        fields.require_declared(_flat(frame).columns, f"{Path(path).name}, sheet {name}")  # the allow-list
        write_table_sheet(workbook.create_sheet(name), frame, lang=lang)
    workbook.properties.title = title
    workbook.properties.language = lang
    workbook.properties.creator = "gem-up-onboarding-kit"
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return Path(path)
