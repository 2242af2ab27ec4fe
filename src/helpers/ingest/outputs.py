"""The ingest's tables and files: the standard table from each sheet's accepted rows, the accounting rows.

``accepted_block`` turns a sheet's accepted rows into columns of the standard
table (arrow arrays, from the stages' dictionary-encoded columns);
``accepted_frame`` joins the blocks, makes them a pandas frame and checks it against
``REGISTRATIONS_SCHEMA``; ``quality_row`` is one line of the data-quality
summary; ``write_outputs`` writes everything to ``data/processed/``. What does
not belong here: deciding which rows are accepted (``stages``, ``sheets``).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from helpers import fields, paths
from helpers.analysis.privacy import excel_safe
from helpers.files import atomic_path
from helpers.ingest.headers import INPUT_COLUMNS
from helpers.ingest.schema import DATE_COLUMNS, OUTPUT_COLUMNS, REGISTRATIONS_SCHEMA, TEXT_COLUMNS
from helpers.ingest.sheetframe import codes, constant, release_unused_memory

if TYPE_CHECKING:
    from helpers.ingest.pipeline import IngestResult
    from helpers.ingest.sheetrows import SheetRows

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
#: Rows of the standard table checked against ``REGISTRATIONS_SCHEMA`` at a time (its ids' uniqueness: all at once).
CHECK_ROWS = 250_000
_SLICE_SCHEMA = copy.deepcopy(REGISTRATIONS_SCHEMA)
_SLICE_SCHEMA.unique = None


def quality_row(source_file: str, source_sheet: str, **values: object) -> dict:
    """One line of the data-quality summary (counts 0 and texts '' unless given)."""
    return {**dict.fromkeys(QUALITY_COLUMNS, ""), **dict.fromkeys(_COUNT_COLUMNS, 0), "encoding": None,
            "source_file": source_file, "source_sheet": source_sheet, **values}


def _taken(column: pa.DictionaryArray, rows: np.ndarray) -> pa.Array:
    """The values of a dictionary-encoded column at the rows ``rows``, decoded (text as large strings, what
    pandas' "str" dtype holds: no second copy)."""
    dictionary = column.dictionary
    if pa.types.is_string(dictionary.type):
        dictionary = dictionary.cast(pa.large_string())
    return dictionary.take(pa.array(codes(column)[rows]))


def accepted_block(rows: SheetRows, accepted: np.ndarray) -> dict[str, object]:
    """The accepted rows (positions ``accepted``) of a sheet as columns of the standard table (arrow arrays).

    Takes each column it copies out of ``rows.columns`` (a dict), so that it is let go at once.
    """
    columns: dict[str, pa.DictionaryArray] = rows.columns  # type: ignore[assignment]
    kept, origin = len(accepted), columns["parsed:data_origin"]
    says = np.array([value is not None and "SYNTHETIC" in value.upper() for value in origin.dictionary.to_pylist()], dtype=bool)
    block: dict[str, object] = {
        "is_synthetic": pa.array(says[codes(origin)[accepted]]),  # does data_origin say SYNTHETIC (any case)?
        "source_file": constant(kept, rows.sheet.source_file).dictionary_decode(),
        "source_sheet": constant(kept, rows.sheet.source_sheet).dictionary_decode(),
        "source_row": pa.array(rows.numbers[accepted].astype(np.int64)),
    }
    for column in INPUT_COLUMNS:
        block[column] = _taken(columns.pop(f"parsed:{column}"), accepted)
    for column, district in (("home_lgd_code", "home_district"), ("event_lgd_code", "event_district")):
        block[column] = _taken(columns.pop(f"lgd:{district}"), accepted)
    return block


def _pandas_column(name: str, parts: list[pa.Array]) -> object:
    """One column of the standard table from each sheet's part: text as the "str" dtype, dates as datetime64[ns]."""
    if not parts:  # no sheet gave a row: an empty column of the declared dtype
        if name in TEXT_COLUMNS:
            return pd.array(np.empty(0, dtype=object), dtype="str")
        return np.zeros(0, dtype=str(REGISTRATIONS_SCHEMA.columns[name].dtype))
    joined = parts[0] if len(parts) == 1 else pa.concat_arrays(parts)  # one sheet's part: no copy
    if name in TEXT_COLUMNS:
        return pd.array(joined.cast(pa.large_string()), dtype="str")
    if name in DATE_COLUMNS:
        joined = joined.cast(pa.timestamp("ns"))
    return joined.to_numpy(zero_copy_only=False)


def _unique(ids: pa.ChunkedArray) -> bool:
    """No id twice: no two neighbours equal once sorted (a third of the memory of hashing a million ids)."""
    in_order = ids.take(pc.sort_indices(ids))
    return len(in_order) < 2 or not pc.any(pc.equal(in_order[1:], in_order[:-1])).as_py()


def accepted_frame(blocks: list[dict[str, object]]) -> pd.DataFrame:
    """The standard table from each sheet's accepted rows, checked against ``REGISTRATIONS_SCHEMA``."""
    release_unused_memory()  # what filing freed
    if not _unique(pa.chunked_array([block["registration_id"] for block in blocks], type=pa.large_string())):
        raise RuntimeError("accepted rows fail the registrations schema: registration_id is not unique")  # a bug
    columns: dict[str, object] = {}
    for name in OUTPUT_COLUMNS:
        columns[name] = _pandas_column(name, [block.pop(name) for block in blocks])  # type: ignore[misc]
    count = len(columns["source_row"])  # type: ignore[arg-type]
    frame = pd.DataFrame(columns, index=pd.RangeIndex(count), copy=False)
    del columns
    try:  # in slices, without copies: bounded memory (the ids' uniqueness is checked above, over the whole table)
        for start in range(0, count, CHECK_ROWS):
            _SLICE_SCHEMA.validate(frame.iloc[start:start + CHECK_ROWS], lazy=True, inplace=True)
    except SchemaErrors as error:  # the row checks should have caught everything: a bug
        raise RuntimeError(f"accepted rows fail the registrations schema: {error.failure_cases.head(5)}") from None
    return frame


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
    for name in ("rejected", "duplicates", "quality", "dropped_columns"):  # each the IngestResult table of that name
        frame = getattr(result, name)
        fields.require_declared(frame.columns, written[name].name)
        with atomic_path(written[name]) as temporary:
            excel_safe(frame).to_csv(temporary, index=False, encoding="utf-8-sig")
    return written
