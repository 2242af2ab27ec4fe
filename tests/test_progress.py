"""Progress against targets, recomputed by hand from small records written here.

The phase runs 28 days, 2021-11-01 to 2021-11-28 (four weeks); events in Agra,
Mathura nearby. Every expected figure below is worked out in the comment beside it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from helpers.analysis import metrics, pace, progress, ranking
from helpers.campaign.phases import Phase
from helpers.campaign.targets import load_grades
from helpers.data_facts import read_data_facts
from helpers.vocabulary import STATUSES

PHASE = Phase(
    id="t", title="test", title_hi="test", status="illustrative", source="test", window_start=date(2021, 11, 1),
    window_end=date(2021, 11, 28), is_window_assumed=False, window_note=None, announced_district_count=None,
    event_locations=(), event_districts=("Agra",), nearby_districts=("Mathura",),
)
TARGETS = pd.DataFrame(
    {"district": ["Agra", "Mathura"], "trade": ["all", "all"], "target_count": [20, 10], "is_official": [False, False]}
)
GRADES = load_grades()


def record(day: str, home: str = "Agra", status: str = "registered", live: str | None = None,
           order: str | None = None, trade: str = "artisan") -> dict:
    return {
        "registration_date": pd.Timestamp(day), "home_district": home, "event_district": "Agra", "trade": trade,
        "is_woman": False, "is_tribal": False, "onboarding_status": status,
        "catalogue_live_date": pd.Timestamp(live) if live else pd.NaT,
        "first_order_date": pd.Timestamp(order) if order else pd.NaT,
    }


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(record("2021-11-01")))


# ------------------------------------------------------------------ as of a date


def test_status_as_of_follows_the_dated_stages() -> None:
    regs = frame(
        record("2021-11-02", status="first order", live="2021-11-05", order="2021-11-20"),
        record("2021-11-03", status="catalogue live"),  # no date: taken as reported
        record("2021-11-04", status="first order", live="2021-11-12", order="2021-11-13"),
        record("2021-11-11"),  # after the date: not counted
    )
    now = progress.registrations_as_of(regs, "2021-11-10")
    assert list(now["onboarding_status"]) == ["catalogue live", "catalogue live", "registered"]
    assert list(now["is_status_as_reported"]) == [False, True, False]
    assert list(now["onboarding_status_reported"]) == ["first order", "catalogue live", "first order"]
    later = progress.registrations_as_of(regs, "2021-11-20")
    assert list(later["onboarding_status"]) == ["first order", "catalogue live", "first order", "registered"]


def test_without_stage_columns_every_status_is_taken_as_reported() -> None:
    regs = frame(record("2021-11-02", status="first order"), record("2021-11-03")).drop(
        columns=["catalogue_live_date", "first_order_date"]
    )
    now = progress.registrations_as_of(regs, "2021-11-05")
    assert list(now["onboarding_status"]) == ["first order", "registered"]
    assert list(now["is_status_as_reported"]) == [True, False]
    assert progress.status_as_reported_count(now) == 1


def test_latest_data_date_looks_at_every_dated_column() -> None:
    regs = frame(record("2021-11-02", status="first order", live="2021-11-05", order="2021-11-21"), record("2021-11-09"))
    assert read_data_facts(regs).latest_data_date == date(2021, 11, 21)
    assert read_data_facts(regs.iloc[:0]).latest_data_date is None


def _figures(regs: pd.DataFrame, as_of: str) -> tuple:
    now = metrics.phase_registrations(progress.registrations_as_of(regs, as_of), PHASE)
    return (
        progress.district_progress(now, TARGETS, PHASE, as_of, GRADES),
        pace.weekly_progress(now, PHASE, as_of, target_count=30),
        metrics.funnel_counts(now),
        pace.district_outlook(now, TARGETS, PHASE, as_of),
    )


def test_figures_for_a_past_date_do_not_change_when_newer_rows_arrive() -> None:
    first_export = frame(
        record("2021-11-02", status="catalogue live", live="2021-11-06"),
        record("2021-11-05", home="Mathura"),
        record("2021-11-09"),
    )
    before = _figures(first_export, "2021-11-10")
    second_export = frame(
        record("2021-11-02", status="first order", live="2021-11-06", order="2021-11-15"),  # moved on later
        record("2021-11-05", home="Mathura", status="catalogue live", live="2021-11-12"),
        record("2021-11-09"),
        record("2021-11-11"), record("2021-11-14", home="Mathura"),  # new rows after the date
    )
    after = _figures(second_export, "2021-11-10")
    for old, new in zip(before, after):
        pd.testing.assert_frame_equal(old, new)


# ----------------------------------------------------------- expected and grades


def test_elapsed_share_counts_days_inclusively_and_is_clamped() -> None:
    start, end = PHASE.window_start, PHASE.window_end
    assert progress.elapsed_share("2021-11-14", start, end) == 14 / 28
    assert progress.elapsed_share("2021-11-01", start, end) == 1 / 28
    assert progress.elapsed_share("2021-10-20", start, end) == 0.0
    assert progress.elapsed_share("2021-12-25", start, end) == 1.0


def test_a_profile_replaces_the_straight_line() -> None:
    profile = pd.Series([0.5, 1.0], index=pd.to_datetime(["2021-11-07", "2021-11-21"]))
    share = progress.expected_share("2021-11-14", PHASE.window_start, PHASE.window_end, profile)
    assert share == pytest.approx(0.75)  # halfway between the two points
    assert progress.expected_share("2021-11-01", PHASE.window_start, PHASE.window_end, profile) == 0.0
    assert progress.expected_share("2021-11-25", PHASE.window_start, PHASE.window_end, profile) == 1.0


def _agra(count: int) -> pd.DataFrame:
    return frame(*[record("2021-11-02") for _ in range(count)])


@pytest.mark.parametrize(
    ("count", "grade"),
    # Agra target 20, as of 2021-11-14 (14/28): expected 10; ratio = count / 10
    [(9, "on_track"), (10, "on_track"), (8, "behind"), (6, "behind"), (5, "far_behind"), (0, "far_behind")],
)
def test_achievement_expected_by_now_and_grade(count: int, grade: str) -> None:
    table = progress.district_progress(_agra(count), TARGETS, PHASE, "2021-11-14", GRADES).set_index("district")
    agra = table.loc["Agra"]
    assert agra["registrations_count"] == count and agra["achievement_pct"] == pytest.approx(count / 20 * 100)
    assert agra["expected_by_now_count"] == pytest.approx(10.0)
    assert agra["ratio_to_expected"] == pytest.approx(count / 10)
    assert agra["grade"] == grade
    assert table.loc["Mathura", "registrations_count"] == 0


def test_nothing_expected_before_the_window_means_not_graded() -> None:
    table = progress.district_progress(_agra(0), TARGETS, PHASE, "2021-10-30", GRADES)
    assert table["grade"].isna().all() and (table["expected_by_now_count"] == 0).all()


def test_trade_targets_count_only_that_trade() -> None:
    regs = frame(record("2021-11-02", trade="weaver"), record("2021-11-02"), record("2021-11-03", trade="weaver"))
    trade_targets = pd.DataFrame({"district": ["Agra"], "trade": ["weaver"], "target_count": [4], "is_official": [True]})
    table = progress.district_progress(regs, trade_targets, PHASE, "2021-11-28", GRADES)
    assert table.loc[0, "registrations_count"] == 2 and table.loc[0, "achievement_pct"] == 50.0


def test_phase_progress_adds_up_the_districts() -> None:
    regs = frame(*[record("2021-11-02") for _ in range(10)], *[record("2021-11-03", home="Mathura") for _ in range(2)])
    table = progress.district_progress(regs, TARGETS, PHASE, "2021-11-14", GRADES)
    summary = progress.phase_progress(table, GRADES)
    # 12 of 30 = 40%; expected 15; ratio 0.8; Agra 10/10 on track, Mathura 2/5 far behind
    assert summary["registrations_count"] == 12 and summary["achievement_pct"] == pytest.approx(40.0)
    assert summary["expected_by_now_count"] == pytest.approx(15.0) and summary["grade"] == "behind"
    assert (summary["districts_on_track_count"], summary["districts_behind_count"],
            summary["districts_far_behind_count"]) == (1, 0, 1)


# --------------------------------------------------------- weekly, pace, projection


def test_weekly_counts_and_cumulative_curves_per_stage() -> None:
    regs = frame(
        record("2021-11-01", status="first order", live="2021-11-09", order="2021-11-16"),
        record("2021-11-07"), record("2021-11-08", status="catalogue live", live="2021-11-08"),
        record("2021-11-20", status="catalogue live"),  # undated: off the catalogue-live curve
    )
    now = progress.registrations_as_of(regs, "2021-11-20")
    weekly = pace.weekly_progress(now, PHASE, "2021-11-20", target_count=28)
    assert list(weekly["week_start_date"].dt.day) == [1, 8, 15]
    assert list(weekly["registered_count"]) == [2, 1, 1]
    assert list(weekly["registered_cumulative_count"]) == [2, 3, 4]
    assert list(weekly["catalogue_live_count"]) == [0, 2, 0]
    assert list(weekly["first_order_cumulative_count"]) == [0, 0, 1]
    assert list(weekly["week_end_date"].dt.day) == [7, 14, 20]
    assert list(weekly["expected_cumulative_count"]) == pytest.approx([7.0, 14.0, 20.0])  # 28 x days / 28
    assert undated_stage_counts(now) == {"catalogue live": 1, "first order": 0}


def undated_stage_counts(phase_regs_now: pd.DataFrame) -> dict[str, int]:
    """Per stage after 'registered': sellers at that stage with no date for it (taken as reported)."""
    rank = {s: i for i, s in enumerate(STATUSES)}
    counts = {}
    for status in STATUSES[1:]:
        reached = phase_regs_now[phase_regs_now["onboarding_status"].map(rank) >= rank[status]]
        counts[status] = int(progress.stage_dates(reached, status).isna().sum())
    return counts


def test_pace_projection_and_target_date() -> None:
    # as of 2021-11-14 the last four weeks reach back to the start: 14 days = 2 weeks
    dates = pd.Series(pd.to_datetime(["2021-11-01", "2021-11-02", "2021-11-10", "2021-11-13", "2021-11-15"]))
    assert pace.pace_per_week(dates, "2021-11-14", PHASE.window_start) == pytest.approx(4 / 2)
    # as of 2021-11-28: 28 days back to 2021-11-01, 5 events / 4 weeks
    assert pace.pace_per_week(dates, "2021-11-28", PHASE.window_start) == pytest.approx(5 / 4)
    assert pace.projected_total(4, 2.0, "2021-11-14", PHASE.window_end) == pytest.approx(4 + 2.0 * 14 / 7)
    # 6 short at 2 a week: 21 days -> 2021-12-05, after the window
    assert pace.target_reached_date(4, 2.0, 10, "2021-11-14", PHASE.window_end) is None
    # 3 short at 2 a week: ceil(10.5) = 11 days -> 2021-11-25
    assert pace.target_reached_date(4, 2.0, 7, "2021-11-14", PHASE.window_end) == date(2021, 11, 25)
    assert pace.target_reached_date(7, 2.0, 7, "2021-11-14", PHASE.window_end) == date(2021, 11, 14)
    assert pace.target_reached_date(4, 0.0, 7, "2021-11-14", PHASE.window_end) is None


def test_district_outlook_recomputed() -> None:
    regs = frame(*[record(f"2021-11-{d:02d}") for d in (1, 3, 5, 8, 9, 12)], record("2021-11-02", home="Mathura"))
    table = pace.district_outlook(regs, TARGETS, PHASE, "2021-11-14").set_index("district")
    assert table.loc["Agra", "pace_per_week"] == pytest.approx(3.0)  # 6 in 2 weeks
    assert table.loc["Agra", "projected_total_count"] == pytest.approx(12.0)  # 6 + 3 x 2
    assert table.loc["Agra", "target_reached_date"] is None  # 14 short at 3 a week: 33 days
    assert table.loc["Mathura", "pace_per_week"] == pytest.approx(0.5)


# ------------------------------------------------------------ since the last report


def _progress(achievements: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"district": list(achievements), "trade": "all", "achievement_pct": list(achievements.values())}
    )


def _min_ranks(values: dict[str, float]) -> dict[str, int]:
    """1 + how many values are strictly larger: equal values share a rank."""
    return {d: 1 + sum(other > v for other in values.values()) for d, v in values.items()}


def test_delta_ranks_largest_improvement_first_ties_share_a_rank() -> None:
    before = {"Agra": 10.0, "Mathura": 20.0, "Etah": 5.0, "Aligarh": 30.0}
    now = {"Agra": 30.0, "Mathura": 40.0, "Etah": 15.0, "Aligarh": 31.0}
    ranked = ranking.delta_ranking(_progress(now), _progress(before)).set_index("district")
    improvement = {d: now[d] - before[d] for d in now}
    assert ranked["improvement_pp"].to_dict() == improvement
    assert ranked["delta_rank"].to_dict() == _min_ranks(improvement)
    assert ranked.loc["Agra", "delta_rank"] == ranked.loc["Mathura", "delta_rank"] == 1  # a tie, not the alphabet
    assert ranked.loc["Etah", "delta_rank"] == 3
    assert ranked["achievement_rank"].to_dict() == _min_ranks(now)
    assert ranked["achievement_rank_change"].to_dict() == {
        d: _min_ranks(before)[d] - _min_ranks(now)[d] for d in now}


def test_a_bottom_tie_larger_than_the_table_is_one_sentence_not_names_by_the_alphabet() -> None:
    from helpers.presentation import i18n, progress_sections

    moved = {d: 10.0 * i for i, d in enumerate(["Varanasi", "Lucknow", "Kannauj", "Gorakhpur", "Bhadohi"], start=1)}
    still = ["Agra", "Aligarh", "Etah", "Mathura", "Mau", "Ballia", "Basti"]
    before = {**{d: 0.0 for d in moved}, **{d: 20.0 for d in still}}
    now = {**moved, **{d: 20.0 for d in still}}
    table = ranking.delta_ranking(_progress(now), _progress(before))
    bottom = ranking.bottom_tie(table)
    assert set(bottom["district"]) == set(still) and set(bottom["delta_rank"]) == {len(moved) + 1}
    for lang, words in (("en", f"{len(still)} districts did not move"), ("hi", f"{len(still)} जनपदों में कोई बदलाव नहीं")):
        html = progress_sections.ranking_tables(table, lang, shown=3)
        assert words in html
        assert not any(i18n.district_name(d, lang) in html for d in still)  # none of the tied districts is named
        top = [d for d, _ in sorted(moved.items(), key=lambda kv: -kv[1])[:3]]
        assert all(i18n.district_name(d, lang) in html for d in top)  # the top three improvements are listed


def test_a_tie_that_fits_is_listed_whole_with_one_shared_rank() -> None:
    from helpers.presentation import progress_sections

    before = {"Agra": 0.0, "Etah": 0.0, "Mau": 0.0, "Basti": 0.0}
    now = {"Agra": 5.0, "Etah": 5.0, "Mau": 1.0, "Basti": 0.0}
    table = ranking.delta_ranking(_progress(now), _progress(before))
    html = progress_sections.ranking_tables(table, "en", shown=2)
    top_html, bottom_html = html.split("Least improved")
    assert "Agra" in top_html and "Etah" in top_html and "Mau" not in top_html
    assert "Basti" in bottom_html and "Mau" in bottom_html


def test_period_change_counts_what_happened_in_the_week() -> None:
    regs = frame(
        record("2021-11-02", status="first order", live="2021-11-05", order="2021-11-12"),
        *[record("2021-11-03") for _ in range(4)],
        record("2021-11-09", status="catalogue live", live="2021-11-13"),
        *[record("2021-11-10", home="Mathura") for _ in range(3)],
        record("2021-11-15"),  # after the date
    )
    change = ranking.period_change(regs, "2021-11-14", phase=PHASE, targets=TARGETS, grades=GRADES)
    assert change.previous_date == date(2021, 11, 7) and change.new_registrations_count == 4
    assert change.stages_reached == {"registered": 4, "catalogue live": 1, "first order": 1}
    # Agra: 5/5 expected on 11-07 (20 x 7/28) on track, 6/10 on 11-14 behind; Mathura 0/2.5 -> 3/5 behind
    grades = change.grade_changes.set_index("district")
    assert grades.loc["Agra"].to_dict() == {"grade_previous": "on_track", "grade": "behind"}
    assert grades.loc["Mathura"].to_dict() == {"grade_previous": "far_behind", "grade": "behind"}
    # improvement: Agra 30% - 25% = 5 pp; Mathura 30% - 0% = 30 pp
    assert change.ranking.set_index("district")["delta_rank"].to_dict() == {"Mathura": 1, "Agra": 2}
    assert change.ranking.set_index("district")["improvement_pp"].to_dict() == pytest.approx({"Mathura": 30.0, "Agra": 5.0})


def test_period_change_without_targets_has_no_grades_or_ranks() -> None:
    change = ranking.period_change(frame(record("2021-11-10")), "2021-11-14", 3, phase=PHASE)
    assert change.new_registrations_count == 0 and change.previous_date == date(2021, 11, 11)
    assert change.grade_changes.empty and change.ranking.empty


# ------------------------------------------------------------ the brief's sections


def test_sections_show_the_recomputed_figures_in_both_languages() -> None:
    from helpers.campaign.targets import TargetBasis
    from helpers.presentation import progress_sections as sections

    regs = frame(*[record("2021-11-02") for _ in range(10)], *[record("2021-11-03", home="Mathura") for _ in range(2)])
    table = progress.district_progress(regs, TARGETS, PHASE, "2021-11-14", GRADES)
    summary = progress.phase_progress(table, GRADES)
    basis = TargetBasis("from targets.csv", "", False)
    english = sections.headline(summary, basis, GRADES, 0.5, "en")
    assert "40.0%" in english and "12 of 30" in english and "on track: 1 districts" in english
    assert "illustrative" in english and "not department targets" in english and "()" not in english
    assert "बहुत पीछे: 1 जनपद" in sections.headline(summary, basis, GRADES, 0.5, "hi")
    weekly = pace.weekly_progress(regs, PHASE, "2021-11-14", target_count=30)
    figure = sections.cumulative_chart(weekly, "title", "source", "en", is_synthetic=True)
    assert "SYNTHETIC" in [text.get_text() for text in figure.axes[0].texts]
    assert figure._kit_alt_text.startswith("Line chart: 12 registrations by 14 November 2021, against 15 expected")
    assert sections.status_as_reported_note(0, "en") == ""


def test_the_target_basis_is_said_in_the_pages_language() -> None:
    import re

    from helpers.campaign.targets import DERIVED_BASE, DERIVED_BASE_DATE, DERIVED_METHOD, TargetBasis
    from helpers.presentation import progress_sections as sections

    illustrative = TargetBasis("from targets.csv", "", False)
    official = TargetBasis("from targets.csv", "UP MSME order 12/2021", True)
    derived = TargetBasis(DERIVED_METHOD, "state letter 7", False, DERIVED_BASE, DERIVED_BASE_DATE)
    for basis in (illustrative, official, derived):
        hindi = sections.target_basis_text(basis, "hi")
        assert not re.findall(r"[A-Za-z]{3,}", hindi.replace(basis.source, "")), hindi
        assert sections.target_basis_text(basis, "en").count("illustrative") <= 1
    assert "UP MSME order 12/2021" in sections.target_basis_text(official, "hi")
    assert "state letter 7" in sections.target_basis_text(derived, "en")
    assert "1 March 2011" in sections.target_basis_text(derived, "en")
    assert "लक्ष्य" in sections.target_basis_text(None, "hi")


# ------------------------------------------------------------ phases side by side


def test_phases_side_by_side_in_total_and_per_week() -> None:
    import dataclasses

    from helpers.analysis import comparison
    from helpers.reference import tables as reference

    short = dataclasses.replace(PHASE, id="s", window_start=date(2021, 12, 1), window_end=date(2021, 12, 14),
                                event_districts=("Mathura",), nearby_districts=())
    regs = frame(
        *[record("2021-11-02") for _ in range(6)], record("2021-11-03", home="Mathura", status="first order"),
        record("2021-11-20", home="Etah"),
        *[record("2021-12-02", home="Mathura") for _ in range(3)],
    )
    regs.loc[0, "is_woman"] = True
    regs.loc[8:, "event_district"] = "Mathura"
    table = comparison.phase_comparison(regs, {"t": PHASE, "s": short}, "2021-12-14").set_index("phase_id")
    # phase t: 8 registrations over its whole 4-week window; 1 woman; 1 first order; Mathura (its one nearby) reached
    assert table.loc["t", "registrations_count"] == 8 and table.loc["t", "weeks_elapsed"] == pytest.approx(4.0)
    assert table.loc["t", "registrations_per_week"] == pytest.approx(2.0)
    assert table.loc["t", "women_share_pct"] == pytest.approx(12.5) and table.loc["t", "first_order_pct"] == pytest.approx(12.5)
    assert table.loc["t", "nearby_reached_pct"] == 100.0
    base = reference.district_base().set_index("district")
    # 7 of the 8 live in Agra or Mathura (event and nearby); Etah is neither
    expected_rate = 7 / base.loc[["Agra", "Mathura"], "population_2011"].sum() * 1e5
    assert table.loc["t", "registrations_per_lakh_population"] == pytest.approx(expected_rate)
    # phase s: 3 in its 2 weeks; no nearby districts
    assert table.loc["s", "registrations_per_week"] == pytest.approx(1.5)
    assert pd.isna(table.loc["s", "nearby_reached_pct"])
    weekly = comparison.weekly_by_phase(regs, {"t": PHASE, "s": short}, "2021-12-14")
    assert list(weekly.loc[weekly["phase_id"] == "s", "registered_count"]) == [3, 0]
    assert list(weekly.loc[weekly["phase_id"] == "t", "registered_cumulative_count"]) == [7, 7, 8, 8]


def test_phases_are_compared_at_the_end_of_their_windows_not_later() -> None:
    """A finished phase's first orders after its window are left out, as they must be for a running phase."""
    from helpers.analysis import comparison

    regs = frame(
        record("2021-11-02", status="first order", live="2021-11-05", order="2021-11-20"),  # inside the window
        record("2021-11-03", status="first order", live="2021-11-06", order="2022-01-20"),  # after the window's end
        record("2021-11-04", status="catalogue live", live="2021-12-15"),  # after the window's end
        record("2021-11-05"),
    )
    table = comparison.phase_comparison(regs, {"t": PHASE}, "2022-02-01").set_index("phase_id")
    assert table.loc["t", "measured_as_of_date"] == PHASE.window_end
    # measured on 2021-11-28: 1 first order (the 2022 one is later), 2 catalogues live (the December one is later)
    assert table.loc["t", "first_order_pct"] == pytest.approx(1 / 4 * 100)
    assert table.loc["t", "catalogue_live_pct"] == pytest.approx(2 / 4 * 100)
    running = comparison.phase_comparison(regs, {"t": PHASE}, "2021-11-21").set_index("phase_id")
    assert running.loc["t", "measured_as_of_date"] == date(2021, 11, 21)


@pytest.mark.parametrize("dtype", ["str", object])
def test_status_rank_is_each_status_s_place_in_the_funnel_and_minus_one_for_anything_else(dtype):
    statuses = pd.Series([*STATUSES, "catalogue  live", "", None, "First Order", *reversed(STATUSES)], dtype=dtype,
                         index=range(10, 10 + 2 * len(STATUSES) + 4))
    expected = [*range(len(STATUSES)), -1, -1, -1, -1, *reversed(range(len(STATUSES)))]
    ranks = progress.status_rank(statuses)
    assert ranks.tolist() == expected
    assert ranks.index.equals(statuses.index)
    assert ranks.tolist() == [progress.STATUS_RANK.get(s, -1) if isinstance(s, str) else -1 for s in statuses]
