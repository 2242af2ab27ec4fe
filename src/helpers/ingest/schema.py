"""The standard registrations table, declared with pandera from the field registry (``helpers.fields``).

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

from helpers import fields
from helpers.ingest.parsing import EARLIEST_REGISTRATION_DATE
from helpers.vocabulary import CONTROLLED_VALUES, STATUS_DATE_COLUMNS

PROVENANCE_COLUMNS = ("source_file", "source_sheet", "source_row")


#: The dated columns of the stages after registration (``catalogue_live_date``, ``first_order_date``).
STAGE_DATE_COLUMNS = tuple(c for c in STATUS_DATE_COLUMNS.values() if c != "registration_date")
#: Every dated column of the table.
DATE_COLUMNS = ("registration_date", *STAGE_DATE_COLUMNS)
_DTYPES = {"text": str, "date": "datetime64[ns]", "flag": bool, "integer": "int64"}


def _column(name: str) -> pa.Column:
    """The pandera column of one registry field: its dtype, nullability, checks and the fix shown to the user."""
    kind, required = fields.field(name, "type"), fields.field(name, "registration") != "optional"
    allowed = CONTROLLED_VALUES.get(fields.field(name, "vocabulary"), ())
    fix = fields.field(name, "fix") or (f"write one of: {' / '.join(allowed)}" if allowed else "")
    checks: list[pa.Check] = []
    if kind == "date":
        checks.append(pa.Check.ge(pd.Timestamp(EARLIEST_REGISTRATION_DATE), error="before 2016, when GeM began"))
    elif kind == "integer":
        checks.append(pa.Check.gt(0))
    elif allowed:
        checks.append(pa.Check.isin(allowed))
    return pa.Column(_DTYPES[kind], checks, nullable=not required and kind in ("text", "date"),
                     metadata={"fix": fix} if fix else None)


REGISTRATIONS_SCHEMA = pa.DataFrameSchema(
    {name: _column(name) for name in fields.registration_fields()},
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


def row_failures(values: pd.Series) -> list[tuple[object, str, str]]:
    """Run ``ROW_SCHEMA``'s rules of one column on parsed values (a series named after it); return ``(index,
    problem, fix)`` per failing value."""
    try:
        ROW_SCHEMA.select_columns([values.name]).validate(values.to_frame(), lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    failures: list[tuple[object, str, str]] = []
    for case in cases.itertuples(index=False):
        if case.index is None or case.column not in ROW_SCHEMA.columns:
            raise RuntimeError(f"registration schema failed on the whole table: {case.check} on {case.column}")
        check = str(case.check)
        problem = ("is blank" if check == "not_nullable" else "is not one of the allowed values"
                   if check.startswith("isin") else f"fails the check: {check}")
        fix = ROW_SCHEMA.columns[case.column].metadata["fix"]
        failures.append((case.index, problem, fix))
    return failures
