"""Shared fixtures: one full build of a temporary copy of the project, made once per session.

See ``support.py`` for how the copy is made: the end-to-end tests never write
into the checkout's ``reports/`` or ``data/processed/``.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from filelock import FileLock

from hostile_sheets import plant_hostile_folder
from support import SHARED_DIR_VARIABLE, Build, make_workspace, plant_field_sheet, run_cli


@pytest.fixture(scope="session")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Every phase, English and Hindi, district briefs of the event districts: built once per test run.

    Besides the shipped demo data, the raw data holds a hand-typed field sheet full
    of personal data, markup and a formula (``support.plant_field_sheet``) and the
    leak harness's folder of invented personal data by every road
    (``hostile_sheets.plant_hostile_folder``), so every test of the build also runs
    on hostile input, and the leak harness searches this build rather than a second one.

    With several pytest-xdist workers (``make test``) the first worker that asks builds it
    under a file lock in the run's shared temporary folder, and the others read the
    same build (its tests only read it).
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder every worker's own temporary folder is in
    record = shared / "full_build.json"
    os.environ[SHARED_DIR_VARIABLE] = str(shared)  # where the checks of its PDFs share the PDFs' text
    with FileLock(str(shared / "full_build.lock")):
        if not record.exists():
            workspace = make_workspace(shared / "full-build-kit")
            plant_field_sheet(workspace)
            plant_hostile_folder(workspace / "data" / "raw" / "registrations" / "hostile")
            process = run_cli(workspace, "build", "--lang", "all")
            record.write_text(json.dumps({
                "workspace": str(workspace), "args": process.args, "returncode": process.returncode,
                "stdout": process.stdout, "stderr": process.stderr,
            }), encoding="utf-8")
    built = json.loads(record.read_text(encoding="utf-8"))
    workspace = Path(built["workspace"])
    process = subprocess.CompletedProcess(built["args"], built["returncode"], built["stdout"], built["stderr"])
    summary_path = workspace / "reports" / "build.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    return Build(workspace, process, summary)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("longest_test_files_first", type="linelist",
                  help="test files that run first, in this order (longest first); the rest follow, most tests first")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the full build's tests ``notebooks``; run the longest test files first.

    A test of the session's full build runs notebooks: it is marked ``notebooks`` whatever its module says,
    so the fast suite (``make test-fast``: ``-m "not notebooks and not browser"``) never starts that build.

    ``make test`` hands whole files to two pytest-xdist workers in collection order
    (``--dist loadfile --no-loadscope-reorder``). Files named in ``longest_test_files_first``
    (``pyproject.toml``, measured durations in ``docs/benchmarks.md``) go first, longest first, so that
    no long file is left for the end while the other worker idles; the rest follow with the most tests
    first, as pytest-xdist orders them by default.
    """
    for item in items:
        if "full_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.notebooks)
    first = [name.replace("\\", "/") for name in config.getini("longest_test_files_first")]
    tests_per_file = Counter(item.nodeid.split("::")[0] for item in items)

    def place(item: pytest.Item) -> tuple[int, int]:
        test_file = item.nodeid.split("::")[0]
        listed = first.index(test_file) if test_file in first else len(first)
        return listed, -tests_per_file[test_file]

    items.sort(key=place)
