"""Every campaign file and option is checked before any notebook runs: one line, exit 2, nothing built.

Each case writes one wrong or hostile file (or option) into a copy of the project and runs
``gem-reports build`` on it as a user would. The build must stop with exit code 2 and one line
naming the file and the fix, print no traceback, and run no notebook (nothing in ``reports/``
or ``data/processed/executed/``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers import paths
from support import run_cli

ALIAS_BOMB = "\n".join(
    ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    + ["phases: *l9", ""]
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The notebooks and campaign and reference files, copied once (no registrations: nothing may run)."""
    root = tmp_path_factory.mktemp("pristine")
    shutil.copytree(paths.ROOT / "notebooks", root / "notebooks")
    for folder in ("campaign", "reference"):
        shutil.copytree(paths.RAW_DIR / folder, root / "data" / "raw" / folder)
    (root / "data" / "raw" / "registrations").mkdir()
    return root


@pytest.fixture()
def workspace(pristine: Path, tmp_path: Path) -> Path:
    root = tmp_path / "kit"
    shutil.copytree(pristine, root)
    return root


def campaign(root: Path, name: str) -> Path:
    return root / "data" / "raw" / "campaign" / name


def edit_phases(root: Path, change) -> None:
    path = campaign(root, "phases.yaml")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document["phases"])
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit_grades(root: Path, change) -> None:
    path = campaign(root, "grades.yaml")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def append_target(root: Path, line: str, encoding: str = "utf-8") -> None:
    path = campaign(root, "targets.csv")
    path.write_bytes(path.read_bytes() + line.encode(encoding) + b"\n")


def _quoted_false(phases: list) -> None:
    phases[0]["include_neighbours"] = "false"


def _long_id(phases: list) -> None:
    phases[0]["id"] = "phase-one-of-the-campaign-in-the-main-districts"


def _percent_grades(document: dict) -> None:
    for grade, percent in zip(document["grades"], (90, 60, 0)):
        grade["min_ratio"] = percent


def _write(name: str, text: str, encoding: str = "utf-8"):
    return lambda root: campaign(root, name).write_bytes(text.encode(encoding))


CASES = {
    "alias bomb in phases.yaml": (_write("phases.yaml", ALIAS_BOMB), [], "more than 50 YAML aliases"),
    "a quoted false": (lambda root: edit_phases(root, _quoted_false), [],
                       "include_neighbours: 'false' must be true or false, written without quotes"),
    "a phase id too long for a file name": (lambda root: edit_phases(root, _long_id), [], "at most 24 characters"),
    "grade thresholds as percents": (lambda root: edit_grades(root, _percent_grades), [], "0.9 for 90%"),
    "a footnote mark on a target": (lambda root: append_target(root, "2,Agra,weaver,250¹,,false"), [],
                                    "column target_count: value '250¹' is not a count"),
    "targets keyed by the phase's folder name": (lambda root: append_target(root, "phase-2,Agra,all,250,,false"), [],
                                                 "did you mean '2'?"),
    "targets saved in the Windows code page": (lambda root: append_target(root, "2,Agra,all,25O,Lettre n° 4,false",
                                                                          "cp1252"), [], "value '25O' is not a count"),
    "an unknown district in targets": (lambda root: append_target(root, "2,Barabanki Dist.,all,25,,false"), [],
                                       "did you mean 'Barabanki'"),
    "--as-of in the future": (None, ["--as-of", "2099-01-01"], "--as-of 2099-01-01 is in the future"),
    "--as-of before a phase began": (None, ["--as-of", "2022-01-01"], "phase 2 began on 2023-08-01"),
    "a boundary file of the wrong shape": (lambda root: (root / "b.json").write_text('{"type": "FeatureCollection", '
                                           '"features": [{"geometry": {"type": "Polygon", "coordinates": "x"}}]}'),
                                           ["--boundary", "b.json"], "--boundary b.json: a geometry cannot be read"),
    "a boundary file that is a list": (lambda root: (root / "b.json").write_text("[1, 2]"), ["--boundary", "b.json"],
                                       "not a GeoJSON FeatureCollection"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_wrong_campaign_file_or_option_is_one_line_and_exit_2_with_no_notebook_run(workspace: Path, case: str) -> None:
    damage, options, expected = CASES[case]
    if damage is not None:
        damage(workspace)
    process = run_cli(workspace, "build", "--no-pdf", *options, timeout=120)
    message = process.stderr.strip()
    assert process.returncode == 2, process.stdout + process.stderr
    assert expected in message, message
    assert "\n" not in message and "Traceback" not in message and "internal error" not in message
    assert not list((workspace / "reports").rglob("*.html")) if (workspace / "reports").exists() else True
    assert not (workspace / "data" / "processed" / "executed").exists(), "no notebook ran"
