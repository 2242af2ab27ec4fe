"""The ``gem-reports build`` handler: check the options, set up logging, build, say what happened.

Every check that can fail on a user's option (the log file, the registrations
folder, the boundary file, the phases) runs before anything is written, and
fails with one ``BuildOptionError`` line. The CLI wrapper (``helpers.cli``)
turns errors into exit codes.

Belongs here: the command's options and its messages. Not here: the build itself (``build``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from helpers.errors import BuildOptionError, MapError
from helpers.vocabulary import LANGUAGES

log = logging.getLogger("gem_reports")


def setup_logging(quiet: bool, log_file: Path | None, debug: bool) -> None:
    """Log to stdout (warnings only when ``quiet``) and, if given, append to ``log_file``.

    Raises:
        BuildOptionError: the log file cannot be opened for appending.
    """
    handler = None
    if log_file:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as error:
            raise BuildOptionError(
                f"--log-file {log_file}: cannot be written ({error.strerror}); choose a writable path"
            ) from None
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("gem_reports")
    logger.handlers.clear()
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    console = logging.StreamHandler(sys.stdout)
    console.setLevel(logging.WARNING if quiet else logging.INFO)
    console.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(console)
    if handler:
        logger.addHandler(handler)


def check_options(args: argparse.Namespace) -> None:
    """Check the options that name files and numbers; raise ``BuildOptionError`` on the first wrong one."""
    if args.jobs is not None and args.jobs < 1:
        raise BuildOptionError("--jobs must be 1 or more")
    if args.registrations is not None and not args.registrations.is_dir():
        raise BuildOptionError(f"--registrations {args.registrations}: no such folder; give the folder of the sheets")
    if args.boundary is not None:
        if not args.boundary.is_file():
            raise BuildOptionError(f"--boundary {args.boundary}: no such file; give the path of a GeoJSON or TopoJSON file")
        from helpers.presentation.maps import read_boundaries

        try:
            read_boundaries(args.boundary)
        except MapError as error:
            raise BuildOptionError(f"--boundary {args.boundary}: {str(error).removeprefix(str(args.boundary) + ': ')}") from None


def campaign_digest() -> str:
    """SHA-256 of what the campaign files' validation depends on: the files themselves and the kit's code."""
    import hashlib

    from helpers import paths
    from helpers.files import sha256_file
    from helpers.publishing.fingerprints import code_fingerprint

    digest = hashlib.sha256(code_fingerprint().encode())
    for path in (paths.PHASES_FILE, paths.TARGETS_FILE, paths.GRADES_FILE, *sorted(paths.REFERENCE_DIR.glob("*.csv"))):
        digest.update(f"{path.name}:{sha256_file(path) if path.exists() else 'missing'};".encode())
    return digest.hexdigest()


def check_campaign_files() -> str:
    """Validate phases.yaml, targets.csv and grades.yaml; the first mistake is one ``UserError`` line.

    Files validated before, unchanged since (``campaign_digest``, kept in the store by the build), are
    not read again, so a build with nothing to do stays fast.

    Returns:
        The digest of the validated files, for the build to keep.
    """
    from helpers import store

    digest = campaign_digest()
    if store.query(lambda memory: memory.meta("campaign_files_checked"), None) == digest:
        return digest
    from helpers.campaign.phases import load_phases
    from helpers.campaign.targets import load_grades, read_targets_file

    load_phases()
    read_targets_file()
    load_grades()
    return digest


def report_progress(result) -> None:
    """One log line per job: built, skipped (debug only) or FAILED with its cell and error."""
    if result.status == "failed":
        error = result.error or {}
        log.warning("FAILED  %s (cell %s: %s: %s)", result.key, error.get("cell_index"), error.get("ename"),
                    error.get("evalue"))
    elif result.status == "skipped":
        log.debug("skipped %s (up to date)", result.key)
    else:
        log.info("built   %s (%.1f s)", result.key, result.duration_s)


def run_build(args: argparse.Namespace) -> int:
    """Handler of ``gem-reports build``; returns the exit code (1 when a report failed)."""
    from helpers import paths
    from helpers.publishing.build import build_reports, check_as_of, check_reports_dir, make_scope

    check_options(args)
    check_reports_dir(paths.REPORTS_DIR)
    checked = check_campaign_files()
    setup_logging(args.quiet, args.log_file, args.debug)
    scope = make_scope(
        args.phases, langs=LANGUAGES if args.lang == "all" else (args.lang,), districts=args.districts,
        registrations_dir=args.registrations, boundary_path=args.boundary, as_of=args.as_of or "", with_pdf=not args.no_pdf,
    )
    check_as_of(scope)
    summary = build_reports(scope, jobs=args.jobs, force=args.force, progress=report_progress,
                            facts={"campaign_files_checked": checked})
    for note in sorted({page.pdf_note for r in summary.results for page in r.pages if page.pdf_note}):
        log.info(note)
    from helpers.publishing.build_summary import summary_lines

    counts = (f"{summary.ok_count} built, {summary.skipped_count} up to date, {summary.failed_count} failed "
              f"in {summary.duration_s:.1f} s")
    lines = summary_lines(summary.results, [phase.id for phase in scope.phases], counts_line=counts,
                          silent_by_phase=summary.districts_silent_by_phase)
    print("\n".join(lines), flush=True)  # printed even with --quiet: the note a scheduled run mails
    for handler in log.handlers:
        if isinstance(handler, logging.FileHandler):
            handler.stream.write("\n".join(lines) + "\n")
    return summary.exit_code
