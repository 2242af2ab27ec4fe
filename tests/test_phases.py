"""Campaign phases are data: phase 1 from the source, phase 2 illustrative, new phases by editing the file."""

from __future__ import annotations

import csv
import re
from datetime import date
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


GOOD_PHASE = {"id": "x", "title": "t", "status": "illustrative", "source": "s",
              "window": {"start": "2024-01-01", "end": "2024-01-02"}, "event_districts": "all"}


def phases_text(start: str = "2024-01-01", phase_id: str = '"x"') -> str:
    """A phases file as a person writes it: dates unquoted (YAML reads them as dates)."""
    return (
        "# phases\n"
        "phases:\n"
        f"  - id: {phase_id}\n"
        "    title: \"Phase x: कानपुर\"\n"
        "    status: illustrative\n"
        "    source: test\n"
        "    window:\n"
        f"      start: {start}\n"
        "      end: 2024-03-31\n"
        "    event_districts: all\n"
    )


def load_one_line_error(path: Path) -> str:
    """The message of the ``PhaseError`` that loading ``path`` raises; it must be one line naming the file."""
    with pytest.raises(PhaseError) as caught:
        load_phases(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)), message
    return message


def test_a_well_written_file_with_unquoted_dates_loads(tmp_path: Path) -> None:
    path = tmp_path / "phases.yaml"
    path.write_text(phases_text(), encoding="utf-8")
    assert load_phases(path)["x"].window_start == date(2024, 1, 1)


def test_an_impossible_date_names_the_file_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "phases.yaml"
    path.write_text(phases_text(start="2022-02-30"), encoding="utf-8")
    line = phases_text(start="2022-02-30").splitlines().index("      start: 2022-02-30") + 1
    assert load_one_line_error(path) == (f"{path}, line {line}: '2022-02-30' is not a real date; "
                                         "write a date that exists, as YYYY-MM-DD (e.g. 2022-02-28)")


def test_an_impossible_quoted_date_names_the_file_and_the_phase(tmp_path: Path) -> None:
    path = write_phases(tmp_path, [{**GOOD_PHASE, "window": {"start": "2022-02-30", "end": "2022-03-01"}}])
    assert "phase 'x', window.start: '2022-02-30' is not a date" in load_one_line_error(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_file_saved_as_utf16_says_to_resave_it_as_utf8(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "phases.yaml"
    path.write_bytes(phases_text().encode(encoding))
    message = load_one_line_error(path)
    assert "is saved as UTF-16" in message and "save it with the encoding 'UTF-8'" in message


def test_a_file_saved_as_ansi_names_the_first_line_that_is_not_utf8(tmp_path: Path) -> None:
    text = phases_text().replace("title: \"Phase x: कानपुर\"", "title: \"Phase x: café\"")
    path = tmp_path / "phases.yaml"
    path.write_bytes(text.encode("cp1252"))
    line = text.splitlines().index('    title: "Phase x: café"') + 1
    message = load_one_line_error(path)
    assert message.startswith(f"{path}, line {line}: is not UTF-8 text") and "'UTF-8'" in message


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = phases_text().replace("    source: test\n", "    source: [test\n")
    path = tmp_path / "phases.yaml"
    path.write_text(text, encoding="utf-8")
    message = load_one_line_error(path)
    match = re.match(rf"{re.escape(str(path))}, line (\d+): not valid YAML \(.+\); fix the indentation or quoting", message)
    assert match is not None, message
    source_line = text.splitlines().index("    source: [test") + 1
    assert source_line <= int(match.group(1)) <= source_line + 4


@pytest.mark.parametrize("phase_id", ["../x", "../../etc", "a/b", "a b", "x.y", "", "फेज़"])
def test_a_phase_id_that_could_leave_reports_is_refused(tmp_path: Path, phase_id: str) -> None:
    message = load_one_line_error(write_phases(tmp_path, [{**GOOD_PHASE, "id": phase_id}]))
    assert "the id may hold only letters, digits, '-' and '_'" in message


@pytest.mark.parametrize("phase_id", ["3", "bundelkhand-2024", "Phase_2b"])
def test_ids_of_letters_digits_dashes_and_underscores_are_accepted(tmp_path: Path, phase_id: str) -> None:
    assert list(load_phases(write_phases(tmp_path, [{**GOOD_PHASE, "id": phase_id}]))) == [phase_id]


def test_every_declared_phase_id_is_a_safe_folder_name() -> None:
    for phase_id in load_phases():
        assert re.fullmatch(r"[A-Za-z0-9_-]+", phase_id)
        folder = (paths.ROOT / "reports" / f"phase-{phase_id}").resolve()
        assert folder.parent == (paths.ROOT / "reports").resolve()
