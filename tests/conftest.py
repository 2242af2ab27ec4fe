"""Shared fixtures: one full build of a temporary copy of the project, made once per session.

See ``support.py`` for how the copy is made: the end-to-end tests never write
into the checkout's ``reports/`` or ``data/processed/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from filelock import FileLock

from hostile_sheets import plant_hostile_folder
from support import GEM_REPORTS, Build, kit_env, make_workspace, plant_field_sheet


#: The fixtures that stand for the session's full build (``reports_dir`` asks for it at run time).
FULL_BUILD_FIXTURES = {"full_build", "reports_dir"}
#: How long a test waits for the full build to finish.
FULL_BUILD_TIMEOUT_S = 1800


def _shared_folder(factory: pytest.TempPathFactory) -> Path:
    """This test run's temporary folder that every pytest-xdist worker (or the one process) sees."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def start_full_build(shared: Path) -> None:
    """Start the full build in the background, once per test run (a file lock across workers).

    It runs while the tests that do not need it run; ``full_build`` waits for it. A shell writes
    the build's exit code to ``full-build.rc`` when it ends, whichever worker started it.
    """
    with FileLock(str(shared / "full_build.lock")):
        if (shared / "full-build.started").exists():
            return
        workspace = make_workspace(shared / "full-build-kit")
        plant_field_sheet(workspace)
        plant_hostile_folder(workspace / "data" / "raw" / "registrations" / "hostile")
        script = '"$0" "$@" > "$GEM_TEST_OUT.stdout" 2> "$GEM_TEST_OUT.stderr"; echo $? > "$GEM_TEST_OUT.rc"'
        environment = {**kit_env(workspace), "GEM_TEST_OUT": str(shared / "full-build")}
        subprocess.Popen(["sh", "-c", script, GEM_REPORTS, "build", "--lang", "all"], cwd=workspace, env=environment)
        (shared / "full-build.started").write_text(str(workspace), encoding="utf-8")


@pytest.fixture(scope="session")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Every phase, English and Hindi, district briefs of the event districts: built once per test run.

    Besides the shipped demo data, the raw data holds a hand-typed field sheet full
    of personal data, markup and a formula (``support.plant_field_sheet``) and the
    leak harness's folder of invented personal data by every road
    (``hostile_sheets.plant_hostile_folder``), so every test of the build also runs
    on hostile input, and the leak harness searches this build rather than a second one.

    The build starts in the background as soon as collection shows a test needs it
    (``pytest_collection_finish``), and with several pytest-xdist workers (``make test``)
    they all read the same one (its tests only read it).
    """
    shared = _shared_folder(tmp_path_factory)
    start_full_build(shared)
    rc_file, deadline = shared / "full-build.rc", time.monotonic() + FULL_BUILD_TIMEOUT_S
    while not (rc_file.exists() and rc_file.read_text().strip()):
        if time.monotonic() > deadline:
            pytest.fail(f"the full build did not finish within {FULL_BUILD_TIMEOUT_S} s")
        time.sleep(0.5)
    workspace = Path((shared / "full-build.started").read_text(encoding="utf-8"))
    process = subprocess.CompletedProcess(
        [GEM_REPORTS, "build", "--lang", "all"], int(rc_file.read_text()),
        (shared / "full-build.stdout").read_text(encoding="utf-8"),
        (shared / "full-build.stderr").read_text(encoding="utf-8"),
    )
    summary_path = workspace / "reports" / "build.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    return Build(workspace, process, summary)


def _needs_full_build(item: pytest.Item) -> bool:
    return bool(FULL_BUILD_FIXTURES & set(getattr(item, "fixturenames", ()))) and not os.environ.get("GEM_REPORTS_DIR")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the full build now if a selected test needs it, so it runs beside the tests that do not."""
    if session.config.option.collectonly or not any(_needs_full_build(item) for item in session.items):
        return
    factory = session.config._tmp_path_factory  # type: ignore[attr-defined]  # pytest's own, as tmp_path_factory
    start_full_build(_shared_folder(factory))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of the session's full build ``notebooks``, and run their files last.

    A test of the full build runs notebooks whatever its module says, so the fast suite
    (``make test-fast``: ``-m "not notebooks and not browser"``) never starts that build. Files
    with such a test run after every other file (the browser checks, the heaviest, first among
    them): the build, started at the end of collection, runs meanwhile. ``make test`` keeps
    this order (``--no-loadscope-reorder``).
    """
    files_needing_build = set()
    for item in items:
        if _needs_full_build(item):
            files_needing_build.add(item.path)
            if "full_build" in item.fixturenames:
                item.add_marker(pytest.mark.notebooks)
    items.sort(key=lambda item: (item.path in files_needing_build, "browser" not in item.path.parts))
