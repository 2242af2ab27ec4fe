"""The standard registrations table, declared once with pandera.

``REGISTRATIONS_SCHEMA`` is the contract of ``data/processed/registrations.parquet``
(docs/registration_schema.md). ``ROW_SCHEMA`` is the same declaration without
dtype checks and without the provenance columns: the ingest runs it, lazily,
on each sheet's parsed values to find the rows to reject (a blank required
value, a trade outside the list, a date out of range). Each column's
``metadata`` holds the fix shown to the user. What does not belong here:
parsing (``parsing``) and the row bookkeeping (``pipeline``).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from helpers.ingest.parsing import EARLIEST_REGISTRATION_DATE
from helpers.vocabulary import STATUS_DATE_COLUMNS, STATUSES, TRADES

PROVENANCE_COLUMNS = ("source_file", "source_sheet", "source_row")


#: The dated columns of the stages after registration (``catalogue_live_date``, ``first_order_date``).
STAGE_DATE_COLUMNS = tuple(c for c in STATUS_DATE_COLUMNS.values() if c != "registration_date")
#: Every dated column of the table.
DATE_COLUMNS = ("registration_date", *STAGE_DATE_COLUMNS)


def _stage_date(column: str) -> pa.Column:
    return pa.Column(
        "datetime64[ns]",
        pa.Check.ge(pd.Timestamp(EARLIEST_REGISTRATION_DATE), error="before 2016, when GeM began"),
        nullable=True,
        metadata={"fix": f"write the date the seller reached '{column.removesuffix('_date').replace('_', ' ')}' "
                         "(YYYY-MM-DD), or leave it blank"},
    )


def _text(required: bool, fix: str, *checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks), nullable=not required, metadata={"fix": fix})


REGISTRATIONS_SCHEMA = pa.DataFrameSchema(
    {
        "registration_id": _text(True, "give every row the campaign's registration id"),
        "gem_seller_id": _text(False, "leave it blank if the seller has no GeM id yet"),
        "registration_date": pa.Column(
            "datetime64[ns]",
            pa.Check.ge(pd.Timestamp(EARLIEST_REGISTRATION_DATE), error="before 2016, when GeM began"),
            nullable=False,
            metadata={"fix": "fill in the registration date (YYYY-MM-DD)"},
        ),
        "home_district": _text(True, "write the seller's home district in UP"),
        "event_district": _text(True, "write the district of the GeM event"),
        "trade": _text(True, f"write one of: {' / '.join(TRADES)}", pa.Check.isin(TRADES)),
        "is_woman": pa.Column(bool, nullable=False, metadata={"fix": "write yes or no"}),
        "is_tribal": pa.Column(bool, nullable=False, metadata={"fix": "write yes or no"}),
        "craft": _text(True, "write the craft or product line, e.g. 'carpet weaving'"),
        "gi_product": _text(False, "leave it blank if the seller makes no GI product"),
        "onboarding_status": _text(True, f"write one of: {' / '.join(STATUSES)}", pa.Check.isin(STATUSES)),
        **{column: _stage_date(column) for column in STAGE_DATE_COLUMNS},
        "data_origin": _text(False, "say where the row comes from, or leave it blank"),
        "is_synthetic": pa.Column(bool, nullable=False),
        "home_lgd_code": pa.Column("int64", pa.Check.gt(0), nullable=False),
        "event_lgd_code": pa.Column("int64", pa.Check.gt(0), nullable=False),
        "source_file": pa.Column(str, nullable=False),
        "source_sheet": pa.Column(str, nullable=False),
        "source_row": pa.Column("int64", pa.Check.gt(0), nullable=False),
    },
    strict=True,
    ordered=True,
    unique=["registration_id"],
    name="registrations",
)

#: The same rules on a sheet's parsed values: no dtype checks, no provenance, no uniqueness
#: (duplicates are counted, not rejected), the lgd codes and is_synthetic derived later.
_DERIVED_COLUMNS = (*PROVENANCE_COLUMNS, "is_synthetic", "home_lgd_code", "event_lgd_code")
_ROW_COLUMNS = [name for name in REGISTRATIONS_SCHEMA.columns if name not in _DERIVED_COLUMNS]
ROW_SCHEMA = pa.DataFrameSchema(
    REGISTRATIONS_SCHEMA.remove_columns(list(_DERIVED_COLUMNS))
    .update_columns({name: {"dtype": None} for name in _ROW_COLUMNS})
    .columns,
    name="registration rows",
)

OUTPUT_COLUMNS = tuple(REGISTRATIONS_SCHEMA.columns)
#: The columns declared as text.
TEXT_COLUMNS = tuple(n for n, c in REGISTRATIONS_SCHEMA.columns.items() if str(c.dtype).startswith(("str", "string")))


def row_failures(frame: pd.DataFrame) -> list[tuple[object, str, str, str]]:
    """Run ``ROW_SCHEMA`` on parsed values; return ``(index, column, problem, fix)`` per failing cell."""
    try:
        ROW_SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    failures: list[tuple[object, str, str, str]] = []
    for case in cases.itertuples(index=False):
        if case.index is None or case.column not in ROW_SCHEMA.columns:
            raise RuntimeError(f"registration schema failed on the whole table: {case.check} on {case.column}")
        check = str(case.check)
        problem = "is blank" if check == "not_nullable" else _check_problem(check)
        fix = ROW_SCHEMA.columns[case.column].metadata["fix"]
        failures.append((case.index, case.column, problem, fix))
    return failures


def _check_problem(check: str) -> str:
    if check.startswith("isin"):
        return "is not one of the allowed values"
    return f"fails the check: {check}"
