"""The kit's district figures: coverage of a campaign phase in every district of UP.

Each figure is a small function returning a tidy DataFrame with unit-bearing
column names, computed from the cleaned registration records: registrations by
trade, women and tribal shares, rates per population and per household-industry
worker, the onboarding funnel, event against home district, headline numbers.

Definitions are written in each docstring and in docs/metrics.md. Nothing here
reads registration files or draws charts. Not here: UP against India
(``national``), GI and ODOP products (``products``).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from helpers.vocabulary import STATUSES, TRADES
from helpers.reference import tables as reference
from helpers.campaign.phases import Phase
from helpers.analysis.national import pct as _pct
from helpers.analysis.progress import status_rank

#: Onboarding statuses in funnel order (``vocabulary.yaml``); each stage includes the ones after it.
FUNNEL_STAGES = STATUSES
#: The count column of each stage: ``registered_count, catalogue_live_count, first_order_count``.
FUNNEL_COLUMNS = tuple(stage.replace(" ", "_") + "_count" for stage in FUNNEL_STAGES)


# ------------------------------------------------------ district coverage


def phase_registrations(registrations: pd.DataFrame, phase: Phase) -> pd.DataFrame:
    """The registrations of one phase: dated inside its window and made at one of its events."""
    dates = pd.to_datetime(registrations["registration_date"])
    in_window = dates.between(pd.Timestamp(phase.window_start), pd.Timestamp(phase.window_end))
    at_event = registrations["event_district"].isin(phase.event_districts)
    return registrations[in_window & at_event].copy()


def registrations_by_phase(registrations: pd.DataFrame, phases: dict[str, Phase]) -> pd.DataFrame:
    """How many cleaned registrations fall in each phase, and how many in none (so none is lost unseen)."""
    masks = {phase.id: registrations.index.isin(phase_registrations(registrations, phase).index)
             for phase in phases.values()}
    outside = ~np.logical_or.reduce([np.zeros(len(registrations), bool), *masks.values()])
    counts = {**masks, "none (outside every phase window or event)": outside}
    return pd.DataFrame({"phase": list(counts), "registrations_count": [int(mask.sum()) for mask in counts.values()]})


def district_roles(phase: Phase) -> pd.DataFrame:
    """Every district of UP with its role in the phase: 'event', 'nearby' or 'other'."""
    districts = reference.load_districts()[["district", "district_hi", "division", "slug", "lgd_district_code"]]
    name = districts["district"]
    is_event, is_nearby = name.isin(phase.event_districts), name.isin(phase.nearby_districts)
    return districts.assign(role=np.select([is_event, is_nearby], ["event", "nearby"], "other"))


def funnel_counts(registrations: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Sellers at each onboarding stage; a later stage counts at every earlier one too.

    ``registered_count`` is every registration, ``catalogue_live_count`` those
    whose status is "catalogue live" or "first order", ``first_order_count``
    those with "first order".
    """
    rank = status_rank(registrations["onboarding_status"]).clip(lower=0)  # a status not in the funnel: registered
    frame = pd.DataFrame({column: (rank >= i).astype(int) for i, column in enumerate(FUNNEL_COLUMNS)},
                         index=registrations.index)
    if by is None:
        return frame.sum().to_frame().T.astype(int)
    return frame.groupby(registrations[by]).sum().astype(int)


def funnel(registrations: pd.DataFrame) -> pd.DataFrame:
    """The onboarding funnel as rows: ``stage, sellers_count, pct_of_registered``."""
    counts = funnel_counts(registrations).iloc[0]
    frame = pd.DataFrame({"stage": list(FUNNEL_STAGES), "sellers_count": [int(counts[c]) for c in FUNNEL_COLUMNS]})
    return frame.assign(pct_of_registered=_pct(frame["sellers_count"], counts["registered_count"]))


def district_coverage(phase_regs: pd.DataFrame, phase: Phase, furthest_behind_count: int = 10) -> pd.DataFrame:
    """Coverage of one phase in every district of UP, by the seller's home district.

    Columns: ``district, district_hi, division, slug, role, registrations_count,
    artisan_count, weaver_count, other_count, women_count, women_share_pct,
    tribal_count, tribal_share_pct, population_2011,
    household_industry_workers_2011, census_area, is_own_area,
    registrations_per_lakh_population,
    registrations_per_1000_hh_industry_workers, base_missing_reason,
    registered_count, catalogue_live_count, first_order_count,
    catalogue_live_pct, first_order_pct, rank_per_1000_hh_workers,
    is_furthest_behind``.

    Rates cover one area: numerator and denominator are summed over the
    district's ``census_area`` (``reference.census_areas``). A district whose
    boundaries are those of Census 2011 is its own area; the four districts
    created after 2011 and the districts they were carved from share one area,
    and each of them shows the area's rate (``is_own_area`` False).
    ``base_missing_reason`` says why a district has no Census 2011 figures of its
    own. The rank runs over participating districts (event and nearby) that are
    their own area (``rank_scope``); ``is_furthest_behind`` marks the
    ``furthest_behind_count`` lowest of them.
    """
    roles = district_roles(phase)
    home = phase_regs["home_district"]
    trades = pd.crosstab(home, phase_regs["trade"]).reindex(columns=list(TRADES), fill_value=0)
    trades.columns = [f"{t}_count" for t in TRADES]
    people = phase_regs[["is_woman", "is_tribal"]].astype(bool).groupby(home).sum()
    people.columns = ["women_count", "tribal_count"]
    funnel_by_district = funnel_counts(phase_regs, by="home_district")
    counts = trades.join(people, how="outer").join(funnel_by_district, how="outer")
    counts.index.name = "district"
    frame = roles.merge(counts.reset_index(), on="district", how="left")
    count_columns = [c for c in frame.columns if c.endswith("_count")]
    frame[count_columns] = frame[count_columns].fillna(0).astype(int)
    frame["registrations_count"] = frame["registered_count"]
    base = reference.district_base()[
        ["district", "population_2011", "household_industry_workers_2011", "base_missing_reason"]
    ]
    frame = frame.merge(base, on="district", how="left", validate="one_to_one")
    frame = frame.merge(reference.census_areas(), on="district", how="left", validate="one_to_one")
    frame["women_share_pct"] = _pct(frame["women_count"], frame["registrations_count"])
    frame["tribal_share_pct"] = _pct(frame["tribal_count"], frame["registrations_count"])
    area = frame.groupby("census_area")[["registrations_count", "population_2011", "household_industry_workers_2011"]]
    area_sums = area.transform("sum")
    frame["registrations_per_lakh_population"] = area_sums["registrations_count"] / area_sums["population_2011"] * 1e5
    frame["registrations_per_1000_hh_industry_workers"] = (
        area_sums["registrations_count"] / area_sums["household_industry_workers_2011"] * 1e3
    )
    frame["catalogue_live_pct"] = _pct(frame["catalogue_live_count"], frame["registered_count"])
    frame["first_order_pct"] = _pct(frame["first_order_count"], frame["registered_count"])
    rankable = (frame["role"].isin(["event", "nearby"]) & frame["is_own_area"]
                & frame["registrations_per_1000_hh_industry_workers"].notna())
    frame["rank_per_1000_hh_workers"] = (
        frame.loc[rankable, "registrations_per_1000_hh_industry_workers"].rank(ascending=False, method="min")
    ).astype("Int64")
    behind = frame.loc[rankable].nsmallest(furthest_behind_count, "registrations_per_1000_hh_industry_workers")
    frame["is_furthest_behind"] = frame.index.isin(behind.index)
    return frame.sort_values("district").reset_index(drop=True)


def pooled_rates(coverage: pd.DataFrame, districts: Iterable[str]) -> dict[str, object]:
    """Registrations per lakh population and per 1,000 household-industry workers pooled over ``districts``.

    The districts created after Census 2011 are folded into the districts they
    were carved from: their registrations count with their parents' Census 2011
    base, which covers their area. So the rate is the sum of the districts'
    registrations over the sum of their Census 2011 base, and over all 75
    districts it is every registration over UP's Census 2011 total. A district
    created after 2011 whose parents are all outside ``districts`` has no base in
    the pool: its registrations are left out too, and it is named in
    ``districts_left_out``.

    Returns:
        ``registrations_with_base_count, population_2011, household_industry_workers_2011,
        registrations_per_lakh_population, registrations_per_1000_hh_industry_workers,
        districts_left_out`` (sorted list).
    """
    chosen = coverage[coverage["district"].isin(set(districts))]
    with_base = chosen.loc[chosen["population_2011"].notna(), "district"]
    area_has_base = chosen["census_area"].map(
        lambda area: any(d in set(with_base) for d in area.split(" + ")))
    pooled = chosen[area_has_base]
    registrations = int(pooled["registrations_count"].sum())
    population = float(pooled["population_2011"].sum())
    workers = float(pooled["household_industry_workers_2011"].sum())
    return {
        "registrations_with_base_count": registrations,
        "population_2011": population,
        "household_industry_workers_2011": workers,
        "registrations_per_lakh_population": registrations / population * 1e5 if population else float("nan"),
        "registrations_per_1000_hh_industry_workers": registrations / workers * 1e3 if workers else float("nan"),
        "districts_left_out": sorted(chosen.loc[~area_has_base, "district"]),
    }


def rank_scope(coverage: pd.DataFrame) -> dict[str, list[str]]:
    """Which participating districts ``rank_per_1000_hh_workers`` ranks, and which it leaves out and why.

    Returns:
        ``ranked``: participating districts with a rank; ``shared_area``: participating
        districts not ranked because their Census 2011 base is shared with a district
        created after 2011 (their rate is the area's, not their own). Both sorted.
    """
    participating = coverage[coverage["role"].isin(["event", "nearby"])]
    return {
        "ranked": sorted(participating.loc[participating["rank_per_1000_hh_workers"].notna(), "district"]),
        "shared_area": sorted(participating.loc[~participating["is_own_area"].astype(bool), "district"]),
    }


def coverage_by_role(coverage: pd.DataFrame) -> pd.DataFrame:
    """Event districts against nearby and other districts: totals and pooled rates per role.

    Rates are ``pooled_rates`` over the role's districts (districts created after
    2011 folded into their parents' Census 2011 base).
    """
    summed = ("registrations_count", "women_count", "tribal_count", "first_order_count")
    grouped = coverage.groupby("role").agg(districts_count=("district", "size"), **{c: (c, "sum") for c in summed})
    rate_columns = ["registrations_with_base_count", "population_2011", "household_industry_workers_2011",
                    "registrations_per_lakh_population", "registrations_per_1000_hh_industry_workers"]
    pooled = pd.DataFrame({role: pooled_rates(coverage, coverage.loc[coverage["role"] == role, "district"])
                           for role in grouped.index}).T
    grouped = grouped.join(pooled[rate_columns].astype(float))
    grouped["registrations_with_base_count"] = grouped["registrations_with_base_count"].astype(int)
    grouped["women_share_pct"] = _pct(grouped["women_count"], grouped["registrations_count"])
    grouped["share_of_registrations_pct"] = _pct(grouped["registrations_count"], grouped["registrations_count"].sum())
    order = [r for r in ("event", "nearby", "other") if r in grouped.index]
    return grouped.loc[order].reset_index()


def event_vs_home(phase_regs: pd.DataFrame, phase: Phase) -> pd.DataFrame:
    """For each event district: where its registrants came from, and how far nearby districts took part.

    Columns: ``event_district, registrations_count, from_event_district_count,
    from_nearby_count, from_elsewhere_count, from_nearby_pct,
    neighbours_count, neighbours_reached_count``.
    """
    neighbours = reference.load_neighbours()
    regs = phase_regs[phase_regs["event_district"].isin(phase.event_districts)]
    event, home = regs["event_district"], regs["home_district"]
    is_near = pd.MultiIndex.from_arrays([event, home]).isin(
        pd.MultiIndex.from_frame(neighbours[["district", "neighbour"]]))
    is_home = (home == event).to_numpy()
    flags = pd.DataFrame({"is_home": is_home, "is_near": is_near, "is_elsewhere": ~is_home & ~is_near,
                          "near_home": home.where(is_near)}, index=regs.index)
    frame = flags.groupby(event).agg(
        registrations_count=("is_home", "size"), from_event_district_count=("is_home", "sum"),
        from_nearby_count=("is_near", "sum"), from_elsewhere_count=("is_elsewhere", "sum"),
        neighbours_reached_count=("near_home", "nunique"),
    ).reindex(list(phase.event_districts), fill_value=0).rename_axis("event_district").reset_index()
    neighbours_count = neighbours.groupby("district")["neighbour"].nunique()  # a pair listed twice counts once
    frame["neighbours_count"] = frame["event_district"].map(neighbours_count).fillna(0).astype(int)
    frame["from_nearby_pct"] = _pct(frame["from_nearby_count"], frame["registrations_count"])
    return frame[["event_district", "registrations_count", "from_event_district_count", "from_nearby_count",
                  "from_elsewhere_count", "neighbours_count", "neighbours_reached_count", "from_nearby_pct"]]


def phase_key_figures(phase_regs: pd.DataFrame, coverage: pd.DataFrame) -> dict[str, float | int]:
    """Headline numbers of a phase: registrations by trade, women and tribal shares, funnel, districts reached."""
    total = len(phase_regs)
    trade_counts = phase_regs["trade"].value_counts()
    funnel_total = funnel_counts(phase_regs).iloc[0]
    return {
        "registrations_count": total,
        **{f"{trade}_count": int(trade_counts.get(trade, 0)) for trade in TRADES},
        "women_share_pct": _pct(int(phase_regs["is_woman"].astype(bool).sum()), total),
        "tribal_share_pct": _pct(int(phase_regs["is_tribal"].astype(bool).sum()), total),
        "first_order_pct": _pct(int(funnel_total["first_order_count"]), total),
        "districts_reached_count": int((coverage["registrations_count"] > 0).sum()),
        "districts_count": len(coverage),
    }
