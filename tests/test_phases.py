"""Campaign phases are data: phase 1 from the source, phase 2 illustrative, new phases by editing the file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from helpers import paths
from helpers.campaign.phases import PhaseError, get_phase, load_phases

SOURCE_EVENT_DISTRICTS = {
    "Mirzapur", "Bhadohi", "Varanasi", "Gorakhpur", "Lucknow", "Kanpur Nagar", "Kannauj",
    "Agra", "Aligarh", "Moradabad", "Meerut", "Gautam Buddha Nagar",
}


def test_phase_1_has_the_12_places_of_the_source_and_the_10_or_12_discrepancy() -> None:
    phase = get_phase("1")
    assert set(phase.event_districts) == SOURCE_EVENT_DISTRICTS
    assert [loc.name_en for loc in phase.event_locations][-1] == "Greater Noida"
    assert phase.announced_district_count == 10 and phase.named_location_count == 12
    assert phase.has_count_discrepancy and phase.is_window_assumed and not phase.is_illustrative
    assert any("10 main districts" in note for note in phase.notes)


def test_phase_1_event_flags_match_the_districts_master() -> None:
    with (paths.REFERENCE_DIR / "up_districts_master.csv").open(encoding="utf-8") as handle:
        flagged = {r["name_common"] for r in csv.DictReader(handle) if r["seed_gem_event_district"] == "1"}
    assert flagged == set(get_phase("1").event_districts)


def test_nearby_districts_are_the_neighbours_of_event_districts() -> None:
    with (paths.REFERENCE_DIR / "up_district_centroids_adjacency.csv").open(encoding="utf-8") as handle:
        neighbours = {r["district"]: set(filter(None, r["neighbours_in_UP"].split(";"))) for r in csv.DictReader(handle)}
    expected = set().union(*(neighbours[d] for d in SOURCE_EVENT_DISTRICTS)) - SOURCE_EVENT_DISTRICTS
    assert set(get_phase("1").nearby_districts) == expected
    assert "Chandauli" in expected and "Lalitpur" not in expected


def test_phase_2_is_illustrative_and_statewide() -> None:
    phase = get_phase(2)
    assert phase.is_illustrative and len(phase.event_districts) == 75 and phase.nearby_districts == ()


def test_unknown_phase_names_the_valid_ones() -> None:
    with pytest.raises(PhaseError, match=r"phase '7' is not in .*valid phases: 1, 2"):
        get_phase("7")


def write_phases(tmp_path: Path, phases: list[dict]) -> Path:
    path = tmp_path / "phases.yaml"
    path.write_text(yaml.safe_dump({"phases": phases}, allow_unicode=True), encoding="utf-8")
    return path


def test_a_new_phase_needs_only_an_entry_in_the_file(tmp_path: Path) -> None:
    document = yaml.safe_load(paths.PHASES_FILE.read_text(encoding="utf-8"))
    document["phases"].append(
        {
            "id": "3",
            "title": "Phase 3: Bundelkhand",
            "status": "illustrative",
            "source": "test",
            "window": {"start": "2024-01-01", "end": "2024-01-31"},
            "event_locations": [{"name_in_source": "झांसी", "name_en": "Jhansi", "district": "Jhansi"}],
            "include_neighbours": True,
        }
    )
    phases = load_phases(write_phases(tmp_path, document["phases"]))
    assert list(phases) == ["1", "2", "3"]
    assert phases["3"].event_districts == ("Jhansi",)
    assert "Lalitpur" in phases["3"].nearby_districts


@pytest.mark.parametrize(
    ("phase", "message"),
    [
        ({"id": "x", "title": "t", "status": "official", "source": "s", "window": {"start": "2024-01-01", "end": "2024-01-02"}, "event_districts": "all"}, "status 'official'"),
        ({"id": "x", "title": "t", "status": "illustrative", "source": "s", "window": {"start": "2024-13-01", "end": "2024-01-02"}, "event_districts": "all"}, "is not a date"),
        ({"id": "x", "title": "t", "status": "illustrative", "source": "s", "window": {"start": "2024-02-01", "end": "2024-01-02"}, "event_districts": "all"}, "ends"),
        ({"id": "x", "title": "t", "status": "illustrative", "source": "s", "window": {"start": "2024-01-01", "end": "2024-01-02"},
          "event_locations": [{"name_in_source": "Patna", "name_en": "Patna", "district": "Patna"}]}, "not districts of UP"),
        ({"id": "x", "title": "t", "status": "illustrative", "source": "s"}, "missing 'window'"),
    ],
)
def test_malformed_phases_give_one_line_saying_what_to_fix(tmp_path: Path, phase: dict, message: str) -> None:
    with pytest.raises(PhaseError, match=message) as error:
        load_phases(write_phases(tmp_path, [phase]))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("phase", "message"),
    [
        ({"id": "x", "title": "t", "status": "illustrative", "source": "s", "windw": {}, "window": {"start": "2024-01-01", "end": "2024-01-02"},
          "event_districts": "all"}, r"unknown key\(s\) \['windw'\]"),
        ({"id": "x", "title": "t", "status": "illustrative", "source": "s", "window": {"start": "2024-01-01", "end": "2024-01-02"},
          "event_districts": "all", "announced_district_count": "ten"}, "must be a whole number"),
        ({"id": "x", "title": "t", "status": "illustrative", "source": "s", "window": {"start": "2024-01-01", "end": "2024-01-02"},
          "event_locations": [{"name": "Agra", "district": "Agra"}]}, "needs name_in_source, name_en and district"),
        ({"id": "x", "title": "t", "status": "illustrative", "source": "s", "window": "2024"}, "window must have start and end"),
    ],
)
def test_typos_in_the_phases_file_name_the_key(tmp_path: Path, phase: dict, message: str) -> None:
    with pytest.raises(PhaseError, match=message):
        load_phases(write_phases(tmp_path, [phase]))


def test_phase_errors_show_as_one_line_in_jupyter() -> None:
    error = PhaseError("phases.yaml, phase '3': missing 'window'")
    assert error._render_traceback_() == ["PhaseError: phases.yaml, phase '3': missing 'window'"]
