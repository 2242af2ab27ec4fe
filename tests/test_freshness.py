"""Freshness per district: latest sheet, latest registration, silent and stalled districts, and their sentences."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest

from helpers.analysis import freshness
from helpers.campaign import phases
from helpers.presentation import freshness_sections
from helpers.presentation.briefs import format_day
from helpers.presentation.i18n import district_name

START = date(2021, 11, 1)
PHASE = replace(phases.get_phase("1"), window_start=START, window_end=date(2022, 3, 31),
                event_districts=("Agra", "Etah"), nearby_districts=("Mathura", "Firozabad"))
WEEK = timedelta(days=7)


def export(day: date, week: int) -> str:
    """A state-wide weekly export, named as the demo names them."""
    return f"data/raw/registrations/demo/phase-1/SYNTHETIC_phase-1_{day.isoformat()}_week-{week:02d}.csv"


def rows(source_file: str, *registrations: tuple[date, str, str], sheet: str = "") -> list[dict]:
    return [{"registration_date": pd.Timestamp(day), "home_district": home, "event_district": event,
             "source_file": source_file, "source_sheet": sheet} for day, home, event in registrations]


def frames(*groups: list[dict], extra_sheets: tuple[tuple[str, str], ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Registrations from ``groups`` and a quality summary naming each of their sheets and ``extra_sheets``."""
    registrations = pd.DataFrame([row for group in groups for row in group])
    sheets = {(r["source_file"], r["source_sheet"]) for group in groups for r in group} | set(extra_sheets)
    quality = pd.DataFrame([{"source_file": f, "source_sheet": s or float("nan"), "rows_in": 0} for f, s in sorted(sheets)])
    return registrations, quality


# Three weekly exports: Agra every week, Etah in the first only, Mathura's residents at Agra's events in the
# first two, Firozabad never.
W1, W2, W3 = START + WEEK - timedelta(days=1), START + 2 * WEEK - timedelta(days=1), START + 3 * WEEK - timedelta(days=1)
WEEKLY = (
    rows(export(W1, 1), (W1 - timedelta(days=2), "Agra", "Agra"), (W1 - timedelta(days=1), "Etah", "Etah"),
         (W1, "Mathura", "Agra")),
    rows(export(W2, 2), (W2 - timedelta(days=3), "Agra", "Agra"), (W2 - timedelta(days=4), "Mathura", "Agra")),
    rows(export(W3, 3), (W3 - timedelta(days=1), "Agra", "Agra")),
)


def by_district(frame: pd.DataFrame) -> dict[str, dict]:
    return {row["district"]: row for row in frame.to_dict("records")}


def test_one_row_per_participating_district_with_its_columns():
    registrations, quality = frames(*WEEKLY)
    out = freshness.district_freshness(registrations, quality, PHASE, W3)
    assert tuple(out.columns) == freshness.FRESHNESS_COLUMNS
    assert list(out["district"]) == sorted(PHASE.participating_districts)


def test_latest_sheet_and_registration_are_recomputed_from_the_rows():
    registrations, quality = frames(*WEEKLY)
    out = by_district(freshness.district_freshness(registrations, quality, PHASE, W3))
    for district in ("Agra", "Etah", "Mathura"):
        carried = registrations[(registrations["home_district"] == district) | (registrations["event_district"] == district)]
        named = carried["source_file"].map(freshness.file_date)
        assert out[district]["latest_sheet_date"] == pd.Timestamp(max(named)), district
        home = registrations[registrations["home_district"] == district]
        assert out[district]["latest_registration_date"] == home["registration_date"].max(), district
    assert pd.isna(out["Firozabad"]["latest_sheet_date"]) and pd.isna(out["Firozabad"]["latest_registration_date"])


def test_silent_districts_and_since_when():
    registrations, quality = frames(*WEEKLY)
    out = by_district(freshness.district_freshness(registrations, quality, PHASE, W3, period_days=7))
    # the period is (W3 - 7 days, W3]: only the week-3 export falls in it, and it carries Agra's rows only
    assert not out["Agra"]["is_silent"] and pd.isna(out["Agra"]["silent_since"])
    assert out["Etah"]["is_silent"] and out["Etah"]["silent_since"] == pd.Timestamp(W1)
    assert out["Mathura"]["is_silent"] and out["Mathura"]["silent_since"] == pd.Timestamp(W2)
    assert out["Firozabad"]["is_silent"] and out["Firozabad"]["silent_since"] == pd.Timestamp(START)  # never sent
    assert not any(row["is_stalled"] for row in out.values() if row["is_silent"])  # the flags are exclusive


def test_a_longer_period_keeps_a_district_from_being_silent():
    registrations, quality = frames(*WEEKLY)
    out = by_district(freshness.district_freshness(registrations, quality, PHASE, W3, period_days=14))
    assert not out["Mathura"]["is_silent"]  # W2 is inside (W3 - 14 days, W3]
    assert out["Etah"]["is_silent"]


def test_an_office_sheet_with_no_row_counts_as_received_and_the_district_stalls():
    """A workbook tab named after Etah's office, received empty: Etah reported zero, it is not silent."""
    book = f"data/raw/registrations/SYNTHETIC_phase-1_{W3.isoformat()}_week-03.xlsx"
    registrations, quality = frames(*WEEKLY, extra_sheets=((book, "Etah"), (book, "Notes")))
    out = by_district(freshness.district_freshness(registrations, quality, PHASE, W3))
    assert out["Etah"]["latest_sheet_date"] == pd.Timestamp(W3)
    assert not out["Etah"]["is_silent"]
    latest = out["Etah"]["latest_registration_date"]
    assert latest <= pd.Timestamp(W3) - freshness.STALLED_PERIODS * WEEK  # no registration for two periods
    assert out["Etah"]["is_stalled"]
    assert not out["Agra"]["is_stalled"]


def test_a_folder_named_after_a_district_is_its_office():
    sent = "data/raw/registrations/firozabad/week-03.csv"
    assert freshness.sheet_office(sent) == "Firozabad"
    assert freshness.sheet_office("data/raw/registrations/फ़िरोज़ाबाद/x.csv") in ("Firozabad", None)
    assert freshness.sheet_office("data/raw/registrations/week-03.xlsx", "Agra") == "Agra"
    assert freshness.sheet_office("data/raw/registrations/week-03.xlsx", "Sheet1") is None
    registrations, quality = frames(*WEEKLY, rows(sent, (W3 - timedelta(days=1), "Agra", "Agra")))
    out = by_district(freshness.district_freshness(registrations, quality, PHASE, W3))
    # no date in its name: the sheet is dated by its latest row, and it is Firozabad's (and Agra's, by its row)
    assert out["Firozabad"]["latest_sheet_date"] == pd.Timestamp(W3 - timedelta(days=1))
    assert not out["Firozabad"]["is_silent"]


def test_nothing_after_the_as_of_date_counts():
    registrations, quality = frames(*WEEKLY)
    out = by_district(freshness.district_freshness(registrations, quality, PHASE, W2))
    assert out["Agra"]["latest_sheet_date"] == pd.Timestamp(W2)
    expected = registrations[(registrations["home_district"] == "Agra") & (registrations["registration_date"] <= pd.Timestamp(W2))]
    assert out["Agra"]["latest_registration_date"] == expected["registration_date"].max()


def test_no_flag_before_the_first_period_is_over_nor_long_after_the_window():
    registrations, quality = frames(*WEEKLY)
    early = freshness.district_freshness(registrations, quality, PHASE, START + timedelta(days=3))
    assert not early["is_silent"].any() and not early["is_stalled"].any()
    second_week = freshness.district_freshness(registrations, quality, PHASE, START + WEEK + timedelta(days=1))
    assert second_week["is_silent"].any() and not second_week["is_stalled"].any()  # stalls need two periods
    late = freshness.district_freshness(registrations, quality, PHASE, PHASE.window_end + 3 * WEEK)
    assert not late["is_silent"].any() and not late["is_stalled"].any()


def test_file_date_reads_the_name_only():
    assert freshness.file_date("x/2021-01-01/SYNTHETIC_phase-1_2021-12-12_week-06.csv") == date(2021, 12, 12)
    assert freshness.file_date("x/2021-01-01/week-06.csv") is None
    assert freshness.file_date("export-2021-02-30.csv") is None  # not a day


def test_period_days_must_be_positive():
    registrations, quality = frames(*WEEKLY)
    with pytest.raises(ValueError, match="period_days must be a positive whole number"):
        freshness.district_freshness(registrations, quality, PHASE, W3, period_days=0)


def test_sentences_in_english_and_hindi():
    registrations, quality = frames(*WEEKLY, extra_sheets=((f"x/SYNTHETIC_{W3.isoformat()}.xlsx", "Etah"),))
    out = freshness.district_freshness(registrations, quality, PHASE, W3)
    rows_ = by_district(out)
    english = freshness_sections.freshness_sentences(out, "en")
    assert f"No sheet from Mathura since {format_day(W2, 'en')}." in english
    assert f"No sheet from Firozabad since the phase began on {format_day(START, 'en')}." in english
    etah_latest = format_day(rows_["Etah"]["latest_registration_date"], "en")
    assert f"Etah: sheets received, but no new registration since {etah_latest}." in english
    assert english.index(f"No sheet from Mathura since {format_day(W2, 'en')}.") < len(english) - 1  # stalled last
    hindi = freshness_sections.freshness_sentences(out, "hi")
    assert len(hindi) == len(english)
    assert any(district_name("Mathura", "hi") in s and format_day(W2, "hi") in s for s in hindi)
    assert not any("Mathura" in s for s in hindi)
    assert freshness_sections.flag_label(rows_["Agra"], "en") == ""
    assert freshness_sections.flag_label(rows_["Mathura"], "en") == "no sheet in the last 7 days"
    assert "14" in freshness_sections.flag_label(rows_["Etah"], "en", period_days=7)
