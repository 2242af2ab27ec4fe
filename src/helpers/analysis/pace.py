"""Progress over time: weekly counts and cumulative curves per stage, pace, projection, target date.

Weeks are counted from the day the phase began (week 1 = its first seven days), so
phases of different lengths line up. Each stage is counted on its own date: a
registration on ``registration_date``, catalogue live on ``catalogue_live_date``,
first order on ``first_order_date``; a stage taken as reported (no date) cannot be
placed on a week and is left off the curves (``progress.status_as_reported_count`` counts such rows).

Formulas are in ``docs/metrics.md`` ("Progress against targets"). What does not
belong here: status as of a date and grades (``progress``), change since the last
report (``ranking``), charts (``helpers.presentation.progress_sections``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

import pandas as pd

from helpers.analysis.metrics import FUNNEL_COLUMNS
from helpers.analysis.progress import STATUS_RANK, as_day, expected_share, stage_dates, status_rank
from helpers.campaign.phases import Phase
from helpers.vocabulary import STATUSES

#: Weeks the pace is measured over.
PACE_WEEKS = 4


def stage_event_dates(phase_regs_now: pd.DataFrame, status: str) -> pd.Series:
    """The dates on which rows reached ``status`` (by the as-of date), one per row that has one."""
    if status == STATUSES[0]:
        return pd.to_datetime(phase_regs_now["registration_date"]).dt.normalize()
    reached = status_rank(phase_regs_now["onboarding_status"]) >= STATUS_RANK[status]
    return stage_dates(phase_regs_now[reached], status).dropna()


def weekly_progress(
    phase_regs_now: pd.DataFrame,
    phase: Phase,
    as_of: date | pd.Timestamp | str,
    *,
    target_count: int | None = None,
) -> pd.DataFrame:
    """Weekly new counts and cumulative counts per stage, with the expected line when there is a target.

    Args:
        phase_regs_now: the phase's registrations as of the date (one district's, or all).
        target_count: the target these rows are measured against (None: no expected line).

    Returns:
        One row per week: ``week_number`` (1 = first week of the phase), ``week_start_date``,
        ``week_end_date`` (the earlier of the week's seventh day and ``as_of``), and per stage
        ``<stage>_count`` (new that week) and ``<stage>_cumulative_count``; with a target,
        ``target_count`` and ``expected_cumulative_count`` (target × expected share at the
        week's end).
    """
    day, start = as_day(as_of), as_day(phase.window_start)
    starts = pd.date_range(start, day, freq="7D")  # the first day of each week; none before the start
    frame = pd.DataFrame(index=starts)
    for status, column in zip(STATUSES, FUNNEL_COLUMNS):
        dates = stage_event_dates(phase_regs_now, status)
        dates = dates[(dates >= start) & (dates <= day)]
        week = start + pd.to_timedelta((dates - start).dt.days // 7 * 7, unit="D")
        frame[column] = week.value_counts().reindex(starts, fill_value=0).astype(int)
    for column in FUNNEL_COLUMNS:
        frame[column.replace("_count", "_cumulative_count")] = frame[column].cumsum()
    frame = frame.reset_index(names="week_start_date")
    frame.insert(0, "week_number", range(1, len(frame) + 1))
    frame.insert(2, "week_end_date", [min(s + pd.Timedelta(days=6), day) for s in frame["week_start_date"]])
    if target_count is not None:
        frame["target_count"] = int(target_count)
        frame["expected_cumulative_count"] = [
            target_count * expected_share(end, phase.window_start, phase.window_end)
            for end in frame["week_end_date"]
        ]
    return frame


def pace_per_week(event_dates: pd.Series, as_of: date | pd.Timestamp | str, window_start: date) -> float:
    """Events per week over the last ``PACE_WEEKS`` weeks up to ``as_of`` (or since the start, if shorter).

    pace = events dated in (as_of − 7·PACE_WEEKS days, as_of] and on or after the start,
    divided by the length of that span in weeks (days / 7). NaN before the start.
    """
    day, start = as_day(as_of), as_day(window_start)
    if day < start:
        return float("nan")
    span_start = max(day - pd.Timedelta(days=7 * PACE_WEEKS - 1), start)
    span_weeks = ((day - span_start).days + 1) / 7
    dates = pd.to_datetime(event_dates).dt.normalize()
    return float(((dates >= span_start) & (dates <= day)).sum() / span_weeks)


def projected_total(current_count: int, pace: float, as_of: date | pd.Timestamp | str, window_end: date) -> float:
    """The count at the window's end if the pace holds: current + pace × days left / 7 (days left ≥ 0)."""
    days_left = max(0, (as_day(window_end) - as_day(as_of)).days)
    return float(current_count + (0.0 if pd.isna(pace) else pace) * days_left / 7)


def target_reached_date(
    current_count: int, pace: float, target_count: int, as_of: date | pd.Timestamp | str, window_end: date
) -> date | None:
    """The day the target would be reached at ``pace``, or None when not within the window.

    Already reached: ``as_of``. Otherwise as_of + ⌈(target − current) / pace × 7⌉ days,
    if that is on or before the window's end; None when the pace is 0 or NaN or the date
    falls after the window.
    """
    day = as_day(as_of).date()
    if current_count >= target_count:
        return day
    if pd.isna(pace) or pace <= 0:
        return None
    reached = day + timedelta(days=math.ceil((target_count - current_count) / pace * 7))
    return reached if reached <= as_day(window_end).date() else None


@dataclass(frozen=True)
class Outlook:
    """Pace, projection and target date of one district (or the phase) as of a date."""

    pace_per_week: float
    projected_total_count: float
    target_reached_date: date | None


def outlook(
    event_dates: pd.Series, target_count: int | None, phase: Phase, as_of: date | pd.Timestamp | str
) -> Outlook:
    """Pace over the last four weeks, projected total at the window's end and the date the target is reached."""
    dates = pd.to_datetime(event_dates).dt.normalize()
    current = int((dates <= as_day(as_of)).sum())
    pace = pace_per_week(dates, as_of, phase.window_start)
    reached = None if target_count is None else target_reached_date(current, pace, target_count, as_of, phase.window_end)
    return Outlook(pace, projected_total(current, pace, as_of, phase.window_end), reached)


def district_outlook(
    phase_regs_now: pd.DataFrame, targets: pd.DataFrame, phase: Phase, as_of: date | pd.Timestamp | str
) -> pd.DataFrame:
    """Per district with a target (trade "all"): pace per week, projected total, date the target is reached.

    Returns:
        Columns ``district, pace_per_week, projected_total_count, target_reached_date``
        (None: not within the window).
    """
    whole = targets[targets["trade"] == "all"]
    dates = stage_event_dates(phase_regs_now, STATUSES[0])
    rows = [{"district": district, **asdict(outlook(dates[phase_regs_now["home_district"] == district], int(target),
                                                    phase, as_of))}
            for district, target in zip(whole["district"], whole["target_count"])]
    columns = ["district", *(field.name for field in fields(Outlook))]
    return pd.DataFrame(rows, columns=columns).sort_values("district").reset_index(drop=True)
