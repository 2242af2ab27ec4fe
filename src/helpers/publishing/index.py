"""The index page, ``reports/index.html``: each phase, its reports and their build status.

The build hands over its results (``run.JobResult``, each page with its declared
kind); ``entries_from_build`` groups them by phase, reads the week's figures of each
(``index_week``: the figures files, the freshness of every district from
``data/processed/``, the ledger's revisions) and ``write_index`` renders the page from
``templates/index/``, with its own stylesheet and script (``templates/static/index.css``,
``index.js``: sorting and searching the district tables; the tables are complete without it).
On top, the week's note of each phase; below, a card per phase with a table of its districts.

Belongs here: the index page. Not here: the report pages (``pages``) or the
build that produces the results (``build``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
import rcssmin

from helpers import paths
from helpers.files import write_atomically
from helpers.presentation import i18n
from helpers import languages
from helpers.presentation.formatting import format_day
from helpers.languages import localized
from helpers.publishing import fonts
from helpers.publishing.index_week import PhaseWeek, phase_week, table_row, week_view
from helpers.publishing.pages import FONT_PLACEHOLDER, TEMPLATES_DIR, banner_sentences, stylesheet
from helpers.reference.names import district_names

INDEX_TEMPLATE_DIR = TEMPLATES_DIR / "index"
INDEX_TEMPLATE_NAME = "index.html.j2"
#: The index's own stylesheet and script (sorting and searching the district tables), inlined in the page.
INDEX_CSS_FILE = TEMPLATES_DIR / "static" / "index.css"
INDEX_JS_FILE = TEMPLATES_DIR / "static" / "index.js"


ReportStatus = Literal["ok", "failed", "skipped", "unavailable"]
ReportKind = Literal["brief", "pdf", "analyst", "district", "comparison", "workbook", "share_card"]


@dataclass(frozen=True)
class ReportResult:
    """One report file of a phase and how its build went.

    Attributes:
        kind: ``"brief"`` (the no-code brief), ``"pdf"`` (a brief printed to
            PDF), ``"analyst"`` (a notebook with code) or ``"district"`` (one
            district brief).
        href: link to the file, relative to ``index.html`` (``"phase-1/brief.html"``).
        name: for ``analyst`` the notebook's name (``"02_district_coverage"``);
            for ``district`` the district's standard English name
            (``"Agra"``, shown in Hindi on a Hindi index); unused otherwise.
        lang: language of the report (a code of ``languages.LANGUAGES``: ``"en"``, ``"hi"``).
        status: ``"ok"``, ``"failed"``, ``"skipped"`` (up to date, not rebuilt)
            or ``"unavailable"`` (e.g. no PDF because Chromium is missing).
        failed_cell: for a failed notebook, the number of the failing cell
            (as papermill reports it).
        error: one-line error or note shown beside the status.
        notebook_href: link to the executed ``.ipynb`` beside the page, if any.
    """

    kind: ReportKind
    href: str
    name: str = ""
    lang: str = "en"
    status: ReportStatus = "ok"
    failed_cell: int | None = None
    error: str | None = None
    notebook_href: str | None = None
    alt: str = ""  # for a share card: its alt text


@dataclass(frozen=True)
class PhaseEntry:
    """One phase on the index page: what it is and every report built for it.

    ``status`` is the phase's status in ``phases.yaml`` (``"from_source"`` or
    ``"illustrative"``); ``is_synthetic`` is True when the registrations are the
    synthetic demo data. The first seven fields are the :class:`helpers.campaign.phases.Phase`'s own
    (``PHASE_FIELDS``; ``phase_id`` is its ``id``).
    """

    phase_id: str
    title: str
    title_hi: str
    status: str
    window_start: date
    window_end: date
    is_window_assumed: bool = False
    is_synthetic: bool = False
    reports: tuple[ReportResult, ...] = ()
    summaries: Mapping[str, Mapping] = field(default_factory=dict)  # per language: the phase brief's summary
    build_counts: Mapping[str, int] = field(default_factory=dict)  # ok / skipped / failed jobs of the phase
    week: PhaseWeek = field(default_factory=PhaseWeek)  # figures, freshness and revisions of the week's note


#: The fields a :class:`PhaseEntry` takes from its :class:`helpers.campaign.phases.Phase` under the same name.
PHASE_FIELDS = ("title", "title_hi", "status", "window_start", "window_end", "is_window_assumed")


def _report_label(report: ReportResult, lang: str) -> str:
    if report.kind in ("brief", "pdf"):
        label = i18n.t("index.brief_language", lang, language=i18n.language_name(report.lang, lang))
        return f"{label} · {i18n.t('index.brief_pdf', lang)}" if report.kind == "pdf" else label
    if report.kind in ("workbook", "share_card", "comparison"):
        return f"{i18n.t(f'index.{report.kind}', lang)} ({i18n.language_name(report.lang, lang)})"
    if report.kind == "district":
        return i18n.place_name(report.name, lang)
    return report.name or report.href


def _view(report: ReportResult, lang: str) -> dict:
    """A report as the index template shows it (labels already in the page's language)."""
    has_cell = report.status == "failed" and report.failed_cell is not None
    cell = i18n.t("index.failing_cell", lang, cell=report.failed_cell) if has_cell else ""
    return {"label": _report_label(report, lang), "href": report.href, "status": report.status,
            "status_label": i18n.t(f"index.status_{report.status}", lang),
            "detail": "; ".join(part for part in (cell, report.error) if part), "notebook_href": report.notebook_href}


@lru_cache(maxsize=1)
def _index_environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(INDEX_TEMPLATE_DIR)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


@lru_cache(maxsize=4)
def _index_asset(path: Path) -> str:
    """The index's own stylesheet (minified, as kit.css is) or script (as written, it is small)."""
    text = path.read_text(encoding="utf-8").strip()
    return rcssmin.cssmin(text) if path.suffix == ".css" else text


_DISTRICT_KINDS = ("district", "pdf", "share_card")


_LINK_KEYS = {"district": "index.page", "pdf": "index.brief_pdf", "share_card": "index.card"}


def _district_rows(reports: Sequence[ReportResult], week: PhaseWeek, lang: str) -> list[dict]:
    """One row per district with a brief: its name in ``lang``, its figures (``index_week.table_row``), and
    its page, PDF and card in each language (``links``, in the order of ``languages.LANGUAGES``)."""
    rows: dict[str, dict] = {}
    for report in reports:
        if not report.name or report.kind not in _DISTRICT_KINDS:
            continue
        if report.name not in rows:
            label = i18n.place_name(report.name, lang)
            # its names in every language, lower case, so that a search finds it whatever script is typed
            names = {report.name, *(i18n.place_name(report.name, code) for code in languages.LANGUAGES)}
            rows[report.name] = {**table_row(report.name, label, week, lang), "links": {code: [] for code in languages.LANGUAGES},
                                 "failed": [], "search": " ".join(sorted(names)).lower()}
        row = rows[report.name]
        if report.status == "failed":
            row["failed"].append(_view(report, lang))
        elif report.href:
            row["links"].setdefault(report.lang, []).append(
                {"kind": report.kind, "label": i18n.t(_LINK_KEYS[report.kind], lang), "href": report.href})
    for row in rows.values():
        row["links"] = [sorted(row["links"][code], key=lambda link: _DISTRICT_KINDS.index(link["kind"]))
                        for code in languages.LANGUAGES]
    return sorted(rows.values(), key=lambda row: row["label"])


def _phase_view(entry: PhaseEntry, lang: str) -> dict:
    """What the template shows for one phase, labels in ``lang``."""
    phase_level = [r for r in entry.reports if not (r.name and r.kind in _DISTRICT_KINDS) or r.kind == "brief"]
    summary = entry.summaries.get(lang) or entry.summaries.get(languages.BASE) or {}
    counts = {name: entry.build_counts.get(name, 0) for name in ("ok", "skipped", "failed")}
    return {
        "id": entry.phase_id,
        "title": localized(entry, "title", lang),
        "status_label": i18n.t(f"index.status_{entry.status}", lang),  # from_source or illustrative (phases.yaml)
        "is_illustrative": entry.status == "illustrative",
        "window": i18n.t("index.phase_window", lang, start=format_day(entry.window_start, lang),
                         end=format_day(entry.window_end, lang)),
        "is_window_assumed": entry.is_window_assumed,
        "is_synthetic": entry.is_synthetic,
        "as_of": format_day(date.fromisoformat(summary["as_of"]), lang) if summary.get("as_of") else "",
        "headline_figures": list(summary.get("headline_figures") or [])[:4],
        "headline_change": summary.get("headline_change", ""),
        "build_line": i18n.t("index.build_counts", lang, **counts),
        "has_failures": counts["failed"] > 0,
        "briefs": [_view(r, lang) for r in phase_level if r.kind in ("brief", "pdf", "workbook")],
        "brief_links": [_view(r, lang) for r in phase_level if r.kind in ("brief", "pdf") and r.status != "unavailable"],
        # a card's alt text stays in its .alt.txt file (linked), out of the reader's path
        "cards": [{"view": _view(r, lang), "alt_href": f"{r.href}.alt.txt" if r.alt and r.href else ""}
                  for r in phase_level if r.kind == "share_card"],
        "analyst": [_view(r, lang) for r in phase_level if r.kind == "analyst"],
        "districts": _district_rows(entry.reports, entry.week, lang),
        "week": week_view(entry.week, lang),
        "has_freshness": entry.week.freshness is not None,
    }


def render_index(
    entries: Sequence[PhaseEntry],
    *,
    built_at: str,
    lang: str = "en",
    shared: Sequence[ReportResult] = (),
    provenance_href: str | None = None,
    corrections: Sequence[tuple[str, str]] = (),
) -> str:
    """Render the index page's HTML (see :func:`write_index`).

    Args:
        entries: one entry per phase: a card with its as-of date, headline figures and change,
            build status and links.
        built_at: when the build ran, as shown (``2026-01-02 10:00 UTC``).
        lang: language of the page.
        shared: reports that belong to no phase (data preparation, phases side by side).
        provenance_href: link to the page listing every input file and its hash (shown once).
        corrections: ``(district, href)`` of each office's corrections workbook (``corrections_links``).
    """
    i18n.check_lang(lang)
    any_synthetic = any(entry.is_synthetic for entry in entries)
    any_illustrative = any(entry.status == "illustrative" for entry in entries)
    template = _index_environment().get_template(INDEX_TEMPLATE_NAME)
    page = template.render(
        lang=lang,
        t=lambda key, **fmt: i18n.t(key, lang, **fmt),
        built_at=built_at,
        phases=[_phase_view(entry, lang) for entry in entries],
        link_languages=[i18n.language_name(code, lang) for code in languages.LANGUAGES],
        shared=[_view(report, lang) for report in shared],
        provenance_href=provenance_href,
        corrections=[(i18n.place_name(d, lang), href) for d, href in corrections],
        banners=banner_sentences(lang=lang, is_synthetic=any_synthetic, is_illustrative=any_illustrative),
        css=stylesheet() + _index_asset(INDEX_CSS_FILE),
        script=_index_asset(INDEX_JS_FILE),
        font_css=FONT_PLACEHOLDER,
    )
    return page.replace(FONT_PLACEHOLDER, fonts.font_face_css(page), 1)


def _href(output: str | None) -> str:
    """A build output path (relative to the project root, or absolute) as a link relative to the index."""
    if not output:
        return ""
    path = Path(output)
    path = path if path.is_absolute() else paths.ROOT / path
    try:
        return path.relative_to(paths.REPORTS_DIR).as_posix()
    except ValueError:
        return path.as_uri()


_INDEX_KIND = {"brief": "brief", "analyst": "analyst", "prepare": "analyst", "district": "district",
               "comparison": "comparison"}


def _results_of_job(result) -> list[ReportResult]:
    """The report files of one build job (``helpers.publishing.run.JobResult``), by their declared kind."""
    name = result.district or ""
    if result.status == "failed":
        error = result.error or {}
        kinds = [_INDEX_KIND[kind] for kind in result.page_kinds] or ["analyst"]
        # a failed run's notebook sits beside its error page; executed notebooks of runs that
        # succeeded are kept outside the published folder (paths.EXECUTED_DIR) and not linked
        return [ReportResult(kind=kinds[0], href=_href(result.error_page),  # type: ignore[arg-type]
                             name=name or result.report_id, lang=result.lang, status="failed",
                             failed_cell=error.get("cell_index"),
                             error=f"{error.get('ename', '')}: {error.get('evalue', '')}".strip(": ") or None,
                             notebook_href=_href(result.executed_notebook) or None)]
    common = {"lang": result.lang, "status": result.status if result.status in ("ok", "skipped") else "failed"}
    reports = []
    for page in result.pages:
        kind = _INDEX_KIND[page.kind]
        shown = Path(page.path).stem if kind == "analyst" else name
        reports.append(ReportResult(kind=kind, href=_href(page.path), name=shown, **common))  # type: ignore[arg-type]
        if page.pdf_path:
            reports.append(ReportResult(kind="pdf", href=_href(page.pdf_path), name=name, **common))
        elif page.pdf_note and not name:
            reports.append(ReportResult(kind="pdf", href="", lang=result.lang, status="unavailable",
                                        error=page.pdf_note))
    for item in result.files:
        if item.kind in ("workbook", "share_card"):
            alt = paths.ROOT / f"{item.path}.alt.txt"
            reports.append(ReportResult(kind=item.kind, href=_href(item.path), name=name,  # type: ignore[arg-type]
                                        alt=alt.read_text(encoding="utf-8").strip() if alt.exists() else "", **common))
    return reports


def _summaries(results) -> dict[str, dict]:
    """The phase brief's summary (headline figures for the index card), per language."""
    found: dict[str, dict] = {}
    for result in results:
        for item in result.files:
            path = paths.ROOT / item.path
            if item.kind == "summary" and path.exists():
                with contextlib.suppress(ValueError):  # an unreadable summary: the card shows no figures
                    found[result.lang] = json.loads(path.read_text(encoding="utf-8"))
    return found


def entries_from_build(
    summary, phases: Mapping, *, is_synthetic: bool, period_days: int = 7, processed_dir: Path | None = None,
) -> list[PhaseEntry]:
    """Index entries, one per phase built, from a build summary (``helpers.publishing.build.BuildSummary``).

    Args:
        summary: the build's summary (its ``results``).
        phases: ``{phase id: helpers.campaign.phases.Phase}``.
        is_synthetic: whether the registrations are synthetic demo data (decided once by the build).
        period_days: the period of the freshness flags (the briefs' ``period_days``, 7 by default).
        processed_dir: the prepared data the freshness is computed from (default ``data/processed/``;
            no freshness column when its files are missing).
    """
    processed = paths.PROCESSED_DIR if processed_dir is None else Path(processed_dir)
    entries = []
    for phase_id, phase in phases.items():
        results = [result for result in summary.results if result.phase_id == phase_id]
        if not results:
            continue
        reports = [r for result in results for r in _results_of_job(result)]
        counts = {status: sum(r.status == status for r in results) for status in ("ok", "skipped", "failed")}
        summaries = _summaries(results)
        as_of = next((s["as_of"] for s in summaries.values() if s.get("as_of")), None)
        week = phase_week(phase, results, as_of=date.fromisoformat(as_of) if as_of else None,
                          period_days=period_days, processed_dir=processed)
        entries.append(PhaseEntry(
            phase_id=phase.id, **{name: getattr(phase, name) for name in PHASE_FIELDS}, is_synthetic=is_synthetic,
            reports=tuple(reports), summaries=summaries, build_counts=counts, week=week,
        ))
    return entries


def corrections_links(reports_dir: Path) -> list[tuple[str, str]]:
    """``(district, href)`` of every corrections workbook in ``reports/corrections/``, by district name."""
    from helpers.publishing.corrections import workbook_name

    folder = reports_dir / "corrections"
    if not folder.is_dir():
        return []
    present = {p.name for p in folder.glob("*.xlsx")}
    names = {workbook_name(d): d for d in district_names()}
    links = [(names[name], f"corrections/{name}") for name in sorted(present) if name in names]
    return sorted(links) + [(name.removesuffix(".xlsx"), f"corrections/{name}") for name in sorted(present - set(names))]


def shared_reports(summary) -> list[ReportResult]:
    """The reports of a build that belong to no phase (data preparation, phases side by side)."""
    return [r for result in summary.results if not result.phase_id for r in _results_of_job(result)]


def write_index(
    entries: Sequence[PhaseEntry], out_path: Path | str, *, built_at: str, **options: Any
) -> Path:
    """Write ``reports/index.html``: a card per phase, the reports across phases, a link to the provenance page.

    Args:
        entries: one :class:`PhaseEntry` per phase, in the order to show them
            (from a build: :func:`entries_from_build`).
        out_path: where to write the page (its folder is created).
        built_at: when the build ran (shown on the page as given).
        options: :func:`render_index`'s ``lang``, ``shared`` (reports that belong to no phase:
            :func:`shared_reports`), ``provenance_href`` and ``corrections``.

    Returns:
        The path written.
    """
    return write_atomically(Path(out_path), render_index(entries, built_at=built_at, **options))
