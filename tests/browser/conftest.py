"""Fixtures of the browser tests: the system Chromium driven by Playwright, axe-core, folders of pages.

``reports_dir`` is ``$GEM_REPORTS_DIR`` when set (e.g. the output of
``gem-reports build``); otherwise the session's full build of the kit (every
phase, both languages, every district brief; see ``tests/conftest.py``).
``sample_reports_dir`` is a small sample built here with ``helpers.publishing``: a
brief (English and Hindi), an analyst page and the index page, from a notebook
with a wide table, a chart and text from input files.

Playwright's Python package drives the Chromium installed on the machine
(``apt-get install chromium``); no browser is downloaded. axe-core comes from
``node_modules`` (``npm ci``). Locally a missing piece skips the tests; on CI
(``CI`` set) it fails them.
"""

from __future__ import annotations

import base64
import os
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.publishing import index, pages, pdf

from .page_checks import AXE_SCRIPT, CHROMIUM_ARGS


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must install it (.ci/run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; skipped locally when missing, a failure on CI (CI is set)."""
    found = pdf.find_chromium()
    if found is None:
        _missing("Chromium is not installed (apt-get install -y chromium)")
    return found


@pytest.fixture(scope="session")
def browser(chromium):
    """The system Chromium, headless, driven by Playwright (one per session)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        session = playwright.chromium.launch(executable_path=chromium, headless=True, args=list(CHROMIUM_ARGS))
        try:
            yield session
        finally:
            session.close()


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's browser script (``node_modules/axe-core/axe.min.js``, installed by ``npm ci``)."""
    if not AXE_SCRIPT.is_file():
        _missing(f"{AXE_SCRIPT.relative_to(AXE_SCRIPT.parents[2])} is missing (npm ci --no-audit --no-fund)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def _sample_notebook(heading: str) -> nbformat.NotebookNode:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.presentation.charts import figure_png
    from helpers.presentation.display import text_table_html

    fig, ax = plt.subplots(figsize=(8, 3))
    ax.bar(["Agra", "Varanasi", "Bhadohi"], [3, 5, 2])
    png = base64.b64encode(figure_png(fig)).decode("ascii")
    wide = pd.DataFrame({f"column with a long heading {i}": ["<script>alert(1)</script>", 1_49_429] for i in range(12)})
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell(f"# {heading}\n\nA sample page for the browser tests. [GeM](https://gem.gov.in/)"),
        v4.new_code_cell("phase = '1'", metadata={"tags": ["parameters"]}, execution_count=1),
        v4.new_markdown_cell(f"## {heading}"),
        v4.new_code_cell("show_table(wide)", execution_count=2, outputs=[
            v4.new_output("display_data", data={"text/html": text_table_html(wide), "text/plain": "table"})]),
        v4.new_code_cell("show_chart(fig)", execution_count=3, outputs=[
            v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"},
                          metadata={"image/png": {"alt": "Bar chart"}})]),
        v4.new_code_cell("x = " + "1 + " * 80 + "1", execution_count=4, outputs=[
            v4.new_output("execute_result", data={"text/plain": "81"}, execution_count=4)]),
    ]
    return nb


#: The sample index's district table: (district, achievement_pct, new_registrations_count, grade, latest sheet).
SAMPLE_DISTRICTS = (
    ("Agra", 45.5, 3, "far_behind", "2022-03-31"),
    ("Varanasi", 95.25, 12, "on_track", "2022-03-06"),
    ("Bhadohi", 70.0, 0, "behind", None),
)


def sample_district_reports() -> tuple:
    """Each sample district's page, PDF and share card in English and Hindi (the files need not exist)."""
    return tuple(
        index.ReportResult(kind, f"phase-1/districts/{name.lower()}{sfx}.{ext}", name=name, lang=lang, alt="Card text")
        for name, *_ in SAMPLE_DISTRICTS for lang, sfx in (("en", ""), ("hi", ".hi"))
        for kind, ext in (("district", "html"), ("pdf", "pdf"), ("share_card", "png"))
    )


def sample_week():
    """The week's note of the sample index: phase figures, district figures and freshness (Varanasi silent)."""
    from helpers.publishing.index_week import PhaseWeek

    freshness = pd.DataFrame({
        "district": [d for d, *_ in SAMPLE_DISTRICTS],
        "latest_sheet_date": pd.to_datetime([s for *_, s in SAMPLE_DISTRICTS]),
        "latest_registration_date": pd.to_datetime(["2022-03-29", "2022-03-01", None]),
        "is_silent": [False, True, True], "silent_since": pd.to_datetime([None, "2022-03-06", "2021-11-01"]),
        "is_stalled": [False, False, False],
    })
    figures = {d: {"achievement_pct": str(a), "new_registrations_count": str(n), "grade": g}
               for d, a, n, g, _ in SAMPLE_DISTRICTS}
    return PhaseWeek(as_of=date(2022, 3, 31), report_key="phase-1/04_phase_brief", period_days=7,
                     phase_figures={"new_registrations_count": "321", "phase_districts_on_track_count": "1",
                                    "phase_districts_behind_count": "1", "phase_districts_far_behind_count": "1"},
                     district_figures=figures, freshness=freshness, revised_count=0)


def build_sample_reports(out_dir: Path) -> Path:
    """Write a small reports folder (index, briefs in English and Hindi, an analyst page)."""
    phase_dir = out_dir / "phase-1"
    phase_dir.mkdir(parents=True, exist_ok=True)
    written = {
        "brief.html": pages.notebook_to_html(_sample_notebook("Key figures"), audience="brief", title="Brief",
                                             is_synthetic=True),
        "brief.hi.html": pages.notebook_to_html(_sample_notebook("मुख्य आँकड़े"), audience="brief", lang="hi",
                                                title="ब्रीफ़", is_synthetic=True),
        "04_phase_brief.html": pages.notebook_to_html(_sample_notebook("Key figures"), audience="analyst",
                                                      title="Analyst"),
    }
    for name, page in written.items():
        (phase_dir / name).write_text(page, encoding="utf-8")
    reports = (
        index.ReportResult("brief", "phase-1/brief.html"),
        index.ReportResult("brief", "phase-1/brief.hi.html", lang="hi"),
        index.ReportResult("analyst", "phase-1/04_phase_brief.html", name="04_phase_brief"),
    )
    reports += sample_district_reports()
    entry = index.PhaseEntry("1", "Phase 1", "प्रथम चरण", "from_source", date(2021, 11, 1), date(2022, 3, 31),
                             is_window_assumed=True, is_synthetic=True, reports=reports, week=sample_week())
    index.write_index([entry], out_dir / "index.html", built_at="2026-01-01 00:00")
    return out_dir


@pytest.fixture(scope="session")
def reports_dir(request) -> Path:
    """The reports folder to check: ``$GEM_REPORTS_DIR`` if set, else the session's full build of the kit."""
    given = os.environ.get("GEM_REPORTS_DIR")
    if given:
        return Path(given).resolve()
    build = request.getfixturevalue("full_build")
    assert build.process.returncode == 0, build.process.stdout[-2000:] + build.process.stderr[-2000:]
    return build.reports


@pytest.fixture(scope="session")
def sample_reports_dir(tmp_path_factory) -> Path:
    """A small reports folder built here with helpers.publishing (wide table, chart, Hindi, index)."""
    return build_sample_reports(tmp_path_factory.mktemp("reports"))
