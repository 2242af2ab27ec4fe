"""Page weights for ``make bench`` (issue 12): the briefs and the whole ``reports/`` of ``make reports``.

Targets: a phase brief (``phase-*/brief.html``, ``brief.hi.html``) at most 300 KB, a
district brief at most 120 KB in either language, the ``reports/`` folder at most
30 MB. KB and MB are 1,000 and 1,000,000 bytes (the stricter reading).

Belongs here: measuring the built files. Not here: building them (``run_bench``).
"""

from __future__ import annotations

from pathlib import Path

PHASE_BRIEF_MAX_BYTES = 300_000
DISTRICT_BRIEF_MAX_BYTES = 120_000
REPORTS_DIR_MAX_BYTES = 30_000_000


def folder_bytes(folder: Path) -> int:
    """The total size of the files under ``folder``, in bytes."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _district_briefs(reports_dir: Path, lang: str) -> list[Path]:
    """The district briefs' HTML pages of one language (``agra.html`` is English, ``agra.hi.html`` Hindi)."""
    pages = reports_dir.glob("phase-*/districts/*.html")
    return [p for p in pages if (p.name.endswith(".hi.html")) == (lang == "hi") and ".error." not in p.name]


def page_weights(reports_dir: Path) -> list[dict]:
    """One row per measured file or folder: ``what``, ``path``, ``bytes``, ``max_bytes``.

    A brief that is missing gets ``bytes`` None (a miss), so a build that failed
    to write a page does not pass for a light one.
    """
    rows = []
    for phase_dir in sorted(reports_dir.glob("phase-*")):
        for name in ("brief.html", "brief.hi.html"):
            path = phase_dir / name
            rows.append({"what": f"{phase_dir.name}/{name}", "path": str(path),
                         "bytes": path.stat().st_size if path.exists() else None, "max_bytes": PHASE_BRIEF_MAX_BYTES})
    for lang in ("en", "hi"):
        briefs = _district_briefs(reports_dir, lang)
        largest = max(briefs, key=lambda p: p.stat().st_size, default=None)
        rows.append({
            "what": f"largest district brief ({lang}" + (f", {largest.relative_to(reports_dir)})" if largest else ", none built)"),
            "path": str(largest) if largest else "", "bytes": largest.stat().st_size if largest else None,
            "max_bytes": DISTRICT_BRIEF_MAX_BYTES,
        })
    rows.append({"what": "reports/ (make reports)", "path": str(reports_dir), "bytes": folder_bytes(reports_dir),
                 "max_bytes": REPORTS_DIR_MAX_BYTES})
    return rows
