"""The district brief's own sections: as-of line, progress against target, rank and its change, curve, funnel, share card.

A district brief (notebook 05) shows one district of a phase as of a date. Its figures
are gathered once in a :class:`DistrictStanding` (``district_standing``) from
``helpers.analysis.progress`` (count, target, achievement, expected by now, grade) and
``helpers.analysis.ranking`` (rank by achievement among the phase's districts with a
target, and its change since the previous reporting date). The functions below turn
it into HTML fragments (every piece of text escaped, every label from the message
catalogues, numbers in Indian grouping), charts with alt text, the published figures
(``figures``) and the share card (``write_share_card``). Only counts are shown;
nothing from a free-text column reaches a page.

Belongs here: what only the district brief shows. Not here: computing figures
(``helpers.analysis``), sections shared with the phase brief (``briefs``,
``progress_sections``, ``reference_sections``), the locator map (``maps``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from helpers.analysis import metrics, pace, privacy, progress, ranking
from helpers.campaign.phases import Phase
from helpers.campaign.targets import ALL_TRADES, Grades, TargetBasis
from helpers.presentation.periods import change_period
from helpers.presentation import briefs, fragments, i18n, progress_sections
from helpers.presentation.formatting import format_count, format_day, format_pct


def _t(key: str, lang: str, **fmt: object) -> str:
    return i18n.t(f"district_brief.{key}", lang, **fmt)


# ------------------------------------------------------------------ as of


def as_of_section(as_of_date: date, latest_date: date | None, lang: str) -> str:
    """The date the figures are as of, and whether it is the latest date in the data."""
    day = format_day(as_of_date, lang)
    if latest_date is None or as_of_date >= latest_date:
        return fragments.paragraph(i18n.t("progress.as_of_latest", lang, date=day))
    return fragments.paragraph(_t("as_of_earlier", lang, date=day, latest=format_day(latest_date, lang)))


# ---------------------------------------------------------------- standing


@dataclass(frozen=True)
class DistrictStanding:
    """One district of a phase as of a date, and since the previous reporting date.

    Target figures, grade and ranks are None when the district has no target.
    ``rank_change`` = previous rank − rank now (positive: moved up).
    """

    district: str
    as_of_date: date
    previous_date: date
    registrations_count: int
    new_registrations_count: int
    target_count: int | None = None
    achievement_pct: float | None = None
    expected_by_now_count: float | None = None
    expected_share: float | None = None
    grade: str | None = None
    rank: int | None = None
    rank_previous: int | None = None
    rank_change: int | None = None
    ranked_count: int = 0
    #: True when ``previous_date`` is the as-of date of the last report published (else the days before).
    is_since_report: bool = False
    period_days: int = ranking.DEFAULT_PERIOD_DAYS

    @property
    def has_target(self) -> bool:
        """True when the district has a target (trade "all") in this phase."""
        return self.target_count is not None


def _district_count(phase_regs: pd.DataFrame, district: str) -> int:
    return int((phase_regs["home_district"] == district).sum())


#: The phase-wide changes the last district briefs computed, by the fingerprint of their inputs
#: (``_phase_change``); a kernel that runs one district brief after another reuses them.
_PHASE_CHANGES: dict[tuple, ranking.PeriodChange] = {}
_PHASE_CHANGES_KEPT = 4


def _frame_fingerprint(frame: pd.DataFrame) -> tuple:
    """What identifies a frame's content: its shape, columns, dtypes and the hash of every row."""
    rows = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    return (frame.shape, tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes)), hash(rows.tobytes()))


def _phase_change(
    registrations: pd.DataFrame, phase: Phase, as_of: date, targets: pd.DataFrame, grades: Grades, period_days: int,
    previous_report: date | None = None,
) -> ranking.PeriodChange:
    """``ranking.period_change`` of the whole phase, computed once per phase, date and inputs.

    Every district brief of a phase needs the same phase-wide ranking at two dates; a
    build runs them one after another in the same kernels, so the ranking is kept
    (read only: ``district_standing`` never changes it) under the fingerprint of
    everything it is computed from. Inputs that cannot be hashed are computed afresh.
    """
    def compute() -> ranking.PeriodChange:
        return ranking.period_change(registrations, as_of, period_days, phase=phase, targets=targets, grades=grades,
                                     previous_report=previous_report)

    try:
        key = (_frame_fingerprint(registrations), _frame_fingerprint(targets), repr(phase), repr(grades),
               str(as_of), period_days, str(previous_report))
    except TypeError:  # a column of unhashable values (lists, dicts)
        return compute()
    if key not in _PHASE_CHANGES:
        while len(_PHASE_CHANGES) >= _PHASE_CHANGES_KEPT:
            _PHASE_CHANGES.pop(next(iter(_PHASE_CHANGES)))
        _PHASE_CHANGES[key] = compute()
    return _PHASE_CHANGES[key]


def district_standing(
    registrations: pd.DataFrame,
    phase: Phase,
    district: str,
    as_of: date,
    targets: pd.DataFrame,
    grades: Grades,
    *,
    period_days: int = ranking.DEFAULT_PERIOD_DAYS,
    previous_report: date | None = None,
) -> DistrictStanding:
    """Count, target, achievement, expected-by-now, grade and rank of ``district`` as of ``as_of``.

    Counts only registrations dated on or before ``as_of`` (``registrations_as_of``);
    the previous reporting date is ``previous_report`` (the last report's as-of date), else
    ``as_of`` − ``period_days``. Rank is the district's
    ``achievement_rank`` in ``ranking.delta_ranking`` among the phase's districts with a
    target (1 = highest achievement, ties by name), at both dates.

    Args:
        registrations: every cleaned registration (rows dated later are ignored).
        targets: the phase's targets (``targets.phase_targets``; may be empty).
    """
    change = _phase_change(registrations, phase, as_of, targets, grades, period_days, previous_report)
    now = metrics.phase_registrations(progress.registrations_as_of(registrations, as_of), phase)
    before = metrics.phase_registrations(progress.registrations_as_of(registrations, change.previous_date), phase)
    count = _district_count(now, district)
    standing = DistrictStanding(district, change.as_of_date, change.previous_date, count,
                                count - _district_count(before, district), is_since_report=change.is_since_report,
                                period_days=change.period_days)
    rows = targets[(targets["district"] == district) & (targets["trade"] == ALL_TRADES)] if len(targets) else targets
    if rows.empty:
        return standing
    row = progress.district_progress(now, rows, phase, as_of, grades).iloc[0]
    ranked = change.ranking.set_index("district").loc[district]
    return replace(
        standing,
        target_count=int(row["target_count"]),
        achievement_pct=float(row["achievement_pct"]),
        expected_by_now_count=float(row["expected_by_now_count"]),
        expected_share=progress.expected_share(as_of, phase.window_start, phase.window_end),
        grade=row["grade"],
        rank=int(ranked["achievement_rank"]),
        rank_previous=int(ranked["achievement_rank_previous"]),
        rank_change=int(ranked["achievement_rank_change"]),
        ranked_count=len(change.ranking),
    )


# ---------------------------------------------------------------- sections


def shown_count(count: int, threshold: int, lang: str) -> str:
    """A count as shown on the page: '<5' for 1 to ``threshold`` − 1, else in Indian grouping."""
    return privacy.small_count_marker(threshold) if 1 <= count < threshold else format_count(count, lang)


#: How a rank moved, by the sign of its change (positive: moved up), as the catalogue's keys end.
_MOVES = {1: "up", -1: "down", 0: "same"}


def rank_lines(standing: DistrictStanding, lang: str) -> list[str]:
    """The rank sentence and its change since the last report ('' list without a target)."""
    if standing.rank is None:
        return []
    change = standing.rank_change or 0
    return [_t("rank", lang, rank=format_count(standing.rank, lang), count=format_count(standing.ranked_count, lang)),
            _t(f"rank_{_MOVES[(change > 0) - (change < 0)]}", lang, period=change_period(standing, lang),
               places=format_count(abs(change), lang), rank_previous=format_count(standing.rank_previous, lang))]


def progress_section(
    standing: DistrictStanding, basis: TargetBasis | None, grades: Grades, lang: str, small_count_threshold: int
) -> str:
    """Heading, key figures (achievement, expected by now, grade), rank and its change, new registrations, legend, basis."""
    name = i18n.district_name(standing.district, lang)
    new = _t("new_registrations", lang, period_inline=change_period(standing, lang, inline=True),
             count=shown_count(standing.new_registrations_count, small_count_threshold, lang))
    parts = [fragments.heading(_t("heading", lang, district=name))]
    if not standing.has_target or basis is None:
        return "".join(parts) + fragments.paragraph(_t("no_target", lang, district=name)) + fragments.paragraph(new)
    cards = progress_sections.progress_cards(
        standing.achievement_pct, standing.registrations_count, standing.target_count, standing.expected_by_now_count or 0,
        standing.expected_share or 0, standing.grade, _t("grade_label", lang, district=name), grades, lang)
    return "".join([
        *parts, cards, fragments.bullet_list([*rank_lines(standing, lang), new]),
        progress_sections.legend_html(grades, lang),
        fragments.paragraph(progress_sections.target_basis_text(basis, lang), "kit-note"),
    ])


def curve_chart(
    district_regs_now: pd.DataFrame, phase: Phase, standing: DistrictStanding, basis: TargetBasis | None, lang: str,
    *, is_synthetic: bool,
) -> Figure:
    """The district's cumulative registrations per week against its expected line and target (SYNTHETIC inside)."""
    weekly = pace.weekly_progress(district_regs_now, phase, standing.as_of_date, target_count=standing.target_count)
    name = i18n.district_name(standing.district, lang)
    day = format_day(standing.as_of_date, lang)
    source = i18n.t("progress.chart_source", lang, date=day, basis=progress_sections.target_basis_text(basis, lang))
    return progress_sections.cumulative_chart(weekly, _t("chart_title", lang, district=name), source, lang,
                                              is_synthetic=is_synthetic)


def funnel_section(
    district_regs_now: pd.DataFrame, district: str, lang: str, small_count_threshold: int, *, is_synthetic: bool,
) -> str:
    """The funnel's one heading and its figure (``briefs.funnel_figure``), or the note when a stage holds too few sellers."""
    name = i18n.district_name(district, lang)
    heading = fragments.heading(i18n.t("brief.district_funnel", lang, district=name))
    funnel = metrics.funnel(district_regs_now)
    if len(district_regs_now) and privacy.funnel_is_publishable(funnel["sellers_count"], small_count_threshold):
        return heading + briefs.funnel_figure(funnel, _t("funnel_chart_title", lang, district=name), lang,
                                              is_synthetic=is_synthetic)
    return heading + fragments.paragraph(i18n.t("brief.funnel_suppressed", lang, threshold=small_count_threshold))


# ------------------------------------------------------- figures and card


def figures(standing: DistrictStanding) -> list[tuple[str, str, object]]:
    """The district's published figures as ``(district, figure, value)`` for ``ledger.figures_frame``."""
    values = {
        "registrations_count": standing.registrations_count,
        "new_registrations_count": standing.new_registrations_count,
        "target_count": standing.target_count,
        "achievement_pct": None if standing.achievement_pct is None else round(standing.achievement_pct, 2),
        "expected_by_now_count": None if standing.expected_by_now_count is None else round(standing.expected_by_now_count),
        "grade": standing.grade,
        "achievement_rank": standing.rank,
        "achievement_rank_change": standing.rank_change,
    }
    return [(standing.district, figure, value) for figure, value in values.items()]


def card_change(standing: DistrictStanding, lang: str, small_count_threshold: int) -> str:
    """The change over the period (since the last report, or the days before), short, for the share card."""
    new = shown_count(standing.new_registrations_count, small_count_threshold, lang)
    if standing.rank_change is None:
        text = _t("card_change_no_rank", lang, count=new)
    else:
        change = standing.rank_change
        text = _t(f"card_change_{_MOVES[(change > 0) - (change < 0)]}", lang, places=format_count(abs(change), lang),
                  count=new)
    return i18n.t("period.with_change", lang, period=change_period(standing, lang), change=text)


def card_figures(standing: DistrictStanding, lang: str) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of the card: registrations, and with a target achievement, expected, rank."""
    shown = [(_t("card_registered", lang), format_count(standing.registrations_count, lang))]
    if standing.has_target:
        shown += [
            (_t("card_achievement", lang), format_pct(standing.achievement_pct, 1, lang)),
            (_t("card_expected", lang), format_count(round(standing.expected_by_now_count or 0), lang)),
            (_t("card_rank", lang, count=format_count(standing.ranked_count, lang)), format_count(standing.rank, lang)),
        ]
    return shown


def write_share_card(
    path: Path, standing: DistrictStanding, *, title: str, basis: TargetBasis | None, grades: Grades, lang: str,
    is_synthetic: bool, small_count_threshold: int,
) -> str:
    """Write the district's 1080 x 1350 share card (optimised PNG) and its alt text beside it (``path`` + ``.alt.txt``).

    Returns:
        The alt text.
    """
    from helpers.presentation.share_cards import share_card_png

    day = format_day(standing.as_of_date, lang)
    source = _t("card_source", lang, date=day, basis=progress_sections.target_basis_text(basis, lang))
    grade = grades.by_code(standing.grade).label(lang) if standing.has_target else None
    return share_card_png(path, title=title, figures=card_figures(standing, lang), grade=grade,
                          change=card_change(standing, lang, small_count_threshold), as_of=day, source_line=source,
                          is_synthetic=is_synthetic, lang=lang)

