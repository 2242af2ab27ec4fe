"""``make bench``: the kit's build against the plain papermill + nbconvert loop, and the 1M-row ingest.

One run, on one machine, builds the same set of reports three ways and
measures each one's wall time and peak memory (the whole process tree:
the command and every kernel it starts, sampled every 50 ms):

1. **naive loop**: for every report, ``papermill`` (CLI) then ``jupyter nbconvert``
   (CLI), one after the other — the plain way to use the tools;
2. **cold build**: ``gem-reports build`` with no previous state and no outputs;
3. **no-op rebuild**: ``gem-reports build`` again, nothing having changed.

The report set is every phase, every notebook, the district briefs of every
phase and every language (``--lang all``); PDF printing is left out of both
(``--no-pdf``) because the naive loop has no equivalent. Then it times reading,
cleaning and aggregating a 1,000,000-row registration file made by the demo
generator, in a fresh process.

Everything runs in a temporary copy of the project (``GEM_KIT_ROOT``), so the
user's ``reports/`` and ``data/processed/`` are untouched. The results are
printed, written to ``bench/out/results.json`` and into ``docs/benchmarks.md``
between the ``bench:results`` markers.

Usage: ``python bench/run_bench.py [--quick] [--rows N] [--jobs N]``
(``--quick``: phase 1 only, English only, to try the benchmark itself).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS_DIR = PROJECT / "bench" / "out"
DOC = PROJECT / "docs" / "benchmarks.md"
START_MARK, END_MARK = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def measure(command: list[str], env: dict[str, str], cwd: Path) -> dict:
    """Run a command; return its wall time (s), peak memory of its process tree (MiB) and exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                total = 0
                for member in tree:
                    try:
                        total += member.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
                peak = max(peak, total)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    return {
        "wall_s": time.perf_counter() - started,
        "peak_mib": peak / 2**20,
        "exit_code": process.returncode,
        "output_tail": output.strip().splitlines()[-3:],
    }


def make_workspace() -> Path:
    """A temporary copy of the project's notebooks and raw data, with empty output folders."""
    workspace = Path(tempfile.mkdtemp(prefix="gem-bench-"))
    shutil.copytree(PROJECT / "notebooks", workspace / "notebooks")
    shutil.copytree(PROJECT / "data" / "raw", workspace / "data" / "raw")
    (workspace / "data" / "processed").mkdir(parents=True)
    (workspace / "reports").mkdir()
    return workspace


def naive_loop(workspace: Path, env: dict[str, str], phases: list[str], langs: list[str]) -> dict:
    """The plain loop: papermill CLI then nbconvert CLI, report after report, in one shell script."""
    os.environ["GEM_KIT_ROOT"] = str(workspace)
    from helpers.campaign.phases import load_phases  # planned against the workspace
    from helpers.publishing.plan import BuildScope, plan_jobs

    declared = load_phases()
    scope = BuildScope(phases=tuple(declared[p] for p in phases), langs=tuple(langs), districts="events", with_pdf=False)
    jobs = plan_jobs(scope)
    out = workspace / "naive"
    lines = ["set -e"]
    for job in jobs:
        executed = out / job.key.replace("/", "__")
        executed = executed.with_name(executed.name + ".ipynb")
        parameters = " ".join(f"-p {k} '{v}'" for k, v in job.parameters.items())
        lines.append(
            f"{BIN}/papermill --no-progress-bar --cwd {workspace / 'notebooks'} "
            f"{job.notebook} {executed} {parameters} >/dev/null 2>&1"
        )
        for page in job.pages:
            no_input = "--no-input" if page.audience == "brief" else ""
            target = executed.with_name(executed.stem + "__" + Path(page.file_name).stem)
            lines.append(
                f"{BIN}/jupyter nbconvert --to html {no_input} --output {target} {executed} >/dev/null 2>&1"
            )
    script = workspace / "naive.sh"
    out.mkdir()
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = measure(["bash", str(script)], env, workspace)
    result["notebooks_executed"] = len(jobs)
    result["html_rendered"] = sum(len(job.pages) for job in jobs)
    return result


def kit_build(workspace: Path, env: dict[str, str], phases: list[str], lang: str, jobs: int | None) -> dict:
    command = [str(BIN / "gem-reports"), "build", "--lang", lang, "--no-pdf"]
    for phase in phases:
        command += ["--phase", phase]
    if jobs:
        command += ["--jobs", str(jobs)]
    return measure(command, env, workspace)


INGEST_SCRIPT = """
import sys, time
from pathlib import Path
from helpers.ingest import ingest_paths
from helpers.analysis import metrics
from helpers.campaign.phases import load_phases
started = time.perf_counter()
result = ingest_paths([Path(sys.argv[1])])
phases = load_phases()
per_phase = metrics.registrations_by_phase(result.accepted, phases)
coverage = [metrics.district_coverage(metrics.phase_registrations(result.accepted, p), p) for p in phases.values()]
quality = result.quality
assert int(quality["rows_in"].sum()) == int(quality["accepted"].sum() + quality["rejected"].sum() + quality["duplicates"].sum())
print(f"rows_in={int(quality['rows_in'].sum())} accepted={len(result.accepted)} in {time.perf_counter() - started:.1f} s")
"""


def ingest_benchmark(workspace: Path, env: dict[str, str], rows: int) -> dict:
    """Read, clean and aggregate ``rows`` generated registrations in a fresh process."""
    from helpers.demo import large as demo_data

    csv_path = workspace / "bench_registrations.csv"
    demo_data.write_large_demo(csv_path, rows)
    result = measure([str(BIN / "python"), "-c", INGEST_SCRIPT, str(csv_path)], env, workspace)
    result["rows"] = rows
    result["file_mib"] = csv_path.stat().st_size / 2**20
    return result


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu": next(
            (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
             if line.startswith("model name")),
            platform.processor(),
        ) if Path("/proc/cpuinfo").exists() else platform.processor(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
    }


def report(results: dict) -> str:
    naive, cold, noop, ingest = (results[k] for k in ("naive_loop", "cold_build", "noop_rebuild", "ingest_1m"))
    m = results["machine"]
    lines = [
        f"Run of {results['date']} on {m['cpu_count']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"Python {m['python']}, {m['platform']}.",
        f"Report set: phases {', '.join(results['phases'])}, languages {results['lang']}, district briefs of "
        f"event districts: {naive['notebooks_executed']} notebook executions, {naive['html_rendered']} HTML pages.",
        "",
        "| run | wall time | peak memory | exit |",
        "|---|---:|---:|---:|",
        f"| naive loop (papermill CLI + nbconvert CLI) | {naive['wall_s']:.1f} s | {naive['peak_mib']:.0f} MiB | {naive['exit_code']} |",
        f"| `gem-reports build`, cold | {cold['wall_s']:.1f} s | {cold['peak_mib']:.0f} MiB | {cold['exit_code']} |",
        f"| `gem-reports build`, no-op rebuild | {noop['wall_s']:.2f} s | {noop['peak_mib']:.0f} MiB | {noop['exit_code']} |",
        f"| ingest + clean + aggregate, {ingest['rows']:,} rows ({ingest['file_mib']:.0f} MiB CSV) | "
        f"{ingest['wall_s']:.1f} s | {ingest['peak_mib']:.0f} MiB | {ingest['exit_code']} |",
        "",
        f"- cold build vs naive loop: **{naive['wall_s'] / cold['wall_s']:.1f}x** faster (target: at least 4x)",
        f"- no-op rebuild vs cold build: **{cold['wall_s'] / noop['wall_s']:.0f}x** faster (target: at least 30x)",
        f"- 1M-row ingest: **{ingest['wall_s']:.1f} s**, **{ingest['peak_mib']:.0f} MiB** peak "
        "(target: well under 60 s and under 2,048 MiB)",
    ]
    return "\n".join(lines)


def write_doc(text: str) -> None:
    document = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{START_MARK}\n{END_MARK}\n"
    if START_MARK not in document:
        document += f"\n{START_MARK}\n{END_MARK}\n"
    head, rest = document.split(START_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    DOC.write_text(f"{head}{START_MARK}\n{text}\n{END_MARK}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="phase 1 and English only")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for the ingest benchmark")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for gem-reports build (default: cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary workspace")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    workspace = make_workspace()
    env = {**os.environ, "GEM_KIT_ROOT": str(workspace), "PYTHONWARNINGS": "ignore"}
    os.environ["GEM_KIT_ROOT"] = str(workspace)
    from helpers.campaign.phases import load_phases

    phases = ["1"] if args.quick else list(load_phases())
    lang = "en" if args.quick else "all"
    langs = ["en"] if lang == "en" else ["en", "hi"]
    results: dict = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "phases": phases,
        "lang": lang,
        "workspace": str(workspace),
    }
    print(f"benchmark workspace: {workspace}", flush=True)
    print("1/4 naive loop (papermill CLI + nbconvert CLI)...", flush=True)
    results["naive_loop"] = naive_loop(workspace, env, phases, langs)
    print(f"    {results['naive_loop']['wall_s']:.1f} s", flush=True)
    for folder in (workspace / "reports", workspace / "data" / "processed"):
        shutil.rmtree(folder)
        folder.mkdir()
    print("2/4 gem-reports build, cold...", flush=True)
    results["cold_build"] = kit_build(workspace, env, phases, lang, args.jobs)
    print(f"    {results['cold_build']['wall_s']:.1f} s: {results['cold_build']['output_tail'][-1:]}", flush=True)
    print("3/4 gem-reports build, no-op...", flush=True)
    results["noop_rebuild"] = kit_build(workspace, env, phases, lang, args.jobs)
    print(f"    {results['noop_rebuild']['wall_s']:.2f} s", flush=True)
    print(f"4/4 ingest of {args.rows:,} rows...", flush=True)
    results["ingest_1m"] = ingest_benchmark(workspace, env, args.rows)
    print(f"    {results['ingest_1m']['wall_s']:.1f} s: {results['ingest_1m']['output_tail'][-1:]}", flush=True)

    text = report(results)
    print()
    print(text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if not args.no_doc and not args.quick:
        write_doc(text)
    if not args.keep:
        shutil.rmtree(workspace, ignore_errors=True)
    failed = [k for k in ("naive_loop", "cold_build", "noop_rebuild", "ingest_1m") if results[k]["exit_code"] != 0]
    if failed:
        print(f"bench: these runs failed: {', '.join(failed)} (see bench/out/results.json)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
