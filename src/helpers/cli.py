"""The ``gem-reports`` command: build the reports, validate registration sheets, make demo data.

Every sub-command ends through one wrapper (``main``) with a code from
``helpers.errors.ExitCode``: 0 success, 1 a report failed or an internal error,
2 a user's mistake (one line saying what and how to fix it), 3 another build
holds the lock. An internal error prints one line naming the file that holds its
traceback (``--debug`` prints the traceback too).

Parsing the command line imports nothing heavy: each sub-command's handler is
imported only when it runs, so ``gem-reports build`` with nothing to do is fast.
"""

from __future__ import annotations

import argparse
import contextlib
import pkgutil
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from helpers import __version__
from helpers.errors import ExitCode, KitError
from helpers.vocabulary import LANGUAGES

#: Default seed of the demo generator (kept here so the parser needs no import of the generator).
DEMO_DEFAULT_SEED = 20211029


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(int(ExitCode.USER_ERROR), f"{self.prog}: {message} (see {self.prog} --help)\n")


def _iso_date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2021-12-31") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``gem-reports`` with every sub-command (no heavy import)."""
    parser = _Parser(
        prog="gem-reports",
        description="Build the GeM UP onboarding reports, validate registration sheets, make demo data.",
    )
    parser.add_argument("--version", action="version", version=f"gem-reports {__version__}")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an internal error")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    build = subparsers.add_parser(
        "build",
        help="run the notebooks for each phase and render the HTML reports",
        description="Run the declared reports (notebooks/reports.yaml) with papermill for each campaign phase and "
        "render reports/ (index.html, phase-<id>/brief.html, analyst notebooks, district briefs, build.json).",
    )
    build.add_argument("--phase", action="append", dest="phases", metavar="ID", help="build this phase (repeatable; default: all)")
    build.add_argument("--lang", default="en", choices=[*LANGUAGES, "all"],
                       help=f"language of the briefs (default: en; all = {' and '.join(LANGUAGES)})")
    build.add_argument("--districts", default="events", choices=["events", "all", "none"],
                       help="district briefs: for the phase's event districts (default), for all 75, or none")
    build.add_argument("--as-of", dest="as_of", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                       help="count only what had happened by this date (default: the latest date in the data)")
    build.add_argument("--jobs", type=int, default=None, metavar="N", help="notebooks run in parallel (default: cores)")
    build.add_argument("--force", action="store_true", help="re-run every report, even those that are up to date")
    build.add_argument("--no-pdf", action="store_true", help="do not print PDFs of the briefs")
    build.add_argument("--registrations", type=Path, default=None, metavar="DIR",
                       help="folder of raw registration sheets (default: data/raw/registrations)")
    build.add_argument("--boundary", type=Path, default=None, metavar="FILE", help="GeoJSON/TopoJSON of UP's districts "
                       "keyed by Census 2011 or LGD code: a true map in the briefs instead of the tile map")
    build.add_argument("--quiet", action="store_true", help="print nothing unless a report fails (for cron)")
    build.add_argument("--log-file", type=Path, default=None, metavar="PATH", help="append a log of the build here")
    build.set_defaults(handler="helpers.publishing.command:run_build")
    validate = subparsers.add_parser(
        "validate",
        help="check registration sheets (CSV, .xlsx, .xls, .xlsb, .ods) and list every problem, one line each",
        description="Check registration sheets against docs/registration_schema.md. Exit 0 when every row of "
        "every file would be accepted, 2 when any row would be rejected or a file cannot be used.",
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of sheets")
    validate.add_argument("--sheet", default=None, metavar="NAME", help="read only this sheet of each workbook")
    validate.add_argument("--out", default=None, metavar="DIR", help="also write the cleaned table and reports to DIR")
    validate.set_defaults(handler="helpers.ingest.cli:run_validate")
    demo = subparsers.add_parser(
        "demo-data",
        help="write the SYNTHETIC demo registration sheets (or, with --rows, a large benchmark CSV)",
        description="Write the SYNTHETIC demo registration sheets to data/raw/registrations/demo/ "
        "(deterministic for a seed). With --rows N, write one large CSV of N synthetic rows for the scale benchmark "
        "instead (default folder bench/out).",
    )
    demo.add_argument("--out", type=Path, default=None, help="output folder")
    demo.add_argument("--seed", type=int, default=DEMO_DEFAULT_SEED, help=f"generator seed (default {DEMO_DEFAULT_SEED})")
    demo.add_argument("--rows", type=int, default=None, help="write a large benchmark CSV of this many rows")
    demo.set_defaults(handler="helpers.demo.generator:run_demo_data_command")
    ledger = subparsers.add_parser(
        "ledger",
        help="what was published and when, one figure's history with its revisions, the ledger as CSV",
        description="Read the ledger of published figures in data/processed/kit-memory.sqlite (never changes it).",
    )
    commands = ledger.add_subparsers(dest="ledger_command", metavar="WHAT", parser_class=_Parser)
    commands.add_parser("list", help="each report and as-of date published, with when it was first recorded (default)")
    commands.add_parser("figures", help="every figure name the ledger holds")
    history = commands.add_parser("history", help="every published value of one figure, revisions marked")
    history.add_argument("figure", help="the figure's name, e.g. registrations_count (see `ledger figures`)")
    history.add_argument("--report", default=None, metavar="KEY", help="only this report, e.g. phase-1/04_phase_brief")
    history.add_argument("--district", default=None, metavar="NAME", help="only this district ('' for the phase)")
    export = commands.add_parser("export", help="write the whole ledger as CSV")
    export.add_argument("--out", default=None, metavar="FILE", help="where (default: data/processed/published_figures.csv)")
    ledger.set_defaults(handler="helpers.publishing.ledger_command:run_ledger", ledger_command="list")
    return parser


def _log_internal_error(args: argparse.Namespace) -> Path:
    """Write the current traceback to the build's log file or a temporary file; return where."""
    text = traceback.format_exc()
    target = getattr(args, "log_file", None)
    with contextlib.suppress(OSError):
        if target is not None:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(text)
            return Path(target)
    with tempfile.NamedTemporaryFile("w", prefix="gem-reports-error-", suffix=".log", delete=False,
                                     encoding="utf-8") as handle:
        handle.write(text)
        return Path(handle.name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``gem-reports``; returns the exit code (never raises, never prints a traceback unasked)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has printed its one line (or the help)
        return int(stop.code or 0)
    if not getattr(args, "handler", None):
        parser.print_help()
        return int(ExitCode.USER_ERROR)
    prog = f"gem-reports {args.command}"
    try:
        return int(pkgutil.resolve_name(args.handler)(args))  # 'module:function', imported only now
    except KitError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return int(error.exit_code)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; run the same command again to finish", file=sys.stderr)
        return int(ExitCode.FAILED)
    except Exception as error:  # noqa: BLE001 - the one place a bug becomes one line
        where = _log_internal_error(args)
        if args.debug:
            traceback.print_exc()
        print(f"{prog}: internal error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''} "
              f"(traceback in {where}; please report it)", file=sys.stderr)
        return int(ExitCode.FAILED)



if __name__ == "__main__":
    raise SystemExit(main())
