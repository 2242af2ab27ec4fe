"""Printing a rendered brief to PDF with headless Chromium.

The page's own print stylesheet sets A4 and the margins (``@page`` in
``templates/static/kit.css``); Chromium is only asked to honour it. When no
Chromium is installed :func:`print_pdf` returns False and the caller writes a
note instead of the PDF (the index page says "no PDF"). Nothing is fetched from
the network: the pages are self-contained and Chromium runs with networking
features off. Chromium's PDF is then made lighter, nothing visible changed
(``pdf_compaction``: palette images, compressed object streams).

Every PDF of a process goes through one Chromium, started on the first PDF and
kept (``printer.shared_printer``; the build stops it with
``printer.close_shared_printer``). When that browser cannot start (no
Playwright, say), each PDF is printed by a Chromium of its own
(``chromium --print-to-pdf``, :func:`print_with_new_process`): the same PDF, about
a second slower.

What does not belong here: rendering HTML (``render``), the long-lived browser (``printer``).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from helpers.errors import PdfError

#: Executable names tried on PATH, in order.
CHROMIUM_NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags for a quiet, offline, throw-away headless browser.
HEADLESS_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--mute-audio",
)
PRINT_TIMEOUT_S = 120


def find_chromium() -> str | None:
    """Return the path of a Chromium (or Chrome) executable on PATH, or None."""
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def print_pdf(html_path: Path | str, pdf_path: Path | str, *, timeout_s: float = PRINT_TIMEOUT_S) -> bool:
    """Print an HTML file to PDF with headless Chromium (A4, from the page's ``@page`` rule).

    Printed by the process's one shared browser (``printer``), or, when it cannot
    start or has stopped, by a Chromium of its own; then compacted.

    Args:
        html_path: the page to print.
        pdf_path: where to write the PDF (its folder is created).
        timeout_s: how long Chromium may take.

    Returns:
        True when the PDF was written (and compacted); False when no Chromium is installed.

    Raises:
        FileNotFoundError: ``html_path`` does not exist.
        PdfError: Chromium failed or wrote no PDF (the message says why).
    """
    source = Path(html_path).resolve()
    if not source.is_file():
        raise FileNotFoundError(f"{source}: page to print not found")
    chromium = find_chromium()
    if chromium is None:
        return False
    target = Path(pdf_path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    from helpers.publishing import printer

    browser = printer.shared_printer(chromium, HEADLESS_FLAGS)  # None: it cannot start
    try:
        if browser is not None:
            browser.print_pdf(source, target, timeout_s=timeout_s)  # a PdfError: it could not print this page
    except printer.PrinterUnavailable:  # it stopped: the next PDF starts a new one
        browser = None
        target.unlink(missing_ok=True)
    if browser is None:
        print_with_new_process(chromium, source, target, timeout_s=timeout_s)
    if not target.is_file() or target.stat().st_size == 0:
        raise PdfError(f"{source}: Chromium wrote no PDF")
    from helpers.publishing import pdf_compaction  # pikepdf: only when a PDF was printed

    with contextlib.suppress(pdf_compaction.pikepdf.PdfError):  # Chromium's own PDF is kept: correct, only heavier
        pdf_compaction.compact_pdf(target)
    return True


def print_with_new_process(chromium: str, source: Path, target: Path, *, timeout_s: float = PRINT_TIMEOUT_S) -> None:
    """Print ``source`` to ``target`` with a Chromium started for it (``--print-to-pdf``), uncompacted.

    Raises:
        PdfError: Chromium failed, timed out or wrote no PDF (the message has its stderr).
    """
    with tempfile.TemporaryDirectory(prefix="gem-kit-chromium-") as profile:
        command = [
            chromium,
            *HEADLESS_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"{source}: Chromium did not finish printing within {timeout_s:.0f} s") from None
    if completed.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        tail = "\n".join(completed.stderr.strip().splitlines()[-5:])
        raise PdfError(f"{source}: Chromium could not print it (exit {completed.returncode}): {tail}")
