"""Running one job: execute its notebook with papermill on a pooled kernel, then write its pages.

A job that fails keeps its executed notebook (with papermill's error banner) as
``<name>.failed.ipynb`` and gets an error page, while the previously published
pages stay where they were. Every file is written aside and renamed into place.

Belongs here: one job from notebook to files. Not here: which jobs run
(``plan``), whether they are up to date (``fingerprints``), the build's order and
lock (``build``), or what a page looks like (``pages``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from helpers import paths
from helpers.errors import MissingFilesError
from helpers.files import TEMP_MARKER, atomic_path, write_atomically
from helpers.publishing.kernels import KernelPool
from helpers.plan import Job, Page, relative

if TYPE_CHECKING:
    from nbformat import NotebookNode

log = logging.getLogger("gem_reports")

#: nbconvert's exporters are not thread-safe: pages are rendered one at a time.
_render_lock = threading.Lock()


@dataclass
class PageResult:
    """A page a job wrote (or should have written), with its kind, for the index."""

    kind: str
    audience: str
    path: str  # relative to the project root
    pdf_path: str | None = None
    pdf_note: str | None = None


@dataclass
class FileResult:
    """A file other than a page that a job's notebook wrote (workbook, share card, figures, summary)."""

    kind: str
    path: str  # relative to the project root


@dataclass
class JobResult:
    """What happened to one job: ok / failed / skipped, how long it took, what it read and wrote."""

    key: str
    report_id: str
    title: str
    status: str
    phase_id: str | None
    district: str | None
    lang: str
    notebook: str
    parameters: dict
    inputs: dict[str, str]
    page_kinds: list[str] = field(default_factory=list)  # the kinds of the pages declared for the job
    duration_s: float = 0.0
    pages: list[PageResult] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)
    executed_notebook: str | None = None
    error_page: str | None = None
    error: dict | None = None
    outputs: list[str] = field(default_factory=list)  # every file written, relative to the project root
    finished_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    @classmethod
    def for_job(cls, job: Job, status: str, inputs: dict[str, str], **fields: object) -> JobResult:
        """A result of ``job``: the job's own fields filled in, ``fields`` for the rest."""
        return cls(
            key=job.key, report_id=job.report_id, title=job.title, status=status, phase_id=job.phase_id,
            district=job.district, lang=job.lang, notebook=relative(job.notebook), parameters=job.parameters,
            inputs=inputs, page_kinds=[page.kind for page in job.pages], **fields,  # type: ignore[arg-type]
        )

    def to_record(self) -> dict:
        """The result as plain data (for ``build.json`` and the build's state).

        A shallow copy, not ``dataclasses.asdict``'s deep one: the record is written as JSON at once, and a
        build with nothing to do makes one record per report.
        """
        record = dict(vars(self))
        record["pages"] = [dict(vars(page)) for page in self.pages]
        record["files"] = [dict(vars(item)) for item in self.files]
        return record

    @classmethod
    def from_record(cls, job: Job, record: dict) -> JobResult:
        """The result of a job skipped as up to date, from the record of its last successful run."""
        return cls.for_job(
            job, "skipped", dict(record.get("inputs") or {}),
            pages=[PageResult(**page) for page in record.get("pages") or []],
            files=[FileResult(**item) for item in record.get("files") or []],
            executed_notebook=record.get("executed_notebook"), outputs=list(record.get("outputs") or []),
        )

    def collect_outputs(self) -> JobResult:
        """Fill ``outputs`` from the executed notebook, pages, PDFs and error page; return self."""
        pages = [path for page in self.pages for path in (page.path, page.pdf_path) if path]
        files = [item.path for item in self.files]
        self.outputs = [path for path in (self.executed_notebook, *pages, *files, self.error_page) if path]
        return self


def recorded_inputs(inputs: dict[str, str]) -> dict[str, str]:
    """A job's inputs as the build records them (``build.json``, the store): each path redacted, with its SHA-256.

    File and folder names are data: a sheet saved as ``forwarded from +91 9xxxx xxxxx.csv`` is
    recorded with the number masked (``pii.redact_name``). Two files whose names redact alike keep
    both entries (`` [2]``).
    """
    from helpers.ingest.pii import redact_name

    recorded: dict[str, str] = {}
    for path, digest in inputs.items():
        name = key = redact_name(path)
        number = 2
        while key in recorded:
            key, number = f"{name} [{number}]", number + 1
        recorded[key] = digest
    return recorded


def internal_failure(job: Job, inputs: dict[str, str], error: Exception) -> JobResult:
    """The failed result of a job that the kit itself (not its notebook) failed to run, print or record."""
    log.debug("internal error in %s:\n%s", job.key, traceback.format_exc())
    return JobResult.for_job(job, "failed", recorded_inputs(inputs),
                             error={"ename": type(error).__name__, "evalue": str(error)})


def failing_cell(error: BaseException) -> dict:
    """What a failed notebook says about its failing cell (papermill's ``PapermillExecutionError``)."""
    evalue_lines = str(getattr(error, "evalue", error)).strip().splitlines()
    source_lines = (getattr(error, "source", "") or "").strip().splitlines()
    return {
        "cell_index": getattr(error, "cell_index", None),
        "execution_count": getattr(error, "exec_count", None),
        "ename": getattr(error, "ename", type(error).__name__),
        "evalue": evalue_lines[-1] if evalue_lines else "",
        "source_first_line": source_lines[0] if source_lines else "",
    }


def error_page(job: Job, error: dict) -> str:
    """The page published in place of a failed report: what failed, where, and what is left untouched."""
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


def warm_up_renderer() -> None:
    """Import nbconvert and load the page templates of every audience, once per process; import pyarrow.

    The build starts this in a thread while the first kernel starts (seconds in which this
    process only waits), so the first page is not slower than the others, and reading the
    prepared data's facts between the stages (``build.prepared_data_facts``) does not
    import pyarrow while every kernel waits.
    """
    import nbformat

    with contextlib.suppress(ImportError):
        import pyarrow.compute  # noqa: F401
        import pyarrow.parquet  # noqa: F401

    from helpers.publishing import pages
    from helpers.vocabulary import AUDIENCES

    empty = nbformat.v4.new_notebook()
    with _render_lock:
        for audience in AUDIENCES:
            try:
                pages.notebook_to_html(empty, audience=audience, title="warm-up")
            except Exception:  # noqa: BLE001 - only a head start: the job's own render reports any problem
                log.debug("warming up the %s renderer failed", audience, exc_info=True)


def _execute(job: Job, pool: KernelPool, temporary: Path):
    """Run the job's notebook with papermill on this worker's kernel; return the executed notebook (also saved)."""
    import papermill

    from helpers.publishing.engine import ENGINE_NAME

    with pool.kernel() as kernel:  # this worker's own kernel and client, clean
        return papermill.execute_notebook(
            str(job.notebook), str(temporary), parameters=job.parameters, engine_name=ENGINE_NAME,
            km=kernel.manager, kc=kernel.client, progress_bar=False, log_output=False,
            request_save_on_cell_execute=False,
        )


def _write_page(job: Job, page: Page, executed, is_synthetic: bool) -> PageResult:
    from helpers.publishing import pages

    with _render_lock:
        document = pages.notebook_to_html(
            executed, audience=page.audience, lang=job.lang, title=job.title,
            is_synthetic=is_synthetic, is_illustrative=job.is_illustrative,
            phase_label=job.phase_label, as_of=job.as_of,
        )
    target = write_atomically(job.out_dir / page.file_name, document)
    return PageResult(kind=page.kind, audience=page.audience, path=relative(target))


def _running_path(job: Job) -> Path:
    """Where a job's notebook is saved while it runs (renamed into place once its pages are written)."""
    return job.out_dir / f".{Path(job.executed_name).stem}{TEMP_MARKER}.running.ipynb"


def run_notebook(job: Job, pool: KernelPool, inputs: dict[str, str]) -> tuple[JobResult, NotebookNode | None]:
    """Execute one job's notebook on this worker's kernel; return the result so far and the executed notebook.

    A failed run (a notebook error, a declared file not written) is recorded in the result, with its
    failed notebook and error page, and the notebook returned is None. The pages are written by
    :func:`write_pages` (the build does that on a printing thread, while this worker's kernel runs
    its next notebook).

    Args:
        job: the job to run.
        pool: the kernels to run it on.
        inputs: ``{relative path: sha256}`` of its inputs (recorded in the result).
    """
    started, started_wall = time.perf_counter(), time.time()
    job.out_dir.mkdir(parents=True, exist_ok=True)
    temporary = _running_path(job)
    result = JobResult.for_job(job, "ok", recorded_inputs(inputs))
    executed = None
    try:
        executed = _execute(job, pool, temporary)
        missing = [a.file_name for a in job.artifacts  # the declared files this run did not (re)write
                   if not (path := job.out_dir / a.file_name).exists() or path.stat().st_mtime < started_wall - 1]
        if missing:
            raise MissingFilesError(f"the notebook did not write {', '.join(missing)} (declared in reports.yaml)")
    except Exception as error:  # noqa: BLE001 - a notebook failure or a file not written: reported, never raised
        executed, stem = None, Path(job.executed_name).stem
        result.status = "failed"
        result.error = failing_cell(error)
        failed_notebook = job.out_dir / f"{stem}.failed.ipynb"
        if temporary.exists():
            temporary.replace(failed_notebook)
            result.executed_notebook = relative(failed_notebook)
        result.error_page = relative(write_atomically(job.out_dir / f"{stem}.error.html", error_page(job, result.error)))
    result.duration_s = round(time.perf_counter() - started, 2)
    return result.collect_outputs(), executed


def write_pages(job: Job, result: JobResult, executed: NotebookNode, *, is_synthetic: bool) -> JobResult:
    """Write the pages of a job's executed notebook, print the PDFs it declares, keep the notebook; return the
    result, completed.

    Called by the build on a thread of its own (``BuildRun.printing``), so a worker's kernel runs its
    next notebook while this one's pages are rendered and Chromium prints them.

    Args:
        job: the job :func:`run_notebook` ran successfully.
        result: what :func:`run_notebook` returned with ``executed``.
        executed: the executed notebook.
        is_synthetic: whether the registrations are synthetic (decided once per build, from the data).
    """
    started = time.perf_counter()
    stem = Path(job.executed_name).stem
    result.files = [FileResult(a.kind, relative(job.out_dir / a.file_name)) for a in job.artifacts]
    result.pages = [_write_page(job, page, executed, is_synthetic) for page in job.pages]
    for declared, page in zip(job.pages, result.pages):
        if declared.pdf:
            target = paths.ROOT / page.path
            page.pdf_note = print_pdf(target)
            if target.with_suffix(".pdf").exists() and page.pdf_note is None:
                page.pdf_path = relative(target.with_suffix(".pdf"))
    job.executed_path.parent.mkdir(parents=True, exist_ok=True)
    _running_path(job).replace(job.executed_path)
    result.executed_notebook = relative(job.executed_path)
    for stale in (job.out_dir / f"{stem}.failed.ipynb", job.out_dir / f"{stem}.error.html"):
        stale.unlink(missing_ok=True)
    result.duration_s = round(result.duration_s + time.perf_counter() - started, 2)
    return result.collect_outputs()


def print_pdf(html_path: Path) -> str | None:
    """Print a PDF beside ``html_path``; return a note when it could not be printed."""
    from helpers.publishing import pdf

    if pdf.find_chromium() is None:
        return "PDF not printed: Chromium is not installed (apt-get install chromium); open the HTML and print it"
    try:
        with atomic_path(html_path.with_suffix(".pdf")) as temporary:
            pdf.print_pdf(html_path, temporary)
    except (pdf.PdfError, OSError) as error:
        return f"PDF not printed: {error}"
    return None
