"""The ``validate`` command: check registration sheets and say what is wrong, one line each.

``add_validate_command`` registers ``validate PATH... [--sheet NAME] [--strict]
[--out DIR] [--debug]`` on an argparse subparsers object; ``gem-reports``
wires it in. ``python -m helpers.ingest.cli validate ...`` runs it alone.

``validate`` is a checker: it exits 0 only when every row of every file is
accepted (notes allowed; duplicates and total/note/signature lines are set
aside, not rejected), and 2 when any row would be rejected, a file cannot be
read or a file has no rows, with "N of M rows would be rejected" as its last
line. (The build itself goes on with the accepted rows unless ``strict``.)
Exit 1 is an internal error.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import Sequence, TextIO

from helpers import paths
from helpers.ingest.pipeline import IngestResult, ingest_paths, write_outputs

EXIT_VALID = 0
EXIT_INTERNAL_ERROR = 1
EXIT_INVALID_INPUT = 2
#: Problem lines printed per file before the rest are summarised.
MAX_LINES_PER_FILE = 50


def add_validate_command(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``validate`` command (handler in ``args.handler``) on ``subparsers``."""
    parser = subparsers.add_parser(
        "validate",
        help="check registration sheets and list every problem, one line each",
        description="Check registration sheets against docs/registration_schema.md. "
        "Exit 0 if every row would be accepted, 2 if any row would be rejected or a file cannot be used, "
        "1 on an internal error.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of sheets (folders: every .csv/.xlsx under them)")
    parser.add_argument("--sheet", default=None, metavar="NAME", help="read only this sheet of each workbook")
    parser.add_argument("--strict", action="store_true",
                        help="kept for old scripts: validate always exits 2 when a row would be rejected")
    parser.add_argument("--out", default=None, metavar="DIR", help="also write the cleaned table and reports to DIR")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    parser.set_defaults(handler=run_validate)


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() or candidate.exists() else paths.ROOT / candidate


def _summary_line(row) -> str:
    where = row.source_file + (f", sheet {row.source_sheet}" if row.source_sheet else "")
    if row.file_problem and row.rows_in == 0:
        return f"{where}: 0 rows read ({row.file_problem})"
    parts = [
        f"{row.rows_in} rows in",
        f"{row.accepted} accepted",
        f"{row.rejected} rejected",
        f"{row.duplicates} duplicates",
        f"{row.blank_rows_skipped} blank rows skipped",
    ]
    if row.junk_rows_skipped:
        parts.append(f"{row.junk_rows_skipped} total/note/signature lines skipped")
    if row.dropped_columns:
        parts.append(f"dropped columns: {row.dropped_columns}")
    return f"{where}: " + ", ".join(parts)


def report(result: IngestResult, strict: bool = True, out: TextIO | None = None) -> int:
    """Print the problem lines and per-file summaries; return the exit code (``strict`` is always on)."""
    out = sys.stdout if out is None else out
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for problem in result.problems:
        count = shown.get(problem.source_file, 0)
        if count < MAX_LINES_PER_FILE or problem.is_file_level:
            print(problem.line(), file=out)
            shown[problem.source_file] = count + 1
        else:
            hidden[problem.source_file] = hidden.get(problem.source_file, 0) + 1
    for source_file, count in hidden.items():
        print(f"{source_file}: {count} more problems not shown; use --out DIR to write them all to rejected_rows.csv", file=out)
    for row in result.quality.itertuples(index=False):
        print(_summary_line(row), file=out)
    clean = result.is_clean()
    total = result.quality[["rows_in", "accepted", "rejected", "duplicates"]].sum()
    verdict = "valid" if clean else "INVALID"
    print(
        f"{verdict}: {total['rows_in']} rows in, {total['accepted']} accepted, {total['rejected']} rejected, "
        f"{total['duplicates']} duplicates",
        file=out,
    )
    if clean:
        return EXIT_VALID
    print(_last_line(result, int(total["rows_in"])), file=out)
    return EXIT_INVALID_INPUT


def _last_line(result: IngestResult, rows_in: int) -> str:
    """``N of M rows would be rejected``, with the files that cannot be used or gave no rows."""
    line = f"{result.rejected_rows_count} of {rows_in} rows would be rejected"
    unusable = len({p.source_file for p in result.file_problems})
    if unusable:
        line += f"; {unusable} file{'s' if unusable > 1 else ''} cannot be used"
    empty = [f for f in result.files_without_rows if f not in {p.source_file for p in result.file_problems}]
    if empty:
        line += f"; {len(empty)} file{'s' if len(empty) > 1 else ''} without rows"
    return line


def run_validate(args: argparse.Namespace) -> int:
    """Run ``validate`` for parsed arguments; return the exit code (never raises)."""
    try:
        result = ingest_paths([_resolve(p) for p in args.paths], sheet=args.sheet or None)
        if args.out:
            written = write_outputs(result, _resolve(args.out) if not Path(args.out).is_absolute() else Path(args.out))
            print(f"written: {', '.join(str(p) for p in written.values())}")
        code = report(result)
        return code
    except Exception as error:  # noqa: BLE001 - the one place that turns a bug into one line
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"internal error: {type(error).__name__}: {error}; please report this (rerun with --debug for details)",
              file=sys.stderr)
        return EXIT_INTERNAL_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m helpers.ingest.cli``."""
    parser = argparse.ArgumentParser(prog="python -m helpers.ingest.cli")
    add_validate_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
