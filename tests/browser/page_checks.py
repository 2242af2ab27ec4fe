"""Opening a page in headless Chromium with Playwright, and what the browser tests check on it.

``open_page`` loads a page at a phone's width in a fresh browser context and
reports what happened: console errors and uncaught exceptions, failed requests,
requests to the web (a page must be self-contained; they are also blocked), and
facts computed in the page (width, visible text, images that did not load or
have no alt text, its language). ``axe_violations`` injects axe-core's script
(``node_modules/axe-core/axe.min.js``, installed by ``npm ci``) into the page and
returns the accessibility violations of the impacts that fail a test.

``open_pages`` opens many pages in one browser and, in the same page load, can
measure every Devanagari run of a page with the font it embeds and with the whole
font (``FontCheck``): a glyph missing from the page's font subset changes a run's
width or ink.
"""

from __future__ import annotations

import base64
import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Page as AsyncPage
from playwright.sync_api import Browser, ConsoleMessage, Page, Request

from helpers.presentation.charts import devanagari_font_path
from helpers.publishing import fonts
from helpers.publishing.pdf import HEADLESS_FLAGS

ROOT = Path(__file__).resolve().parents[2]
#: Where the browser tests save their screenshots (ignored by git).
SCREENSHOTS_DIR = ROOT / "tests" / "artifacts" / "screenshots"
#: How a full-page screenshot is saved: JPEG takes Chromium half the time of PNG on a long page
#: (0.76 s against 1.34 s on a phase brief 39,000 px tall, measured 2026-12-06); it is for a person to look at.
SCREENSHOT_OPTIONS = {"full_page": True, "type": "jpeg", "quality": 80}
#: axe-core's browser script, from the npm package pinned in package.json / package-lock.json.
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: Impacts of an axe violation that fail the tests.
FAILING_IMPACTS = ("serious", "critical")
PHONE_WIDTH_PX = 390
PHONE_HEIGHT_PX = 844
PAGE_TIMEOUT_MS = 30_000
#: Chromium flags for a quiet, offline, throw-away browser: the kit's own (Playwright adds headless).
CHROMIUM_ARGS = (*(flag for flag in HEADLESS_FLAGS if flag != "--headless"), "--hide-scrollbars")

_WEB = re.compile(r"^(?:https?|wss?)://", re.IGNORECASE)
_FACTS_SCRIPT = """async () => {
  await document.fonts.ready;
  const images = [...document.images];
  await Promise.all(images.map(i => i.decode().catch(() => null)));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    visibleTextLength: (document.body ? document.body.innerText.trim().length : 0),
    imageCount: images.length,
    brokenImages: images.filter(i => !i.complete || i.naturalWidth === 0)
                        .map(i => (i.getAttribute('src') || '').slice(0, 60)),
    imagesWithoutAlt: images.filter(i => !i.hasAttribute('alt')).length,
    lang: document.documentElement.lang,
  };
}"""


#: The Devanagari runs of a page's visible text and shown attributes, read from the DOM.
_RUNS_SCRIPT = r"""() => {
  const run = /[\u0900-\u097F\u1CD0-\u1CFF\uA8E0-\uA8FF\u200C\u200D\u25CC\u20B9]+/g;
  const texts = [document.body.innerText, document.title];
  for (const element of document.querySelectorAll('[alt], [title], [placeholder], [aria-label]')) {
    for (const name of ['alt', 'title', 'placeholder', 'aria-label']) {
      if (element.getAttribute(name)) texts.push(element.getAttribute(name));
    }
  }
  return [...new Set(texts.flatMap(text => text.match(run) || []))];
}"""
#: Each run measured on a canvas with two fonts: the runs whose advance width or ink box differ.
_MEASURE_SCRIPT = """async ([runs, subset, whole]) => {
  const sample = runs.join(' ');
  await document.fonts.load(`40px ${subset}`, sample);
  await document.fonts.load(`40px ${whole}`, sample);
  const context = document.createElement('canvas').getContext('2d');
  const measure = (family, text) => {
    context.font = `40px ${family}`;
    const m = context.measureText(text);
    return [m.width, m.actualBoundingBoxLeft, m.actualBoundingBoxRight, m.actualBoundingBoxAscent,
            m.actualBoundingBoxDescent];
  };
  const differing = [];
  for (const text of runs) {
    const a = measure(subset, text), b = measure(whole, text);
    const widthOff = Math.abs(a[0] - b[0]) > 0.01;
    const inkOff = a.slice(1).some((v, i) => Math.abs(v - b[i + 1]) > 1.0);
    if (widthOff || inkOff) differing.push([text, a, b]);
  }
  return differing;
}"""


@dataclass(frozen=True)
class FontCheck:
    """A page's Devanagari font check: the font it embeds and the whole font that subset was cut from."""

    embedded_mime: str
    embedded: bytes
    whole: bytes

    def style(self) -> str:
        """Both fonts as ``@font-face`` rules under names of their own (``KitCheckSubset``, ``KitCheckWhole``)."""
        def face(family: str, mime: str, data: bytes) -> str:
            encoded = base64.b64encode(data).decode("ascii")
            return f"@font-face {{ font-family: {family}; src: url(data:{mime};base64,{encoded}); }}"

        return face("KitCheckSubset", self.embedded_mime, self.embedded) + face("KitCheckWhole", "font/ttf", self.whole)


#: A font a page embeds as a ``data:`` URI: its MIME type and base64 bytes.
_EMBEDDED_FONT = re.compile(r"url\(data:(font/woff2?);base64,([A-Za-z0-9+/=]+)\)")
#: Attributes a browser never draws (such as the index's search keys of the Hindi district names).
_DATA_ATTRIBUTE = re.compile(r'\sdata-[\w-]+="[^"]*"')


def draws_devanagari(html: str) -> bool:
    """Whether a page shows Devanagari: in its text or shown attributes, not in ``data-`` attributes."""
    return bool(fonts.devanagari_characters(_DATA_ATTRIBUTE.sub("", html)))


def whole_devanagari_font() -> bytes:
    """The whole Devanagari font the pages' subsets are cut from, at the pages' regular weight."""
    path = devanagari_font_path()
    assert path is not None, "fontpkg-noto-sans-devanagari is not installed: the Devanagari drawing check needs it"
    return fonts._pinned_font_bytes(str(path), fonts.REGULAR_WEIGHT)


def embedded_font(html: str) -> tuple[str, bytes] | None:
    """The MIME type and bytes of the font a page embeds, or None."""
    found = _EMBEDDED_FONT.search(html)
    return (found.group(1), base64.b64decode(found.group(2))) if found else None


@dataclass(frozen=True)
class PageJob:
    """A page for :func:`open_pages`: its URL, where to save its screenshot, its font check (each optional)."""

    url: str
    screenshot: Path | None = None
    font_check: FontCheck | None = None


@dataclass
class PageReport:
    """What one page load produced."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    web_requests: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    accessibility: list[str] = field(default_factory=list)
    #: With a font check: the Devanagari runs found, and those drawn differently by the two fonts.
    devanagari_runs: list[str] = field(default_factory=list)
    devanagari_differences: list = field(default_factory=list)


def _listen(page: Page, report: Callable[[], PageReport]) -> None:
    """Record the page's console errors, uncaught exceptions and requests in ``report()``: the report of
    the document the page shows now (a reused tab changes it with each page)."""
    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            report().console_errors.append(message.text)

    def on_request(request: Request) -> None:
        if _WEB.match(request.url):
            report().web_requests.append(request.url)

    def on_failed(request: Request) -> None:
        report().failed_requests.append(f"{request.failure} ({request.url[:80]})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: report().console_errors.append(str(error)))
    page.on("request", on_request)
    page.on("requestfailed", on_failed)


@dataclass
class _Tab:
    """A tab of :func:`open_pages`, reused page after page: its page, and the report of the page it shows."""

    page: AsyncPage
    report: PageReport | None = None


def _context_options(width_px: int) -> dict:
    return {"viewport": {"width": width_px, "height": PHONE_HEIGHT_PX}, "device_scale_factor": 1,
            "is_mobile": True, "has_touch": True}


def open_page(
    browser: Browser,
    url: str,
    *,
    width_px: int = PHONE_WIDTH_PX,
    screenshot: Path | None = None,
    axe_script: str | None = None,
) -> PageReport:
    """Load ``url`` at a phone's width, wait for it, and report what happened.

    Args:
        browser: a Playwright browser (the session's Chromium).
        url: the page (a ``file://`` URI).
        width_px: the viewport's width.
        screenshot: where to save a full-page screenshot, if anywhere.
        axe_script: axe-core's script; when given, ``report.accessibility`` lists the
            serious and critical violations.
    """
    context = browser.new_context(**_context_options(width_px))
    context.route(_WEB, lambda route: route.abort())  # nothing may come from the web
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        report = PageReport(url=url)
        _listen(page, lambda: report)
        page.goto(url, wait_until="load")
        loaded = time.monotonic()
        report.facts = page.evaluate(_FACTS_SCRIPT)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), **SCREENSHOT_OPTIONS)
        if axe_script is not None:
            page.add_script_tag(content=axe_script)
            report.accessibility = violation_lines(page.evaluate(_AXE_RUN))
        page.wait_for_timeout(max(0.0, LATE_MESSAGES_S - (time.monotonic() - loaded)) * 1000)
        return report
    finally:
        context.close()


def open_pages(chromium: str, jobs: list[PageJob], *, axe_script: str | None = None,
               at_once: int = 3) -> list[PageReport]:
    """:func:`open_page` for many pages: one headless Chromium, ``at_once`` pages loading together.

    The pages are loaded in ``at_once`` tabs made once (each in a browser context of its own); a
    tab goes to ``about:blank`` after each page, so that what a page does as it is left is still in
    its report. A fresh context per page cost twice the CPU (a new renderer, axe-core compiled
    again: 112 against 55 CPU-seconds for a third of the built pages, measured 2026-12-06). Each
    page is still a new document with its own scripts, and its report only gets what happens while
    the tab shows it (``test_many_pages_at_once_find_what_one_page_finds`` loads a good page after a
    broken one in the same tab, and a page that writes an error as it is left). The tabs' pages share
    their context's storage and cache: the kit's pages keep nothing there. The reports come back in the order of ``jobs``; a job's font check
    runs in the same page load, after the screenshot and axe-core. Playwright's asyncio API runs in
    a thread of its own, so a session's synchronous browser is not disturbed.
    """
    import asyncio
    import threading

    from playwright.async_api import async_playwright

    async def check_fonts(page, check: FontCheck, report: PageReport) -> None:
        await page.add_style_tag(content=check.style())
        report.devanagari_runs = await page.evaluate(_RUNS_SCRIPT)
        if report.devanagari_runs:
            report.devanagari_differences = await page.evaluate(
                _MEASURE_SCRIPT, [report.devanagari_runs, "KitCheckSubset", "KitCheckWhole"])

    async def one(tabs: asyncio.Queue, job: PageJob) -> PageReport:
        tab: _Tab = await tabs.get()
        page = tab.page
        tab.report = report = PageReport(url=job.url)
        try:
            await page.goto(job.url, wait_until="load")
            loaded = time.monotonic()
            report.facts = await page.evaluate(_FACTS_SCRIPT)
            if job.screenshot is not None:
                job.screenshot.parent.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(job.screenshot), **SCREENSHOT_OPTIONS)
            if axe_script is not None:
                await page.add_script_tag(content=axe_script)
                report.accessibility = violation_lines(await page.evaluate(_AXE_RUN))
            if job.font_check is not None:
                await check_fonts(page, job.font_check, report)
            await page.wait_for_timeout(max(0.0, LATE_MESSAGES_S - (time.monotonic() - loaded)) * 1000)
            return report
        finally:
            with contextlib.suppress(Exception):  # after a failure too: the next page starts on a blank tab
                await page.goto("about:blank")  # what the page does as it is left is still in its report
            tabs.put_nowait(tab)

    async def run_all() -> list[PageReport]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium, headless=True, args=list(CHROMIUM_ARGS))
            try:
                tabs: asyncio.Queue = asyncio.Queue()
                for _ in range(min(max(1, at_once), len(jobs))):
                    context = await browser.new_context(**_context_options(PHONE_WIDTH_PX))
                    await context.route(_WEB, lambda route: route.abort())
                    tab = _Tab(await context.new_page())
                    tab.page.set_default_timeout(PAGE_TIMEOUT_MS)
                    _listen(tab.page, lambda tab=tab: tab.report)
                    tabs.put_nowait(tab)
                return list(await asyncio.gather(*(one(tabs, job) for job in jobs)))
            finally:
                await browser.close()

    outcome: dict[str, object] = {}
    worker = threading.Thread(target=lambda: outcome.update(reports=asyncio.run(run_all())), daemon=True)
    worker.start()
    worker.join()
    if "reports" not in outcome:
        raise RuntimeError("the browser checks did not finish; see the thread's traceback above")
    return outcome["reports"]  # type: ignore[return-value]


#: How long after a page loads its console is still listened to (late errors of its scripts).
LATE_MESSAGES_S = 0.3
_AXE_RUN = """async () => await axe.run(document, {resultTypes: ['violations']})"""


def violation_lines(results: dict, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[str]:
    """One line per axe-core violation of ``impacts`` (colour contrast included) in ``axe.run``'s results."""
    lines = []
    for violation in results["violations"]:
        if violation.get("impact") not in impacts:
            continue
        nodes = violation["nodes"]
        first = nodes[0] if nodes else {}
        where = " ".join(str(t) for t in first.get("target", []))
        summary = (first.get("failureSummary") or "").replace("\n", " ")[:200]
        lines.append(f"{violation['id']} ({violation['impact']}, {len(nodes)} element(s)): {violation['help']}"
                     f"; first: {where}: {summary}")
    return lines


def axe_violations(page: Page, axe_script: str, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[str]:
    """Run axe-core on the loaded page; one line per violation of ``impacts`` (colour contrast included)."""
    page.add_script_tag(content=axe_script)
    return violation_lines(page.evaluate(_AXE_RUN), impacts)
