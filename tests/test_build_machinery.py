"""The build machinery on fixture notebooks, in seconds: planner, kernel pool, skipping, failures, lock.

Each test declares a few fixture notebooks (tests/fixtures/notebooks/) in a temporary
``reports.yaml`` and builds them into a temporary project root, in-process.
"""

from __future__ import annotations

import fcntl
import json
import logging
import queue
import shutil
import threading
import time
from pathlib import Path

import pytest
import yaml

from helpers import cli, paths
from helpers.campaign.phases import load_phases
from helpers.errors import BuildLockedError, ReportsDeclarationError
from helpers import store
from helpers import plan
from helpers.publishing import build, fingerprints
from helpers.store import JobRecord, Store

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def entry(report_id: str, notebook: str, *, over: str = "phase", stage: str = "report", **extra: object) -> dict:
    """One declaration entry for a fixture notebook, rendering one analyst page."""
    return {
        "id": report_id, "notebook": notebook, "over": over, "stage": stage,
        "title": {"en": f"{report_id} {{phase_title}}"},
        "parameters": {"phase": "{phase}"} if over != "once" else {},
        "out_dir": "phase-{phase}" if over != "once" else "once",
        "executed": f"{report_id}{{lang_suffix}}.ipynb",
        "inputs": ["campaign_files"],
        "pages": [{"file": f"{report_id}{{lang_suffix}}.html", "audience": "analyst", "kind": "analyst"}],
        **extra,
    }


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project root with the fixture notebooks, reports/ and data/processed/."""
    (tmp_path / "notebooks").mkdir()
    for notebook in FIXTURES.glob("*.ipynb"):
        shutil.copy(notebook, tmp_path / "notebooks" / notebook.name)
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "reports")
    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path / "data" / "processed")
    monkeypatch.setattr(paths, "EXECUTED_DIR", tmp_path / "data" / "processed" / "executed")
    monkeypatch.setattr(paths, "REGISTRATIONS_PARQUET", tmp_path / "data" / "processed" / "registrations.parquet")
    return tmp_path


def declare(root: Path, *entries: dict) -> tuple[plan.ReportSpec, ...]:
    path = root / "notebooks" / "reports.yaml"
    path.write_text(yaml.safe_dump({"reports": list(entries)}), encoding="utf-8")
    return plan.load_declaration(path)


def scope(*phase_ids: str, langs: tuple[str, ...] = ("en",)) -> plan.BuildScope:
    phases = load_phases()
    return plan.BuildScope(phases=tuple(phases[p] for p in phase_ids), langs=langs, districts="none", with_pdf=False)


def run(root: Path, declaration, *phase_ids: str, jobs: int = 1) -> build.BuildSummary:
    return build.build_reports(scope(*phase_ids or ("1",)), jobs=jobs, declaration=declaration)


def statuses(summary: build.BuildSummary) -> dict[str, str]:
    return {r.key: r.status for r in summary.results}


# ------------------------------------------------------------------ planner (no kernel)


def test_the_kit_declaration_expands_to_every_report_of_a_phase() -> None:
    jobs = plan.plan_jobs(plan.BuildScope(phases=(load_phases()["1"],), langs=("en", "hi"), districts="events"))
    keys = [job.key for job in jobs]
    assert keys[0] == "prepare/01_prepare_registrations" and jobs[0].stage == "prepare"
    assert {"phase-1/02_district_coverage", "phase-1/03_national_vs_up_share", "phase-1/04_phase_brief",
            "phase-1/04_phase_brief.hi"} <= set(keys)
    districts = [job for job in jobs if job.report_id == "district_brief"]
    assert len(districts) == 2 * len(load_phases()["1"].event_districts)
    assert len(keys) == len(set(keys))
    brief = next(job for job in jobs if job.key == "phase-1/04_phase_brief.hi")
    assert [(p.file_name, p.kind, p.pdf) for p in brief.pages] == [("brief.hi.html", "brief", True)]  # analyst: en
    english = next(job for job in jobs if job.key == "phase-1/04_phase_brief")
    assert [(p.file_name, p.kind) for p in english.pages] == [("brief.html", "brief"), ("04_phase_brief.html", "analyst")]
    assert brief.parameters == {"phase": "1", "lang": "hi", "out_dir": "reports/phase-1",
                                "report_key": "phase-1/04_phase_brief.hi", "workbook_file": "tables.hi.xlsx",
                                "share_card_file": "share-card.hi.png", "figures_file": "figures.hi.csv",
                                "summary_file": "summary.hi.json"}  # empty as_of, boundary_path and data facts left out
    assert [(a.file_name, a.kind) for a in brief.artifacts] == [
        ("tables.hi.xlsx", "workbook"), ("share-card.hi.png", "share_card"), ("figures.hi.csv", "figures"),
        ("summary.hi.json", "summary")]


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_adding_a_report_is_a_notebook_plus_one_entry(root: Path) -> None:
    declaration = declare(root, entry("fixture_page", "succeeds.ipynb"))
    summary = run(root, declaration, "1", "2")
    assert statuses(summary) == {"phase-1/fixture_page": "ok", "phase-2/fixture_page": "ok"}
    page = (root / "reports" / "phase-2" / "fixture_page.html").read_text(encoding="utf-8")
    assert "Fixture page for phase 2 in en" in page
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "phase-2/fixture_page.html" in index and "phase-1/fixture_page.html" in index


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"over": "weekly"}, "over 'weekly' is not one of"),
        ({"inputs": ["everything"]}, "unknown input group(s) everything"),
        ({"pages": [{"file": "x.html", "audience": "boss", "kind": "brief"}]}, "audience 'boss'"),
        ({"id": "Bad Id"}, "lower-case letters"),
        ({"pages": [{"file": "x.html", "audience": "analyst", "kind": "analyst", "langs": ["fr"]}]}, "langs must be"),
    ],
)
def test_a_wrong_declaration_is_one_line_naming_the_report(root: Path, change: dict, message: str) -> None:
    with pytest.raises(ReportsDeclarationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        declare(root, {**entry("fixture_page", "succeeds.ipynb"), **change})


def test_a_declared_notebook_that_does_not_exist_is_named(root: Path) -> None:
    declaration = declare(root, entry("ghost", "no_such_notebook.ipynb"))
    with pytest.raises(ReportsDeclarationError, match="no_such_notebook.ipynb does not exist"):
        plan.plan_jobs(scope("1"), declaration)


# ------------------------------------------------------------------ running


def test_district_briefs_start_after_the_phase_and_campaign_reports() -> None:
    jobs = plan.plan_jobs(plan.BuildScope(phases=(load_phases()["1"],), langs=("en",), districts="events"),
                          stages=("report",))
    assert jobs[-1].key == "comparison/06_phase_comparison"  # declared last
    order = [item[0] for item in build.in_running_order([(job, "fingerprint") for job in jobs])]
    first_district = next(i for i, job in enumerate(order) if job.district is not None)
    assert all(job.district is None for job in order[:first_district])
    assert all(job.district is not None for job in order[first_district:])
    assert "comparison/06_phase_comparison" in [job.key for job in order[:first_district]]
    whole = [job.key for job in jobs if job.district is None]
    assert [job.key for job in order[:first_district]] == whole  # declaration order kept within each group
    assert sorted(job.key for job in order) == sorted(job.key for job in jobs)


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
@pytest.mark.parametrize("jobs", [1, 2])
def test_every_notebook_starts_on_a_reset_kernel_even_after_a_failure(root: Path, jobs: int) -> None:
    # the kernels are reused: each is reset when given back, and the reset is waited for before the next notebook
    entries = [entry(f"isolated_{n}", "is_isolated.ipynb") for n in range(5)]
    entries.insert(2, entry("bad", "raises.ipynb"))
    summary = run(root, declare(root, *entries), "1", jobs=jobs)
    assert statuses(summary) == {**{f"phase-1/isolated_{n}": "ok" for n in range(5)}, "phase-1/bad": "failed"}


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_failures_are_isolated_and_reported_with_their_cell(root: Path) -> None:
    declaration = declare(
        root, entry("good", "succeeds.ipynb"), entry("bad", "raises.ipynb"),
        entry("exits", "calls_sys_exit.ipynb"), entry("dies", "kills_kernel.ipynb"), entry("after", "succeeds.ipynb"),
    )
    summary = run(root, declaration, "1")
    assert statuses(summary) == {"phase-1/good": "ok", "phase-1/bad": "failed", "phase-1/exits": "failed",
                                 "phase-1/dies": "failed", "phase-1/after": "ok"}
    assert summary.exit_code == 1
    bad = next(r for r in summary.results if r.key == "phase-1/bad")
    assert bad.error["ename"] == "RuntimeError" and bad.error["cell_index"] == 3  # after the injected parameters
    out = root / "reports" / "phase-1"
    assert "planted failure" in (out / "bad.error.html").read_text(encoding="utf-8")
    executed = json.loads((out / "bad.failed.ipynb").read_text(encoding="utf-8"))
    assert any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in executed["cells"])
    assert (out / "after.html").exists(), "the kernel killed by 'dies' was restarted for the next notebook"
    assert "bad.error.html" in (root / "reports" / "index.html").read_text(encoding="utf-8")


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_a_failed_prepare_stage_fails_the_reports_without_running_them(root: Path) -> None:
    declaration = declare(root, entry("prepare", "raises.ipynb", over="once", stage="prepare"),
                          entry("page", "succeeds.ipynb"))
    summary = run(root, declaration, "1")
    page = next(r for r in summary.results if r.key == "phase-1/page")
    assert page.status == "failed" and page.error["ename"] == "NotRun" and "once/prepare" in page.error["evalue"]
    assert not (root / "reports" / "phase-1" / "page.html").exists()


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_an_unchanged_report_is_skipped_and_a_changed_input_or_output_reruns_it(root: Path) -> None:
    output = {"outputs": ["data/processed/fixture.txt"], "parameters": {}}
    declaration = declare(root, entry("prepare", "writes_output.ipynb", over="once", stage="prepare", **output),
                          entry("page", "succeeds.ipynb"))
    assert set(statuses(run(root, declaration, "1")).values()) == {"ok"}
    assert set(statuses(run(root, declaration, "1")).values()) == {"skipped"}
    (root / "data" / "processed" / "fixture.txt").write_text("damaged", encoding="utf-8")
    assert statuses(run(root, declaration, "1"))["once/prepare"] == "ok", "a damaged output is rebuilt"
    assert (root / "data" / "processed" / "fixture.txt").read_text(encoding="utf-8") == "prepared"
    notebook = root / "notebooks" / "succeeds.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("Fixture page", "Changed page"), encoding="utf-8")
    assert statuses(run(root, declaration, "1")) == {"once/prepare": "skipped", "phase-1/page": "ok"}


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_what_a_killed_build_left_half_written_is_removed(root: Path) -> None:
    leftover = root / "reports" / "phase-1" / ".page.kit-partial.running.ipynb"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("{}", encoding="utf-8")
    half_parquet = root / "data" / "processed" / ".registrations.parquet.1.2.kit-partial"
    half_parquet.parent.mkdir(parents=True)
    half_parquet.write_bytes(b"PAR1")
    run(root, declare(root, entry("page", "succeeds.ipynb")), "1")
    assert not leftover.exists() and not half_parquet.exists()


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_a_second_build_is_refused_while_the_first_holds_the_lock(root: Path) -> None:
    declaration = declare(root, entry("slow", "runs_slowly.ipynb"))
    first = threading.Thread(target=run, args=(root, declaration, "1"))
    first.start()
    try:
        deadline = time.monotonic() + 30
        while not (root / "reports" / build.LOCK_FILE_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        with pytest.raises(BuildLockedError, match="another build is running"):
            run(root, declaration, "1")
    finally:
        first.join()


# ------------------------------------------------------------------ the command's exit codes


def test_the_command_exits_3_with_one_line_when_locked(root: Path, capsys: pytest.CaptureFixture) -> None:
    (root / "reports").mkdir()
    with open(root / "reports" / build.LOCK_FILE_NAME, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code = cli.main(["build", "--phase", "1", "--no-pdf"])
    err = capsys.readouterr().err
    assert code == 3 and "another build is running" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--phase", "9"], "unknown phase(s) 9; valid phases: 1, 2"),
        (["build", "--jobs", "0"], "--jobs must be 1 or more"),
        (["build", "--as-of", "2021-02-30"], "'2021-02-30' is not a date"),
        (["build", "--registrations", "no/such/folder"], "no such folder"),
        (["build", "--log-file", "/proc/no/such/dir/build.log"], "--log-file /proc/no/such/dir/build.log: cannot be written"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_a_users_mistake_exits_2_with_one_line(root: Path, capsys, args: list[str], message: str) -> None:
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2 and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_reports_folder_that_is_a_file_exits_2(root: Path, capsys) -> None:
    (root / "reports").write_text("not a folder", encoding="utf-8")
    assert cli.main(["build", "--phase", "1"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_an_internal_error_is_one_line_naming_the_logged_traceback(monkeypatch, capsys) -> None:
    def broken(_args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("helpers.publishing.command.run_build", broken)
    assert cli.main(["build"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "internal error: ZeroDivisionError: a bug" in err
    logged = Path(err.split("traceback in ")[1].split(";")[0])
    assert "Traceback" in logged.read_text(encoding="utf-8") and "ZeroDivisionError" in logged.read_text(encoding="utf-8")
    logged.unlink()


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_executed_notebooks_are_kept_outside_reports_and_moved_ones_removed(root: Path) -> None:
    declaration = declare(root, entry("page", "succeeds.ipynb"))
    stale = root / "reports" / "phase-1" / "page.ipynb"  # where an older kit kept the executed notebook
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")
    summary = run(root, declaration, "1")
    first = summary.results[0]
    assert first.executed_notebook == "data/processed/executed/phase-1/page.ipynb"
    assert (root / first.executed_notebook).is_file()
    memory = Store.open()
    record = memory.jobs()["phase-1/page"]
    record.result["outputs"] += ["reports/phase-1/page.ipynb", "data/raw/keep.csv"]  # keep.csv: never removed, not built here
    memory.commit_job("phase-1/page", JobRecord("changed", record.outputs_sha256, record.result))
    memory.close()
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "keep.csv").write_text("a\n", encoding="utf-8")
    assert statuses(run(root, declaration, "1")) == {"phase-1/page": "ok"}
    assert not stale.exists(), "what the last run wrote and this one does not is removed from reports/"
    assert (root / "data" / "raw" / "keep.csv").exists()
    assert not list((root / "reports").rglob("*.ipynb"))


@pytest.mark.notebooks  # runs notebooks on kernels: not in the fast suite
def test_the_build_state_is_kept_in_the_store_and_an_old_state_file_is_discarded_with_a_note(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    logging.getLogger("gem_reports").handlers.clear()  # another test's command may have left a console handler
    logging.getLogger("gem_reports").setLevel(logging.INFO)
    declaration = declare(root, entry("page", "succeeds.ipynb"))
    run(root, declaration, "1")
    assert store.store_path() == root / "data" / "processed" / "kit-memory.sqlite"
    assert not [p.name for p in (root / "reports").iterdir() if "state" in p.name or "sqlite" in p.name]
    assert statuses(run(root, declaration, "1")) == {"phase-1/page": "skipped"}
    for old in (root / "data" / "processed" / "build-state.json", root / "reports" / ".build-state.json"):
        old.write_text('{"jobs": [1, 2], "files": "an older layout"}', encoding="utf-8")  # left by an older kit
    with caplog.at_level("INFO", logger="gem_reports"):
        assert statuses(run(root, declaration, "1")) == {"phase-1/page": "skipped"}
    assert "build-state.json of an earlier version discarded" in caplog.text
    assert not (root / "data" / "processed" / "build-state.json").exists()
    assert not (root / "reports" / ".build-state.json").exists()


def test_the_facts_of_the_prepared_data_are_read_once_per_version_of_the_file(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    parquet = root / "data" / "processed" / "registrations.parquet"
    parquet.parent.mkdir(parents=True)
    frame = pd.DataFrame({"is_synthetic": [False, True], "registration_date": pd.to_datetime(["2022-01-03", "2022-02-07"])})
    frame.to_parquet(parquet)
    reads: list[str] = []
    read_facts = build.read_data_facts
    monkeypatch.setattr(build, "read_data_facts", lambda path: reads.append("read") or read_facts(path))
    state: dict = {}
    facts = build.prepared_data_facts(fingerprints.FileHasher(), state)
    assert facts["is_synthetic"] is True and facts["latest_data_date"] == "2022-02-07"
    assert build.prepared_data_facts(fingerprints.FileHasher(), state) == facts
    assert reads == ["read"], "an unchanged file: the facts come from the state, the parquet is not read again"
    frame.assign(is_synthetic=False).to_parquet(parquet)
    assert build.prepared_data_facts(fingerprints.FileHasher(), state)["is_synthetic"] is False
    assert reads == ["read", "read"]


class _FakeKernel:
    """A kernel manager and its client, as far as ``KernelPool`` uses them (no process started)."""

    def __init__(self) -> None:
        self.alive, self.sent = True, []

    async def is_alive(self) -> bool:
        return self.alive

    async def shutdown_kernel(self, now: bool = False) -> None:
        self.alive = False

    def client(self):
        return self

    def start_channels(self) -> None:
        pass

    async def wait_for_ready(self, timeout: float) -> None:
        pass

    def stop_channels(self) -> None:
        pass

    def execute(self, code: str, **_: object) -> str:
        self.sent.append(code)
        return f"msg-{len(self.sent)}"


def test_each_worker_thread_keeps_one_kernel_and_client_for_the_whole_build(monkeypatch, tmp_path) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from helpers.publishing import kernels

    started: list[_FakeKernel] = []
    monkeypatch.setattr(kernels.KernelPool, "_start_kernel", lambda self: started.append(_FakeKernel()) or started[-1])

    async def answered(client, msg_id, timeout):
        return {"content": {"status": "ok"}}

    monkeypatch.setattr(kernels, "shell_reply", answered)
    pool = kernels.KernelPool(2, tmp_path)
    seen: dict[int, set[int]] = {}
    # both threads take one notebook each round, so the thread whose kernel died runs another one after it
    rounds = threading.Barrier(2, timeout=30)

    def one_notebook(number: int) -> None:
        rounds.wait()
        with pool.kernel() as kernel:
            seen.setdefault(threading.get_ident(), set()).add(id(kernel.manager))
            assert kernel.client is kernel.manager  # the fake's one client
            if number == 5:
                kernel.manager.alive = False  # this notebook kills its kernel

    with ThreadPoolExecutor(max_workers=2) as workers:
        list(workers.map(one_notebook, range(4)))  # a first stage
        pool.prestart()  # nothing left to start: both kernels are owned
        list(workers.map(one_notebook, range(4, 12)))  # a second stage, on the same threads
    assert len(seen) <= 2
    killed = started[0].alive is False or started[1].alive is False
    assert killed and len(started) == 3, "two kernels, and one more for the worker whose kernel died"
    assert all(len(kernels_of_thread) <= 2 for kernels_of_thread in seen.values())
    owners = [kernel_id for kernels_of_thread in seen.values() for kernel_id in kernels_of_thread]
    assert len(owners) == len(set(owners)), "no kernel is lent from one worker thread to another"
    resets = [code for kernel in started for code in kernel.sent]
    assert resets and set(resets) == {kernels.KERNEL_RESET}  # after every notebook, through the worker's client
    pool.shutdown()
    assert not any(kernel.alive for kernel in started)


def test_build_json_writes_each_set_of_inputs_once_and_every_result_finds_its_own() -> None:
    jobs = plan.plan_jobs(plan.BuildScope(phases=(load_phases()["1"],), langs=("en", "hi"), districts="events"))
    shared = {"data/raw/a.csv": "1" * 64, "data/raw/b.csv": "2" * 64}
    inputs = [dict(shared) if job.report_id == "district_brief" else {**shared, f"notebooks/{job.key}": "3" * 64}
              for job in jobs]
    results = [build.JobResult.for_job(job, "ok", job_inputs) for job, job_inputs in zip(jobs, inputs)]
    summary = build.BuildSummary("start", "end", 1.0, "0", len(jobs), len(jobs), 0, 0, 1, True, results)
    record = json.loads(json.dumps(summary.to_record(), default=str))
    assert [record["input_sets"][r["input_set"]] for r in record["results"]] == inputs
    distinct = {tuple(sorted(i.items())) for i in inputs}
    assert len(record["input_sets"]) == len(distinct) < len(jobs)
    assert all("inputs" not in r for r in record["results"])
