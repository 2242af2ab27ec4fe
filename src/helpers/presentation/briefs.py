"""The sections of the phase and district briefs, in English or Hindi.

Each function takes figures already computed by ``metrics`` and returns either
an HTML fragment (every piece of text escaped, every label from the message
catalogues, numbers in Indian grouping; the funnel too is HTML) or a matplotlib
Figure with alt text.
Notebooks 04 (phase brief) and 05 (district brief) call them, one line a
section, and show them with ``fragments.show`` / ``charts.show_chart``.

What does not belong here: computing figures (``metrics``), the chart theme
and generic charts (``charts``), the district map (``maps``), HTML pages
(``fragments``), the national, GI, ODOP and sources sections (``reference_sections``).
"""

from __future__ import annotations

import html

import pandas as pd

from helpers.presentation import i18n, maps
from helpers.presentation.i18n import t
from helpers import fields, languages
from helpers.presentation.display import registry_frame, text_table_html
from helpers.analysis import metrics, national, privacy
from helpers.reference import tables as reference
from helpers.presentation import fragments
from helpers.presentation.formatting import format_count, format_crore, format_day, format_number, format_pct
from helpers.presentation.summary import join_list
from helpers.languages import localized, translated
from helpers.campaign.phases import Phase


# ------------------------------------------------------- source key figures


def source_key_figures(lang: str) -> str:
    """The source report's figures: registrations in India and UP at 2021-10-29, UP's purchases on GeM."""
    shares = national.up_share_by_snapshot()
    at_source = shares[shares["snapshot_date"] == national.SOURCE_SNAPSHOT_DATE].set_index("measure")
    orders = national.up_order_value()
    part_year = orders[orders["is_part_year"]].iloc[-1]
    source = t("brief.source_seed", lang)
    measures = ("artisans", "weavers")  # India's count of each, then UP's with its share (brief.<measure>_india / _up)
    figures = [fragments.KeyFigure(format_count(at_source.loc[m, "india_registrations_count"], lang),
                                   t(f"brief.{m}_india", lang), source) for m in measures]
    for m in measures:
        share = format_pct(at_source.loc[m, "up_share_pct"], 2, lang)
        figures.append(fragments.KeyFigure(format_count(at_source.loc[m, "up_registrations_count"], lang),
                                           t(f"brief.{m}_up", lang, share=share), source))
    order_value = format_crore(part_year["up_order_value_crore"], lang)
    figures.append(fragments.KeyFigure(order_value, t("brief.order_value", lang), source))
    full_year = orders[~orders["is_part_year"] & (orders["fy"] == part_year["fy"].split(" ")[0])]
    if len(full_year):  # the whole year, reported later, beside the source's part-year figure
        figures.append(fragments.KeyFigure(format_crore(full_year["up_order_value_crore"].iloc[0], lang),
                                           t("brief.order_value_full_year", lang, fy=full_year["fy"].iloc[0]),
                                           t("brief.order_value_full_year_source", lang, source=full_year["source"].iloc[0])))
    return (
        fragments.heading(t("brief.key_figures", lang))
        + fragments.paragraph(t("brief.key_figures_note", lang, date=format_day(national.SOURCE_SNAPSHOT_DATE, lang)))
        + fragments.key_figure_cards(figures)
    )


# ------------------------------------------------------------------ phase


def phase_section(phase: Phase, lang: str) -> str:
    """The phase: title, status, window (marked when assumed), event and nearby districts, notes."""
    parts = [
        fragments.heading(t("brief.phase", lang)),
        fragments.paragraph(localized(phase, "title", lang)),
        fragments.paragraph(t("brief.status_illustrative" if phase.is_illustrative else "brief.status_from_source", lang),
                         "kit-warning" if phase.is_illustrative else None),
        fragments.paragraph(t("brief.window", lang, start=format_day(phase.window_start, lang),
                            end=format_day(phase.window_end, lang))),
    ]
    if phase.is_window_assumed:
        parts.append(fragments.paragraph(
            t("brief.window_assumed_illustrative" if phase.is_illustrative else "brief.window_assumed", lang), "kit-note"))
        if phase.window_note:
            parts.append(fragments.paragraph(source_note(phase.window_note, lang, translated(phase, "window_note", lang)),
                                             "kit-note"))
    if phase.event_locations:
        parts.append(fragments.heading(t("brief.event_districts", lang, count=len(phase.event_districts)), 3))
        items = []
        for location in phase.event_locations:
            name = i18n.district_name(location.district, lang)
            if location.name_en != location.district:
                place = location.name_in_source if languages.language(lang).uses_source_place_names else location.name_en
                name = f"{place} → {name}"
            if location.note:
                name = f"{name} ({source_note(location.note, lang, translated(location, 'note', lang))})"
            items.append(name)
        parts.append(fragments.bullet_list(items))
    else:
        key = "brief.event_all_illustrative" if phase.is_illustrative else "brief.event_all"
        parts.append(fragments.paragraph(t(key, lang, count=len(phase.event_districts))))
    if phase.has_count_discrepancy:
        parts.append(fragments.paragraph(
            t("brief.count_discrepancy", lang, announced=phase.announced_district_count,
               named=phase.named_location_count), "kit-warning"))
    if phase.nearby_districts:
        parts.append(fragments.paragraph(t("brief.nearby_districts", lang, count=len(phase.nearby_districts))))
        parts.append(fragments.paragraph(", ".join(i18n.district_name(d, lang) for d in phase.nearby_districts)))
    notes_in = translated(phase, "notes", lang) or ()
    notes_in = notes_in if len(notes_in) == len(phase.notes) else (None,) * len(phase.notes)
    parts.extend(fragments.paragraph(source_note(note, lang, text), "kit-note") for note, text in zip(phase.notes, notes_in))
    return "".join(parts)


def source_note(note: str, lang: str, note_in_lang: str | None = None) -> str:
    """A note of phases.yaml in ``lang``: its translation (``note_hi`` on a Hindi page) where the file
    gives one, else the note as written (in the base language), labelled as such."""
    if lang == languages.BASE:
        return note
    return note_in_lang if note_in_lang else t("brief.note_in_english", lang, note=note)


# --------------------------------------------------------------- coverage


def coverage_summary(coverage: pd.DataFrame, key: dict, lang: str) -> str:
    """Heading, note and cards for the phase's own figures (registrations, women, tribal, first order)."""
    cards = [
        fragments.KeyFigure(format_count(key["registrations_count"], lang), t("brief.phase_registrations", lang)),
        fragments.KeyFigure(format_pct(key["women_share_pct"], 1, lang), t("brief.women_share", lang)),
        fragments.KeyFigure(format_pct(key["tribal_share_pct"], 1, lang), t("brief.tribal_share", lang)),
        fragments.KeyFigure(format_pct(key["first_order_pct"], 1, lang), t("brief.first_order_share", lang)),
    ]
    note = t("brief.coverage_note", lang, reached=key["districts_reached_count"], total=key["districts_count"])
    return fragments.heading(t("brief.coverage", lang)) + fragments.paragraph(note) + fragments.key_figure_cards(cards)


def coverage_map(coverage: pd.DataFrame, phase: Phase, lang: str, boundary_path: str | None = None, *,
                 is_synthetic: bool = False):
    """The district map of registrations per lakh population, event districts outlined (SYNTHETIC across it when it is)."""
    values = coverage.set_index("district")["registrations_per_lakh_population"]
    return maps.district_map(
        values,
        title=t("brief.map_title", lang, phase_id=phase.id),
        legend_title=t("col.per_lakh", lang),
        event_districts=phase.event_districts,
        lang=lang,
        source=t("brief.map_source", lang),
        boundary_path=boundary_path or None,
        synthetic_mark=t("progress.synthetic_mark", lang) if is_synthetic else None,
    )


def _coverage_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    columns = ["district", "role", "registrations_count", "registrations_per_lakh_population"]
    shown = frame.assign(district=[i18n.district_name(d, lang) for d in frame["district"]],
                         role=[t(f"col.role_{r}", lang) for r in frame["role"]])
    return registry_frame(shown, columns, lang)


def rank_scope_text(coverage: pd.DataFrame, lang: str) -> str:
    """Once per page: which participating districts the rate ranks cover, and why the others are not ranked."""
    scope = metrics.rank_scope(coverage)
    count = format_count(len(scope["ranked"]), lang)
    if not scope["shared_area"]:
        return t("brief.rank_scope_all", lang, count=count)
    names = join_list([i18n.district_name(d, lang) for d in scope["shared_area"]], lang)
    return t("brief.rank_scope", lang, count=count, districts=names)


def top_bottom_tables(coverage: pd.DataFrame, lang: str, count: int = 5) -> str:
    """The ranked participating districts with the most and the fewest registrations per lakh population, and the rank scope.

    Only districts whose area is their own Census 2011 district are listed (``metrics.rank_scope``);
    the note under the tables names the others and says why.
    """
    participating = coverage[coverage["role"].isin(["event", "nearby"]) & coverage["is_own_area"].astype(bool)].dropna(
        subset=["registrations_per_lakh_population"]
    )
    ranked = participating.sort_values(["registrations_per_lakh_population", "district"], ascending=[False, True])
    top = text_table_html(_coverage_rows(ranked.head(count), lang), caption=t("brief.top_districts", lang))
    bottom = text_table_html(
        _coverage_rows(ranked.tail(count).iloc[::-1], lang), caption=t("brief.bottom_districts", lang)
    )
    return top + bottom + fragments.paragraph(rank_scope_text(coverage, lang), "kit-note")


def funnel_figure(phase_funnel: pd.DataFrame, title: str, lang: str, *, is_synthetic: bool) -> str:
    """The onboarding funnel as an HTML figure: one bar per stage, its length the stage's share of registered.

    Drawn in HTML rather than as an image: three bars with their counts are a few
    hundred bytes of text, crisp on a phone and in print, read by screen readers as
    they are, and carry no second copy in the PDF. Every stage's count and share is
    written beside its bar; the word SYNTHETIC is inside the figure when the data is.

    Args:
        phase_funnel: ``metrics.funnel`` of the phase's or one district's registrations.
        title: the figure's title, naming what it counts (the phase, or the district).
        is_synthetic: the funnel counts synthetic demo registrations.
    """
    rows = []
    for stage, count, share_pct in phase_funnel[["stage", "sellers_count", "pct_of_registered"]].itertuples(index=False):
        label = t(f"brief.stage_{str(stage).replace(' ', '_')}", lang)
        value = t("brief.funnel_value", lang, count=format_count(count, lang), pct=format_pct(share_pct, 1, lang))
        bar_pct = min(100.0, max(0.0, float(share_pct))) if pd.notna(share_pct) else 0.0
        rows.append(
            f'<div class="kit-funnel-row"><dt>{html.escape(label)}</dt><dd>'
            f'<span class="kit-funnel-bar" style="--kit-share: {bar_pct:.1f}%" aria-hidden="true"></span>'
            f"<span>{html.escape(value)}</span></dd></div>"
        )
    mark = f'<p class="kit-chart-mark">{html.escape(t("progress.synthetic_mark", lang))}</p>' if is_synthetic else ""
    return (
        f'<figure class="kit-funnel"><figcaption>{html.escape(title)}</figcaption>{mark}<dl>{"".join(rows)}</dl>'
        f'<p class="kit-figure-source">{html.escape(t("brief.funnel_source", lang))}</p></figure>'
    )


# ------------------------------------------------------ quality, footnotes


def data_quality_section(quality: pd.DataFrame, lang: str) -> str:
    """What happened to the rows of every registration file read (file names only, no paths)."""
    rows = pd.DataFrame({t("col.file", lang): [str(p).rsplit("/", 1)[-1] for p in quality["source_file"]]})
    for column in ("rows_in", "accepted", "rejected", "duplicates"):
        rows[t(f"col.{column}", lang)] = [format_count(v, lang) for v in quality[column]]
    return (
        fragments.heading(t("brief.data_quality", lang))
        + fragments.paragraph(t("brief.data_quality_note", lang))
        + text_table_html(rows)
    )


def footnotes(lang: str, small_count_threshold: int) -> str:
    """The suppression note, and where the language's district names are unverified (Hindi), a note saying so."""
    parts = [fragments.paragraph(t("brief.suppressed_note", lang, below=small_count_threshold - 1,
                                 threshold=small_count_threshold), "kit-note")]
    if not languages.language(lang).district_names_verified:
        parts.append(fragments.paragraph(t("brief.district_names_unverified", lang), "kit-note"))
    return "".join(parts)


# --------------------------------------------------------------- district


def role_sentence(role: str, district: str, lang: str, *, is_illustrative: bool) -> str:
    """The district's role in the phase, in words that follow the phase's status.

    A phase from a source says what the source says ("named for a GeM event of this
    phase in the source"); an illustrative phase says what the kit assumes ("the
    illustrative phase assumes an event in ...").
    """
    key = f"brief.district_role_{role}" + ("_illustrative" if is_illustrative and role == "event" else "")
    return t(key, lang, district=i18n.district_name(district, lang))


def district_section(coverage: pd.DataFrame, district: str, lang: str, small_count_threshold: int, *,
                     is_illustrative: bool = False) -> str:
    """One district against UP: its role (in the phase status's words), rank, and figures beside the state's."""
    row = coverage.set_index("district").loc[district]
    name = i18n.district_name(district, lang)
    parts = [fragments.heading(t("brief.district_figures", lang, district=name)),
             fragments.paragraph(role_sentence(row["role"], district, lang, is_illustrative=is_illustrative))]
    if pd.notna(row["rank_per_1000_hh_workers"]):
        parts.append(fragments.paragraph(t("brief.district_rank", lang, rank=format_count(row["rank_per_1000_hh_workers"], lang),
                                         count=format_count(len(metrics.rank_scope(coverage)["ranked"]), lang))))
    if not row["is_own_area"]:
        parts.append(fragments.paragraph(shared_area_text(district, row["census_area"], lang), "kit-note"))
    elif isinstance(row["base_missing_reason"], str):
        parts.append(fragments.paragraph(base_missing_text(district, row["base_missing_reason"], lang), "kit-note"))
    state = coverage.sum(numeric_only=True)
    state_rates = metrics.pooled_rates(coverage, coverage["district"])
    counts = ["registrations_count", "artisan_count", "weaver_count", "other_count", "women_count", "tribal_count"]
    safe = privacy.suppress_small_counts(coverage[coverage["district"] == district], counts[1:], small_count_threshold)
    labels = fields.labels(counts, lang)

    def count_cell(value: object) -> str:
        return value if isinstance(value, str) else format_count(value, lang)

    rows = [
        {t("col.figure", lang): labels[c], name: count_cell(safe[c].iloc[0]), t("col.value_up", lang): format_count(state[c], lang)}
        for c in counts
    ]
    rows.append({
        t("col.figure", lang): t("col.per_lakh", lang),
        name: format_number(row["registrations_per_lakh_population"], 1, lang),
        t("col.value_up", lang): format_number(state_rates["registrations_per_lakh_population"], 1, lang),
    })
    parts.append(text_table_html(pd.DataFrame(rows)))
    return "".join(parts)


def shared_area_text(district: str, area: str, lang: str) -> str:
    """Why a district's rates are for an area of several districts, and why it is not ranked."""
    names = [i18n.place_name(d, lang) for d in area.split(" + ")]
    return t("brief.district_shared_area", lang, district=i18n.district_name(district, lang), area=join_list(names, lang))


def base_missing_text(district: str, reason: str, lang: str) -> str:
    """Why a district has no Census 2011 base, in ``lang`` (the parents' names translated)."""
    if lang == languages.BASE:
        return reason
    carved = reference.load_districts().set_index("district").loc[district, "carved_from"]
    if not isinstance(carved, str):
        return t("brief.note_in_english", lang, note=reason)
    parents = [p.split("(")[0].strip() for p in carved.split("+")]
    return t("odop.created_after_2011", lang, parents=" + ".join(i18n.place_name(p, lang) for p in parents))


def neighbours_table(coverage: pd.DataFrame, district: str, lang: str) -> str:
    """The district's neighbours in UP with their role and registrations."""
    neighbours = reference.load_neighbours()
    names = neighbours.loc[neighbours["district"] == district, "neighbour"]
    frame = coverage[coverage["district"].isin(names)].sort_values("district")
    return fragments.heading(t("brief.neighbours", lang)) + text_table_html(_coverage_rows(frame, lang))
