"""The one-page summary that opens a brief: three to five sentences and four key figures, from the figures.

Every sentence is a template of the message catalogues (``summary.*``) with the
numbers filled in, never written by hand for a phase: how the phase is doing
against its target, who leads and who is furthest behind, what changed since the
last report, and one caveat about the data. ``phase_summary`` puts them together
with the four key figures; ``summary_html`` renders them for the page, and the
headline change and figures also go to the index card (``report_files.brief_files``).

Belongs here: choosing and wording the summary. Not here: computing the figures
(``helpers.analysis``), the progress sections that follow it (``progress_sections``),
writing files (``helpers.publishing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from helpers.analysis.ranking import PeriodChange
from helpers.campaign.targets import ALL_TRADES, Grades, TargetBasis
from helpers.presentation import fragments, i18n, periods
from helpers.presentation.formatting import format_count, format_day, format_number, format_pct


def _t(key: str, lang: str, **fmt: object) -> str:
    return i18n.t(f"summary.{key}", lang, **fmt)


@dataclass(frozen=True)
class Summary:
    """The summary of a brief: its sentences, the key figures and the one-sentence headline change."""

    sentences: tuple[str, ...]
    key_figures: tuple[fragments.KeyFigure, ...]
    headline_change: str


def join_list(items: list[str], lang: str) -> str:
    """"a, b and c" in ``lang`` (one item as it is)."""
    if len(items) < 2:
        return "".join(items)
    return _t("list_and", lang, items=", ".join(items[:-1]), last=items[-1])


def leader_and_furthest_behind(progress: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The district with the highest achievement and the one with the lowest (trade "all" rows).

    Ties are broken by district name, A to Z, for both. None when fewer than two
    districts have a target.
    """
    rows = progress[progress["trade"] == ALL_TRADES].dropna(subset=["achievement_pct"])
    if len(rows) < 2:
        return None
    leader = rows.sort_values(["achievement_pct", "district"], ascending=[False, True]).iloc[0]
    behind = rows.sort_values(["achievement_pct", "district"], ascending=[True, True]).iloc[0]
    return leader, behind


def basis_word(basis: TargetBasis | None, lang: str) -> str:
    """What the targets are, in a word or two: "official", "illustrative", "derived, not official" or "none set"."""
    return i18n.t(f"phase_brief.basis_{'none' if basis is None else basis.kind}", lang)


def status_sentence(totals: dict, grades: Grades, as_of: date, phase_id: str, lang: str, *,
                    districts_reached: int = 0, basis: TargetBasis | None = None) -> str:
    """How the phase is doing against its target (or its count, when it has no target), the target labelled by its basis."""
    day = format_day(as_of, lang)
    if not totals.get("target_count"):
        return _t("status_no_target", lang, date=day, phase_id=phase_id,
                  count=format_count(totals["registrations_count"], lang),
                  districts=format_count(districts_reached, lang))
    parts = [_t("grade_part", lang, count=format_count(totals.get(f"districts_{g.code}_count", 0), lang),
                grade=g.label(lang)) for g in grades.grades]
    return _t("status_target", lang, date=day, phase_id=phase_id, basis=basis_word(basis, lang),
              achievement=format_pct(totals["achievement_pct"], 1, lang),
              count=format_count(totals["registrations_count"], lang),
              target=format_count(totals["target_count"], lang),
              expected=format_count(round(totals["expected_by_now_count"]), lang),
              grade_counts=join_list(parts, lang))


def leader_sentence(progress: pd.DataFrame, coverage: pd.DataFrame, lang: str) -> str:
    """Who leads and who is furthest behind: by achievement, or by the Census rate without targets ('' if neither)."""
    pair = leader_and_furthest_behind(progress) if not progress.empty else None
    if pair is not None:
        leader, behind = pair
        return _t("leader", lang, leader=i18n.district_name(leader["district"], lang),
                  leader_pct=format_pct(leader["achievement_pct"], 1, lang),
                  laggard=i18n.district_name(behind["district"], lang),
                  laggard_pct=format_pct(behind["achievement_pct"], 1, lang))
    rate = "registrations_per_1000_hh_industry_workers"
    rows = coverage.dropna(subset=["rank_per_1000_hh_workers", rate])  # the ranked districts (metrics.rank_scope)
    if len(rows) < 2:
        return ""
    leader = rows.sort_values([rate, "district"], ascending=[False, True]).iloc[0]
    behind = rows.sort_values([rate, "district"], ascending=[True, True]).iloc[0]
    return _t("leader_no_target", lang, leader=i18n.district_name(leader["district"], lang),
              leader_rate=format_number(leader[rate], 2, lang),
              laggard=i18n.district_name(behind["district"], lang), laggard_rate=format_number(behind[rate], 2, lang))


def change_sentence(change: PeriodChange, lang: str) -> str:
    """What changed since the last report: new registrations, districts that changed grade, the most improved."""
    previous = periods.change_period(change, lang)
    count = format_count(change.new_registrations_count, lang)
    if change.ranking.empty:
        return _t("change_no_ranking", lang, period=previous, count=count)
    best = change.ranking.iloc[0]
    changed = format_count(len(change.grade_changes), lang)
    if not best["improvement_pp"] > 0:
        return _t("change_no_improvement", lang, period=previous, count=count, changed=changed)
    leaders = change.ranking.loc[change.ranking["delta_rank"] == best["delta_rank"], "district"]
    names = [i18n.district_name(d, lang) for d in leaders]
    best_text = join_list(names, lang) if len(names) <= 3 else _t("districts_many", lang, count=format_count(len(names), lang))
    return _t("change" if len(names) == 1 else "change_tied", lang, period=previous, count=count, changed=changed,
              best=best_text, points=format_number(best["improvement_pp"], 1, lang))


def caveat_sentence(*, is_synthetic: bool, basis: TargetBasis | None, as_reported_count: int, lang: str) -> str:
    """One caveat, the most important that applies: synthetic data, then targets not official, then statuses as reported."""
    if is_synthetic:
        return _t("caveat_synthetic", lang)
    if basis is not None and basis.is_derived:
        return _t("caveat_derived", lang)
    if basis is not None and not basis.is_official:
        return _t("caveat_illustrative", lang)
    if as_reported_count:
        return _t("caveat_as_reported", lang, count=format_count(as_reported_count, lang))
    return _t("caveat_default", lang)


def key_figures(totals: dict, key: dict, change: PeriodChange, as_of: date, lang: str, *,
                coverage_rate: float | None = None, basis: TargetBasis | None = None) -> tuple[fragments.KeyFigure, ...]:
    """Four key figures: registrations, achievement (or the Census rate), districts on track (or reached), new since.

    The figures that depend on a target carry the target's basis in their label ("illustrative",
    "derived, not official", "official"), so the label travels with the figure (summary.json, share cards).
    """
    day = format_day(as_of, lang)
    figures = [fragments.KeyFigure(format_count(totals["registrations_count"], lang),
                                   _t("fig_registrations", lang, date=day))]
    if totals.get("target_count"):
        graded = sum(int(v) for k, v in totals.items() if k.startswith("districts_") and k.endswith("_count"))
        figures += [
            fragments.KeyFigure(format_pct(totals["achievement_pct"], 1, lang),
                                _t("fig_achievement", lang, basis=basis_word(basis, lang))),
            fragments.KeyFigure(format_count(totals.get("districts_on_track_count", 0), lang),
                                _t("fig_on_track", lang, count=format_count(graded, lang), basis=basis_word(basis, lang))),
        ]
    else:
        figures += [
            fragments.KeyFigure(format_number(coverage_rate, 2, lang), _t("fig_rate", lang)),
            fragments.KeyFigure(format_count(key.get("districts_reached_count", 0), lang), _t("fig_districts", lang)),
        ]
    figures.append(fragments.KeyFigure(format_count(change.new_registrations_count, lang),
                                       _t("fig_new", lang, date=format_day(change.previous_date, lang))))
    return tuple(figures)


def phase_summary(
    *,
    totals: dict,
    progress: pd.DataFrame,
    coverage: pd.DataFrame,
    key: dict,
    change: PeriodChange,
    grades: Grades,
    basis: TargetBasis | None,
    phase_id: str,
    is_synthetic: bool,
    as_reported_count: int,
    lang: str,
    coverage_rate: float | None = None,
) -> Summary:
    """The summary of a phase brief as of ``change.as_of_date``: 3 to 5 sentences and four key figures.

    Args:
        totals: ``progress.phase_progress`` (or ``{"registrations_count": n}`` without targets).
        progress: ``progress.district_progress`` (empty without targets).
        coverage, key: ``metrics.district_coverage`` and ``metrics.phase_key_figures``.
        change: ``ranking.period_change`` since the last report.
        coverage_rate: the phase's registrations per 1,000 household-industry workers (shown without targets).
    """
    as_of = change.as_of_date
    headline = change_sentence(change, lang)
    sentences = [
        status_sentence(totals, grades, as_of, phase_id, lang, districts_reached=int(key.get("districts_reached_count", 0)),
                        basis=basis),
        leader_sentence(progress, coverage, lang),
        headline,
        caveat_sentence(is_synthetic=is_synthetic, basis=basis, as_reported_count=as_reported_count, lang=lang),
    ]
    figures = key_figures(totals, key, change, as_of, lang, coverage_rate=coverage_rate, basis=basis)
    return Summary(tuple(s for s in sentences if s), figures, headline)


def summary_html(summary: Summary, lang: str) -> str:
    """The summary for the top of the page: heading, the sentences as one paragraph, the four key-figure cards."""
    return (fragments.heading(_t("heading", lang)) + fragments.paragraph(" ".join(summary.sentences))
            + fragments.key_figure_cards(list(summary.key_figures)))


def as_of_text(as_of: date, latest: date | None, lang: str) -> str:
    """The page's as-of sentence: the date, and that it is the latest in the data or where the data runs to."""
    if latest is None or as_of >= latest:
        return i18n.t("progress.as_of_latest", lang, date=format_day(as_of, lang))
    return _t("as_of_not_latest", lang, date=format_day(as_of, lang), latest=format_day(latest, lang))
