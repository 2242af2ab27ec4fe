"""The one-page summary: its sentences recomputed from small hand-made figures (leader, furthest behind, change)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from helpers.analysis.ranking import PeriodChange, delta_ranking
from helpers.campaign.targets import TargetBasis, load_grades
from helpers.presentation import summary


def _progress(achievements: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({
        "district": list(achievements), "trade": "all", "registrations_count": [int(a) for a in achievements.values()],
        "target_count": 100, "achievement_pct": list(achievements.values()),
    })


def _change(now: dict[str, float], before: dict[str, float], new: int, grade_changes: int = 0,
            is_since_report: bool = True) -> PeriodChange:
    changes = pd.DataFrame({"district": ["Agra"] * grade_changes, "grade_previous": "behind", "grade": "on_track"})
    return PeriodChange(date(2021, 12, 31), date(2021, 12, 24), new, {"registered": new}, changes,
                        delta_ranking(_progress(now), _progress(before)), is_since_report=is_since_report, period_days=7)


def test_the_leader_and_the_furthest_behind_are_the_highest_and_lowest_achievement() -> None:
    progress = _progress({"Agra": 40.0, "Varanasi": 75.5, "Bhadohi": 12.25, "Mau": 75.5})
    leader, behind = summary.leader_and_furthest_behind(progress)
    assert leader["district"] == "Mau" and behind["district"] == "Bhadohi"  # tie at 75.5 goes to the name first A to Z
    sentence = summary.leader_sentence(progress, pd.DataFrame(), "en")
    assert sentence == "Mau leads with 75.5% of its target; Bhadohi is furthest behind with 12.2%."


def test_the_change_names_the_new_registrations_the_grade_changes_and_the_most_improved() -> None:
    change = _change({"Agra": 30.0, "Mau": 50.0}, {"Agra": 10.0, "Mau": 45.0}, new=25, grade_changes=1)
    sentence = summary.change_sentence(change, "en")
    assert sentence == ("Since the last report, as of 24 December 2021: 25 new registrations; "
                        "1 districts changed grade and Agra improved most (20.0 points of its target).")
    first = _change({"Agra": 30.0, "Mau": 50.0}, {"Agra": 10.0, "Mau": 45.0}, new=25, is_since_report=False)
    assert summary.change_sentence(first, "en").startswith("In the 7 days before 31 December 2021: 25 new registrations")
    assert "last report" not in summary.change_sentence(first, "en"), "no report before: the period is named, not a report"
    assert summary.change_sentence(first, "hi").startswith("31 दिसंबर 2021 से पहले के 7 दिनों में")
    flat = _change({"Agra": 30.0, "Mau": 50.0}, {"Agra": 30.0, "Mau": 50.0}, new=0)
    assert "no district's achievement rose" in summary.change_sentence(flat, "en")


def _phase_inputs():
    """Grades, two districts' progress, the phase totals and the change: 100 of 200, 1 on track, 1 far behind."""
    totals = {"registrations_count": 100, "target_count": 200, "achievement_pct": 50.0, "expected_by_now_count": 120.4,
              "districts_on_track_count": 1, "districts_behind_count": 0, "districts_far_behind_count": 1,
              "districts_not_graded_count": 0}
    change = _change({"Agra": 80.0, "Mau": 20.0}, {"Agra": 70.0, "Mau": 20.0}, new=10)
    return load_grades(), _progress({"Agra": 80.0, "Mau": 20.0}), totals, change


def test_the_summary_has_three_to_five_sentences_four_figures_and_the_phase_totals() -> None:
    grades, progress, totals, change = _phase_inputs()
    basis = TargetBasis("from targets.csv", "illustrative", False)
    for lang in ("en", "hi"):
        result = summary.phase_summary(totals=totals, progress=progress, coverage=pd.DataFrame(), key={}, change=change,
                                       grades=grades, basis=basis, phase_id="1", is_synthetic=False,
                                       as_reported_count=0, lang=lang)
        assert 3 <= len(result.sentences) <= 5 and len(result.key_figures) == 4
        assert result.headline_change in result.sentences
    first = summary.phase_summary(totals=totals, progress=progress, coverage=pd.DataFrame(), key={}, change=change,
                                  grades=grades, basis=basis, phase_id="1", is_synthetic=False,
                                  as_reported_count=0, lang="en")
    assert first.sentences[0] == ("As of 31 December 2021, phase 1 has reached 50.0% of its target (illustrative; 100 of 200 "
                                  "registrations, 120 expected by now), with 1 on track, 0 behind and 1 far behind districts.")
    assert [f.value for f in first.key_figures] == ["100", "50.0%", "1", "10"]
    assert first.sentences[-1] == "The targets are illustrative, not department targets."


def test_every_target_figure_of_the_summary_carries_the_targets_basis_even_on_synthetic_data() -> None:
    """Achievement and districts on track depend on the target: their labels and the status sentence say what it is."""
    grades, progress, totals, change = _phase_inputs()
    cases = [(TargetBasis("from targets.csv", "illustrative", False), {"en": "illustrative", "hi": "उदाहरण मात्र"}),
             (TargetBasis("m", "s", False, base="b", base_date="2011-03-01"),
              {"en": "derived, not official", "hi": "व्युत्पन्न, आधिकारिक नहीं"})]
    for basis, words in cases:
        for lang, word in words.items():
            result = summary.phase_summary(totals=totals, progress=progress, coverage=pd.DataFrame(), key={},
                                           change=change, grades=grades, basis=basis, phase_id="1", is_synthetic=True,
                                           as_reported_count=0, lang=lang)
            assert word in result.sentences[0]  # the synthetic caveat takes the last sentence: the label stays
            achievement, on_track = result.key_figures[1], result.key_figures[2]
            assert word in achievement.label and word in on_track.label
            assert word not in result.key_figures[0].label  # a count of registrations depends on no target


def test_one_caveat_the_most_important_that_applies() -> None:
    derived = TargetBasis("m", "s", False, base="b", base_date="2011-03-01")
    official = TargetBasis("from targets.csv", "order", True)
    assert "synthetic" in summary.caveat_sentence(is_synthetic=True, basis=derived, as_reported_count=3, lang="en")
    assert "derived" in summary.caveat_sentence(is_synthetic=False, basis=derived, as_reported_count=3, lang="en")
    assert "3 sellers" in summary.caveat_sentence(is_synthetic=False, basis=official, as_reported_count=3, lang="en")


def test_the_as_of_sentence_says_whether_the_date_is_the_latest() -> None:
    assert "the latest date in the data" in summary.as_of_text(date(2022, 1, 5), date(2022, 1, 5), "en")
    later = summary.as_of_text(date(2021, 12, 31), date(2022, 1, 5), "en")
    assert "31 December 2021" in later and "5 January 2022" in later
