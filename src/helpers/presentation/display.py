"""Showing results in a notebook: formatted tables and notices.

Tables are rendered from DataFrames as HTML with every cell text escaped
(text from input files never becomes markup), numbers formatted the Indian
way, and a class the report templates style to fit a phone screen.

What does not belong here: computing figures (``metrics``) or charts (``charts``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers import fields as registry
from helpers.presentation import i18n
from helpers.presentation.fragments import show
from helpers.presentation.formatting import format_count, format_crore, format_number, format_pct

#: How a column is formatted: count, pct, ratio, crore, date or text (``number`` = ratio with 1 decimal).
Format = str
#: Decimals of a pct / ratio / number column when none is given.
DEFAULT_DECIMALS = {"pct": 1, "ratio": 2, "number": 1}


def format_cell(value: object, kind: Format, lang: str = "en", decimals: int | None = None) -> str:
    """One value as text: Indian grouping for numbers, yes/no for booleans, '' for a missing text."""
    if isinstance(value, str) and kind != "text":
        return value  # already text, e.g. a suppressed count "<5"
    places = DEFAULT_DECIMALS.get(kind, 2) if decimals is None else decimals
    if kind == "count":
        return format_count(value, lang)
    if kind == "pct":
        return format_pct(value, places, lang)
    if kind in ("number", "ratio"):
        return format_number(value, places, lang)
    if kind == "crore":
        return format_crore(value, lang)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if kind == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if isinstance(value, (bool, np.bool_)):
        return i18n.t("format.yes" if value else "format.no", lang)
    return str(value)


def format_frame(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Format] | None = None,
    lang: str = "en",
    decimals: Mapping[str, int | None] | None = None,
) -> pd.DataFrame:
    """Select ``columns`` ({column: label}) of ``frame``, format each cell as text, rename to the labels.

    Cells that are already text (e.g. a suppressed count "<5") are kept as they are.
    """
    formats, decimals = formats or {}, decimals or {}
    cells = {label: [format_cell(v, formats.get(column, "text"), lang, decimals.get(column)) for v in frame[column]]
             for column, label in columns.items()}
    return pd.DataFrame(cells, index=frame.index)


def registry_frame(
    frame: pd.DataFrame, columns: list[str], lang: str = "en", small_count_threshold: int = 5
) -> pd.DataFrame:
    """``format_frame`` with labels, formats and decimals from the column registry (``fields.csv``).

    Every breakdown count from 1 to ``small_count_threshold`` − 1, and each share computed from
    one, is shown as "<N" (``privacy.suppress_breakdowns``), as in the workbooks.
    """
    from helpers.analysis import privacy

    return format_frame(
        privacy.suppress_breakdowns(frame, small_count_threshold),
        registry.labels(columns, lang),
        {c: registry.display_format(c) for c in columns},
        lang,
        {c: registry.decimals(c) for c in columns},
    )


def show_columns(frame: pd.DataFrame, columns: list[str], *, caption: str | None = None, lang: str = "en") -> None:
    """Display ``columns`` of ``frame`` as a table labelled and formatted from the column registry."""
    show(text_table_html(registry_frame(frame, columns, lang), caption=caption))


_NUMERIC_CELL = re.compile(
    r"<td>(\s*(?:(?:&lt;|[₹>−\-+])?\s*[\d०-९][\d०-९,.\s]*%?|n/a|उपलब्ध नहीं)\s*)</td>"
)


def text_table_html(formatted: pd.DataFrame, *, caption: str | None = None, index: bool = False) -> str:
    """An escaped HTML table of cells already formatted as text, numbers right-aligned, wrapped for phones."""
    body = formatted.to_html(index=index, escape=True, classes="kit-table", border=0, na_rep="")
    body = _NUMERIC_CELL.sub(r'<td class="kit-num">\1</td>', body)  # a number or n/a: right-aligned by the stylesheet
    if caption:
        body = re.sub(r"(<table[^>]*>)", lambda m: m.group(1) + f"<caption>{html.escape(caption)}</caption>", body, count=1)
    label = html.escape(caption or "table", quote=True)
    return f'<div class="kit-table-wrap" tabindex="0" role="region" aria-label="{label}">{body}</div>'


def table_html(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Format] | None = None,
    *,
    caption: str | None = None,
    lang: str = "en",
) -> str:
    """An escaped HTML table of ``frame`` (see ``format_frame``) with an optional caption."""
    return text_table_html(format_frame(frame, columns, formats, lang), caption=caption)


def show_table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    formats: Mapping[str, Format] | None = None,
    *,
    caption: str | None = None,
    lang: str = "en",
) -> None:
    """Display ``table_html(...)`` in the notebook."""
    show(table_html(frame, columns, formats, caption=caption, lang=lang))


def show_markdown(text: str) -> None:
    """Display Markdown text (callers escape any text that comes from input files)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def synthetic_notice(registrations: pd.DataFrame, lang: str = "en") -> str | None:
    """The notice shown above figures drawn from synthetic demo rows (HTML, in ``lang``), or None for real data."""
    if "is_synthetic" not in registrations or not bool(registrations["is_synthetic"].any()):
        return None
    share = format_pct(registrations["is_synthetic"].mean() * 100, 0, lang)
    text = i18n.t("brief.synthetic_notice", lang, share=share)
    return f'<div class="kit-notice kit-notice-synthetic"><strong>{html.escape(text)}</strong></div>'


def escape(text: object) -> str:
    """HTML-escape a value that came from an input file, for use inside Markdown or HTML."""
    return html.escape("" if text is None else str(text))


def phase_summary_markdown(phase) -> str:  # phase: helpers.campaign.phases.Phase
    """Markdown describing a phase: title, status, window (marked when assumed), districts and notes."""
    lines = [f"**{escape(phase.title)}**"]
    if phase.is_illustrative:
        lines.append(
            '<div class="kit-notice kit-notice-illustrative"><strong>ILLUSTRATIVE PHASE.</strong> '
            "Not an official phase of the campaign; it shows how the kit reports a state-wide round.</div>"
        )
    window = f"{phase.window_start:%d %b %Y} to {phase.window_end:%d %b %Y}"
    if phase.is_window_assumed:
        window += f" (**assumed**: {escape(phase.window_note or 'the source gives no dates')})"
    lines.append(f"- Window: {window}")
    lines.append(f"- Source: {escape(phase.source)}")
    if phase.event_locations:
        named = ", ".join(
            f"{escape(loc.name_en)} → {escape(loc.district)}" if loc.name_en != loc.district else escape(loc.district)
            for loc in phase.event_locations
        )
        lines.append(f"- Event locations named by the source ({phase.named_location_count}): {named}")
    else:
        lines.append(f"- Event districts: all {len(phase.event_districts)} districts of UP")
    if phase.nearby_districts:
        lines.append(
            f"- Nearby districts taking part ({len(phase.nearby_districts)}, bordering an event district): "
            + ", ".join(escape(d) for d in phase.nearby_districts)
        )
    lines += [f"- Note on {escape(loc.name_en)}: {escape(loc.note)}" for loc in phase.event_locations if loc.note]
    if phase.has_count_discrepancy:
        lines.append(
            f"- **{phase.announced_district_count} or {phase.named_location_count}?** The source announces "
            f"{phase.announced_district_count} main districts but names {phase.named_location_count} places."
        )
    lines += [f"- {escape(note)}" for note in phase.notes]
    return "\n".join(lines)


def key_figures_markdown(key: Mapping[str, float]) -> str:
    """Markdown list of a phase's headline numbers from ``metrics.phase_key_figures``."""
    return "\n".join(
        [
            f"- Registrations in the phase: **{format_count(key['registrations_count'])}** "
            f"(artisans {format_count(key['artisan_count'])}, weavers {format_count(key['weaver_count'])}, "
            f"other {format_count(key['other_count'])})",
            f"- Women: **{format_pct(key['women_share_pct'], 1)}**; tribal entrepreneurs: "
            f"**{format_pct(key['tribal_share_pct'], 1)}**",
            f"- Reached a first order on GeM: **{format_pct(key['first_order_pct'], 1)}** of registered sellers",
            f"- Districts with at least one registered seller: **{key['districts_reached_count']} of "
            f"{key['districts_count']}**",
        ]
    )
