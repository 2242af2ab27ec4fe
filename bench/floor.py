"""The floor: the build's notebooks' own code cells, run one after another in ONE Python process.

For every job of the plan (``helpers.plan.plan_jobs``), stage by stage
as the build runs them: papermill injects the job's parameters
(``papermill.parameterize.parameterize_notebook``, the same parameters cell the
build gets), then each code cell runs in one IPython ``InteractiveShell``; the
namespace is reset and figures closed between notebooks. Imports are paid once,
by the first notebook that needs them. No kernel, no messages between processes,
no executed notebook saved, no page rendered: what is left is the notebooks' own
work, the floor that ``gem-reports build --jobs 1`` is compared with. The shell is
warmed up as the build's kernels are (``kernels.KERNEL_WARMUP``: the kit's imports,
the chart theme, ``gc.freeze()``), so its resets cost what theirs cost.

Run as a script in the benchmark's workspace (``GEM_KIT_ROOT`` = the workspace,
cwd = its ``notebooks/``), like the build's kernels::

    python bench/floor.py --out floor.json --phase 1 --lang en --districts events

It writes ``--out`` (JSON: jobs, cells, failures, time per job, ``setup_s`` for
IPython's and papermill's imports, ``planning_s`` for planning the jobs) and exits
1 when any cell failed: a floor with a failed cell is not a floor. The floor is the
process's wall time (interpreter start and every import included) less
``planning_s``, which is the build's bookkeeping rather than the notebooks' work.

Belongs here: running the cells and timing them. Not here: measuring the process
(``measuring``) or the comparison with the build (``run_bench``).
"""

from __future__ import annotations

import time

PROCESS_STARTED = time.perf_counter()

import argparse  # noqa: E402 - the clock starts before any import
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402


def _floor_command(out: Path, phases: list[str], langs: list[str], districts: str, only: list[str], limit: int) -> list[str]:
    """The command line that runs this module as the floor (for ``measuring.measure``)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--out", str(out), "--districts", districts]
    for phase in phases:
        command += ["--phase", phase]
    for lang in langs:
        command += ["--lang", lang]
    for report_id in only:
        command += ["--only", report_id]
    if limit:
        command += ["--limit", str(limit)]
    return command


def run_floor(
    workspace: Path, env: dict[str, str], phases: list[str], langs: list[str], districts: str = "events",
    only: list[str] | None = None, limit: int = 0,
) -> dict:
    """Measure the floor in a fresh process in ``workspace``; return ``measure``'s dict with the floor's own.

    Args:
        workspace: the benchmark's copy of the project (``GEM_KIT_ROOT``).
        env: the environment of the build.
        phases, langs, districts: the build scope, as ``gem-reports build`` options.
        only: report ids to keep (default: every report).
        limit: at most this many jobs per stage (0: all).
    """
    from measuring import measure

    out = workspace / "floor.json"
    out.unlink(missing_ok=True)
    command = _floor_command(out, phases, langs, districts, only or [], limit)
    result = measure(command, env, workspace / "notebooks")
    if not out.exists():
        return {**result, "failures": [{"key": "-", "cell_index": None, "ename": "NoResult", "evalue": "no result written"}],
                "floor_s": result["wall_s"], "notebooks": 0, "cells": 0}
    floor = json.loads(out.read_text(encoding="utf-8"))
    return {**result, **floor, "floor_s": result["wall_s"] - floor["planning_s"]}


# ------------------------------------------------------------------ inside the floor's process


def _run_cells(shell, notebook, sink) -> tuple[int, dict | None]:
    """Run the code cells of ``notebook``; stop at the first that fails. Return (cells run, failure)."""
    cells_run = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            outcome = shell.run_cell(cell.source, store_history=False)
        cells_run += 1
        if not outcome.success:
            error = outcome.error_in_exec or outcome.error_before_exec
            return cells_run, {"cell_index": index, "ename": type(error).__name__, "evalue": str(error)[:300]}
    return cells_run, None


def _run_job(shell, job, sink) -> dict:
    """Parameterise one job's notebook with papermill and run its cells in ``shell``."""
    import matplotlib.pyplot as plt
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    started = time.perf_counter()
    notebook = parameterize_notebook(load_notebook_node(str(job.notebook)), job.parameters)
    job.out_dir.mkdir(parents=True, exist_ok=True)  # as the build does before running a job
    shell.reset(new_session=False)
    plt.close("all")
    cells_run, failure = _run_cells(shell, notebook, sink)
    plt.close("all")
    return {"key": job.key, "cells": cells_run, "seconds": round(time.perf_counter() - started, 3), "failure": failure}


def _floor(phase_ids: list[str], langs: list[str], districts: str, only: list[str], limit: int) -> dict:
    """Run every job of the scope, stage by stage, the as-of date decided after the prepare stage as the build does."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401 - imported once here, so setup_s holds every import but the notebooks'
    import papermill.iorw  # noqa: F401
    import papermill.parameterize  # noqa: F401
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    from helpers.campaign.phases import load_phases
    from helpers.publishing.kernels import KERNEL_WARMUP

    planning_started = time.perf_counter()
    from helpers.data_facts import read_data_facts
    from helpers.plan import STAGES, BuildScope, plan_jobs

    declared = load_phases()
    scope = BuildScope(phases=tuple(declared[p] for p in phase_ids or declared), langs=tuple(langs), districts=districts,
                       with_pdf=False)
    planning_s = time.perf_counter() - planning_started
    config = Config()
    config.HistoryManager.enabled = False  # as the build's kernels
    shell = InteractiveShell.instance(config=config)
    # as every build kernel before its first notebook: the kit imported, the chart theme set, and the imports'
    # objects frozen (gc.freeze), so the collection of each reset scans only what a notebook made
    if not shell.run_cell(KERNEL_WARMUP, store_history=False).success:
        raise SystemExit("floor: the kernels' warm-up failed (see above)")
    setup_s = time.perf_counter() - PROCESS_STARTED
    # planning_s: the build's bookkeeping (planning, the as-of date), not the notebooks' work: left out of the floor
    jobs_done: list[dict] = []
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for stage in STAGES:
            planning_started = time.perf_counter()
            if stage != STAGES[0]:  # as the build: the prepared data's facts go into the plan
                facts = read_data_facts()
                latest = facts.latest_data_date.isoformat() if facts.latest_data_date else ""
                scope = replace(scope, latest_data_date=latest, is_synthetic=facts.is_synthetic)
            stage_jobs = [j for j in plan_jobs(scope, stages=(stage,)) if not only or j.report_id in only]
            planning_s += time.perf_counter() - planning_started
            jobs_done += [_run_job(shell, job, sink) for job in stage_jobs[: limit or None]]
    return {
        "setup_s": round(setup_s, 3),
        "planning_s": round(planning_s, 3),
        "jobs": jobs_done,
        "notebooks": len(jobs_done),
        "cells": sum(j["cells"] for j in jobs_done),
        "failures": [{"key": j["key"], **j["failure"]} for j in jobs_done if j["failure"]],
        "in_process_s": round(time.perf_counter() - PROCESS_STARTED, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="the notebooks' own code cells in one process (the floor)")
    parser.add_argument("--out", type=Path, required=True, help="write the result here (JSON)")
    parser.add_argument("--phase", action="append", dest="phases", default=[], help="phase (repeatable; default all)")
    parser.add_argument("--lang", action="append", dest="langs", default=[], help="language (repeatable; default en)")
    parser.add_argument("--districts", default="events", choices=["events", "all", "none"])
    parser.add_argument("--only", action="append", default=[], metavar="REPORT_ID", help="keep only this report")
    parser.add_argument("--limit", type=int, default=0, help="at most this many jobs per stage")
    args = parser.parse_args()
    result = _floor(args.phases, args.langs or ["en"], args.districts, args.only, args.limit)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    for failure in result["failures"]:
        print(f"floor: cell {failure['cell_index']} of {failure['key']} failed: {failure['ename']}: {failure['evalue']}",
              file=sys.stderr)
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
