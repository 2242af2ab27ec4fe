"""Targets and grades: the targets file, derived targets that sum exactly, grades at their thresholds."""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import paths
from helpers.campaign import targets
from helpers.campaign.phases import PhaseError, get_phase, load_phases
from helpers.errors import TargetsError

HEADER = "phase_id,district,trade,target_count,source,is_official\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ the shipped file


def test_phase_1_targets_are_illustrative_for_every_participating_district() -> None:
    phase = get_phase("1")
    frame, basis = targets.phase_targets(phase)
    assert set(frame["district"]) == set(phase.participating_districts)
    assert (frame["trade"] == "all").all() and not frame["is_official"].any()
    assert (frame["basis"] == "illustrative").all()
    assert basis is not None and basis.kind == "illustrative" and basis.source == ""


def _published_numbers() -> set[int]:
    """Every whole number of 4+ digits in the reference tables (the published figures)."""
    numbers: set[int] = set()
    for path in paths.REFERENCE_DIR.glob("*.csv"):
        numbers |= {int(n) for n in re.findall(r"(?<![\d.])\d{4,}(?![\d.])", path.read_text(encoding="utf-8"))}
    return numbers


def test_phase_1_target_totals_equal_no_published_figure() -> None:
    phase = get_phase("1")
    with targets.TARGETS_FILE.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["phase_id"] == "1"]
    total = sum(int(r["target_count"]) for r in rows)
    event = sum(int(r["target_count"]) for r in rows if r["district"] in phase.event_districts)
    published = _published_numbers()
    assert {4840, 6865, 11705, 28386, 149429} <= published
    assert not {total, event, total - event} & published


def test_a_phase_with_neither_target_has_none() -> None:
    frame, basis = targets.phase_targets(get_phase("2"))
    assert frame.empty and basis is None


# ------------------------------------------------------------ bad targets files


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("1,Xyzpur,all,100,doc,true", "row 3, column district: value 'Xyzpur'"),
        ("1,Mathura,potter,100,doc,true", "row 3, column trade: value 'potter'"),
        ("1,Mathura,all,ten,doc,true", "row 3, column target_count: value 'ten'"),
        ("1,Mathura,all,0,doc,true", "row 3, column target_count: value '0'"),
        ("1,Mathura,all,100,doc,perhaps", "row 3, column is_official: value 'perhaps'"),
        ("1,Mathura,all,100,doc,derived", "row 3, column is_official: value 'derived'"),
        ("1,Mathura,all,100,doc,", "row 3, column is_official: value ''"),
        ("1,Mathura,all,100,,true", "row 3, column source: value ''"),
        ("1,Agra,all,100,doc,true", "row 3, column district: value 'Agra' repeats"),
    ],
)
def test_a_bad_row_gets_one_line_naming_file_row_and_column(tmp_path: Path, row: str, where: str) -> None:
    path = write(tmp_path / "targets.csv", HEADER + "1,Agra,all,100,doc,true\n" + row + "\n")
    with pytest.raises(TargetsError) as caught:
        targets.load_targets("1", path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and where in message


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "targets.csv", "phase_id,district,trade,target_count,source\n1,Agra,all,5,doc\n")
    with pytest.raises(TargetsError, match=r"\['is_official'\] missing"):
        targets.load_targets("1", path)


def test_targets_of_other_phases_are_left_out(tmp_path: Path) -> None:
    path = write(tmp_path / "targets.csv", HEADER + "1,Agra,all,100,doc,true\n2,Agra,weaver,30,,false\n")
    frame = targets.load_targets("2", path)
    assert frame.to_dict("records") == [
        {"phase_id": "2", "district": "Agra", "trade": "all", "target_count": 30, "source": "",
         "is_official": False, "basis": "illustrative"},  # per-trade targets only: the district's target is their sum
        {"phase_id": "2", "district": "Agra", "trade": "weaver", "target_count": 30, "source": "",
         "is_official": False, "basis": "illustrative"}
    ]


def test_the_basis_kind_and_its_source(tmp_path: Path) -> None:
    rows = "1,Agra,all,100,UP MSME order 12/2021,true\n1,Mathura,all,50,UP MSME order 12/2021,true\n"
    _, basis = targets.phase_targets(get_phase("1"), write(tmp_path / "official.csv", HEADER + rows))
    assert basis is not None and basis.kind == "official" and basis.source == "UP MSME order 12/2021"
    mixed = rows.replace("50,UP MSME order 12/2021,true", "50,kit demo,false")
    _, basis = targets.phase_targets(get_phase("1"), write(tmp_path / "mixed.csv", HEADER + mixed))
    assert basis is not None and basis.kind == "illustrative" and basis.source == ""
    assert set(targets.TARGET_BASIS_KINDS) == {"official", "illustrative", "derived"}


# ------------------------------------------------------------ derived targets


def test_largest_remainder_by_hand() -> None:
    base = pd.Series({"A": 5.0, "B": 3.0, "C": 2.0})
    # quotas 3.5, 2.1, 1.4: whole parts 3 + 2 + 1 = 6, the one left goes to A (0.5 the largest)
    assert targets.derive_district_targets(7, base).to_dict() == {"A": 4, "B": 2, "C": 1}
    # equal fractions: the unit left goes by name, A first
    assert targets.derive_district_targets(10, pd.Series({"B": 1, "A": 1, "C": 1})).to_dict() == {"B": 3, "A": 4, "C": 3}


def test_a_district_without_base_gets_no_target() -> None:
    allocated = targets.derive_district_targets(9, pd.Series({"A": 1.0, "Hapur": float("nan"), "B": 2.0}))
    assert allocated["Hapur"] is pd.NA and allocated.sum() == 9
    assert allocated.dropna().to_dict() == {"A": 3, "B": 6}


@settings(max_examples=200, deadline=None)
@given(
    state_target=st.integers(min_value=0, max_value=2_000_000),
    base=st.lists(st.integers(min_value=0, max_value=500_000), min_size=1, max_size=80).filter(lambda b: sum(b) > 0),
)
def test_derived_targets_sum_exactly_to_the_state_target(state_target: int, base: list[int]) -> None:
    series = pd.Series(base, index=[f"d{i:02d}" for i in range(len(base))], dtype=float)
    allocated = targets.derive_district_targets(state_target, series)
    assert int(allocated.sum()) == state_target
    quotas = series / series.sum() * state_target
    for district, share in quotas.items():
        assert math.floor(share) <= allocated[district] <= math.floor(share) + 1


def test_an_empty_base_is_refused() -> None:
    with pytest.raises(TargetsError):
        targets.derive_district_targets(10, pd.Series({"A": 0.0, "B": float("nan")}))


def test_a_state_target_is_allocated_over_the_census_base_and_labelled_derived(tmp_path: Path) -> None:
    phase = dataclasses.replace(get_phase("2"), state_target_count=6001, state_target_source="a test letter")
    frame, basis = targets.phase_targets(phase, write(tmp_path / "targets.csv", HEADER))
    assert basis is not None and basis.is_derived and not basis.is_official and basis.kind == "derived"
    assert (frame["basis"] == "derived").all() and basis.source == "a test letter"
    assert "derived, not official" in basis.method and "Census 2011" in basis.base and basis.base_date
    assert int(frame["target_count"].sum()) == 6001
    with (paths.REFERENCE_DIR / "census2011_up_districts.csv").open(encoding="utf-8") as handle:
        workers = {r["census2011_name"]: int(r["household_industry_workers"]) for r in csv.DictReader(handle)}
    varanasi = int(frame.set_index("district").loc["Varanasi", "target_count"])
    assert abs(varanasi - 6001 * workers["Varanasi"] / sum(workers.values())) < 1
    assert not {"Amethi", "Hapur", "Sambhal", "Shamli"} & set(frame["district"])


def test_phases_file_reads_an_optional_state_target(tmp_path: Path) -> None:
    document = yaml.safe_load(paths.PHASES_FILE.read_text(encoding="utf-8"))
    document["phases"][1]["state_target_count"] = 5000
    document["phases"][1]["state_target_source"] = "test order"
    path = write(tmp_path / "phases.yaml", yaml.safe_dump(document, allow_unicode=True))
    phase = load_phases(path)["2"]
    assert (phase.state_target_count, phase.state_target_source) == (5000, "test order")
    assert load_phases(path)["1"].state_target_count is None
    del document["phases"][1]["state_target_source"]
    with pytest.raises(PhaseError, match="state_target_source"):
        load_phases(write(tmp_path / "phases2.yaml", yaml.safe_dump(document, allow_unicode=True)))


# ------------------------------------------------------------------- grades


def test_grades_at_their_thresholds_read_from_the_file() -> None:
    document = yaml.safe_load(targets.GRADES_FILE.read_text(encoding="utf-8"))
    grades = targets.load_grades()
    codes = [g["code"] for g in document["grades"]]
    for index, raw in enumerate(document["grades"]):
        assert grades.grade_of(raw["min_ratio"]) == raw["code"]
        if index > 0:
            assert grades.grade_of(raw["min_ratio"] + 0.999 * (document["grades"][index - 1]["min_ratio"] - raw["min_ratio"])) == raw["code"]
            assert grades.grade_of(document["grades"][index - 1]["min_ratio"] - 1e-9) == raw["code"]
    assert grades.grade_of(0.0) == codes[-1] and grades.grade_of(5.0) == codes[0]
    assert grades.grade_of(float("nan")) is None and grades.by_code(None).label_en == document["not_graded"]["label_en"]


def test_the_shipped_thresholds_are_90_and_60_percent() -> None:
    grades = targets.load_grades()
    assert [grades.grade_of(r) for r in (0.9, 0.8999, 0.6, 0.5999)] == ["on_track", "behind", "behind", "far_behind"]


def test_the_legend_is_written_from_the_file() -> None:
    document = yaml.safe_load(targets.GRADES_FILE.read_text(encoding="utf-8"))
    for lang in ("en", "hi"):
        legend = targets.grade_legend(targets.load_grades(), lang)
        expected = [f"{g[f'label_{lang}']}: {g[f'description_{lang}']}" for g in document["grades"]]
        assert legend[:-1] == expected and legend[-1].startswith(document["not_graded"][f"label_{lang}"])


def test_thresholds_out_of_order_are_refused(tmp_path: Path) -> None:
    document = yaml.safe_load(targets.GRADES_FILE.read_text(encoding="utf-8"))
    document["grades"][1]["min_ratio"] = 0.95
    path = write(tmp_path / "grades.yaml", yaml.safe_dump(document, allow_unicode=True))
    with pytest.raises(TargetsError, match="grade 'behind' has min_ratio 0.95, not below 'on_track'"):
        targets.load_grades(path)


@pytest.mark.parametrize(("value", "message"), [
    (90, r"grades\[1\]\.min_ratio: 90 looks like a percent; write it as a fraction: 0\.9 for 90%"),
    ("0.9", r"'0\.9' is not a number"),
    (-0.1, "is negative"),
    (True, "'True' is not a number"),
])
def test_a_threshold_that_is_not_a_fraction_is_refused_with_the_fraction_to_write(
    tmp_path: Path, value: object, message: str
) -> None:
    document = yaml.safe_load(targets.GRADES_FILE.read_text(encoding="utf-8"))
    document["grades"][0]["min_ratio"] = value
    path = write(tmp_path / "grades.yaml", yaml.safe_dump(document, allow_unicode=True))
    with pytest.raises(TargetsError, match=message) as caught:
        targets.load_grades(path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(str(path))


def test_percent_thresholds_written_in_order_are_refused_not_read_as_far_behind(tmp_path: Path) -> None:
    document = yaml.safe_load(targets.GRADES_FILE.read_text(encoding="utf-8"))
    for grade, percent in zip(document["grades"], (90, 60, 0)):
        grade["min_ratio"] = percent
    path = write(tmp_path / "grades.yaml", yaml.safe_dump(document, allow_unicode=True))
    with pytest.raises(TargetsError, match="0.9 for 90%"):
        targets.load_grades(path)


def test_targets_per_trade_only_are_summed_into_the_district_target(tmp_path: Path) -> None:
    rows = "1,Agra,weaver,30,,false\n1,Agra,artisan,45,,false\n1,Mathura,all,10,,false\n1,Mathura,weaver,4,,false\n"
    frame = targets.load_targets("1", write(tmp_path / "targets.csv", HEADER + rows))
    totals = frame[frame["trade"] == "all"].set_index("district")["target_count"].to_dict()
    assert totals == {"Agra": 30 + 45, "Mathura": 10}, "a given 'all' target is kept; per-trade only: summed"


def test_per_trade_targets_above_the_district_target_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "targets.csv", HEADER + "1,Agra,all,50,,false\n1,Agra,weaver,40,,false\n1,Agra,artisan,20,,false\n")
    with pytest.raises(TargetsError, match="add up to 60, more than its target for all trades \\(50\\)"):
        targets.load_targets("1", path)


@pytest.mark.parametrize(("count", "expected"), [("1,200", 1200), ("1,20,000", 120000), ("२५०", 250), (" 75 ", 75)])
def test_counts_are_read_as_people_type_them(tmp_path: Path, count: str, expected: int) -> None:
    path = write(tmp_path / "targets.csv", HEADER + f'1,Agra,all,"{count}",,false\n')
    assert targets.load_targets("1", path)["target_count"].tolist() == [expected]


@pytest.mark.parametrize("count", ["250¹", "250*", "250 (a)", "12.5", "-3", "0", "1,2,3", "lots"])
def test_a_value_that_is_not_a_count_is_refused_by_its_row(tmp_path: Path, count: str) -> None:
    path = write(tmp_path / "targets.csv", HEADER + "1,Mathura,all,10,,false\n" + f'1,Agra,all,"{count}",,false\n')
    with pytest.raises(TargetsError, match=r"row 3, column target_count: value .* is not a count") as caught:
        targets.load_targets("1", path)
    assert "\n" not in str(caught.value)


def test_a_file_saved_by_excel_in_the_windows_code_page_is_read(tmp_path: Path) -> None:
    text = HEADER + "1,Agra,all,100,Order n° 12 – Directorate,true\n"
    path = tmp_path / "targets.csv"
    path.write_bytes(text.encode("cp1252"))
    assert targets.load_targets("1", path)["source"].tolist() == ["Order n° 12 – Directorate"]


def test_an_unquoted_comma_in_a_note_names_the_row(tmp_path: Path) -> None:
    path = write(tmp_path / "targets.csv", HEADER + "1,Agra,all,100,order 12, dated 2021,true\n")
    with pytest.raises(TargetsError, match="row 2: 7 values for 6 columns; put quotes"):
        targets.load_targets("1", path)


@pytest.mark.parametrize(("column", "row", "hint"), [
    ("phase_id", "phase-1,Agra,all,100,,false", "did you mean '1'?"),
    ("phase_id", "9,Agra,all,100,,false", "valid: 1, 2"),
    ("district", "1,Varansi,all,100,,false", "did you mean 'Varanasi'"),
])
def test_a_key_that_matches_no_phase_or_district_is_refused_with_the_closest(
    tmp_path: Path, column: str, row: str, hint: str
) -> None:
    path = write(tmp_path / "targets.csv", HEADER + row + "\n")
    with pytest.raises(TargetsError, match=f"row 2, column {column}") as caught:
        targets.load_targets("1", path)
    assert hint in str(caught.value)
