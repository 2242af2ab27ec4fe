"""Printing a brief to PDF with headless Chromium: A4 from the page's @page rule."""

from __future__ import annotations

import re

import pytest

from helpers.publishing import pdf

pytestmark = pytest.mark.browser

A4_POINTS = (595.0, 842.0)


def test_print_pdf_writes_a4_pages(chromium, reports_dir, tmp_path):
    brief = next(iter(sorted(reports_dir.rglob("brief*.html"))), None) or reports_dir / "index.html"
    out = tmp_path / "brief.pdf"
    assert pdf.print_pdf(brief, out) is True
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = {tuple(float(v) for v in box.split()[2:]) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes)


def test_the_build_printed_a4_pdfs_beside_the_phase_briefs(chromium, reports_dir):
    briefs = sorted(reports_dir.glob("phase-*/brief*.html"))
    assert briefs, "no phase brief in the reports folder"
    for brief in briefs:
        printed = brief.with_suffix(".pdf")
        assert printed.exists(), f"{printed.name} missing beside {brief.name}"
        data = printed.read_bytes()
        boxes = {tuple(float(v) for v in box.split()[2:]) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
        assert boxes and all(abs(w - A4_POINTS[0]) < 2 and abs(h - A4_POINTS[1]) < 2 for w, h in boxes), brief.name


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
