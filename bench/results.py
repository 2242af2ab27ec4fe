"""The results of ``make bench``: a Markdown report with every measure beside its target, PASS or MISS.

``report(results)`` turns the dict ``run_bench`` collects into the text printed at
the end and written into ``docs/benchmarks.md`` between the ``bench:results``
markers (``write_doc``); everything outside the markers is hand-written and kept.

Belongs here: formatting and targets. Not here: measuring (``run_bench`` and the
modules it calls).
"""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
START_MARK, END_MARK = "<!-- bench:results:start -->", "<!-- bench:results:end -->"

FLOOR_RATIO_MAX = 1.3
NAIVE_RATIO_MIN = 8.0
NOOP_MAX_S = 0.5
XLSX_MAX_S = 8.0
#: ``validate`` of the CSV, and its ingest + cleaning + aggregation: (seconds, bytes of peak memory).
CSV_TARGETS = {"validate_csv": (4.0, 600_000_000), "ingest_csv": (5.0, 1_000_000_000)}
PDF_MAX_S = 0.35


def verdict(is_met: bool) -> str:
    return "PASS" if is_met else "**MISS**"


def _ran(result: dict | None) -> bool:
    return bool(result) and result.get("exit_code") == 0


def pair_ratio(pair: dict) -> float:
    """A pair's build ``--jobs 1`` wall time over its floor (infinite when the floor did not run)."""
    floor_s = pair["floor"].get("floor_s") or 0.0
    return pair["build_jobs_1"]["wall_s"] / floor_s if floor_s > 0 else float("inf")


def pair_valid(pair: dict) -> bool:
    """Whether both runs of a pair ran to the end and the floor had no failed cell."""
    return _ran(pair["floor"]) and not pair["floor"].get("failures") and _ran(pair["build_jobs_1"])


def median_pair(pairs: list[dict]) -> dict:
    """The pair of the median ratio (the lower of the middle two for an even count); a failed pair, when any
    ran, is not chosen (the report then says the ratio is not valid)."""
    valid = [pair for pair in pairs if pair_valid(pair)] or pairs
    return sorted(valid, key=pair_ratio)[(len(valid) - 1) // 2]


def _ratio_rows(results: dict) -> list[str]:
    """The ratio set: floor, --jobs 1, naive loop, default-jobs cold build, and the two ratios."""
    floor, single, naive, cold = (results.get(k) for k in ("floor", "build_jobs_1", "naive_loop", "cold_build"))
    rows = []
    if floor:
        state = "valid" if _ran(floor) and not floor.get("failures") else f"INVALID ({len(floor.get('failures') or [])} failed cell(s))"
        rows.append(f"| floor: the notebooks' code cells in one process ({floor.get('cells', 0)} cells, {state}) | "
                    f"{floor['floor_s']:.1f} s | {floor['peak_mib']:.0f} MiB | {floor['exit_code']} |")
    for label, result in (("`gem-reports build --jobs 1 --force --no-pdf`", single),
                          ("naive loop (papermill CLI + nbconvert CLI)", naive),
                          ("`gem-reports build --no-pdf`, cold, default --jobs", cold)):
        if result:
            rows.append(f"| {label} | {result['wall_s']:.1f} s | {result['peak_mib']:.0f} MiB | {result['exit_code']} |")
    return rows


def _ratio_lines(results: dict) -> list[str]:
    floor, single, naive, cold = (results.get(k) for k in ("floor", "build_jobs_1", "naive_loop", "cold_build"))
    lines = []
    if floor and single:
        pairs = results.get("ratio_pairs") or [{"floor": floor, "build_jobs_1": single}]
        valid = all(pair_valid(pair) for pair in pairs)  # the reported pair is one of them
        ratio = pair_ratio({"floor": floor, "build_jobs_1": single})
        each = ", ".join(f"{pair_ratio(p):.2f}x" for p in pairs)
        lines.append(f"- build `--jobs 1` / floor: **{ratio:.2f}x** (target ≤ {FLOOR_RATIO_MAX}x; the median of "
                     f"{len(pairs)} pair(s) run in turns: {each}): {verdict(valid and ratio <= FLOOR_RATIO_MAX)}"
                     + ("" if valid else " — a run failed, the ratio is not valid"))
    if naive and cold:
        ratio = naive["wall_s"] / cold["wall_s"]
        lines.append(f"- naive loop / cold build: **{ratio:.1f}x** faster (target ≥ {NAIVE_RATIO_MIN:.0f}x): "
                     f"{verdict(_ran(naive) and _ran(cold) and ratio >= NAIVE_RATIO_MIN)}")
    return lines


def _reports_set_lines(results: dict) -> list[str]:
    full, noop = results.get("full_build"), results.get("noop_rebuild")
    lines = []
    if full:
        lines.append(f"- `gem-reports build --lang all` (the `make reports` set), cold: {full['wall_s']:.1f} s, "
                     f"{full['peak_mib']:.0f} MiB peak, exit {full['exit_code']}")
    if noop:
        lines.append(f"- the same, no-op rebuild: **{noop['wall_s']:.2f} s** (target ≤ {NOOP_MAX_S} s): "
                     f"{verdict(_ran(noop) and noop['wall_s'] <= NOOP_MAX_S)}")
    return lines


def _pdf_lines(results: dict) -> list[str]:
    if results.get("pdfs") == {}:
        return ["- PDF per page through one browser: not measured (Chromium is not installed)"]
    pdfs = results.get("pdfs") or {}
    one, own = pdfs.get("one_browser"), pdfs.get("own_chromium")
    lines = []
    if one and "per_pdf_s" in one:
        lines.append(f"- PDF per page through one browser ({one['pdfs']} {one['pages']}, {one['threads']} threads, "
                     f"compaction included; the browser's start, {one['start_s']:.1f} s, apart): "
                     f"**{one['per_pdf_s']:.2f} s** (target ≤ {PDF_MAX_S} s): "
                     f"{verdict(_ran(one) and one['per_pdf_s'] <= PDF_MAX_S)}")
    elif one:
        lines.append(f"- PDF per page through one browser: did not run (exit {one['exit_code']}: "
                     f"{' '.join(one.get('output_tail') or [])}): {verdict(False)}")
    if own and "per_pdf_s" in own:
        lines.append(f"  - the same pages, each with its own Chromium (the way before): {own['per_pdf_s']:.2f} s a PDF")
    return lines


def _sheet_lines(results: dict) -> list[str]:
    lines = []
    xlsx = results.get("validate_xlsx")
    if xlsx:
        lines.append(f"- `gem-reports validate` {xlsx['rows']:,}-row .xlsx ({xlsx['file_mib']:.0f} MiB): "
                     f"**{xlsx['wall_s']:.1f} s**, {xlsx['peak_mib']:.0f} MiB (target ≤ {XLSX_MAX_S:.0f} s): "
                     f"{verdict(_ran(xlsx) and xlsx['wall_s'] <= XLSX_MAX_S)}")
    for key, label in (("validate_csv", "`gem-reports validate`"), ("ingest_csv", "ingest + clean + aggregate")):
        result = results.get(key)
        if result:
            seconds, most = CSV_TARGETS[key]
            is_met = _ran(result) and result["wall_s"] <= seconds and result["peak_mib"] * 2**20 <= most
            lines.append(f"- {label} {result['rows']:,}-row CSV ({result['file_mib']:.0f} MiB): **{result['wall_s']:.1f} s**, "
                         f"**{result['peak_mib']:.0f} MiB** peak (target ≤ {seconds:.0f} s and ≤ {most / 1e6:,.0f} MB): "
                         f"{verdict(is_met)}")
    return lines


def _breadth_lines(results: dict) -> list[str]:
    breadth = results.get("breadth")
    if not breadth:
        return ["- breadth (`--districts all`, every phase, both languages): not run (`--quick` or `--no-breadth`)"]
    lines = [f"- breadth: `gem-reports build --lang all --districts all --no-pdf --force`, {breadth['notebooks']} notebooks: "
             f"**{breadth['wall_s']:.0f} s**, **{breadth['notebooks_per_s']:.2f} notebooks/s**, "
             f"**{breadth['peak_mib']:.0f} MiB** peak, exit {breadth['exit_code']}"]
    for report_id, cost in sorted(breadth.get("per_report", {}).items()):
        lines.append(f"  - {report_id}: {cost['jobs']} run(s), {cost['mean_s']:.1f} s each on average (in parallel)")
    return lines


def _weight_rows(results: dict) -> list[str]:
    rows = []
    for row in results.get("page_weights") or []:
        unit, scale = ("MB", 1e6) if row["max_bytes"] >= 1e6 else ("KB", 1e3)
        size = "missing" if row["bytes"] is None else f"{row['bytes'] / scale:,.1f} {unit}"
        is_met = row["bytes"] is not None and row["bytes"] <= row["max_bytes"]
        rows.append(f"| {row['what']} | {size} | ≤ {row['max_bytes'] / scale:,.0f} {unit} | {verdict(is_met)} |")
    return ["| page weight | size | target | |", "|---|---:|---:|---|", *rows] if rows else []


def report(results: dict) -> str:
    """The whole report of one run, in Markdown."""
    m, ratio_set = results["machine"], results["ratio_set"]
    lines = [
        f"Run of {results['date']} on {m['cpu_count']} cores ({m['cpu']}), {m['memory_gib']} GiB RAM, "
        f"Python {m['python']}, {m['platform']}{' (--quick)' if results.get('quick') else ''}.",
        "",
        f"**Ratio set**: phase(s) {', '.join(ratio_set['phases'])}, language(s) {', '.join(ratio_set['langs'])}, "
        f"district briefs of the event districts, no PDF: {ratio_set['notebooks']} notebooks.",
        "",
        "| run | wall time | peak memory | exit |",
        "|---|---:|---:|---:|",
        *_ratio_rows(results),
        "",
        *_ratio_lines(results),
        "",
        "**The `make reports` set, sheets and breadth**",
        "",
        *_reports_set_lines(results),
        *_pdf_lines(results),
        *_sheet_lines(results),
        *_breadth_lines(results),
        "",
        *_weight_rows(results),
    ]
    return "\n".join(lines).rstrip()


def write_doc(text: str, doc: Path = DOC) -> None:
    """Put ``text`` between the results markers of ``doc`` (the markers are added at the end if missing)."""
    document = doc.read_text(encoding="utf-8") if doc.exists() else f"# Benchmarks\n\n{START_MARK}\n{END_MARK}\n"
    if START_MARK not in document:
        document += f"\n{START_MARK}\n{END_MARK}\n"
    head, rest = document.split(START_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    doc.write_text(f"{head}{START_MARK}\n{text}\n{END_MARK}{tail}", encoding="utf-8")
