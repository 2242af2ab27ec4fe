"""Executed notebook to one self-contained HTML page, for a reader (brief) or an analyst.

A *brief* has no code, prompts, parameters cell or stderr; an *analyst* page
shows the code. Pages use the kit's nbconvert template (``templates/nbconvert/gem_kit``,
extending nbconvert's lab template) and load nothing from the web: the stylesheet
is inlined, images are ``data:`` URIs, pages with Devanagari embed the font. A
banner on every page (and every printed page) flags synthetic data and
illustrative phases.

Belongs here: turning a notebook into a page. Not here: the HTML fragments a
notebook shows (``helpers.presentation.fragments``), the index page (``index``),
printing (``pdf``).
"""

from __future__ import annotations

import copy
import html
from functools import lru_cache
from pathlib import Path
from typing import Literal

import nbformat
import rcssmin
import yaml

from helpers.errors import RenderError
from helpers.presentation import i18n
from helpers.publishing import fonts, print_header
from helpers.vocabulary import AUDIENCES

Audience = Literal["brief", "analyst"]

#: Folder of the kit's templates: ``nbconvert/gem_kit`` (notebook pages),
#: ``index/`` (the index page), ``static/kit.css`` (the shared stylesheet).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
NBCONVERT_TEMPLATES_DIR = TEMPLATES_DIR / "nbconvert"
NBCONVERT_TEMPLATE_NAME = "gem_kit"
STYLESHEET_FILE = TEMPLATES_DIR / "static" / "kit.css"
#: Which cells each audience drops, by tag (data, not code).
AUDIENCE_RULES_FILE = TEMPLATES_DIR / "audiences.yaml"


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
    if audience not in AUDIENCES:
        raise RenderError(f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
    rules = audience_rules()[audience]
    remove_tags = set(rules.get("remove_cell_tags", []))
    prepared = copy.deepcopy(nb)
    cells = []
    for cell in prepared.cells:
        if set(cell.get("metadata", {}).get("tags", [])) & remove_tags:
            continue
        if cell.cell_type == "code":
            kept = [out for out in cell.get("outputs", []) if not (
                rules.get("remove_stderr") and out.output_type == "stream" and out.get("name") == "stderr")]
            cell.outputs = [_cell_failed_output(out, lang) if rules.get("replace_errors") and out.output_type == "error"
                            else out for out in kept]
            if not rules.get("include_code", True) and not cell.outputs:
                continue
        cells.append(cell)
    prepared.cells = cells
    return prepared


# ------------------------------------------------------------- exporter


@lru_cache(maxsize=len(AUDIENCES))
def _exporter(audience: str):
    """One nbconvert HTMLExporter per audience, built once per process (template loading is slow)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    include_code = bool(audience_rules()[audience].get("include_code", True))
    # a page without code needs no code-highlighting stylesheet (4.5 KB on every brief)
    config = Config({"CSSHTMLHeaderPreprocessor": {"enabled": include_code}})
    return HTMLExporter(
        config=config,
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
    """The kit's stylesheet (``templates/static/kit.css``), minified (rcssmin): every page carries it."""
    return rcssmin.cssmin(STYLESHEET_FILE.read_text(encoding="utf-8"))


def banner_sentences(*, lang: str, is_synthetic: bool, is_illustrative: bool) -> list[str]:
    """The banner's sentences for a page: synthetic data and/or illustrative phase, in ``lang``."""
    shown = {"synthetic": is_synthetic, "illustrative": is_illustrative}
    return [i18n.t(f"banner.{kind}", lang) for kind, is_shown in shown.items() if is_shown]


#: Where a page's @font-face rule goes once the page's text is known (the index's too).
FONT_PLACEHOLDER = "/* kit: Devanagari font */"


def notebook_to_html(
    nb: nbformat.NotebookNode,
    *,
    audience: Audience,
    lang: str = "en",
    title: str,
    is_synthetic: bool = False,
    is_illustrative: bool = False,
    phase_label: str = "",
    as_of: str = "",
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
        phase_label: the phase's title, for the running footer of printed briefs.
        as_of: the as-of date of the figures, for the running footer of printed briefs.

    Returns:
        The HTML document. It loads nothing from the web: no ``src``/``href``
        to an http(s) resource. Pages showing Devanagari (every Hindi page) embed the font's glyphs
        they use (``fonts``), to print without it installed.

    Raises:
        RenderError: unknown audience.
        helpers.presentation.i18n.I18nError: unknown language.
    """
    i18n.check_lang(lang)
    prepared = prepare_for_audience(nb, audience, lang)
    prepared.metadata["title"] = title
    banners = banner_sentences(lang=lang, is_synthetic=is_synthetic, is_illustrative=is_illustrative)
    # an @page rule repeating a short banner at the top of every printed page
    print_css = ("@page { @top-center { content: "
                 + print_header.css_string(i18n.t("banner.print_label", lang) + " — " + " ".join(banners))
                 + "; font-size: 7.5pt; color: #6b4400; font-family: var(--kit-font); } }") if banners else ""
    if audience == "brief" and as_of:
        print_css += print_header.running_footer_css(title=title, phase=phase_label, as_of=as_of, lang=lang)
    resources = {"kit": {
        "audience": audience, "lang": lang, "title": title, "css": stylesheet(), "print_css": print_css,
        "font_css": FONT_PLACEHOLDER, "banners": banners, "footer": "",
    }, "inlining": {"css": []}}  # filled by nbconvert's highlighting preprocessor where the template has it
    exporter = _exporter(audience)
    exporter.language_code = lang
    body, _ = exporter.from_notebook_node(prepared, resources=resources)
    from helpers.presentation.images import lighter_page_images

    body = lighter_page_images(body)
    # every page showing Devanagari (an English page quoting Hindi text too) embeds the font; no other does
    return body.replace(FONT_PLACEHOLDER, fonts.font_face_css(body), 1)

