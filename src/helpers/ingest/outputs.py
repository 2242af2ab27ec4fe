"""The ingest's tables and files: the standard table from each sheet's accepted rows, the accounting rows.

``accepted_block`` turns a sheet's accepted rows into columns of the standard
table; ``accepted_frame`` joins the blocks and checks them against
``REGISTRATIONS_SCHEMA``; ``quality_row`` is one line of the data-quality
summary; ``write_outputs`` writes everything to ``data/processed/``. What does
not belong here: deciding which rows are accepted (``stages``, ``sheets``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pandera.errors import SchemaErrors

from helpers import fields, paths
from helpers.analysis.privacy import excel_safe
from helpers.files import atomic_path
from helpers.ingest import distinct
from helpers.ingest.headers import INPUT_COLUMNS
from helpers.ingest.schema import DATE_COLUMNS, OUTPUT_COLUMNS, REGISTRATIONS_SCHEMA, TEXT_COLUMNS

if TYPE_CHECKING:
    from helpers.ingest.pipeline import IngestResult
    from helpers.ingest.stages import SheetRows

#: Output file names in the output folder (the defaults are the paths in ``helpers.paths``).
DROPPED_COLUMNS_CSV = "dropped_columns.csv"
DUPLICATE_ROWS_CSV = "duplicate_rows.csv"

REJECTED_COLUMNS = ("source_file", "source_sheet", "source_row", "column", "value", "problem", "fix")
DUPLICATE_COLUMNS = ("source_file", "source_sheet", "source_row", "registration_id", "gem_seller_id", "duplicate_of")
#: Per file and sheet: ``rows_in = accepted + rejected + duplicates + junk_rows_skipped``; blank and title
#: rows are counted beside (they are not rows in).
QUALITY_COLUMNS = (
    "source_file",
    "source_sheet",
    "rows_in",
    "accepted",
    "rejected",
    "duplicates",
    "junk_rows_skipped",
    "blank_rows_skipped",
    "title_rows_skipped",
    "values_redacted",
    "dropped_columns",
    "encoding",
    "file_problem",
    "notes",  # what the kit decided for the whole sheet, said once (e.g. its dates read day first)
)
DROPPED_COLUMNS = ("source_file", "source_sheet", "column", "reason")
_COUNT_COLUMNS = QUALITY_COLUMNS[2:10]
_EMPTY = {
    "is_woman": np.zeros(0, dtype=bool),
    "is_tribal": np.zeros(0, dtype=bool),
    "is_synthetic": np.zeros(0, dtype=bool),
    "home_lgd_code": np.zeros(0, dtype=np.int64),
    "event_lgd_code": np.zeros(0, dtype=np.int64),
    "source_row": np.zeros(0, dtype=np.int64),
    **{column: np.zeros(0, dtype="datetime64[ns]") for column in DATE_COLUMNS},
}


def quality_row(source_file: str, source_sheet: str, **values: object) -> dict:
    """One line of the data-quality summary (counts 0 and texts '' unless given)."""
    row: dict[str, object] = dict.fromkeys(QUALITY_COLUMNS, "")
    row.update(dict.fromkeys(_COUNT_COLUMNS, 0), encoding=None, source_file=source_file, source_sheet=source_sheet)
    row.update(values)
    return row


def _text_array(cells: distinct.Distinct) -> pd.api.extensions.ExtensionArray:
    """A text column of the standard table: ``str`` dtype, a missing value is NaN."""
    return pd.array(distinct.as_objects(cells.values), dtype="str").take(cells.codes)


def _date_array(cells: distinct.Distinct, rows: np.ndarray) -> np.ndarray:
    """A date column of the standard table (datetime64[ns], NaT for none) for the rows ``rows``."""
    dates = pd.to_datetime(pd.Series(distinct.as_objects(cells.values), dtype=object)).astype("datetime64[ns]")
    return dates.to_numpy()[cells.codes[rows]]


def _is_synthetic(origin: distinct.Distinct) -> np.ndarray:
    """Per row: does ``data_origin`` say SYNTHETIC (any case)?"""
    values = pd.Series(distinct.as_objects(origin.values), dtype=object)
    synthetic = values.fillna("").astype(str).str.upper().str.contains("SYNTHETIC")
    return synthetic.to_numpy(dtype=bool)[origin.codes]


def accepted_block(rows: SheetRows, accepted: np.ndarray) -> dict[str, object]:
    """The accepted rows (positions ``accepted``) of a sheet as columns of the standard table."""
    parsed, kept = rows.parsed, len(accepted)
    texts = {column: parsed[column].subset(accepted) for column in INPUT_COLUMNS if column in TEXT_COLUMNS}
    texts.update(source_file=distinct.Distinct(np.zeros(kept, dtype=np.int32), [rows.sheet.source_file]),
                 source_sheet=distinct.Distinct(np.zeros(kept, dtype=np.int32), [rows.sheet.source_sheet]))
    block: dict[str, object] = {column: _text_array(cells) for column, cells in texts.items()}
    block.update({column: _date_array(parsed[column], accepted) for column in DATE_COLUMNS})
    block.update(
        is_woman=np.array(parsed["is_woman"].take(parsed["is_woman"].values, accepted), dtype=bool),
        is_tribal=np.array(parsed["is_tribal"].take(parsed["is_tribal"].values, accepted), dtype=bool),
        is_synthetic=_is_synthetic(texts["data_origin"]),
        home_lgd_code=np.array(rows.lgd["home_district"].take(rows.lgd["home_district"].values, accepted), dtype=np.int64),
        event_lgd_code=np.array(rows.lgd["event_district"].take(rows.lgd["event_district"].values, accepted), dtype=np.int64),
        source_row=rows.numbers[accepted].astype(np.int64),
    )
    return block


def accepted_frame(blocks: list[dict[str, object]]) -> pd.DataFrame:
    """The standard table from each sheet's accepted rows, checked against ``REGISTRATIONS_SCHEMA``."""
    columns: dict[str, object] = {}
    for name in OUTPUT_COLUMNS:
        parts = [block.pop(name) for block in blocks]  # each sheet's part is let go once joined
        if name in TEXT_COLUMNS:
            if not parts:
                columns[name] = pd.array(np.empty(0, dtype=object), dtype="str")
            else:
                columns[name] = parts[0] if len(parts) == 1 else parts[0]._concat_same_type(parts)  # type: ignore[attr-defined]
        else:
            columns[name] = np.concatenate(parts) if parts else _EMPTY[name]  # type: ignore[arg-type]
        del parts
    count = len(columns["source_row"])  # type: ignore[arg-type]
    frame = pd.DataFrame(columns, index=pd.RangeIndex(count))
    del columns
    try:
        return REGISTRATIONS_SCHEMA.validate(frame, lazy=True)
    except SchemaErrors as error:  # the row checks should have caught everything: a bug
        raise RuntimeError(f"accepted rows fail the registrations schema: {error.failure_cases.head(5)}") from None


def write_outputs(result: IngestResult, out_dir: Path | str | None = None) -> dict[str, Path]:
    """Write the processed table and the accounting files, each written aside and renamed; return their paths by name.

    Files: ``registrations.parquet``, ``rejected_rows.csv``, ``duplicate_rows.csv``,
    ``data_quality_summary.csv`` and ``dropped_columns.csv``. CSV files are
    UTF-8 with a BOM (Excel shows Hindi correctly) and made formula-safe with
    ``privacy.excel_safe``. None of them holds personal data: those columns
    were dropped and such values removed at ingest; the free-text fields are
    stored only as their vocabulary (``free_text.vocabulary_only``); every column
    written is declared in the field registry (``fields.require_declared``).
    """
    from helpers.analysis import free_text  # analysis reads ingest's scanner: imported here, not at the top
    out = Path(out_dir) if out_dir is not None else paths.PROCESSED_DIR
    out.mkdir(parents=True, exist_ok=True)
    written = {
        "registrations": out / paths.REGISTRATIONS_PARQUET.name,
        "rejected": out / paths.REJECTED_ROWS_CSV.name,
        "duplicates": out / DUPLICATE_ROWS_CSV,
        "quality": out / paths.DATA_QUALITY_CSV.name,
        "dropped_columns": out / DROPPED_COLUMNS_CSV,
    }
    stored = free_text.vocabulary_only(result.accepted)
    fields.require_declared(stored.columns, written["registrations"].name)
    with atomic_path(written["registrations"]) as temporary:
        stored.to_parquet(temporary, index=False)
    for name, frame in (
        ("rejected", result.rejected),
        ("duplicates", result.duplicates),
        ("quality", result.quality),
        ("dropped_columns", result.dropped_columns),
    ):
        fields.require_declared(frame.columns, written[name].name)
        with atomic_path(written[name]) as temporary:
            excel_safe(frame).to_csv(temporary, index=False, encoding="utf-8-sig")
    return written
