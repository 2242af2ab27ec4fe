"""Phases side by side: the same figures for every phase, in total and per week since each began.

Every phase is measured at the same point, the end of its window (or the as-of date
while it runs), so a finished phase's funnel is not given months more to mature than a
running one's. Phases differ in length, so besides the totals each figure that grows
with time is also given per week of the phase (weeks elapsed by the as-of date, at most the
window's length). Every figure is computed by the functions of
``helpers.analysis.metrics`` for one phase (registrations of the phase, coverage,
funnel, key figures); nothing is defined again here.

What does not belong here: targets and grades (``progress``), charts and tables
(``helpers.presentation``).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from helpers.analysis import metrics
from helpers.analysis.pace import weekly_progress
from helpers.analysis.progress import as_day, elapsed_share, registrations_as_of
from helpers.campaign.phases import Phase
from helpers.data_facts import read_data_facts


def weeks_elapsed(phase: Phase, as_of: date | pd.Timestamp | str) -> float:
    """Weeks of the phase elapsed by ``as_of`` (window days elapsed / 7; 0 before it begins)."""
    window_days = (as_day(phase.window_end) - as_day(phase.window_start)).days + 1
    return elapsed_share(as_of, phase.window_start, phase.window_end) * window_days / 7


def phase_row(registrations_now: pd.DataFrame, phase: Phase, as_of: date | pd.Timestamp | str) -> dict[str, object]:
    """One phase's figures as of a date (``registrations_now`` already cut by ``registrations_as_of``).

    Rates are ``metrics.pooled_rates`` over the event and nearby districts (numerator and base cover the
    same Census areas); a nearby district is reached when it has at least one registration.
    """
    phase_regs = metrics.phase_registrations(registrations_now, phase)
    coverage = metrics.district_coverage(phase_regs, phase)
    key = metrics.phase_key_figures(phase_regs, coverage)
    funnel = metrics.funnel(phase_regs).set_index("stage")["pct_of_registered"]
    rates = metrics.pooled_rates(coverage, coverage.loc[coverage["role"].isin(["event", "nearby"]), "district"])
    nearby = coverage[coverage["role"] == "nearby"]
    reached = int((nearby["registrations_count"] > 0).sum())
    weeks = weeks_elapsed(phase, as_of)
    return {
        "phase_id": phase.id,
        "window_start_date": phase.window_start,
        "window_end_date": phase.window_end,
        "weeks_elapsed": weeks,
        "registrations_count": key["registrations_count"],
        "registrations_per_week": key["registrations_count"] / weeks if weeks else float("nan"),
        **{k: rates[k] for k in ("registrations_per_lakh_population", "registrations_per_1000_hh_industry_workers")},
        "catalogue_live_pct": funnel.get(metrics.FUNNEL_STAGES[1], float("nan")),
        "first_order_pct": funnel.get(metrics.FUNNEL_STAGES[2], float("nan")),
        "women_share_pct": key["women_share_pct"],
        "tribal_share_pct": key["tribal_share_pct"],
        "nearby_districts_count": len(nearby),
        "nearby_reached_count": reached,
        "nearby_reached_pct": reached / len(nearby) * 100 if len(nearby) else float("nan"),
    }


def phase_comparison(
    registrations: pd.DataFrame, phases: dict[str, Phase], as_of: date | pd.Timestamp | str | None = None
) -> pd.DataFrame:
    """Every phase side by side, each measured at the same point: the end of its window (or ``as_of`` if earlier).

    A phase whose window has ended is measured as of its last day, so catalogues that
    went live and first orders that came after the window are not counted, as they
    cannot be for a phase still running; ``measured_as_of_date`` says the day used.

    Returns:
        One row per phase: ``phase_id, window_start_date, window_end_date, measured_as_of_date,
        weeks_elapsed, registrations_count, registrations_per_week,
        registrations_per_lakh_population, registrations_per_1000_hh_industry_workers`` (pooled
        over the phase's event and nearby districts, ``metrics.pooled_rates``),
        ``catalogue_live_pct, first_order_pct, women_share_pct, tribal_share_pct,
        nearby_districts_count, nearby_reached_count, nearby_reached_pct`` (nearby districts
        with at least one registration).
    """
    day = as_of if as_of is not None else read_data_facts(registrations).latest_data_date
    rows = []
    for phase in phases.values():
        measured = min(as_day(day), as_day(phase.window_end))
        row = phase_row(registrations_as_of(registrations, measured), phase, measured)
        rows.append({**{k: row[k] for k in ("phase_id", "window_start_date", "window_end_date")},
                     "measured_as_of_date": measured.date(), **row})
    return pd.DataFrame(rows)


def weekly_by_phase(
    registrations: pd.DataFrame, phases: dict[str, Phase], as_of: date | pd.Timestamp | str | None = None
) -> pd.DataFrame:
    """Registrations per week since each phase began, stacked (``phase_id, week_number, ...``), for curves side by side.

    Each phase's weeks stop at the earlier of its window's end and ``as_of``.
    """
    day = as_day(as_of if as_of is not None else read_data_facts(registrations).latest_data_date)
    now = registrations_as_of(registrations, day)
    frames = []
    for phase in phases.values():
        end = min(day, as_day(phase.window_end))
        weekly = weekly_progress(metrics.phase_registrations(now, phase), phase, end)
        frames.append(weekly.assign(phase_id=phase.id)[["phase_id", *weekly.columns]])  # phase_id first
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["phase_id"])
