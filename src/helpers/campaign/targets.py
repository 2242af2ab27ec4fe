"""Targets of a campaign phase and the grades of progress against them, read from data files.

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

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers import paths
from helpers.campaign.phases import Phase
from helpers.errors import TargetsError
from helpers.reference import tables as reference
from helpers.vocabulary import TRADES

#: District targets per phase (official or illustrative).
TARGETS_FILE = paths.CAMPAIGN_DIR / "targets.csv"
#: Grade thresholds and labels.
GRADES_FILE = paths.CAMPAIGN_DIR / "grades.yaml"
#: Columns of targets.csv, in order.
TARGET_COLUMNS: tuple[str, ...] = ("phase_id", "district", "trade", "target_count", "source", "is_official")
#: Columns of a targets frame: the file's, and ``basis`` (official when is_official, else illustrative).
FRAME_COLUMNS: tuple[str, ...] = (*TARGET_COLUMNS, "basis")
#: How targets.csv may write is_official.
_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0")
#: Kinds of target basis: set by the department, invented for the demo, allocated by the kit.
TARGET_BASIS_KINDS: tuple[str, ...] = ("official", "illustrative", "derived")
#: The kinds a row of targets.csv may have (derived targets are computed, never listed).
FILE_BASIS_KINDS: tuple[str, ...] = ("official", "illustrative")
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
        if self.is_derived:
            return "derived"
        return "official" if self.is_official else "illustrative"


# ---------------------------------------------------------------- targets.csv


def _fail(path: Path, line: int, column: str, value: object, fix: str) -> TargetsError:
    return TargetsError(f"{path}, row {line}, column {column}: value '{value}' {fix}")


def _check_row(row: dict, line: int, path: Path, districts: set[str]) -> dict:
    """One row of targets.csv, checked and typed."""
    cleaned = {c: str(row.get(c) or "").strip() for c in TARGET_COLUMNS}
    for column in TARGET_COLUMNS:
        if not cleaned[column] and column != "source":
            raise _fail(path, line, column, "", "is blank; only the source of a target that is not official may be blank")
    if cleaned["district"] not in districts:
        raise _fail(path, line, "district", cleaned["district"],
                    f"is not a district of UP; use the names in data/raw/reference/{reference.DISTRICTS_FILE}")
    if cleaned["trade"] not in (*TRADES, ALL_TRADES):
        raise _fail(path, line, "trade", cleaned["trade"], f"must be one of {', '.join((*TRADES, ALL_TRADES))}")
    if not cleaned["target_count"].isdigit() or int(cleaned["target_count"]) < 1:
        raise _fail(path, line, "target_count", cleaned["target_count"], "must be a whole number above 0, such as 250")
    flag = cleaned["is_official"].lower()
    if flag not in (*_TRUE, *_FALSE):
        raise _fail(path, line, "is_official", cleaned["is_official"], "must be true or false")
    cleaned["is_official"] = flag in _TRUE
    if cleaned["is_official"] and not cleaned["source"]:
        raise _fail(path, line, "source", "", "is blank; an official target needs the order or letter that sets it")
    cleaned["target_count"] = int(cleaned["target_count"])
    cleaned["basis"] = "official" if cleaned["is_official"] else "illustrative"
    return cleaned


def empty_targets() -> pd.DataFrame:
    """A targets frame with the columns of ``FRAME_COLUMNS`` and no row."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FRAME_COLUMNS})


def read_targets_file(path: Path | None = None) -> pd.DataFrame:
    """Every row of targets.csv, checked: known districts and trades, whole positive counts, no repeats.

    Raises:
        TargetsError: one line naming the file, row (line of the file), column and value.
    """
    path = TARGETS_FILE if path is None else Path(path)
    if not path.exists():
        return empty_targets()
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in TARGET_COLUMNS if c not in raw.columns]
    if missing:
        raise TargetsError(f"{path}: column(s) {missing} missing; the header must be {','.join(TARGET_COLUMNS)}")
    districts = set(reference.load_districts()["district"])
    rows = [_check_row(row, line, path, districts) for line, row in enumerate(raw.to_dict("records"), start=2)]
    frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    repeated = frame.duplicated(["phase_id", "district", "trade"], keep="first")
    if repeated.any():
        line = int(np.flatnonzero(repeated.to_numpy())[0]) + 2
        first = frame.loc[repeated.idxmax()]
        raise _fail(path, line, "district", first["district"],
                    f"repeats a target of phase {first['phase_id']}, trade {first['trade']}; keep one row")
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
    frame = frame[frame["phase_id"] == phase_id]
    return frame.sort_values(["district", "trade"]).reset_index(drop=True)


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
    return pd.DataFrame(
        {
            "phase_id": phase.id,
            "district": allocated.index,
            "trade": ALL_TRADES,
            "target_count": allocated.astype(int).to_numpy(),
            "basis": "derived",
            "source": f"derived from the state target ({phase.state_target_source}), not official",
            "is_official": False,
        }
    ).reset_index(drop=True)


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


@dataclass(frozen=True)
class Grade:
    """One grade: a code, the lowest ratio of count to expected that earns it, its labels."""

    code: str
    min_ratio: float
    label_en: str
    label_hi: str
    description_en: str
    description_hi: str

    def label(self, lang: str) -> str:
        """The grade's label in ``lang`` ("en" or "hi")."""
        return self.label_hi if lang == "hi" else self.label_en

    def description(self, lang: str) -> str:
        """What the grade means, in ``lang``."""
        return self.description_hi if lang == "hi" else self.description_en


@dataclass(frozen=True)
class Grades:
    """The grades, best first, and the label of a district that is not graded."""

    grades: tuple[Grade, ...]
    not_graded: Grade

    def grade_of(self, ratio: float | None) -> str | None:
        """The code of the grade a ratio earns (the first, best first, with ratio ≥ min_ratio); None if NaN."""
        if ratio is None or pd.isna(ratio):
            return None
        return next(g.code for g in self.grades if ratio >= g.min_ratio)

    def by_code(self, code: str | None) -> Grade:
        """The grade of a code; ``not_graded`` for None."""
        return next((g for g in self.grades if g.code == code), self.not_graded)


def _grade(raw: dict, where: str, min_ratio: float) -> Grade:
    keys = ("label_en", "label_hi", "description_en", "description_hi")
    missing = [k for k in keys if not raw.get(k)]
    if missing:
        raise TargetsError(f"{where}: missing {missing}; each grade needs code, min_ratio, labels and descriptions")
    return Grade(str(raw.get("code", "not_graded")), min_ratio, *(str(raw[k]) for k in keys))


@lru_cache(maxsize=4)
def load_grades(path: Path | None = None) -> Grades:
    """The grades from grades.yaml, checked: thresholds fall from top to bottom and the last is 0.

    Raises:
        TargetsError: the file is missing or inconsistent (one line naming the grade).
    """
    path = GRADES_FILE if path is None else Path(path)
    if not path.exists():
        raise TargetsError(f"{path}: grades file missing; restore it from git")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raws = document.get("grades")
    if not isinstance(raws, list) or not raws or "not_graded" not in document:
        raise TargetsError(f"{path}: expected a 'grades:' list and a 'not_graded:' entry")
    grades, previous = [], float("inf")
    for number, raw in enumerate(raws, start=1):
        where = f"{path}, grade {number} ('{raw.get('code', '?')}')"
        ratio = raw.get("min_ratio")
        if not isinstance(ratio, (int, float)) or isinstance(ratio, bool) or not 0 <= ratio < previous:
            raise TargetsError(f"{where}: min_ratio '{ratio}' must be a number ≥ 0 below the grade above it")
        grades.append(_grade(raw, where, float(ratio)))
        previous = float(ratio)
    if previous != 0:
        raise TargetsError(f"{path}: the last grade's min_ratio is {previous}; make it 0 so every ratio gets a grade")
    return Grades(tuple(grades), _grade(document["not_graded"], f"{path}, not_graded", float("nan")))


def grade_legend(grades: Grades, lang: str = "en") -> list[str]:
    """One line per grade, best first, then 'not graded': "on track: at least 90% of ...", from grades.yaml."""
    return [f"{g.label(lang)}: {g.description(lang)}" for g in (*grades.grades, grades.not_graded)]
