"""Shared fixtures: one full build of a temporary copy of the project, made once per session.

See ``support.py`` for how the copy is made: the end-to-end tests never write
into the checkout's ``reports/`` or ``data/processed/``.
"""

from __future__ import annotations

import json

import pytest

from hostile_sheets import plant_hostile_folder
from support import Build, make_workspace, plant_field_sheet, run_cli


@pytest.fixture(scope="session")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Every phase, English and Hindi, district briefs of the event districts: built once per session.

    Besides the shipped demo data, the raw data holds a hand-typed field sheet full
    of personal data, markup and a formula (``support.plant_field_sheet``) and the
    leak harness's folder of invented personal data by every road
    (``hostile_sheets.plant_hostile_folder``), so every test of the build also runs
    on hostile input, and the leak harness searches this build rather than a second one.
    """
    workspace = make_workspace(tmp_path_factory.mktemp("kit"))
    plant_field_sheet(workspace)
    plant_hostile_folder(workspace / "data" / "raw" / "registrations" / "hostile")
    process = run_cli(workspace, "build", "--lang", "all")
    summary_path = workspace / "reports" / "build.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    return Build(workspace, process, summary)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test of the session's full build runs notebooks: it is marked ``notebooks`` whatever its module says,
    so the fast suite (``make test-fast``: ``-m "not notebooks and not browser"``) never starts that build."""
    for item in items:
        if "full_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.notebooks)
