"""The kit's figures: UP's share of GeM registrations and coverage per district.

Two families of figures live here, each a small function returning a tidy
DataFrame with unit-bearing column names:

- national vs UP (from the reference tables only): UP's share of India's
  registered artisans and weavers at each dated snapshot, the representation
  index against UP's share of the base (population, handloom weavers, Pahchan
  artisans), coverage rates, the registrations needed for parity, UP's rank;
- district coverage for a phase (from the cleaned registration records):
  registrations by trade, women and tribal shares, rates per population and per
  household-industry worker, the onboarding funnel, event against home district,
  GI products with and without a registered seller.

Definitions are written in each docstring and in docs/metrics.md. Nothing here
reads registration files or draws charts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.vocabulary import TRADES
from helpers.reference import tables as reference
from helpers.presentation.formatting import format_count
from helpers.campaign.phases import Phase
from helpers.reference.tables import INDIA, UP

#: The source report's date: the snapshot the key figures are taken at.
SOURCE_SNAPSHOT_DATE = pd.Timestamp("2021-10-29")

#: Onboarding statuses in funnel order; each stage includes the ones after it.
FUNNEL_STAGES = ("registered", "catalogue live", "first order")


def _pct(part: float | pd.Series, whole: float | pd.Series) -> float | pd.Series:
    """part / whole * 100, NaN where whole is 0 or missing."""
    if isinstance(whole, pd.Series):
        return (part / whole.where(whole != 0)) * 100
    return float("nan") if not whole else part / whole * 100


# ------------------------------------------------------- national vs UP


def up_share_by_snapshot() -> pd.DataFrame:
    """UP's share of India's GeM-registered artisans and weavers at every dated snapshot.

    Rows come from ``gem_registrations_snapshots.csv`` (India and UP counts, per
    measure) and from the two Lok Sabha state tables (India = the sum over all
    states and the "Others" row). Where a snapshot has no UP figure, the share is
    NaN and ``note`` says why.

    Returns:
        Columns ``snapshot_date, measure, up_registrations_count,
        india_registrations_count, up_share_pct, source, evidence, note``.
    """
    snaps = reference.load_registration_snapshots()
    rows = []
    for (date, measure), group in snaps.groupby(["snapshot_date", "measure"], sort=True):
        by_geo = group.set_index("geography")
        india = by_geo["registrations_count"].get(INDIA)
        up = by_geo["registrations_count"].get(UP)
        source_row = by_geo.loc[UP] if up is not None else by_geo.loc[INDIA]
        rows.append(
            {
                "snapshot_date": date,
                "measure": measure,
                "up_registrations_count": up,
                "india_registrations_count": india,
                "up_share_pct": _pct(up, india) if up is not None else float("nan"),
                "source": source_row["source"],
                "evidence": source_row["evidence"],
                "note": None if up is not None else "no UP figure published for this date",
            }
        )
    national_weavers = snaps[(snaps["geography"] == INDIA) & (snaps["measure"] == "weavers")]
    latest_weavers = int(national_weavers.sort_values("snapshot_date")["registrations_count"].iloc[-1])
    states = reference.load_state_registrations()
    for (date, measure), group in states.groupby(["snapshot_date", "measure"], sort=True):
        india = int(group["registrations_count"].sum())
        up = int(group.loc[group["state"] == UP, "registrations_count"].sum())
        note = (
            "India = sum of the state-wise table (weavers onboarded in the drive; "
            f"{format_count(latest_weavers)} nationally with the {format_count(latest_weavers - india)} "
            "registered earlier and not split by state)"
            if measure == "weavers_onboarded"
            else "India = sum of the state-wise table, artisans and weavers together"
        )
        rows.append(
            {
                "snapshot_date": date,
                "measure": measure,
                "up_registrations_count": up,
                "india_registrations_count": india,
                "up_share_pct": _pct(up, india),
                "source": f"Lok Sabha reply of {date:%Y-%m-%d} ({group['source_file'].iloc[0]})",
                "evidence": "state rows sum to the published total (checked by tests)",
                "note": note,
            }
        )
    frame = pd.DataFrame(rows).sort_values(["snapshot_date", "measure"]).reset_index(drop=True)
    for column in ("up_registrations_count", "india_registrations_count"):
        frame[column] = frame[column].astype("Int64")
    return frame


def population_share() -> dict[str, float]:
    """UP's and India's Census 2011 population and UP's share of it (``up_population_share_pct``)."""
    population = reference.load_population().set_index("geography")["population_2011"]
    return {
        "up_population_2011": int(population[UP]),
        "india_population_2011": int(population[INDIA]),
        "up_population_share_pct": _pct(population[UP], population[INDIA]),
    }


def _base_counts() -> dict[str, dict[str, object]]:
    """Per measure, the base that registrations are compared with, for UP and India."""
    pahchan = reference.load_pahchan_artisans()
    handloom = reference.load_handloom_census()
    return {
        "artisans": {
            "base_name": "handicraft artisans enrolled under Pahchan (2021-08-05)",
            "base_file": reference.PAHCHAN_FILE,
            "up_base_count": int(pahchan.loc[pahchan["state"] == UP, "handicraft_artisans_enrolled_pahchan"].sum()),
            "india_base_count": int(pahchan["handicraft_artisans_enrolled_pahchan"].sum()),
        },
        "weavers": {
            "base_name": "handloom weavers, Handloom Census 2019-20",
            "base_file": reference.HANDLOOM_FILE,
            "up_base_count": int(handloom.loc[handloom["state"] == UP, "handloom_weavers"].sum()),
            "india_base_count": int(handloom["handloom_weavers"].sum()),
        },
    }


def representation(snapshot_date: pd.Timestamp | str = SOURCE_SNAPSHOT_DATE) -> pd.DataFrame:
    """How well UP is represented among India's GeM-registered artisans and weavers.

    For each measure (artisans, weavers) at ``snapshot_date``:

    - ``up_share_pct``: UP registrations / India registrations x 100;
    - ``up_share_of_base_pct``: UP's share of the base (Pahchan artisans for
      artisans, handloom-census weavers for weavers) x 100;
    - ``representation_index``: up_share_pct / up_share_of_base_pct (1 = UP is
      represented in proportion to its base; below 1 = under-represented);
    - ``population_representation_index``: up_share_pct / UP's population share;
    - ``up_coverage_rate_pct`` and ``india_coverage_rate_pct``: registrations per
      100 of the base;
    - ``registrations_needed_for_parity``: how many more UP registrations would
      bring UP's coverage rate up to India's (0 when already there).

    Raises:
        ValueError: no UP and India figures for that date.
    """
    date = pd.Timestamp(snapshot_date)
    shares = up_share_by_snapshot()
    at_date = shares[(shares["snapshot_date"] == date) & shares["measure"].isin(["artisans", "weavers"])]
    at_date = at_date.dropna(subset=["up_share_pct"])
    if at_date.empty:
        dates = sorted({d.date().isoformat() for d in shares.dropna(subset=["up_share_pct"])["snapshot_date"]})
        raise ValueError(f"no UP and India artisan/weaver counts for {date.date()}; dates with both: {dates}")
    population = population_share()
    bases = _base_counts()
    rows = []
    for record in at_date.to_dict("records"):
        base = bases[record["measure"]]
        up_reg = int(record["up_registrations_count"])
        india_reg = int(record["india_registrations_count"])
        india_rate = india_reg / base["india_base_count"]
        parity_target = math.ceil(base["up_base_count"] * india_rate)
        rows.append(
            {
                "snapshot_date": date,
                "measure": record["measure"],
                "up_registrations_count": up_reg,
                "india_registrations_count": india_reg,
                "up_share_pct": record["up_share_pct"],
                **base,
                "up_share_of_base_pct": _pct(base["up_base_count"], base["india_base_count"]),
                "up_population_share_pct": population["up_population_share_pct"],
                "up_coverage_rate_pct": _pct(up_reg, base["up_base_count"]),
                "india_coverage_rate_pct": india_rate * 100,
                "registrations_needed_for_parity": max(0, parity_target - up_reg),
            }
        )
    frame = pd.DataFrame(rows)
    frame["representation_index"] = frame["up_share_pct"] / frame["up_share_of_base_pct"]
    frame["population_representation_index"] = frame["up_share_pct"] / frame["up_population_share_pct"]
    return frame


def up_rank_among_states() -> pd.DataFrame:
    """UP's rank among the states in each state-wise table (1 = most registrations).

    The "Others" row of a table is not a state and is left out of the ranking.

    Returns:
        Columns ``snapshot_date, measure, up_rank, states_ranked_count,
        up_registrations_count, leader_state, leader_registrations_count``.
    """
    states = reference.load_state_registrations()
    states = states[~states["state"].str.startswith("Others")]
    rows = []
    for (date, measure), group in states.groupby(["snapshot_date", "measure"], sort=True):
        ranked = group.assign(rank=group["registrations_count"].rank(ascending=False, method="min"))
        ranked = ranked.sort_values("registrations_count", ascending=False)
        up_row = ranked[ranked["state"] == UP]
        rows.append(
            {
                "snapshot_date": date,
                "measure": measure,
                "up_rank": int(up_row["rank"].iloc[0]),
                "states_ranked_count": len(ranked),
                "up_registrations_count": int(up_row["registrations_count"].iloc[0]),
                "leader_state": ranked["state"].iloc[0],
                "leader_registrations_count": int(ranked["registrations_count"].iloc[0]),
            }
        )
    return pd.DataFrame(rows)


def state_table(snapshot_date: str | pd.Timestamp, measure: str, top_n: int = 10) -> pd.DataFrame:
    """The ``top_n`` states of a state-wise table by registrations, with each state's share of India (%)."""
    states = reference.load_state_registrations()
    table = states[(states["snapshot_date"] == pd.Timestamp(snapshot_date)) & (states["measure"] == measure)]
    total = table["registrations_count"].sum()
    table = table[~table["state"].str.startswith("Others")].sort_values("registrations_count", ascending=False)
    table = table.assign(share_of_india_pct=table["registrations_count"] / total * 100, is_up=table["state"] == UP)
    return table.head(top_n)[["state", "registrations_count", "share_of_india_pct", "is_up"]].reset_index(drop=True)


def up_order_value() -> pd.DataFrame:
    """UP government orders on GeM by financial year (₹ crore), with the part-year row flagged."""
    return reference.load_up_order_value()


# ------------------------------------------------------ district coverage


def phase_registrations(registrations: pd.DataFrame, phase: Phase) -> pd.DataFrame:
    """The registrations of one phase: dated inside its window and made at one of its events."""
    dates = pd.to_datetime(registrations["registration_date"])
    in_window = dates.between(pd.Timestamp(phase.window_start), pd.Timestamp(phase.window_end))
    at_event = registrations["event_district"].isin(phase.event_districts)
    return registrations[in_window & at_event].copy()


def registrations_by_phase(registrations: pd.DataFrame, phases: dict[str, Phase]) -> pd.DataFrame:
    """How many cleaned registrations fall in each phase, and how many in none (so none is lost unseen)."""
    counted = pd.Series(False, index=registrations.index)
    rows = []
    for phase in phases.values():
        mask = registrations.index.isin(phase_registrations(registrations, phase).index)
        rows.append({"phase": phase.id, "registrations_count": int(mask.sum())})
        counted |= mask
    rows.append({"phase": "none (outside every phase window or event)", "registrations_count": int((~counted).sum())})
    return pd.DataFrame(rows)


def district_roles(phase: Phase) -> pd.DataFrame:
    """Every district of UP with its role in the phase: 'event', 'nearby' or 'other'."""
    districts = reference.load_districts()[["district", "district_hi", "division", "slug", "lgd_district_code"]]
    role = np.where(
        districts["district"].isin(phase.event_districts),
        "event",
        np.where(districts["district"].isin(phase.nearby_districts), "nearby", "other"),
    )
    return districts.assign(role=role)


def funnel_counts(registrations: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Sellers at each onboarding stage; a later stage counts at every earlier one too.

    ``registered_count`` is every registration, ``catalogue_live_count`` those
    whose status is "catalogue live" or "first order", ``first_order_count``
    those with "first order".
    """
    status = registrations["onboarding_status"]
    frame = pd.DataFrame(
        {
            "registered_count": 1,
            "catalogue_live_count": status.isin(FUNNEL_STAGES[1:]).astype(int),
            "first_order_count": (status == FUNNEL_STAGES[2]).astype(int),
        },
        index=registrations.index,
    )
    if by is None:
        return frame.sum().to_frame().T.astype(int)
    return frame.groupby(registrations[by]).sum().astype(int)


def funnel(registrations: pd.DataFrame) -> pd.DataFrame:
    """The onboarding funnel as rows: ``stage, sellers_count, pct_of_registered``."""
    counts = funnel_counts(registrations).iloc[0]
    registered = counts["registered_count"]
    return pd.DataFrame(
        {
            "stage": list(FUNNEL_STAGES),
            "sellers_count": [int(counts[c]) for c in ("registered_count", "catalogue_live_count", "first_order_count")],
        }
    ).assign(pct_of_registered=lambda f: f["sellers_count"] / registered * 100 if registered else float("nan"))


def district_coverage(phase_regs: pd.DataFrame, phase: Phase, furthest_behind_count: int = 10) -> pd.DataFrame:
    """Coverage of one phase in every district of UP, by the seller's home district.

    Columns: ``district, district_hi, division, slug, role, registrations_count,
    artisan_count, weaver_count, other_count, women_count, women_share_pct,
    tribal_count, tribal_share_pct, population_2011,
    household_industry_workers_2011, registrations_per_lakh_population,
    registrations_per_1000_hh_industry_workers, base_missing_reason,
    registered_count, catalogue_live_count, first_order_count,
    catalogue_live_pct, first_order_pct, rank_per_1000_hh_workers,
    is_furthest_behind``.

    Rates are n/a (NaN) for the four districts created after Census 2011, with
    the reason in ``base_missing_reason``. The rank runs over participating
    districts (event and nearby) that have a base; ``is_furthest_behind`` marks
    the ``furthest_behind_count`` lowest of them.
    """
    roles = district_roles(phase)
    home = phase_regs["home_district"]
    trades = pd.crosstab(home, phase_regs["trade"]).reindex(columns=list(TRADES), fill_value=0)
    trades.columns = [f"{t}_count" for t in TRADES]
    people = pd.DataFrame(
        {
            "women_count": phase_regs["is_woman"].astype(bool).groupby(home).sum(),
            "tribal_count": phase_regs["is_tribal"].astype(bool).groupby(home).sum(),
        }
    )
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
    frame["women_share_pct"] = _pct(frame["women_count"], frame["registrations_count"])
    frame["tribal_share_pct"] = _pct(frame["tribal_count"], frame["registrations_count"])
    frame["registrations_per_lakh_population"] = frame["registrations_count"] / frame["population_2011"] * 1e5
    frame["registrations_per_1000_hh_industry_workers"] = (
        frame["registrations_count"] / frame["household_industry_workers_2011"] * 1e3
    )
    frame["catalogue_live_pct"] = _pct(frame["catalogue_live_count"], frame["registered_count"])
    frame["first_order_pct"] = _pct(frame["first_order_count"], frame["registered_count"])
    rankable = frame["role"].isin(["event", "nearby"]) & frame["registrations_per_1000_hh_industry_workers"].notna()
    frame["rank_per_1000_hh_workers"] = (
        frame.loc[rankable, "registrations_per_1000_hh_industry_workers"].rank(ascending=False, method="min")
    ).astype("Int64")
    behind = frame.loc[rankable].nsmallest(furthest_behind_count, "registrations_per_1000_hh_industry_workers")
    frame["is_furthest_behind"] = frame.index.isin(behind.index)
    return frame.sort_values("district").reset_index(drop=True)


def coverage_by_role(coverage: pd.DataFrame) -> pd.DataFrame:
    """Event districts against nearby and other districts: totals and pooled rates per role."""
    with_base = coverage.dropna(subset=["population_2011"])
    grouped = coverage.groupby("role").agg(
        districts_count=("district", "size"),
        registrations_count=("registrations_count", "sum"),
        women_count=("women_count", "sum"),
        tribal_count=("tribal_count", "sum"),
        first_order_count=("first_order_count", "sum"),
    )
    pooled = with_base.groupby("role").agg(
        registrations_with_base_count=("registrations_count", "sum"),
        population_2011=("population_2011", "sum"),
        household_industry_workers_2011=("household_industry_workers_2011", "sum"),
    )
    grouped = grouped.join(pooled)
    grouped["registrations_per_lakh_population"] = (
        grouped["registrations_with_base_count"] / grouped["population_2011"] * 1e5
    )
    grouped["registrations_per_1000_hh_industry_workers"] = (
        grouped["registrations_with_base_count"] / grouped["household_industry_workers_2011"] * 1e3
    )
    grouped["women_share_pct"] = _pct(grouped["women_count"], grouped["registrations_count"])
    grouped["share_of_registrations_pct"] = _pct(
        grouped["registrations_count"], pd.Series(grouped["registrations_count"].sum(), index=grouped.index)
    )
    order = [r for r in ("event", "nearby", "other") if r in grouped.index]
    return grouped.loc[order].reset_index()


def event_vs_home(phase_regs: pd.DataFrame, phase: Phase) -> pd.DataFrame:
    """For each event district: where its registrants came from, and how far nearby districts took part.

    Columns: ``event_district, registrations_count, from_event_district_count,
    from_nearby_count, from_elsewhere_count, from_nearby_pct,
    neighbours_count, neighbours_reached_count``.
    """
    neighbours = reference.load_neighbours()
    neighbour_sets = neighbours.groupby("district")["neighbour"].apply(set).to_dict()
    rows = []
    for event in phase.event_districts:
        at_event = phase_regs[phase_regs["event_district"] == event]
        near = neighbour_sets.get(event, set())
        is_home = at_event["home_district"] == event
        is_near = at_event["home_district"].isin(near)
        rows.append(
            {
                "event_district": event,
                "registrations_count": len(at_event),
                "from_event_district_count": int(is_home.sum()),
                "from_nearby_count": int(is_near.sum()),
                "from_elsewhere_count": int((~is_home & ~is_near).sum()),
                "neighbours_count": len(near),
                "neighbours_reached_count": int(at_event.loc[is_near, "home_district"].nunique()),
            }
        )
    frame = pd.DataFrame(rows)
    frame["from_nearby_pct"] = _pct(frame["from_nearby_count"], frame["registrations_count"])
    return frame


def gi_coverage(phase_regs: pd.DataFrame, phase: Phase) -> pd.DataFrame:
    """GI products of the phase's participating districts, with and without a registered seller.

    A product has a registered seller in a district when a registration of the
    phase from that home district names the product in ``gi_product``. The
    evidence column of the GI list is kept; ``is_confirmed`` is False for rows
    the list marks as unconfirmed ("memory").
    """
    gi = reference.load_gi_products()
    gi = gi[gi["district"].isin(phase.participating_districts)]
    sellers = (
        phase_regs.dropna(subset=["gi_product"]).groupby(["gi_product", "home_district"]).size().rename("sellers_count")
    )
    sellers.index = sellers.index.set_names(["gi_name", "district"])
    frame = gi.merge(sellers.reset_index(), on=["gi_name", "district"], how="left")
    frame["sellers_count"] = frame["sellers_count"].fillna(0).astype(int)
    frame["has_registered_seller"] = frame["sellers_count"] > 0
    columns = [
        "gi_name", "district", "category", "sellers_count", "has_registered_seller", "is_confirmed", "evidence",
        "district_note",
    ]
    return frame[columns].sort_values(["has_registered_seller", "district", "gi_name"]).reset_index(drop=True)


def phase_key_figures(phase_regs: pd.DataFrame, coverage: pd.DataFrame) -> dict[str, float | int]:
    """Headline numbers of a phase: registrations by trade, women and tribal shares, funnel, districts reached."""
    total = len(phase_regs)
    trade_counts = phase_regs["trade"].value_counts()
    funnel_total = funnel_counts(phase_regs).iloc[0] if total else pd.Series(0, index=["first_order_count"])
    return {
        "registrations_count": total,
        "artisan_count": int(trade_counts.get("artisan", 0)),
        "weaver_count": int(trade_counts.get("weaver", 0)),
        "other_count": int(trade_counts.get("other", 0)),
        "women_share_pct": _pct(int(phase_regs["is_woman"].astype(bool).sum()), total),
        "tribal_share_pct": _pct(int(phase_regs["is_tribal"].astype(bool).sum()), total),
        "first_order_pct": _pct(int(funnel_total["first_order_count"]), total),
        "districts_reached_count": int((coverage["registrations_count"] > 0).sum()),
        "districts_count": len(coverage),
    }
