"""The field registry: one declaration per column the kit reads, stores or shows (PUDL's ``fields.py`` as data).

``fields.csv`` beside this module has one row per column: ``column, unit,
display_format, decimals, label_en, label_hi, description, description_hi,
reaches_output, vocabulary, registration, type, fix``.

- Tables take their labels and formats from here (no label typed into a notebook);
  ``docs/metrics.md`` and the field table of ``docs/registration_schema.md`` are
  generated from it (``python tests/field_docs.py``) and checked by the tests.
- ``registration`` (required / optional / derived) marks the columns of the
  registrations table, in their order: the ingest's header matching, its pandera
  schema and the demo sheets take their columns from here.
- ``reaches_output`` is the allow-list of what may leave the kit, per column:
  :data:`OUTPUT_CLASSES`. A column that is not declared (a name, a phone, an
  address: personal data is never declared) reaches no output;
  :func:`require_declared` stops a writer that would write one. ``vocabulary``
  columns reach an output only as values of their controlled vocabulary (free
  text is reduced to it at ingest: ``analysis.free_text.vocabulary_only``).

What does not belong here: formatting numbers (``presentation.formatting``),
sentences (the message catalogues), HTML (``presentation.display``), header
synonyms (``registration_header_synonyms.csv``, reference data with provenance).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from helpers.errors import ReferenceDataError
from helpers.languages import localized

#: The registry file.
COLUMNS_FILE = Path(__file__).resolve().parent / "fields.csv"
#: Allowed display formats.
DISPLAY_FORMATS: tuple[str, ...] = ("count", "pct", "ratio", "crore", "date", "text")
#: What a column may carry to an output (``reaches_output``): a code or id, a district or state,
#: a date, a count, a measure (percent, ratio, rupees), a yes/no flag, a value of a controlled
#: vocabulary, text of the kit's own reference or campaign files (with provenance), a file, sheet
#: or header name redacted by the personal-data scan, a sentence of the kit (``kit_message``), or
#: a rejected cell after the scan, cut to 60 characters, in the accounting of rejected rows only
#: (``rejected_value``: the office that sent the sheet must find it to fix it). Free text is none of these.
OUTPUT_CLASSES: tuple[str, ...] = ("code", "place", "date", "count", "measure", "flag", "vocabulary", "reference",
                                   "redacted_name", "kit_message", "rejected_value")
#: The kinds of registration columns (``registration``) and their types (``type``).
REGISTRATION_KINDS: tuple[str, ...] = ("required", "optional", "derived")
FIELD_TYPES: tuple[str, ...] = ("text", "date", "flag", "integer")


@lru_cache(maxsize=1)
def load_columns() -> pd.DataFrame:
    """The registry, indexed by ``column``.

    Raises:
        ReferenceDataError: a row has a display format outside :data:`DISPLAY_FORMATS` or a column twice.
    """
    frame = pd.read_csv(COLUMNS_FILE, dtype=str, keep_default_na=False)
    for field, allowed, may_be_blank in (("display_format", DISPLAY_FORMATS, False),
                                         ("reaches_output", OUTPUT_CLASSES, False),
                                         ("registration", REGISTRATION_KINDS, True), ("type", FIELD_TYPES, True)):
        bad = frame.loc[~frame[field].isin(allowed) & ~(may_be_blank & (frame[field] == "")), ["column", field]]
        if len(bad):
            row = bad.iloc[0]
            raise ReferenceDataError(
                f"{COLUMNS_FILE}: column '{row['column']}' has {field} '{row[field]}'; use one of {', '.join(allowed)}"
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
    """The column's label in ``lang`` (``label_<lang>``; the English label where the registry has none in ``lang``)."""
    return str(localized(_row(column), "label", lang))


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


def description(column: str, lang: str = "en") -> str:
    """What the column means (its definition, with the unit where it has one), in ``lang`` where it is written
    in that language (``description_<lang>``), else in English."""
    return str(localized(_row(column), "description", lang))


# ---------------------------------------------------------------- registrations table


def registration_fields(kinds: Iterable[str] = REGISTRATION_KINDS) -> tuple[str, ...]:
    """The columns of the registrations table of the given ``registration`` kinds, in the table's order."""
    registry = load_columns()
    return tuple(registry.index[registry["registration"].isin(tuple(kinds))])


def field(column: str, key: str) -> str:
    """One declared value of a column (``type``, ``vocabulary``, ``fix``, ``reaches_output``...)."""
    return str(_row(column)[key])


# ---------------------------------------------------------------- the output allow-list


def require_declared(columns: Iterable[object], where: str) -> None:
    """Stop a writer about to write a column the registry does not declare (the allow-list of outputs).

    Raises:
        RuntimeError: a column of ``columns`` has no row in ``fields.csv`` (a kit bug: declare the
            column with what it may carry, or do not write it).
    """
    registry = load_columns()
    undeclared = [str(c) for c in columns if str(c) not in registry.index]
    if undeclared:
        raise RuntimeError(
            f"{where}: column(s) {', '.join(undeclared)} are not declared in {COLUMNS_FILE.name} "
            "(reaches_output); declare what they may carry or leave them out"
        )
