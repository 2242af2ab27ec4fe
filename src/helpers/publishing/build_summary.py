"""The few lines a build ends with, for a person at a terminal and for the mail a scheduled run sends.

At most ``MAX_LINES`` lines: per phase, its as-of date, new registrations in the period,
districts behind their target, districts that sent no sheet, figures revised; then the
reports that failed, and where the index is. ``gem-reports build --quiet`` prints only
these lines, so a cron job mails a note a reader can act on, not a list of notebooks.

The figures come from what the phase briefs published (their ``figures.csv``, the
ledger's rows) and from the store (revisions), never computed again here.

Belongs here: choosing and wording those lines. Not here: the build (``build``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from helpers import paths
from helpers.store import figure_count as _count

#: A scheduler's mail carries at most this many lines.
MAX_LINES = 10


def _figures(path: Path) -> dict[str, str]:
    """The phase-wide figures (district "") of a figures CSV by name, with its ``as_of_date`` and ``report``."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    figures = {row["figure"]: row["value"] for row in rows if not row.get("district")}
    if rows:
        figures.update(as_of_date=rows[0]["as_of_date"], report=rows[0]["report"])
    return figures


def phase_line(phase_id: str, figures: dict[str, str], behind_codes: Sequence[str], silent: int | None,
               revised: int) -> str:
    """One phase in one line: "Phase 1 as of 2022-03-31: 827 new registrations, 38 districts behind, ..."."""
    parts = [f"Phase {phase_id} as of {figures.get('as_of_date', '?')}:"]
    new = _count(figures, "new_registrations_count")
    parts.append(f"{new:,} new registrations" if new is not None else "new registrations not reported")
    behind = [_count(figures, f"phase_districts_{code}_count") for code in behind_codes]
    if any(count is not None for count in behind):
        parts.append(f", {sum(c or 0 for c in behind)} districts behind target")
    if silent is not None:
        parts.append(f", {silent} with no sheet this period")
    parts.append(f", {revised} figure(s) revised" if revised else ", no revision")
    return " ".join(parts[:2]) + "".join(parts[2:])


def summary_lines(results: Sequence, phase_ids: Sequence[str], *, counts_line: str,
                  silent_by_phase: dict[str, int] | None = None) -> list[str]:
    """The build's closing lines (at most ``MAX_LINES``).

    Args:
        results: the build's ``JobResult``s.
        phase_ids: the phases built.
        counts_line: "N built, N up to date, N failed in S s".
        silent_by_phase: districts with no sheet in the period, per phase (None: not known).
    """
    from helpers import store
    from helpers.campaign import schemas
    from helpers.errors import TargetsError

    grades = schemas.validate(schemas.GradesModel, schemas.read_yaml(paths.GRADES_FILE, TargetsError, "grades file"),
                              schemas.shown(paths.GRADES_FILE), TargetsError)
    behind_codes = [grade.code for grade in grades.grades[1:]]  # every grade below the best
    lines = [f"Build: {counts_line}"]
    for phase_id in phase_ids[: MAX_LINES - 3]:
        figures = _figures(paths.REPORTS_DIR / f"phase-{phase_id}" / "figures.csv")
        if not figures:
            continue
        # figures of the report the store holds with more than one value
        revised = store.query(lambda memory: memory.revised_count(figures["report"], figures["as_of_date"]), 0)
        lines.append(phase_line(phase_id, figures, behind_codes, (silent_by_phase or {}).get(phase_id), revised))
    failed = [r.key for r in results if r.status == "failed"]
    if failed:
        shown = ", ".join(failed[:3]) + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")
        lines.append(f"FAILED: {shown} (see reports/build.json)")
    lines.append(f"Index: {paths.REPORTS_DIR / 'index.html'}")
    return lines[:MAX_LINES]
