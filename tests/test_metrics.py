"""The kit's figures, recomputed here from the reference files and from hand-made records."""

from __future__ import annotations

import csv
import math
import re

import pandas as pd
import pytest

from helpers.analysis import metrics, national
from helpers import paths
from helpers.reference import tables as reference
from helpers.campaign.phases import get_phase


def rows(name: str) -> list[dict[str, str]]:
    with (paths.REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def snapshot(date: str, geography: str, measure: str) -> int:
    return next(
        int(r["registrations_count"])
        for r in rows("gem_registrations_snapshots.csv")
        if (r["snapshot_date"], r["geography"], r["measure"]) == (date, geography, measure)
    )


# ------------------------------------------------------------- national vs UP


def test_up_share_at_the_source_date_is_recomputed_from_the_file() -> None:
    shares = national.up_share_by_snapshot().set_index(["snapshot_date", "measure"])
    for measure in ("artisans", "weavers"):
        expected = snapshot("2021-10-29", "Uttar Pradesh", measure) / snapshot("2021-10-29", "India", measure) * 100
        assert shares.loc[(pd.Timestamp("2021-10-29"), measure), "up_share_pct"] == pytest.approx(expected)
    assert round(shares.loc[(pd.Timestamp("2021-10-29"), "artisans"), "up_share_pct"], 2) == 17.05
    assert round(shares.loc[(pd.Timestamp("2021-10-29"), "weavers"), "up_share_pct"], 2) == 4.59


def test_every_dated_snapshot_is_reported_and_missing_up_figures_stay_missing() -> None:
    shares = national.up_share_by_snapshot()
    dates = {d.date().isoformat() for d in shares["snapshot_date"]}
    assert dates == {"2021-08-30", "2021-10-29", "2022-02-09", "2022-04-06", "2023-02-01"}
    august = shares[shares["snapshot_date"] == pd.Timestamp("2021-08-30")]
    assert august["up_share_pct"].isna().all() and august["note"].notna().all()
    assert set(august["india_registrations_count"]) == {28_374, 149_422}


def test_state_table_shares_are_up_over_the_table_total() -> None:
    feb = rows("gem_artisans_weavers_statewise_2022-02-09.csv")
    total = sum(int(r["registered_artisans_and_weavers"] or 0) for r in feb)
    up = next(int(r["registered_artisans_and_weavers"]) for r in feb if r["state"] == "UTTAR PRADESH")
    shares = national.up_share_by_snapshot().set_index("measure")
    assert shares.loc["artisans_and_weavers", "up_share_pct"] == pytest.approx(up / total * 100)
    apr = rows("gem_weavers_onboarded_statewise_2022-04-06.csv")
    apr_total = sum(int(r["weavers_handloom_agencies_onboarded"]) for r in apr)
    assert shares.loc["weavers_onboarded", "up_share_pct"] == pytest.approx(6865 / apr_total * 100)


def _base(name: str, column: str) -> dict[str, int]:
    return {r["state"]: int(r[column]) for r in rows(name)}


def test_like_for_like_weaver_share_recomputed_from_the_state_table() -> None:
    onboarded = _base("gem_weavers_onboarded_statewise_2022-04-06.csv", "weavers_handloom_agencies_onboarded")
    like = national.like_for_like_weavers()
    assert like["india_registrations_count"] == sum(onboarded.values())
    assert like["up_share_pct"] == pytest.approx(snapshot("2021-10-29", "Uttar Pradesh", "weavers") / sum(onboarded.values()) * 100)
    assert round(like["up_share_pct"], 2) == 4.79
    assert like["registered_before_count"] == snapshot("2021-10-29", "India", "weavers") - sum(onboarded.values()) == 6252


def test_representation_index_is_a_range_over_named_bases_recomputed() -> None:
    pahchan = _base("pahchan_artisans_statewise_2021-08-05.csv", "handicraft_artisans_enrolled_pahchan")
    handloom = _base("handloom_census_2019-20_statewise.csv", "handloom_weavers")
    hh = {r["geography"]: int(r["household_industry_workers_2011"]) for r in rows("census2011_household_industry_workers.csv")}
    onboarded = sum(_base("gem_weavers_onboarded_statewise_2022-04-06.csv", "weavers_handloom_agencies_onboarded").values())
    up_art, india_art = snapshot("2021-10-29", "Uttar Pradesh", "artisans"), snapshot("2021-10-29", "India", "artisans")
    up_wv, india_wv = snapshot("2021-10-29", "Uttar Pradesh", "weavers"), snapshot("2021-10-29", "India", "weavers")
    expected = {
        ("artisans", "as_given", "pahchan_2021"): (up_art, india_art, pahchan["Uttar Pradesh"], sum(pahchan.values())),
        ("artisans", "as_given", "census_hh_industry_2011"): (up_art, india_art, hh["Uttar Pradesh"], hh["India"]),
        ("weavers", "as_given", "handloom_census_2019_20"): (up_wv, india_wv, handloom["Uttar Pradesh"], sum(handloom.values())),
        ("weavers", "like_for_like", "handloom_census_2019_20"): (up_wv, onboarded, handloom["Uttar Pradesh"], sum(handloom.values())),
    }
    table = national.representation("2021-10-29").set_index(["measure", "registrations_basis", "base_id"])
    assert set(table.index) == set(expected)
    assert "population_representation_index" not in table.columns
    for key, (up_reg, india_reg, up_base, india_base) in expected.items():
        row = table.loc[key]
        assert row["representation_index"] == pytest.approx((up_reg / india_reg) / (up_base / india_base))
        assert row["up_coverage_rate_pct"] == pytest.approx(up_reg / up_base * 100)
        assert row["india_coverage_rate_pct"] == pytest.approx(india_reg / india_base * 100)
        rest_rate = (india_reg - up_reg) / (india_base - up_base)
        assert row["needed_vs_rest_of_india_count"] == max(0, math.ceil(up_base * rest_rate) - up_reg)
        assert row["needed_vs_india_count"] == max(0, math.ceil(up_base * india_reg / india_base) - up_reg)
        assert row["base_name"] and row["base_date"]
    index = table["representation_index"].round(2)
    assert index[("artisans", "as_given", "pahchan_2021")] == 0.49
    assert index[("artisans", "as_given", "census_hh_industry_2011")] == 0.80
    assert index[("weavers", "like_for_like", "handloom_census_2019_20")] == 0.98
    ranges = national.representation_range(table.reset_index()).set_index("measure")
    assert (round(ranges.loc["artisans", "index_low"], 2), round(ranges.loc["artisans", "index_high"], 2)) == (0.49, 0.80)


def test_parity_is_measured_against_the_rest_of_india() -> None:
    table = national.representation("2021-10-29").set_index(["measure", "registrations_basis", "base_id"])
    assert table.loc[("artisans", "as_given", "pahchan_2021"), "needed_vs_rest_of_india_count"] == 7802
    assert table.loc[("artisans", "as_given", "pahchan_2021"), "needed_vs_india_count"] == 5076
    assert table.loc[("weavers", "as_given", "handloom_census_2019_20"), "needed_vs_rest_of_india_count"] == 467
    assert table.loc[("weavers", "like_for_like", "handloom_census_2019_20"), "needed_vs_india_count"] == 138
    rates = table.loc[("artisans", "as_given", "pahchan_2021")]
    assert (round(rates["up_coverage_rate_pct"], 2), round(rates["india_coverage_rate_pct"], 2)) == (0.52, 1.06)
    weavers = table.loc[("weavers", "as_given", "handloom_census_2019_20")]
    assert (round(weavers["up_coverage_rate_pct"], 2), round(weavers["india_coverage_rate_pct"], 2)) == (5.25, 5.59)


def test_snapshots_mark_a_change_of_measure_and_carry_the_2023_figure() -> None:
    shares = national.up_share_by_snapshot().set_index(["snapshot_date", "measure"])
    assert shares.loc[(pd.Timestamp("2022-02-09"), "artisans_and_weavers"), "is_change_of_measure"]
    assert shares.loc[(pd.Timestamp("2022-04-06"), "weavers_onboarded"), "is_change_of_measure"]
    assert not shares.loc[(pd.Timestamp("2021-10-29"), "artisans"), "is_change_of_measure"]
    latest = national.latest_national_figure("artisans")
    assert latest["india_registrations_count"] == snapshot("2023-02-01", "India", "artisans") == 26644
    assert latest["india_change_count"] == 26644 - snapshot("2021-10-29", "India", "artisans") == -1742
    assert latest["date_precision"] == "month"


def test_the_latest_national_figure_is_left_out_before_it_was_published() -> None:
    from helpers.presentation import reference_sections

    latest = national.latest_national_figure("artisans")
    count = f"{int(latest['india_registrations_count']):,}"
    assert count == "26,644" and count in reference_sections.latest_figure_text("en")
    for as_of in ("2022-03-31", "2023-02-15"):  # month-dated (February 2023): out only after the month's end
        for lang in ("en", "hi"):
            text = reference_sections.latest_figure_text(lang, as_of)
            assert count not in text and "1,742" not in text
        assert "not yet published" in reference_sections.latest_figure_text("en", as_of)
    assert count in reference_sections.latest_figure_text("hi", "2023-02-28")
    assert count in reference_sections.latest_figure_text("en", pd.Timestamp("2024-01-01"))


def test_representation_for_a_date_without_up_figures_names_the_usable_dates() -> None:
    with pytest.raises(ValueError, match="2021-10-29"):
        national.representation("2021-08-30")


def test_up_rank_among_states_recomputed() -> None:
    feb = [r for r in rows("gem_artisans_weavers_statewise_2022-02-09.csv") if r["registered_artisans_and_weavers"] and r["state"] != "OTHERS"]
    up = next(int(r["registered_artisans_and_weavers"]) for r in feb if r["state"] == "UTTAR PRADESH")
    expected_rank = 1 + sum(int(r["registered_artisans_and_weavers"]) > up for r in feb)
    ranks = national.up_rank_among_states().set_index("measure")
    assert ranks.loc["artisans_and_weavers", "up_rank"] == expected_rank == 4
    assert ranks.loc["artisans_and_weavers", "leader_state"] == "Andhra Pradesh"
    assert ranks.loc["weavers_onboarded", "up_rank"] == 7


# ---------------------------------------------------------- district figures


def make_registrations(records: list[tuple]) -> pd.DataFrame:
    """Registrations from (home, event, trade, is_woman, is_tribal, status, gi_product, date)."""
    frame = pd.DataFrame(
        records,
        columns=["home_district", "event_district", "trade", "is_woman", "is_tribal", "onboarding_status", "gi_product", "registration_date"],
    )
    frame["registration_date"] = pd.to_datetime(frame["registration_date"])
    frame["registration_id"] = [f"T-{i}" for i in range(len(frame))]
    return frame


@pytest.fixture()
def phase1_records() -> pd.DataFrame:
    return make_registrations(
        [
            ("Varanasi", "Varanasi", "weaver", True, False, "first order", "Banaras Brocades and Sarees", "2021-12-01"),
            ("Varanasi", "Varanasi", "weaver", False, False, "catalogue live", None, "2021-12-02"),
            ("Chandauli", "Varanasi", "artisan", True, True, "registered", None, "2021-12-03"),
            ("Jaunpur", "Varanasi", "other", False, False, "registered", None, "2022-01-10"),
            ("Amethi", "Lucknow", "artisan", False, False, "catalogue live", None, "2022-02-01"),
            ("Ballia", "Gorakhpur", "artisan", False, False, "registered", None, "2022-02-01"),  # from elsewhere
            ("Varanasi", "Varanasi", "weaver", False, False, "registered", None, "2023-08-05"),  # phase 2 window
            ("Agra", "Etah", "artisan", False, False, "registered", None, "2021-12-01"),  # Etah held no phase-1 event
        ]
    )


def test_phase_registrations_keep_only_the_window_and_event_districts(phase1_records) -> None:
    phase = get_phase("1")
    selected = metrics.phase_registrations(phase1_records, phase)
    assert list(selected["registration_id"]) == ["T-0", "T-1", "T-2", "T-3", "T-4", "T-5"]


def test_registrations_by_phase_accounts_for_every_row(phase1_records) -> None:
    from helpers.campaign.phases import load_phases

    counts = metrics.registrations_by_phase(phase1_records, load_phases()).set_index("phase")["registrations_count"]
    assert counts["1"] == 6 and counts["2"] == 1
    assert counts.sum() == len(phase1_records)


def test_district_coverage_counts_and_rates(phase1_records) -> None:
    phase = get_phase("1")
    coverage = metrics.district_coverage(metrics.phase_registrations(phase1_records, phase), phase).set_index("district")
    assert len(coverage) == 75
    varanasi = coverage.loc["Varanasi"]
    assert (varanasi["registrations_count"], varanasi["weaver_count"], varanasi["women_count"]) == (2, 2, 1)
    assert varanasi["role"] == "event" and coverage.loc["Chandauli", "role"] == "nearby" and coverage.loc["Ballia", "role"] == "other"
    census = {r["census2011_name"]: r for r in rows("census2011_up_districts.csv")}
    assert varanasi["registrations_per_lakh_population"] == pytest.approx(2 / int(census["Varanasi"]["population"]) * 1e5)
    assert varanasi["registrations_per_1000_hh_industry_workers"] == pytest.approx(
        2 / int(census["Varanasi"]["household_industry_workers"]) * 1e3
    )
    assert coverage.loc["Chandauli", "tribal_share_pct"] == 100
    assert (varanasi["catalogue_live_count"], varanasi["first_order_count"]) == (2, 1)
    amethi = coverage.loc["Amethi"]
    # Amethi (created after 2011) is folded into the districts it was carved from: one area, one rate
    area_population = int(census["Sultanpur"]["population"]) + int(census["Rae Bareli"]["population"])
    assert amethi["registrations_count"] == 1
    assert amethi["registrations_per_lakh_population"] == pytest.approx(1 / area_population * 1e5)
    assert coverage.loc["Sultanpur", "registrations_per_lakh_population"] == pytest.approx(1 / area_population * 1e5)
    assert not amethi["is_own_area"] and amethi["census_area"] == coverage.loc["Rae Bareli", "census_area"]
    assert "created after Census 2011" in amethi["base_missing_reason"] and "Sultanpur" in amethi["base_missing_reason"]
    assert coverage["registrations_count"].sum() == 6


def test_funnel_is_cumulative(phase1_records) -> None:
    funnel = metrics.funnel(metrics.phase_registrations(phase1_records, get_phase("1"))).set_index("stage")
    assert list(funnel["sellers_count"]) == [6, 3, 1]
    assert funnel.loc["first order", "pct_of_registered"] == pytest.approx(100 / 6)


def _funnel_rows(figure_html: str) -> list[tuple[str, float, str]]:
    """(stage label, bar length in %, value text) of each row of a funnel figure."""
    from bs4 import BeautifulSoup

    rows = []
    for row in BeautifulSoup(figure_html, "html.parser").select(".kit-funnel-row"):
        bar = row.select_one(".kit-funnel-bar")
        length = float(re.fullmatch(r"--kit-share: ([0-9.]+)%", bar["style"]).group(1))
        rows.append((row.dt.get_text(), length, row.dd.get_text()))
    return rows


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_funnel_figure_recomputes_each_stage_its_bar_and_marks_synthetic_data(phase1_records, lang) -> None:
    from bs4 import BeautifulSoup

    from helpers.presentation import briefs, i18n

    regs = metrics.phase_registrations(phase1_records, get_phase("1"))
    varanasi = regs[regs["home_district"] == "Varanasi"]
    title = i18n.t("district_brief.funnel_chart_title", lang, district=i18n.district_name("Varanasi", lang))
    figure = briefs.funnel_figure(metrics.funnel(varanasi), title, lang, is_synthetic=True)
    status = varanasi["onboarding_status"]
    counts = {"registered": len(varanasi), "catalogue_live": int(status.isin(["catalogue live", "first order"]).sum()),
              "first_order": int((status == "first order").sum())}
    expected = [(i18n.t(f"brief.stage_{stage}", lang), 100 * count / counts["registered"],
                 i18n.t("brief.funnel_value", lang, count=str(count), pct=f"{100 * count / counts['registered']:.1f}%"))
                for stage, count in counts.items()]
    assert [(label, round(length, 1), value) for label, length, value in _funnel_rows(figure)] == [
        (label, round(length, 1), value) for label, length, value in expected]
    soup = BeautifulSoup(figure, "html.parser")
    assert soup.figcaption.get_text() == title
    assert soup.select_one(".kit-chart-mark").get_text() == i18n.t("progress.synthetic_mark", lang)
    assert not BeautifulSoup(briefs.funnel_figure(metrics.funnel(varanasi), title, lang, is_synthetic=False),
                             "html.parser").select(".kit-chart-mark")


def test_funnel_figure_escapes_its_title_and_keeps_bars_within_the_track(phase1_records) -> None:
    from helpers.presentation import briefs

    funnel = pd.DataFrame({"stage": ["registered", "catalogue live", "first order"], "sellers_count": [0, 0, 0],
                           "pct_of_registered": [float("nan")] * 3})
    figure = briefs.funnel_figure(funnel, "<script>x</script>", "en", is_synthetic=False)
    assert "<script>" not in figure and "&lt;script&gt;" in figure
    assert [length for _, length, _ in _funnel_rows(figure)] == [0.0, 0.0, 0.0]


def test_event_vs_home_counts_nearby_participation(phase1_records) -> None:
    phase = get_phase("1")
    table = metrics.event_vs_home(metrics.phase_registrations(phase1_records, phase), phase).set_index("event_district")
    varanasi = table.loc["Varanasi"]
    assert (varanasi["from_event_district_count"], varanasi["from_nearby_count"], varanasi["from_elsewhere_count"]) == (2, 2, 0)
    assert varanasi["neighbours_reached_count"] == 2
    neighbours = reference.load_neighbours()
    assert varanasi["neighbours_count"] == int((neighbours["district"] == "Varanasi").sum())
    assert table.loc["Gorakhpur", "from_elsewhere_count"] == 1
    assert table.loc["Lucknow", "from_nearby_count"] == 0  # Amethi does not border Lucknow


def test_a_neighbour_listed_twice_counts_once(phase1_records, monkeypatch) -> None:
    phase = get_phase("1")
    neighbours = reference.load_neighbours()
    twice = pd.concat([neighbours, neighbours[neighbours["district"] == "Varanasi"].head(1)], ignore_index=True)
    monkeypatch.setattr(reference, "load_neighbours", lambda: twice)
    table = metrics.event_vs_home(metrics.phase_registrations(phase1_records, phase), phase).set_index("event_district")
    assert table.loc["Varanasi", "neighbours_count"] == neighbours.loc[neighbours["district"] == "Varanasi", "neighbour"].nunique()
    assert table.loc["Varanasi", "from_nearby_count"] == 2, "a repeated pair does not count a registration twice"


def test_gi_coverage_marks_products_with_a_seller_and_keeps_status_and_source(phase1_records) -> None:
    from helpers.analysis import products

    phase = get_phase("1")
    records = phase1_records.copy()
    records.loc[1, "gi_product"] = "Gorakhpur Terracotta Craft"  # the earlier list's name still matches
    records.loc[1, "home_district"] = "Gorakhpur"
    gi = products.gi_coverage(metrics.phase_registrations(records, phase), phase)
    brocade = gi[(gi["gi_name"] == "Banaras Brocades and Sarees") & (gi["district"] == "Varanasi")].iloc[0]
    assert brocade["sellers_count"] == 1 and brocade["has_registered_seller"]
    terracotta = gi[gi["gi_name"] == "Gorakhpur Terracotta"].iloc[0]
    assert terracotta["sellers_count"] == 1
    assert set(gi.loc[gi["has_registered_seller"], "gi_name"]) == {"Banaras Brocades and Sarees", "Gorakhpur Terracotta"}
    assert set(gi["district"]) <= set(phase.participating_districts)
    registered = gi[gi["gi_status"] == "registered"]
    assert registered["verification_status"].str.startswith("verified").all()
    assert gi["evidence"].notna().all() and gi.loc[gi["gi_status"] != "unverified", "source_url"].str.startswith("http").all()


def test_odop_coverage_names_every_participating_district_product_and_matches_crafts(phase1_records) -> None:
    from helpers.analysis import products

    phase = get_phase("1")
    records = phase1_records.assign(craft=["banarasi silk weaving", "बनारसी साड़ी", "pottery", "zari-zardozi",
                                           "Moonj Craft", "food processing", "x", "y"])
    selected = metrics.phase_registrations(records, phase)
    odop = products.odop_coverage(selected, phase).set_index("district")
    assert set(odop.index) == set(phase.participating_districts)
    assert odop["product"].notna().all()
    assert odop.loc["Varanasi", "odop_registrations_count"] == 2  # English and Hindi names of the same craft
    assert odop.loc["Chandauli", "odop_registrations_count"] == 0  # pottery is no ODOP product
    assert "Amethi" not in odop.index  # home of a registration, but not a participating district
    matching = products.craft_matching(selected).set_index("craft")
    assert not matching.loc["pottery", "is_matched"] and matching["is_matched"].sum() == 5


def test_every_district_has_an_odop_product_lookup() -> None:
    odop = reference.load_odop_products().set_index("district")
    for district in reference.load_districts()["district"]:
        assert odop.loc[district, "product"].strip()


def test_coverage_by_role_pools_rates(phase1_records) -> None:
    phase = get_phase("1")
    coverage = metrics.district_coverage(metrics.phase_registrations(phase1_records, phase), phase)
    roles = metrics.coverage_by_role(coverage).set_index("role")
    assert roles.loc["event", "districts_count"] == 12
    assert roles.loc["event", "registrations_count"] == 2
    assert roles["registrations_count"].sum() == 6
    assert roles["share_of_registrations_pct"].sum() == pytest.approx(100)


def test_ranks_and_furthest_behind_run_over_participating_districts_with_a_base(phase1_records) -> None:
    phase = get_phase("1")
    coverage = metrics.district_coverage(metrics.phase_registrations(phase1_records, phase), phase, furthest_behind_count=3)
    ranked = coverage.dropna(subset=["rank_per_1000_hh_workers"])
    assert set(ranked["role"]) <= {"event", "nearby"}
    assert ranked["registrations_per_1000_hh_industry_workers"].notna().all()
    assert "Amethi" not in set(ranked["district"]) and "Ballia" not in set(ranked["district"])
    census = {r["census2011_name"]: int(r["household_industry_workers"]) for r in rows("census2011_up_districts.csv")}
    by_rate = {"Varanasi": 2 / census["Varanasi"], "Chandauli": 1 / census["Chandauli"], "Jaunpur": 1 / census["Jaunpur"]}
    leader = max(by_rate, key=by_rate.get)
    assert ranked.set_index("district").loc[leader, "rank_per_1000_hh_workers"] == 1
    behind = set(coverage.loc[coverage["is_furthest_behind"], "district"])
    assert len(behind) == 3 and behind.isdisjoint(by_rate)  # districts with registrations are ahead of those with none


def test_phase_key_figures_count_the_phase_rows(phase1_records) -> None:
    phase = get_phase("1")
    selected = metrics.phase_registrations(phase1_records, phase)
    key = metrics.phase_key_figures(selected, metrics.district_coverage(selected, phase))
    assert (key["registrations_count"], key["artisan_count"], key["weaver_count"], key["other_count"]) == (6, 3, 2, 1)
    assert key["women_share_pct"] == pytest.approx(2 / 6 * 100)
    assert key["tribal_share_pct"] == pytest.approx(1 / 6 * 100)
    assert key["first_order_pct"] == pytest.approx(1 / 6 * 100)
    assert (key["districts_reached_count"], key["districts_count"]) == (5, 75)


def test_state_table_shares_and_order() -> None:
    feb = [r for r in rows("gem_artisans_weavers_statewise_2022-02-09.csv") if r["registered_artisans_and_weavers"]]
    total = sum(int(r["registered_artisans_and_weavers"]) for r in feb)
    table = national.state_table("2022-02-09", "artisans_and_weavers", top_n=5)
    assert list(table["state"])[:4] == ["Andhra Pradesh", "Telangana", "Tamil Nadu", "Uttar Pradesh"]
    assert table.loc[table["is_up"], "share_of_india_pct"].iloc[0] == pytest.approx(11705 / total * 100)
    assert table["registrations_count"].is_monotonic_decreasing and len(table) == 5
