"""Targets of a campaign phase and the grades of progress against them, read from data files.

Each row of ``targets.csv`` is validated by a declared pydantic model (``TargetRow``), the grades
by ``schemas.GradesModel``; a mistake is one line naming the file, row, column, value and fix.

A phase's targets come from one of three places, in this order:

1. ``data/raw/campaign/targets.csv``: district targets the department set
   (``is_official`` true, ``source`` naming the order or letter) or illustrative ones for
   the demo (``is_official`` false);
2. a state-level target in ``phases.yaml`` (``state_target_count``), allocated to the
   phase's districts in proportion to Census 2011 household-industry workers by
   ``derive_district_targets`` and labelled "derived, not official";
3. neither: the phase has no target, and none is invented.

``TargetBasis`` says which (its ``kind``: official, illustrative or derived, the codes of
``TARGET_BASIS_KINDS``), so pages can print a sentence from the message catalogues in
their own language, with the file's source text only where it names a document. The grades
(on track / behind / far behind) and their thresholds are read from
``data/raw/campaign/grades.yaml``.

Belongs here: reading and checking targets and grades, allocating a state target.
Not here: counting registrations against them (``helpers.analysis.progress``).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, field_validator, model_validator

from helpers import paths
from helpers.campaign import schemas
from helpers.campaign.phases import Phase
from helpers.campaign.schemas import GradesModel
from helpers.errors import TargetsError
from helpers.reference import tables as reference
from helpers.vocabulary import TRADES

#: District targets per phase (official or illustrative).
TARGETS_FILE = paths.TARGETS_FILE
#: Grade thresholds and labels.
GRADES_FILE = paths.GRADES_FILE
#: Columns of targets.csv, in order.
TARGET_COLUMNS: tuple[str, ...] = ("phase_id", "district", "trade", "target_count", "source", "is_official")
#: Columns of a targets frame: the file's, and ``basis`` (official when is_official, else illustrative).
FRAME_COLUMNS: tuple[str, ...] = (*TARGET_COLUMNS, "basis")
#: How targets.csv may write is_official.
_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0")
#: Kinds of target basis: set by the department, invented for the demo, allocated by the kit.
TARGET_BASIS_KINDS: tuple[str, ...] = ("official", "illustrative", "derived")
#: The trade value of a target that counts every trade.
ALL_TRADES = "all"
#: How a state target is allocated, as printed on pages.
DERIVED_METHOD = (
    "state target allocated to districts in proportion to Census 2011 household-industry workers "
    "(largest-remainder rounding); derived, not official"
)
DERIVED_BASE = "household-industry workers, Census 2011 (census2011_up_districts.csv)"
DERIVED_BASE_DATE = "2011-03-01"


@dataclass(frozen=True)
class TargetBasis:
    """Where a phase's district targets come from, for pages to print beside them."""

    method: str  #: "from targets.csv" or the derivation method (English, for records)
    source: str  #: the document(s) setting official targets or the state target ('' when none is named)
    is_official: bool
    base: str | None = None  #: the base of a derived allocation
    base_date: str | None = None  #: the date of that base (ISO)

    @property
    def is_derived(self) -> bool:
        """True when the targets were allocated from a state target by the kit."""
        return self.base is not None

    @property
    def kind(self) -> str:
        """The coded kind: ``derived``, ``official`` or ``illustrative`` (one of ``TARGET_BASIS_KINDS``)."""
        return "derived" if self.is_derived else "official" if self.is_official else "illustrative"


# ---------------------------------------------------------------- targets.csv

#: The largest target a district may have: more registrations than UP has household-industry workers is a typo.
MAX_TARGET_COUNT = 10_000_000
#: A count written with grouping commas, Indian (1,20,000) or international (120,000).
_GROUPED = re.compile(r"\d{1,3}(?:,\d{2})*,\d{3}|\d{1,3}(?:,\d{3})+")


def _fail(path: Path, line: int, column: str, value: object, fix: str) -> TargetsError:
    shown = " ".join(str(value).split())[:40]
    return TargetsError(f"{schemas.shown(path)}, row {line}, column {column}: value '{shown}' {fix}")


def read_count(text: str) -> int | None:
    """A count as people type it: Devanagari or other Indian digits, grouping commas (1,200 or 1,20,000).

    Returns None for anything else: decimals, footnote marks (250¹, 250*), words, signs.
    """
    digits = "".join(str(unicodedata.digit(ch)) if ch.isdecimal() else ch for ch in text.strip())
    if _GROUPED.fullmatch(digits):
        digits = digits.replace(",", "")
    return int(digits) if digits.isascii() and digits.isdigit() else None


def _closest(value: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(value, valid, n=3, cutoff=0.5)
    if value.lower().removeprefix("phase").strip(" -_") in valid:
        close = [value.lower().removeprefix("phase").strip(" -_")]
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else f"valid: {', '.join(valid[:12])}"


_BLANK = "is blank; only the source of a target that is not official may be blank"


def _required(value: object) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValueError(_BLANK)
    return text


class TargetRow(BaseModel):
    """One row of targets.csv, declared: each column's type and rule, checked against the phases and districts.

    Validated with ``context={"phase_ids": [...], "districts": {...}}``; each rule's message is the fix.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    phase_id: Annotated[str, BeforeValidator(_required)]
    district: Annotated[str, BeforeValidator(_required)]
    trade: Annotated[str, BeforeValidator(_required)]
    target_count: Annotated[int, BeforeValidator(lambda v: _count(_required(v)))]
    source: Annotated[str, BeforeValidator(lambda v: " ".join(str(v or "").split()))] = ""
    is_official: Annotated[bool, BeforeValidator(lambda v: _flag(_required(v)))]

    @field_validator("phase_id")
    @classmethod
    def _known_phase(cls, value: str, info: ValidationInfo) -> str:
        valid = list((info.context or {}).get("phase_ids") or [])
        if valid and value not in valid:
            raise ValueError(f"is not a phase of {paths.PHASES_FILE.name}; {_closest(value, valid)}")
        return value

    @field_validator("district")
    @classmethod
    def _known_district(cls, value: str, info: ValidationInfo) -> str:
        districts = (info.context or {}).get("districts") or set()
        if value not in districts:
            raise ValueError(f"is not the standard name of a district of UP; {_closest(value, sorted(districts))} "
                             f"(names: data/raw/reference/{reference.DISTRICTS_FILE})")
        return value

    @field_validator("trade")
    @classmethod
    def _known_trade(cls, value: str) -> str:
        if value not in (*TRADES, ALL_TRADES):
            raise ValueError(f"must be one of {', '.join((*TRADES, ALL_TRADES))}")
        return value

    @model_validator(mode="after")
    def _official_needs_a_source(self) -> TargetRow:
        if self.is_official and not self.source:
            raise ValueError("is blank; an official target needs the order or letter that sets it")
        return self


def _count(text: str) -> int:
    count = read_count(text)
    if count is None or not 1 <= count <= MAX_TARGET_COUNT:
        raise ValueError("is not a count; write a whole number above 0 such as 250 or 1,200, with no footnote mark, "
                         "decimal or note (put notes in the source column)")
    return count


def _flag(text: str) -> bool:
    if text.lower() not in (*_TRUE, *_FALSE):
        raise ValueError("must be true or false")
    return text.lower() in _TRUE


def _check_row(row: dict, line: int, path: Path, districts: set[str], phase_ids: list[str]) -> dict:
    """One row of targets.csv validated by ``TargetRow``; a mistake is one line naming row, column and value."""
    try:
        return TargetRow.model_validate(row, context={"phase_ids": phase_ids, "districts": districts}).model_dump()
    except ValidationError as error:
        first = error.errors()[0]
        column = str(first["loc"][0]) if first["loc"] else "source"
        value = row.get(column, "") if column != "source" or first["loc"] else ""
        fix = str(first["msg"]).removeprefix("Value error, ")
        raise _fail(path, line, column, " ".join(str(value or "").split()), fix) from None


def empty_targets() -> pd.DataFrame:
    """A targets frame with the columns of ``FRAME_COLUMNS`` and no row."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FRAME_COLUMNS})


def _csv_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of targets.csv as text, with their line numbers, its encoding detected as a registration sheet's is."""
    from helpers.errors import SheetReadError
    from helpers.ingest.csv_reading import decode_csv_bytes

    try:
        text, _ = decode_csv_bytes(path.read_bytes())
    except SheetReadError as error:
        raise TargetsError(f"{schemas.shown(path)}: {error.problem}; save it as CSV UTF-8 from Excel") from None
    except OSError as error:
        raise TargetsError(f"{schemas.shown(path)}: cannot be read ({error.strerror}); check its permissions") from None
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    rows = list(reader)
    header = [" ".join(name.split()).lower() for name in (rows[0] if rows else [])]
    missing = [c for c in TARGET_COLUMNS if c not in header]
    if missing:
        raise TargetsError(f"{schemas.shown(path)}: column(s) {missing} missing; the header must be "
                           f"{','.join(TARGET_COLUMNS)}")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not "".join(row).strip():
            continue
        if len(row) > len(header) and "".join(row[len(header):]).strip():
            raise TargetsError(f"{schemas.shown(path)}, row {number}: {len(row)} values for {len(header)} columns; "
                               "put quotes around a value holding a comma (e.g. \"order 12, 2021\")")
        records.append((number, dict(zip(header, row))))
    return records


def _with_trade_totals(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Add an "all" row summing a district's per-trade targets where the file gives per-trade targets only.

    Where both are given, the per-trade targets may not add up to more than the "all" target.
    """
    by_trade = frame[frame["trade"] != ALL_TRADES]
    if by_trade.empty:
        return frame
    totals = frame[frame["trade"] == ALL_TRADES].set_index(["phase_id", "district"])["target_count"]
    sums = by_trade.groupby(["phase_id", "district"], sort=True).agg(
        target_count=("target_count", "sum"), source=("source", lambda s: "; ".join(sorted(set(s) - {""}))),
        is_official=("is_official", "all"))
    over = sums["target_count"] > totals.reindex(sums.index)
    if over.any():
        (phase_id, district), summed = over.idxmax(), int(sums["target_count"][over].iloc[0])
        raise TargetsError(f"{schemas.shown(path)}: phase {phase_id}, {district}: the per-trade targets add up "
                           f"to {summed:,}, more than its target for all trades ({int(totals[(phase_id, district)]):,});"
                           " correct one of them")
    added = sums[~sums.index.isin(totals.index)].reset_index().assign(trade=ALL_TRADES)
    return pd.concat([frame, added[list(TARGET_COLUMNS)]], ignore_index=True) if len(added) else frame


def read_targets_file(path: Path | None = None) -> pd.DataFrame:
    """Every row of targets.csv, checked: known phases, districts and trades, counts, no repeats.

    The file may be saved by Excel in any encoding a registration sheet may have; counts may be
    written with Devanagari digits or grouping commas (1,200). A district given targets per trade
    only gets an "all" target, their sum (docs/decisions.md, "Targets per trade").

    Raises:
        TargetsError: one line naming the file, row (line of the file), column and value, with the
            closest valid phase or district for one that matches none.
    """
    path = TARGETS_FILE if path is None else Path(path)
    if not path.exists():
        return empty_targets()
    from helpers.campaign.phases import load_phases

    phase_ids = list(load_phases())
    districts = set(reference.load_districts()["district"])
    records = _csv_records(path)
    frame = pd.DataFrame([_check_row(row, line, path, districts, phase_ids) for line, row in records],
                         columns=list(TARGET_COLUMNS))
    repeated = frame.duplicated(["phase_id", "district", "trade"], keep="first")
    if repeated.any():
        first = frame.loc[repeated.idxmax()]
        raise _fail(path, records[int(np.flatnonzero(repeated.to_numpy())[0])][0], "district", first["district"],
                    f"repeats a target of phase {first['phase_id']}, trade {first['trade']}; keep one row")
    frame = _with_trade_totals(frame, path)
    frame["basis"] = frame["is_official"].map({True: "official", False: "illustrative"})
    if not frame.empty:
        frame["target_count"] = frame["target_count"].astype(int)
        frame["is_official"] = frame["is_official"].astype(bool)
    return frame


def load_targets(phase: Phase | str, path: Path | None = None) -> pd.DataFrame:
    """The district targets of one phase from targets.csv (empty when the file has none for it).

    Returns:
        Columns ``FRAME_COLUMNS`` (``phase_id, district, trade, target_count, source,
        is_official, basis``), sorted by district and trade.

    Raises:
        TargetsError: the file is inconsistent (see ``read_targets_file``).
    """
    phase_id = phase.id if isinstance(phase, Phase) else str(phase)
    frame = read_targets_file(path)
    return frame[frame["phase_id"] == phase_id].sort_values(["district", "trade"]).reset_index(drop=True)


# ------------------------------------------------------- derived from a state target


def derive_district_targets(state_target_count: int, base: pd.Series) -> pd.Series:
    """Allocate a state target to districts in proportion to ``base``, summing exactly to it.

    Largest-remainder (Hamilton) rounding: each district gets the whole part of
    ``state_target_count × base / base.sum()``; the units left over go one each to
    the districts with the largest fractional parts (ties: district name, A to Z).
    Districts whose base is missing (created after Census 2011) get no target (<NA>).

    Args:
        state_target_count: the state target, a whole number ≥ 0.
        base: the base per district (index: district), e.g. household-industry workers.

    Returns:
        Whole targets per district (``Int64``, same index), summing to ``state_target_count``.

    Raises:
        TargetsError: a negative target, a negative base, or no base to allocate over.
    """
    if state_target_count < 0:
        raise TargetsError(f"state target '{state_target_count}' is negative; give a whole number ≥ 0")
    known = base.dropna().astype(float)
    if (known < 0).any() or known.sum() <= 0:
        raise TargetsError("the base for allocating the state target has no positive value; check the Census file")
    quotas = known / known.sum() * state_target_count
    whole = np.floor(quotas).astype(int)
    left_over = int(state_target_count - whole.sum())
    remainders = pd.DataFrame({"fraction": quotas - whole, "name": known.index.astype(str)}, index=known.index)
    winners = remainders.sort_values(["fraction", "name"], ascending=[False, True]).index[:left_over]
    whole.loc[winners] += 1
    return whole.reindex(base.index).astype("Int64")


def derived_targets(phase: Phase) -> pd.DataFrame:
    """A phase's state target allocated to its participating districts (empty without a state target)."""
    if phase.state_target_count is None:
        return empty_targets()
    base = reference.district_base().set_index("district")["household_industry_workers_2011"]
    base = base.reindex(list(phase.participating_districts))
    allocated = derive_district_targets(phase.state_target_count, base).dropna()
    return pd.DataFrame({"phase_id": phase.id, "district": allocated.index, "trade": ALL_TRADES,
                         "target_count": allocated.astype(int).to_numpy(), "basis": "derived",
                         "source": f"derived from the state target ({phase.state_target_source}), not official",
                         "is_official": False})


def phase_targets(phase: Phase, path: Path | None = None) -> tuple[pd.DataFrame, TargetBasis | None]:
    """A phase's district targets and their basis: from targets.csv, else derived, else none.

    Returns:
        ``(targets, basis)``; with no target anywhere, an empty frame and None.
    """
    listed = load_targets(phase, path)
    if not listed.empty:
        is_official = bool(listed["is_official"].all())
        sources = "; ".join(sorted(set(listed.loc[listed["is_official"], "source"]))) if is_official else ""
        return listed, TargetBasis("from targets.csv", sources, is_official)
    if phase.state_target_count is not None:
        basis = TargetBasis(DERIVED_METHOD, str(phase.state_target_source), False, DERIVED_BASE, DERIVED_BASE_DATE)
        return derived_targets(phase), basis
    return listed, None


# -------------------------------------------------------------------- grades


#: The grades (``schemas.GradesModel``): ``grades`` best first, ``not_graded``, ``grade_of`` and ``by_code``.
Grades = GradesModel


@lru_cache(maxsize=4)
def load_grades(path: Path | None = None) -> Grades:
    """The grades from grades.yaml, validated by ``schemas.GradesModel``: fractions falling to 0, best first.

    Raises:
        TargetsError: the file is missing, unreadable, or inconsistent (one line naming the key; a
            threshold written as a percent, 90 for 0.9, is refused with the fraction to write).
    """
    path = GRADES_FILE if path is None else Path(path)
    document = schemas.read_yaml(path, TargetsError, "grades file")
    return schemas.validate(GradesModel, document, schemas.shown(path), TargetsError)


def grade_legend(grades: Grades, lang: str = "en") -> list[str]:
    """One line per grade, best first, then 'not graded': "on track: at least 90% of ...", from grades.yaml."""
    return [f"{g.label(lang)}: {g.description(lang)}" for g in (*grades.grades, grades.not_graded)]
