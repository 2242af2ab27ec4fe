"""The kit's memory survives damage and crashes: the ledger export, the store and old build states.

Each test builds a fixture report that publishes two figures computed from an input file
(``tests/fixtures/notebooks/publishes_figures.ipynb``) into a temporary project root, damages a
file the kit remembers by in one way, builds again, and checks the outcome: the exit code,
the store's figures (recomputed from the input values the builds used), no build blocked.
The last test kills builds with SIGKILL at random moments, twenty times and more.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import logging
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from helpers import cli, paths, store
from helpers.campaign.phases import load_phases
from helpers.errors import ExitCode
from helpers import plan
from helpers.publishing import build
from support import GEM_REPORTS, kit_env

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
AS_OF = "2022-01-15"
ENTRY = {
    "id": "pub", "notebook": "publishes_figures.ipynb", "over": "phase", "stage": "report",
    "title": {"en": "Figures of {phase_title}"},
    "parameters": {"phase": "{phase}", "out_dir": "{out_dir}", "report_key": "{report_key}"},
    "out_dir": "phase-{phase}", "executed": "pub.ipynb", "inputs": ["campaign_files"],
    "pages": [{"file": "pub.html", "audience": "analyst", "kind": "analyst"}],
    "files": [{"file": "figures.csv", "kind": "figures"}],
}


def make_root(root: Path) -> Path:
    """A project root with the fixture notebook declared once per phase, and the campaign and reference files."""
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(FIXTURES / "publishes_figures.ipynb", root / "notebooks")
    (root / "notebooks" / "reports.yaml").write_text(yaml.safe_dump({"reports": [ENTRY]}), encoding="utf-8")
    for folder in ("campaign", "reference"):
        shutil.copytree(paths.RAW_DIR / folder, root / "data" / "raw" / folder)
    (root / "data" / "processed").mkdir(parents=True)
    (root / "reports").mkdir()
    set_value(root, 100)
    return root


def set_value(root: Path, value: int) -> None:
    (root / "data" / "raw" / "campaign" / "figure_value.txt").write_text(f"{value}\n", encoding="utf-8")


def expected_rows(value: int, phase_id: str = "1") -> set[tuple[str, str, str, str, str]]:
    """The ledger rows a build publishes when the input holds ``value``: computed here, not by the kit."""
    report = f"phase-{phase_id}/pub"
    return {(AS_OF, report, "", "value_count", str(value)), (AS_OF, report, "Agra", "double_count", str(2 * value))}


def ledger_rows(root: Path) -> set[tuple[str, ...]]:
    """The store's ledger rows without ``recorded_at``, read with plain sqlite3."""
    with contextlib.closing(sqlite3.connect(root / "data" / "processed" / store.STORE_FILE_NAME)) as connection:
        return set(connection.execute("SELECT as_of_date, report, district, figure, value FROM published_figures"))


#: The kernels' warm-up for the fixture notebook, which imports what it uses itself: the kit's charts,
#: maps and seaborn (``kernels.KERNEL_WARMUP``) are not what these tests are about, and importing them
#: took most of each in-process build's time.
FIXTURE_KERNEL_WARMUP = "import gc\ngc.freeze()\n"


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project root the in-process build writes into, its kernels warmed up for the fixture notebook."""
    from helpers.publishing import kernels

    monkeypatch.setattr(kernels, "KERNEL_WARMUP", FIXTURE_KERNEL_WARMUP)
    root = make_root(tmp_path / "kit")
    for name, value in {"ROOT": root, "REPORTS_DIR": root / "reports", "PROCESSED_DIR": root / "data" / "processed",
                        "EXECUTED_DIR": root / "data" / "processed" / "executed", "CAMPAIGN_DIR": root / "data" / "raw" / "campaign",
                        "REGISTRATIONS_PARQUET": root / "data" / "processed" / "registrations.parquet"}.items():
        monkeypatch.setattr(paths, name, value)
    return root


def run(root: Path) -> build.BuildSummary:
    declaration = plan.load_declaration(root / "notebooks" / "reports.yaml")
    scope = plan.BuildScope(phases=(load_phases()["1"],), districts="none", with_pdf=False)
    return build.build_reports(scope, jobs=1, declaration=declaration)


def export(root: Path) -> Path:
    return root / "data" / "processed" / store.LEDGER_EXPORT_NAME


# ------------------------------------------------------------------ the export is only an export

DAMAGE = {
    "truncated mid-line": lambda text: text[: len(text) - 9],
    "zero bytes": lambda text: "",
    "re-saved by a spreadsheet": lambda text: "\ufeff" + "\n".join(
        line.replace(AS_OF, "15/01/2022").replace(",200,", ',"200",') for line in text.lstrip("\ufeff").splitlines()),
    "an unquoted hand note": lambda text: text + "2022-01-15,phase-1/pub,,value_count,120,checked by DIC, Agra\n",
    "an old layout": lambda text: "as_of_date,report,figure,value\n2022-01-15,phase-1/pub,value_count,7\n",
    "deleted": None,
}


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaging_the_ledger_export_changes_no_published_figure_and_blocks_no_build(root: Path, damage: str) -> None:
    run(root)
    set_value(root, 200)
    run(root)  # a revision: the same as-of date, a new value
    stored = ledger_rows(root)
    assert stored == expected_rows(100) | expected_rows(200)
    if DAMAGE[damage] is None:
        export(root).unlink()
    else:
        export(root).write_text(DAMAGE[damage](export(root).read_text(encoding="utf-8-sig")), encoding="utf-8")
    summary = run(root)
    assert summary.exit_code == 0 and ledger_rows(root) == stored, "the store does not read its export back"
    set_value(root, 300)
    assert run(root).exit_code == 0
    assert ledger_rows(root) == stored | expected_rows(300)
    with export(root).open(encoding="utf-8-sig", newline="") as handle:
        rewritten = {tuple(row[c] for c in store.KEY_COLUMNS + ("value",)) for row in csv.DictReader(handle)}
    assert rewritten == ledger_rows(root), "the export is rewritten from the store after every build"


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_a_spreadsheet_re_saved_ledger_of_an_earlier_kit_is_taken_in_once_without_doubling(root: Path) -> None:
    legacy = ("\ufeffas_of_date,report,district,figure,value,recorded_at\n"
              '15/01/2022,phase-1/pub,,value_count,"1,00",16/01/2022 06:00\n'  # grouping typed by hand: not a number
              "15/01/2022,phase-1/pub,,value_count,100,16/01/2022 06:00\n"
              "15/01/2022,phase-1/pub,Agra,double_count,200,16/01/2022 06:00\n"
              "08/01/2022,phase-1/pub,,value_count,90,09/01/2022 06:00\n"
              "2022-01-08,phase-1/pub,,note,checked by DIC, Agra,2022-01-09T06:00:00+00:00\n"
              "2022-01-01,phase-1/pub,,value_count,8")  # cut short
    export(root).write_text(legacy, encoding="utf-8")
    (root / "data" / "processed" / "build-state.json").write_text("{not json", encoding="utf-8")
    assert run(root).exit_code == 0
    rows = ledger_rows(root)
    assert ("2022-01-08", "phase-1/pub", "", "value_count", "90") in rows, "history of an earlier kit is kept"
    assert expected_rows(100) <= rows and not any(r[0] == "2022-01-01" for r in rows), "a line cut short is left out"
    assert not any(r[3] == "note" for r in rows), "a line with an unquoted comma is left out"
    assert len([r for r in rows if r[0] == AS_OF and r[3] == "value_count"]) == 2, "'1,00' is kept as written"
    left_out = (root / "data" / "processed" / "published_figures.left-out.csv").read_text(encoding="utf-8")
    assert "checked by DIC" in left_out and "2022-01-01" in left_out
    assert not (root / "data" / "processed" / "build-state.json").exists()
    before = ledger_rows(root)
    assert run(root).exit_code == 0 and ledger_rows(root) == before, "the same figures again add nothing"


# ------------------------------------------------------------------ a damaged store or build state


@pytest.fixture()
def quiet_logger():
    """``cli.main`` logs to the stdout pytest captures; no handler of another test's closed stream, before or after."""
    logging.getLogger("gem_reports").handlers.clear()
    yield
    logging.getLogger("gem_reports").handlers.clear()


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
@pytest.mark.usefixtures("quiet_logger")
@pytest.mark.parametrize("damage", ["garbage", "cut in half", "another database"])
def test_a_damaged_store_stops_the_build_with_one_line_and_exit_2_then_recovers_from_the_export(
    root: Path, damage: str, capsys: pytest.CaptureFixture
) -> None:
    run(root)
    path = root / "data" / "processed" / store.STORE_FILE_NAME
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"this is not a database\n" * 100)
    elif damage == "cut in half":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.unlink()
        with contextlib.closing(sqlite3.connect(path)) as other:
            other.execute("CREATE TABLE jobs (name TEXT)")
            other.commit()
    code = cli.main(["build", "--phase", "1", "--no-pdf", "--districts", "none"])
    message = capsys.readouterr().err.strip()
    assert code == ExitCode.USER_ERROR and "\n" not in message and "Traceback" not in message
    assert "kit-memory.sqlite is damaged" in message and "move it aside (mv " in message
    path.rename(path.with_name("kit-memory.damaged.sqlite"))  # what the message says to do
    assert run(root).exit_code == 0
    assert ledger_rows(root) == expected_rows(100), "the ledger is started anew from the export"


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
@pytest.mark.parametrize("state", ["", "{", '{"jobs": [1, 2]}', '{"jobs": {"phase-1/pub": "x"}, "files": 3}', "\x00" * 64])
def test_a_build_state_of_an_earlier_kit_in_any_shape_is_discarded_with_a_note(
    root: Path, state: str, caplog: pytest.LogCaptureFixture
) -> None:
    (root / "data" / "processed" / "build-state.json").write_text(state, encoding="utf-8")
    with caplog.at_level("INFO", logger="gem_reports"):
        assert run(root).exit_code == 0
    assert "build-state.json of an earlier version discarded" in caplog.text
    assert ledger_rows(root) == expected_rows(100)


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_a_zero_byte_store_is_started_anew_from_the_export(root: Path) -> None:
    run(root)
    set_value(root, 200)
    run(root)
    stored = ledger_rows(root)
    (root / "data" / "processed" / store.STORE_FILE_NAME).write_bytes(b"")
    assert run(root).exit_code == 0
    assert ledger_rows(root) == stored


# ------------------------------------------------------------------ killed at any instant


def _kill_tree(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def _value_sha256(value: int) -> str:
    return hashlib.sha256(f"{value}\n".encode()).hexdigest()


def _built_jobs_have_their_figures_stored(root: Path, values: list[int]) -> int:
    """Every job the store counts as built has in the ledger the figures of the input it was built from.

    The input's value is found from the SHA-256 the job's record holds for ``figure_value.txt``.
    Returns how many jobs the store counts as built from the latest value (the build just killed).
    """
    path = root / "data" / "processed" / store.STORE_FILE_NAME
    memory = store.read_only(path)
    if memory is None:
        return 0
    try:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[:5] for row in memory.ledger_rows()}
        by_sha = {_value_sha256(value): value for value in values}
        built_now = 0
        for key, record in memory.jobs().items():
            value = by_sha[record.result["inputs"]["data/raw/campaign/figure_value.txt"]]
            phase_id = key.split("/")[0].removeprefix("phase-")
            assert expected_rows(value, phase_id) <= stored, f"{key} counts as built from {value}, its figures are missing"
            built_now += value == values[-1]
        return built_now
    finally:
        memory.close()


@pytest.mark.notebooks
def test_builds_killed_at_random_moments_never_lose_a_published_figure(tmp_path: Path) -> None:
    root = make_root(tmp_path / "kit")
    (root / "notebooks" / "reports.yaml").write_text(yaml.safe_dump({"reports": [ENTRY]}), encoding="utf-8")
    command = [GEM_REPORTS, "build", "--phase", "1", "--phase", "2", "--no-pdf", "--districts", "none", "--jobs", "2"]
    chance = random.Random(20211029)
    values: list[int] = [999]
    set_value(root, 999)
    started = time.monotonic()  # one whole build first: the kills fall anywhere in a build on this machine
    first = subprocess.run(command, cwd=root, env=kit_env(root), capture_output=True, text=True, timeout=600)
    build_s = time.monotonic() - started
    assert first.returncode == 0, first.stdout + first.stderr
    built = 0
    for attempt in range(12):
        value = 1000 + attempt
        set_value(root, value)
        values.append(value)
        process = subprocess.Popen(command, cwd=root, env=kit_env(root), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(chance.uniform(0.0, 1.1 * build_s))
        _kill_tree(process)
        built += _built_jobs_have_their_figures_stored(root, values)
    assert built > 0, "some builds got as far as a commit before they were killed"
    finished = subprocess.run(command, cwd=root, env=kit_env(root), capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    stored = ledger_rows(root)
    last = values[-1]
    assert expected_rows(last, "1") | expected_rows(last, "2") <= stored, "the figures on the pages are in the store"
    for phase_id in ("1", "2"):
        with open(root / "reports" / f"phase-{phase_id}" / "figures.csv", encoding="utf-8", newline="") as handle:
            on_page = {tuple(row[c] for c in (*store.KEY_COLUMNS, "value")) for row in csv.DictReader(handle)}
        assert on_page == expected_rows(last, phase_id) and on_page <= stored
    published = {int(row[4]) for row in stored if row[3] == "value_count"}
    assert published <= set(values), "no figure the builds did not compute"
    again = subprocess.run(command, cwd=root, env=kit_env(root), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and ledger_rows(root) == stored, "no build is blocked afterwards"


# ------------------------------------------------------------------ gem-reports ledger


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
@pytest.mark.usefixtures("quiet_logger")
def test_the_ledger_command_lists_reports_and_shows_a_figures_history_with_its_revision(
    root: Path, capsys: pytest.CaptureFixture
) -> None:
    run(root)
    set_value(root, 140)
    run(root)
    capsys.readouterr()
    assert cli.main(["ledger"]) == 0
    listed = capsys.readouterr().out
    assert "phase-1/pub" in listed and AS_OF in listed
    assert cli.main(["ledger", "history", "value_count"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "phase-1/pub" in line]
    assert [line.split()[4] for line in lines] == ["100", "140"], lines  # in the order published
    assert "revised (was 100)" in lines[1] and "revised" not in lines[0]
    memory = store.read_only(root / "data" / "processed" / store.STORE_FILE_NAME)
    assert memory.revised_count("phase-1/pub", AS_OF) == 2, "both figures were published with a second value"
    assert memory.latest_as_of_before("phase-1/pub", "2022-01-16") == AS_OF
    assert memory.latest_as_of_before("phase-1/pub", AS_OF) is None, "no report before the first one"
    memory.close()
    assert cli.main(["ledger", "history", "value_cont"]) == ExitCode.USER_ERROR
    assert "did you mean value_count" in capsys.readouterr().err
    target = root / "exported.csv"
    assert cli.main(["ledger", "export", "--out", str(target)]) == 0
    with target.open(encoding="utf-8-sig", newline="") as handle:
        exported = {tuple(row[c] for c in (*store.KEY_COLUMNS, "value")) for row in csv.DictReader(handle)}
    assert exported == expected_rows(100) | expected_rows(140)
