"""The checks a sheet's data rows go through, as a list of small stages of one signature.

Every stage takes the rows (``SheetRows``: the sheet's data rows and their
columns, dictionary-encoded: the raw cells of each standard column and what
the stages before derived from them) and gives back a ``StageResult``: the
columns it adds or replaces, the problems it found (``RowErrors``), its notes
and counts. ``run_stages`` applies ``STAGES`` in order (``SheetRows.then``).
A stage works on each column's distinct values (the arrow dictionary) and maps
its results back to the rows through the indices. The stages, in order:

1. ``skip_junk_rows``        totals, notes and signatures skipped (``junk``)
2. ``reject_excel_errors``   ``#N/A``, ``#DIV/0!``... never a value
3. ``remove_personal_data``  personal data cut out of free-text columns, text and number cells (``pii``)
4. ``parse_ids``             ids cleaned; personal data or Excel's scientific notation as an id rejected
5. ``parse_texts``           craft, GI product, data origin
6. ``parse_coded_values``    trade, onboarding status, yes/no
7. ``parse_dates``           registration and stage dates, the sheet's day/month order (``date_stage``)
8. ``resolve_districts``     districts of UP (``helpers.reference.districts``)
9. ``check_schema``          the declared rules (``schema.ROW_SCHEMA``), on each column's distinct values

What does not belong here: finding the header and the data rows, filing the
accepted rows and duplicates (``sheets``), reading files (``reading``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from helpers.ingest import junk, parsing, pii
from helpers.ingest.date_stage import parse_dates
from helpers.ingest.duplicates import parsed_ids
from helpers.ingest.headers import INPUT_COLUMNS
from helpers.ingest.problems import show_value
from helpers.ingest.rowerrors import RowErrors, ValueProblem, groups
from helpers.ingest.schema import DATE_COLUMNS, ROW_SCHEMA, row_failures
from helpers.ingest.sheetframe import codes, matching, replaced, with_values
from helpers.ingest.sheetrows import SheetRows, Stage, StageResult, blank, parse_each
from helpers.reference import tables as reference
from helpers.reference.districts import DistrictResolver, name_key, text_key

#: Kept text columns scanned for personal data (ids, dates and yes/no are not free text).
FREE_TEXT_COLUMNS = ("home_district", "event_district", "trade", "craft", "gi_product", "onboarding_status", "data_origin")
DISTRICT_COLUMNS = ("home_district", "event_district")
#: Columns of a few coded values, and the kind of ``parsing.value_synonyms`` each takes.
CODED_COLUMNS = {"trade": "trade", "onboarding_status": "onboarding_status", "is_woman": "boolean", "is_tribal": "boolean"}
#: Id columns, checked for personal data used as an id (``pii.id_pii_kinds``).
ID_COLUMNS = ("registration_id", "gem_seller_id")

_DISTRICT_FIX = {
    "other_state": "only sellers and events in Uttar Pradesh belong in these sheets; check the row",
    "unresolved": f"write a district of UP as in data/raw/reference/{reference.DISTRICTS_FILE} (column name_common)",
}
_LOST_HINDI = (
    "is only question marks: Hindi letters are lost when Excel saves 'CSV (Comma delimited)'",
    "re-save the original sheet as 'CSV UTF-8 (Comma delimited) (*.csv)'",
)
_PII_FIX = "keep personal data out of the registration sheets"


def skip_junk_rows(rows: SheetRows) -> StageResult:
    """Totals, notes and signatures (``junk.find_junk_rows``) leave the rows, counted, with a note per kind."""
    positions, meanings = junk.find_junk_rows(rows.sheet, rows.data, rows.columns)
    if not len(positions):
        return StageResult()
    notes = tuple(rows.note(int(positions[first]), rows_count, None, None, f"{meaning}, not a registration: skipped",
                            "nothing to fix if it is a summary line; delete it from the sheet to silence this")
                  for meaning, first, rows_count in groups(meanings, np.arange(len(meanings))))
    keep = np.ones(len(rows.data), dtype=bool)
    keep[positions] = False
    return StageResult(notes=notes, counts={"junk_rows_skipped": len(positions)}, kept=np.flatnonzero(keep))


def reject_excel_errors(rows: SheetRows) -> StageResult:
    """A cell holding an Excel error value (``#N/A``, ``#DIV/0!``...) rejects its row; the cell is then blank."""
    errors, columns = RowErrors(len(rows.data)), {}
    for column in INPUT_COLUMNS:
        cells = rows.columns[column]
        marked = np.flatnonzero(matching(cells.dictionary, parsing.EXCEL_ERROR_MARK_RE2))  # every error value has '#'
        texts = cells.dictionary.take(pa.array(marked, type=pa.int64())).to_pylist()
        found = {int(i): parsing.clean_text(v) for i, v in zip(marked, texts) if parsing.is_excel_error(v)}
        if not found:
            continue
        errors.add_by_value(column, rows.codes(column), {i: (v, "is an Excel error value: the formula behind the cell failed",
                                                             "fix the formula, or copy the column and paste it as values, "
                                                             "and export again") for i, v in found.items()})
        columns[column] = with_values(cells, replaced(cells.dictionary, np.array(list(found)), [None] * len(found)))
    return StageResult(columns, errors)


def remove_personal_data(rows: SheetRows) -> StageResult:
    """Personal data found in a kept free-text column (text or number cells) is cut out of the value, with a note."""
    notes, columns, redacted = [], {}, 0
    for column in FREE_TEXT_COLUMNS:
        cleaned, only, kinds_of = pii.redacted_cells(rows.values(column))
        found = groups(kinds_of, rows.codes(column))
        for kinds, first, rows_count in found:
            redacted += rows_count
            notes.append(rows.note(first, rows_count, column, pii.REDACTED, f"held personal data ({kinds}), removed", _PII_FIX))
        if found:
            cells = rows.columns[column]
            changed = np.flatnonzero([kinds is not None for kinds in kinds_of])
            columns[column] = with_values(cells, replaced(cells.dictionary, changed, [cleaned[i] for i in changed]))
            columns[f"only_personal:{column}"] = with_values(cells, only, pa.bool_())
            columns[f"personal_kinds:{column}"] = with_values(cells, kinds_of, pa.string())
    return StageResult(columns, notes=tuple(notes), counts={"values_redacted": redacted})


def _id_problem(text: object, kinds: str | None) -> ValueProblem | None:
    """Why an id (cleaned) cannot be one, or None."""
    if kinds is not None:  # an Aadhaar or mobile number as an id: the row is rejected, the id not shown
        return (pii.REDACTED, f"looks like personal data ({kinds}), not an id",
                "write the campaign's id here; keep personal data out of the sheets")
    if isinstance(text, str) and parsing.is_scientific_notation(text):
        return (text, "is mangled by Excel (a long number turned into scientific notation, its digits lost)",
                "format the column as text in the original sheet and re-export")
    return None


def parse_ids(rows: SheetRows) -> StageResult:
    """Ids cleaned and keyed for duplicates; personal data or scientific notation as an id rejects the row."""
    errors, columns = RowErrors(len(rows.data)), {}
    for column in ID_COLUMNS:
        cells = rows.columns[column]
        ids, keys = parsed_ids(cells, rows.sheet.is_typed)
        columns[f"parsed:{column}"] = with_values(cells, ids)
        columns[f"key:{column}"] = with_values(cells, keys)
        suspects = np.flatnonzero(matching(ids, parsing.SCIENTIFIC_PATTERN) | pii.id_suspects(ids)).tolist()  # in bulk
        found = ids.take(pa.array(suspects, type=pa.int64()))
        problems = {i: _id_problem(text, kinds) for i, text, kinds in zip(suspects, found.to_pylist(), pii.id_pii_kinds(found))}
        errors.add_by_value(column, codes(cells), {i: p for i, p in problems.items() if p is not None})
    return StageResult(columns, errors)


@lru_cache(maxsize=1)
def _gi_names() -> dict[str, str]:
    names = reference.load_gi_products()["gi_name"].drop_duplicates()
    return {text_key(n): n for n in names}


def parse_texts(rows: SheetRows) -> StageResult:
    """Craft and data origin as clean text; a GI product spelt as in the GI list."""
    gi = _gi_names()
    columns = {f"parsed:{c}": with_values(rows.columns[c], [parsing.clean_text(v) for v in rows.values(c)], pa.string())
               for c in ("craft", "data_origin")}
    columns["parsed:gi_product"] = with_values(rows.columns["gi_product"], [
        gi.get(text_key(t), t) if (t := parsing.clean_text(v)) else None for v in rows.values("gi_product")
    ], pa.string())
    return StageResult(columns)


def parse_coded_values(rows: SheetRows) -> StageResult:
    """Trade, onboarding status and yes/no to their standard values."""
    errors, columns = RowErrors(len(rows.data)), {}
    for column, kind in CODED_COLUMNS.items():
        known = tuple(parsing.value_synonyms()[kind])
        parser = parsing.parse_bool if kind == "boolean" else (lambda v, k=kind: parsing.parse_coded(v, k))
        results, problems = parse_each(rows.values(column), parser, lambda v, k=known: pii.shown_coded_value(v, k))
        errors.add_by_value(column, rows.codes(column), problems)
        columns[f"parsed:{column}"] = with_values(rows.columns[column], results,
                                                         pa.bool_() if kind == "boolean" else pa.string())
    return StageResult(columns, errors)


@lru_cache(maxsize=4)
def district_keys(resolver: DistrictResolver) -> tuple[str, ...]:
    """Every name key the resolver knows (to tell a misspelt district from a value of another kind)."""
    return tuple(resolver.entries)


def _district_problem(text: str | None, match: object, resolver: DistrictResolver) -> ValueProblem | None:
    """The problem of a district value that is not a district of UP, or None."""
    if match is None or match.method not in ("unresolved", "other_state"):  # type: ignore[attr-defined]
        return None
    if set(text) <= set("? "):  # type: ignore[arg-type]
        return (text, *_LOST_HINDI)
    shown = show_value(text) if match.method == "other_state" else pii.shown_of_kind(text, district_keys(resolver), name_key)  # type: ignore[attr-defined]
    return (shown, match.problem, _DISTRICT_FIX[match.method])  # type: ignore[attr-defined]


def resolve_districts(rows: SheetRows) -> StageResult:
    """Each distinct spelling of a district resolved once; a note for a value read as a district."""
    errors, columns, notes = RowErrors(len(rows.data)), {}, []
    resolver = rows.context.resolver
    for column in DISTRICT_COLUMNS:
        cells = rows.columns[column]
        texts = [parsing.clean_text(v) for v in rows.values(column)]
        matches = [None if text is None else resolver.resolve(text) for text in texts]
        errors.add_by_value(column, codes(cells), [_district_problem(t, m, resolver) for t, m in zip(texts, matches)])
        columns[f"parsed:{column}"] = with_values(cells, [m.district if m is not None else None for m in matches], pa.string())
        columns[f"lgd:{column}"] = with_values(cells, [m.lgd_code if m is not None else None for m in matches], pa.int64())
        found = [(t, m.note) if m is not None and m.is_resolved and isinstance(m.note, str) else None
                 for t, m in zip(texts, matches)]
        for (text, note), first, rows_count in groups(found, codes(cells)):  # type: ignore[misc]
            notes.append(rows.note(first, rows_count, column, text, note, "write the district's standard name to silence this"))
    return StageResult(columns, errors, tuple(notes))


def shown_rejected(rows: SheetRows, column: str, value: object) -> str:
    """A rejected raw value as it may be shown in its column: blank as '', personal data removed,
    a value not of the column's kind as its length only."""
    if blank(value):
        return ""
    if column in CODED_COLUMNS:
        return pii.shown_coded_value(value, tuple(parsing.value_synonyms()[CODED_COLUMNS[column]]))
    if column in DATE_COLUMNS:
        return pii.shown_date_value(value)
    if column in DISTRICT_COLUMNS:
        return pii.shown_of_kind(value, district_keys(rows.context.resolver), name_key)
    return show_value(value)


def _failure(rows: SheetRows, column: str, position: int, problem: str, fix: str) -> ValueProblem:
    """The problem of a distinct value failing the declared rules: one that held only personal data is said so."""
    only = f"only_personal:{column}"
    if only in rows.columns and rows.columns[only].dictionary[position].as_py():
        kinds = rows.columns[f"personal_kinds:{column}"].dictionary[position].as_py()
        return (pii.REDACTED, f"held only personal data ({kinds}), removed", f"{fix}; {_PII_FIX}")
    return (shown_rejected(rows, column, rows.value(column, position)), problem, fix)


def check_schema(rows: SheetRows) -> StageResult:
    """The declared schema, on each column's distinct parsed values: blanks in required columns, values outside
    the allowed lists, dates out of range.

    A cell that already has a problem is not reported again; a required value
    that held only personal data is reported as such, not as blank.
    """
    errors = RowErrors(len(rows.data))
    for column in ROW_SCHEMA.columns:
        parsed = rows.columns[f"parsed:{column}"]
        found = parsed.dictionary
        # the distinct values as the row checks see them: dates as datetime64[ns], yes/no as the nullable
        # "boolean" dtype, text as the "str" dtype (straight from arrow: no Python string per value)
        if column in DATE_COLUMNS:
            values = found.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)
        elif column in ("is_woman", "is_tribal"):
            values = pd.array(found.to_pylist(), dtype="boolean")
        else:
            values = pd.array(found.cast(pa.large_string()), dtype="str")
        checked = pd.Series(values, name=column)
        first: dict[int, ValueProblem] = {}
        for position, problem, fix in row_failures(checked):
            first.setdefault(int(position), _failure(rows, column, int(position), problem, fix))  # type: ignore[arg-type]
        errors.add_by_value(column, codes(parsed), first, skip=rows.errors.in_column(column))
    return StageResult(errors=errors)


#: The stages every sheet's rows go through, in order.
STAGES: tuple[Stage, ...] = (
    skip_junk_rows,
    reject_excel_errors,
    remove_personal_data,
    parse_ids,
    parse_texts,
    parse_coded_values,
    parse_dates,
    resolve_districts,
    check_schema,
)


def run_stages(rows: SheetRows, stages: tuple[Stage, ...] = STAGES) -> SheetRows:
    """Apply ``stages`` in order; the rows come out with every stage's problems and notes."""
    for stage in stages:
        rows = rows.then(stage(rows))
    return rows
