"""Freshness per district in words: which districts sent no sheet, since when, and which stalled.

Sentences and short labels from the message catalogues (``freshness:`` in
``messages/*.yaml``), district names in the page's language, dates as officials
write them (``briefs.format_day``): "No sheet from Etah since 12 December 2021."

Belongs here: the wording. Not here: deciding who is silent or stalled
(``helpers.analysis.freshness``).
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis.freshness import STALLED_PERIODS
from helpers.presentation import fragments, i18n
from helpers.presentation.formatting import format_count, format_day


def silent_sentence(row: dict, lang: str) -> str:
    """"No sheet from Etah since 12 December 2021." (or since the phase began, when none ever came)."""
    key = "freshness.silent_since" if pd.notna(row["latest_sheet_date"]) else "freshness.silent_never"
    name = i18n.place_name(row["district"], lang)
    return i18n.t(key, lang, district=name, date=format_day(row["silent_since"], lang))


def stalled_sentence(row: dict, lang: str) -> str:
    """"Etah: sheets received, but no new registration since 5 December 2021." (or none yet in the phase)."""
    name = i18n.place_name(row["district"], lang)
    if pd.isna(row["latest_registration_date"]):
        return i18n.t("freshness.stalled_never", lang, district=name)
    return i18n.t("freshness.stalled_since", lang, district=name, date=format_day(row["latest_registration_date"], lang))


def freshness_sentences(freshness: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per silent district, then one per stalled district, each group by name in ``lang``.

    Args:
        freshness: ``helpers.analysis.freshness.district_freshness``.
        lang: ``"en"`` or ``"hi"``.
    """
    i18n.check_lang(lang)
    records = sorted(freshness.to_dict("records"), key=lambda row: i18n.place_name(row["district"], lang))
    return ([silent_sentence(row, lang) for row in records if row["is_silent"]]
            + [stalled_sentence(row, lang) for row in records if row["is_stalled"]])


def flag_label(row: dict, lang: str, period_days: int = 7) -> str:
    """A district's flag, short, for a table cell beside its latest sheet's date: "no sheet in the last 7 days",
    "stalled: no new registration for 14 days or more", or ''.

    ``period_days`` is the period ``district_freshness`` was computed with (a stall lasts
    ``STALLED_PERIODS`` of them).
    """
    if row["is_silent"]:
        return i18n.t("freshness.flag_silent", lang, days=format_count(period_days, lang))
    if row["is_stalled"]:
        return i18n.t("freshness.flag_stalled", lang, days=format_count(STALLED_PERIODS * period_days, lang))
    return ""


def phase_freshness_section(freshness: pd.DataFrame, lang: str) -> str:
    """The phase brief's note on the offices: who sent no sheet in the period, who stalled, or that all reported."""
    sentences = freshness_sentences(freshness, lang)
    body = fragments.bullet_list(sentences) if sentences else fragments.paragraph(i18n.t("freshness.all_reported", lang))
    return fragments.heading(i18n.t("freshness.heading", lang), 3) + body


def district_freshness_section(freshness: pd.DataFrame, district: str, lang: str,
                               corrections_href: str | None = None) -> str:
    """The district brief's line on its own office: its latest sheet, a flag, and the link to its corrections."""
    import html

    rows = freshness[freshness["district"] == district].to_dict("records")
    row = rows[0] if rows else None  # a district with no row gets only the corrections link
    sentence = ""
    if row is not None and row["is_silent"]:
        sentence = silent_sentence(row, lang)
    elif row is not None and row["is_stalled"]:
        sentence = stalled_sentence(row, lang)
    elif row is not None and pd.notna(row["latest_sheet_date"]):
        sentence = i18n.t("freshness.latest_sheet", lang, district=i18n.place_name(district, lang),
                          date=format_day(row["latest_sheet_date"], lang))
    text = html.escape(sentence)
    if corrections_href:
        link = f'<a href="{html.escape(corrections_href)}">{html.escape(i18n.t("freshness.corrections_link", lang))}</a>'
        text = f"{text} {link}".strip()
    return f"<p>{text}</p>" if text else ""
