"""The ``gem-reports`` command: build the reports, validate registration sheets, make demo data.

Each sub-command prints one line per problem and returns an exit code:
0 success, 1 a report failed or an internal error, 2 invalid input or options,
3 another build holds the lock. No traceback reaches the user unless
``--debug`` is given.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from helpers import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_LOCKED = 3


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INVALID, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _add_build_command(subparsers) -> None:
    build = subparsers.add_parser(
        "build",
        help="run the notebooks for each phase and render the HTML reports",
        description="Run the notebooks with papermill for each campaign phase and render reports/ "
        "(index.html, phase-<id>/brief.html, analyst notebooks, district briefs, build.json).",
    )
    build.add_argument(
        "--phase", action="append", dest="phases", metavar="ID", help="build this phase (repeatable; default: all)"
    )
    build.add_argument(
        "--lang", default="en", choices=["en", "hi", "all"], help="language of the briefs (default: en; all = en and hi)"
    )
    build.add_argument(
        "--districts",
        default="events",
        choices=["events", "all", "none"],
        help="district briefs: for the phase's event districts (default), for all 75, or none",
    )
    build.add_argument("--jobs", type=int, default=None, metavar="N", help="notebooks run in parallel (default: cores)")
    build.add_argument("--force", action="store_true", help="re-run every report, even those that are up to date")
    build.add_argument("--no-pdf", action="store_true", help="do not print PDFs of the briefs")
    build.add_argument(
        "--registrations", type=Path, default=None, metavar="DIR", help="folder of raw registration sheets "
        "(default: data/raw/registrations)"
    )
    build.add_argument(
        "--boundary", type=Path, default=None, metavar="FILE", help="GeoJSON/TopoJSON of UP's districts keyed by "
        "Census 2011 or LGD code: a true map in the briefs instead of the tile map"
    )
    build.add_argument("--quiet", action="store_true", help="print nothing unless a report fails (for cron)")
    build.add_argument("--log-file", type=Path, default=None, metavar="PATH", help="append a log of the build here")
    build.set_defaults(handler=run_build)


def _setup_logging(quiet: bool, log_file: Path | None, debug: bool) -> logging.Logger:
    logger = logging.getLogger("gem_reports")
    logger.handlers.clear()
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    console = logging.StreamHandler(sys.stdout)
    console.setLevel(logging.WARNING if quiet else logging.INFO)
    console.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(console)
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    return logger


def run_build(args: argparse.Namespace) -> int:
    """Handler of ``gem-reports build``."""
    from helpers.publishing.build import BuildError, build_reports
    from helpers.errors import UserError

    logger = _setup_logging(args.quiet, args.log_file, args.debug)
    langs = ("en", "hi") if args.lang == "all" else (args.lang,)
    if args.jobs is not None and args.jobs < 1:
        print("gem-reports build: --jobs must be 1 or more", file=sys.stderr)
        return EXIT_INVALID
    if args.boundary is not None:
        from helpers.presentation.maps import MapError, read_boundaries

        if not args.boundary.is_file():
            print(f"gem-reports build: --boundary {args.boundary}: no such file", file=sys.stderr)
            return EXIT_INVALID
        try:
            read_boundaries(args.boundary)
        except (MapError, ValueError) as error:
            print(f"gem-reports build: --boundary {args.boundary}: {error}", file=sys.stderr)
            return EXIT_INVALID
    if args.registrations is not None and not args.registrations.exists():
        print(f"gem-reports build: --registrations {args.registrations}: no such folder", file=sys.stderr)
        return EXIT_INVALID

    def progress(result) -> None:
        if result.status == "failed":
            error = result.error or {}
            logger.warning(
                "FAILED  %s (cell %s: %s: %s)",
                result.key,
                error.get("cell_index"),
                error.get("ename"),
                error.get("evalue"),
            )
        elif result.status == "skipped":
            logger.debug("skipped %s (up to date)", result.key)
        else:
            logger.info("built   %s (%.1f s)", result.key, result.duration_s)

    try:
        summary = build_reports(
            args.phases,
            langs=langs,
            districts=args.districts,
            jobs=args.jobs,
            force=args.force,
            with_pdf=not args.no_pdf,
            registrations_dir=args.registrations,
            boundary_path=args.boundary,
            progress=progress,
        )
    except BuildError as error:
        print(f"gem-reports build: {error}", file=sys.stderr)
        return EXIT_LOCKED if "another build is running" in str(error) else EXIT_INVALID
    except UserError as error:
        print(f"gem-reports build: {error}", file=sys.stderr)
        return EXIT_INVALID
    line = (
        f"{summary.ok_count} built, {summary.skipped_count} up to date, {summary.failed_count} failed "
        f"in {summary.duration_s:.1f} s; open reports/index.html"
    )
    if summary.failed_count:
        logger.warning(line)
    else:
        logger.info(line)
    notes = sorted({r.pdf_note for r in summary.results if r.pdf_note})
    for note in notes:
        logger.info(note)
    return summary.exit_code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``gem-reports`` with every sub-command."""
    parser = _Parser(
        prog="gem-reports",
        description="Build the GeM UP onboarding reports, validate registration sheets, make demo data.",
    )
    parser.add_argument("--version", action="version", version=f"gem-reports {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_build_command(subparsers)
    for module_name, function_name in (
        ("helpers.ingest.cli", "add_validate_command"),
        ("helpers.demo.generator", "add_demo_data_command"),
    ):
        try:
            module = __import__(module_name, fromlist=[function_name])
        except ImportError:
            continue
        getattr(module, function_name)(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``gem-reports``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_INVALID
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("gem-reports: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        if args.debug:
            traceback.print_exc()
        print(
            f"gem-reports: internal error: {type(error).__name__}: {error} "
            "(run again with --debug for details and report it)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
