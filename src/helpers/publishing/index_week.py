"""The week's note on the index: what each phase's figures, the prepared data and the ledger say this week.

``phase_week`` gathers, for one phase of a build, what the top of the index and its
district table show: the as-of date, the phase brief's figures (new registrations,
districts behind), each district brief's figures (``<slug>.figures.csv``: grade,
achievement, new this period), the freshness of every participating district
(``analysis.freshness`` on ``data/processed/``, when it is there) and how many
published figures a later correction revised (the ledger). ``week_view`` and
``district_table`` turn that into the labels the template shows, in the page's language.

Belongs here: reading those files for the index and shaping its summary and table.
Not here: the page itself (``index``), computing figures (``helpers.analysis``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.store import as_number, figure_count
from helpers.analysis import freshness as district_freshness
from helpers.analysis.privacy import small_count_marker
from helpers.campaign import targets as campaign_targets
from helpers.presentation import freshness_sections, i18n
from helpers import languages
from helpers.presentation.briefs import format_day
from helpers.presentation.district_sections import shown_count
from helpers.presentation.formatting import format_count, format_pct
from helpers.presentation.periods import period_phrase

#: Counts from 1 to this minus 1 are shown as "<5" wherever a district's count is shown.
SMALL_COUNT_THRESHOLD = 5
#: The sort key of a suppressed count: the same for 1 to 4, so the page's source does not tell them apart.
SUPPRESSED_SORT_KEY = "1"
#: A table cell with no figure (no district brief, or no target).
NOT_SHOWN = "—"


@dataclass(frozen=True)
class PhaseWeek:
    """What the index says of one phase this week (all optional: a build may lack any of it).

    Attributes:
        as_of: the phase brief's as-of date.
        report_key: the phase brief's key in the ledger (``phase-1/04_phase_brief``).
        previous_report_date: the as-of date of the phase brief published before, if any.
        period_days: the period of the changes and of the freshness flags.
        phase_figures: the phase brief's phase-wide figures, ``{figure: value}`` (ledger text).
        district_figures: ``{district: {figure: value}}``, from the district briefs, else the phase brief.
        freshness: ``analysis.freshness.district_freshness`` (None without prepared data).
        revised_count: published figures a later correction changed (None without a ledger).
    """

    as_of: date | None = None
    report_key: str = ""
    previous_report_date: date | None = None
    period_days: int = 7
    phase_figures: Mapping[str, str] = field(default_factory=dict)
    district_figures: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    freshness: pd.DataFrame | None = None
    revised_count: int | None = None


# ----------------------------------------------------------------- reading


def read_figures(path: Path) -> pd.DataFrame:
    """A figures file (``as_of_date, report, district, figure, value``) as text, empty when missing or unreadable."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError):
        return pd.DataFrame(columns=["as_of_date", "report", "district", "figure", "value"])
    return frame if {"district", "figure", "value"} <= set(frame.columns) else frame.iloc[0:0]


def _by_district(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    rows = frame[frame["district"] != ""].groupby("district", sort=False)
    return {district: dict(zip(group["figure"], group["value"])) for district, group in rows}


def _ledger_facts(frames: Sequence[pd.DataFrame], report_key: str, as_of: date | None) -> tuple[int | None, date | None]:
    """From the ledger: how many figures of ``frames`` differ from the value first published (each district
    and figure once; None without a ledger), and the date of the report published before ``report_key``."""
    from helpers.report_files import ledger

    try:
        published = ledger.read_ledger()
        previous = ledger.previous_report_date(report_key, as_of) if report_key and as_of is not None else None
    except Exception:  # noqa: BLE001 - a damaged store is reported by the build, not by the index
        return None, None
    if published.empty or not frames:
        return (None if published.empty else 0), previous
    revised = ledger.revisions(published, pd.concat(frames, ignore_index=True))
    return int(len(revised.drop_duplicates(["district", "figure"]))), previous


def phase_week(phase, results: Sequence, *, as_of: date | None, period_days: int, processed_dir: Path) -> PhaseWeek:
    """What the index shows of ``phase`` from the build's ``results`` of that phase (``run.JobResult``).

    Args:
        phase: the ``helpers.campaign.phases.Phase``.
        results: the phase's job results; their figures files are read (English first).
        as_of: the phase brief's as-of date (its summary), else the figures' as-of date is used.
        period_days: the period of the freshness flags (the briefs' ``period_days``).
        processed_dir: the prepared data (``data/processed/``); no freshness when its files are missing.
    """
    phase_rows, district_rows, report_key, frames = {}, {}, "", []
    seen: set[tuple[str | None, str]] = set()
    # every figures file, the base language's first (the values are the same in every language)
    for result, item in sorted(((r, item) for r in results for item in r.files if item.kind == "figures"),
                               key=lambda pair: pair[0].lang != languages.BASE):
        frame = read_figures(paths.ROOT / item.path)
        if frame.empty or (result.district, result.report_id) in seen:
            continue
        seen.add((result.district, result.report_id))
        frames.append(frame)
        if result.district:
            district_rows.setdefault(result.district, {}).update(_by_district(frame).get(result.district, {}))
        elif result.report_id == "phase_brief":
            report_key = str(frame["report"].iloc[0]) if "report" in frame else ""
            phase_rows = dict(zip(frame.loc[frame["district"] == "", "figure"], frame.loc[frame["district"] == "", "value"]))
            as_of = as_of or (date.fromisoformat(frame["as_of_date"].iloc[0]) if "as_of_date" in frame else None)
            for district, figures in _by_district(frame).items():
                district_rows[district] = {**figures, **district_rows.get(district, {})}
    revised_count, previous_report_date = _ledger_facts(frames, report_key, as_of)
    freshness = None  # without an as-of date or readable prepared data (a missing file is a FileNotFoundError)
    with contextlib.suppress(OSError, ValueError, KeyError):
        if as_of is not None:
            freshness = district_freshness.district_freshness(
                pd.read_parquet(processed_dir / paths.REGISTRATIONS_PARQUET.name),
                pd.read_csv(processed_dir / paths.DATA_QUALITY_CSV.name), phase, as_of, period_days)
    return PhaseWeek(
        as_of=as_of, report_key=report_key, previous_report_date=previous_report_date,
        period_days=period_days, phase_figures=phase_rows, district_figures=district_rows,
        freshness=freshness, revised_count=revised_count,
    )


# ----------------------------------------------------------------- shaping


def week_view(week: PhaseWeek, lang: str) -> dict:
    """The top of the index for one phase: as-of date, new registrations, districts behind, no sheet, revisions."""
    figures = week.phase_figures
    view: dict = {"as_of": format_day(week.as_of, lang) if week.as_of else "", "facts": [], "freshness": []}
    new = figure_count(figures, "new_registrations_count")
    if new is not None and week.as_of is not None:
        previous = week.previous_report_date or week.as_of - timedelta(days=week.period_days)
        period = period_phrase(previous, week.as_of, is_since_report=week.previous_report_date is not None,
                               days=week.period_days, lang=lang)
        view["facts"].append(i18n.t("index.week_new", lang, period=period, count=format_count(new, lang)))
    behind, far, on_track = (figure_count(figures, f"phase_districts_{code}_count")
                             for code in ("behind", "far_behind", "on_track"))
    if behind is not None and far is not None and on_track is not None:
        view["facts"].append(i18n.t("index.week_behind", lang, count=format_count(behind + far, lang),
                                    total=format_count(behind + far + on_track, lang),
                                    behind=format_count(behind, lang), far=format_count(far, lang)))
    if week.freshness is not None:
        silent, stalled = int(week.freshness["is_silent"].sum()), int(week.freshness["is_stalled"].sum())
        view["facts"].append(i18n.t("index.week_no_sheet", lang, count=format_count(silent, lang),
                                    days=format_count(week.period_days, lang),
                                    total=format_count(len(week.freshness), lang)))
        view["facts"].append(i18n.t("index.week_stalled", lang, count=format_count(stalled, lang),
                                    days=format_count(district_freshness.STALLED_PERIODS * week.period_days, lang)))
        view["freshness"] = freshness_sections.freshness_sentences(week.freshness, lang)
    if week.revised_count is not None:
        key = "index.week_revised" if week.revised_count else "index.week_no_revision"
        view["facts"].append(i18n.t(key, lang, count=format_count(week.revised_count, lang)))
    return view


def _grade_cell(figures: Mapping[str, str], lang: str) -> tuple[str, str]:
    grades = campaign_targets.load_grades()
    code = figures.get("grade") or None
    order = [g.code for g in grades.grades]
    return grades.by_code(code).label(lang), str(order.index(code) if code in order else len(order))


def _freshness_cells(row: Mapping | None, lang: str, period_days: int) -> dict:
    if row is None:
        return {"latest_sheet": "", "latest_sheet_sort": "", "flag": "", "flag_kind": ""}
    latest = row["latest_sheet_date"]
    return {
        "latest_sheet": format_day(latest, lang) if pd.notna(latest) else i18n.t("index.no_sheet_yet", lang),
        "latest_sheet_sort": pd.Timestamp(latest).date().isoformat() if pd.notna(latest) else "0",
        "flag": freshness_sections.flag_label(dict(row), lang, period_days),
        "flag_kind": "silent" if row["is_silent"] else "stalled" if row["is_stalled"] else "",
    }


def table_row(district: str, label: str, week: PhaseWeek, lang: str) -> dict:
    """The figures of one district's row: grade, achievement, new this period (``<5`` for 1 to 4), freshness."""
    figures = week.district_figures.get(district, {})
    grade, grade_sort = _grade_cell(figures, lang)
    achievement = as_number(figures.get("achievement_pct", ""))
    new = figure_count(figures, "new_registrations_count")
    if figures.get("new_registrations_count") == small_count_marker(SMALL_COUNT_THRESHOLD):
        new = 1  # published as "<5" (``ledger.published_values``): one of 1 to 4, shown and sorted as such
    is_small = new is not None and 1 <= new < SMALL_COUNT_THRESHOLD
    fresh = None
    if week.freshness is not None:
        found = week.freshness[week.freshness["district"] == district]
        fresh = found.iloc[0].to_dict() if len(found) else None
    return {
        "label": label,
        "grade": grade if figures else NOT_SHOWN,
        "grade_sort": grade_sort,
        "achievement": format_pct(achievement, 1, lang) if achievement is not None else NOT_SHOWN,
        "achievement_sort": f"{achievement:.4f}" if achievement is not None else "",
        "new": shown_count(new, SMALL_COUNT_THRESHOLD, lang) if new is not None else NOT_SHOWN,
        "new_sort": SUPPRESSED_SORT_KEY if is_small else (str(new) if new is not None else ""),
        **_freshness_cells(fresh, lang, week.period_days),
    }
