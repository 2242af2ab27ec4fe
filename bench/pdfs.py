"""PDF per page for ``make bench``: built district pages printed through one browser, and each by its own Chromium.

``pdf_benchmark`` runs this file in a fresh process twice over the same pages (up to
``--count`` district briefs of the ``make reports`` build, English and Hindi taken in
turn; a small set of sample briefs is written when the folder has none):

- **one browser**: the build's way (``pdf.print_pdf``: the process's shared headless
  Chromium, ``helpers.publishing.printer``), pages handed to it from ``--threads``
  worker threads as the build's workers do, each PDF compacted (``pdf_compaction``)
  in its worker. The browser is started first and its start timed apart; the seconds
  per PDF are the printing's wall time over the number of PDFs. Target ≤ 0.35 s.
- **own Chromium**: the same pages, the same threads, each printed by a Chromium
  started for it (``chromium --print-to-pdf``, ``pdf.print_with_new_process``, the
  way before 2026-12) and compacted: the comparison.

The PDFs go to a temporary folder; the built ones are not touched. The process prints
one JSON line last: ``way``, ``pdfs``, ``threads``, ``start_s``, ``per_pdf_s`` and
``cpu_per_pdf_s`` (CPU seconds of the process and every Chromium it started, the
browser's start included, over the number of PDFs: what a busy machine changes least).

Usage: ``python bench/pdfs.py PAGES_DIR [--count 20] [--threads N] [--own-chromium]``
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from measuring import measure

PDF_PAGES = 20
PDF_MAX_S = 0.35
HERE = Path(__file__).resolve().parent


def district_pages(reports_dir: Path, count: int) -> list[Path]:
    """Up to ``count`` district briefs of ``reports_dir``, English and Hindi in turn."""
    found = [p for p in sorted(reports_dir.glob("phase-*/districts/*.html")) if ".error." not in p.name]
    english = [p for p in found if not p.name.endswith(".hi.html")]
    hindi = [p for p in found if p.name.endswith(".hi.html")]
    paired = [page for pair in zip(english, hindi) for page in pair] + english[len(hindi):] + hindi[len(english):]
    return paired[:count]


def sample_pages(folder: Path, count: int) -> list[Path]:
    """Write ``count`` sample briefs (two A4 pages each, English and Hindi in turn, synthetic notice, footer)."""
    import nbformat

    from helpers.publishing import pages, print_header

    folder.mkdir(parents=True, exist_ok=True)
    kinds = cycle([("en", "District brief: Agra", "Phase 1", "Lorem ipsum dolor sit amet. "),
                   ("hi", "जनपद ब्रीफ़: आगरा", "प्रथम चरण", "**लक्ष्य का 42%** पंजीकरण। ")])
    written = []
    for number, (lang, title, phase, words) in enumerate(islice(kinds, count)):
        v4 = nbformat.v4
        nb = v4.new_notebook()
        nb.cells = [v4.new_markdown_cell(f"# {title}")] + [v4.new_markdown_cell(f"## {n}\n\n" + words * 60)
                                                            for n in range(3)]
        page = pages.notebook_to_html(nb, audience="brief", lang=lang, title=title, is_synthetic=True)
        footer = print_header.running_footer_css(title=title, phase=phase, as_of=dt.date(2022, 3, 31), lang=lang)
        path = folder / f"sample-{number:02d}.{lang}.html"
        path.write_text(page.replace("</head>", f"<style>{footer}</style>\n</head>", 1), encoding="utf-8")
        written.append(path)
    return written


def _print_own_chromium(source: Path, target: Path) -> None:
    """The way before one browser: a Chromium started for this PDF, then compaction."""
    from helpers.publishing import pdf, pdf_compaction

    pdf.print_with_new_process(pdf.find_chromium(), source.resolve(), target.resolve())
    pdf_compaction.compact_pdf(target)


def _cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended (Chromium, Playwright's driver)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def time_printing(pages: list[Path], out_dir: Path, threads: int, *, own_chromium: bool) -> dict:
    """Print ``pages`` from ``threads`` threads; the browser's start and the seconds per PDF."""
    from helpers.publishing import pdf, printer

    cpu_before = _cpu_s()
    start_s = 0.0
    if not own_chromium:
        started = time.perf_counter()
        if printer.shared_printer(pdf.find_chromium(), pdf.HEADLESS_FLAGS) is None:
            raise SystemExit("bench: the shared browser did not start (see the line above)")
        start_s = time.perf_counter() - started
    print_one = _print_own_chromium if own_chromium else pdf.print_pdf
    targets = [out_dir / f"{n:03d}-{page.stem}.pdf" for n, page in enumerate(pages)]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as workers:
        list(workers.map(print_one, pages, targets))
    elapsed = time.perf_counter() - started
    printer.close_shared_printer()
    cpu_s = _cpu_s() - cpu_before
    return {"way": "own Chromium" if own_chromium else "one browser", "pdfs": len(pages), "threads": threads,
            "start_s": round(start_s, 3), "per_pdf_s": round(elapsed / len(pages), 3),
            "cpu_per_pdf_s": round(cpu_s / len(pages), 3),
            "pdf_bytes": sum(t.stat().st_size for t in targets)}


def pdf_benchmark(workspace: Path, env: dict[str, str], count: int = PDF_PAGES, threads: int | None = None) -> dict:
    """Both ways over the workspace's district pages, each in a fresh process (``measuring.measure``).

    Returns:
        ``one_browser`` and ``own_chromium``: each the measured run (wall time, peak memory,
        exit code) with this script's JSON line merged in; nothing when Chromium is not installed.
    """
    from helpers.publishing import pdf

    if pdf.find_chromium() is None:
        return {}
    threads = threads or os.cpu_count() or 1
    results = {}
    for key, extra in (("one_browser", []), ("own_chromium", ["--own-chromium"])):
        command = [sys.executable, str(HERE / "pdfs.py"), str(workspace / "reports"),
                   "--count", str(count), "--threads", str(threads), *extra]
        run = measure(command, env, workspace)
        try:
            run.update(json.loads(run["output_tail"][-1]))
        except (IndexError, ValueError):
            run["exit_code"] = run["exit_code"] or 1
        results[key] = run
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages_dir", type=Path, help="a reports folder (its phase-*/districts/*.html are printed)")
    parser.add_argument("--count", type=int, default=PDF_PAGES, help=f"how many pages (default {PDF_PAGES})")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="worker threads (default: cores)")
    parser.add_argument("--own-chromium", action="store_true", help="print each page with its own Chromium")
    args = parser.parse_args()
    from helpers.publishing import pdf

    if pdf.find_chromium() is None:
        raise SystemExit("bench: Chromium is not installed (apt-get install chromium); no PDF to time")
    with tempfile.TemporaryDirectory(prefix="gem-bench-pdfs-") as scratch:
        pages = district_pages(args.pages_dir, args.count) or sample_pages(Path(scratch) / "pages", args.count)
        out_dir = Path(scratch) / "pdfs"
        out_dir.mkdir()
        result = time_printing(pages, out_dir, args.threads, own_chromium=args.own_chromium)
    result["pages"] = "sample briefs" if not district_pages(args.pages_dir, 1) else "district briefs"
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
