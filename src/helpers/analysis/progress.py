"""Progress of a phase against its targets as of a date: what had happened, what was expected, the grade.

- ``registrations_as_of``: the registrations and their onboarding status as they
  stood at the end of a date, from the dated stage columns (``STATUS_DATE_COLUMNS``);
  where a stage has no date the status is taken as reported, and flagged.
- ``elapsed_share`` / ``expected_share``: how much of the target should be done by a
  date (straight line over the phase window, or a cumulative profile).
- ``district_progress``: per district, count, target, achievement, expected-by-now and
  grade; ``phase_progress``: the same for the phase as a whole.

Formulas are in ``docs/metrics.md`` ("Progress against targets"). Pace, projection and
weekly curves are in ``helpers.analysis.pace``; change since the last report and delta
ranks in ``helpers.analysis.ranking``. Nothing here reads files or draws.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from helpers.campaign.phases import Phase
from helpers.campaign.targets import ALL_TRADES, Grades
from helpers.vocabulary import STATUS_DATE_COLUMNS, STATUSES

#: Columns added by ``registrations_as_of``.
REPORTED_STATUS_COLUMN = "onboarding_status_reported"
AS_REPORTED_FLAG = "is_status_as_reported"
#: Each onboarding status's place in the funnel: registered 0, catalogue live 1, first order 2.
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}


def status_rank(statuses: pd.Series) -> pd.Series:
    """Each status's place in the funnel (``STATUS_RANK``); -1 for a value that is not a status (or missing).

    One vectorised comparison a status: ``Series.map`` with a dict goes row by row in Python over a column
    of Arrow strings, about 13 times slower on 18,500 rows (measured 2026-12-06).
    """
    rank = np.full(len(statuses), -1, dtype=int)
    for place, status in enumerate(STATUSES):
        rank[statuses.isin([status]).to_numpy()] = place
    return pd.Series(rank, index=statuses.index)


def as_day(value: date | pd.Timestamp | str) -> pd.Timestamp:
    """A date, timestamp or ISO string as a midnight Timestamp."""
    return pd.Timestamp(value).normalize()


def stage_dates(registrations: pd.DataFrame, status: str) -> pd.Series:
    """The dates a stage was reached (NaT where the column is absent or blank)."""
    column = STATUS_DATE_COLUMNS[status]
    if column not in registrations:
        return pd.Series(pd.NaT, index=registrations.index, dtype="datetime64[ns]")
    return pd.to_datetime(registrations[column], errors="coerce").dt.normalize()


def registrations_as_of(registrations: pd.DataFrame, as_of: date | pd.Timestamp | str) -> pd.DataFrame:
    """The registrations and their status as they stood at the end of ``as_of``.

    A row counts when ``registration_date <= as_of``. Its status is the furthest stage
    that (a) the reported ``onboarding_status`` reaches and (b) was reached by
    ``as_of``: a stage with a date in its column (``catalogue_live_date``,
    ``first_order_date``) counts only if that date is on or before ``as_of``; a stage
    whose date is absent or blank is taken as reported, and ``is_status_as_reported``
    is True for that row. The first stage dated after ``as_of`` stops the walk.

    Returns:
        The rows kept, with ``onboarding_status`` as of the date,
        ``onboarding_status_reported`` (as in the sheet) and ``is_status_as_reported``.
        The same rows dated on or before ``as_of`` always give the same result.
    """
    day = as_day(as_of)
    dates = pd.to_datetime(registrations["registration_date"]).dt.normalize()
    kept = registrations[dates <= day].copy()
    reported = kept["onboarding_status"].astype(str)
    reported_rank = status_rank(reported)
    status = pd.Series(STATUSES[0], index=kept.index, dtype=object)
    as_reported = pd.Series(False, index=kept.index)
    still_walking = pd.Series(True, index=kept.index)
    for rank, stage in enumerate(STATUSES[1:], start=1):
        stage_date = stage_dates(kept, stage)
        reaches = still_walking & (reported_rank >= rank)
        undated = reaches & stage_date.isna()
        dated_in_time = reaches & stage_date.notna() & (stage_date <= day)
        status[undated | dated_in_time] = stage
        as_reported |= undated
        still_walking = undated | dated_in_time
    kept[REPORTED_STATUS_COLUMN] = reported
    kept["onboarding_status"] = status.astype(str)
    kept[AS_REPORTED_FLAG] = as_reported.astype(bool)
    return kept


def status_as_reported_count(registrations_now: pd.DataFrame) -> int:
    """How many rows of ``registrations_as_of`` output had a stage taken as reported (for the page's note)."""
    return int(registrations_now[AS_REPORTED_FLAG].sum()) if AS_REPORTED_FLAG in registrations_now else 0


# ---------------------------------------------------------------- expected by now


def elapsed_share(as_of: date | pd.Timestamp | str, window_start: date, window_end: date) -> float:
    """Share of the phase window elapsed by the end of ``as_of``, in [0, 1].

    Days are counted inclusively: (as_of − start + 1) / (end − start + 1), clamped
    to [0, 1]; 0 before the window opens, 1 from its last day on.
    """
    day, start, end = as_day(as_of), as_day(window_start), as_day(window_end)
    share = ((day - start).days + 1) / ((end - start).days + 1)
    return float(min(1.0, max(0.0, share)))


def expected_share(
    as_of: date | pd.Timestamp | str, window_start: date, window_end: date, profile: pd.Series | None = None
) -> float:
    """Share of the target expected by ``as_of``: the elapsed share, or a cumulative profile.

    Args:
        profile: optional cumulative share of the target expected by each date
            (index: dates, values in [0, 1], non-decreasing); read by straight
            lines between its points, 0 before the first and its last value after
            the last.
    """
    if profile is None or profile.empty:
        return elapsed_share(as_of, window_start, window_end)
    points = profile.sort_index()
    days = np.array([as_day(d).toordinal() for d in points.index], dtype=float)
    value = np.interp(as_day(as_of).toordinal(), days, points.to_numpy(dtype=float), left=0.0, right=points.iloc[-1])
    return float(min(1.0, max(0.0, value)))


def district_progress(
    phase_regs_now: pd.DataFrame,
    targets: pd.DataFrame,
    phase: Phase,
    as_of: date | pd.Timestamp | str,
    grades: Grades,
) -> pd.DataFrame:
    """Per target row (district, trade): count, target, achievement, expected-by-now and grade.

    - ``achievement_pct`` = count / target × 100;
    - ``expected_by_now_count`` = target × expected share (``expected_share``);
    - ``ratio_to_expected`` = count / expected-by-now (NaN when nothing is expected yet);
    - ``grade`` = the grade the ratio earns in grades.yaml (None when not graded).

    Args:
        phase_regs_now: the phase's registrations as of the date (``registrations_as_of``).
        targets: the phase's targets (``helpers.campaign.targets.phase_targets``).

    Returns:
        Columns ``district, trade, registrations_count, target_count, achievement_pct,
        expected_by_now_count, ratio_to_expected, grade, is_official``, by district.
    """
    share = expected_share(as_of, phase.window_start, phase.window_end)
    frame = targets[["district", "trade", "target_count", "is_official"]].copy()
    frame["target_count"] = frame["target_count"].astype(int)
    counted = phase_regs_now[phase_regs_now["onboarding_status"].isin(STATUSES)]  # every stage of the funnel
    every, by_trade = counted.groupby("home_district").size(), counted.groupby(["home_district", "trade"]).size()
    frame["registrations_count"] = pd.Series([every.get(d, 0) if t == ALL_TRADES else by_trade.get((d, t), 0)
                                              for d, t in zip(frame["district"], frame["trade"])], frame.index, int)
    frame["achievement_pct"] = frame["registrations_count"] / frame["target_count"] * 100
    frame["expected_by_now_count"] = frame["target_count"] * share
    expected = frame["expected_by_now_count"].where(frame["expected_by_now_count"] > 0)
    frame["ratio_to_expected"] = frame["registrations_count"] / expected
    frame["grade"] = [grades.grade_of(r) for r in frame["ratio_to_expected"]]
    columns = [
        "district", "trade", "registrations_count", "target_count", "achievement_pct",
        "expected_by_now_count", "ratio_to_expected", "grade", "is_official",
    ]
    return frame[columns].sort_values(["district", "trade"]).reset_index(drop=True)


def phase_progress(progress: pd.DataFrame, grades: Grades) -> dict[str, object]:
    """The phase as a whole, from the district rows with trade "all" of ``district_progress``.

    Returns:
        ``registrations_count, target_count, achievement_pct, expected_by_now_count,
        ratio_to_expected, grade`` over the districts with a target, and
        ``districts_<grade code>_count`` for each grade and ``districts_not_graded_count``.
    """
    rows = progress[progress["trade"] == ALL_TRADES]
    count, target = int(rows["registrations_count"].sum()), int(rows["target_count"].sum())
    expected = float(rows["expected_by_now_count"].sum())
    ratio = count / expected if expected > 0 else float("nan")
    summary: dict[str, object] = {
        "registrations_count": count,
        "target_count": target,
        "achievement_pct": count / target * 100 if target else float("nan"),
        "expected_by_now_count": expected,
        "ratio_to_expected": ratio,
        "grade": grades.grade_of(ratio),
    }
    summary |= {f"districts_{grade.code}_count": int((rows["grade"] == grade.code).sum()) for grade in grades.grades}
    return summary | {"districts_not_graded_count": int(rows["grade"].isna().sum())}
