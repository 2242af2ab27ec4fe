"""The progress sections of the briefs, in English or Hindi: achievement, grades, pace, since the last report.

Each function takes figures already computed by ``helpers.analysis.progress``,
``pace`` and ``ranking`` and returns an HTML fragment (text escaped, labels from the
message catalogues and ``grades.yaml``, numbers in Indian grouping) or a matplotlib
Figure with alt text (``cumulative_chart``, with the word SYNTHETIC drawn inside the
image when the data is synthetic). Notebooks 04 and 05 call them one line a section.

What does not belong here: computing figures (``helpers.analysis``), generic charts and
the theme (``charts``, used read-only), whole pages (``helpers.publishing``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from helpers.analysis.pace import Outlook
from helpers.analysis.ranking import PeriodChange, bottom_tie
from helpers.campaign.phases import Phase
from helpers.campaign.targets import Grades, TargetBasis, grade_legend, load_grades
from helpers import fields as registry
from helpers.presentation import charts, display, fragments, i18n, periods
from helpers.presentation.formatting import format_count, format_day, format_number, format_pct
from helpers.store import as_number


def _t(key: str, lang: str, **fmt: object) -> str:
    return i18n.t(f"progress.{key}", lang, **fmt)


def status_as_reported_note(count: int, lang: str) -> str:
    """The note that some statuses are taken as reported ('' when every stage is dated)."""
    if not count:
        return ""
    return fragments.paragraph(_t("status_as_reported", lang, count=format_count(count, lang)), "kit-note")


def target_basis_text(basis: TargetBasis | None, lang: str) -> str:
    """Where the targets come from, in one sentence in ``lang``, from the catalogue message of its kind.

    Official targets name their document (the file's source text); illustrative ones say
    so without repeating the file's note; derived ones name the state target's document,
    the base and its date. No basis: the phase has no target.
    """
    if basis is None:
        return _t("no_target", lang)
    if basis.kind == "derived":
        return _t("basis_derived", lang, source=basis.source, base_date=format_day(basis.base_date, lang))
    return _t(f"basis_{basis.kind}", lang, source=basis.source)


def legend_html(grades: Grades, lang: str) -> str:
    """The grades' legend, written from grades.yaml."""
    return fragments.paragraph(_t("legend", lang), "kit-note") + fragments.bullet_list(grade_legend(grades, lang))


def progress_cards(achievement_pct: float, count: int, target: int, expected_count: float, share: float, grade: str,
                   grade_label: str, grades: Grades, lang: str) -> str:
    """Three key-figure cards: achievement of the target, expected by now (``share`` of the window, 0 to 1), grade."""
    return fragments.key_figure_cards([
        fragments.KeyFigure(format_pct(achievement_pct, 1, lang),
                            _t("achievement_label", lang, count=format_count(count, lang), target=format_count(target, lang))),
        fragments.KeyFigure(format_count(round(expected_count), lang),
                            _t("expected_label", lang, share=format_pct(share * 100, 0, lang))),
        fragments.KeyFigure(grades.by_code(grade).label(lang), grade_label),
    ])


def headline(summary: dict, basis: TargetBasis | None, grades: Grades, share: float, lang: str) -> str:
    """The phase's progress first: achievement, expected by now, districts per grade, legend and target basis.

    Args:
        summary: ``progress.phase_progress``; share: the expected share of the window (0 to 1).
    """
    parts = [fragments.heading(_t("heading", lang))]
    if basis is None:
        return "".join(parts) + fragments.paragraph(_t("no_target", lang))
    cards = progress_cards(summary["achievement_pct"], summary["registrations_count"], summary["target_count"],
                           summary["expected_by_now_count"], share, summary["grade"], _t("grade_label", lang), grades, lang)
    shown = [*grades.grades] + ([grades.not_graded] if summary.get("districts_not_graded_count") else [])
    counts = [
        _t("grade_count", lang, grade=g.label(lang), count=format_count(summary.get(f"districts_{g.code}_count", 0), lang))
        for g in shown
    ]
    parts += [cards, fragments.bullet_list(counts), legend_html(grades, lang)]
    return "".join(parts) + fragments.paragraph(target_basis_text(basis, lang), "kit-note")


def outlook_lines(result: Outlook, count: int, target: int | None, phase: Phase, lang: str) -> str:
    """Pace, projected total and the date the target is reached (or not within the window)."""
    lines = [
        _t("pace", lang, pace=format_number(result.pace_per_week, 1, lang)),
        _t("projected", lang, projected=format_count(round(result.projected_total_count), lang),
           end=format_day(phase.window_end, lang)),
    ]
    if target is not None:
        if count >= target:
            lines.append(_t("target_reached", lang))
        elif result.target_reached_date is None:
            lines.append(_t("target_not_within", lang))
        else:
            lines.append(_t("target_date", lang, date=format_day(result.target_reached_date, lang)))
    return fragments.bullet_list(lines)


def _district_names(frame: pd.DataFrame, lang: str) -> pd.Series:
    return frame["district"].map(lambda d: i18n.district_name(d, lang))


def grade_table(progress: pd.DataFrame, grades: Grades, lang: str) -> str:
    """Districts by grade (best grade first, then by achievement), with count, target and expected by now."""
    order = {g.code: i for i, g in enumerate(grades.grades)}
    rows = progress[progress["trade"] == "all"].assign(
        _order=lambda f: f["grade"].map(order).fillna(len(order)),
    ).sort_values(["_order", "achievement_pct", "district"], ascending=[True, False, True])
    rows = rows.assign(district=_district_names(rows, lang), grade=rows["grade"].map(lambda c: grades.by_code(c).label(lang)))
    columns = {
        "district": _t("col_district", lang), "grade": _t("col_grade", lang),
        "registrations_count": _t("col_registrations", lang), "target_count": _t("col_target", lang),
        "achievement_pct": _t("col_achievement", lang), "expected_by_now_count": _t("col_expected", lang),
    }
    formats = {"registrations_count": "count", "target_count": "count", "achievement_pct": "number",
               "expected_by_now_count": "count"}
    return display.table_html(rows, columns, formats, caption=_t("grade_table_caption", lang), lang=lang)


def since_last_report(change: PeriodChange, grades: Grades, lang: str) -> str:
    """The change since the previous reporting date: new registrations, stages reached, grade changes."""
    lines = [_t("since_new", lang, count=format_count(change.new_registrations_count, lang))]
    for stage, count in list(change.stages_reached.items())[1:]:
        label = i18n.t(f"brief.stage_{stage.replace(' ', '_')}", lang)
        lines.append(_t("since_stage", lang, count=format_count(count, lang), stage=label))
    for row in change.grade_changes.to_dict("records"):
        lines.append(_t("since_grade", lang, district=i18n.district_name(row["district"], lang),
                        previous=grades.by_code(row["grade_previous"]).label(lang),
                        grade=grades.by_code(row["grade"]).label(lang)))
    if change.grade_changes.empty and not change.ranking.empty:
        lines.append(_t("since_no_grade_change", lang))
    title = _t("since_heading", lang, period=periods.change_period(change, lang))
    return fragments.heading(title) + fragments.bullet_list(lines)


def ranking_table(ranking: pd.DataFrame, lang: str) -> str:
    """The delta ranking: improvement in achievement, its rank, rank by achievement and its change."""
    rows = ranking.assign(district=_district_names(ranking, lang))
    columns = {
        "delta_rank": _t("col_delta_rank", lang), "district": _t("col_district", lang),
        "improvement_pp": _t("col_improvement", lang), "achievement_pct": _t("col_achievement", lang),
        "achievement_rank": _t("col_rank", lang), "achievement_rank_change": _t("col_rank_change", lang),
    }
    formats = {"delta_rank": "count", "improvement_pp": "number", "achievement_pct": "number",
               "achievement_rank": "count", "achievement_rank_change": "count"}
    return display.table_html(rows, columns, formats, caption=_t("ranking_caption", lang), lang=lang)


def ranking_tables(ranking: pd.DataFrame, lang: str, shown: int = 5) -> str:
    """The most and the least improved districts (``ranking.delta_ranking``), ties kept as ties.

    Each table lists at most ``shown`` districts. When more districts share the first
    (or the last) rank than the table holds, the table is replaced by one sentence
    ("22 districts did not move") rather than naming some of them by the alphabet;
    otherwise a tie is listed whole, even past ``shown``. Districts in the top table
    are not listed again in the bottom one.
    """
    if ranking.empty:
        return ""
    top_tie = ranking[ranking["delta_rank"] == ranking["delta_rank"].min()]
    top = top_tie if len(top_tie) > shown else _first_ranks(ranking, shown, 1)
    parts = [fragments.heading(i18n.t("phase_brief.ranking_top", lang), 3), _tie_or_table(top_tie, top, shown, lang)]
    rest = ranking[~ranking["district"].isin(top["district"])]
    if rest.empty:
        return "".join(parts)
    tied = bottom_tie(rest)
    bottom = tied if len(tied) > shown else _first_ranks(rest.iloc[::-1], shown, -1)
    parts += [fragments.heading(i18n.t("phase_brief.ranking_bottom", lang), 3),
              _tie_or_table(tied, bottom, shown, lang)]
    return "".join(parts)


def _first_ranks(rows: pd.DataFrame, shown: int, direction: int) -> pd.DataFrame:
    """The first ``shown`` of ``rows`` (in rank order: ``direction`` 1, or in reverse: −1), the tie at the cut
    listed whole, or left out whole when listing it would pass ``shown``."""
    key = rows["delta_rank"] * direction
    cut = key.iloc[min(shown, len(rows)) - 1]
    head = rows[key <= cut]
    return head if len(head) <= shown else rows[key < cut]


def _tie_or_table(tied: pd.DataFrame, listed: pd.DataFrame, shown: int, lang: str) -> str:
    """The table of the ``listed`` districts, or for a tie too large for it one sentence: that the tied
    districts did not move, or the rank and improvement they share."""
    if len(tied) <= shown:
        return ranking_table(listed, lang)
    shared = dict(count=format_count(len(tied), lang), rank=format_count(tied["delta_rank"].iloc[0], lang))
    points = float(tied["improvement_pp"].iloc[0])
    if points == 0:
        return fragments.paragraph(_t("ranking_tie_still", lang, **shared))
    return fragments.paragraph(_t("ranking_tie", lang, points=format_number(points, 1, lang), **shared))


def _figure_column(figure: str) -> str | None:
    """The registry column a ledger figure id stands for (``phase_achievement_pct`` -> ``achievement_pct``), or None."""
    known = set(registry.load_columns().index)
    return next((c for c in (figure, figure.removeprefix("phase_"), figure.rsplit(".", 1)[-1]) if c in known), None)


def revision_line(row: dict, lang: str) -> str:
    """One revised figure in words: its label, its district or the phase, its date, old and new values as shown, the difference.

    Values are rounded and given units as the page shows them (the column registry's
    display format and decimals); the difference is in the figure's units
    (percentage points for a percentage). A figure outside the registry keeps its id.
    """
    figure = str(row["figure"])
    column = _figure_column(figure)
    label, kind, places = ((registry.label(column, lang), registry.display_format(column), registry.decimals(column))
                           if column else (figure, "text", None))
    recorded = row.get("first_recorded_at")
    values = dict(figure=label, where=i18n.place_name(row.get("district") or "", lang) or _t("revision_phase", lang),
                  date=format_day(row["as_of_date"], lang),
                  published_on=format_day(recorded, lang) if pd.notna(recorded) and recorded != "" else "")
    old, new = as_number(row["published_value"]), as_number(row["current_value"])
    if old is None or new is None or kind == "text":
        return _t("revision_line_text", lang, published=_text_value(column, row["published_value"], lang),
                  current=_text_value(column, row["current_value"], lang), **values)
    show = (lambda v: display.format_cell(v, kind, lang, places))
    if show(old) == show(new):  # the page's rounding hides the change: say so, with the change one decimal finer
        return _t("revision_line_same", lang, current=show(new),
                  difference=_difference(new - old, kind, (places or 0) + 1, lang), **values)
    return _t("revision_line", lang, published=show(old), current=show(new),
              difference=_difference(new - old, kind, places, lang), **values)


def _difference(difference: float, kind: str, places: int | None, lang: str) -> str:
    """A signed difference in the figure's units: '+3', '−0.03 points' (percentage points for a percentage)."""
    sign = "+" if difference > 0 else "−" if difference < 0 else ""
    if kind == "pct":
        return _t("revision_points", lang, points=sign + format_number(abs(difference), 1 if places is None else places, lang))
    return sign + display.format_cell(abs(difference), kind, lang, places)


def _text_value(column: str | None, value: object, lang: str) -> str:
    """A text figure as the page shows it: a grade by its label, anything else as it is."""
    if column == "grade":
        try:
            return load_grades().by_code(str(value)).label(lang)
        except (KeyError, ValueError, LookupError):
            pass  # a grade the current grades.yaml no longer has: its code as published
    return str(value)


def revisions_section(found: pd.DataFrame, lang: str) -> str:
    """The figures revised since they were published, one line in words per figure and date ('' when none)."""
    if found.empty:
        return ""
    lines = [revision_line(r, lang) for r in found.to_dict("records")]
    return fragments.heading(_t("revisions_heading", lang)) + fragments.bullet_list(lines)


def cumulative_chart(weekly: pd.DataFrame, title: str, source: str, lang: str, *, is_synthetic: bool) -> Figure:
    """Cumulative registrations per week against the expected line and the target (``pace.weekly_progress``).

    The word SYNTHETIC is drawn across the plot when the data is synthetic, so the
    image says so wherever it is copied; in a solid light colour behind the data (no
    transparency, so ``publishing.images.optimise_png`` can store it as a palette image).
    """
    charts.use_theme()
    fig, ax = plt.subplots(figsize=(8.0, 4.5))
    ax.plot(weekly["week_number"], weekly["registered_cumulative_count"], marker="o", color=charts.PALETTE["accent"],
            label=i18n.t("brief.stage_registered", lang))
    has_target = "target_count" in weekly and not weekly.empty
    if has_target:
        ax.plot(weekly["week_number"], weekly["expected_cumulative_count"], linestyle="--",
                color=charts.PALETTE["secondary"], label=_t("chart_expected", lang))
        ax.axhline(weekly["target_count"].iloc[0], color=charts.PALETTE["muted"], label=_t("chart_target", lang))
    ax.set_xlabel(_t("chart_week", lang))
    ax.set_ylabel(_t("chart_units", lang))
    charts.count_axis(ax.yaxis, lang)
    ax.legend(frameon=False, loc="upper left")
    if is_synthetic:
        charts.mark_synthetic(ax, _t("synthetic_mark", lang))
    return charts.finish_chart(fig, charts.ChartText(title, _t("chart_units", lang), source,
                                                     _chart_alt(weekly, has_target, lang)))


def _chart_alt(weekly: pd.DataFrame, has_target: bool, lang: str) -> str:
    if weekly.empty:
        return _t("chart_alt_no_target", lang, count=format_count(0, lang), date="—")
    last = weekly.iloc[-1]
    count, day = format_count(last["registered_cumulative_count"], lang), format_day(last["week_end_date"], lang)
    if not has_target:
        return _t("chart_alt_no_target", lang, count=count, date=day)
    return _t("chart_alt", lang, count=count, date=day, expected=format_count(round(last["expected_cumulative_count"]), lang),
              target=format_count(last["target_count"], lang))
