"""Open every built page in headless Chromium at a phone's width and check it works.

A page fails on: a console error or uncaught exception, a failed request, any
request to the web (pages must be self-contained), an image that did not load,
a page wider than the 390-px viewport, or no visible text. A full-page
screenshot of each is saved to ``tests/artifacts/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .cdp import SCREENSHOTS_DIR

pytestmark = pytest.mark.browser

PHONE_WIDTH_PX = 390


def _pages(reports_dir: Path) -> list[Path]:
    return sorted(reports_dir.rglob("*.html"))


def test_reports_dir_has_pages(reports_dir):
    pages = _pages(reports_dir)
    assert (reports_dir / "index.html") in pages
    assert len(pages) >= 2


def _phone_problems(browser, reports_dir: Path) -> list[str]:
    problems = []
    for page in _pages(reports_dir):
        name = page.relative_to(reports_dir).as_posix()
        shot = SCREENSHOTS_DIR / (name.replace("/", "__") + ".png")
        report = browser.open(page.as_uri(), width_px=PHONE_WIDTH_PX, screenshot=shot)
        facts = report.facts
        if report.console_errors:
            problems.append(f"{name}: console errors {report.console_errors}")
        if report.failed_requests:
            problems.append(f"{name}: failed requests {report.failed_requests}")
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
        assert shot.exists() and shot.stat().st_size > 0
    return problems


def test_every_built_page_works_on_a_phone(browser, reports_dir):
    assert _phone_problems(browser, reports_dir) == []


def test_sample_pages_with_a_wide_table_work_on_a_phone(browser, sample_reports_dir):
    assert _phone_problems(browser, sample_reports_dir) == []


def test_hindi_brief_declares_hindi(browser, reports_dir):
    hindi = sorted(reports_dir.rglob("*.hi.html"))
    if not hindi:
        pytest.skip("no Hindi page in this reports folder")
    report = browser.open(hindi[0].as_uri(), width_px=PHONE_WIDTH_PX)
    assert report.facts["lang"] == "hi"


def test_the_checks_catch_a_broken_page(browser, tmp_path):
    """The checks themselves work: a wide, script-erroring page with a missing image fails them."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"></head><body>'
        '<div style="width:900px">wide</div><img src="missing.png" alt="x">'
        "<script>console.error('boom'); undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    report = browser.open(page.as_uri(), width_px=PHONE_WIDTH_PX)
    assert report.facts["scrollWidth"] > PHONE_WIDTH_PX
    assert report.facts["brokenImages"] == ["missing.png"]
    assert any("boom" in e for e in report.console_errors)
    assert any("undefinedFunction" in e for e in report.console_errors)
    assert report.failed_requests
