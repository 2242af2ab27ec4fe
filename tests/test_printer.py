"""One headless Chromium for every PDF: several threads print through it at once, and the PDFs do not change.

Each page printed through the shared browser (``helpers.publishing.printer``) must be
the PDF that ``chromium --print-to-pdf`` writes for it: A4, the same pages, the running
footer, the synthetic notice, byte for byte apart from the creation date and the DOM
node ids Chromium names table headers by. Needs the system Chromium and Playwright
(skipped locally without them, a failure on CI).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import importlib.util
import logging
import os
import re
import threading
import unicodedata
from pathlib import Path

import nbformat
import pytest

from helpers.errors import PdfError
from helpers.presentation import i18n
from helpers.publishing import pages, pdf, print_header, printer

pytestmark = pytest.mark.browser

A4_POINTS = (595.0, 842.0)
#: What differs between two printings of one page: the dates, and the DOM node ids of table headers.
_VOLATILE = re.compile(rb"D:\d{14}[^)]*|node\d{8}")
SAMPLES = (  # (file stem, lang, title, phase, paragraphs): one, two and three printed pages
    ("agra", "en", "District brief: Agra", "Phase 1", 2),
    ("varanasi", "en", "District brief: Varanasi", "Phase 1", 5),
    ("bhadohi.hi", "hi", "जनपद ब्रीफ़: भदोही", "प्रथम चरण", 5),
)


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must install it (.ci/run)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = pdf.find_chromium()
    if found is None:
        _missing("Chromium is not installed (apt-get install -y chromium)")
    if importlib.util.find_spec("playwright") is None:
        _missing("Playwright is not installed (pip install -e .)")
    return found


@pytest.fixture(scope="module")
def browser(chromium):
    """One printer for the module's tests, closed at the end."""
    with printer.BrowserPrinter(chromium, flags=pdf.HEADLESS_FLAGS, tabs=2) as started:
        yield started


@pytest.fixture(scope="module")
def sample_pages(tmp_path_factory) -> dict[str, Path]:
    """Three briefs (English and Hindi) with the running footer and the synthetic notice, by file stem."""
    folder = tmp_path_factory.mktemp("pages")
    written = {}
    for stem, lang, title, phase, paragraphs in SAMPLES:
        v4 = nbformat.v4
        nb = v4.new_notebook()
        words = "Lorem ipsum dolor sit amet. " if lang == "en" else "**लक्ष्य का 42%** पंजीकरण। "
        nb.cells = [v4.new_markdown_cell(f"# {title}")] + [
            v4.new_markdown_cell(f"## {i18n.t('brief.sources', lang)} {n}\n\n" + words * 60) for n in range(paragraphs)]
        page = pages.notebook_to_html(nb, audience="brief", lang=lang, title=title, is_synthetic=True)
        footer = print_header.running_footer_css(title=title, phase=phase, as_of=dt.date(2022, 3, 31), lang=lang)
        path = folder / f"{stem}.html"
        path.write_text(page.replace("</head>", f"<style>{footer}</style>\n</head>", 1), encoding="utf-8")
        written[stem] = path
    return written


def _pages(pdf_path: Path) -> list:
    pypdf = pytest.importorskip("pypdf")
    return list(pypdf.PdfReader(str(pdf_path)).pages)


def _texts(pdf_path: Path) -> list[str]:
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text() or "").split()) for page in _pages(pdf_path)]


def _is_a4(pdf_path: Path) -> bool:
    boxes = {(float(page.mediabox.width), float(page.mediabox.height)) for page in _pages(pdf_path)}
    return bool(boxes) and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes)


def test_threads_print_through_one_browser_at_once(browser, sample_pages, tmp_path):
    jobs = [(stem, copy) for copy in range(3) for stem in sample_pages]
    threads_seen: set[str] = set()

    def print_one(job: tuple[str, int]) -> Path:
        stem, copy = job
        threads_seen.add(threading.current_thread().name)
        target = tmp_path / f"{stem}.{copy}.pdf"
        browser.print_pdf(sample_pages[stem], target)
        return target

    with concurrent.futures.ThreadPoolExecutor(4) as workers:
        printed = list(workers.map(print_one, jobs))
    assert len(threads_seen) > 1
    counts = {}
    for (stem, _), path in zip(jobs, printed):
        assert path.read_bytes().startswith(b"%PDF"), path.name
        assert _is_a4(path), path.name
        counts.setdefault(stem, set()).add(len(_pages(path)))
    assert {stem: sorted(found) for stem, found in counts.items()} == {"agra": [1], "varanasi": [3], "bhadohi.hi": [2]}


def test_every_page_carries_its_number_the_running_footer_and_the_notice(browser, sample_pages, tmp_path):
    target = tmp_path / "varanasi.pdf"
    browser.print_pdf(sample_pages["varanasi"], target)
    texts = _texts(target)
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {len(texts)}" in text
        assert "District brief: Varanasi · Phase 1 · figures as of 31-03-2022" in text
        assert i18n.t("banner.print_label", "en") in text
    hindi = tmp_path / "bhadohi.hi.pdf"
    browser.print_pdf(sample_pages["bhadohi.hi"], hindi)
    assert all("31-03-2022" in text for text in _texts(hindi))


@pytest.mark.parametrize("stem", ["varanasi", "bhadohi.hi"])
def test_the_pdf_is_the_one_a_chromium_of_its_own_prints(browser, chromium, sample_pages, tmp_path, stem):
    shared, own = tmp_path / "shared.pdf", tmp_path / "own.pdf"
    browser.print_pdf(sample_pages[stem], shared)
    pdf.print_with_new_process(chromium, sample_pages[stem], own)
    assert _VOLATILE.sub(b"", shared.read_bytes()) == _VOLATILE.sub(b"", own.read_bytes())


def test_a_page_that_cannot_be_opened_is_a_pdf_error_and_the_browser_goes_on(browser, sample_pages, tmp_path):
    with pytest.raises(PdfError, match="could not print"):
        browser.print_pdf(tmp_path / "nowhere.html", tmp_path / "nowhere.pdf")
    browser.print_pdf(sample_pages["agra"], tmp_path / "agra.pdf")
    assert _is_a4(tmp_path / "agra.pdf")


def test_a_closed_printer_says_it_is_unavailable(chromium, sample_pages, tmp_path):
    closed = printer.BrowserPrinter(chromium, flags=pdf.HEADLESS_FLAGS, tabs=1)
    closed.start()
    closed.close()
    closed.close()  # twice is harmless
    assert not closed.is_running
    with pytest.raises(printer.PrinterUnavailable):
        closed.print_pdf(sample_pages["agra"], tmp_path / "agra.pdf")


def test_print_pdf_shares_one_browser_and_compacts(chromium, sample_pages, tmp_path):
    printer.close_shared_printer()
    try:
        with concurrent.futures.ThreadPoolExecutor(3) as workers:
            done = list(workers.map(lambda stem: pdf.print_pdf(sample_pages[stem], tmp_path / f"{stem}.pdf"),
                                    sample_pages))
        assert done == [True, True, True]
        first = printer.shared_printer(chromium, pdf.HEADLESS_FLAGS)
        assert first is not None and first is printer.shared_printer(chromium, pdf.HEADLESS_FLAGS)
        for stem in sample_pages:
            assert b"/ObjStm" in (tmp_path / f"{stem}.pdf").read_bytes(), f"{stem}: not compacted"
    finally:
        printer.close_shared_printer()
    assert not first.is_running


def test_without_the_shared_browser_each_pdf_gets_its_own_chromium(chromium, sample_pages, tmp_path, monkeypatch,
                                                                   caplog):
    def cannot_start(self, **_):
        raise printer.PrinterUnavailable("no Playwright here")

    printer.close_shared_printer()
    monkeypatch.setattr(printer.BrowserPrinter, "start", cannot_start)
    try:
        with caplog.at_level(logging.WARNING, logger="gem_reports"):
            assert pdf.print_pdf(sample_pages["agra"], tmp_path / "one.pdf") is True
            assert pdf.print_pdf(sample_pages["agra"], tmp_path / "two.pdf") is True
    finally:
        printer.close_shared_printer()
    said = [r.getMessage() for r in caplog.records if "shared browser" in r.getMessage()]
    assert said == ["PDFs: one shared browser could not start (no Playwright here); each PDF gets its own Chromium"]
    assert _is_a4(tmp_path / "one.pdf") and _is_a4(tmp_path / "two.pdf")
