"""District brief sections: standing (achievement, grade, rank and its change) recomputed from hand-made records."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from PIL import Image

from helpers import plan
from helpers.campaign import phases
from helpers.campaign.targets import TargetBasis, load_grades
from helpers.errors import ParameterError
from helpers.presentation import district_sections as ds

PHASE = phases.get_phase("1")
START = pd.Timestamp(PHASE.window_start).date()
AS_OF = START + timedelta(days=20)
PREVIOUS = AS_OF - timedelta(days=7)
#: district -> (target, registrations up to the previous report, registrations in the week since)
PLAN = {"Agra": (10, 4, 2), "Mathura": (10, 5, 0), "Varanasi": (20, 2, 10)}
BASIS = TargetBasis("from targets.csv", "illustrative (test)", False)


def _records() -> pd.DataFrame:
    rows = []
    for district, (_target, before, during) in PLAN.items():
        rows += [(district, PREVIOUS - timedelta(days=1))] * before + [(district, AS_OF)] * during
    rows.append(("Agra", AS_OF + timedelta(days=1)))  # after the as-of date: never counted
    frame = pd.DataFrame(rows, columns=["home_district", "registration_date"])
    frame["registration_date"] = pd.to_datetime(frame["registration_date"])
    frame["event_district"] = PHASE.event_districts[0]
    frame["onboarding_status"] = "registered"
    frame["trade"] = "artisan"
    return frame


def _targets() -> pd.DataFrame:
    return pd.DataFrame({"phase_id": PHASE.id, "district": list(PLAN), "trade": "all",
                         "target_count": [t for t, _, _ in PLAN.values()], "source": "test", "is_official": False})


def _ranks(achievement: dict[str, float]) -> dict[str, int]:
    """Rank 1 = highest achievement; equal achievements share a rank: 1 + how many are strictly higher."""
    return {d: 1 + sum(other > value for other in achievement.values()) for d, value in achievement.items()}


@pytest.fixture(scope="module")
def grades():
    return load_grades()


@pytest.mark.parametrize("district", list(PLAN))
def test_standing_recomputes_achievement_grade_rank_and_change(district, grades):
    standing = ds.district_standing(_records(), PHASE, district, AS_OF, _targets(), grades)
    target, before, during = PLAN[district]
    now = {d: (b + w) / t * 100 for d, (t, b, w) in PLAN.items()}
    then = {d: b / t * 100 for d, (t, b, w) in PLAN.items()}
    share = ((AS_OF - START).days + 1) / ((pd.Timestamp(PHASE.window_end).date() - START).days + 1)
    assert standing.registrations_count == before + during
    assert standing.new_registrations_count == during
    assert standing.target_count == target
    assert standing.achievement_pct == pytest.approx(now[district])
    assert standing.expected_by_now_count == pytest.approx(target * share)
    assert standing.grade == grades.grade_of((before + during) / (target * share))
    assert standing.rank == _ranks(now)[district]
    assert standing.rank_previous == _ranks(then)[district]
    assert standing.rank_change == _ranks(then)[district] - _ranks(now)[district]
    assert standing.ranked_count == len(PLAN)
    assert standing.previous_date == PREVIOUS


def test_the_hand_made_ranks_are_the_ones_expected(grades):
    """Agra and Varanasi tie at 60% and share rank 1 (no order by name); Mathura drops from first to third."""
    standings = {d: ds.district_standing(_records(), PHASE, d, AS_OF, _targets(), grades) for d in PLAN}
    assert {d: s.rank for d, s in standings.items()} == {"Agra": 1, "Mathura": 3, "Varanasi": 1}
    assert {d: s.rank_change for d, s in standings.items()} == {"Agra": 1, "Mathura": -2, "Varanasi": 2}


def test_the_kept_phase_ranking_follows_changed_registrations_and_targets(grades):
    """District briefs share one phase-wide ranking per inputs: changed rows or targets recompute it."""
    assert ds.district_standing(_records(), PHASE, "Mathura", AS_OF, _targets(), grades).rank == 3
    extra = pd.concat([_records(), _records().query("home_district == 'Mathura'").assign(registration_date=pd.Timestamp(AS_OF))],
                      ignore_index=True)  # Mathura doubles to 10 of 10: first
    assert ds.district_standing(extra, PHASE, "Mathura", AS_OF, _targets(), grades).rank == 1
    assert ds.district_standing(extra, PHASE, "Agra", AS_OF, _targets(), grades).rank == 2
    easier = _targets().assign(target_count=lambda t: t["target_count"].where(t["district"] != "Agra", 1))
    assert ds.district_standing(_records(), PHASE, "Agra", AS_OF, easier, grades).rank == 1
    assert ds.district_standing(_records(), PHASE, "Agra", AS_OF, _targets(), grades).rank == 1  # tie at 60%, by name
    assert ds.district_standing(_records(), PHASE, "Agra", PREVIOUS, _targets(), grades).rank_previous is not None


def test_a_district_without_target_has_counts_but_no_rank(grades):
    records = pd.concat([_records(), _records().assign(home_district="Lucknow").head(3)], ignore_index=True)
    standing = ds.district_standing(records, PHASE, "Lucknow", AS_OF, _targets(), grades)
    assert standing.registrations_count == 3 and not standing.has_target
    assert standing.rank is None and standing.grade is None
    html = ds.progress_section(standing, BASIS, grades, "en", 5)
    assert "No target has been set for Lucknow" in html
    assert ds.card_figures(standing, "en") == [("registrations in the phase", "3")]


def test_progress_section_states_rank_change_and_suppresses_small_new_counts(grades):
    standing = ds.district_standing(_records(), PHASE, "Agra", AS_OF, _targets(), grades)
    html = ds.progress_section(standing, BASIS, grades, "en", 5)
    assert "among the 3 districts of the phase with a target: 1." in html
    assert "up 1 places, from 2." in html
    assert "New registrations in the 7 days before" in html and ": &lt;5." in html  # 2 new: shown as <5
    assert "last report" not in html, "no report was published before: the period is named, not a report"
    since = ds.district_standing(_records(), PHASE, "Agra", AS_OF, _targets(), grades, previous_report=PREVIOUS)
    assert since.previous_date == PREVIOUS and since.is_since_report
    assert "New registrations since the last report (as of" in ds.progress_section(since, BASIS, grades, "en", 5)
    hindi = ds.progress_section(standing, BASIS, grades, "hi", 5)
    assert "आगरा" in hindi and "रैंक में 1 का सुधार, पिछली रैंक 2" in hindi and "Agra" not in hindi
    mathura = ds.district_standing(_records(), PHASE, "Mathura", AS_OF, _targets(), grades)
    assert "down 2 places, from 1." in ds.progress_section(mathura, BASIS, grades, "en", 5)
    assert ds.card_change(mathura, "en", 5) == "In the 7 days before 21 November 2021: down 2 places in rank; 0 new registrations"


def test_figures_are_the_standing_recomputed(grades):
    standing = ds.district_standing(_records(), PHASE, "Varanasi", AS_OF, _targets(), grades)
    figures = {figure: value for district, figure, value in ds.figures(standing) if district == "Varanasi"}
    assert figures["registrations_count"] == 12 and figures["target_count"] == 20
    assert figures["achievement_pct"] == pytest.approx(60.0)
    now = {d: (b + w) / t * 100 for d, (t, b, w) in PLAN.items()}
    then = {d: b / t * 100 for d, (t, b, w) in PLAN.items()}
    assert figures["achievement_rank"] == _ranks(now)["Varanasi"]
    assert figures["achievement_rank_change"] == _ranks(then)["Varanasi"] - _ranks(now)["Varanasi"]


def test_the_as_of_date_is_the_one_decision_of_params(grades):
    from helpers import params
    from helpers.data_facts import read_data_facts

    records = _records()
    latest = (AS_OF + timedelta(days=1))
    assert read_data_facts(records).latest_data_date == latest
    assert params.require_as_of("", latest) == latest
    assert params.require_as_of(AS_OF.isoformat(), latest) == AS_OF
    with pytest.raises(ParameterError, match="YYYY-MM-DD"):
        params.require_as_of("31/12/2021", latest)
    with pytest.raises(ParameterError, match="after the latest date"):
        params.require_as_of((latest + timedelta(days=1)).isoformat(), latest)
    assert "the latest date in the data" in ds.as_of_section(latest, latest, "en")
    earlier = ds.as_of_section(AS_OF, latest, "en")
    assert "the data runs to" in earlier and "latest date in the data" not in earlier


def test_funnel_heading_once_and_suppressed_for_small_stages():
    records = _records()
    records.loc[records.index[:2], "onboarding_status"] = "catalogue live"  # 2 sellers at a stage: too few
    html = ds.funnel_section(records, "Agra", "en", 5, is_synthetic=True)
    assert html.count("<h2>") == 1 and "Too few sellers" in html and "kit-funnel" not in html
    html = ds.funnel_section(records.assign(onboarding_status="registered"), "Agra", "en", 5, is_synthetic=True)
    assert html.count("<h2>") == 1 and html.count('class="kit-funnel"') == 1 and "SYNTHETIC" in html
    heading = html[html.index("<h2>") + 4:html.index("</h2>")]
    assert "<figcaption>Sellers at each onboarding stage, Agra</figcaption>" in html and heading not in html[html.index("</h2>"):]


def test_share_card_written_with_alt_text(tmp_path, grades):
    standing = ds.district_standing(_records(), PHASE, "Agra", AS_OF, _targets(), grades)
    job = plan.plan_report("district_brief", phase=PHASE.id, lang="hi", district="Agra")  # the files the build plans
    card_name, figures_name = (artifact.file_name for artifact in job.artifacts)
    assert (card_name, figures_name) == ("agra.share-card.hi.png", "agra.figures.hi.csv")
    path = tmp_path / card_name
    alt = ds.write_share_card(path, standing, title="आगरा", basis=BASIS, grades=grades, lang="hi",
                              is_synthetic=True, small_count_threshold=5)
    assert Image.open(path).size == (1080, 1350)
    assert (tmp_path / f"{card_name}.alt.txt").read_text(encoding="utf-8").strip() == alt
    assert "60.0%" in alt and "काल्पनिक" in alt and grades.by_code(standing.grade).label("hi") in alt
    assert "<5" in alt  # 2 new registrations are not shown as 2
