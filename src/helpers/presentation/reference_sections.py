"""Brief sections drawn from the public reference tables: UP against India, GI products, ODOP, sources.

Each function takes figures computed by ``analysis.national`` / ``analysis.products``
and returns an HTML fragment (text escaped, labels from the message catalogues
and the column registry, numbers in Indian grouping) or a chart whose alt text
is written from the same frame the chart draws. Every number is shown with
what it is counted against and its date; every GI row says what its evidence
supports and links its source.

What does not belong here: computing figures (``analysis``), the phase and
district sections of the briefs (``briefs``), whole pages (``publishing``).
"""

from __future__ import annotations

import html

import pandas as pd

from helpers.analysis import free_text, national, privacy
from helpers.presentation import charts, fragments, i18n
from helpers import fields as registry
from helpers.presentation.display import registry_frame, text_table_html
from helpers.presentation.formatting import format_count, format_day, format_month, format_number, format_pct
from helpers.presentation.i18n import t
from helpers.presentation.summary import join_list
from helpers.languages import BASE, localized, translated
from helpers.reference import tables as reference


def _base(base_id: str, lang: str) -> str:
    return t(f"national.base_{base_id}", lang)


# ------------------------------------------------------------ UP against India


def national_text(rep: pd.DataFrame, lang: str) -> str:
    """The shares as the source gives them, the like-for-like weaver share and why they differ, the index range."""
    like = national.like_for_like_weavers()
    as_given = rep[rep["registrations_basis"] == "as_given"].drop_duplicates("measure").set_index("measure")
    ranges = []
    for measure in ("artisans", "weavers"):
        rows = rep[rep["measure"] == measure]
        ranges.append("; ".join(
            t("national.index_with_base", lang, index=format_number(r.representation_index, 2, lang),
               base=_base(r.base_id, lang) + ("" if r.registrations_basis == "as_given"
                                              else ", " + t("national.basis_like_for_like", lang)))
            for r in rows.itertuples()))
    paragraphs = [
        t("national.as_given", lang, date=format_day(rep["snapshot_date"].iloc[0], lang),
           artisans=format_pct(as_given.loc["artisans", "up_share_pct"], 2, lang),
           weavers=format_pct(as_given.loc["weavers", "up_share_pct"], 2, lang)),
        t("national.like_for_like", lang, share=format_pct(like["up_share_pct"], 2, lang),
           up=format_count(like["up_registrations_count"], lang), india=format_count(like["india_registrations_count"], lang),
           table_date=format_day(like["table_date"], lang)),
        t("national.why_differ", lang, as_given=format_count(like["india_as_given_count"], lang),
           before=format_count(like["registered_before_count"], lang), up=format_count(like["up_registrations_count"], lang)),
        t("national.index_note", lang, artisans=ranges[0], weavers=ranges[1]),
    ]
    return "".join(fragments.paragraph(p) for p in paragraphs)


#: Columns of the brief's representation table, in order (labels and formats from the column registry).
REPRESENTATION_COLUMNS = [
    "measure", "registrations_basis", "base_name", "up_share_pct", "up_share_of_base_pct", "representation_index",
    "up_coverage_rate_pct", "india_coverage_rate_pct", "rest_of_india_coverage_rate_pct", "needed_vs_rest_of_india_count",
    "needed_vs_india_count",
]


def _translated(rep: pd.DataFrame, lang: str) -> pd.DataFrame:
    return rep.assign(
        measure=[t(f"brief.measure_{m}", lang) for m in rep["measure"]],
        registrations_basis=[t(f"national.basis_{b}", lang) for b in rep["registrations_basis"]],
        base_name=[_base(b, lang) for b in rep["base_id"]],
    )


def latest_figure_text(lang: str, as_of: object | None = None) -> str:
    """The latest national figure found (February 2023), with its change and source.

    Args:
        lang: ``"en"`` or ``"hi"``.
        as_of: the page's as-of date; a figure dated after it (a month-dated one: after
            the month's end) is left out, and the page says it was not yet published then.
            None: the latest figure, whatever its date.
    """
    latest = national.latest_national_figure("artisans")
    by_month = latest["date_precision"] == "month"
    # the day the figure is surely out: its date, or the month's last day when only the month is known
    published_by = pd.Timestamp(latest["snapshot_date"]) + (pd.offsets.MonthEnd(0) if by_month else pd.Timedelta(0))
    if as_of is not None and published_by > pd.Timestamp(as_of):
        return fragments.paragraph(t("national.latest_after_as_of", lang, as_of=format_day(as_of, lang)), "kit-note")
    change = int(latest["india_change_count"])
    shares = national.up_share_by_snapshot()
    since = shares[(shares["measure"] == "artisans") & (shares["snapshot_date"] < latest["snapshot_date"])]
    return fragments.paragraph(t(
        "national.latest", lang, count=format_count(latest["india_registrations_count"], lang),
        date=(format_month if by_month else format_day)(latest["snapshot_date"], lang),
        change=("+" if change > 0 else "−") + format_count(abs(change), lang),
        since=format_day(since["snapshot_date"].max(), lang), source=str(localized(latest, "source", lang))),
        "kit-note")


def national_section(rep: pd.DataFrame, lang: str, as_of: object | None = None) -> str:
    """UP against India: shares as given and like for like, the index range over named bases, parity.

    ``as_of``: the page's as-of date, passed to ``latest_figure_text`` (None: the latest figure).
    """
    table = registry_frame(_translated(rep, lang), REPRESENTATION_COLUMNS, lang)
    return (
        fragments.heading(t("brief.national", lang))
        + national_text(rep, lang)
        + fragments.paragraph(t("national.parity_note", lang), "kit-note")
        + text_table_html(table)
        + latest_figure_text(lang, as_of)
    )


SNAPSHOT_COLUMNS = ["snapshot_date", "measure", "up_registrations_count", "india_registrations_count", "up_share_pct",
                    "india_change_count", "is_change_of_measure"]


def snapshot_section(shares: pd.DataFrame, lang: str) -> str:
    """Every dated figure, rows whose share moves only by a change of measure marked."""
    measures = {m: t(f"national.measure_{m}", lang) for m in shares["measure"].unique()}
    frame = shares.assign(measure=shares["measure"].map(measures))
    return (fragments.heading(t("national.snapshot_heading", lang), 3)
            + text_table_html(registry_frame(frame, SNAPSHOT_COLUMNS, lang))
            + fragments.paragraph(t("national.change_of_measure", lang), "kit-note"))


def share_chart(rep: pd.DataFrame, lang: str):
    """Grouped bars, a group per measure, counting basis and dated base: UP's share of India's registrations
    against its share of the base; alt text from the same frame."""
    translated = _translated(rep, lang)
    frame = pd.DataFrame({
        "group": [f"{m}\n{b}" for m, b in zip(translated["measure"], translated["base_name"])],
        "measure": translated["measure"], "basis": translated["registrations_basis"], "base": translated["base_name"],
        "up_share_pct": rep["up_share_pct"].to_numpy(), "up_share_of_base_pct": rep["up_share_of_base_pct"].to_numpy(),
    })
    bars = " ".join(
        t("national.chart_bar", lang, measure=r.measure, basis=r.basis, share=format_pct(r.up_share_pct, 2, lang),
           base_share=format_pct(r.up_share_of_base_pct, 2, lang), base=r.base)
        for r in frame.itertuples())
    text = charts.ChartText(
        title=t("national.chart_title", lang, date=format_day(rep["snapshot_date"].iloc[0], lang)),
        units=t("brief.share_chart_units", lang), source=t("brief.share_chart_source", lang),
        alt_text=t("national.chart_alt", lang, bars=bars),
    )
    series = {"up_share_pct": registry.label("up_share_pct", lang),
              "up_share_of_base_pct": registry.label("up_share_of_base_pct", lang)}
    return charts.grouped_bars(frame, "group", series, text)


# -------------------------------------------------------------------- GI


def product_name(row: object, field: str, lang: str) -> str:
    """A product's name (``row[field]``) in ``lang``: its translation where a source gives one (``<field>_hi``),
    else the name as the source writes it (English), labelled as such on a page in another language."""
    if lang == BASE:
        return row[field]
    name = translated(row, field, lang)
    return name if name is not None else t("gi.english_name", lang, name=row[field])


def _link(url: object, title: object, lang: str) -> str:
    if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        return html.escape(t("gi.no_source", lang))
    text = title if isinstance(title, str) and title.strip() else t("gi.source_link", lang)
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def gi_table(gi: pd.DataFrame, lang: str, caption: str | None = None, small_count_threshold: int = 5) -> str:
    """Craft GI products with sellers, their category and what their evidence supports; sources as numbered links.

    Seller counts from 1 to ``small_count_threshold`` − 1 are shown as "<N".
    """
    rows = gi.to_dict("records")
    frame = gi.assign(
        gi_name=[product_name(row, "gi_name", lang) for row in rows],
        district=[i18n.district_name(d, lang) for d in gi["district"]],
        category=[localized(row, "category", lang) for row in rows],
        gi_status=[t(f"gi.status_{s}", lang) for s in gi["gi_status"]],  # registered / applied for / unverified
        source_title=[f"[{i + 1}]" for i in range(len(gi))],
    )
    frame = privacy.suppress_small_counts(frame, ["sellers_count"], small_count_threshold)
    columns = ["gi_name", "district", "category", "gi_status", "sellers_count", "has_registered_seller", "source_title"]
    links = "".join(f"<li>{_link(u, title, lang)}</li>" for u, title in zip(gi["source_url"], gi["source_title"]))
    return text_table_html(registry_frame(frame, columns, lang), caption=caption) + f'<ol class="kit-sources">{links}</ol>'


def gi_left_out_text(left_out: pd.DataFrame, lang: str) -> str:
    """One line: how many GI entries of the districts are not crafts, by kind, and why they are left out ('' if none).

    Args:
        left_out: ``products.gi_left_out`` (``goods_kind, rows_count``).
    """
    total = int(left_out["rows_count"].sum()) if len(left_out) else 0
    if not total:
        return ""
    kinds = join_list([t(f"gi.kind_{k}", lang, count=format_count(n, lang))
                       for k, n in zip(left_out["goods_kind"], left_out["rows_count"])], lang)
    if total == 1:
        return t("gi.left_out_one", lang, kinds=kinds)
    return t("gi.left_out", lang, count=format_count(total, lang), kinds=kinds)


def gi_section(gi: pd.DataFrame, lang: str, left_out: pd.DataFrame | None = None, small_count_threshold: int = 5) -> str:
    """Heading, the crafts-only and not-complete note, the craft GI table, and the line on GIs left out."""
    line = gi_left_out_text(left_out, lang) if left_out is not None else ""
    return (fragments.heading(t("brief.gi_products", lang)) + fragments.paragraph(t("brief.gi_note", lang), "kit-note")
            + gi_table(gi, lang, small_count_threshold=small_count_threshold)
            + (fragments.paragraph(line, "kit-note") if line else ""))


# ------------------------------------------------------------------- ODOP


ODOP_COLUMNS = ["district", "product", "verification_status", "registrations_count", "odop_registrations_count",
                "odop_share_pct"]


def odop_section(odop: pd.DataFrame, matching: pd.DataFrame, lang: str) -> str:
    """Registrations per ODOP product of the participating districts, and how many match no ODOP product."""
    frame = odop.assign(
        district=[i18n.district_name(d, lang) for d in odop["district"]],
        product=[product_name(row, "product", lang) for row in odop.to_dict("records")],
        verification_status=[t(f"odop.status_{s}", lang) for s in odop["verification_status"]],
    )
    unmatched = int(matching.loc[~matching["is_matched"], "registrations_count"].sum())
    note = t("odop.note", lang, unmatched=format_count(unmatched, lang),
              total=format_count(int(matching["registrations_count"].sum()), lang))
    return (fragments.heading(t("odop.heading", lang)) + fragments.paragraph(note, "kit-note")
            + text_table_html(registry_frame(frame, ODOP_COLUMNS, lang)))


def unmatched_crafts_frame(forms: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``free_text.unmatched_craft_forms`` as a table shows it (columns ``craft, registrations_count``, for
    ``display.show_columns``): the ``other`` row labelled in ``lang``. No other text of an unmatched craft is
    shown (see ``helpers.analysis.free_text``)."""
    crafts = [t("col.other", lang) if is_other else craft for craft, is_other in zip(forms["craft"], forms["is_other"])]
    return forms.assign(craft=crafts)[["craft", "registrations_count"]]


def unmatched_crafts_text(forms: pd.DataFrame, total: int, lang: str = "en") -> str:
    """One sentence: how many of the ``total`` registrations are in a craft that matches no ODOP product,
    how many spellings of them are named below and how many are counted as other (English only: analyst pages)."""
    named = int((~forms["is_other"]).sum())
    other = int(forms.loc[forms["is_other"], "registrations_count"].sum())
    unmatched = int(forms["registrations_count"].sum())
    return (f"{format_count(unmatched, lang)} of {format_count(total, lang)} registrations of the phase are in a craft "
            f"that matches no ODOP product. Named below: the {format_count(named, lang)} spellings written in at least "
            f"{free_text.MIN_FORM_ROWS} registrations from at least {free_text.MIN_FORM_FILES} files (letters and "
            f"spaces, at most {free_text.MAX_FORM_CHARS} characters); the other "
            f"{format_count(other, lang)} registrations are counted as other, never shown as typed.")


def district_odop(district: str, lang: str) -> str:
    """The district's ODOP product, its source linked, marked when not verified."""
    row = reference.load_odop_products().set_index("district").loc[district]
    product = product_name(row, "product", lang)
    text = html.escape(t("odop.district", lang, district=i18n.district_name(district, lang), product=product))
    status = html.escape(t(f"odop.status_{row['verification_status']}", lang))
    parts = [f"<p>{text} ({status}; {_link(row['source_url'], None, lang)})</p>"]
    if row["verification_status"] != "verified":
        key = "odop.district_conflict" if row["verification_status"] == "conflict" else "odop.district_unverified"
        parts.append(fragments.paragraph(t(key, lang), "kit-warning"))
    return "".join(parts)


# ---------------------------------------------------------------- sources


#: Reference files listed in the brief's sources, in order.
SOURCE_FILES: tuple[str, ...] = (
    reference.SNAPSHOTS_FILE,
    reference.STATE_TABLE_2022_02_09,
    reference.STATE_WEAVERS_2022_04_06,
    reference.PAHCHAN_FILE,
    reference.HANDLOOM_FILE,
    reference.HOUSEHOLD_INDUSTRY_FILE,
    reference.CENSUS_FILE,
    reference.ORDERS_FILE,
    reference.GI_FILE,
    reference.GI_CRAFTS_FILE,
    reference.ODOP_FILE,
    reference.ODOP_SYNONYMS_FILE,
    reference.DISTRICTS_FILE,
    reference.NEIGHBOURS_FILE,
)


def sources_section(lang: str, files: tuple[str, ...] = SOURCE_FILES) -> str:
    """Every reference file the brief draws on: what it is and its source, in ``lang`` where the sidecar gives it."""
    rows = []
    for name in files:
        try:
            meta = reference.provenance(name)
        except FileNotFoundError:
            meta = {}
        title, source = (localized(meta, field, lang) or "" for field in ("title", "source"))
        rows.append({"file": name, "title": " ".join(str(title).split()), "source": " ".join(str(source).split())})
    return fragments.heading(t("brief.sources", lang)) + text_table_html(registry_frame(pd.DataFrame(rows), ["file", "title", "source"], lang))
