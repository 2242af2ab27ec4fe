"""Freshness per district: when each district's data last came in, and when it last registered anyone.

Silence and zero look the same on a cumulative curve: a district that registered
nobody this week and a district that sent no sheet draw the same flat line.
``district_freshness`` tells them apart for every participating district of a phase,
as of a date, from what the prepare stage wrote (``registrations.parquet`` and
``data_quality_summary.csv``):

- a *sheet* is one ``(source_file, source_sheet)`` (a CSV file is one sheet, with
  ``source_sheet`` blank);
- its *date* (``sheet_date``) is the date in its file's name (``…_2021-12-12_…``, the
  export date of the demo and of most exports), else the latest registration date of
  its accepted rows (a sheet cannot have been sent before its latest row); a sheet with
  neither is left out;
- it *carries* a district's data when the layout names the district's office (a folder
  of the file's path, or the workbook sheet's name, is the district: ``sheet_office``;
  then even a sheet with no accepted row counts, which is what tells "reported zero" from
  "sent nothing") or when one of its accepted rows has the district as home or event
  district (a state-wide export carries every district it has rows of);
- a district is *silent* when no sheet carrying its data was received in the last period
  (``as_of`` − ``period_days``, ``as_of``]; *stalled* when it is not silent but has had
  no new registration (``registration_date`` of a registration of the phase, counted by
  home district as the progress is) for ``STALLED_PERIODS`` periods or more. The two flags
  never hold together: a silent district's stall cannot be told from its silence.
  Neither is raised before the phase has run that many periods or more than one period
  after its window closed (no sheet is expected then).

The rule and its reasons: ``docs/decisions.md``, "Freshness per district".

Belongs here: the frame of dates and flags. Not here: reading the files (the caller),
the sentences shown (``helpers.presentation.freshness_sections``).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from helpers.analysis import metrics
from helpers.campaign.phases import Phase
from helpers.reference.districts import get_resolver

#: Columns of ``district_freshness``, in order.
FRESHNESS_COLUMNS: tuple[str, ...] = (
    "district", "latest_sheet_date", "latest_registration_date", "is_silent", "silent_since", "is_stalled",
)
#: Periods without a new registration that make a district stalled.
STALLED_PERIODS = 2
#: Resolver methods that make a folder or sheet name a district's office (a town or a typo does not).
OFFICE_METHODS = frozenset({"exact", "hindi", "alias", "old_name"})
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_SHEET_KEY = ["source_file", "source_sheet"]


def file_date(source_file: str) -> date | None:
    """The export date written in a file's name (``SYNTHETIC_phase-1_2021-12-12_week-06.csv``), or None.

    Only the file's own name is read, never its folders; with several dates, the last one.
    """
    name = re.split(r"[/\\]", str(source_file))[-1]
    for year, month, day in reversed(_ISO_DATE.findall(name)):
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def sheet_office(source_file: str, source_sheet: str = "") -> str | None:
    """The district office a sheet came from, when the layout says so, else None.

    The workbook sheet's name when it is a district of UP (``week-08.xlsx`` / ``Agra``), else
    the innermost folder of the file's path that is one (``registrations/varanasi/week-02.csv``),
    in English, Hindi, an alias or a former name.
    """
    names = [source_sheet] if isinstance(source_sheet, str) else []
    names += reversed(re.split(r"[/\\]", str(source_file))[:-1])
    matches = (get_resolver().resolve(name) for name in names if str(name).strip())
    return next((m.district for m in matches if m.district and m.method in OFFICE_METHODS), None)


def _sheet_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """``source_file`` and ``source_sheet`` as text, a blank sheet name for a CSV."""
    sheet = frame["source_sheet"] if "source_sheet" in frame else pd.Series("", index=frame.index)
    return pd.DataFrame({"source_file": frame["source_file"].astype(str),
                         "source_sheet": sheet.astype(object).where(sheet.notna(), "").astype(str)}, index=frame.index)


def sheets_received(registrations: pd.DataFrame, quality: pd.DataFrame) -> pd.DataFrame:
    """Every dated sheet and each district whose data it carries: columns ``source_file, source_sheet, sheet_date, district``.

    Args:
        registrations: the prepared registrations (``source_file``, ``source_sheet``,
            ``registration_date``, ``home_district``, ``event_district``).
        quality: ``data_quality_summary.csv`` (``source_file``, ``source_sheet``): every sheet read,
            also those with no accepted row.
    """
    keys = _sheet_keys(registrations)
    rows = keys.assign(registration_date=pd.to_datetime(registrations["registration_date"]))
    sheets = pd.concat([_sheet_keys(quality), keys]).drop_duplicates().reset_index(drop=True)
    latest_row = rows.groupby(_SHEET_KEY)["registration_date"].max().rename("latest_row_date").reset_index()
    sheets = sheets.merge(latest_row, on=_SHEET_KEY, how="left")
    named = pd.to_datetime(sheets["source_file"].map(file_date))
    sheets["sheet_date"] = named.fillna(sheets["latest_row_date"]).dt.normalize()
    offices = sheets.assign(district=[sheet_office(f, s) for f, s in zip(sheets["source_file"], sheets["source_sheet"])])
    carried = [keys.assign(district=registrations[column]) for column in ("home_district", "event_district")
               if column in registrations]
    carried_frame = pd.concat([offices[[*_SHEET_KEY, "district"]], *carried]).dropna(subset=["district"]).drop_duplicates()
    out = carried_frame.merge(sheets[[*_SHEET_KEY, "sheet_date"]], on=_SHEET_KEY).dropna(subset=["sheet_date"])
    return out[[*_SHEET_KEY, "sheet_date", "district"]].sort_values([*_SHEET_KEY, "district"]).reset_index(drop=True)


def _is_reporting(phase: Phase, as_of: pd.Timestamp, period: pd.Timedelta, periods: int) -> bool:
    """True when sheets are expected: the phase has run ``periods`` periods and closed at most one period ago."""
    start, end = pd.Timestamp(phase.window_start), pd.Timestamp(phase.window_end)
    return start + periods * period <= as_of <= end + period


def district_freshness(
    registrations: pd.DataFrame, quality: pd.DataFrame, phase: Phase, as_of: date | pd.Timestamp | str,
    period_days: int = 7,
) -> pd.DataFrame:
    """One row per participating district of ``phase``: its latest sheet and registration as of ``as_of``, and its flags.

    Args:
        registrations: the prepared registrations (``data/processed/registrations.parquet``).
        quality: the per-sheet accounting (``data/processed/data_quality_summary.csv``).
        phase: the phase; its participating districts (event and nearby) get a row each.
        as_of: count only sheets dated and registrations made by this day.
        period_days: the length of a reporting period (a week).

    Returns:
        Columns ``FRESHNESS_COLUMNS``: ``latest_sheet_date`` (NaT when none), ``latest_registration_date``
        (the latest registration of the phase with the district as home district; NaT when none),
        ``is_silent``, ``silent_since`` (the latest sheet's date, or the window's start when no sheet
        ever came; NaT when not silent), ``is_stalled``. Sorted by district.

    Raises:
        ValueError: ``period_days`` is not a positive whole number of days.
    """
    if int(period_days) != period_days or period_days < 1:
        raise ValueError(f"period_days must be a positive whole number of days, not {period_days!r}")
    day = pd.Timestamp(as_of).normalize()
    period = pd.Timedelta(days=int(period_days))
    districts = pd.DataFrame({"district": list(phase.participating_districts)})
    sheets = sheets_received(registrations, quality)
    sheets = sheets[sheets["sheet_date"] <= day]
    latest_sheet = sheets.groupby("district")["sheet_date"].max().rename("latest_sheet_date")
    regs = metrics.phase_registrations(registrations, phase)
    dates = pd.to_datetime(regs["registration_date"]).dt.normalize()
    regs = regs.assign(registration_date=dates)[dates <= day]
    latest_reg = regs.groupby("home_district")["registration_date"].max().rename("latest_registration_date")
    out = districts.join(latest_sheet, on="district").join(latest_reg, on="district")
    for column in ("latest_sheet_date", "latest_registration_date"):
        out[column] = pd.to_datetime(out[column])
    no_sheet = out["latest_sheet_date"].isna() | (out["latest_sheet_date"] <= day - period)
    out["is_silent"] = no_sheet & _is_reporting(phase, day, period, 1)
    start = pd.Timestamp(phase.window_start)
    out["silent_since"] = out["latest_sheet_date"].fillna(start).where(out["is_silent"])
    quiet = out["latest_registration_date"].isna() | (out["latest_registration_date"] <= day - STALLED_PERIODS * period)
    out["is_stalled"] = quiet & ~out["is_silent"] & _is_reporting(phase, day, period, STALLED_PERIODS)
    out[["is_silent", "is_stalled"]] = out[["is_silent", "is_stalled"]].astype(bool)
    return out[list(FRESHNESS_COLUMNS)].sort_values("district").reset_index(drop=True)

