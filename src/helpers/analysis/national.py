"""UP against India: shares, representation index over named bases, parity, rank (reference tables only).

Every figure here comes from the public reference tables in
``data/raw/reference/`` (loaded by ``helpers.reference.tables``): UP's share of
India's GeM-registered artisans and weavers at each dated snapshot, as the
source gives it and like for like; the representation index as a range over
named, dated bases; coverage rates; the registrations UP needs for parity with
the rest of India; UP's rank among the states; UP's purchases on GeM.

What does not belong here: registration records and district figures
(``metrics``), GI and ODOP products (``products``), charts and labels.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.presentation.formatting import format_count
from helpers.reference import tables as reference
from helpers.reference.tables import INDIA, UP

#: The source report's date: the snapshot the key figures are taken at.
SOURCE_SNAPSHOT_DATE = pd.Timestamp("2021-10-29")


def pct(part: float | pd.Series, whole: float | pd.Series) -> float | pd.Series:
    """part / whole * 100, NaN where whole is 0 or missing."""
    if isinstance(whole, pd.Series):
        return (part / whole.where(whole != 0)) * 100
    return float("nan") if not whole else part / whole * 100


# ------------------------------------------------------- national vs UP

#: State-table measures and the source measures they add up: a state table whose UP
#: count equals the sum of these at an earlier date counts the same people differently.
MEASURE_COMPONENTS: dict[str, tuple[str, ...]] = {
    "artisans_and_weavers": ("artisans", "weavers"),
    "weavers_onboarded": ("weavers",),
}


def _snapshots() -> pd.DataFrame:
    """``gem_registrations_snapshots.csv`` indexed by date, measure and geography."""
    return reference.load_table(reference.SNAPSHOTS_FILE).set_index(["snapshot_date", "measure", "geography"])


def _snapshot_rows() -> pd.DataFrame:
    """Rows of ``gem_registrations_snapshots.csv`` per date and measure, with the change in India's count."""
    snaps = _snapshots()
    counts = snaps["registrations_count"].unstack("geography").reindex(columns=[UP, INDIA]).sort_index()
    up, india = counts[UP], counts[INDIA]
    by_place = {place: snaps.xs(place, level="geography").reindex(counts.index) for place in (UP, INDIA)}
    texts = by_place[UP].where(up.notna(), by_place[INDIA], axis=0)  # UP's row, else India's
    return pd.DataFrame({
        "date_precision": texts["date_precision"], "up_registrations_count": up, "india_registrations_count": india,
        "up_share_pct": pct(up, india), "india_change_count": india.dropna().groupby(level="measure").diff(),
        "is_change_of_measure": False, "source": texts["source"], "source_hi": texts["source_hi"],
        "evidence": texts["evidence"], "note": up.isna().map({True: "no UP figure published for this date", False: None}),
    }).reset_index()


def _state_table_rows(up_counts: dict[str, int], latest_weavers: int) -> list[dict]:
    """One row per state-wise table: UP over the table's total, marked when only the measure changed."""
    states = reference.load_state_registrations()
    rows = []
    for (date, measure), group in states.groupby(["snapshot_date", "measure"], sort=True):
        india = int(group["registrations_count"].sum())
        up = int(group.loc[group["state"] == UP, "registrations_count"].sum())
        components = MEASURE_COMPONENTS.get(measure, ())
        same_people = bool(components) and up == sum(up_counts.get(m, -1) for m in components)
        if measure == "weavers_onboarded":
            note = ("India = sum of the state-wise table (weavers onboarded in the drive; "
                    f"{format_count(latest_weavers)} nationally with the {format_count(latest_weavers - india)} "
                    "registered earlier and not split by state)")
        else:
            note = "India = sum of the state-wise table, artisans and weavers together"
        if same_people:
            note += ("; UP's count is unchanged (" + " + ".join(format_count(up_counts[m]) for m in components)
                     + "): the share moves only because India is counted differently")
        rows.append({
            "snapshot_date": date, "date_precision": "day", "measure": measure,
            "up_registrations_count": up, "india_registrations_count": india, "up_share_pct": pct(up, india),
            "india_change_count": None, "is_change_of_measure": same_people,
            "source": f"Lok Sabha reply of {date:%Y-%m-%d} ({group['source_file'].iloc[0]})",
            "source_hi": f"लोक सभा में उत्तर, {date:%d-%m-%Y} ({group['source_file'].iloc[0]})",
            "evidence": "state rows sum to the published total (checked by tests)", "note": note,
        })
    return rows


def up_share_by_snapshot() -> pd.DataFrame:
    """UP's share of India's GeM-registered artisans and weavers at every dated snapshot.

    Rows come from ``gem_registrations_snapshots.csv`` (India and UP counts, per
    measure) and from the two Lok Sabha state tables (India = the sum over all
    states and the "Others" row). Where a snapshot has no UP figure, the share is
    NaN and ``note`` says why. ``india_change_count`` is India's count minus the
    previous dated count of the same measure. ``is_change_of_measure`` marks a
    state-table row whose UP count equals the source's UP count(s): its share
    differs only because the measure differs, not because anyone registered.

    Returns:
        Columns ``snapshot_date, date_precision, measure, up_registrations_count,
        india_registrations_count, up_share_pct, india_change_count,
        is_change_of_measure, source, source_hi, evidence, note``.
    """
    snapshots = _snapshot_rows()
    # each measure's latest UP and India counts (GroupBy.last skips missing values)
    latest = snapshots.groupby("measure")[["up_registrations_count", "india_registrations_count"]].last()
    up_counts = latest["up_registrations_count"].dropna().astype(int).to_dict()
    rows = _state_table_rows(up_counts, int(latest.loc["weavers", "india_registrations_count"]))
    frame = pd.concat([pd.DataFrame(rows), snapshots]).sort_values(["snapshot_date", "measure"]).reset_index(drop=True)
    for column in ("up_registrations_count", "india_registrations_count", "india_change_count"):
        frame[column] = frame[column].astype("Float64").astype("Int64")
    return frame


def latest_national_figure(measure: str = "artisans") -> pd.Series:
    """The latest dated India count of ``measure`` with its change since the previous one (a row of the snapshots)."""
    shares = up_share_by_snapshot()
    rows = shares[(shares["measure"] == measure) & shares["india_registrations_count"].notna()]
    return rows.sort_values("snapshot_date").iloc[-1]


#: The bases a representation index is computed against, per measure, in the order shown.
BASES: dict[str, tuple[str, ...]] = {
    "artisans": ("pahchan_2021", "census_hh_industry_2011"),
    "weavers": ("handloom_census_2019_20",),
}


def _base_counts(base_id: str) -> dict[str, object]:
    """UP's and India's count in one named, dated base."""
    if base_id == "pahchan_2021":
        frame, column = reference.load_table(reference.PAHCHAN_FILE), "handicraft_artisans_enrolled_pahchan"
        name, date, source_file = "handicraft artisans enrolled under Pahchan", "2021-08-05", reference.PAHCHAN_FILE
        up, india = int(frame.loc[frame["state"] == UP, column].sum()), int(frame[column].sum())
    elif base_id == "handloom_census_2019_20":
        frame = reference.load_table(reference.HANDLOOM_FILE)
        name, date, source_file = "handloom weavers, Fourth All India Handloom Census", "2019-20", reference.HANDLOOM_FILE
        up = int(frame.loc[frame["state"] == UP, "handloom_weavers"].sum())
        india = int(frame["handloom_weavers"].sum())
    elif base_id == "census_hh_industry_2011":
        frame = reference.load_table(reference.HOUSEHOLD_INDUSTRY_FILE).set_index("geography")["household_industry_workers_2011"]
        name, date, source_file = "household-industry workers, Census", "2011", reference.HOUSEHOLD_INDUSTRY_FILE
        up, india = int(frame[UP]), int(frame[INDIA])
    else:
        raise KeyError(f"unknown base '{base_id}'")
    return {"base_id": base_id, "base_name": name, "base_date": date, "base_file": source_file,
            "up_base_count": up, "india_base_count": india}


def like_for_like_weavers() -> dict[str, object]:
    """UP's weaver share counted like for like: the drive's weavers only, in UP and in India.

    The source's 1,49,429 weavers include weavers who were on GeM before the drive
    and are not split by state, while UP's 6,865 counts the drive only. The
    2022-04-06 state table counts the drive only, in every state: India = its sum.

    Returns:
        ``up_registrations_count``, ``india_registrations_count`` (drive only),
        ``india_as_given_count`` (the source's), ``registered_before_count``
        (the difference) and ``up_share_pct``.
    """
    states = reference.load_state_registrations()
    table = states[states["measure"] == "weavers_onboarded"]
    snaps = _snapshots()
    india = int(table["registrations_count"].sum())
    up = int(table.loc[table["state"] == UP, "registrations_count"].sum())
    as_given = int(snaps.loc[(SOURCE_SNAPSHOT_DATE, "weavers", INDIA), "registrations_count"])
    return {"up_registrations_count": up, "india_registrations_count": india, "india_as_given_count": as_given,
            "registered_before_count": as_given - india, "up_share_pct": pct(up, india),
            "table_date": pd.Timestamp(table["snapshot_date"].iloc[0])}


def _needed_for_parity(up_reg: int, rate: float, up_base: int) -> int:
    """More UP registrations needed for UP's coverage of its base to reach ``rate`` (0 when already there)."""
    return max(0, math.ceil(up_base * rate) - up_reg)


def _representation_row(measure: str, basis: str, up_reg: int, india_reg: int, base: dict) -> dict:
    up_base, india_base = int(base["up_base_count"]), int(base["india_base_count"])
    india_rate = india_reg / india_base
    rest_rate = (india_reg - up_reg) / (india_base - up_base)
    return {
        "measure": measure, "registrations_basis": basis, **base,
        "up_registrations_count": up_reg, "india_registrations_count": india_reg,
        "up_share_pct": pct(up_reg, india_reg), "up_share_of_base_pct": pct(up_base, india_base),
        "representation_index": (up_reg / india_reg) / (up_base / india_base),
        "up_coverage_rate_pct": pct(up_reg, up_base), "india_coverage_rate_pct": india_rate * 100,
        "rest_of_india_coverage_rate_pct": rest_rate * 100,
        "needed_vs_rest_of_india_count": _needed_for_parity(up_reg, rest_rate, up_base),
        "needed_vs_india_count": _needed_for_parity(up_reg, india_rate, up_base),
    }


def representation(snapshot_date: pd.Timestamp | str = SOURCE_SNAPSHOT_DATE) -> pd.DataFrame:
    """How well UP is represented among India's GeM-registered artisans and weavers, base by base.

    One row per measure, counting basis and base (see :data:`BASES`): artisans
    against Pahchan enrolment (2021) and Census 2011 household-industry workers;
    weavers against the Handloom Census 2019-20, counted as the source gives them
    and like for like (:func:`like_for_like_weavers`). The index depends on its
    base, so it is a range, never one number; a base of population is not used.

    - ``representation_index``: UP's share of registrations / UP's share of the base;
    - coverage rates: registrations per 100 of the base, for UP, India and the rest
      of India (India without UP);
    - ``needed_vs_rest_of_india_count``: more UP registrations to reach the rest
      of India's coverage rate; ``needed_vs_india_count`` the same against India
      as a whole (which includes UP, so understates the gap).

    Raises:
        ValueError: no UP and India figures for that date.
    """
    date = pd.Timestamp(snapshot_date)
    shares = up_share_by_snapshot()
    at_date = shares[(shares["snapshot_date"] == date) & shares["measure"].isin(list(BASES))]
    at_date = at_date.dropna(subset=["up_share_pct"]).set_index("measure")
    if at_date.empty:
        dates = sorted({d.date().isoformat() for d in shares.dropna(subset=["up_share_pct"])
                        .query("measure in @BASES")["snapshot_date"]})
        raise ValueError(f"no UP and India artisan/weaver counts for {date.date()}; dates with both: {dates}")
    rows = [_representation_row(measure, "as_given", int(at_date.loc[measure, "up_registrations_count"]),
                                int(at_date.loc[measure, "india_registrations_count"]), _base_counts(b))
            for measure, base_ids in BASES.items() for b in base_ids]
    like = like_for_like_weavers()
    rows.append(_representation_row("weavers", "like_for_like", like["up_registrations_count"],
                                    like["india_registrations_count"], _base_counts("handloom_census_2019_20")))
    frame = pd.DataFrame(rows)
    frame.insert(0, "snapshot_date", date)
    return frame


def representation_range(rep: pd.DataFrame) -> pd.DataFrame:
    """Per measure, the lowest and highest representation index over its bases (``index_low``, ``index_high``)."""
    return rep.groupby("measure", sort=False)["representation_index"].agg(index_low="min", index_high="max").reset_index()


def up_rank_among_states() -> pd.DataFrame:
    """UP's rank among the states in each state-wise table (1 = most registrations).

    The "Others" row of a table is not a state and is left out of the ranking.

    Returns:
        Columns ``snapshot_date, measure, up_rank, states_ranked_count,
        up_registrations_count, leader_state, leader_registrations_count``.
    """
    states = reference.load_state_registrations()
    states = states[~states["state"].str.startswith("Others")]
    keys = ["snapshot_date", "measure"]
    counts = states.groupby(keys)["registrations_count"]
    ranked = states.assign(up_rank=counts.rank(ascending=False, method="min").astype(int),
                           states_ranked_count=counts.transform("size"))
    up = ranked.loc[ranked["state"] == UP, [*keys, "up_rank", "states_ranked_count", "registrations_count"]]
    leaders = states.loc[counts.idxmax(), [*keys, "state", "registrations_count"]]  # the first of a tie
    leaders.columns = [*keys, "leader_state", "leader_registrations_count"]
    table = leaders.merge(up.rename(columns={"registrations_count": "up_registrations_count"}), on=keys, how="left")
    if table["up_rank"].isna().any():  # a state-wise table without UP: say so rather than drop the table
        missing = table.loc[table["up_rank"].isna(), keys].astype(str).agg(" ".join, axis=1).tolist()
        raise ValueError(f"state-wise registrations: no {UP} row in the table(s) of {', '.join(missing)}; "
                         "add UP's row to the state-wise file in data/raw/reference/")
    columns = [*keys, "up_rank", "states_ranked_count", "up_registrations_count", "leader_state",
               "leader_registrations_count"]
    return table[columns].astype({"up_rank": int, "states_ranked_count": int}).sort_values(keys).reset_index(drop=True)


def state_table(snapshot_date: str | pd.Timestamp, measure: str, top_n: int = 10) -> pd.DataFrame:
    """The ``top_n`` states of a state-wise table by registrations, with each state's share of India (%)."""
    states = reference.load_state_registrations()
    table = states[(states["snapshot_date"] == pd.Timestamp(snapshot_date)) & (states["measure"] == measure)]
    total = table["registrations_count"].sum()
    table = table[~table["state"].str.startswith("Others")].sort_values("registrations_count", ascending=False)
    table = table.assign(share_of_india_pct=table["registrations_count"] / total * 100, is_up=table["state"] == UP)
    return table.head(top_n)[["state", "registrations_count", "share_of_india_pct", "is_up"]].reset_index(drop=True)


#: UP government orders on GeM by financial year (₹ crore), with the part-year row flagged.
up_order_value = reference.load_up_order_value


def ledger_figures(represent: pd.DataFrame, shares: pd.DataFrame) -> list[tuple[str, str, object]]:
    """The national figures a report publishes, as ledger triples ``("", figure, value)``.

    Per base of the representation index: UP's share of registrations, its share of the base,
    the index and the coverage rates (``national.<measure>.<basis>.<base_id>.<column>``); per
    dated snapshot, UP's share (``snapshot.<date>.<measure>.up_share_pct``).
    """
    columns = ("up_share_pct", "up_share_of_base_pct", "representation_index", "up_coverage_rate_pct",
               "rest_of_india_coverage_rate_pct")
    figures: list[tuple[str, str, object]] = [
        ("", f"national.{row['measure']}.{row['registrations_basis']}.{row['base_id']}.{column}", row[column])
        for row in represent.to_dict("records") for column in columns
    ]
    dated = shares.dropna(subset=["up_share_pct"])
    figures += [("", f"snapshot.{pd.Timestamp(row['snapshot_date']).date().isoformat()}.{row['measure']}.up_share_pct",
                 row["up_share_pct"]) for row in dated.to_dict("records")]
    return figures
