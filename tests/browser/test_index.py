"""The index's district table in the browser: complete without the script, sortable and searchable with it.

Runs on the sample reports folder (``conftest.build_sample_reports``: three districts, Agra with a
count of new registrations below 5); the phone-width and axe checks of every page, the index
included, are in ``test_pages.py``.
"""

from __future__ import annotations

import pytest

from .page_checks import PHONE_HEIGHT_PX, PHONE_WIDTH_PX

pytestmark = pytest.mark.browser


def _open(browser, url: str, *, javascript: bool = True):
    context = browser.new_context(viewport={"width": PHONE_WIDTH_PX, "height": PHONE_HEIGHT_PX},
                                  java_script_enabled=javascript, is_mobile=True, has_touch=True)
    context.route("http*://**", lambda route: route.abort())
    page = context.new_page()
    page.goto(url, wait_until="load")
    return context, page


def _districts(page) -> list[str]:
    """The names of the visible rows of the district table, top to bottom."""
    return page.eval_on_selector_all(
        "table.kit-district-table tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.cells[0].innerText.trim())")


def test_the_table_is_complete_without_javascript(browser, sample_reports_dir):
    context, page = _open(browser, (sample_reports_dir / "index.html").as_uri(), javascript=False)
    try:
        assert _districts(page) == ["Agra", "Bhadohi", "Varanasi"]
        assert not page.is_visible("input.kit-district-filter")  # no search box that would do nothing
        assert page.locator("button.kit-sort").count() == 0
    finally:
        context.close()


def test_sorting_by_a_column_and_back(browser, sample_reports_dir):
    context, page = _open(browser, (sample_reports_dir / "index.html").as_uri())
    try:
        achievement = page.locator("table.kit-district-table thead th", has_text="Achievement")
        achievement.locator("button.kit-sort").click()
        assert _districts(page) == ["Agra", "Bhadohi", "Varanasi"]  # 45.5, 70, 95.25
        assert achievement.get_attribute("aria-sort") == "ascending"
        achievement.locator("button.kit-sort").click()
        assert _districts(page) == ["Varanasi", "Bhadohi", "Agra"]
        assert achievement.get_attribute("aria-sort") == "descending"
        new = page.locator("table.kit-district-table thead th", has_text="New this period")
        new.locator("button.kit-sort").click()
        assert _districts(page) == ["Bhadohi", "Agra", "Varanasi"]  # 0, <5, 12
        assert page.locator("tr", has_text="Agra").locator("td").nth(2).inner_text() == "<5"
    finally:
        context.close()


def test_searching_finds_a_district_by_either_name(browser, sample_reports_dir):
    context, page = _open(browser, (sample_reports_dir / "index.html").as_uri())
    try:
        search = page.locator("input.kit-district-filter")
        assert search.is_visible()
        search.fill("वाराणसी")
        assert _districts(page) == ["Varanasi"]
        search.fill("agr")
        assert _districts(page) == ["Agra"]
        search.fill("")
        assert len(_districts(page)) == 3
    finally:
        context.close()


def test_alt_texts_are_not_in_the_readers_path(browser, sample_reports_dir):
    context, page = _open(browser, (sample_reports_dir / "index.html").as_uri())
    try:
        assert "Card text" not in page.inner_text("body")
    finally:
        context.close()
