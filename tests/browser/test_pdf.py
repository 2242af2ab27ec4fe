"""Printing a brief to PDF with headless Chromium: A4 from the page's @page rule, and what every page carries.

Every printed page carries its number ("2 / 7"), the synthetic-data notice at the
top, and a running footer with the report's title, phase and as-of date
(``helpers.publishing.print_header``), so a loose page can be placed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import nbformat
import pytest

from helpers.presentation import i18n
from helpers.publishing import pages, pdf, print_header
from support import pdf_page_texts

pytestmark = pytest.mark.browser

A4_POINTS = (595.0, 842.0)
_RUNNING_CONTENT = re.compile(r'@bottom-left \{ content: "((?:[^"\\]|\\.)*)"')
_DATE = re.compile(r"\d{2}-\d{2}-\d{4}")


def _page_texts(pdf_path: Path) -> list[str]:
    """The text of each page, ligatures undone (NFKC) and runs of spaces collapsed."""
    return [" ".join(unicodedata.normalize("NFKC", text).split()) for text in pdf_page_texts(pdf_path)]


def _is_a4(pdf_path: Path) -> bool:
    """Every page of the PDF is A4 (read with pypdf: the page objects sit in compressed object streams)."""
    pypdf = pytest.importorskip("pypdf")
    boxes = {(float(page.mediabox.width), float(page.mediabox.height)) for page in pypdf.PdfReader(str(pdf_path)).pages}
    return bool(boxes) and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes)


def test_print_pdf_writes_a4_pages(chromium, reports_dir, tmp_path):
    brief = next(iter(sorted(reports_dir.rglob("brief*.html"))), None) or reports_dir / "index.html"
    out = tmp_path / "brief.pdf"
    assert pdf.print_pdf(brief, out) is True
    assert out.read_bytes().startswith(b"%PDF")
    assert _is_a4(out)


def test_the_build_printed_a4_pdfs_beside_the_phase_briefs(chromium, reports_dir):
    briefs = sorted(reports_dir.glob("phase-*/brief*.html"))
    assert briefs, "no phase brief in the reports folder"
    for brief in briefs:
        printed = brief.with_suffix(".pdf")
        assert printed.exists(), f"{printed.name} missing beside {brief.name}"
        assert _is_a4(printed), brief.name


def _page_problems(html_path: Path, pdf_path: Path, *, lang: str, has_notice: bool) -> list[str]:
    """What a printed page misses: its number, the running footer (title, phase, date), the notice."""
    found = _RUNNING_CONTENT.search(html_path.read_text(encoding="utf-8"))
    if found is None:
        return [f"{html_path.name}: no running footer in its print stylesheet"]
    running = " ".join(found.group(1).replace('\\"', '"').replace("\\\\", "\\").split())
    date = _DATE.search(running)
    texts = _page_texts(pdf_path)
    problems = []
    for number, text in enumerate(texts, start=1):
        where = f"{pdf_path.name} page {number}"
        if f"{number} / {len(texts)}" not in text:
            problems.append(f"{where}: no page number")
        if lang == "en" and running not in text:  # Devanagari conjuncts do not extract: Hindi checks the date
            problems.append(f"{where}: running footer {running!r} missing")
        if date is None or date.group(0) not in text:
            problems.append(f"{where}: as-of date missing")
        if has_notice and lang == "en" and i18n.t("banner.print_label", lang) not in text:
            problems.append(f"{where}: notice (synthetic or illustrative) missing")
    return problems


def _sample_page(tmp_path: Path, lang: str, title: str, phase: str) -> Path:
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell(f"# {title}")] + [
        v4.new_markdown_cell(f"## {i18n.t('brief.sources', lang)} {n}\n\n" + "Lorem ipsum dolor sit amet. " * 160)
        for n in range(4)
    ]
    page = pages.notebook_to_html(nb, audience="brief", lang=lang, title=title, is_synthetic=True)
    footer = print_header.running_footer_css(title=title, phase=phase, as_of=dt.date(2022, 3, 31), lang=lang)
    path = tmp_path / f"brief.{lang}.html"
    path.write_text(page.replace("</head>", f"<style>{footer}</style>\n</head>", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lang", "title", "phase"),
    [("en", "District brief: Varanasi", "Phase 1"), ("hi", "जनपद ब्रीफ़: वाराणसी", "प्रथम चरण")],
)
def test_every_printed_page_carries_number_title_phase_date_and_notice(chromium, tmp_path, lang, title, phase):
    page = _sample_page(tmp_path, lang, title, phase)
    printed = tmp_path / f"brief.{lang}.pdf"
    assert pdf.print_pdf(page, printed) is True
    assert len(_page_texts(printed)) >= 3
    assert _page_problems(page, printed, lang=lang, has_notice=True) == []
    if lang == "en":
        assert "District brief: Varanasi · Phase 1 · figures as of 31-03-2022" in _page_texts(printed)[-1]


def test_the_checks_catch_a_page_without_running_footer(chromium, tmp_path):
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Plain\n\n" + "Lorem ipsum. " * 50)]
    page = tmp_path / "plain.html"
    page.write_text(pages.notebook_to_html(nb, audience="brief", title="Plain"), encoding="utf-8")
    assert _page_problems(page, tmp_path / "unused.pdf", lang="en", has_notice=True) == [
        "plain.html: no running footer in its print stylesheet"]


def test_every_built_pdf_page_carries_number_title_date_and_notice(chromium, reports_dir):
    printed = sorted(reports_dir.rglob("*.pdf"))
    assert printed, "no PDF in the reports folder"
    problems = []
    for pdf_path in printed:
        html_path = pdf_path.with_suffix(".html")
        lang = "hi" if pdf_path.name.endswith(".hi.pdf") else "en"
        has_notice = 'class="kit-banner' in html_path.read_text(encoding="utf-8")
        problems += _page_problems(html_path, pdf_path, lang=lang, has_notice=has_notice)
    assert problems == []


def test_print_pdf_returns_false_without_chromium(monkeypatch, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.find_chromium() is None
    assert pdf.print_pdf(page, tmp_path / "page.pdf") is False
    assert not (tmp_path / "page.pdf").exists()


def test_print_pdf_names_a_missing_page(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        pdf.print_pdf(tmp_path / "nope.html", tmp_path / "x.pdf")


def _type3_fonts(pdf_path: Path) -> list[str]:
    """Fonts of a PDF drawn as outlines (Type 3): what Chromium writes for a browser-emboldened web font."""
    pypdf = pytest.importorskip("pypdf")
    found = []
    for number, page in enumerate(pypdf.PdfReader(str(pdf_path)).pages, start=1):
        for name, font in (page.get("/Resources", {}).get("/Font") or {}).items():
            if font.get_object().get("/Subtype") == "/Type3":
                found.append(f"{pdf_path.name} page {number}: {name}")
    return found


def test_bold_hindi_prints_with_the_embedded_font_not_as_outlines(chromium, tmp_path):
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# जनपद ब्रीफ़: वाराणसी\n\n## प्रगति\n\n**लक्ष्य का 42%** पंजीकरण। " * 3)]
    page = tmp_path / "bold.hi.html"
    page.write_text(pages.notebook_to_html(nb, audience="brief", lang="hi", title="जनपद ब्रीफ़"), encoding="utf-8")
    printed = tmp_path / "bold.hi.pdf"
    assert pdf.print_pdf(page, printed) is True
    assert _page_texts(printed)[0], "the page printed no text"
    assert _type3_fonts(printed) == []


def test_no_built_pdf_draws_its_text_as_outlines(chromium, reports_dir):
    printed = sorted(reports_dir.rglob("*.hi.pdf"))
    assert printed, "no Hindi PDF in the reports folder"
    assert [found for pdf_path in printed for found in _type3_fonts(pdf_path)] == []


def _full_colour_images_a_palette_holds(pdf_path: Path) -> list[str]:
    """Images of a PDF stored as full-colour pixels although they have at most 256 colours."""
    import numpy as np
    import pikepdf

    found = []
    with pikepdf.open(pdf_path) as document:
        for obj in document.objects:
            if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != pikepdf.Name.Image:
                continue
            if obj.get("/SMask") is not None or isinstance(obj.ColorSpace, pikepdf.Array) and obj.ColorSpace[0] == "/Indexed":
                continue
            pixels = np.asarray(pikepdf.PdfImage(obj).as_pil_image().convert("RGB")).reshape(-1, 3)
            if len(np.unique(pixels, axis=0)) <= 256:
                found.append(f"{pdf_path.name}: {obj.Width}x{obj.Height} image")
    return found


def test_built_pdfs_are_compacted_palette_images_and_object_streams(chromium, reports_dir):
    import pikepdf

    printed = sorted(reports_dir.rglob("*.pdf"))
    assert printed, "no PDF in the reports folder"
    assert [found for pdf_path in printed for found in _full_colour_images_a_palette_holds(pdf_path)] == []
    for pdf_path in printed:
        with pikepdf.open(pdf_path) as document:
            assert any(obj.get("/Type") == pikepdf.Name.ObjStm for obj in document.objects
                       if isinstance(obj, pikepdf.Stream)), f"{pdf_path.name}: no compressed object stream"
