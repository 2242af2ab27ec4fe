"""Fast sheets for ``make bench``: a 2,00,000-row ``.xlsx`` and the 1,000,000-row CSV, validated and ingested.

The sheets are made by the demo generator (``helpers.demo.large``): synthetic rows,
no real person's data. The workbook is written once with openpyxl's write-only mode
and kept in ``bench/out/cache/`` (slow to write, not what is measured); only
``gem-reports validate FILE`` is timed, in a fresh process, with the peak memory of
its process tree.

Belongs here: making the benchmark's sheets and measuring reading them. Not here:
the build's measurements (``run_bench``, ``floor``, ``breadth``).
"""

from __future__ import annotations

from pathlib import Path

from measuring import BIN, PROJECT, gem_reports, measure

CACHE_DIR = PROJECT / "bench" / "out" / "cache"

#: What ``make bench`` reads after the build, and the CSV ingest of the old benchmark.
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


def write_xlsx(path: Path, n_rows: int) -> Path:
    """Write ``n_rows`` generated registrations as one sheet of an ``.xlsx`` (dates as date cells)."""
    from openpyxl import Workbook

    from helpers.demo.large import SHEET_COLUMNS, generate_registrations_frame

    frame = generate_registrations_frame(n_rows)
    dates = frame["registration_date"].dt.date.to_numpy(dtype=object)
    text = {column: frame[column].astype(str).to_numpy(dtype=object) for column in SHEET_COLUMNS if column != "registration_date"}
    columns = [dates if column == "registration_date" else text[column] for column in SHEET_COLUMNS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("registrations")
    sheet.append(list(SHEET_COLUMNS))
    for row in zip(*columns):
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial.xlsx")
    workbook.save(partial)
    partial.replace(path)
    return path


def cached_xlsx(n_rows: int) -> Path:
    """The generated workbook of ``n_rows`` rows, written on first use and kept in ``bench/out/cache/``."""
    path = CACHE_DIR / f"registrations-{n_rows}.xlsx"
    return path if path.exists() else write_xlsx(path, n_rows)


def validate_sheet(workspace: Path, env: dict[str, str], path: Path, rows: int) -> dict:
    """Time ``gem-reports validate path`` in a fresh process; add the file's size and rows."""
    result = measure(gem_reports("validate", str(path)), env, workspace)
    return {**result, "rows": rows, "file_mib": path.stat().st_size / 2**20}


def xlsx_benchmark(workspace: Path, env: dict[str, str], rows: int) -> dict:
    """Validate a generated ``.xlsx`` of ``rows`` rows."""
    return validate_sheet(workspace, env, cached_xlsx(rows), rows)


def csv_benchmarks(workspace: Path, env: dict[str, str], rows: int) -> tuple[dict, dict]:
    """Validate, then read + clean + aggregate, a generated CSV of ``rows`` rows; each in a fresh process."""
    from helpers.demo.large import write_large_demo

    csv_path = workspace / "bench_registrations.csv"
    write_large_demo(csv_path, rows)
    validated = validate_sheet(workspace, env, csv_path, rows)
    ingested = measure([str(BIN / "python"), "-c", INGEST_SCRIPT, str(csv_path)], env, workspace)
    return validated, {**ingested, "rows": rows, "file_mib": csv_path.stat().st_size / 2**20}
