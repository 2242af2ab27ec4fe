"""``make bench``: the build against its floor and the plain papermill loop; no-op, sheets, breadth, page weights.

One run, on one machine, in a temporary copy of the project (``GEM_KIT_ROOT``; the
user's ``reports/`` and ``data/processed/`` are untouched). Every command runs in a
fresh process, timed with the peak memory of its whole process tree (``measuring``).

1. **Ratio set** (phase 1, English, the event districts' briefs, ``--no-pdf``;
   whatever ``plan_jobs`` gives for that scope), four ways:
   the naive loop (``papermill`` CLI then ``jupyter nbconvert`` CLI per report),
   ``gem-reports build`` cold with the default ``--jobs`` (target: ≥ 8× faster than
   the naive loop), the **floor** (``floor``: the notebooks' own code cells in one
   process, imports included) and ``gem-reports build --jobs 1 --force`` (target:
   ≤ 1.3× the floor; the two are run in turns three times, the median pair counts).
2. **The ``make reports`` set**: ``gem-reports build --lang all`` cold, then again
   with nothing changed (no-op, target ≤ 0.5 s); then the page weights (``sizes``).
   Then **PDFs** (``pdfs``): 20 of its district pages printed through one browser
   (target ≤ 0.35 s a PDF, compaction included), and each with its own Chromium.
3. **Sheets** (``sheets``): ``gem-reports validate`` of a 2,00,000-row ``.xlsx``
   (≤ 8 s) and of the 1,000,000-row CSV (≤ 4 s, ≤ 600 MB), and the CSV's ingest
   + aggregation (≤ 5 s, ≤ 1 GB).
4. **Breadth** (``breadth``; not with ``--quick``): every phase, every district,
   both languages, every notebook run: time, notebooks per second, peak memory.

Results are printed, written to ``bench/out/results.json`` and into
``docs/benchmarks.md`` between the ``bench:results`` markers (``results``).

Usage: ``python bench/run_bench.py [--quick] [--no-breadth] [--jobs N] [--rows N] [--xlsx-rows N]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import shutil
import sys
from pathlib import Path

from breadth import breadth_benchmark, planned_notebooks
from floor import run_floor
from measuring import BIN, PROJECT, gem_reports, machine, make_workspace, measure, reset_outputs, workspace_env
from pdfs import PDF_PAGES, pdf_benchmark
from results import median_pair, report, write_doc
from sheets import csv_benchmarks, xlsx_benchmark
from sizes import page_weights

RESULTS_DIR = PROJECT / "bench" / "out"
RUNS_THAT_MUST_SUCCEED = (
    "naive_loop", "cold_build", "floor", "build_jobs_1", "full_build", "noop_rebuild", "validate_xlsx", "validate_csv",
    "ingest_csv", "breadth",
)
RUN_GROUPS_THAT_MUST_SUCCEED = ("pdfs",)
#: The floor and the ``--jobs 1`` build are measured this many times, in turns, and the pair of the median
#: ratio is reported: one pair of each varied between 1.17x and 1.25x on a quiet machine (2026-12-06).
RATIO_PAIRS = 3


def naive_loop(workspace: Path, env: dict[str, str], phases: list[str], langs: list[str]) -> dict:
    """The plain loop: papermill CLI then nbconvert CLI, report after report, in one shell script."""
    from helpers.campaign.phases import load_phases  # planned against the workspace (GEM_KIT_ROOT)
    from helpers.plan import BuildScope, plan_jobs

    declared = load_phases()
    scope = BuildScope(phases=tuple(declared[p] for p in phases), langs=tuple(langs), districts="events", with_pdf=False)
    jobs = plan_jobs(scope)
    out = workspace / "naive"
    out.mkdir(exist_ok=True)
    lines = ["set -e"]
    for job in jobs:
        executed = out / (job.key.replace("/", "__") + ".ipynb")
        parameters = " ".join(f"-r {name} {shlex.quote(str(value))}" for name, value in job.parameters.items())
        job.out_dir.mkdir(parents=True, exist_ok=True)
        lines.append(f"{BIN}/papermill --no-progress-bar --cwd {workspace / 'notebooks'} "
                     f"{job.notebook} {executed} {parameters} >/dev/null 2>&1")
        for page in job.pages:
            no_input = "--no-input" if page.audience == "brief" else ""
            target = executed.with_name(executed.stem + "__" + Path(page.file_name).stem)
            lines.append(f"{BIN}/jupyter nbconvert --to html {no_input} --output {target} {executed} >/dev/null 2>&1")
    script = workspace / "naive.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = measure(["bash", str(script)], env, workspace)
    return {**result, "notebooks": len(jobs), "html_rendered": sum(len(job.pages) for job in jobs)}


def build(workspace: Path, env: dict[str, str], *options: str, jobs: int | None = None) -> dict:
    """Time ``gem-reports build`` with ``options`` (and ``--jobs`` when given) in the workspace."""
    command = gem_reports("build", *options)
    if jobs:
        command += ["--jobs", str(jobs)]
    return measure(command, env, workspace)


def _step(label: str, results: dict, key: str, run) -> None:
    """Run one measurement, store it under ``key`` and print one line about it."""
    print(f"{label}...", flush=True)
    results[key] = run()
    result = results[key]
    tail = f": {result['output_tail'][-1]}" if result.get("output_tail") else ""
    print(f"    {result.get('floor_s', result['wall_s']):.2f} s, {result['peak_mib']:.0f} MiB, "
          f"exit {result['exit_code']}{tail}", flush=True)


def ratio_set(workspace: Path, env: dict[str, str], args: argparse.Namespace, results: dict) -> None:
    """Naive loop, cold build, floor and ``--jobs 1`` build of the ratio set, on the same workspace."""
    phases, langs = [args.ratio_phase], [args.ratio_lang]
    scope_options = ["--phase", args.ratio_phase, "--lang", args.ratio_lang, "--no-pdf"]
    results["ratio_set"] = {"phases": phases, "langs": langs, "notebooks": planned_notebooks(phases, langs, "events")}
    _step("1/9 ratio set: naive loop (papermill CLI + nbconvert CLI)", results, "naive_loop",
          lambda: naive_loop(workspace, env, phases, langs))
    reset_outputs(workspace)
    _step("2/9 ratio set: gem-reports build, cold, default --jobs", results, "cold_build",
          lambda: build(workspace, env, *scope_options, jobs=args.jobs))
    pairs = 1 if args.quick else RATIO_PAIRS
    for pair in range(1, pairs + 1):
        of = f" (pair {pair} of {pairs})"
        _step(f"3/9 ratio set: the floor (code cells in one process){of}", results, "floor",
              lambda: run_floor(workspace, env, phases, langs, "events"))
        for failure in results["floor"].get("failures") or []:
            print(f"    FLOOR INVALID: cell {failure.get('cell_index')} of {failure.get('key')}: "
                  f"{failure.get('ename')}: {failure.get('evalue')}", flush=True)
        _step(f"4/9 ratio set: gem-reports build --jobs 1 --force{of}", results, "build_jobs_1",
              lambda: build(workspace, env, *scope_options, "--force", jobs=1))
        pair_runs = {"floor": results["floor"], "build_jobs_1": results["build_jobs_1"]}
        results.setdefault("ratio_pairs", []).append(pair_runs)
    median = median_pair(results["ratio_pairs"])
    results["floor"], results["build_jobs_1"] = median["floor"], median["build_jobs_1"]


def reports_set(workspace: Path, env: dict[str, str], args: argparse.Namespace, results: dict) -> None:
    """The ``make reports`` set: cold build, no-op rebuild, page weights."""
    reset_outputs(workspace)
    _step("5/9 make reports set: gem-reports build --lang all, cold", results, "full_build",
          lambda: build(workspace, env, "--lang", "all", jobs=args.jobs))
    _step("6/9 make reports set: no-op rebuild", results, "noop_rebuild",
          lambda: build(workspace, env, "--lang", "all", jobs=args.jobs))
    results["page_weights"] = page_weights(workspace / "reports")
    print(f"7/9 PDFs: {PDF_PAGES} district pages through one browser, then each with its own Chromium", flush=True)
    results["pdfs"] = pdf_benchmark(workspace, env, PDF_PAGES, args.jobs)
    if not results["pdfs"]:
        print("    skipped: Chromium is not installed", flush=True)
    for key, run in results["pdfs"].items():
        print(f"    {key}: {run.get('per_pdf_s', float('nan')):.2f} s a PDF, {run['peak_mib']:.0f} MiB, "
              f"exit {run['exit_code']}", flush=True)


def sheets(workspace: Path, env: dict[str, str], args: argparse.Namespace, results: dict) -> None:
    """Validate the generated .xlsx and CSV; ingest the CSV."""
    print(f"8/9 sheets: {args.xlsx_rows:,}-row .xlsx (written once into bench/out/cache/), {args.rows:,}-row CSV",
          flush=True)
    results["validate_xlsx"] = xlsx_benchmark(workspace, env, args.xlsx_rows)
    results["validate_csv"], results["ingest_csv"] = csv_benchmarks(workspace, env, args.rows)
    for key in ("validate_xlsx", "validate_csv", "ingest_csv"):
        print(f"    {key}: {results[key]['wall_s']:.1f} s, {results[key]['peak_mib']:.0f} MiB, "
              f"exit {results[key]['exit_code']}", flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="ratio set, no-op and sheets only (no breadth)")
    parser.add_argument("--breadth", action=argparse.BooleanOptionalAction, default=None,
                        help="run every district of every phase in both languages (default: on, off with --quick)")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for the default builds (default: cores)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the CSV (default 1,000,000)")
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="rows of the .xlsx (default 2,00,000)")
    parser.add_argument("--ratio-phase", default="1", help="phase of the ratio set (default 1)")
    parser.add_argument("--ratio-lang", default="en", choices=["en", "hi"], help="language of the ratio set (default en)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    run_breadth = (not args.quick) if args.breadth is None else args.breadth
    workspace = make_workspace()
    env = workspace_env(workspace)
    os.environ["GEM_KIT_ROOT"] = str(workspace)  # this process plans against the workspace too
    from helpers.campaign.phases import load_phases

    results: dict = {"date": dt.date.today().isoformat(), "machine": machine(), "quick": args.quick,
                     "workspace": str(workspace)}
    print(f"benchmark workspace: {workspace}", flush=True)
    ratio_set(workspace, env, args, results)
    reports_set(workspace, env, args, results)
    sheets(workspace, env, args, results)
    if run_breadth:
        phases = list(load_phases())
        _step(f"9/9 breadth: every district of phase(s) {', '.join(phases)}, both languages", results, "breadth",
              lambda: breadth_benchmark(workspace, env, phases, args.jobs))

    text = report(results)
    print()
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if not args.no_doc and not args.quick:
        write_doc(text)
    if not args.keep:
        shutil.rmtree(workspace, ignore_errors=True)
    failed = [key for key in RUNS_THAT_MUST_SUCCEED if key in results and results[key]["exit_code"] != 0]
    failed += [f"{group} {key}" for group in RUN_GROUPS_THAT_MUST_SUCCEED
               for key, run in (results.get(group) or {}).items() if run["exit_code"] != 0]
    failed += ["floor (failed cells)"] if results["floor"].get("failures") else []
    if failed:
        print(f"bench: these runs failed: {', '.join(failed)} (see bench/out/results.json)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
