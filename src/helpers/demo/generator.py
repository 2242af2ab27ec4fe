"""The seeded generator of the kit's SYNTHETIC demo registration sheets.

No district-level data on GeM registrations is public, so the kit ships a
deterministic synthetic demo set of record-level registration sheets in
``data/raw/registrations/demo/``. Every row says ``data_origin = "SYNTHETIC
DEMO - not real registrations"`` and every file name starts with
``SYNTHETIC_``. Regenerate them with ``gem-reports demo-data`` (or
``python -m helpers demo-data``); the same seed gives the same bytes.

What belongs here: reading the generator's calibration inputs in
``data/raw/demo/``, drawing the clean rows, adding the documented mess and
writing the sheets; and a fast vectorised generator of large frames for the
scale benchmark. What does not: reading or cleaning sheets (``ingest``),
resolving district names (``districts``), anything computed for a report
(``metrics``).

Calibration (all inputs are data files with a ``.meta.yaml`` sidecar):

- ``demo_parameters.yaml``: sizes, shares, mess rates and the deliberately bad
  rows. Phase 1 has exactly 4,840 artisans and 6,865 weavers (UP's figures in
  the source report of 2021-10-29, used as a calibration device, not a claim)
  plus "other" (women/tribal entrepreneurs who are neither) at 12% of all rows,
  i.e. 1,596: 13,301 rows, counted after dropping duplicate registration ids and
  the deliberately bad rows. Phase 2 (illustrative) has 6,000 rows.
- District mass: Census 2011 household-industry workers
  (``reference.district_base()``); the four districts created after 2011 get
  30% of the mean of their parents' and the parents' ST share.
- ``craft_clusters.csv``: per district and craft a weight that multiplies the
  district's workers (``*`` rows apply everywhere), boosting UP's known
  clusters (Banarasi weaving in Varanasi, carpets in Bhadohi-Mirzapur, metal in
  Moradabad, glass in Firozabad, chikan in Lucknow, ...), with the GI product
  (``reference.load_gi_products()``) where district and craft match.
- Event and home district: P(event e) is proportional to e's mass; the home
  district is e (parameter 0.75 in phase 1, 0.92 in phase 2) or a neighbour of
  e (``reference.load_neighbours()``) in proportion to its mass; the craft is
  drawn from the home district's mix. Rows are drawn per trade from this joint
  distribution, so each trade's count is exact; conditioning on the trade
  brings the phase-1 share of home = event down to about 70%.
- Dates: each event district holds 3 event days (phase 1) or 1 workshop day
  (phase 2) in the phase window; 65% / 75% of its rows fall on an event day or
  up to 2 days after (clipped to the window), the rest uniformly in the window.
- ``craft_profiles.csv``: P(woman) by craft (chikankari 0.80, carpet 0.35,
  metal 0.10, ...), about 35% overall. P(tribal) = min(0.5, 2 x the home
  district's Census 2011 ST share); an "other" row that is not a woman is tribal.
- Funnel: P(catalogue live or beyond) about 0.55 and P(first order) about
  0.15, shifted on the logit scale by a home-district effect (sd 0.6) so that
  district rankings differ. Every catalogue-live seller has a GeM seller id,
  a third of the registered-only ones too (about 70% in all).

Mess added by :func:`write_demo_sheets` (rates in ``demo_parameters.yaml``):
district cells written as old names, towns or aliases
(``district_name_variants.csv``: Allahabad, Faizabad, Sant Ravidas Nagar,
Noida, Greater Noida, Kanpur, ...) for 15% of the cells whose district has one
(about 2% of all district cells),
3% in Hindi (``name_hi``, and मिर्जापुर for half the Hindi Mirzapur cells), 1%
case/space variants ("  varanasi "), 1% of yes/no cells as Y/N or हाँ/नहीं,
dates 85% DD-MM-YYYY, 10% DD/MM/YYYY, 5% ISO (date cells in the workbook),
0.5% of rows repeated exactly in another file, one phase-2 CSV with a BOM, and
7 extra rows a validator must reject (listed in the folder's
``SYNTHETIC_demo.meta.yaml``). The calibration totals hold after removing the
duplicates and those rows.
"""

from __future__ import annotations

import argparse
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.vocabulary import STATUSES, TRADES
from helpers.errors import DemoDataError
from helpers import paths
from helpers.campaign import phases
from helpers.reference import tables as reference
from helpers.ingest.headers import INPUT_COLUMNS

#: Calibration inputs of the generator.
DEMO_INPUTS_DIR = paths.RAW_DIR / "demo"
CRAFT_CLUSTERS_FILE = "craft_clusters.csv"
CRAFT_PROFILES_FILE = "craft_profiles.csv"
NAME_VARIANTS_FILE = "district_name_variants.csv"
PARAMETERS_FILE = "demo_parameters.yaml"

#: Where the committed demo sheets live.
DEMO_SHEETS_DIR = paths.REGISTRATIONS_RAW_DIR / "demo"
#: Default folder of the large benchmark file (git-ignored, outside data/raw/registrations).
BENCH_OUT_DIR = paths.ROOT / "bench" / "out"

DEFAULT_SEED = 20211029
DATA_ORIGIN = "SYNTHETIC DEMO - not real registrations"
FILE_PREFIX = "SYNTHETIC_"
SHEET_COLUMNS = INPUT_COLUMNS  # the standard sheet layout of docs/registration_schema.md
_XLSX_FIXED_TIME = datetime(2021, 10, 29, 0, 0, 0)
_ZIP_FIXED_TIME = (2021, 10, 29, 0, 0, 0)
_BASE36 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
_SELLER_ID_MASK = np.uint64((1 << 40) - 1)  # ids are a bijection of 40-bit numbers: < 36**8, 8 base-36 digits
_SELLER_ID_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9))
_SELLER_ID_OFFSETS = {"1": 0, "2": 1_000_000, "B": 10_000_000}



# ------------------------------------------------------------------ inputs


def _input_path(name: str) -> Path:
    path = DEMO_INPUTS_DIR / name
    if not path.exists():
        raise DemoDataError(f"{path}: demo calibration input missing; restore it from git")
    return path


@lru_cache(maxsize=1)
def load_demo_parameters() -> dict:
    """Return the generator's parameters from ``data/raw/demo/demo_parameters.yaml``."""
    with _input_path(PARAMETERS_FILE).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def load_craft_clusters() -> pd.DataFrame:
    """Return the craft-cluster weights (``district, craft, trade, weight, is_weaving, gi_name, note``).

    Raises:
        DemoDataError: a district, trade, GI product or craft is not known, naming the row.
    """
    path = _input_path(CRAFT_CLUSTERS_FILE)
    frame = pd.read_csv(path, dtype={"gi_name": "string", "note": "string"})
    known = set(reference.load_districts()["district"]) | {"*"}
    gi = reference.load_gi_products()
    gi_pairs = set(zip(gi["gi_name"], gi["district"]))
    profiles = set(load_craft_profiles()["craft"])
    for row_number, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{path}, row {row_number} ({row.district}, {row.craft})"
        if row.district not in known:
            raise DemoDataError(f"{where}: district '{row.district}' is not a name_common of UP; use '*' or a standard name")
        if row.trade not in TRADES:
            raise DemoDataError(f"{where}: trade '{row.trade}' must be one of {TRADES}")
        if not row.weight > 0:
            raise DemoDataError(f"{where}: weight must be positive, got {row.weight}")
        if pd.notna(row.gi_name) and (row.gi_name, row.district) not in gi_pairs:
            raise DemoDataError(
                f"{where}: GI product '{row.gi_name}' is not listed for {row.district} in {reference.GI_FILE}"
            )
        if row.craft not in profiles:
            raise DemoDataError(f"{where}: craft '{row.craft}' has no row in {CRAFT_PROFILES_FILE}; add one")
    trades_per_craft = frame.groupby("craft")["trade"].nunique()
    if (trades_per_craft > 1).any():
        raise DemoDataError(f"{path}: crafts {list(trades_per_craft[trades_per_craft > 1].index)} have two trades")
    return frame


@lru_cache(maxsize=1)
def load_craft_profiles() -> pd.DataFrame:
    """Return the share of women by craft (``craft, woman_share, note``)."""
    path = _input_path(CRAFT_PROFILES_FILE)
    frame = pd.read_csv(path, dtype={"note": "string"})
    if frame["craft"].duplicated().any() or not frame["woman_share"].between(0, 1).all():
        raise DemoDataError(f"{path}: crafts must be unique and woman_share within [0, 1]")
    return frame


@lru_cache(maxsize=1)
def load_district_name_variants() -> pd.DataFrame:
    """Return the district name variants used for mess (``district, variant, kind, note``)."""
    path = _input_path(NAME_VARIANTS_FILE)
    frame = pd.read_csv(path, dtype={"note": "string"})
    unknown = sorted(set(frame["district"]) - set(reference.load_districts()["district"]))
    if unknown:
        raise DemoDataError(f"{path}: districts {unknown} are not name_common values of {reference.DISTRICTS_FILE}")
    return frame


# ----------------------------------------------------- calibration tables


def _parents(carved_from: str) -> list[str]:
    return [part.strip() for part in re.sub(r"\(.*?\)", "", carved_from).split("+") if part.strip()]


@lru_cache(maxsize=1)
def district_calibration() -> pd.DataFrame:
    """Per district: the generator's base mass, ST share, tribal probability and funnel-free attributes.

    Columns: ``district, district_hi, division, household_industry_workers, st_share,
    tribal_probability``; districts created after 2011 take a share of their parents'
    workers and the parents' ST share (``is_base_imputed``).
    """
    params = load_demo_parameters()
    districts = reference.load_districts()
    base = reference.district_base(districts).set_index("district")
    table = districts[["district", "district_hi", "division", "carved_from"]].set_index("district")
    table["household_industry_workers"] = base["household_industry_workers_2011"].astype(float)
    table["st_share"] = (base["st_population_2011"] / base["population_2011"]).astype(float)
    table["is_base_imputed"] = table["household_industry_workers"].isna()
    share = params["districts"]["created_after_2011_share_of_parent"]
    for district in table.index[table["is_base_imputed"]]:
        parents = _parents(str(table.at[district, "carved_from"]))
        if not parents or not set(parents) <= set(table.index):
            raise DemoDataError(f"{reference.DISTRICTS_FILE}: cannot read the parents of {district} from carved_from")
        table.at[district, "household_industry_workers"] = share * table.loc[parents, "household_industry_workers"].mean()
        st = base.loc[parents, "st_population_2011"].sum() / base.loc[parents, "population_2011"].sum()
        table.at[district, "st_share"] = float(st)
    people = params["people"]
    table["tribal_probability"] = np.minimum(
        people["tribal_probability_cap"], people["tribal_multiplier_of_st_share"] * table["st_share"]
    )
    return table.drop(columns=["carved_from"]).reset_index()


@lru_cache(maxsize=1)
def craft_mix() -> pd.DataFrame:
    """Per district and craft: ``trade, is_weaving, gi_name, woman_share`` and ``mass``.

    ``mass`` = the district's household-industry workers x the craft's weight,
    summing a district's own row and the ``*`` row of the same craft.
    """
    clusters = load_craft_clusters()
    districts = district_calibration()
    everywhere = clusters[clusters["district"] == "*"].drop(columns="district")
    expanded = districts[["district"]].merge(everywhere, how="cross")
    rows = pd.concat([expanded, clusters[clusters["district"] != "*"]], ignore_index=True)
    mix = rows.groupby(["district", "craft"], as_index=False, sort=True).agg(
        trade=("trade", "first"),
        is_weaving=("is_weaving", "first"),
        gi_name=("gi_name", lambda s: s.dropna().iloc[0] if s.notna().any() else pd.NA),
        weight=("weight", "sum"),
    )
    mix = mix.merge(districts[["district", "household_industry_workers"]], on="district", validate="many_to_one")
    mix["mass"] = mix["household_industry_workers"] * mix["weight"]
    mix = mix.merge(load_craft_profiles()[["craft", "woman_share"]], on="craft", validate="many_to_one")
    return mix.drop(columns=["household_industry_workers"]).sort_values(["district", "craft"]).reset_index(drop=True)


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def funnel_probabilities(seed: int) -> pd.DataFrame:
    """Per home district: P(catalogue live or beyond) and P(first order), with a seeded district effect.

    Args:
        seed: the generator's seed; the district effects depend on it only.

    Returns:
        Columns ``district, catalogue_live_probability, first_order_probability``.
    """
    funnel = load_demo_parameters()["funnel"]
    districts = district_calibration()["district"].to_numpy()
    effect = np.random.default_rng([seed, 99]).normal(0.0, funnel["district_effect_sd_logit"], len(districts))
    return pd.DataFrame(
        {
            "district": districts,
            "catalogue_live_probability": _expit(_logit(funnel["catalogue_live_share"]) + effect),
            "first_order_probability": _expit(_logit(funnel["first_order_share"]) + effect),
        }
    )


def joint_cells(event_districts: tuple[str, ...], home_is_event_share: float, seed: int) -> pd.DataFrame:
    """The joint distribution of (event district, home district, craft) the rows are drawn from.

    Args:
        event_districts: the phase's event districts (standard names).
        home_is_event_share: P(home district = event district); else a neighbour, by mass.
        seed: the generator's seed (for the district funnel effects).

    Returns:
        One row per cell with ``event_district, home_district, craft, trade, gi_name,
        woman_share, tribal_probability, catalogue_live_probability,
        first_order_probability`` and ``probability`` (summing to 1).
    """
    mix = craft_mix()
    district_mass = mix.groupby("district")["mass"].sum()
    neighbours = reference.load_neighbours()
    events = pd.DataFrame({"event_district": sorted(event_districts)})
    events["p_event"] = events["event_district"].map(district_mass)
    events["p_event"] /= events["p_event"].sum()
    near = neighbours[neighbours["district"].isin(event_districts)].rename(
        columns={"district": "event_district", "neighbour": "home_district"}
    )
    near["p_home"] = near["home_district"].map(district_mass)
    near["p_home"] = (1 - home_is_event_share) * near["p_home"] / near.groupby("event_district")["p_home"].transform("sum")
    same = pd.DataFrame({"event_district": events["event_district"], "home_district": events["event_district"]})
    same["p_home"] = home_is_event_share
    homes = pd.concat([same, near], ignore_index=True)
    cells = events.merge(homes, on="event_district").merge(
        mix.rename(columns={"district": "home_district"}), on="home_district"
    )
    cells["probability"] = cells["p_event"] * cells["p_home"] * cells["mass"] / cells["home_district"].map(district_mass)
    calibration = district_calibration()[["district", "tribal_probability"]]
    cells = cells.merge(calibration.rename(columns={"district": "home_district"}), on="home_district")
    cells = cells.merge(funnel_probabilities(seed).rename(columns={"district": "home_district"}), on="home_district")
    cells = cells.sort_values(["event_district", "home_district", "craft"]).reset_index(drop=True)
    cells["probability"] /= cells["probability"].sum()
    return cells.drop(columns=["p_event", "p_home", "mass", "weight"])


# ------------------------------------------------------------ row drawing


def _seller_ids(index: np.ndarray, offset: int) -> np.ndarray:
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


def _registration_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.strings.add(prefix, np.strings.zfill(numbers.astype(str), width))


def _draw_attributes(rng: np.random.Generator, cells: pd.DataFrame, cell_index: np.ndarray) -> dict[str, np.ndarray]:
    """Draw is_woman, is_tribal, gi_product, onboarding_status and has_seller_id for rows of given cells."""
    params = load_demo_parameters()
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


def _phase_trade_counts(phase_id: str, cells: pd.DataFrame) -> dict[str, int]:
    settings = load_demo_parameters()["phases"][phase_id]
    share = settings["other_share"]
    if "artisans_count" in settings:
        artisans, weavers = int(settings["artisans_count"]), int(settings["weavers_count"])
        other = int(round((artisans + weavers) * share / (1 - share)))
        return {"artisan": artisans, "weaver": weavers, "other": other}
    total = int(settings["registrations_count"])
    other = int(round(total * share))
    mass = cells.groupby("trade")["probability"].sum()
    artisans = int(round((total - other) * mass["artisan"] / (mass["artisan"] + mass["weaver"])))
    return {"artisan": artisans, "weaver": total - other - artisans, "other": other}


def _phase_dates(
    rng: np.random.Generator, phase: phases.Phase, event_district: np.ndarray, settings: dict
) -> np.ndarray:
    """Registration dates (datetime64[D]) clustered on each event district's event days."""
    start = np.datetime64(phase.window_start, "D")
    n_days = (phase.window_end - phase.window_start).days + 1
    k = int(settings["event_days_per_district"])
    districts = np.array(sorted(set(event_district)), dtype=object)
    event_days = np.sort(
        np.stack([rng.choice(n_days, size=k, replace=False) for _ in districts]), axis=1
    )  # one row of event days per district, in district order
    district_pos = np.searchsorted(districts, event_district)
    n_rows = len(event_district)
    on_event = rng.random(n_rows) < settings["on_event_day_share"]
    chosen = event_days[district_pos, rng.integers(0, k, n_rows)] + rng.integers(0, 3, n_rows)
    uniform = rng.integers(0, n_days, n_rows)
    offset = np.minimum(np.where(on_event, chosen, uniform), n_days - 1)
    return start + offset.astype("timedelta64[D]")


def generate_phase_registrations(phase_id: str, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Clean synthetic registrations of one phase, in the sheet layout, before any mess.

    Args:
        phase_id: "1" (calibrated to UP's 4,840 artisans and 6,865 weavers) or "2" (illustrative).
        seed: the generator's seed; the same seed gives the same rows.

    Returns:
        The columns of :data:`SHEET_COLUMNS` with standard district names,
        ``registration_date`` as datetime64 and yes/no strings, ordered by
        ``registration_id`` (``UPGEM-P<phase>-<6 digits>``, in date order).

    Raises:
        DemoDataError: the phase has no settings in ``demo_parameters.yaml``.
    """
    phase_id = str(phase_id)
    params = load_demo_parameters()
    if phase_id not in params["phases"]:
        raise DemoDataError(f"{DEMO_INPUTS_DIR / PARAMETERS_FILE}: no settings for phase '{phase_id}' under phases:")
    settings = params["phases"][phase_id]
    phase = phases.get_phase(phase_id)
    cells = joint_cells(phase.event_districts, settings["home_is_event_share"], seed)
    rng = np.random.default_rng([seed, int(phase_id)])

    # Draw each trade's exact count from the joint distribution restricted to that trade.
    parts = []
    for trade, count in _phase_trade_counts(phase_id, cells).items():
        positions = np.flatnonzero(cells["trade"].to_numpy() == trade)
        weights = cells["probability"].to_numpy()[positions]
        draws = rng.multinomial(count, weights / weights.sum())
        parts.append(np.repeat(positions, draws))
    cell_index = rng.permutation(np.concatenate(parts))

    event = cells["event_district"].to_numpy(dtype=object)[cell_index]
    days = _phase_dates(rng, phase, event, settings)
    attributes = _draw_attributes(rng, cells, cell_index)
    order = np.argsort(days, kind="stable")
    cell_index, days, event = cell_index[order], days[order], event[order]
    attributes = {key: value[order] for key, value in attributes.items()}

    n_rows = len(cell_index)
    numbers = np.arange(1, n_rows + 1)
    seller = _seller_ids(numbers, _SELLER_ID_OFFSETS[phase_id])
    frame = pd.DataFrame(
        {
            "registration_id": _registration_ids(f"UPGEM-P{phase_id}-", numbers, 6),
            "gem_seller_id": np.where(attributes["has_seller_id"], seller, ""),
            "registration_date": pd.to_datetime(days),
            "home_district": cells["home_district"].to_numpy(dtype=object)[cell_index],
            "event_district": event,
            "trade": attributes["trade"],
            "is_woman": attributes["is_woman"],
            "is_tribal": attributes["is_tribal"],
            "craft": cells["craft"].to_numpy(dtype=object)[cell_index],
            "gi_product": attributes["gi_product"],
            "onboarding_status": attributes["onboarding_status"],
            "data_origin": DATA_ORIGIN,
        }
    )
    return frame[list(SHEET_COLUMNS)]


# ------------------------------------------------------------- large frame


def generate_registrations_frame(n_rows: int, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A large synthetic registrations frame, fully vectorised, for the scale benchmark.

    Rows are drawn state-wide (all 75 districts, home = event district 92% of
    the time) with the same calibration as phase 2, dates uniform over every
    phase window, ids ``UPGEM-B-<7+ digits>``. No mess, not calibrated to any total.

    Args:
        n_rows: number of rows (1,000,000 takes a few seconds).
        seed: the generator's seed.

    Returns:
        The columns of :data:`SHEET_COLUMNS` (``registration_date`` as datetime64).
    """
    if n_rows < 0:
        raise ValueError(f"n_rows must be >= 0, got {n_rows}")
    all_districts = tuple(district_calibration()["district"])
    cells = joint_cells(all_districts, load_demo_parameters()["phases"]["2"]["home_is_event_share"], seed)
    rng = np.random.default_rng([seed, 1_000])
    cell_index = rng.choice(len(cells), size=n_rows, p=cells["probability"].to_numpy())
    windows = [(p.window_start, p.window_end) for p in phases.load_phases().values()]
    all_days = np.concatenate(
        [np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1) for start, end in windows]
    )
    days = all_days[rng.integers(0, len(all_days), n_rows)]
    attributes = _draw_attributes(rng, cells, cell_index)
    numbers = np.arange(1, n_rows + 1)
    seller = _seller_ids(numbers, _SELLER_ID_OFFSETS["B"])

    def take(column: str) -> pd.Categorical:
        categories = cells[column].astype(object).fillna("").to_numpy()
        codes, uniques = pd.factorize(categories, sort=True)
        return pd.Categorical.from_codes(codes[cell_index], categories=uniques).astype(str)

    frame = pd.DataFrame(
        {
            "registration_id": _registration_ids("UPGEM-B-", numbers, max(7, len(str(n_rows)))),
            "gem_seller_id": np.where(attributes["has_seller_id"], seller, ""),
            "registration_date": pd.to_datetime(days),
            "home_district": take("home_district"),
            "event_district": take("event_district"),
            "trade": attributes["trade"].astype(str),
            "is_woman": attributes["is_woman"],
            "is_tribal": attributes["is_tribal"],
            "craft": take("craft"),
            "gi_product": attributes["gi_product"].astype(str),
            "onboarding_status": attributes["onboarding_status"],
            "data_origin": DATA_ORIGIN,
        }
    )
    return frame[list(SHEET_COLUMNS)]


def _date_strings(dates: pd.Series, date_format: str) -> np.ndarray:
    codes, uniques = pd.factorize(dates)
    return np.asarray(pd.DatetimeIndex(uniques).strftime(date_format), dtype=object)[codes]


def write_large_demo(path: Path, n_rows: int, seed: int = DEFAULT_SEED) -> Path:
    """Write :func:`generate_registrations_frame` as a UTF-8 CSV (dates DD-MM-YYYY) for the benchmark.

    Args:
        path: the CSV to write; its folder is created. Keep it out of
            ``data/raw/registrations/`` or the build will read it.
        n_rows: number of rows.
        seed: the generator's seed.

    Returns:
        ``path``.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    frame = generate_registrations_frame(n_rows, seed)
    frame["registration_date"] = _date_strings(frame["registration_date"], "%d-%m-%Y")
    table = pa.Table.from_pydict({column: pa.array(frame[column].to_numpy(dtype=object), pa.string()) for column in frame})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:  # plain header, then unquoted values (none holds a comma or quote)
        handle.write((",".join(SHEET_COLUMNS) + "\n").encode("utf-8"))
        pa_csv.write_csv(table, handle, pa_csv.WriteOptions(include_header=False, quoting_style="none"))
    return path


# ------------------------------------------------------------------- mess


@dataclass(frozen=True)
class _BadRow:
    phase: str
    column: str
    value: str
    reason: str


def _district_cells_messy(rng: np.random.Generator, names: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """Rewrite a share of standard district names as old names/aliases, Hindi, or case/space variants."""
    mess = load_demo_parameters()["mess"]
    variants = load_district_name_variants()
    latin = variants[variants["kind"] != "hindi_variant"].groupby("district")["variant"].agg(list)
    hindi_variant = variants[variants["kind"] == "hindi_variant"].groupby("district")["variant"].agg(list)
    hindi = reference.load_districts().set_index("district")["district_hi"]
    out = names.copy()
    u = rng.random(len(names))
    pick = rng.random(len(names))
    p_hindi, p_case, p_alias = mess["hindi_share"], mess["case_space_share"], mess["old_name_share_of_eligible_cells"]
    counts = {"hindi": 0, "case_space": 0, "old_name_or_alias": 0}
    for i, name in enumerate(names):
        if u[i] < p_hindi:
            options = [hindi[name]] + hindi_variant.get(name, [])
            out[i] = options[0] if len(options) == 1 or pick[i] < 0.5 else options[1]
            counts["hindi"] += 1
        elif u[i] < p_hindi + p_case:
            out[i] = ("  " + name.lower() + " ", name.upper(), name + "  ")[int(pick[i] * 3)]
            counts["case_space"] += 1
        elif name in latin.index and u[i] < p_hindi + p_case + p_alias:
            options = latin[name]
            out[i] = options[int(pick[i] * len(options))]
            counts["old_name_or_alias"] += 1
    return out, counts


def _messy_frame(frame: pd.DataFrame, phase_id: str, seed: int) -> tuple[pd.DataFrame, dict]:
    """The sheet rows of a phase with mess, duplicates and bad rows, plus helper columns.

    ``_file`` is the key of the file a row goes to (event district in phase 1,
    division in phase 2), ``_order`` its position in the file, ``_date`` the
    true date (NaT for a bad date) for the workbook's date cells, ``_event`` the
    standard event district (the workbook's sheet).
    """
    params = load_demo_parameters()
    mess = params["mess"]
    rng = np.random.default_rng([seed, int(phase_id), 7])
    out = frame.astype({c: object for c in SHEET_COLUMNS if c != "registration_date"}).copy()
    n_rows = len(out)
    if phase_id == "1":
        out["_file"] = out["event_district"]
    else:
        division = reference.load_districts().set_index("district")["division"]
        out["_file"] = out["event_district"].map(division)
    out["_order"] = np.arange(n_rows, dtype=float)
    out["_date"] = out["registration_date"]
    out["_event"] = out["event_district"]

    formats = list(mess["date_formats"])
    shares = np.array([mess["date_formats"][f] for f in formats], dtype=float)
    chosen = rng.choice(len(formats), size=n_rows, p=shares / shares.sum())
    date_strings = np.empty(n_rows, dtype=object)
    for k, date_format in enumerate(formats):
        mask = chosen == k
        date_strings[mask] = out.loc[mask, "registration_date"].dt.strftime(date_format).to_numpy(dtype=object)
    out["registration_date"] = date_strings
    summary: dict = {"date_formats": {f: int((chosen == k).sum()) for k, f in enumerate(formats)}}

    district_counts: dict[str, int] = {}
    for column in ("home_district", "event_district"):
        messy, counts = _district_cells_messy(rng, out[column].to_numpy(dtype=object))
        out[column] = messy
        for key, value in counts.items():
            district_counts[key] = district_counts.get(key, 0) + value
    summary["district_cells_rewritten"] = district_counts

    variants = {"yes": ("Y", "हाँ"), "no": ("N", "नहीं")}
    boolean_count = 0
    for column in ("is_woman", "is_tribal"):
        values = out[column].to_numpy(dtype=object).copy()
        hit = np.flatnonzero(rng.random(n_rows) < mess["boolean_variant_share"])
        style = rng.integers(0, 2, len(hit))
        for i, s in zip(hit, style):
            values[i] = variants[values[i]][s]
        out[column] = values
        boolean_count += len(hit)
    summary["yes_no_cells_rewritten"] = boolean_count

    # Deliberately bad rows: copies of generated rows with a new id and one defect.
    bad_specs = [_BadRow(**spec) for spec in params["bad_rows"] if str(spec["phase"]) == phase_id]
    bad_rows = []
    for k, spec in enumerate(bad_specs):
        row = out.iloc[int(rng.integers(0, n_rows))].copy()
        row["registration_id"] = f"UPGEM-P{phase_id}-{n_rows + k + 1:06d}"
        row["gem_seller_id"] = ""
        row[spec.column] = spec.value
        if spec.column == "registration_date":
            row["_date"] = pd.NaT
        row["_order"] = float(rng.integers(0, n_rows)) + 0.5
        bad_rows.append(row)
    xlsx_key = mess["xlsx_division"] if phase_id == "2" else None

    # Exact duplicates: rows repeated in another (CSV) file.
    n_dupes = int(round(n_rows * mess["duplicate_share"]))
    dupe_rows = []
    file_keys = sorted(set(out["_file"]) - {xlsx_key})
    for i in np.sort(rng.choice(n_rows, size=n_dupes, replace=False)):
        row = out.iloc[int(i)].copy()
        targets = [key for key in file_keys if key != row["_file"]]
        row["_file"] = targets[int(rng.integers(0, len(targets)))]
        row["_order"] = float(rng.integers(0, n_rows)) + 0.25
        dupe_rows.append(row)
    extra = pd.DataFrame(bad_rows + dupe_rows, columns=out.columns)
    summary["duplicate_rows"] = n_dupes
    summary["bad_rows"] = [
        {
            "registration_id": row["registration_id"],
            "column": spec.column,
            "value": spec.value,
            "reason": spec.reason,
            "file_key": row["_file"],
        }
        for spec, row in zip(bad_specs, bad_rows)
    ]
    combined = pd.concat([out, extra], ignore_index=True)
    combined = combined.sort_values(["_file", "_order"], kind="stable").reset_index(drop=True)
    return combined, summary


# ----------------------------------------------------------------- writing


def _file_name(phase_id: str, key: str, suffix: str) -> str:
    return f"{FILE_PREFIX}phase-{phase_id}_{reference.slugify(key)}{suffix}"


def _write_csv(frame: pd.DataFrame, path: Path, with_bom: bool) -> None:
    text = frame[list(SHEET_COLUMNS)].to_csv(index=False, lineterminator="\n")
    path.write_bytes(("\ufeff" if with_bom else "").encode("utf-8") + text.encode("utf-8"))


def _stable_zip(data: bytes) -> bytes:
    """Rewrite an xlsx (zip) with fixed entry times and fixed core-property dates, so bytes are stable."""
    fixed = _XLSX_FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + fixed.encode() + rb"\g<2>", content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return buffer.getvalue()


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet_key: str) -> None:
    """One sheet per value of ``sheet_key`` (the standard event district), dates as date cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "gem-up-onboarding-kit demo_data (SYNTHETIC)"
    workbook.properties.title = "SYNTHETIC DEMO registrations - not real"
    workbook.properties.created = _XLSX_FIXED_TIME
    for sheet_name, rows in frame.groupby(sheet_key, sort=True):
        sheet = workbook.create_sheet(str(sheet_name)[:31])
        sheet.append(list(SHEET_COLUMNS))
        for record in rows.to_dict("records"):
            values = []
            for column in SHEET_COLUMNS:
                value = record[column]
                if column == "registration_date" and pd.notna(record["_date"]):
                    value = record["_date"].date()
                values.append(value if value != "" else None)
            sheet.append(values)
        for cell in sheet["C"][1:]:
            if isinstance(cell.value, date):
                cell.number_format = "DD-MM-YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_stable_zip(buffer.getvalue()))


def _describe(frames: dict[str, pd.DataFrame], summaries: dict[str, dict], files: list[Path], out_dir: Path, seed: int) -> dict:
    counts = {}
    for phase_id, frame in frames.items():
        counts[phase_id] = {
            "rows_clean": int(len(frame)),
            "by_trade": {t: int((frame["trade"] == t).sum()) for t in TRADES},
            "women_share": round(float((frame["is_woman"] == "yes").mean()), 4),
            "tribal_share": round(float((frame["is_tribal"] == "yes").mean()), 4),
            "home_is_event_share": round(float((frame["home_district"] == frame["event_district"]).mean()), 4),
            "by_onboarding_status": {s: int((frame["onboarding_status"] == s).sum()) for s in STATUSES},
            "with_gem_seller_id": int((frame["gem_seller_id"] != "").sum()),
            "with_gi_product": int((frame["gi_product"] != "").sum()),
        }
    return {
        "title": "SYNTHETIC DEMO registration sheets - not real registrations",
        "source": (
            "Generated by helpers.demo.generator (seeded, deterministic) from the calibration inputs in "
            "data/raw/demo/ and the reference tables in data/raw/reference/. No district-level data "
            "on GeM registrations is public; these rows are invented."
        ),
        "published": None,
        "accessed": None,
        "licence": "Project's own synthetic data (MIT, as the kit)",
        "checked": (
            "tests/test_demo_data.py regenerates the files and compares them; phase 1 has exactly 4,840 "
            "artisans and 6,865 weavers after dropping duplicate registration ids and the bad rows below."
        ),
        "caveats": [
            "SYNTHETIC: every row says data_origin = '" + DATA_ORIGIN + "'. Never present as real figures.",
            "Phase-1 totals equal UP's figures in the source report of 2021-10-29 by construction (a calibration device).",
            "Phase 2 is illustrative.",
        ],
        "regenerate": "gem-reports demo-data --seed " + str(seed) + "   (or: python -m helpers demo-data)",
        "seed": seed,
        "files": [p.relative_to(out_dir).as_posix() for p in files],
        "clean_rows": counts,
        "mess": {phase_id: {k: v for k, v in s.items() if k != "bad_rows"} for phase_id, s in summaries.items()},
        "deliberately_bad_rows": [
            {k: v for k, v in row.items() if k != "file_key"} | {"phase": phase_id}
            for phase_id, s in summaries.items()
            for row in s["bad_rows"]
        ],
    }


_README = """# SYNTHETIC demo registration sheets

**Everything in this folder is SYNTHETIC. These are not real registrations.**
Every row has `data_origin` = "{origin}" and every file name starts with `SYNTHETIC_`.

No district-level data on GeM registrations of artisans and weavers is public,
so the kit ships these invented sheets to show how its reports work. They are
made by a seeded generator (`src/helpers/demo_data.py`) from the calibration
inputs in `data/raw/demo/` (each with a `.meta.yaml` saying what is assumed).

- `phase-1/`: one CSV per event district of phase 1 (as district offices would
  send them). After dropping repeated `registration_id`s and the deliberately
  bad rows, phase 1 has exactly {artisans:,} artisans and {weavers:,} weavers
  (UP's figures in the source report of 2021-10-29, used as a calibration
  device, not a claim) and {other:,} "other".
- `phase-2/`: the illustrative phase: one CSV per division, and the
  {xlsx_division} division as one workbook with a sheet per district.
- The sheets are deliberately messy (old district names, Hindi, case and space
  variants, mixed date formats, Y/N and हाँ/नहीं, repeated rows, a BOM) and hold
  {n_bad} rows a validator must reject; `SYNTHETIC_demo.meta.yaml` lists them
  and counts every kind of mess.

Regenerate (same seed, same bytes):

    gem-reports demo-data --seed {seed}
    # or: .venv/bin/python -m helpers demo-data --seed {seed}
"""


def _clear_old_sheets(out_dir: Path) -> None:
    for old in sorted(out_dir.glob(f"phase-*/{FILE_PREFIX}*")):
        old.unlink()


def write_demo_sheets(out_dir: Path = DEMO_SHEETS_DIR, seed: int = DEFAULT_SEED) -> list[Path]:
    """Generate and write the SYNTHETIC demo sheets of every phase, with their README and sidecar.

    Earlier ``SYNTHETIC_*`` files under ``out_dir/phase-*/`` are removed first.

    Args:
        out_dir: folder to write into (default ``data/raw/registrations/demo``).
        seed: the generator's seed; the same seed writes the same bytes.

    Returns:
        Every file written, sorted.
    """
    params = load_demo_parameters()
    mess = params["mess"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_old_sheets(out_dir)
    frames, summaries, files = {}, {}, []
    for phase_id in sorted(params["phases"]):
        clean = generate_phase_registrations(phase_id, seed)
        messy, summary = _messy_frame(clean, phase_id, seed)
        frames[phase_id], summaries[phase_id] = clean, summary
        phase_dir = out_dir / f"phase-{phase_id}"
        phase_dir.mkdir(parents=True, exist_ok=True)
        for key, rows in messy.groupby("_file", sort=True):
            if phase_id == "2" and key == mess["xlsx_division"]:
                path = phase_dir / _file_name(phase_id, key, ".xlsx")
                _write_xlsx(rows, path, "_event")
            else:
                path = phase_dir / _file_name(phase_id, key, ".csv")
                _write_csv(rows, path, with_bom=phase_id == "2" and key in mess["csv_with_bom_divisions"])
            files.append(path)
        for row in summary["bad_rows"]:
            suffix = ".xlsx" if phase_id == "2" and row["file_key"] == mess["xlsx_division"] else ".csv"
            row["file"] = (phase_dir / _file_name(phase_id, row["file_key"], suffix)).relative_to(out_dir).as_posix()
    files = sorted(files)
    description = _describe(frames, summaries, files, out_dir, seed)
    meta_path = out_dir / f"{FILE_PREFIX}demo.meta.yaml"
    meta_path.write_text(yaml.safe_dump(description, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    readme_path = out_dir / "README.md"
    phase1 = description["clean_rows"]["1"]["by_trade"]
    readme_path.write_text(
        _README.format(
            origin=DATA_ORIGIN,
            artisans=phase1["artisan"],
            weavers=phase1["weaver"],
            other=phase1["other"],
            xlsx_division=mess["xlsx_division"],
            n_bad=len(description["deliberately_bad_rows"]),
            seed=seed,
        ),
        encoding="utf-8",
    )
    return sorted(files + [meta_path, readme_path])


# --------------------------------------------------------------------- CLI


def add_demo_data_command(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``demo-data [--out DIR] [--seed N] [--rows N]`` on an argparse subparsers object.

    The handler is set as ``handler`` (``args.handler(args)`` returns an exit code).

    Args:
        subparsers: the object returned by ``ArgumentParser.add_subparsers()``.

    Returns:
        The new sub-parser.
    """
    parser = subparsers.add_parser(
        "demo-data",
        help="write the SYNTHETIC demo registration sheets (or, with --rows, a large benchmark CSV)",
        description=(
            "Write the SYNTHETIC demo registration sheets to data/raw/registrations/demo/ "
            "(deterministic for a seed). With --rows N, write one large CSV of N synthetic rows "
            f"for the scale benchmark instead (default folder {BENCH_OUT_DIR.relative_to(paths.ROOT)})."
        ),
    )
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    parser.add_argument("--rows", type=int, default=None, help="write a large benchmark CSV of this many rows")
    parser.set_defaults(handler=run_demo_data_command)
    return parser


def run_demo_data_command(args: argparse.Namespace) -> int:
    """Handle ``demo-data``: write the demo sheets, or the large benchmark CSV with ``--rows``.

    Returns:
        0 on success, 2 on a bad argument or calibration input.
    """
    try:
        if args.rows is not None:
            if args.rows <= 0:
                print(f"demo-data: --rows must be positive, got {args.rows}")
                return 2
            out_dir = args.out if args.out is not None else BENCH_OUT_DIR
            path = write_large_demo(Path(out_dir) / f"{FILE_PREFIX}benchmark_{args.rows}rows_seed{args.seed}.csv", args.rows, args.seed)
            print(f"wrote {args.rows:,} SYNTHETIC rows to {path}")
            return 0
        out_dir = args.out if args.out is not None else DEMO_SHEETS_DIR
        written = write_demo_sheets(Path(out_dir), args.seed)
        print(f"wrote {len(written)} SYNTHETIC demo files to {out_dir}")
        return 0
    except (DemoDataError, reference.ReferenceDataError, phases.PhaseError) as error:
        print(f"demo-data: {error}")
        return 2
