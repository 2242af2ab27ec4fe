"""Turning executed notebooks into the HTML pages officials read, and the index page.

Three jobs live here:

- :func:`notebook_to_html`: an executed notebook to one self-contained HTML
  page, either a *brief* (no code, no prompts, no parameters cell, no stderr)
  or an *analyst* page (with code). Pages use the kit's nbconvert template
  (``templates/nbconvert/gem_kit``, extending nbconvert's lab template) with
  no script, stylesheet, font or image fetched from the web: the stylesheet is
  inlined, images are base64 ``data:`` URIs, Hindi pages embed the Devanagari
  font. A banner on every page (and every printed page) flags synthetic data
  and illustrative phases.
- :func:`write_index`: ``reports/index.html`` listing each phase, its reports,
  the data they were built from and the build status of each report. The
  build fills :class:`PhaseEntry` / :class:`ReportResult` / :class:`DataFile`.
- Small display helpers for the briefs (:func:`key_figure_cards`,
  :func:`heading`, :func:`paragraph`, :func:`bullet_list`, :func:`table`, :func:`show`), each
  returning HTML in which every piece of text is escaped. Tables and charts
  are shown with ``display.show_table`` and ``charts.show_chart``.

What does not belong here: computing figures (``metrics``), drawing charts
(``charts``, ``maps``), translations (``i18n``), printing to PDF (``pdf``).
"""

from __future__ import annotations

import base64
import copy
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

import jinja2
import nbformat
import yaml

from helpers.presentation import i18n

Audience = Literal["brief", "analyst"]
AUDIENCES: tuple[str, ...] = ("brief", "analyst")

#: Folder of the kit's templates: ``nbconvert/gem_kit`` (notebook pages),
#: ``index/`` (the index page), ``static/kit.css`` (the shared stylesheet).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
NBCONVERT_TEMPLATES_DIR = TEMPLATES_DIR / "nbconvert"
NBCONVERT_TEMPLATE_NAME = "gem_kit"
STYLESHEET_FILE = TEMPLATES_DIR / "static" / "kit.css"
INDEX_TEMPLATE_DIR = TEMPLATES_DIR / "index"
INDEX_TEMPLATE_NAME = "index.html.j2"
#: Which cells each audience drops, by tag (data, not code).
AUDIENCE_RULES_FILE = TEMPLATES_DIR / "audiences.yaml"
#: How many hex digits of a SHA-256 the index page shows.
SHORT_SHA_LENGTH = 12


class RenderError(ValueError):
    """A notebook or index entry cannot be rendered as asked."""


# ------------------------------------------------------------ audiences


@lru_cache(maxsize=1)
def audience_rules() -> dict[str, dict]:
    """Per audience: ``remove_cell_tags``, ``remove_stderr``, ``replace_errors``, ``include_code``."""
    with AUDIENCE_RULES_FILE.open(encoding="utf-8") as handle:
        rules = yaml.safe_load(handle)
    missing = set(AUDIENCES) - set(rules)
    if missing:
        raise RenderError(f"{AUDIENCE_RULES_FILE}: no rules for audience(s) {sorted(missing)}")
    return rules


def _check_audience(audience: str) -> dict:
    if audience not in AUDIENCES:
        raise RenderError(f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
    return audience_rules()[audience]


def _cell_failed_output(output: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    error = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
    text = i18n.t("render.cell_failed", lang, error=error)
    return nbformat.v4.new_output(
        "display_data", data={"text/html": f'<p class="kit-failed">{html.escape(text)}</p>', "text/plain": text}
    )


def prepare_for_audience(
    nb: nbformat.NotebookNode, audience: Audience, lang: str = "en"
) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with what ``audience`` must not see taken out.

    For a brief: cells tagged ``parameters``, ``injected-parameters``,
    ``remove-in-brief`` or ``remove-cell`` go; stderr streams (warnings) go;
    an error output becomes one plain sentence saying the part failed; code
    cells left with no output go. For analysts only ``remove-cell`` cells go.
    The notebook passed in is not changed.

    Raises:
        RenderError: unknown audience.
    """
    rules = _check_audience(audience)
    remove_tags = set(rules.get("remove_cell_tags", []))
    prepared = copy.deepcopy(nb)
    cells = []
    for cell in prepared.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & remove_tags:
            continue
        if cell.cell_type == "code":
            outputs = []
            for output in cell.get("outputs", []):
                if rules.get("remove_stderr") and output.output_type == "stream" and output.get("name") == "stderr":
                    continue
                if rules.get("replace_errors") and output.output_type == "error":
                    outputs.append(_cell_failed_output(output, lang))
                    continue
                outputs.append(output)
            cell.outputs = outputs
            if not rules.get("include_code", True) and not outputs:
                continue
        cells.append(cell)
    prepared.cells = cells
    return prepared


# ------------------------------------------------------------- exporter


@lru_cache(maxsize=len(AUDIENCES))
def _exporter(audience: str):
    """One nbconvert HTMLExporter per audience, built once per process (template loading is slow)."""
    from nbconvert import HTMLExporter

    include_code = bool(audience_rules()[audience].get("include_code", True))
    return HTMLExporter(
        template_name=NBCONVERT_TEMPLATE_NAME,
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES_DIR)],
        exclude_input=not include_code,
        exclude_input_prompt=not include_code,
        exclude_output_prompt=not include_code,
        embed_images=True,
        sanitize_html=False,
    )


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The kit's stylesheet (``templates/static/kit.css``)."""
    return STYLESHEET_FILE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def devanagari_font_face() -> str:
    """An ``@font-face`` rule embedding Noto Sans Devanagari as a data URI, or "" without the font.

    The rule is limited to Devanagari code points and prefers a font already
    on the reader's device, so Latin text keeps the system font.
    """
    from helpers.presentation.charts import devanagari_font_path

    path = devanagari_font_path()
    if path is None:
        return ""
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        "@font-face { font-family: KitDevanagari; font-display: swap; "
        'src: local("Noto Sans Devanagari"), '
        f'url(data:font/ttf;base64,{encoded}) format("truetype"); '
        "unicode-range: U+0900-097F, U+1CD0-1CFF, U+A8E0-A8FF, U+200C-200D, U+25CC, U+20B9; }"
    )


def css_string(text: str) -> str:
    """Quote ``text`` as a CSS string literal (for ``content:``), escaping quotes, backslashes and newlines."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


def banner_sentences(*, lang: str, is_synthetic: bool, is_illustrative: bool) -> list[str]:
    """The banner's sentences for a page: synthetic data and/or illustrative phase, in ``lang``."""
    sentences = []
    if is_synthetic:
        sentences.append(i18n.t("banner.synthetic", lang))
    if is_illustrative:
        sentences.append(i18n.t("banner.illustrative", lang))
    return sentences


def _print_banner_css(sentences: Sequence[str], lang: str) -> str:
    """@page rule repeating a short banner at the top of every printed page."""
    if not sentences:
        return ""
    label = i18n.t("banner.print_label", lang)
    return (
        "@page { @top-center { content: "
        + css_string(label + " — " + " ".join(sentences))
        + "; font-size: 7.5pt; color: #6b4400; font-family: var(--kit-font); } }"
    )


_FONT_PLACEHOLDER = "/* kit: Devanagari font */"
_DEVANAGARI = re.compile("[\u0900-\u097F]")
_FIRST_H2 = re.compile(r"<h2(?![^>]*\bclass=)", re.IGNORECASE)


def notebook_to_html(
    nb: nbformat.NotebookNode,
    *,
    audience: Audience,
    lang: str = "en",
    title: str,
    is_synthetic: bool = False,
    is_illustrative: bool = False,
    footer: str | None = None,
    embed_fonts: bool | None = None,
) -> str:
    """Render an executed notebook as one self-contained HTML page.

    Args:
        nb: the executed notebook (not changed).
        audience: ``"brief"`` (no code, prompts, parameters cell or stderr;
            cells tagged ``remove-in-brief`` dropped) or ``"analyst"`` (with code).
        lang: ``"en"`` or ``"hi"``; sets ``<html lang>`` and the banner's language.
        title: the page title (plain text; escaped).
        is_synthetic: show the "synthetic demo data" banner on every page.
        is_illustrative: show the "illustrative phase" banner on every page.
        footer: optional plain-text footer line (escaped).
        embed_fonts: embed the Devanagari font; by default it is embedded in
            Hindi pages and in any page showing Devanagari text, so they print
            correctly on machines without a Devanagari font.

    Returns:
        The HTML document. It loads nothing from the web: no ``src``/``href``
        to an http(s) resource (see :func:`find_external_loads`).

    Raises:
        RenderError: unknown audience.
        helpers.presentation.i18n.I18nError: unknown language.
    """
    i18n.check_lang(lang)
    prepared = prepare_for_audience(nb, audience, lang)
    prepared.metadata["title"] = title
    banners = banner_sentences(lang=lang, is_synthetic=is_synthetic, is_illustrative=is_illustrative)
    use_font = lang == "hi" if embed_fonts is None else embed_fonts
    resources = {
        "kit": {
            "audience": audience,
            "lang": lang,
            "title": title,
            "css": stylesheet(),
            "print_css": _print_banner_css(banners, lang),
            "font_css": _FONT_PLACEHOLDER,
            "banners": banners,
            "footer": footer or "",
        }
    }
    exporter = _exporter(audience)
    exporter.language_code = lang
    body, _ = exporter.from_notebook_node(prepared, resources=resources)
    if embed_fonts is None and not use_font:
        use_font = bool(_DEVANAGARI.search(body))  # an English page quoting Hindi text must print it too
    body = body.replace(_FONT_PLACEHOLDER, devanagari_font_face() if use_font else "", 1)
    return _FIRST_H2.sub('<h2 class="kit-first-section"', body, count=1)


# ---------------------------------------------------- external loads check

_LOADING_ATTRIBUTES = {"src", "href", "data", "poster", "srcset", "background", "action", "formaction"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)
_NON_LOADING_LINK_RELS = {"canonical", "alternate", "author", "license", "help"}
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


class _LoadFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self.loads.extend(_CSS_URL.findall(value))
            elif name in _LOADING_ATTRIBUTES and tag != "a" and _REMOTE.match(value):
                rel = (dict(attrs).get("rel") or "").lower()
                if tag == "link" and rel in _NON_LOADING_LINK_RELS:
                    continue
                self.loads.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.loads.extend(_CSS_URL.findall(data))


def find_external_loads(document: str) -> list[str]:
    """Return every web address the page would load (scripts, stylesheets, images, fonts, frames).

    Links the reader may follow (``<a href>``) are not loads and are not listed.
    """
    finder = _LoadFinder()
    finder.feed(document)
    return finder.loads


# ------------------------------------------------------ display helpers


def show(*fragments: str) -> None:
    """Display HTML fragments (from the helpers below) as one output."""
    from IPython.display import HTML, display

    display(HTML("\n".join(fragments)))


def heading(text: str, level: int = 2) -> str:
    """An escaped HTML heading: ``heading("Key figures")`` -> ``<h2>Key figures</h2>``."""
    if not 1 <= level <= 6:
        raise RenderError(f"heading level {level} must be 1 to 6")
    return f"<h{level}>{html.escape(text)}</h{level}>"


def paragraph(text: str, css_class: str | None = None) -> str:
    """An escaped HTML paragraph, optionally with a class (``kit-note``, ``kit-warning``)."""
    attribute = f' class="{html.escape(css_class)}"' if css_class else ""
    return f"<p{attribute}>{html.escape(text)}</p>"


def bullet_list(items: Iterable[str]) -> str:
    """An escaped HTML bullet list."""
    return "<ul>" + "".join(f"<li>{html.escape(str(item))}</li>" for item in items) + "</ul>"


@dataclass(frozen=True)
class KeyFigure:
    """One key figure for the brief's first screen: value, what it is, where it is from."""

    value: str
    label: str
    source: str = ""


def key_figure_cards(figures: Sequence[KeyFigure]) -> str:
    """Key figures as a grid of cards (one column on a phone), all text escaped."""
    cards = []
    for figure in figures:
        source = f'<span class="kit-source">{html.escape(figure.source)}</span>' if figure.source else ""
        cards.append(
            f'<div class="kit-card"><span class="kit-value">{html.escape(figure.value)}</span>'
            f'<span class="kit-label">{html.escape(figure.label)}</span>{source}</div>'
        )
    return '<div class="kit-cards">' + "".join(cards) + "</div>"


def table(frame, *, caption: str | None = None, index: bool = False) -> str:
    """A DataFrame of already formatted cells as an escaped HTML table that scrolls sideways on a phone.

    Cells and headers are escaped; format numbers first (``helpers.presentation.formatting``).
    """
    from helpers.presentation.display import text_table_html

    return text_table_html(frame, caption=caption, index=index)


# ------------------------------------------------------------ index page

ReportStatus = Literal["ok", "failed", "skipped", "unavailable"]
ReportKind = Literal["brief", "pdf", "analyst", "district"]


@dataclass(frozen=True)
class DataFile:
    """An input file a report was built from: its name and SHA-256 digest."""

    name: str
    sha256: str

    @property
    def short_sha256(self) -> str:
        """The first 12 hex digits of the digest, as the index page shows it."""
        return self.sha256[:SHORT_SHA_LENGTH]

    @classmethod
    def from_path(cls, path: Path | str) -> DataFile:
        """Hash a file: ``DataFile.from_path("data/processed/registrations.parquet")``."""
        import hashlib

        path = Path(path)
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return cls(name=path.name, sha256=digest.hexdigest())


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
        lang: language of the report (``"en"`` or ``"hi"``).
        status: ``"ok"``, ``"failed"``, ``"skipped"`` (up to date, not rebuilt)
            or ``"unavailable"`` (e.g. no PDF because Chromium is missing).
        failed_cell: for a failed notebook, the number of the failing cell
            (as papermill reports it).
        error: one-line error or note shown beside the status.
        notebook_href: link to the executed ``.ipynb`` beside the page, if any.
        data_files: the files the report was built from.
    """

    kind: ReportKind
    href: str
    name: str = ""
    lang: str = "en"
    status: ReportStatus = "ok"
    failed_cell: int | None = None
    error: str | None = None
    notebook_href: str | None = None
    data_files: tuple[DataFile, ...] = ()


@dataclass(frozen=True)
class PhaseEntry:
    """One phase on the index page: what it is and every report built for it.

    ``status`` is the phase's status in ``phases.yaml`` (``"from_source"`` or
    ``"illustrative"``); ``is_synthetic`` is True when the registrations are the
    synthetic demo data. Build one from a :class:`helpers.campaign.phases.Phase` with
    :meth:`from_phase`.
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
    data_files: tuple[DataFile, ...] = ()

    @classmethod
    def from_phase(
        cls,
        phase,
        reports: Iterable[ReportResult],
        *,
        data_files: Iterable[DataFile] = (),
        is_synthetic: bool = False,
    ) -> PhaseEntry:
        """Build the entry of a :class:`helpers.campaign.phases.Phase`."""
        return cls(
            phase_id=phase.id,
            title=phase.title,
            title_hi=phase.title_hi,
            status=phase.status,
            window_start=phase.window_start,
            window_end=phase.window_end,
            is_window_assumed=phase.is_window_assumed,
            is_synthetic=is_synthetic,
            reports=tuple(reports),
            data_files=tuple(data_files),
        )


@dataclass(frozen=True)
class _ReportView:
    """A report as the index template shows it (labels already in the page's language)."""

    label: str
    href: str
    status: str
    status_label: str
    detail: str
    notebook_href: str | None
    data_files: tuple[DataFile, ...] = field(default=())


def _status_detail(report: ReportResult, lang: str) -> str:
    parts = []
    if report.status == "failed" and report.failed_cell is not None:
        parts.append(i18n.t("index.failing_cell", lang, cell=report.failed_cell))
    if report.error:
        parts.append(report.error)
    return "; ".join(parts)


def _report_label(report: ReportResult, lang: str) -> str:
    if report.kind in ("brief", "pdf"):
        key = "index.brief_hi" if report.lang == "hi" else "index.brief_en"
        label = i18n.t(key, lang)
        return f"{label} · {i18n.t('index.brief_pdf', lang)}" if report.kind == "pdf" else label
    if report.kind == "district":
        try:
            return i18n.district_name(report.name, lang)
        except i18n.I18nError:
            return report.name
    return report.name or report.href


def _view(report: ReportResult, lang: str) -> _ReportView:
    return _ReportView(
        label=_report_label(report, lang),
        href=report.href,
        status=report.status,
        status_label=i18n.t(f"index.status_{report.status}", lang),
        detail=_status_detail(report, lang),
        notebook_href=report.notebook_href,
        data_files=report.data_files,
    )


@lru_cache(maxsize=1)
def _index_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(INDEX_TEMPLATE_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _format_date(day: date, lang: str) -> str:
    from babel.dates import format_date

    return format_date(day, format="long", locale="hi_IN" if lang == "hi" else "en_IN")


def render_index(entries: Sequence[PhaseEntry], *, built_at: datetime | str, lang: str = "en") -> str:
    """Render the index page's HTML (see :func:`write_index`)."""
    i18n.check_lang(lang)
    built = built_at if isinstance(built_at, str) else built_at.strftime("%Y-%m-%d %H:%M")
    phases = []
    for entry in entries:
        by_kind: dict[str, list[_ReportView]] = {"brief": [], "analyst": [], "district": []}
        for report in entry.reports:
            by_kind["brief" if report.kind == "pdf" else report.kind].append(_view(report, lang))
        by_kind["district"].sort(key=lambda view: view.label)
        phases.append(
            {
                "id": entry.phase_id,
                "title": entry.title_hi if lang == "hi" else entry.title,
                "status_label": i18n.t(
                    "index.status_illustrative" if entry.status == "illustrative" else "index.status_from_source", lang
                ),
                "is_illustrative": entry.status == "illustrative",
                "window": i18n.t(
                    "index.phase_window",
                    lang,
                    start=_format_date(entry.window_start, lang),
                    end=_format_date(entry.window_end, lang),
                ),
                "is_window_assumed": entry.is_window_assumed,
                "is_synthetic": entry.is_synthetic,
                "briefs": by_kind["brief"],
                "analyst": by_kind["analyst"],
                "districts": by_kind["district"],
                "district_failures": [view for view in by_kind["district"] if view.status == "failed"],
                "data_files": entry.data_files,
            }
        )
    any_synthetic = any(entry.is_synthetic for entry in entries)
    any_illustrative = any(entry.status == "illustrative" for entry in entries)
    template = _index_environment().get_template(INDEX_TEMPLATE_NAME)
    return template.render(
        lang=lang,
        t=lambda key, **fmt: i18n.t(key, lang, **fmt),
        built_at=built,
        phases=phases,
        banners=banner_sentences(lang=lang, is_synthetic=any_synthetic, is_illustrative=any_illustrative),
        css=stylesheet(),
        font_css=devanagari_font_face() if lang == "hi" else "",
    )


def _href(output: str, reports_dir: Path) -> str:
    """A build output path (relative to the project root, or absolute) as a link relative to the index."""
    from helpers import paths

    path = Path(output)
    path = path if path.is_absolute() else paths.ROOT / path
    try:
        return path.relative_to(reports_dir).as_posix()
    except ValueError:
        return path.as_uri()


def _registrations_are_synthetic() -> bool:
    """True when the processed registrations carry synthetic demo rows (``is_synthetic``)."""
    from helpers import paths

    if not paths.REGISTRATIONS_PARQUET.exists():
        return False
    try:
        import pandas as pd

        flags = pd.read_parquet(paths.REGISTRATIONS_PARQUET, columns=["is_synthetic"])["is_synthetic"]
    except (KeyError, ValueError, OSError, ImportError):
        return False
    return bool(flags.fillna(False).astype(bool).any())


def _results_of_job(result, reports_dir: Path) -> list[ReportResult]:
    """The report files of one build job (``helpers.publishing.build.JobResult``)."""
    outputs = list(result.outputs or [])
    data = tuple(DataFile(name=Path(p).name, sha256=sha) for p, sha in sorted((result.inputs or {}).items()))
    error = result.error or {}
    detail = f"{error.get('ename', '')}: {error.get('evalue', '')}".strip(": ") or None
    common = {
        "status": result.status if result.status in ("ok", "failed", "skipped") else "failed",
        "failed_cell": error.get("cell_index") if result.status == "failed" else None,
        "error": detail if result.status == "failed" else None,
        "data_files": data,
    }
    notebook = next((p for p in outputs if p.endswith(".ipynb")), None)
    notebook_href = _href(notebook, reports_dir) if notebook else None
    htmls = [p for p in outputs if p.endswith(".html")]
    stem = result.key.rsplit("/", 1)[-1]
    if result.status == "failed":
        page = next((p for p in htmls if p.endswith(".error.html")), None)
        kind: ReportKind = "district" if result.district else ("brief" if stem.startswith("04_") else "analyst")
        href = _href(page, reports_dir) if page else ""
        name = result.district or stem.split(".")[0]
        return [ReportResult(kind=kind, href=href, name=name, lang=result.lang, notebook_href=notebook_href, **common)]
    reports = []
    for page in htmls:
        file_name = Path(page).name
        if result.district:
            reports.append(ReportResult(kind="district", href=_href(page, reports_dir), name=result.district,
                                        lang=result.lang, notebook_href=notebook_href, **common))
        elif file_name.startswith("brief"):
            reports.append(ReportResult(kind="brief", href=_href(page, reports_dir), lang=result.lang, **common))
            pdf_page = next((p for p in outputs if p == str(Path(page).with_suffix(".pdf"))), None)
            if pdf_page:
                reports.append(ReportResult(kind="pdf", href=_href(pdf_page, reports_dir), lang=result.lang, **common))
            elif result.pdf_note:
                reports.append(ReportResult(kind="pdf", href="", lang=result.lang, status="unavailable",
                                            error=result.pdf_note, data_files=data))
        else:
            reports.append(ReportResult(kind="analyst", href=_href(page, reports_dir), name=Path(page).stem,
                                        lang=result.lang, notebook_href=notebook_href, **common))
    return reports


def entries_from_build(summary, phases: Mapping, *, is_synthetic: bool | None = None) -> list[PhaseEntry]:
    """Index entries from a build summary (``helpers.publishing.build.BuildSummary``) and the phases it covers.

    Jobs without a phase (data preparation) are listed under every phase, since
    every phase's reports are built from their output.

    Args:
        summary: the build's summary; each result has ``key``, ``status``,
            ``phase_id``, ``district``, ``lang``, ``inputs`` ({path: sha256}),
            ``outputs`` (paths relative to the project root), ``error`` and ``pdf_note``.
        phases: ``{phase id: helpers.campaign.phases.Phase}``.
        is_synthetic: whether the registrations are synthetic demo data; read
            from the processed registrations when None.
    """
    from helpers import paths

    synthetic = _registrations_are_synthetic() if is_synthetic is None else is_synthetic
    reports_dir = paths.REPORTS_DIR
    shared = [r for result in summary.results if not result.phase_id for r in _results_of_job(result, reports_dir)]
    entries = []
    for phase_id, phase in phases.items():
        results = [result for result in summary.results if result.phase_id == phase_id]
        if not results:
            continue
        reports = [r for result in results for r in _results_of_job(result, reports_dir)] + shared
        data: dict[str, DataFile] = {}
        for report in reports:
            for item in report.data_files:
                data.setdefault(item.name, item)
        entries.append(PhaseEntry.from_phase(phase, reports, data_files=sorted(data.values(), key=lambda d: d.name),
                                             is_synthetic=synthetic))
    return entries


def write_index(
    entries: Sequence[PhaseEntry],
    out_path: Path | str,
    *,
    built_at: datetime | str | None = None,
    lang: str = "en",
) -> Path:
    """Write ``reports/index.html``: every phase, its reports, their data and build status.

    Args:
        entries: one :class:`PhaseEntry` per phase, in the order to show them
            (from a build: :func:`entries_from_build`).
        out_path: where to write the page (its folder is created).
        built_at: when the build ran (shown on the page); now when None.
        lang: language of the page's labels.

    Returns:
        The path written.
    """
    if built_at is None:
        built_at = datetime.now().strftime("%Y-%m-%d %H:%M")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    temporary.write_text(render_index(entries, built_at=built_at, lang=lang), encoding="utf-8")
    temporary.replace(out)
    return out
