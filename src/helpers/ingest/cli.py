"""The ``validate`` command: check registration sheets and say what is wrong, one line each.

``gem-reports validate PATH... [--sheet NAME] [--out DIR]`` (its arguments are
defined in ``helpers.cli``) calls ``run_validate``. This module prints the
problems and the summary and decides the exit code; the ``gem-reports``
wrapper turns an unexpected exception into its one "internal error" line.

``validate`` is a checker: it exits 0 only when every row of every file is
accepted (notes allowed; duplicates and total/note/signature lines are set
aside, not rejected), and 2 when any row would be rejected, a file cannot be
read or a file has no rows, with "N of M rows would be rejected" as its last
line. (The build itself goes on with the accepted rows unless ``strict``.)
Exit 1 is an internal error (raised, not caught here).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import TextIO

from helpers import paths
from helpers.errors import ExitCode
from helpers.ingest.pii import redact_name
from helpers.ingest import IngestResult, ingest_paths, write_outputs

EXIT_VALID = int(ExitCode.OK)
EXIT_INVALID_INPUT = int(ExitCode.USER_ERROR)
#: Problem lines printed per file before the rest are summarised.
MAX_LINES_PER_FILE = 50


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


def report(result: IngestResult, out: TextIO | None = None) -> int:
    """Print the problem lines and per-file summaries (to ``out``, standard output when None); return the exit
    code: valid when every row of every file was accepted (or set aside as a duplicate or a junk line) and every
    file was usable and gave rows."""
    shown: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    for problem in result.problems:
        if shown[problem.source_file] < MAX_LINES_PER_FILE or problem.is_file_level:
            print(problem.line(), file=out)
            shown[problem.source_file] += 1
        else:
            hidden[problem.source_file] += 1
    for source_file, count in hidden.items():
        print(f"{source_file}: {count} more problems not shown; use --out DIR to write them all to rejected_rows.csv", file=out)
    for row in result.quality.itertuples(index=False):
        print(_summary_line(row), file=out)
    clean = not (result.file_problems or result.rejected_rows_count or result.files_without_rows)
    total = result.quality[["rows_in", "accepted", "rejected", "duplicates"]].sum()
    print(f"{'valid' if clean else 'INVALID'}: {total['rows_in']} rows in, {total['accepted']} accepted, "
          f"{total['rejected']} rejected, {total['duplicates']} duplicates", file=out)
    if clean:
        return EXIT_VALID
    line = f"{result.rejected_rows_count} of {int(total['rows_in'])} rows would be rejected"  # with the files unused
    unusable = {p.source_file for p in result.file_problems}
    empty = [f for f in result.files_without_rows if f not in unusable]
    for count, what in ((len(unusable), "cannot be used"), (len(empty), "without rows")):
        if count:
            line += f"; {count} file{'s' if count > 1 else ''} {what}"
    print(line, file=out)
    return EXIT_INVALID_INPUT


def run_validate(args: argparse.Namespace) -> int:
    """Run ``validate`` for the arguments ``gem-reports`` parsed; return the exit code.

    Args:
        args: ``paths`` (files or folders), ``sheet`` (a sheet name or None) and
            ``out`` (a folder to write the outputs to, or None).

    Returns:
        ``EXIT_VALID`` (0) when every row of every file would be accepted, else
        ``EXIT_INVALID_INPUT`` (2). A file that cannot be read is a problem
        line, not an exception; any other exception is left to the ``gem-reports``
        wrapper, which prints it as one "internal error" line (exit 1).
    """
    result = ingest_paths([_resolve(p) for p in args.paths], sheet=args.sheet or None)
    if args.out:
        written = write_outputs(result, _resolve(args.out))
        print(f"written: {', '.join(redact_name(str(p)) for p in written.values())}")
    return report(result)
