"""Building every report: run the notebooks with papermill, render them to HTML.

``gem-reports build`` plans one *job* per executed notebook (the data-preparation
notebook once, then for each phase the coverage, share and brief notebooks and
the district briefs), and runs them:

- **in parallel** on a pool of warm Jupyter kernels (``--jobs N``, default the
  number of cores); each kernel is started once, imports the kit, and is reset
  between notebooks, so no notebook pays for a kernel start or the imports;
- **incrementally**: a job is skipped when its notebook, its parameters, the
  content of its input files and the kit's code are unchanged since its last
  successful run (``--force`` re-runs everything);
- **safely**: HTML is written aside and renamed into place; a failing notebook
  does not stop the others, keeps its executed notebook (with papermill's error
  banner) and an error page, and leaves the previously published HTML where it
  was; a lock stops two builds from writing at once.

Rendering (HTML templates, the index page, PDF printing) is ``helpers.publishing.render``
and ``helpers.publishing.pdf``; this module decides what to run and in which order.
Heavy libraries (papermill, nbconvert) are imported only when a job runs, so a
build with nothing to do returns in about a second.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import queue
import subprocess
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from helpers import __version__, paths
from helpers.campaign.phases import Phase, load_phases

log = logging.getLogger("gem_reports")

PREPARE_NOTEBOOK = "01_prepare_registrations.ipynb"
COVERAGE_NOTEBOOK = "02_district_coverage.ipynb"
SHARE_NOTEBOOK = "03_national_vs_up_share.ipynb"
BRIEF_NOTEBOOK = "04_phase_brief.ipynb"
DISTRICT_NOTEBOOK = "05_district_brief.ipynb"

STATE_FILE_NAME = ".build-state.json"
LOCK_FILE_NAME = ".build.lock"
SUMMARY_FILE_NAME = "build.json"

#: Code run once in every kernel of the pool, so notebooks start with the kit imported.
KERNEL_WARMUP = """
import matplotlib
matplotlib.use("Agg")
import pandas, matplotlib.pyplot, seaborn
import helpers.analysis.metrics, helpers.presentation.charts, helpers.presentation.display, helpers.params, helpers.reference.tables
for _name in ("helpers.ingest", "helpers.analysis.privacy", "helpers.presentation.maps", "helpers.presentation.i18n"):
    try:
        __import__(_name)
    except Exception:
        pass
helpers.presentation.charts.use_theme()
"""

#: Code run before each notebook in a reused kernel: a clean namespace, no open figures.
KERNEL_RESET = """
get_ipython().run_line_magic("reset", "-f")
import matplotlib.pyplot as _plt
_plt.close("all")
del _plt
"""


class BuildError(RuntimeError):
    """A build cannot start: a bad option, an unknown phase, or another build holding the lock."""


# ------------------------------------------------------------------ planning


@dataclass(frozen=True)
class Render:
    """One HTML file rendered from an executed notebook."""

    html_name: str  # file name inside the job's output folder
    audience: str  # "brief" (no code) or "analyst" (with code)
    pdf: bool = False  # also print a PDF beside it


@dataclass(frozen=True)
class Job:
    """One notebook execution and the HTML files rendered from it."""

    key: str  # unique, e.g. "phase-1/02_district_coverage" or "phase-1/districts/agra.hi"
    title: str
    notebook: Path
    parameters: dict
    out_dir: Path
    executed_name: str  # executed .ipynb file name inside out_dir
    renders: tuple[Render, ...]
    input_paths: tuple[Path, ...]
    phase_id: str | None = None
    district: str | None = None
    lang: str = "en"
    stage: int = 1  # 0 runs first (data preparation); 1 after it
    is_illustrative: bool = False

    @property
    def executed_path(self) -> Path:
        return self.out_dir / self.executed_name

    @property
    def output_paths(self) -> list[Path]:
        return [self.executed_path] + [self.out_dir / r.html_name for r in self.renders]


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _files_under(folder: Path, suffixes: Iterable[str]) -> tuple[Path, ...]:
    wanted = set(suffixes)
    if not folder.exists():
        return ()
    return tuple(sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in wanted))


def registration_inputs(registrations_dir: Path) -> tuple[Path, ...]:
    """Every file under the registrations folder (the ingest reads or reports each) and the reference tables."""
    sheets = tuple(
        sorted(
            p for p in registrations_dir.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(registrations_dir).parts)
        )
    ) if registrations_dir.exists() else ()
    return sheets + _files_under(paths.REFERENCE_DIR, {".csv"})


def report_inputs() -> tuple[Path, ...]:
    """The files every report notebook reads: processed registrations, reference tables, phases."""
    return (
        paths.REGISTRATIONS_PARQUET,
        paths.DATA_QUALITY_CSV,
        paths.PHASES_FILE,
        *_files_under(paths.REFERENCE_DIR, {".csv"}),
    )


def plan_jobs(
    phase_ids: Sequence[str],
    langs: Sequence[str] = ("en",),
    districts: str = "events",
    registrations_dir: Path | None = None,
    with_pdf: bool = True,
    boundary_path: Path | None = None,
) -> list[Job]:
    """Every job of a build, data preparation first.

    Args:
        phase_ids: phases to build (ids from phases.yaml).
        langs: languages of the briefs ("en", "hi"); analyst notebooks are in English.
        districts: "events" (a district brief for each event district of the phase),
            "all" (every district of UP) or "none".
        registrations_dir: folder of raw registration sheets (default data/raw/registrations).
        with_pdf: print a PDF beside each phase brief.
        boundary_path: a GeoJSON/TopoJSON of UP's districts for a true map in the
            phase briefs (default: the tile map, which needs no file).
    """
    phases = load_phases()
    registrations_dir = registrations_dir or paths.REGISTRATIONS_RAW_DIR
    notebooks = paths.NOTEBOOKS_DIR
    jobs = [
        Job(
            key="prepare/01_prepare_registrations",
            title="Registration records: cleaning and data quality",
            notebook=notebooks / PREPARE_NOTEBOOK,
            parameters={"input_dir": _relative(registrations_dir), "output_dir": _relative(paths.PROCESSED_DIR)},
            out_dir=paths.REPORTS_DIR / "prepare",
            executed_name=PREPARE_NOTEBOOK,
            renders=(Render("01_prepare_registrations.html", "analyst"),),
            input_paths=registration_inputs(registrations_dir),
            stage=0,
        )
    ]
    common_inputs = report_inputs()
    boundary = {"boundary_path": str(Path(boundary_path).resolve())} if boundary_path else {}
    for phase_id in phase_ids:
        phase = phases[phase_id]
        out_dir = paths.REPORTS_DIR / f"phase-{phase.id}"
        processed = _relative(paths.PROCESSED_DIR / f"phase-{phase.id}")
        base = {"phase": phase.id}
        for notebook_name, subject in ((COVERAGE_NOTEBOOK, "district coverage"), (SHARE_NOTEBOOK, "national vs UP share")):
            stem = Path(notebook_name).stem
            jobs.append(
                Job(
                    key=f"phase-{phase.id}/{stem}",
                    title=f"{phase.title}: {subject}",
                    notebook=notebooks / notebook_name,
                    parameters={**base, "output_dir": processed},
                    out_dir=out_dir,
                    executed_name=notebook_name,
                    renders=(Render(f"{stem}.html", "analyst"),),
                    input_paths=common_inputs,
                    phase_id=phase.id,
                    is_illustrative=phase.is_illustrative,
                )
            )
        for lang in langs:
            suffix = "" if lang == "en" else f".{lang}"
            jobs.append(
                Job(
                    key=f"phase-{phase.id}/04_phase_brief{suffix}",
                    title=phase.title if lang == "en" else phase.title_hi,
                    notebook=notebooks / BRIEF_NOTEBOOK,
                    parameters={**base, "lang": lang, **boundary},
                    out_dir=out_dir,
                    executed_name=f"04_phase_brief{suffix}.ipynb",
                    renders=(
                        Render(f"brief{suffix}.html", "brief", pdf=with_pdf),
                        Render(f"04_phase_brief{suffix}.html", "analyst"),
                    ),
                    input_paths=common_inputs + ((boundary_path,) if boundary_path else ()),
                    phase_id=phase.id,
                    lang=lang,
                    is_illustrative=phase.is_illustrative,
                )
            )
            for district, slug in _district_briefs(phase, districts):
                jobs.append(
                    Job(
                        key=f"phase-{phase.id}/districts/{slug}{suffix}",
                        title=f"{district}: {phase.title}",
                        notebook=notebooks / DISTRICT_NOTEBOOK,
                        parameters={**base, "district": district, "lang": lang},
                        out_dir=out_dir / "districts",
                        executed_name=f"{slug}{suffix}.ipynb",
                        renders=(Render(f"{slug}{suffix}.html", "brief"),),
                        input_paths=common_inputs,
                        phase_id=phase.id,
                        district=district,
                        lang=lang,
                        is_illustrative=phase.is_illustrative,
                    )
                )
    return [job for job in jobs if job.notebook.exists()]


def _district_briefs(phase: Phase, mode: str) -> list[tuple[str, str]]:
    from helpers.reference.tables import slugify

    if mode == "none":
        return []
    if mode == "all":
        from helpers.reference.tables import load_districts

        names = list(load_districts()["district"])
    else:
        names = list(phase.event_districts)
    return [(name, slugify(name)) for name in names]


# --------------------------------------------------------------- fingerprints


class FileHasher:
    """SHA-256 of files, computed once per build and reused across jobs."""

    def __init__(self) -> None:
        self._cache: dict[Path, str] = {}
        self._lock = threading.Lock()

    def sha256(self, path: Path) -> str:
        with self._lock:
            cached = self._cache.get(path)
        if cached is not None:
            return cached
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"
        with self._lock:
            self._cache[path] = digest
        return digest

    def forget(self, path: Path) -> None:
        with self._lock:
            self._cache.pop(path, None)


def code_fingerprint() -> str:
    """Hash of the kit's version and of every file of the ``helpers`` package (code, templates, messages)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def job_fingerprint(job: Job, hasher: FileHasher, code_hash: str) -> tuple[str, dict[str, str]]:
    """The job's fingerprint and the hashes of its inputs (``{relative path: sha256}``)."""
    inputs = {_relative(p): hasher.sha256(p) for p in job.input_paths}
    payload = {
        "code": code_hash,
        "notebook": hasher.sha256(job.notebook),
        "parameters": job.parameters,
        "renders": [asdict(r) for r in job.renders],
        "inputs": inputs,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest(), inputs


# ---------------------------------------------------------------- results


@dataclass
class JobResult:
    """What happened to one job: status ok / failed / skipped, duration, inputs and outputs."""

    key: str
    title: str
    status: str
    duration_s: float
    phase_id: str | None
    district: str | None
    lang: str
    notebook: str
    parameters: dict
    inputs: dict[str, str]
    outputs: list[str]
    error: dict | None = None
    pdf_note: str | None = None
    finished_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    @classmethod
    def for_job(cls, job: Job, status: str, inputs: dict[str, str], **fields: object) -> JobResult:
        """A result of ``job``: the job's own fields filled in, ``fields`` for the rest."""
        return cls(
            key=job.key,
            title=job.title,
            status=status,
            duration_s=float(fields.pop("duration_s", 0.0)),  # type: ignore[arg-type]
            phase_id=job.phase_id,
            district=job.district,
            lang=job.lang,
            notebook=_relative(job.notebook),
            parameters=job.parameters,
            inputs=inputs,
            outputs=list(fields.pop("outputs", [])),  # type: ignore[call-overload]
            **fields,  # type: ignore[arg-type]
        )


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
    results: list[JobResult]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_count else 0


# ------------------------------------------------------------------ kernels


class KernelPool:
    """Warm Jupyter kernels, started on first use, each imported with the kit and reused across notebooks."""

    def __init__(self, size: int, cwd: Path) -> None:
        self.size = size
        self.cwd = cwd
        self._idle: queue.Queue = queue.Queue()
        self._started = 0
        self._lock = threading.Lock()
        self._all: list = []

    def _start_kernel(self):
        from jupyter_client.manager import KernelManager

        manager = KernelManager(kernel_name="python3")
        env = dict(os.environ)
        env["GEM_KIT_ROOT"] = str(paths.ROOT)
        env.setdefault("MPLBACKEND", "Agg")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        manager.start_kernel(
            cwd=str(self.cwd),
            env=env,
            extra_arguments=["--HistoryManager.enabled=False"],
            stdout=subprocess.DEVNULL,  # the kernel's own start-up chatter; errors arrive as messages
            stderr=subprocess.DEVNULL,
        )
        self._run(manager, KERNEL_WARMUP)
        return manager

    @staticmethod
    def _run(manager, code: str, timeout: float = 120) -> None:
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=timeout)
            reply = client.execute_interactive(code, timeout=timeout, store_history=False, output_hook=lambda _m: None)
            if reply["content"].get("status") != "ok":
                log.debug("kernel setup code failed: %s", reply["content"].get("evalue"))
        finally:
            client.stop_channels()

    @contextlib.contextmanager
    def kernel(self) -> Iterator:
        """Lend a clean kernel for one notebook; restart it if the notebook killed it."""
        manager = None
        try:
            manager = self._idle.get_nowait()
        except queue.Empty:
            with self._lock:
                may_start = self._started < self.size
                if may_start:
                    self._started += 1
            manager = self._start_and_register() if may_start else self._idle.get()
        try:
            if not manager.is_alive():
                manager.restart_kernel(now=True)
                self._run(manager, KERNEL_WARMUP)
            else:
                self._run(manager, KERNEL_RESET)
            yield manager
        finally:
            if manager is not None and not manager.is_alive():
                with contextlib.suppress(Exception):
                    manager.restart_kernel(now=True)
                    self._run(manager, KERNEL_WARMUP)
            self._idle.put(manager)

    def _start_and_register(self):
        manager = self._start_kernel()
        with self._lock:
            self._all.append(manager)
        return manager

    def shutdown(self) -> None:
        for manager in self._all:
            with contextlib.suppress(Exception):
                manager.shutdown_kernel(now=True)


# ------------------------------------------------------------------ running


_render_lock = threading.Lock()


def _write_aside(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _failing_cell(error: BaseException) -> dict:
    """What a failed notebook says about its failing cell (papermill's PapermillExecutionError)."""
    evalue_lines = str(getattr(error, "evalue", error)).strip().splitlines()
    source_lines = (getattr(error, "source", "") or "").strip().splitlines()
    return {
        "cell_index": getattr(error, "cell_index", None),
        "execution_count": getattr(error, "exec_count", None),
        "ename": getattr(error, "ename", type(error).__name__),
        "evalue": evalue_lines[-1] if evalue_lines else "",
        "source_first_line": source_lines[0] if source_lines else "",
    }


def _error_page(job: Job, error: dict) -> str:
    import html

    cell = error.get("cell_index")
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>Failed: {html.escape(job.title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;"
        "overflow-wrap:anywhere}code{background:#f4f4f4}</style></head><body>"
        f"<h1>This report failed to build</h1><p><strong>{html.escape(job.title)}</strong></p>"
        f"<p>Notebook <code>{html.escape(job.notebook.name)}</code>, cell {html.escape(str(cell))}: "
        f"<code>{html.escape(str(error.get('ename')))}: {html.escape(str(error.get('evalue')))}</code></p>"
        f"<p>The executed notebook with the error is <code>{html.escape(Path(job.executed_name).stem)}.failed.ipynb"
        "</code> beside this page. The previously published version of the report, if any, is unchanged.</p>"
        "</body></html>"
    )


def run_job(job: Job, pool: KernelPool, inputs: dict[str, str]) -> JobResult:
    """Execute one job's notebook on a pooled kernel, render its HTML, and report what happened."""
    import nbformat
    import papermill

    from helpers.publishing import render

    started = time.perf_counter()
    job.out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(job.executed_name).stem
    temporary = job.out_dir / f".{stem}.{os.getpid()}.running.ipynb"
    result = JobResult.for_job(job, "ok", inputs)
    try:
        with pool.kernel() as manager:
            papermill.execute_notebook(
                str(job.notebook),
                str(temporary),
                parameters=job.parameters,
                km=manager,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
            )
    except Exception as error:  # noqa: BLE001 - any notebook failure is reported, never raised
        result.status = "failed"
        result.error = _failing_cell(error)
        failed_nb = job.out_dir / f"{stem}.failed.ipynb"
        if temporary.exists():
            os.replace(temporary, failed_nb)
            result.outputs.append(_relative(failed_nb))
        error_page = job.out_dir / f"{stem}.error.html"
        _write_aside(error_page, _error_page(job, result.error))
        result.outputs.append(_relative(error_page))
        result.duration_s = round(time.perf_counter() - started, 2)
        return result

    executed = nbformat.read(str(temporary), as_version=4)
    for item in job.renders:
        with _render_lock:
            page = render.notebook_to_html(
                executed,
                audience=item.audience,
                lang=job.lang,
                title=job.title,
                is_synthetic=_is_synthetic(executed),
                is_illustrative=job.is_illustrative,
            )
        target = job.out_dir / item.html_name
        _write_aside(target, page)
        result.outputs.append(_relative(target))
        if item.pdf:
            result.pdf_note = _print_pdf(target)
            pdf_path = target.with_suffix(".pdf")
            if pdf_path.exists():
                result.outputs.append(_relative(pdf_path))
    os.replace(temporary, job.executed_path)
    result.outputs.insert(0, _relative(job.executed_path))
    for stale in (job.out_dir / f"{stem}.failed.ipynb", job.out_dir / f"{stem}.error.html"):
        stale.unlink(missing_ok=True)
    result.duration_s = round(time.perf_counter() - started, 2)
    return result


def _is_synthetic(executed) -> bool:
    """True when the executed notebook shows the synthetic-data notice."""
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = str(data.get("text/markdown", "")) + str(data.get("text/html", ""))
            if "SYNTHETIC DEMO DATA" in text:
                return True
    return False


def _print_pdf(html_path: Path) -> str | None:
    """Print a PDF beside ``html_path``; return a note when it could not be printed."""
    try:
        from helpers.publishing import pdf
    except ImportError:
        return "PDF not printed: the kit's PDF printer is not available"
    pdf_path = html_path.with_suffix(".pdf")
    try:
        if pdf.print_pdf(html_path, pdf_path):
            return None
    except (pdf.PdfError, OSError) as error:
        return f"PDF not printed: {error}"
    return "PDF not printed: Chromium is not installed (apt-get install chromium), open the HTML and print it instead"


# ------------------------------------------------------------------ building


@contextlib.contextmanager
def build_lock(reports_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the reports folder; a second build gets a BuildError at once."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    lock_path = reports_dir / LOCK_FILE_NAME
    handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole build
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(
                f"another build is running ({holder}); wait for it to finish, then run this build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {dt.datetime.now().isoformat(timespec='seconds')}")
        handle.flush()
        yield
    finally:
        handle.close()


def _load_state(reports_dir: Path) -> dict:
    path = reports_dir / STATE_FILE_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_state(reports_dir: Path, state: dict) -> None:
    _write_aside(reports_dir / STATE_FILE_NAME, json.dumps(state, indent=1, sort_keys=True))


def build_reports(
    phase_ids: Sequence[str] | None = None,
    *,
    langs: Sequence[str] = ("en",),
    districts: str = "events",
    jobs: int | None = None,
    force: bool = False,
    with_pdf: bool = True,
    registrations_dir: Path | None = None,
    boundary_path: Path | None = None,
    progress: Callable[[JobResult], None] | None = None,
) -> BuildSummary:
    """Build the reports of the given phases (default: all) and write the index and ``build.json``.

    Raises:
        BuildError: an unknown phase, a bad option, or another build holding the lock.
    """
    phases = load_phases()
    phase_ids = list(phase_ids) if phase_ids else list(phases)
    unknown = [p for p in phase_ids if p not in phases]
    if unknown:
        raise BuildError(
            f"unknown phase(s) {', '.join(unknown)}; valid phases: {', '.join(phases)} "
            f"(from {_relative(paths.PHASES_FILE)})"
        )
    if districts not in ("events", "all", "none"):
        raise BuildError(f"--districts '{districts}' must be events, all or none")
    parallel = max(1, jobs or os.cpu_count() or 1)
    started_wall = dt.datetime.now(dt.timezone.utc)
    started = time.perf_counter()
    reports_dir = paths.REPORTS_DIR
    with build_lock(reports_dir):
        planned = plan_jobs(phase_ids, langs, districts, registrations_dir, with_pdf, boundary_path)
        state = {} if force else _load_state(reports_dir)
        hasher = FileHasher()
        code_hash = code_fingerprint()
        pool = KernelPool(parallel, paths.NOTEBOOKS_DIR)
        results: list[JobResult] = []
        try:
            for stage in sorted({job.stage for job in planned}):
                stage_jobs = [job for job in planned if job.stage == stage]
                failed_before = [r.key for r in results if r.status == "failed"]
                if failed_before:
                    # Reports would be built from stale or missing prepared data: fail them, say why.
                    results += [_not_run(job, f"not run: {', '.join(failed_before)} failed", progress) for job in stage_jobs]
                    for job in stage_jobs:
                        state.pop(job.key, None)
                    continue
                results += _run_stage(stage_jobs, pool, state, hasher, code_hash, parallel, progress)
                # Later stages read what this stage wrote: hash those files afresh.
                for path in report_inputs():
                    hasher.forget(path)
                _save_state(reports_dir, state)
        finally:
            pool.shutdown()
        summary = BuildSummary(
            started_at=started_wall.isoformat(timespec="seconds"),
            finished_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            duration_s=round(time.perf_counter() - started, 2),
            kit_version=__version__,
            jobs_count=len(results),
            ok_count=sum(r.status == "ok" for r in results),
            failed_count=sum(r.status == "failed" for r in results),
            skipped_count=sum(r.status == "skipped" for r in results),
            parallel_jobs=parallel,
            results=results,
        )
        _write_aside(reports_dir / SUMMARY_FILE_NAME, json.dumps(asdict(summary), indent=1, default=str))
        index_path = reports_dir / "index.html"
        if summary.skipped_count < summary.jobs_count or not index_path.exists():
            from helpers.publishing import render

            render.write_index(
                render.entries_from_build(summary, phases),
                index_path,
                built_at=summary.finished_at.replace("T", " ")[:16] + " UTC",
            )
    return summary


def _not_run(job: Job, reason: str, progress: Callable[[JobResult], None] | None) -> JobResult:
    """The result of a job that was not run because an earlier stage failed."""
    result = JobResult.for_job(job, "failed", {}, error={"ename": "NotRun", "evalue": reason, "cell_index": None})
    if progress:
        progress(result)
    return result


def _run_stage(
    stage_jobs: list[Job],
    pool: KernelPool,
    state: dict,
    hasher: FileHasher,
    code_hash: str,
    parallel: int,
    progress: Callable[[JobResult], None] | None,
) -> list[JobResult]:
    """Run the jobs of one stage in parallel; skip those whose fingerprint is unchanged."""
    to_run: list[tuple[Job, str, dict]] = []
    results: dict[str, JobResult] = {}
    for job in stage_jobs:
        fingerprint, inputs = job_fingerprint(job, hasher, code_hash)
        previous = state.get(job.key, {})
        if previous.get("fingerprint") == fingerprint and all(p.exists() for p in job.output_paths):
            results[job.key] = JobResult.for_job(
                job, "skipped", inputs, outputs=previous.get("outputs", []), pdf_note=previous.get("pdf_note")
            )
            if progress:
                progress(results[job.key])
        else:
            to_run.append((job, fingerprint, inputs))

    def execute(item: tuple[Job, str, dict]) -> JobResult:
        job, fingerprint, inputs = item
        try:
            result = run_job(job, pool, inputs)
        except Exception as error:  # noqa: BLE001 - an internal error in one job must not stop the rest
            log.debug("internal error in %s:\n%s", job.key, traceback.format_exc())
            result = JobResult.for_job(
                job, "failed", inputs, error={"ename": type(error).__name__, "evalue": str(error), "cell_index": None}
            )
        if result.status == "ok":
            state[job.key] = {"fingerprint": fingerprint, "outputs": result.outputs, "pdf_note": result.pdf_note}
        else:
            state.pop(job.key, None)
        if progress:
            progress(result)
        return result

    if to_run:
        with ThreadPoolExecutor(max_workers=min(parallel, len(to_run))) as executor:
            for result in executor.map(execute, to_run):
                results[result.key] = result
    return [results[job.key] for job in stage_jobs]
