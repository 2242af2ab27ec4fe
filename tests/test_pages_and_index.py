"""Rendering executed notebooks to self-contained HTML, and the index page."""

from __future__ import annotations

import base64
import re
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.presentation import fragments
from helpers.publishing import index, pages
from helpers.publishing.run import JobResult, PageResult
from support import find_external_loads

CRAFT = "<script>alert(1)</script>"
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def _png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from helpers.presentation.charts import figure_png

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    return base64.b64encode(figure_png(fig)).decode("ascii")


def executed_notebook(heading: str = "Key figures") -> nbformat.NotebookNode:
    """A small notebook as papermill leaves it: parameters, stderr, a table, a chart."""
    v4 = nbformat.v4
    table = pd.DataFrame({"craft": [CRAFT], "registrations_count": [12]}).to_html(escape=True, index=False)
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Phase brief\n\nFor officials. See [GeM](https://gem.gov.in/)."),
        v4.new_code_cell("phase = '1'  # phase id", metadata={"tags": ["parameters"]}, execution_count=1),
        v4.new_code_cell("phase = '2'", metadata={"tags": ["injected-parameters"]}, execution_count=2),
        v4.new_markdown_cell("## Load inputs", metadata={"tags": ["remove-in-brief"]}),
        v4.new_code_cell(
            "regs = load_registrations_secret_call()",
            execution_count=3,
            outputs=[v4.new_output("stream", name="stderr", text="UserWarning: something noisy\n")],
        ),
        v4.new_markdown_cell(f"## {heading}"),
        v4.new_code_cell(
            "show_table(frame)",
            execution_count=4,
            outputs=[v4.new_output("display_data", data={"text/html": table, "text/plain": "table"})],
        ),
        v4.new_code_cell(
            "show_chart(fig)",
            execution_count=5,
            outputs=[
                v4.new_output(
                    "display_data",
                    data={"image/png": _png(), "text/plain": "<Figure>"},
                    metadata={"image/png": {"alt": "Bar chart of registrations"}},
                )
            ],
        ),
        v4.new_code_cell(
            "broken()",
            execution_count=6,
            outputs=[v4.new_output("error", ename="KeyError", evalue="'Agra'", traceback=["Traceback...", "KeyError"])],
        ),
    ]
    return nb


@pytest.fixture(scope="module")
def brief_html() -> str:
    return pages.notebook_to_html(executed_notebook(), audience="brief", title=f"Brief {CRAFT}", is_synthetic=True)


@pytest.fixture(scope="module")
def analyst_html() -> str:
    return pages.notebook_to_html(executed_notebook(), audience="analyst", title="Analyst")


def test_pages_load_nothing_from_the_web(brief_html, analyst_html):
    for page in (brief_html, analyst_html):
        assert find_external_loads(page) == []
        assert "<script src" not in page.lower()
        assert not re.search(r"""(src|href)\s*=\s*["']?https?://(?!gem\.gov\.in)""", page)
        assert "require.js" not in page and "mathjax" not in page.lower() and "cdnjs" not in page


def test_find_external_loads_catches_scripts_styles_images_and_css_urls():
    page = (
        '<html><head><script src="https://cdn.example/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/css">'
        "<style>@font-face{src:url(https://fonts.example/f.woff)}</style></head>"
        '<body><img src="http://img.example/a.png"><a href="https://ok.example/">link</a>'
        '<img src="data:image/png;base64,AAAA"></body></html>'
    )
    assert find_external_loads(page) == [
        "https://cdn.example/x.js",
        "//fonts.example/css",
        "https://fonts.example/f.woff",
        "http://img.example/a.png",
    ]


def test_images_are_embedded_with_alt_text(brief_html):
    assert re.search(r"data:image/(png|webp);base64,", brief_html)  # lossless WebP where smaller
    assert 'alt="Bar chart of registrations"' in brief_html


def test_brief_hides_code_prompts_parameters_and_stderr(brief_html):
    assert "load_registrations_secret_call" not in brief_html
    assert "show_chart(fig)" not in brief_html
    assert "phase = " not in brief_html
    assert not re.search(r"In(&nbsp;|\s)\[", brief_html) and "Out[" not in brief_html
    assert "something noisy" not in brief_html
    assert "Load inputs" not in brief_html
    assert 'class="jp-CodeMirrorEditor' not in brief_html and 'class="jp-InputPrompt' not in brief_html
    # a failing cell becomes one plain sentence, not a traceback
    assert "Traceback" not in brief_html
    assert "could not be computed (KeyError: 'Agra')" in brief_html


def test_analyst_page_keeps_code_and_stderr(analyst_html):
    assert "load_registrations_secret_call" in analyst_html
    assert "something noisy" in analyst_html
    assert re.search(r"In(&nbsp;|\s)\[3\]:", analyst_html)
    assert '<span class="n">load_registrations_secret_call</span>' in analyst_html  # highlighted
    assert ".highlight .k {" in analyst_html  # with the highlighting stylesheet


def test_a_brief_carries_no_code_highlighting_stylesheet(brief_html):
    assert ".highlight .hll" not in brief_html and "linenos" not in brief_html


def test_text_from_input_files_is_escaped(brief_html):
    assert CRAFT not in brief_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in brief_html
    assert "<title>Brief &lt;script&gt;" in brief_html


def test_banner_on_screen_and_on_every_printed_page(brief_html):
    assert 'class="kit-banner"' in brief_html
    assert "Synthetic demo data" in brief_html
    assert "@top-center" in brief_html  # repeated in the margin of every printed page
    plain = pages.notebook_to_html(executed_notebook(), audience="brief", title="x")
    assert 'class="kit-banner"' not in plain and "@top-center" not in plain
    illustrative = pages.notebook_to_html(executed_notebook(), audience="brief", title="x", is_illustrative=True)
    assert "Illustrative phase" in illustrative


def test_print_and_phone_stylesheet(brief_html):
    css = re.sub(r"\s+", "", brief_html)  # the stylesheet is minified
    assert "size:A4" in css
    assert "break-inside:avoid" in css and "break-after:avoid" in css
    assert "break-before:page" not in css  # sections flow on: no half-empty pages
    assert 'a[href^="http"]::after' in brief_html and "attr(href)" in brief_html
    assert "overflow-x:auto" in css
    assert 'name="viewport"' in brief_html


def test_hindi_page_has_lang_hi_devanagari_headings_and_embedded_font():
    page = pages.notebook_to_html(
        executed_notebook("मुख्य आँकड़े"), audience="brief", lang="hi", title="ब्रीफ़", is_synthetic=True
    )
    assert '<html lang="hi">' in page
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)
    assert headings and all(DEVANAGARI.search(h) for h in headings)
    assert "काल्पनिक डेमो डेटा" in page  # the banner is Hindi too
    assert "font-family: KitDevanagari" in page and re.search(r"data:font/(woff2?|ttf);base64,", page)
    assert find_external_loads(page) == []


def test_the_notebook_passed_in_is_not_changed():
    nb = executed_notebook()
    before = nbformat.writes(nb)
    pages.notebook_to_html(nb, audience="brief", title="x")
    assert nbformat.writes(nb) == before


def test_unknown_audience_fails():
    with pytest.raises(pages.RenderError, match="audience 'boss'"):
        pages.notebook_to_html(executed_notebook(), audience="boss", title="x")  # type: ignore[arg-type]


def test_display_helpers_escape():
    assert fragments.heading(CRAFT) == "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>"
    assert CRAFT not in fragments.paragraph(CRAFT) and CRAFT not in fragments.bullet_list([CRAFT])
    cards = fragments.key_figure_cards([fragments.KeyFigure("1,49,429", "weavers", CRAFT)])
    assert "1,49,429" in cards and CRAFT not in cards


# ------------------------------------------------------------------ index


def _entries() -> list[index.PhaseEntry]:
    reports = (
        index.ReportResult("brief", "phase-1/brief.html", lang="en"),
        index.ReportResult("pdf", "phase-1/brief.pdf", lang="en"),
        index.ReportResult("brief", "phase-1/brief.hi.html", lang="hi", status="skipped"),
        index.ReportResult("pdf", "", lang="hi", status="unavailable", error="Chromium not installed"),
        index.ReportResult("analyst", "phase-1/02_district_coverage.html", name="02_district_coverage",
                            notebook_href="phase-1/02_district_coverage.ipynb"),
        index.ReportResult("analyst", "phase-1/03.error.html", name="03_national_vs_up_share", status="failed",
                            failed_cell=7, error="KeyError: 'UP'"),
        index.ReportResult("district", "phase-1/districts/agra.html", name="Agra"),
        index.ReportResult("pdf", "phase-1/districts/agra.hi.pdf", name="Agra", lang="hi"),
        index.ReportResult("share_card", "phase-1/districts/agra.share-card.png", name="Agra", alt="Agra: 151 registered"),
        index.ReportResult("district", "phase-1/districts/x.html", name=CRAFT),
        index.ReportResult("workbook", "phase-1/tables.xlsx", lang="en"),
        index.ReportResult("share_card", "phase-1/share-card.png", alt="Phase 1: 12,500 registered of 15,500"),
    )
    summary = {"as_of": "2022-03-31", "headline_figures": [{"label": "Registered", "value": "12,500"},
               {"label": "Of target", "value": "80.6%"}], "headline_change": "1,234 registered in the last 7 days."}
    return [
        index.PhaseEntry("1", "Phase 1: GeM events", "प्रथम चरण", "from_source", date(2021, 11, 1),
                          date(2022, 3, 31), is_window_assumed=True, is_synthetic=True, reports=reports,
                          summaries={"en": summary},
                          build_counts={"ok": 10, "skipped": 2, "failed": 1}),
        index.PhaseEntry("2", "Phase 2 (illustrative)", "द्वितीय चरण", "illustrative", date(2023, 8, 1),
                          date(2023, 8, 31)),
    ]


def test_index_shows_a_card_per_phase_with_links_and_status_and_no_hashes(tmp_path: Path):
    out = index.write_index(_entries(), tmp_path / "reports" / "index.html", built_at="2026-01-02 10:00",
                            provenance_href="provenance.html")
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    for href in ("phase-1/brief.html", "phase-1/brief.pdf", "phase-1/brief.hi.html",
                 "phase-1/02_district_coverage.html", "phase-1/02_district_coverage.ipynb",
                 "phase-1/districts/agra.html", "phase-1/districts/agra.hi.pdf", "phase-1/tables.xlsx",
                 "phase-1/share-card.png", "phase-1/districts/agra.share-card.png", "provenance.html"):
        assert f'href="{href}"' in page
    assert page.count('href="provenance.html"') == 1
    assert "Phase 1: GeM events" in page and "Phase 2 (illustrative)" in page
    assert "1 November 2021" in page and "(assumed" in page
    assert "Illustrative (not an official phase)" in page
    assert "Figures as of 31 March 2022" in page and "12,500" in page and "80.6%" in page
    assert "1,234 registered in the last 7 days." in page
    assert "Build: 10 built, 2 up to date, 1 failed." in page
    # a share card's alt text stays in its .alt.txt file, linked, out of the reader's path (issue 23)
    assert "Phase 1: 12,500 registered of 15,500" not in page and "Agra: 151 registered" not in page
    assert 'href="phase-1/share-card.png.alt.txt"' in page
    assert "ab" * 6 not in page and "registrations.parquet" not in page  # provenance is on its own page
    assert 'type="search"' in page
    assert "failing cell 7" in page and "KeyError: &#39;UP&#39;" in page
    assert "skipped (up to date)" in page and "Chromium not installed" in page
    assert CRAFT not in page and "&lt;script&gt;" in page
    assert find_external_loads(page) == []
    assert "Synthetic demo data" in page


def test_index_in_hindi(tmp_path: Path):
    page = index.write_index(_entries(), tmp_path / "index.html", built_at="2026-01-02", lang="hi").read_text()
    assert '<html lang="hi">' in page
    assert "प्रथम चरण" in page and "आगरा" in page and "विफल सेल 7" in page


def test_entries_from_build_summary(tmp_path: Path):
    from types import SimpleNamespace

    from helpers import paths
    from helpers.campaign import phases

    out = str((paths.REPORTS_DIR / "phase-1").relative_to(paths.ROOT))
    job = JobResult(
        key="phase-1/04_phase_brief", report_id="phase_brief", title="Phase 1", status="ok", phase_id="1",
        district=None, lang="en", notebook="notebooks/04_phase_brief.ipynb", parameters={},
        inputs={"data/processed/registrations.parquet": "12" * 32},
        pages=[PageResult("brief", "brief", f"{out}/brief.html", pdf_path=f"{out}/brief.pdf"),
               PageResult("analyst", "analyst", f"{out}/04_phase_brief.html")],
        executed_notebook=f"{out}/04_phase_brief.ipynb",
    )
    failed = JobResult(
        key="phase-1/districts/agra", report_id="district_brief", title="Agra", status="failed", phase_id="1",
        district="Agra", lang="en", notebook="notebooks/05_district_brief.ipynb", parameters={}, inputs={},
        pages=[], page_kinds=["district"], executed_notebook=f"{out}/districts/agra.failed.ipynb", error_page=f"{out}/districts/agra.error.html",
        error={"cell_index": 9, "ename": "ValueError", "evalue": "bad"},
    )
    summary = SimpleNamespace(results=[job, failed], finished_at="2026-01-02T10:00:00+00:00")
    entries = index.entries_from_build(summary, {"1": phases.get_phase("1")}, is_synthetic=False)
    kinds = sorted((r.kind, r.href) for r in entries[0].reports)
    assert ("brief", "phase-1/brief.html") in kinds and ("pdf", "phase-1/brief.pdf") in kinds
    assert ("analyst", "phase-1/04_phase_brief.html") in kinds
    agra = next(r for r in entries[0].reports if r.kind == "district")
    assert agra.status == "failed" and agra.failed_cell == 9 and agra.href == "phase-1/districts/agra.error.html"
    page = index.write_index(entries, tmp_path / "index.html", built_at="2026-01-02 10:00").read_text()
    assert "failing cell 9" in page or "agra.error.html" in page
    from helpers.publishing import provenance

    record = provenance.write_provenance([job, failed], tmp_path / "provenance.html", built_at="x").read_text()
    assert "registrations.parquet" in record and "12" * 32 in record and "phase-1/districts/agra" in record


# ------------------------------------------------------------------ the index as the week's note (issue 23)

WEEK_AS_OF = "2022-03-31"
#: The district briefs' figures: (district, language of the file, {figure: value}); Bhadohi only in Hindi.
DISTRICT_FIGURES = (
    ("Agra", "en", {"registrations_count": 151, "new_registrations_count": 3, "achievement_pct": 45.5,
                    "grade": "far_behind"}),
    ("Varanasi", "en", {"registrations_count": 902, "new_registrations_count": 12, "achievement_pct": 95.25,
                        "grade": "on_track"}),
    ("Bhadohi", "hi", {"registrations_count": 40, "new_registrations_count": 0, "achievement_pct": 70,
                       "grade": "behind"}),
)
PHASE_FIGURES = {"new_registrations_count": 321, "phase_districts_on_track_count": 2,
                 "phase_districts_behind_count": 1, "phase_districts_far_behind_count": 1}


def visible_text(html: str) -> str:
    """The page's text without tags, styles and scripts, whitespace collapsed (as in test_build)."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<"))


def _figures_file(path: Path, report: str, rows: list[tuple[str, str, object]]) -> str:
    from helpers.report_files import ledger

    path.parent.mkdir(parents=True, exist_ok=True)
    ledger.figures_frame(WEEK_AS_OF, report, rows).to_csv(path, index=False)
    return str(path)


def _prepared_data(folder: Path) -> Path:
    """registrations.parquet and data_quality_summary.csv: Agra sent a sheet this week, Varanasi last on 6 March."""
    folder.mkdir(parents=True, exist_ok=True)
    sheets = {"Agra": ("x/SYNTHETIC_phase-1_2022-03-31_week-22.csv", "2022-03-29"),
              "Varanasi": ("x/SYNTHETIC_phase-1_2022-03-06_week-18.csv", "2022-03-01")}
    registrations = pd.DataFrame([
        {"registration_date": pd.Timestamp(day), "home_district": district, "event_district": district,
         "source_file": file, "source_sheet": ""} for district, (file, day) in sheets.items()])
    registrations.to_parquet(folder / "registrations.parquet")
    registrations[["source_file", "source_sheet"]].assign(rows_in=1).to_csv(folder / "data_quality_summary.csv", index=False)
    return folder


def _week_build(tmp_path: Path):
    """A build summary of phase 1 with the phase brief and three district briefs, files written in ``tmp_path``."""
    import json
    from types import SimpleNamespace

    from helpers.publishing.run import FileResult

    out = tmp_path / "reports" / "phase-1"
    (out / "districts").mkdir(parents=True)
    (out / "summary.json").write_text(json.dumps({"as_of": WEEK_AS_OF, "headline_figures": [],
                                                  "headline_change": "Change sentence."}), encoding="utf-8")
    (out / "share-card.png").write_bytes(b"png")
    (out / "share-card.png.alt.txt").write_text("PHASE CARD ALT TEXT\n", encoding="utf-8")
    phase_rows = [("", k, v) for k, v in PHASE_FIGURES.items()] + [("Agra", "grade", "behind")]
    brief = JobResult(
        key="phase-1/04_phase_brief", report_id="phase_brief", title="Phase 1", status="ok", phase_id="1",
        district=None, lang="en", notebook="n", parameters={}, inputs={},
        pages=[PageResult("brief", "brief", str(out / "brief.html"), pdf_path=str(out / "brief.pdf"))],
        files=[FileResult("figures", _figures_file(out / "figures.csv", "phase-1/04_phase_brief", phase_rows)),
               FileResult("summary", str(out / "summary.json")),
               FileResult("share_card", str(out / "share-card.png"))],
    )
    jobs = [brief]
    for district, lang, figures in DISTRICT_FIGURES:
        slug, sfx = district.lower(), "" if lang == "en" else ".hi"
        card = out / "districts" / f"{slug}.share-card{sfx}.png"
        card.write_bytes(b"png")
        card.with_name(card.name + ".alt.txt").write_text(f"{district} CARD ALT TEXT\n", encoding="utf-8")
        rows = [(district, k, v) for k, v in figures.items()]
        figures_path = _figures_file(out / "districts" / f"{slug}.figures{sfx}.csv", f"phase-1/districts/{slug}{sfx}", rows)
        jobs.append(JobResult(
            key=f"phase-1/districts/{slug}{sfx}", report_id="district_brief", title=district, status="ok",
            phase_id="1", district=district, lang=lang, notebook="n", parameters={}, inputs={},
            pages=[PageResult("district", "brief", str(out / "districts" / f"{slug}{sfx}.html"),
                              pdf_path=str(out / "districts" / f"{slug}{sfx}.pdf"))],
            files=[FileResult("share_card", str(card)), FileResult("figures", figures_path)],
        ))
    return SimpleNamespace(results=jobs, finished_at="2026-01-02T10:00:00+00:00")


@pytest.fixture()
def quiet_ledger(monkeypatch):
    """A ledger in which Agra's achievement was first published as 40.0 (now 45.5): one revised figure."""
    from helpers.report_files import ledger
    from helpers.store import LEDGER_COLUMNS

    first = pd.DataFrame([[WEEK_AS_OF, "phase-1/districts/agra", "Agra", "achievement_pct", "40", "2022-04-01"]],
                         columns=list(LEDGER_COLUMNS))
    monkeypatch.setattr(ledger, "read_ledger", lambda path=None: first)
    monkeypatch.setattr(ledger, "previous_report_date", lambda report, as_of, path=None: None)


def _table_rows(page: str) -> dict[str, list[str]]:
    """The district table's rows: {district: [visible text of each cell]}."""
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    rows = {}
    for row in re.findall(r"<tr\b.*?</tr>", body, flags=re.S):
        cells = [visible_text(c).strip() for c in re.findall(r"<t[hd]\b.*?</t[hd]>", row, flags=re.S)]
        rows[cells[0]] = cells
    return rows


def test_index_table_rows_are_recomputed_from_the_figures_files(tmp_path: Path, quiet_ledger):
    from helpers.campaign import phases, targets
    from helpers.presentation.district_sections import shown_count
    from helpers.presentation.formatting import format_pct

    summary = _week_build(tmp_path)
    entries = index.entries_from_build(summary, {"1": phases.get_phase("1")}, is_synthetic=True,
                                       processed_dir=_prepared_data(tmp_path / "processed"))
    page = index.write_index(entries, tmp_path / "index.html", built_at="2026-01-02 10:00").read_text()
    rows = _table_rows(page)
    assert sorted(rows) == sorted(d for d, _, _ in DISTRICT_FIGURES)
    grades = targets.load_grades()
    for district, lang, _ in DISTRICT_FIGURES:
        sfx = "" if lang == "en" else ".hi"
        figures = pd.read_csv(tmp_path / "reports" / "phase-1" / "districts" / f"{district.lower()}.figures{sfx}.csv")
        value = dict(zip(figures["figure"], figures["value"]))
        cells = rows[district]
        assert cells[1] == grades.by_code(value["grade"]).label("en")  # the district brief's grade, not the phase's
        assert cells[2] == format_pct(float(value["achievement_pct"]), 1, "en")
        new = str(value["new_registrations_count"])  # a district's 1 to 4 is published as "<5" (ledger.published_values)
        assert cells[3] == (new if new == "<5" else shown_count(int(new), 5, "en"))
    assert rows["Agra"][3] == "<5" and 'data-sort="3"' not in page  # 1 to 4 never shown, not even as a sort key
    assert rows["Agra"][5] == "Page · PDF · Card" and rows["Bhadohi"][6] == "Page · PDF · Card"
    assert "13 February" not in rows["Agra"][4] and rows["Agra"][4] == "31 March 2022"
    assert rows["Varanasi"][4] == "6 March 2022 no sheet in the last 7 days"


def test_index_puts_the_weeks_note_on_top_without_alt_texts(tmp_path: Path, quiet_ledger):
    from helpers.campaign import phases

    phase = phases.get_phase("1")
    summary = _week_build(tmp_path)
    entries = index.entries_from_build(summary, {"1": phase}, is_synthetic=True,
                                       processed_dir=_prepared_data(tmp_path / "processed"))
    page = index.write_index(entries, tmp_path / "index.html", built_at="2026-01-02 10:00").read_text()
    text = visible_text(page)
    top = text[text.index("This week at a glance"):text.index("Described in a cited source")]
    assert "Figures as of 31 March 2022" in top
    assert f"In the 7 days before 31 March 2022: {PHASE_FIGURES['new_registrations_count']} new registrations." in top
    behind, far = PHASE_FIGURES["phase_districts_behind_count"], PHASE_FIGURES["phase_districts_far_behind_count"]
    graded = behind + far + PHASE_FIGURES["phase_districts_on_track_count"]
    assert f"{behind + far} of {graded} graded ({behind} behind, {far} far behind)" in top
    participating = len(phase.participating_districts)
    assert f"Districts with no sheet in the last 7 days: {participating - 1} of {participating}." in top  # all but Agra
    assert "No sheet from Varanasi since 6 March 2022." in top
    assert "Figures revised after they were published: 1" in top
    assert "Change sentence." in top and "Brief (English)" in top
    assert page.index('id="this-week"') < page.index('id="phase-1"')
    assert "ALT TEXT" not in text and "ALT TEXT" not in page  # alt texts stay in their .alt.txt files
    assert "share-card.png.alt.txt" in page
    assert find_external_loads(page) == []


def test_index_without_prepared_data_has_no_freshness_column(tmp_path: Path, quiet_ledger):
    from helpers.campaign import phases

    summary = _week_build(tmp_path)
    entries = index.entries_from_build(summary, {"1": phases.get_phase("1")}, is_synthetic=True,
                                       processed_dir=tmp_path / "nothing-here")
    page = index.write_index(entries, tmp_path / "index.html", built_at="x").read_text()
    assert "Latest sheet" not in page and "no sheet" not in visible_text(page)
    assert len(next(iter(_table_rows(page).values()))) == 6


def test_index_table_is_complete_without_script_and_sortable_with_it(tmp_path: Path):
    page = index.write_index(_entries(), tmp_path / "index.html", built_at="x").read_text()
    assert 'class="kit-district-table kit-sortable"' in page and 'data-sort="number"' in page
    assert re.search(r'<p class="kit-table-tools" hidden>', page)  # the search box appears with the script
    assert "<script src" not in page and "aria-sort" in page  # the inline script sets aria-sort
    assert '<tr data-search="agra आगरा">' in page  # found by its name in either script
    hindi = index.write_index(_entries(), tmp_path / "index.hi.html", built_at="x", lang="hi").read_text()
    assert "जनपद" in hindi and "आगरा" in _table_rows(hindi)


def test_index_with_every_district_of_two_phases_stays_light(tmp_path: Path):
    from helpers.presentation import i18n

    reports = tuple(
        index.ReportResult(kind, f"phase-{p}/districts/{d.lower()}{s}.{ext}", name=d, lang=lang, alt="a" * 200)
        for p in ("1", "2") for d in i18n.district_names("en")
        for lang, s in (("en", ""), ("hi", ".hi"))
        for kind, ext in (("district", "html"), ("pdf", "pdf"), ("share_card", "png"))
    )
    entries = [index.PhaseEntry(p, f"Phase {p}", "चरण", "from_source", date(2021, 11, 1), date(2022, 3, 31),
                                reports=tuple(r for r in reports if r.href.startswith(f"phase-{p}/")))
               for p in ("1", "2")]
    page = index.write_index(entries, tmp_path / "index.html", built_at="x").read_bytes()
    assert len(_table_rows(page.decode())) == 75
    assert len(page) < 150_000, len(page)
