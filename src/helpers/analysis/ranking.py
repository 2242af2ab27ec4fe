"""Since the last report: what changed over the period, and districts ranked by their improvement.

``period_change`` compares a phase as of the reporting date with the same phase as
of the previous reporting date: the as-of date of the last report published (the
ledger knows it), or, before the first report, ``period_days`` earlier: new
registrations, stages reached, districts whose grade changed, and the delta ranking
(``delta_ranking``) of districts by the improvement in achievement, as NITI Aayog's
Aspirational Districts programme ranks districts by improvement.

Formulas are in ``docs/metrics.md`` ("Progress against targets"). What does not
belong here: status as of a date and grades (``progress``), weekly curves and pace
(``pace``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from helpers.analysis import metrics
from helpers.analysis.progress import as_day, district_progress, registrations_as_of
from helpers.campaign.phases import Phase
from helpers.campaign.targets import ALL_TRADES, Grades

#: Days between two reporting dates unless the report says otherwise.
DEFAULT_PERIOD_DAYS = 7


def _ranks(values: pd.Series) -> pd.Series:
    """Ranks, largest value first; equal values share the smallest rank of their group ("min": 1, 2, 2, 4).

    Missing values rank last (together). A tie is a tie, never broken by the alphabet.
    """
    return values.fillna(float("-inf")).rank(ascending=False, method="min").astype(int)


def bottom_tie(ranking: pd.DataFrame, rank_column: str = "delta_rank") -> pd.DataFrame:
    """The districts sharing the last rank of ``ranking`` (all of them, however many)."""
    if ranking.empty:
        return ranking
    return ranking[ranking[rank_column] == ranking[rank_column].max()]


def delta_ranking(progress_now: pd.DataFrame, progress_previous: pd.DataFrame) -> pd.DataFrame:
    """Districts ranked by the improvement in achievement between two dates (rank 1 = largest).

    improvement_pp = achievement_pct now − achievement_pct at the previous date
    (percentage points of the district's target). Equal improvements share a rank
    (the smallest of their group: 1, 2, 2, 4), so a tie is never ordered by the
    alphabet; rows of a tie are listed A to Z. Also ranks by achievement at each date
    (1 = highest; ties share a rank likewise) and ``achievement_rank_change`` =
    previous rank − rank now (positive: moved up).

    Args:
        progress_now, progress_previous: ``district_progress`` at the two dates.

    Returns:
        Columns ``district, achievement_pct, achievement_previous_pct, improvement_pp,
        delta_rank, achievement_rank, achievement_rank_previous, achievement_rank_change``,
        sorted by ``delta_rank``. Only districts with a target (trade "all").
    """
    now = progress_now[progress_now["trade"] == ALL_TRADES].set_index("district")
    before = progress_previous[progress_previous["trade"] == ALL_TRADES].set_index("district")
    frame = pd.DataFrame({"achievement_pct": now["achievement_pct"]})
    frame["achievement_previous_pct"] = before["achievement_pct"].reindex(frame.index).fillna(0.0)
    frame["improvement_pp"] = frame["achievement_pct"] - frame["achievement_previous_pct"]
    frame = frame.reset_index()
    frame["delta_rank"] = _ranks(frame["improvement_pp"])
    frame["achievement_rank"] = _ranks(frame["achievement_pct"])
    frame["achievement_rank_previous"] = _ranks(frame["achievement_previous_pct"])
    frame["achievement_rank_change"] = frame["achievement_rank_previous"] - frame["achievement_rank"]
    return frame.sort_values(["delta_rank", "district"]).reset_index(drop=True)


@dataclass(frozen=True)
class PeriodChange:
    """What changed in a phase between the previous reporting date and this one."""

    as_of_date: date
    previous_date: date
    new_registrations_count: int
    stages_reached: dict[str, int]  #: per stage: sellers at that stage or beyond now minus at the previous date
    grade_changes: pd.DataFrame  #: district, grade_previous, grade (districts whose grade changed)
    ranking: pd.DataFrame  #: ``delta_ranking`` over the period (empty without targets)
    #: True when ``previous_date`` is the as-of date of the last report published; False when it is
    #: only ``period_days`` before (no report was published before this one).
    is_since_report: bool = False
    period_days: int = DEFAULT_PERIOD_DAYS


def period_change(
    registrations: pd.DataFrame,
    as_of: date | pd.Timestamp | str,
    period_days: int = DEFAULT_PERIOD_DAYS,
    *,
    phase: Phase,
    targets: pd.DataFrame | None = None,
    grades: Grades | None = None,
    previous_report: date | None = None,
) -> PeriodChange:
    """The change in a phase since the previous reporting date.

    Args:
        registrations: every cleaned registration (later rows are ignored by the as-of cut).
        targets, grades: the phase's targets and grades; without them, no grade changes
            and no ranking.
        previous_report: the as-of date of the last report published before this one
            (``ledger.previous_report_date``); None before the first report, when the
            period is the ``period_days`` before ``as_of``.

    Returns:
        A ``PeriodChange``: new registrations = registrations counted now − counted then;
        stages reached likewise per stage; districts whose grade differs; the delta ranking.
    """
    now_day = as_day(as_of)
    is_since_report = previous_report is not None and as_day(previous_report) < now_day
    previous_day = as_day(previous_report) if is_since_report else now_day - pd.Timedelta(days=period_days)
    now = metrics.phase_registrations(registrations_as_of(registrations, now_day), phase)
    before = metrics.phase_registrations(registrations_as_of(registrations, previous_day), phase)
    funnel_now, funnel_before = metrics.funnel(now), metrics.funnel(before)  # the same stages, in order
    stages = {stage: int(count_now) - int(count_before) for stage, count_now, count_before
              in zip(funnel_now["stage"], funnel_now["sellers_count"], funnel_before["sellers_count"])}
    changes = pd.DataFrame(columns=["district", "grade_previous", "grade"])
    ranking = pd.DataFrame()
    if targets is not None and grades is not None and not targets.empty:
        progress_now = district_progress(now, targets, phase, now_day, grades)
        progress_before = district_progress(before, targets, phase, previous_day, grades)
        ranking = delta_ranking(progress_now, progress_before)
        changes = _grade_changes(progress_now, progress_before)
    return PeriodChange(
        as_of_date=now_day.date(),
        previous_date=previous_day.date(),
        new_registrations_count=stages[metrics.FUNNEL_STAGES[0]],
        stages_reached=stages,
        grade_changes=changes,
        ranking=ranking,
        is_since_report=is_since_report,
        period_days=(now_day - previous_day).days,
    )


def _grade_changes(progress_now: pd.DataFrame, progress_before: pd.DataFrame) -> pd.DataFrame:
    """Districts (trade "all") whose grade now differs from the grade at the previous date."""
    now = progress_now[progress_now["trade"] == ALL_TRADES].set_index("district")["grade"]
    before = progress_before[progress_before["trade"] == ALL_TRADES].set_index("district")["grade"].reindex(now.index)
    changed = now.fillna("") != before.fillna("")
    frame = pd.DataFrame({"grade_previous": before[changed], "grade": now[changed]}).reset_index()
    return frame[["district", "grade_previous", "grade"]].sort_values("district").reset_index(drop=True)
