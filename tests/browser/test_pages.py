"""Open every built page in headless Chromium at a phone's width and check it works and is accessible.

A page fails on: a console error or uncaught exception, a failed request, any
request to the web (pages must be self-contained), an image that did not load
or has no alt text, a page wider than the 390-px viewport, no visible text, or
an axe-core violation of serious or critical impact (colour contrast included).
A full-page screenshot of each is saved to ``tests/artifacts/screenshots/``.

In the same page load, a page that shows Devanagari has every Devanagari word of its
text and shown attributes measured in the browser with the font it embeds and with
the whole font: a glyph missing from the page's subset (a conjunct drawn as its
letters with a visible halant, a letter drawn by a fallback font) changes a word's
width or ink (``page_checks.FontCheck``; ``test_page_fonts.py`` shows the check
catching such a font).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .page_checks import (PHONE_WIDTH_PX, SCREENSHOTS_DIR, FontCheck, PageJob, PageReport, draws_devanagari,
                          embedded_font, open_page, open_pages, whole_devanagari_font)

pytestmark = pytest.mark.browser


#: Hindi pages end so (``languages.yaml``'s file suffix): every one of them must show Devanagari.
HINDI_PAGE_SUFFIX = ".hi.html"
#: The built pages are checked in this many parts, one a test file (this one, ``test_pages_second_third.py``,
#: ``test_pages_last_third.py``), so that ``make test``'s workers (one test file each at a time) share them.
PAGE_PARTS = 3


def _pages(reports_dir: Path) -> list[Path]:
    return sorted(reports_dir.rglob("*.html"))


def is_hindi_page(page: Path) -> bool:
    return page.name.endswith(HINDI_PAGE_SUFFIX)


def test_reports_dir_has_pages(reports_dir):
    pages = _pages(reports_dir)
    assert (reports_dir / "index.html") in pages
    assert len(pages) >= 2


def page_problems(name: str, report: PageReport) -> list[str]:
    """Everything wrong with one loaded page, one line each."""
    facts = report.facts
    problems = []
    if report.console_errors:
        problems.append(f"{name}: console errors {sorted(report.console_errors)}")  # in whatever order they came
    if report.failed_requests:
        problems.append(f"{name}: failed requests {sorted(report.failed_requests)}")
    if report.web_requests:
        problems.append(f"{name}: requests to the web {report.web_requests}")
    if facts["brokenImages"]:
        problems.append(f"{name}: images that did not load {facts['brokenImages']}")
    if facts["imagesWithoutAlt"]:
        problems.append(f"{name}: {facts['imagesWithoutAlt']} image(s) without alt text")
    if facts["scrollWidth"] > PHONE_WIDTH_PX:
        problems.append(f"{name}: {facts['scrollWidth']} px wide at a {PHONE_WIDTH_PX}-px viewport")
    if facts["visibleTextLength"] == 0:
        problems.append(f"{name}: blank page")
    problems += [f"{name}: accessibility: {line}" for line in report.accessibility]
    differing = [text for text, *_ in report.devanagari_differences]
    if differing:
        problems.append(f"{name}: Devanagari drawn otherwise by the page's font than by the whole font: {differing[:3]}")
    return problems


def page_job(page: Path, html: str, screenshot: Path | None, whole_font: bytes) -> tuple[PageJob, list[str]]:
    """The page's job for :func:`open_pages` (a font check when its ``html`` shows Devanagari), and what is
    wrong before loading."""
    if not draws_devanagari(html):
        return PageJob(page.as_uri(), screenshot), []
    embedded = embedded_font(html)
    if embedded is None:
        return PageJob(page.as_uri(), screenshot), [f"{page.name}: shows Devanagari but embeds no font"]
    return PageJob(page.as_uri(), screenshot, FontCheck(*embedded, whole_font)), []


def phone_problems(chromium: str, reports_dir: Path, axe_script: str, *, part: int = 0, parts: int = 1) -> list[str]:
    """The pages of ``reports_dir`` (every ``parts``-th, from the ``part``-th) checked in one browser, a few at a
    time (``open_pages``), Devanagari drawing included."""
    pages = _pages(reports_dir)[part::parts]
    assert pages, f"no pages in {reports_dir} (part {part + 1} of {parts})"
    names = [page.relative_to(reports_dir).as_posix() for page in pages]
    shots = [SCREENSHOTS_DIR / reports_dir.name / (name.replace("/", "__") + ".jpg") for name in names]
    htmls = [page.read_text(encoding="utf-8") for page in pages]
    problems = [f"{name}: a Hindi page that shows no Devanagari" for name, page, html in zip(names, pages, htmls)
                if is_hindi_page(page) and not draws_devanagari(html)]
    whole_font = whole_devanagari_font() if any(draws_devanagari(html) for html in htmls) else b""
    jobs = []
    for page, html, shot in zip(pages, htmls, shots):
        job, before_loading = page_job(page, html, shot, whole_font)
        jobs.append(job)
        problems += before_loading
    reports = open_pages(chromium, jobs, axe_script=axe_script)
    for name, job, report in zip(names, jobs, reports):
        problems += page_problems(name, report)
        if job.font_check is not None and not report.devanagari_runs:
            problems.append(f"{name}: shows Devanagari, but the browser found no Devanagari word in it")
        assert job.screenshot.exists() and job.screenshot.stat().st_size > 0, name
    return problems


def test_the_first_third_of_the_built_pages_works_on_a_phone(chromium, axe_script, reports_dir):
    assert phone_problems(chromium, reports_dir, axe_script, part=0, parts=PAGE_PARTS) == []


def test_sample_pages_with_a_wide_table_work_on_a_phone(chromium, axe_script, sample_reports_dir):
    assert phone_problems(chromium, sample_reports_dir, axe_script) == []


def test_many_pages_at_once_find_what_one_page_finds(chromium, browser, axe_script, tmp_path):
    """The checks of pages opened together are the checks of a page opened alone."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><div style="width:900px">wide</div><img src="missing.png">'
                   "<script>console.error('boom')</script></body></html>", encoding="utf-8")
    good = tmp_path / "good.html"
    good.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title><meta name="viewport" '
                    'content="width=device-width"></head><body><main><p>fine</p></main></body></html>', encoding="utf-8")
    leaving = tmp_path / "leaving.html"  # fine while shown; writes an error as it is left
    leaving.write_text(good.read_text(encoding="utf-8").replace(
        "</main>", "</main><script>addEventListener('beforeunload', () => console.error('left'))</script>"), encoding="utf-8")
    alone = open_page(browser, bad.as_uri(), axe_script=axe_script)
    assert len(page_problems("bad.html", alone)) >= 4
    for at_once in (1, 3):  # one tab for all five pages, each after the other in it; then three tabs
        together = open_pages(chromium, [PageJob(page.as_uri()) for page in (bad, good, bad, leaving, good)],
                              axe_script=axe_script, at_once=at_once)
        assert [page_problems("bad.html", together[i]) for i in (0, 2)] == [page_problems("bad.html", alone)] * 2
        assert [page_problems("good.html", together[i]) for i in (1, 4)] == [[], []], at_once
        assert together[3].console_errors == ["left"], "what a page does as it is left is in its own report"


def test_hindi_brief_declares_hindi(browser, reports_dir):
    hindi = sorted(reports_dir.rglob("*.hi.html"))
    if not hindi:
        pytest.skip("no Hindi page in this reports folder")
    assert open_page(browser, hindi[0].as_uri()).facts["lang"] == "hi"


def test_the_checks_catch_a_broken_page(browser, axe_script, tmp_path):
    """The checks themselves work: a wide, script-erroring, inaccessible page that calls the web fails them."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"></head><body>'
        '<div style="width:900px">wide</div><img src="missing.png" alt="x"><img src="missing2.png">'
        '<p style="color:#aaa;background:#fff">faint text</p>'
        '<img src="https://example.invalid/tracker.png" alt="">'
        "<script>console.error('boom'); undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    report = open_page(browser, page.as_uri(), axe_script=axe_script)
    assert report.facts["scrollWidth"] > PHONE_WIDTH_PX
    assert report.facts["brokenImages"][:2] == ["missing.png", "missing2.png"]
    assert report.facts["imagesWithoutAlt"] == 1
    assert any("boom" in e for e in report.console_errors)
    assert any("undefinedFunction" in e for e in report.console_errors)
    assert report.failed_requests
    assert report.web_requests == ["https://example.invalid/tracker.png"]
    rules = {line.split(" ", 1)[0] for line in report.accessibility}
    assert {"color-contrast", "html-has-lang", "image-alt"} <= rules
    assert len(page_problems("bad.html", report)) >= 7


def test_a_blank_page_is_caught(browser, tmp_path):
    page = tmp_path / "blank.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width">'
                    '<title>x</title></head><body> </body></html>',
                    encoding="utf-8")
    report = open_page(browser, page.as_uri())
    assert report.facts["visibleTextLength"] == 0
    assert page_problems("blank.html", report) == ["blank.html: blank page"]
