"""When things happen in the SYNTHETIC demo: registration days, stage dates and the weeks of the exports.

Belongs here: each event district's schedule in a phase (when it starts, whether
it stalls, its event days), the registration dates drawn from it (bursts on and
after each event day, a trickle over the district's active days), the dates a
catalogue goes live and a first order arrives (lags after registration), the
status those dates imply, and the week of the phase a date falls in. Not here:
who registers (``sampling``) or how files are written (``writing``).

The profile (numbers in ``demo_parameters.yaml``, ``timeline:`` of each phase and
``funnel:``):

- A district's active days run from the window's start, or from a late start
  (a share of districts), to the window's end, or to the day it stalls (another
  share of districts). Its event days are drawn among its active days.
- A row is, with ``on_event_share``, part of an event's burst: on the event day
  itself (``event_day_share``) or in the tail after it (a truncated exponential
  with mean ``tail_mean_days``, ending with the district's active days);
  otherwise on any active day, uniformly.
- A catalogue goes live a log-normal lag after registration (median about two
  weeks), a first order a longer log-normal lag after that (median about six
  weeks); each event district's follow-up is faster or slower by a factor.
  Stage dates after ``stages_observed_until`` are not yet known: left blank.
- The status is the furthest stage whose date is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from helpers.errors import DemoDataError
from helpers.vocabulary import STATUS_DATE_COLUMNS, STATUSES

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class Schedule:
    """The event districts of one phase and when each registers (days counted from the window's start).

    Attributes:
        districts: the event districts, sorted.
        start_day: each district's first active day.
        last_day: each district's last active day (the window's last day unless it stalls).
        event_days: each district's event days, sorted (one row per district).
        lag_factor: how much slower (>1) or faster (<1) each district's stages follow.
        window_start: the phase window's first day.
        window_days: how many days the window has.
    """

    districts: np.ndarray
    start_day: np.ndarray
    last_day: np.ndarray
    event_days: np.ndarray
    lag_factor: np.ndarray
    window_start: date
    window_days: int

    def day(self, offset: int) -> date:
        """The date ``offset`` days into the window."""
        return self.window_start + timedelta(days=int(offset))

    def summary(self) -> list[dict]:
        """One entry per district: start, last day, event days, late start and stall, for the sidecar."""
        return [
            {
                "event_district": str(district),
                "first_active_date": self.day(self.start_day[i]).isoformat(),
                "last_active_date": self.day(self.last_day[i]).isoformat(),
                "event_dates": [self.day(d).isoformat() for d in self.event_days[i]],
                "starts_late": bool(self.start_day[i] > 0),
                "stalls": bool(self.last_day[i] < self.window_days - 1),
                "stage_lag_factor": round(float(self.lag_factor[i]), 3),
            }
            for i, district in enumerate(self.districts)
        ]


def _day_range(settings: dict, key: str, window_days: int) -> tuple[int, int]:
    low, high = (int(v) for v in settings[key])
    if not 0 <= low <= high < window_days:
        raise DemoDataError(f"demo_parameters.yaml: timeline.{key} {settings[key]} must be two days within the window (0..{window_days - 1})")
    return low, high


def draw_schedule(
    rng: np.random.Generator, districts: tuple[str, ...], window: tuple[date, date], settings: dict, lag_sd_log: float
) -> Schedule:
    """Draw each event district's active days and event days in a phase window.

    Args:
        rng: the phase's random generator.
        districts: the phase's event districts.
        window: the phase window's first and last day.
        settings: the phase's ``timeline:`` settings.
        lag_sd_log: spread (log scale) of the districts' stage-lag factors.

    Returns:
        The schedule; late-starting and stalling districts are drawn from disjoint sets.

    Raises:
        DemoDataError: a late start falls after a stall, or a district has fewer active days than event days.
    """
    window_days = (window[1] - window[0]).days + 1
    late_low, late_high = _day_range(settings, "late_start_days", window_days)
    stall_low, stall_high = _day_range(settings, "stall_days", window_days)
    if late_high >= stall_low:
        raise DemoDataError("demo_parameters.yaml: timeline.late_start_days must end before timeline.stall_days begins")
    names = np.array(sorted(districts), dtype=object)
    n = len(names)
    order = rng.permutation(n)
    n_late = int(round(n * settings["late_start_share"]))
    n_stall = int(round(n * settings["stall_share"]))
    start_day = np.zeros(n, dtype=np.int64)
    last_day = np.full(n, window_days - 1, dtype=np.int64)
    start_day[order[:n_late]] = rng.integers(late_low, late_high + 1, n_late)
    last_day[order[n_late : n_late + n_stall]] = rng.integers(stall_low, stall_high + 1, n_stall)
    k = int(settings["event_days_per_district"])
    if (last_day - start_day + 1 < k).any():
        raise DemoDataError("demo_parameters.yaml: a district has fewer active days than timeline.event_days_per_district")
    event_days = np.stack([np.sort(rng.choice(np.arange(s, e + 1), size=k, replace=False)) for s, e in zip(start_day, last_day)])
    lag_factor = np.exp(rng.normal(0.0, lag_sd_log, n))
    return Schedule(names, start_day, last_day, event_days, lag_factor, window[0], window_days)


def registration_dates(rng: np.random.Generator, schedule: Schedule, event_district: np.ndarray, settings: dict) -> np.ndarray:
    """Registration dates (datetime64[D]) of rows with the given event districts, from the schedule.

    Args:
        rng: the phase's random generator.
        schedule: from :func:`draw_schedule`.
        event_district: each row's event district (one of ``schedule.districts``).
        settings: the phase's ``timeline:`` settings.

    Returns:
        One date per row, inside the district's active days.
    """
    position = np.searchsorted(schedule.districts, event_district)
    n_rows = len(position)
    start, last = schedule.start_day[position], schedule.last_day[position]
    k = schedule.event_days.shape[1]
    event = schedule.event_days[position, rng.integers(0, k, n_rows)]
    on_event_day = rng.random(n_rows) < settings["event_day_share"]
    room, mean_days = last - event, float(settings["tail_mean_days"])  # the tail: days after an event day, 1..room
    x = -mean_days * np.log1p(-rng.random(n_rows) * (1 - np.exp(-np.maximum(room, 1) / mean_days)))  # truncated exponential
    tail = np.where(room > 0, 1 + np.minimum(np.floor(x).astype(np.int64), np.maximum(room - 1, 0)), 0)
    burst = event + np.where(on_event_day, 0, tail)
    trickle = start + np.floor(rng.random(n_rows) * (last - start + 1)).astype(np.int64)
    in_burst = rng.random(n_rows) < settings["on_event_share"]
    offset = np.where(in_burst, burst, trickle)
    return np.datetime64(schedule.window_start, "D") + offset.astype("timedelta64[D]")


def _lags(rng: np.random.Generator, median_days: float, sigma_log: float, factor: np.ndarray) -> np.ndarray:
    """Log-normal lags in whole days, at least one day."""
    days = median_days * factor * np.exp(rng.normal(0.0, sigma_log, len(factor)))
    return np.maximum(1, np.ceil(days)).astype(np.int64).astype("timedelta64[D]")


def stage_dates(
    rng: np.random.Generator,
    registered: np.ndarray,
    reached: np.ndarray,
    lag_factor: np.ndarray,
    funnel: dict,
    observed_until: date,
) -> dict[str, np.ndarray]:
    """The dates each row reached its later stages, blank (NaT) where not reached or not yet known.

    Args:
        rng: the phase's random generator.
        registered: registration dates (datetime64[D]).
        reached: the furthest status each row ever reaches (one of ``STATUSES``).
        lag_factor: each row's district follow-up factor.
        funnel: the ``funnel:`` settings (lag medians and spreads).
        observed_until: the last day stages are known; later dates are left blank.

    Returns:
        ``{date column: datetime64[D] array}`` for every stage, registration included.
    """
    catalogue = registered + _lags(rng, funnel["catalogue_live_lag_median_days"], funnel["catalogue_live_lag_sigma_log"], lag_factor)
    first_order = catalogue + _lags(rng, funnel["first_order_lag_median_days"], funnel["first_order_lag_sigma_log"], lag_factor)
    rank = np.select([reached == status for status in STATUSES], range(len(STATUSES)), 0)
    limit = np.datetime64(observed_until, "D")
    not_a_date = np.datetime64("NaT", "D")
    dates = {STATUS_DATE_COLUMNS[STATUSES[0]]: registered}
    previous_known = np.ones(len(registered), dtype=bool)
    for stage_rank, (status, values) in enumerate(zip(STATUSES[1:], (catalogue, first_order)), start=1):
        known = previous_known & (rank >= stage_rank) & (values <= limit)
        dates[STATUS_DATE_COLUMNS[status]] = np.where(known, values, not_a_date)
        previous_known = known
    return dates


def status_from_dates(dates: dict[str, np.ndarray]) -> np.ndarray:
    """The furthest status whose date is set, per row (``dates`` as :func:`stage_dates` returns)."""
    status = np.full(len(dates[STATUS_DATE_COLUMNS[STATUSES[0]]]), STATUSES[0], dtype=object)
    for name in STATUSES[1:]:
        status = np.where(~np.isnat(dates[STATUS_DATE_COLUMNS[name]]), name, status)
    return status


def week_numbers(dates: np.ndarray, window_start: date) -> np.ndarray:
    """The week of the phase each date falls in: 1 for the window's first seven days, and so on."""
    return (dates - np.datetime64(window_start, "D")).astype(np.int64) // DAYS_PER_WEEK + 1


def week_end(week: int, window: tuple[date, date]) -> date:
    """The last day of a week of the phase (its export date), the window's end for the last, short week."""
    return min(window[0] + timedelta(days=DAYS_PER_WEEK * int(week) - 1), window[1])
