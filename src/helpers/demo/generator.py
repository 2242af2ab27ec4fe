"""Writing the kit's SYNTHETIC demo registration exports: the one entry point that runs the others.

No district-level data on GeM registrations is public, so the kit ships a
deterministic synthetic demo set of weekly registration exports in
``data/raw/registrations/demo/``. Every row says ``data_origin = "SYNTHETIC
DEMO - not real registrations"`` and every file name starts with
``SYNTHETIC_``. Regenerate them with ``gem-reports demo-data``; the same seed
gives the same bytes.

Belongs here: :func:`write_demo_sheets`, which draws each phase
(``sampling``, ``timeline``), splits it into weekly exports, plants the mess
(``mess``) and writes the files, README and sidecar (``writing``). Not here:
any of those steps themselves; reading or cleaning sheets (``helpers.ingest``).
:func:`run_demo_data_command` handles ``gem-reports demo-data`` (its arguments
are defined in ``helpers.cli``).

An export is the rows REGISTERED in one week of a phase (new rows, not a
cumulative list): a registration is in one export only, so the ingest's
de-duplication by ``registration_id`` sees only the planted repeats
(docs/decisions.md, "Demo exports").
"""

from __future__ import annotations

import argparse
from pathlib import Path

from helpers.campaign import phases
from helpers.demo import calibration, timeline, writing
from helpers.demo.large import write_large_demo
from helpers.demo.layout import BENCH_OUT_DIR, DEFAULT_SEED, DEMO_SHEETS_DIR, FILE_PREFIX
from helpers.demo.mess import add_mess
from helpers.demo.sampling import draw_phase
from helpers.errors import DemoDataError


def write_demo_sheets(out_dir: Path = DEMO_SHEETS_DIR, seed: int = DEFAULT_SEED) -> list[Path]:
    """Generate and write the SYNTHETIC weekly exports of every phase, with their README and sidecar.

    Earlier ``SYNTHETIC_*`` files under ``out_dir/phase-*/`` are removed first.

    Args:
        out_dir: folder to write into (default ``data/raw/registrations/demo``).
        seed: the generator's seed; the same seed writes the same bytes.

    Returns:
        Every file written, sorted.
    """
    params = calibration.load_demo_parameters()
    mess = params["mess"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in sorted(out_dir.glob(f"phase-*/{FILE_PREFIX}*")):
        old.unlink()
    counts, schedules, summaries, observed, files = {}, {}, {}, {}, []
    for phase_id in sorted(params["phases"]):
        phase = phases.get_phase(phase_id)
        sample = draw_phase(phase.id, seed)
        frame = sample.frame.copy()
        frame["_file"] = timeline.week_numbers(frame["registration_date"].to_numpy("datetime64[D]"), phase.window_start)
        frame["_event"] = frame["event_district"]
        messy, summaries[phase_id] = add_mess(frame, phase.id, seed)
        messy["_file"] = messy["_file"].astype(int)
        schedules[phase_id] = sample.schedule.summary()
        counts[phase_id] = writing.clean_counts(sample.frame, phase.window_start)
        observed[phase_id] = str(calibration.phase_settings(phase_id)["timeline"]["stages_observed_until"])
        # one file per week: the weeks of xlsx_exports are workbooks, their sheets split by event district when asked;
        # those of csv_with_bom CSV files with a BOM; the others plain CSV files
        workbooks = {int(e["week"]): ("_event" if e["sheet_per_event_district"] else None)
                     for e in mess["xlsx_exports"] if str(e["phase"]) == phase.id}
        boms = {int(e["week"]) for e in mess["csv_with_bom"] if str(e["phase"]) == phase.id}
        written = {}
        for week, rows in messy.groupby("_file", sort=True):
            week_end = timeline.week_end(week, (phase.window_start, phase.window_end))
            suffix = ".xlsx" if week in workbooks else ".csv"
            path = out_dir / f"phase-{phase_id}" / writing.export_file_name(phase.id, week, week_end, suffix)
            if week in workbooks:
                writing.write_xlsx(rows, path, workbooks[week])
            else:
                writing.write_csv(rows, path, with_bom=week in boms)
            written[int(week)] = path
        files += written.values()
        for row in summaries[phase_id]["bad_rows"]:
            row["file"] = written[int(row["file_key"])].relative_to(out_dir).as_posix()
    files = sorted(files)
    relative = [p.relative_to(out_dir).as_posix() for p in files]
    description = writing.describe(counts, schedules, summaries, relative, seed)
    meta_path = writing.write_meta(out_dir, description)
    n_workbooks = sum(p.suffix == ".xlsx" for p in files)
    readme_path = writing.write_readme(out_dir, description, observed, n_workbooks)
    return sorted(files + [meta_path, readme_path])


def run_demo_data_command(args: argparse.Namespace) -> int:
    """Handle ``demo-data``: write the demo exports, or the large benchmark CSV with ``--rows``.

    Returns:
        0 on success.

    Raises:
        DemoDataError: ``--rows`` is not positive; any ``UserError`` of a bad calibration input,
            phases file or reference table passes through to the command's one error wrapper.
    """
    if args.rows is not None:
        if args.rows <= 0:
            raise DemoDataError(f"--rows must be positive, got {args.rows}; give a number of rows such as 1000000")
        out_dir = args.out if args.out is not None else BENCH_OUT_DIR
        path = write_large_demo(Path(out_dir) / f"{FILE_PREFIX}benchmark_{args.rows}rows_seed{args.seed}.csv", args.rows, args.seed)
        print(f"wrote {args.rows:,} SYNTHETIC rows to {path}")
        return 0
    out_dir = args.out if args.out is not None else DEMO_SHEETS_DIR
    written = write_demo_sheets(Path(out_dir), args.seed)
    print(f"wrote {len(written)} SYNTHETIC demo files to {out_dir}")
    return 0
