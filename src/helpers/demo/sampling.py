"""Drawing the clean SYNTHETIC rows of a phase: who registers, where, in which craft, and when.

Belongs here: the ids (registration and GeM seller), each row's people attributes
(woman, tribal, GI product) and the furthest stage it ever reaches, and the clean
rows of a phase in the demo sheet layout, before any mess. Not here: the
calibration tables (``calibration``), the dates (``timeline``), the mess
(``mess``), the benchmark frame (``large``).

- ``craft_profiles.csv``: P(woman) by craft, about 35% overall. P(tribal) =
  min(0.5, 2 x the home district's Census 2011 ST share); an "other" row that is
  not a woman is tribal.
- Each trade's count is exact (the phase's invented totals): rows are drawn per
  trade from the joint distribution of ``calibration.joint_cells``.
- Every seller whose catalogue ever goes live has a GeM seller id, a third of the
  registered-only ones too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.campaign import phases
from helpers.demo import calibration, timeline
from helpers.demo.layout import DATA_ORIGIN, DEFAULT_SEED, DEMO_SHEET_COLUMNS

_BASE36 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
_SELLER_ID_MASK = np.uint64((1 << 40) - 1)  # ids are a bijection of 40-bit numbers: < 36**8, 8 base-36 digits
_SELLER_ID_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9))
#: Seller-id number ranges: phase 1, phase 2 and the benchmark frame never share an id.
SELLER_ID_OFFSETS = {"1": 0, "2": 1_000_000, "B": 10_000_000}


@dataclass(frozen=True)
class PhaseSample:
    """The clean rows of one phase and the schedule their dates were drawn from."""

    frame: pd.DataFrame
    schedule: timeline.Schedule


def seller_ids(index: np.ndarray, offset: int) -> np.ndarray:
    """Unique ``GEMS-XXXXXXXX`` ids: a bijective mix of the 40-bit row number, written in base 36."""
    values = (index.astype(np.uint64) + np.uint64(offset)) & _SELLER_ID_MASK
    with np.errstate(over="ignore"):
        for multiplier in _SELLER_ID_MULTIPLIERS:  # odd multiplier mod 2**40, then xor-shift: both bijections
            values = (values * multiplier) & _SELLER_ID_MASK
            values ^= values >> np.uint64(19)
    digits = np.empty((len(values), 8), dtype=np.uint8)
    for position in range(7, -1, -1):
        digits[:, position] = _BASE36[(values % np.uint64(36)).astype(np.intp)]
        values = values // np.uint64(36)
    return np.strings.add("GEMS-", digits.view("S8").ravel().astype(str))


def registration_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``<prefix><number>`` with the number zero-padded to ``width`` digits."""
    return np.strings.add(prefix, np.strings.zfill(numbers.astype(str), width))


def draw_attributes(rng: np.random.Generator, cells: pd.DataFrame, cell_index: np.ndarray) -> dict[str, np.ndarray]:
    """Draw trade, is_woman, is_tribal, gi_product, the furthest status ever reached and has_seller_id.

    Args:
        rng: the random generator (draws are made in a fixed order).
        cells: the joint cells (``calibration.joint_cells``).
        cell_index: each row's cell.

    Returns:
        ``{name: array}``; ``onboarding_status`` is the furthest stage the row ever reaches.
    """
    params = calibration.load_demo_parameters()
    n_rows = len(cell_index)
    trade = cells["trade"].to_numpy(dtype=object)[cell_index]
    is_woman = rng.random(n_rows) < cells["woman_share"].to_numpy()[cell_index]
    is_tribal = rng.random(n_rows) < cells["tribal_probability"].to_numpy()[cell_index]
    is_tribal |= (trade == "other") & ~is_woman
    gi_names = cells["gi_name"].astype(object).where(cells["gi_name"].notna(), "").to_numpy(dtype=object)[cell_index]
    has_gi = (gi_names != "") & (rng.random(n_rows) < params["gi_product_share_if_eligible"])
    u = rng.random(n_rows)
    catalogue = u < cells["catalogue_live_probability"].to_numpy()[cell_index]
    first_order = u < cells["first_order_probability"].to_numpy()[cell_index]
    status = np.where(first_order, "first order", np.where(catalogue, "catalogue live", "registered"))
    has_seller_id = catalogue | (rng.random(n_rows) < params["funnel"]["seller_id_share_if_registered_only"])
    return {
        "trade": trade,
        "is_woman": np.where(is_woman, "yes", "no"),
        "is_tribal": np.where(is_tribal, "yes", "no"),
        "gi_product": np.where(has_gi, gi_names, ""),
        "onboarding_status": status,
        "has_seller_id": has_seller_id,
    }


def draw_phase(phase_id: str, seed: int = DEFAULT_SEED) -> PhaseSample:
    """Clean synthetic registrations of one phase, and the schedule of its event districts.

    Args:
        phase_id: a phase with settings in ``demo_parameters.yaml`` ("1", "2").
        seed: the generator's seed; the same seed gives the same rows.

    Returns:
        The rows in :data:`DEMO_SHEET_COLUMNS` (standard district names, dates as
        datetime64 with NaT for a stage not reached, yes/no strings), ordered by
        ``registration_id`` (``UPGEM-P<phase>-<6 digits>``, in date order).

    Raises:
        DemoDataError: the phase has no settings in ``demo_parameters.yaml``.
    """
    phase_id = str(phase_id)
    settings = calibration.phase_settings(phase_id)
    funnel = calibration.load_demo_parameters()["funnel"]
    phase = phases.get_phase(phase_id)
    cells = calibration.joint_cells(phase.event_districts, settings["home_is_event_share"], seed)
    rng = np.random.default_rng([seed, int(phase_id)])
    parts = []  # each trade's exact count of rows, drawn from the joint cells of that trade, in random order
    for trade, count in calibration.phase_trade_counts(phase_id).items():
        positions = np.flatnonzero(cells["trade"].to_numpy() == trade)
        weights = cells["probability"].to_numpy()[positions]
        parts.append(np.repeat(positions, rng.multinomial(count, weights / weights.sum())))
    cell_index = rng.permutation(np.concatenate(parts))
    event = cells["event_district"].to_numpy(dtype=object)[cell_index]
    window = (phase.window_start, phase.window_end)
    schedule = timeline.draw_schedule(rng, phase.event_districts, window, settings["timeline"], funnel["district_lag_factor_sd_log"])
    days = timeline.registration_dates(rng, schedule, event, settings["timeline"])
    attributes = draw_attributes(rng, cells, cell_index)
    order = np.argsort(days, kind="stable")
    cell_index, days, event = cell_index[order], days[order], event[order]
    attributes = {key: value[order] for key, value in attributes.items()}
    lag_factor = schedule.lag_factor[np.searchsorted(schedule.districts, event)]
    observed_until = settings["timeline"]["stages_observed_until"]
    dates = timeline.stage_dates(rng, days, attributes["onboarding_status"], lag_factor, funnel, observed_until)
    attributes["onboarding_status"] = timeline.status_from_dates(dates)
    numbers = np.arange(1, len(cell_index) + 1)
    columns = {
        "registration_id": registration_ids(f"UPGEM-P{phase_id}-", numbers, 6),
        "gem_seller_id": np.where(attributes["has_seller_id"], seller_ids(numbers, SELLER_ID_OFFSETS[phase_id]), ""),
        "home_district": cells["home_district"].to_numpy(dtype=object)[cell_index],
        "event_district": event,
        "craft": cells["craft"].to_numpy(dtype=object)[cell_index],
        "data_origin": DATA_ORIGIN,
    }
    columns |= {key: attributes[key] for key in ("trade", "is_woman", "is_tribal", "gi_product", "onboarding_status")}
    columns |= {column: pd.to_datetime(values) for column, values in dates.items()}
    return PhaseSample(pd.DataFrame(columns)[list(DEMO_SHEET_COLUMNS)], schedule)

