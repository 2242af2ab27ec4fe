"""Breadth for ``make bench`` (issue 13 item 4): every phase, every district, both languages.

``gem-reports build --lang all --districts all --no-pdf --force``: the largest set
the kit builds, every notebook run (``--force``). Reported: wall time, notebooks per
second, peak memory of the process tree, and the mean time per notebook of each
report (from the build's own ``build.json``), which is what the growth with phases
× districts × languages in ``docs/benchmarks.md`` is computed from.

Belongs here: the breadth run and its per-report costs. Not here: measuring a
process (``measuring``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from measuring import gem_reports, measure


def planned_notebooks(phases: list[str], langs: list[str], districts: str) -> int:
    """How many notebooks ``gem-reports build`` runs for this scope (``GEM_KIT_ROOT`` must be set)."""
    from helpers.campaign.phases import load_phases
    from helpers.plan import BuildScope, plan_jobs

    declared = load_phases()
    scope = BuildScope(phases=tuple(declared[p] for p in phases), langs=tuple(langs), districts=districts, with_pdf=False)
    return len(plan_jobs(scope))


def seconds_per_report(build_json: Path) -> dict[str, dict]:
    """Per report id: how many jobs ran and their mean and total seconds (from ``reports/build.json``)."""
    try:
        results = json.loads(build_json.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return {}
    durations: dict[str, list[float]] = defaultdict(list)
    for result in results:
        if result.get("status") == "ok":
            durations[result["report_id"]].append(float(result.get("duration_s") or 0))
    return {
        report_id: {"jobs": len(values), "mean_s": sum(values) / len(values), "total_s": sum(values)}
        for report_id, values in durations.items()
    }


def breadth_benchmark(workspace: Path, env: dict[str, str], phases: list[str], jobs: int | None) -> dict:
    """Build every district of every phase in both languages (no PDF), every notebook run."""
    command = gem_reports("build", "--lang", "all", "--districts", "all", "--no-pdf", "--force")
    if jobs:
        command += ["--jobs", str(jobs)]
    notebooks = planned_notebooks(phases, ["en", "hi"], "all")
    result = measure(command, env, workspace)
    return {
        **result, "notebooks": notebooks, "notebooks_per_s": notebooks / result["wall_s"],
        "per_report": seconds_per_report(workspace / "reports" / "build.json"),
    }
