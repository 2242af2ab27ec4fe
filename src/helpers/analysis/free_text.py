"""Free text as a page may show it: counted, and named only when it passes an allow-list.

A craft typed into a registration sheet that matches no known craft
(``products.craft_matching``) is free text: it may be a misspelling, a local
name for a craft, or a person's name, a phone number or a paragraph typed into
the wrong cell. No page shows such text as typed. The crafts that match nothing
are counted; a form of them is named only when it looks like a word of a craft
vocabulary and many people wrote it:

- it passes the personal-data scan (``helpers.ingest.pii``);
- it is letters and spaces only (any script; a vowel sign counts as a letter),
  at most ``MAX_FORM_CHARS`` characters;
- it was written in at least ``MIN_FORM_ROWS`` registrations and at least
  ``MIN_FORM_FILES`` files (``source_file``: one office's habit is not a vocabulary).

Every other unmatched craft is counted as ``OTHER``.

The same rule guards what is stored: ``vocabulary_only`` reduces every free-text
field of the registry (``helpers.fields``: ``reaches_output`` "vocabulary" over an
open list of known forms: ``craft``, ``gi_product``, ``data_origin``) before the
registrations table is written, so the text typed into those cells reaches no
output, not even ``registrations.parquet``: a known form or a form that
``may_name_form`` over every file stays, anything else becomes ``OTHER``.

Belongs here: the rule, on a frame of registrations. Not here: matching crafts
(``products``), the table on the page (``presentation.reference_sections``).
"""

from __future__ import annotations

import unicodedata
from typing import Callable

import numpy as np
import pandas as pd

from helpers import fields
from helpers.reference import tables as reference
from helpers.analysis.products import craft_matching, odop_group_of_craft
from helpers.ingest.pii import redact
from helpers.vocabulary import CONTROLLED_VALUES, DATA_ORIGINS

#: What every unmatched craft that may not be named is counted as.
OTHER = "other"
#: A form longer than this is never named (a sentence, a paragraph).
MAX_FORM_CHARS = 40
#: A form is named only when written in at least this many registrations...
MIN_FORM_ROWS = 5
#: ...from at least this many files.
MIN_FORM_FILES = 2
#: The columns of ``unmatched_craft_forms``.
FORM_COLUMNS = ("craft", "registrations_count", "is_other")


def is_vocabulary_form(text: object) -> bool:
    """True when ``text`` could be a word of a craft vocabulary: letters (any script, with their vowel
    signs) and single spaces only, at most ``MAX_FORM_CHARS`` characters, no personal data."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_FORM_CHARS:
        return False
    letters = all(c == " " or c.isalpha() or unicodedata.category(c).startswith("M") for c in text)
    return letters and text == " ".join(text.split()) and not redact(text)[1]


def may_name_form(text: object, rows_count: int, files_count: int) -> bool:
    """True when an unmatched form may be named on a page (``is_vocabulary_form``, seen often enough)."""
    return rows_count >= MIN_FORM_ROWS and files_count >= MIN_FORM_FILES and is_vocabulary_form(text)


def unmatched_craft_forms(phase_regs: pd.DataFrame) -> pd.DataFrame:
    """The crafts of ``phase_regs`` that match no known craft, as a page may show them.

    Returns:
        Columns ``craft, registrations_count, is_other``: one row per form that
        ``may_name_form``, most frequent first, then one row ``OTHER`` (``is_other``)
        counting every other unmatched registration (when there is any). The text
        of an unmatched craft appears in ``craft`` only on a named row.
    """
    matching = craft_matching(phase_regs)
    unmatched = set(matching.loc[~matching["is_matched"], "craft"].dropna())
    rows = phase_regs[phase_regs["craft"].isin(unmatched) | phase_regs["craft"].isna()]  # a blank craft matches nothing
    files = rows.groupby("craft", dropna=True)["source_file"].nunique()  # every prepared registration has its file
    counts = rows["craft"].value_counts(dropna=False)
    named = [(form, int(count)) for form, count in counts.items()
             if isinstance(form, str) and form.casefold() != OTHER
             and may_name_form(form, int(count), int(files.get(form, 0)))]
    named.sort(key=lambda pair: (-pair[1], pair[0]))
    other = int(len(rows) - sum(count for _, count in named))
    frame = pd.DataFrame([(form, count, False) for form, count in named], columns=list(FORM_COLUMNS))
    if other:
        frame.loc[len(frame)] = (OTHER, other, True)
    return frame.astype({"registrations_count": "int64", "is_other": bool}).reset_index(drop=True)


# ---------------------------------------------------------------- what is stored

#: The open list of known forms each free-text field names in the registry (``vocabulary``): a form in it is kept.
KNOWN_FORMS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "odop_craft_synonyms.csv": lambda forms: odop_group_of_craft(forms).notna(),
    "up_gi_products.csv": lambda forms: forms.isin(list(reference.gi_name_aliases())),
    "data_origins": lambda forms: forms.isin(DATA_ORIGINS),
}


def free_text_fields() -> tuple[str, ...]:
    """The registrations table's free-text fields: vocabulary columns over an open list of known forms."""
    registry = fields.load_columns()
    chosen = registry[(registry["registration"] != "") & (registry["reaches_output"] == "vocabulary")
                      & ~registry["vocabulary"].isin(list(CONTROLLED_VALUES))]
    return tuple(chosen.index)


def _reduced(values: pd.Series, files: pd.Series, is_known: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``values`` with every form that is neither known nor ``may_name_form`` (over all rows and files) as ``OTHER``."""
    codes, forms = pd.factorize(values.astype(object), use_na_sentinel=True)
    if not len(forms):
        return values
    present = codes >= 0
    rows = np.bincount(codes[present], minlength=len(forms))
    pairs = pd.DataFrame({"form": codes[present], "file": pd.factorize(files.astype(object))[0][present]})
    files_count = np.bincount(pairs.drop_duplicates()["form"].to_numpy(), minlength=len(forms))
    known = np.asarray(is_known(pd.Series(forms, dtype=object)), dtype=bool)
    kept = [bool(k) or (str(f).casefold() != OTHER and may_name_form(f, int(r), int(n)))
            for f, k, r, n in zip(forms, known, rows, files_count)]
    stored = np.where(kept, np.asarray(forms, dtype=object), OTHER)
    out = np.full(len(values), np.nan, dtype=object)
    out[present] = stored[codes[present]]
    return pd.Series(pd.array(out, dtype=values.dtype), index=values.index, name=values.name)


def vocabulary_only(regs: pd.DataFrame) -> pd.DataFrame:
    """``regs`` with each free-text field (:func:`free_text_fields`) reduced to its vocabulary: a known form
    or a form that ``may_name_form`` across every file is kept as written, any other text becomes ``OTHER``."""
    reduced = {name: _reduced(regs[name], regs["source_file"], KNOWN_FORMS[fields.field(name, "vocabulary")])
               for name in free_text_fields() if name in regs.columns}
    return regs.assign(**reduced)
