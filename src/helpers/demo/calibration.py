"""The demo generator's calibration: its inputs in ``data/raw/demo/`` and the tables drawn from.

Belongs here: reading and checking ``demo_parameters.yaml``, ``craft_clusters.csv``,
``craft_profiles.csv`` and ``district_name_variants.csv``; each district's mass,
ST share and funnel probabilities; the joint distribution of (event district,
home district, craft) the rows are drawn from; each phase's invented totals.
Not here: drawing rows (``sampling``), dates (``timeline``), mess (``mess``).

- District mass: Census 2011 household-industry workers
  (``reference.district_base()``); the four districts created after 2011 get
  30% of the mean of their parents' and the parents' ST share.
- ``craft_clusters.csv``: per district and craft a weight that multiplies the
  district's workers (``*`` rows apply everywhere), boosting UP's known
  clusters, with the GI product where district and craft match.
- Event and home district: P(event e) is proportional to e's mass; the home
  district is e (``home_is_event_share``) or a neighbour of e in proportion to
  its mass; the craft is drawn from the home district's mix.
- Funnel: P(catalogue live, ever) and P(first order, ever), shifted on the logit
  scale by a home-district effect so that district rankings differ.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers.demo.layout import DEMO_INPUTS_DIR
from helpers.errors import DemoDataError
from helpers.reference import tables as reference
from helpers.vocabulary import TRADES

CRAFT_CLUSTERS_FILE = "craft_clusters.csv"
CRAFT_PROFILES_FILE = "craft_profiles.csv"
NAME_VARIANTS_FILE = "district_name_variants.csv"
PARAMETERS_FILE = "demo_parameters.yaml"


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
        parents = [p.strip() for p in re.sub(r"\(.*?\)", "", str(table.at[district, "carved_from"])).split("+") if p.strip()]
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


def _shifted_on_logit(p: float, effect: np.ndarray) -> np.ndarray:
    """The probability ``p`` shifted by ``effect`` on the logit scale: expit(logit(p) + effect)."""
    return 1 / (1 + np.exp(-(float(np.log(p / (1 - p))) + effect)))


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
    people = district_calibration()[["district", "tribal_probability"]].rename(columns={"district": "home_district"})
    funnel = load_demo_parameters()["funnel"]  # each home district's funnel shifted by a seeded effect (the seed's only use)
    effect = np.random.default_rng([seed, 99]).normal(0.0, funnel["district_effect_sd_logit"], len(people))
    people["catalogue_live_probability"] = _shifted_on_logit(funnel["catalogue_live_share"], effect)
    people["first_order_probability"] = _shifted_on_logit(funnel["first_order_share"], effect)
    cells = cells.merge(people, on="home_district")
    cells = cells.sort_values(["event_district", "home_district", "craft"]).reset_index(drop=True)
    cells["probability"] /= cells["probability"].sum()
    return cells.drop(columns=["p_event", "p_home", "mass", "weight"])



def phase_settings(phase_id: str) -> dict:
    """The generator's settings of one phase (``phases:`` in ``demo_parameters.yaml``).

    Raises:
        DemoDataError: the phase has no settings, naming the file.
    """
    params = load_demo_parameters()
    if str(phase_id) not in params["phases"]:
        raise DemoDataError(f"{DEMO_INPUTS_DIR / PARAMETERS_FILE}: no settings for phase '{phase_id}' under phases:")
    return params["phases"][str(phase_id)]


def phase_trade_counts(phase_id: str) -> dict[str, int]:
    """The invented total of each trade in a phase (``registrations_count_by_trade``), in the order of ``TRADES``.

    Raises:
        DemoDataError: a trade's count is missing or not a whole number, naming the file and phase.
    """
    given = phase_settings(phase_id).get("registrations_count_by_trade") or {}
    for trade in TRADES:
        count = given.get(trade)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise DemoDataError(
                f"{DEMO_INPUTS_DIR / PARAMETERS_FILE}, phase '{phase_id}': registrations_count_by_trade.{trade} "
                f"must be a whole number such as 1500, got {count!r}"
            )
    return {trade: given[trade] for trade in TRADES}
