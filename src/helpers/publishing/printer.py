"""One headless Chromium for every PDF of a build: started once, printing a few pages at a time.

Starting Chromium costs about a second; a build prints some 180 PDFs. A
:class:`BrowserPrinter` starts the system Chromium once, through Playwright (never a
downloaded browser: ``executable_path``), and keeps a few tabs open. Playwright's
objects belong to the thread that made them, so the printer owns one thread with an
asyncio loop; the build's printing threads hand it a page and wait for the PDF
(:meth:`BrowserPrinter.print_pdf`, safe from any thread). Requests queue on that
loop; up to ``tabs`` of them print at once, each in its own tab.

Chromium is asked exactly what ``chromium --headless --print-to-pdf
--no-pdf-header-footer`` asks of it (:data:`PRINT_OPTIONS`): backgrounds printed,
the page's ``@page`` size and margins honoured (A4 and the running footer of
``print_header``), no browser header or footer, a tagged PDF. Apart from its
dates and the DOM node ids that name table headers, the PDF is byte for byte the
one the command line writes (``tests/test_printer.py``).

:func:`shared_printer` gives the build process its one printer, started on first
use; :func:`close_shared_printer` stops it (the build calls it at its end; an
``atexit`` hook does it otherwise). When Playwright cannot start, it says so once
in the log and returns None, and ``pdf`` prints each PDF with its own Chromium, as
before.

Belongs here: the long-lived browser and its thread. Not here: finding Chromium,
its flags and the one-process fallback (``pdf``), making the PDF lighter
(``pdf_compaction``).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from helpers.errors import PdfError

if TYPE_CHECKING:
    from playwright.async_api import Page

log = logging.getLogger("gem_reports")

#: Tabs printing at once: two cores, and a page's layout waits on the Python side now and then.
PRINT_TABS = 3
#: Seconds Chromium may take to open and print one page.
PAGE_TIMEOUT_S = 120.0
#: Seconds to wait for Chromium to start, and for it to stop.
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
#: What ``--print-to-pdf --no-pdf-header-footer`` sends to Chromium (headless command handler),
#: in Playwright's words: the page's ``@page`` rule sets A4 and the margins; the margins and
#: paper here are only used by a page without one (Chromium's own defaults, in A4).
PRINT_OPTIONS: dict[str, object] = {
    "format": "A4",
    "margin": {"top": "0.4in", "right": "0.4in", "bottom": "0.4in", "left": "0.4in"},
    "print_background": True,
    "prefer_css_page_size": True,
    "display_header_footer": False,
    "tagged": True,
    "outline": False,
}
#: Run in the page before printing: every web font loaded and every image decoded.
_SETTLE_SCRIPT = """async () => {
  await document.fonts.ready;
  await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
}"""


class PrinterUnavailable(Exception):
    """The browser could not start, or is gone: print this PDF another way."""


class BrowserPrinter:
    """One headless Chromium, driven by Playwright on its own thread, printing pages to PDF.

    Use it as a context manager, or call :meth:`start` and :meth:`close`.

    Args:
        executable: the Chromium executable (``pdf.find_chromium()``).
        flags: Chromium command-line flags (Playwright adds ``--headless`` itself).
        tabs: how many pages may print at once.
    """

    def __init__(self, executable: str, *, flags: tuple[str, ...] = (), tabs: int = PRINT_TABS) -> None:
        self.executable = executable
        self.flags = tuple(flag for flag in flags if flag != "--headless")
        self.tabs = max(1, tabs)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self._tabs: asyncio.Queue | None = None
        self._is_broken = False
        self._lock = threading.Lock()

    def __enter__(self) -> BrowserPrinter:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @property
    def is_running(self) -> bool:
        """Whether the browser is up and has not failed."""
        return self._thread is not None and self._thread.is_alive() and not self._is_broken

    def start(self, *, timeout_s: float = START_TIMEOUT_S) -> None:
        """Start the printer's thread and Chromium; return once it can print.

        Raises:
            PrinterUnavailable: Playwright is not installed, or Chromium did not start.
        """
        with self._lock:
            if self._thread is not None:
                return
            started: concurrent.futures.Future[None] = concurrent.futures.Future()
            self._thread = threading.Thread(target=self._run, args=(started,), name="gem-kit-printer", daemon=True)
            self._thread.start()
        try:
            started.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError:
            self._is_broken = True
            self.close()
            raise PrinterUnavailable(f"Chromium did not start within {timeout_s:.0f} s") from None
        except Exception as error:
            self._is_broken = True
            raise PrinterUnavailable(_one_line(error)) from None

    def print_pdf(self, html_path: Path, pdf_path: Path, *, timeout_s: float = PAGE_TIMEOUT_S) -> None:
        """Print ``html_path`` to ``pdf_path`` (written whole, uncompacted); any thread may call it.

        Raises:
            PrinterUnavailable: the printer is not running (not started, closed, or Chromium died).
            PdfError: this page could not be printed in time or at all.
        """
        loop = self._loop
        if loop is None or not self.is_running:
            raise PrinterUnavailable("the browser is not running")
        try:
            pending = asyncio.run_coroutine_threadsafe(self._print(html_path, timeout_s), loop)
        except RuntimeError:  # the loop has just closed
            raise PrinterUnavailable("the browser is not running") from None
        try:
            document = pending.result(timeout=timeout_s + STOP_TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            pending.cancel()
            raise PdfError(f"{html_path}: Chromium did not finish printing within {timeout_s:.0f} s") from None
        except concurrent.futures.CancelledError:  # the printer closed while this page waited
            raise PrinterUnavailable("the browser was closed") from None
        Path(pdf_path).write_bytes(document)

    def close(self) -> None:
        """Close the tabs and Chromium and end the printer's thread; safe to call twice."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended between the check and the call
                loop.call_soon_threadsafe(stop.set)
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_TIMEOUT_S)
        self._is_broken = True

    # The printer's thread: everything below runs on it.

    def _run(self, started: concurrent.futures.Future[None]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(started))
        except Exception as error:  # noqa: BLE001 - reported to start(), or the printer is marked broken
            if not started.done():
                started.set_exception(error)
        finally:
            self._is_broken = True
            loop.run_until_complete(_cancel_waiting())
            loop.run_until_complete(loop.shutdown_asyncgens())
            asyncio.set_event_loop(None)
            loop.close()

    async def _serve(self, started: concurrent.futures.Future[None]) -> None:
        from playwright.async_api import async_playwright  # raises ImportError: reported by start()

        self._stop = asyncio.Event()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=self.executable, headless=True, args=list(self.flags),
                timeout=START_TIMEOUT_S * 1000)
            browser.on("disconnected", lambda _: self._stop.set())
            try:
                context = await browser.new_context(offline=True)
                self._tabs = asyncio.Queue()
                for _ in range(self.tabs):
                    self._tabs.put_nowait(await context.new_page())
                started.set_result(None)
                await self._stop.wait()
                self._is_broken = True
            finally:
                if browser.is_connected():
                    await browser.close()

    async def _print(self, html_path: Path, timeout_s: float) -> bytes:
        """The PDF of ``html_path``, printed in the next free tab."""
        tab = await self._tabs.get()
        try:
            return await asyncio.wait_for(self._print_in(tab, html_path, timeout_s), timeout_s)
        except asyncio.TimeoutError:
            tab = await self._fresh_tab(tab)
            raise PdfError(f"{html_path}: Chromium did not finish printing within {timeout_s:.0f} s") from None
        except PdfError:
            raise
        except Exception as error:  # noqa: BLE001 - Playwright's errors, said in one line
            if not tab.context.browser.is_connected():
                self._is_broken = True
                raise PrinterUnavailable(f"Chromium stopped: {_one_line(error)}") from None
            tab = await self._fresh_tab(tab)
            raise PdfError(f"{html_path}: Chromium could not print it: {_one_line(error)}") from None
        finally:
            self._tabs.put_nowait(tab)

    @staticmethod
    async def _print_in(tab: Page, html_path: Path, timeout_s: float) -> bytes:
        await tab.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
        await tab.evaluate(_SETTLE_SCRIPT)
        document = await tab.pdf(**PRINT_OPTIONS)
        if not document:
            raise PdfError(f"{html_path}: Chromium printed an empty PDF")
        return document

    async def _fresh_tab(self, tab: Page) -> Page:
        """A new tab in place of one that failed (it may be stuck in the page)."""
        context = tab.context
        with contextlib.suppress(Exception):  # a stuck or crashed tab may not close cleanly
            await tab.close()
        try:
            return await context.new_page()
        except Exception:  # noqa: BLE001 - the browser is gone: the printer is no longer usable
            self._is_broken = True
            return tab


async def _cancel_waiting() -> None:
    """Cancel the pages still waiting for a tab (their callers print them another way)."""
    waiting = asyncio.all_tasks() - {asyncio.current_task()}
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)


def _one_line(error: BaseException) -> str:
    """An error's first line, with its kind when it says nothing."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


_shared: BrowserPrinter | None = None
_shared_failed_for: set[str] = set()
_shared_lock = threading.Lock()
_atexit_registered = False


def shared_printer(executable: str, flags: tuple[str, ...] = ()) -> BrowserPrinter | None:
    """This process's printer for ``executable``, started on first use; None when it cannot start.

    The first failure to start is logged in one line; later calls return None without
    trying again (the caller prints each PDF with its own Chromium).
    """
    global _shared, _atexit_registered
    with _shared_lock:
        if _shared is not None and _shared.executable == executable and _shared.is_running:
            return _shared
        if executable in _shared_failed_for:
            return None
        if _shared is not None:
            _shared.close()
            _shared = None
        printer = BrowserPrinter(executable, flags=flags)
        try:
            printer.start()
        except PrinterUnavailable as error:
            _shared_failed_for.add(executable)
            log.warning("PDFs: one shared browser could not start (%s); each PDF gets its own Chromium", error)
            return None
        if not _atexit_registered:
            atexit.register(close_shared_printer)
            _atexit_registered = True
        _shared = printer
        return printer


def close_shared_printer() -> None:
    """Stop this process's printer, if one was started (the next PDF starts a new one)."""
    global _shared
    with _shared_lock:
        printer, _shared = _shared, None
        _shared_failed_for.clear()
    if printer is not None:
        printer.close()
