"""Building every report: the declared plan, run stage by stage, with the index and ``build.json``.

``gem-reports build`` expands the declared reports (``plan``) into jobs and runs them:

- **in parallel** on a pool of warm Jupyter kernels (``kernels``; ``--jobs N``,
  default the number of cores);
- **incrementally**: a job is skipped when its notebook, parameters, inputs,
  outputs and the kit's code are unchanged since its last successful run
  (``fingerprints``; ``--force`` re-runs everything);
- **transactionally**: a job's state and the figures it published are committed
  to the kit's store (``helpers.store``) in one transaction once its files are
  written, so a build killed at any instant never leaves a job counted as up to
  date whose figures are missing from the ledger;
- **safely**: every file is written aside and renamed (``helpers.files``); a
  failing notebook does not stop the others and leaves the published pages as
  they were (``run``); the reports are not built on a failed prepare stage; a
  lock stops two builds from writing at once; what a killed build left
  half-done is removed first.

Whether the registrations are synthetic and their latest date are read once per
version of the prepared data (``data_facts.read_data_facts``) and passed to every
notebook as parameters (through the plan), to every page and to the index; a
notebook run by hand reads them with the same function. Heavy libraries
(papermill, nbconvert, pandas) are imported only when a job runs, so a build with
nothing to do is fast.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from helpers import __version__, paths
from helpers.errors import BuildLockedError, BuildOptionError
from helpers.files import remove_leftovers, write_atomically
from helpers.data_facts import read_data_facts
from helpers.publishing.fingerprints import FileHasher, code_fingerprint, is_up_to_date, job_fingerprint, output_hashes
from helpers.publishing.printer import close_shared_printer
from helpers.plan import STAGES, BuildScope, Job, check_as_of, plan_jobs
from helpers.publishing.run import JobResult
from helpers.store import JobRecord, Store

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from helpers.publishing.kernels import KernelPool

log = logging.getLogger("gem_reports")

#: The folder of the district offices' corrections workbooks under ``reports/``.
CORRECTIONS_DIR_NAME = "corrections"
LOCK_FILE_NAME = ".build.lock"
SUMMARY_FILE_NAME = "build.json"

Progress = Callable[[JobResult], None]


@dataclass
class BuildRun:
    """What the stages of one build share, for the whole build.

    ``workers`` are the build's worker threads (``--jobs`` of them, the same threads for every
    stage), and ``pool`` gives each of them one kernel it keeps (``kernels``); ``printing``'s
    threads write a run job's pages, print its PDFs and commit it, while its worker runs the next notebook.
    ``state`` holds the jobs' records as the store has them, updated as jobs finish; ``is_synthetic`` is the
    prepared data's fact, read again after the prepare stage. ``corrections`` is the writing of the
    offices' corrections workbooks after the prepare stage, on a printing thread: a district brief
    (which links its office's workbook) starts once it is done, the reports of a whole phase meanwhile.
    """

    pool: KernelPool
    workers: ThreadPoolExecutor
    printing: ThreadPoolExecutor
    store: Store
    state: dict
    hasher: FileHasher
    code_hash: str
    force: bool
    progress: Progress | None
    #: Executed notebooks waiting for a printing thread, at most: a worker waits rather than run further ahead.
    waiting_pages: threading.BoundedSemaphore
    is_synthetic: bool = False
    figures_added: int = 0
    renderer_warmed: bool = False
    corrections: Future | None = None

    def report(self, result: JobResult) -> None:
        """Tell the caller a job is done (``progress``), when it asked."""
        if self.progress:
            self.progress(result)


@dataclass
class BuildSummary:
    """The whole build, written to ``reports/build.json``."""

    started_at: str
    finished_at: str
    duration_s: float
    kit_version: str
    jobs_count: int
    ok_count: int
    failed_count: int
    skipped_count: int
    parallel_jobs: int
    is_synthetic: bool
    results: list[JobResult]
    #: Participating districts that sent no sheet in the last period, per phase (the index's week note).
    districts_silent_by_phase: dict[str, int] = field(default_factory=dict)

    def to_record(self) -> dict:
        """The summary as plain data for ``build.json`` (each result by ``JobResult.to_record``).

        The reports of a build read a few distinct sets of input files (every district brief
        of a phase the same ones), so each set of ``{path: sha256}`` is written once, in
        ``input_sets``, and each result names its set by position (``input_set``): the
        record of a 184-report build is 0.3 MB instead of 0.9 MB.
        """
        input_sets: list[dict[str, str]] = []
        positions: dict[tuple, int] = {}
        results = []
        for result in self.results:
            record = result.to_record()
            inputs = tuple(sorted((record.pop("inputs") or {}).items()))
            record["input_set"] = positions.setdefault(inputs, len(positions))
            if record["input_set"] == len(input_sets):
                input_sets.append(dict(inputs))
            results.append(record)
        return {**vars(self), "input_sets": input_sets, "results": results}

    @property
    def exit_code(self) -> int:
        from helpers.errors import ExitCode

        return int(ExitCode.FAILED if self.failed_count else ExitCode.OK)


# ------------------------------------------------------------------ checks and lock


def check_reports_dir(reports_dir: Path) -> None:
    """Raise ``BuildOptionError`` unless ``reports_dir`` is (or can be made) a writable folder."""
    if reports_dir.exists() and not reports_dir.is_dir():
        raise BuildOptionError(f"{reports_dir} is a file, not a folder; move it away so the build can write the reports")
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildOptionError(f"{reports_dir}: cannot create the reports folder ({error.strerror}); check its permissions") from None
    if not os.access(reports_dir, os.W_OK | os.X_OK):
        raise BuildOptionError(f"{reports_dir}: the reports folder is not writable; make it writable (chmod u+w) and run again")


@contextlib.contextmanager
def build_lock(reports_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the reports folder; a second build gets ``BuildLockedError`` at once."""
    check_reports_dir(reports_dir)
    handle = open(reports_dir / LOCK_FILE_NAME, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole build
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLockedError(
                f"another build is running ({holder}); wait for it to finish, then run this build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {dt.datetime.now().isoformat(timespec='seconds')}")
        handle.flush()
        yield
    finally:
        handle.close()


# ------------------------------------------------------------------ state


def published_figures(result: JobResult) -> list[dict[str, str]]:
    """The ledger rows in the figures files a job wrote (``figures_frame`` CSVs, read as text)."""
    rows: list[dict[str, str]] = []
    for figures_file in (item for item in result.files if item.kind == "figures"):
        with open(paths.ROOT / figures_file.path, encoding="utf-8-sig", newline="") as handle:
            rows += [{k: v or "" for k, v in row.items()} for row in csv.DictReader(handle)]
    return rows


# ------------------------------------------------------------------ running a stage


def _not_run(job: Job, reason: str) -> JobResult:
    """The result of a job that was not run because the prepare stage failed."""
    return JobResult.for_job(job, "failed", {}, error={"ename": "NotRun", "evalue": reason, "cell_index": None})


def _skipped(job: Job, inputs: dict[str, str], previous: dict) -> JobResult:
    from helpers.publishing.run import recorded_inputs

    return (JobResult.from_record(job, previous["result"]) if previous.get("result")
            else JobResult.for_job(job, "skipped", recorded_inputs(inputs)))


def _execute_one(job: Job, fingerprint: str, inputs: dict, run: BuildRun) -> Future[tuple[JobResult, int]]:
    """Run one job's notebook on this worker's kernel; hand it to a printing thread, which writes its pages,
    prints its PDFs and commits it.

    The worker is then free for its next notebook while its last one is rendered and printed.
    """
    from helpers.publishing.run import internal_failure, run_notebook

    if job.district is not None and run.corrections is not None:
        wait([run.corrections])  # its office's workbook is written (a store error is raised at the stage's end)
    try:
        result, executed = run_notebook(job, run.pool, inputs)
    except Exception as error:  # noqa: BLE001 - an internal error in one job must not stop the others
        result, executed = internal_failure(job, inputs, error), None
    run.waiting_pages.acquire()  # released when a printing thread has finished the job
    return run.printing.submit(_finish_and_commit, job, fingerprint, inputs, run, result, executed)


def _finish_and_commit(
    job: Job, fingerprint: str, inputs: dict, run: BuildRun, result: JobResult, executed: NotebookNode | None,
) -> tuple[JobResult, int]:
    """Write a run job's pages and print its PDFs, then commit its record and figures; return the result and
    the figures added."""
    from helpers.publishing.run import internal_failure, write_pages

    added = 0
    try:
        if executed is not None:
            result = write_pages(job, result, executed, is_synthetic=run.is_synthetic)
    except Exception as error:  # noqa: BLE001 - an internal error in one job must not stop the others
        result = internal_failure(job, inputs, error)
    finally:
        run.waiting_pages.release()
    for path in job.output_paths_outside:
        run.hasher.forget(path)
    jobs_state: dict = run.state["jobs"]
    if result.status == "ok":
        _remove_superseded(jobs_state.get(job.key), result.outputs)
        record = JobRecord(fingerprint, output_hashes(job, run.hasher), result.to_record())
        added = run.store.commit_job(job.key, record, published_figures(result))
        jobs_state[job.key] = vars(record)
    else:
        run.store.forget_job(job.key)
        jobs_state.pop(job.key, None)
    run.report(result)
    return result, added


def _remove_superseded(record: dict | None, now: Sequence[str]) -> None:
    """Delete what a job's last successful run (its ``record``) wrote and this run no longer does (a page or
    notebook moved or renamed).

    Only files under ``reports/`` or ``paths.EXECUTED_DIR`` are touched; declared outputs elsewhere are kept.
    """
    kept, before = set(now), ((record or {}).get("result") or {}).get("outputs") or []
    for relative_path in (path for path in before if path not in kept):
        path = paths.ROOT / relative_path
        if any(path.is_relative_to(folder) for folder in (paths.REPORTS_DIR, paths.EXECUTED_DIR)):
            path.unlink(missing_ok=True)
            log.info("removed %s: this build writes it elsewhere or no longer", relative_path)


def run_stage(stage_jobs: Sequence[Job], run: BuildRun) -> list[JobResult]:
    """Run the jobs of one stage on the build's workers; skip those that are up to date."""
    to_run, results = [], {}
    for job in stage_jobs:
        fingerprint, inputs = job_fingerprint(job, run.hasher, run.code_hash)
        previous = run.state["jobs"].get(job.key, {})
        if not run.force and is_up_to_date(job, fingerprint, previous, run.hasher):
            results[job.key] = _skipped(job, inputs, previous)
            run.report(results[job.key])
        else:
            to_run.append((job, fingerprint, inputs))
    if to_run and not run.renderer_warmed:
        from helpers.publishing.run import warm_up_renderer

        run.renderer_warmed = True
        threading.Thread(target=warm_up_renderer, name="warm-up-renderer", daemon=True).start()
        run.pool.prestart()
    committing = list(run.workers.map(lambda item: _execute_one(*item, run), in_running_order(to_run)))
    for result, added in (done.result() for done in committing):
        results[result.key] = result
        run.figures_added += added
    return [results[job.key] for job in stage_jobs]


def in_running_order(to_run: list[tuple]) -> list[tuple]:
    """``(job, ...)`` items in the order they start: the reports of a whole phase or campaign first, district briefs last.

    The longer notebooks start first and the many short district briefs fill in behind them,
    so no worker is left running one long notebook alone at the end of the stage. Results are
    reported in declaration order whatever the running order.
    """
    return sorted(to_run, key=lambda item: item[0].district is not None)


# ------------------------------------------------------------------ the build


def prepared_data_facts(hasher: FileHasher, state: dict, memory: Store | None = None) -> dict:
    """``is_synthetic`` and ``latest_data_date`` (YYYY-MM-DD or "") of the prepared registrations, read once per version.

    They are decided by ``data_facts.read_data_facts`` (as a notebook run by hand decides them) and
    kept in the store with the file's SHA-256 (which ``hasher`` takes from size and modification
    time when they are unchanged), so a build with nothing to do does not open the parquet file
    or import pyarrow.
    """
    digest = hasher.sha256(paths.REGISTRATIONS_PARQUET)
    cached = state.get("prepared_data") or {}
    if cached.get("sha256") != digest:
        facts = read_data_facts(paths.REGISTRATIONS_PARQUET)
        latest = facts.latest_data_date.isoformat() if facts.latest_data_date else ""
        cached = {"sha256": digest, "is_synthetic": facts.is_synthetic, "latest_data_date": latest}
        state["prepared_data"] = cached
        if memory is not None:
            memory.set_meta("prepared_data", json.dumps(cached))
    return cached


def make_scope(
    phase_ids: Sequence[str] | None, *, langs: Sequence[str], districts: str, registrations_dir: Path | None,
    boundary_path: Path | None, as_of: str, with_pdf: bool,
) -> BuildScope:
    """Check the build's phases and gather the options into a ``BuildScope`` (the parser checks the rest).

    Raises:
        BuildOptionError: an unknown phase.
    """
    from helpers.campaign.phases import load_phases

    phases = load_phases()
    phase_ids = list(phase_ids) if phase_ids else list(phases)
    unknown = [p for p in phase_ids if p not in phases]
    if unknown:
        raise BuildOptionError(
            f"unknown phase(s) {', '.join(unknown)}; valid phases: {', '.join(phases)} (from {paths.PHASES_FILE.name})"
        )
    return BuildScope(
        phases=tuple(phases[p] for p in phase_ids), langs=tuple(langs), districts=districts,
        registrations_dir=registrations_dir, boundary_path=boundary_path, as_of=as_of, with_pdf=with_pdf,
    )


def _run_stages(scope: BuildScope, declaration, run: BuildRun, reports_dir: Path) -> list[JobResult]:
    """Run the stages in order, each planned when it starts (the as-of date is known after the prepare stage)."""
    results: list[JobResult] = []
    for stage in STAGES:
        stage_jobs = plan_jobs(scope, declaration, stages=(stage,))
        failed_before = [r.key for r in results if r.status == "failed"]
        if failed_before:  # reports would be built from stale or missing prepared data: fail them, say why
            reason = f"not run: {', '.join(failed_before)} failed"
            for job in stage_jobs:
                results.append(_not_run(job, reason))
                run.state["jobs"].pop(job.key, None)
                run.store.forget_job(job.key)
                run.report(results[-1])
            continue
        results += run_stage(stage_jobs, run)
        facts = prepared_data_facts(run.hasher, run.state, run.store)
        run.is_synthetic = facts["is_synthetic"]
        scope = replace(scope, latest_data_date=facts["latest_data_date"], is_synthetic=facts["is_synthetic"])
        run.store.save_files(run.hasher.known())
        if stage == STAGES[0] and not any(r.status == "failed" for r in results):
            check_as_of(scope, facts["latest_data_date"])
            if stage_jobs and (paths.PROCESSED_DIR / paths.REJECTED_ROWS_CSV.name).exists() and (
                    any(r.status == "ok" for r in results) or not (reports_dir / CORRECTIONS_DIR_NAME).is_dir()):
                from helpers.publishing.corrections import write_office_corrections

                run.corrections = run.printing.submit(
                    write_office_corrections, run.store, facts["latest_data_date"], reports_dir / CORRECTIONS_DIR_NAME)
    if run.corrections is not None:
        run.corrections.result()  # a store error (writing a workbook fails with a warning, as before)
    return results


def build_reports(
    scope: BuildScope, *, jobs: int | None = None, force: bool = False, progress: Progress | None = None,
    declaration: Sequence | None = None, facts: dict[str, str] | None = None,
) -> BuildSummary:
    """Build the reports of ``scope`` and write the index and ``build.json``.

    Raises:
        BuildOptionError: ``reports/`` is not a writable folder.
        BuildLockedError: another build holds the lock.
        ReportsDeclarationError: the reports declaration is wrong.
    """
    from helpers.publishing.kernels import KernelPool

    parallel = max(1, jobs or os.cpu_count() or 1)
    started_wall, started = dt.datetime.now(dt.timezone.utc), time.perf_counter()
    reports_dir = paths.REPORTS_DIR
    with build_lock(reports_dir):
        for path in remove_leftovers(reports_dir) + remove_leftovers(paths.PROCESSED_DIR):  # what a killed build left
            log.info("removed %s, left half-written by an interrupted build", path)
        memory = Store.open()
        for note in memory.notes:
            log.info(note)
        for key, value in (facts or {}).items():  # facts checked before the build, kept for the next one
            if memory.meta(key) != value:
                memory.set_meta(key, value)
        state = {"jobs": {key: vars(record) for key, record in memory.jobs().items()}, "files": memory.files(),
                 "prepared_data": memory.meta_json("prepared_data")}  # each job's last successful run, the hashes
        hasher = FileHasher(state.get("files"))
        run = BuildRun(
            pool=KernelPool(parallel, paths.NOTEBOOKS_DIR),
            workers=ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="build-worker"),
            printing=ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="build-printer"),
            waiting_pages=threading.BoundedSemaphore(2 * parallel),
            store=memory, state=state, hasher=hasher, code_hash=code_fingerprint(), force=force, progress=progress,
            is_synthetic=prepared_data_facts(hasher, state, memory)["is_synthetic"],
        )
        try:
            results = _run_stages(scope, declaration, run, reports_dir)
            log.info("ledger: %d published figure(s) recorded", run.figures_added)
            summary = _summary(results, started_wall, started, parallel, run.is_synthetic)
            silent = _write_index(summary, scope, reports_dir)
            if silent is None:  # nothing was built: the week's note is the last build's
                silent = memory.meta_json("districts_silent_by_phase")
            else:
                memory.set_meta("districts_silent_by_phase", json.dumps(silent))
            summary.districts_silent_by_phase = {p.id: silent[p.id] for p in scope.phases if p.id in silent}
            write_atomically(reports_dir / SUMMARY_FILE_NAME,
                             json.dumps(summary.to_record(), default=str, separators=(",", ":")))
        finally:
            run.workers.shutdown(wait=True)
            run.printing.shutdown(wait=True)
            run.pool.shutdown()
            close_shared_printer()
            memory.export_ledger()
            memory.close()
    return summary


def _summary(results: list[JobResult], started_wall, started: float, parallel: int, is_synthetic: bool) -> BuildSummary:
    return BuildSummary(
        started_at=started_wall.isoformat(timespec="seconds"),
        finished_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        duration_s=round(time.perf_counter() - started, 2),
        kit_version=__version__,
        jobs_count=len(results),
        ok_count=sum(r.status == "ok" for r in results),
        failed_count=sum(r.status == "failed" for r in results),
        skipped_count=sum(r.status == "skipped" for r in results),
        parallel_jobs=parallel,
        is_synthetic=is_synthetic,
        results=results,
    )


def _write_index(summary: BuildSummary, scope: BuildScope, reports_dir: Path) -> dict[str, int] | None:
    """Write the index and the provenance page; return the districts with no sheet, per phase (None: not rewritten)."""
    index_path = reports_dir / "index.html"
    if summary.skipped_count == summary.jobs_count and index_path.exists():
        return None
    from helpers.publishing import index, provenance

    built_at = summary.finished_at.replace("T", " ")[:16] + " UTC"
    provenance.write_provenance(summary.results, reports_dir / provenance.PROVENANCE_FILE_NAME, built_at=built_at)
    entries = index.entries_from_build(summary, {p.id: p for p in scope.phases}, is_synthetic=summary.is_synthetic)
    silent = {entry.phase_id: int(entry.week.freshness["is_silent"].sum()) for entry in entries
              if entry.week.freshness is not None and "is_silent" in entry.week.freshness}
    index.write_index(
        entries,
        index_path,
        built_at=built_at,
        shared=index.shared_reports(summary),
        provenance_href=provenance.PROVENANCE_FILE_NAME,
        corrections=index.corrections_links(reports_dir),
    )
    return silent
