"""Tests of the SYNTHETIC demo registration exports and their generator (``helpers.demo``).

The committed exports are read back with plain pandas and checked with a small
validator written here, independent of the generator's own counters: the
invented totals, the weekly files, the time profile (bursts on event days, late
starts, stalls, stage lags), the phase structure, the documented mess and the
deliberately bad rows.
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers import paths, vocabulary
from helpers.cli import build_parser
from helpers.campaign import phases
from helpers.demo import calibration, generator, large, layout, sampling
from helpers.errors import DemoDataError
from helpers.reference import tables as reference

COMMITTED_DIR = paths.REGISTRATIONS_RAW_DIR / "demo"
SYNTHETIC = "SYNTHETIC DEMO - not real registrations"
REQUIRED = ["registration_id", "registration_date", "home_district", "event_district", "trade",
            "is_woman", "is_tribal", "craft", "onboarding_status"]  # fmt: skip
DATES = ["registration_date", "catalogue_live_date", "first_order_date"]
STAGES = {"registered": "registration_date", "catalogue live": "catalogue_live_date", "first order": "first_order_date"}
YES_NO = {"yes", "no", "Y", "N", "हाँ", "नहीं"}
FILE_NAME = re.compile(r"^SYNTHETIC_phase-(\d+)_(\d{4}-\d\d-\d\d)_week-(\d\d)\.(csv|xlsx)$")
#: The source's figures the demo must not reproduce (UP artisans, UP weavers, their sum, India's artisans and weavers).
SOURCE_FIGURES = {4840, 6865, 11705, 28386, 149429}


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", str(name)).strip().casefold()


@pytest.fixture(scope="module")
def name_lookup() -> dict[str, str]:
    """Every spelling in up_districts_master.csv (English, Hindi, aliases), case-folded, to the standard name."""
    districts = reference.load_districts()
    lookup = {}
    for row in districts.itertuples():
        names = [row.district, row.district_hi, row.name_lgd]
        if isinstance(row.aliases, str):
            names += [re.sub(r"\s*\(.*?\)\s*$", "", alias) for alias in row.aliases.split("|")]
        for name in names:
            lookup[_key(name)] = row.district
    return lookup


def _read_workbook(path: Path) -> list[pd.DataFrame]:
    frames = []
    for sheet, frame in pd.read_excel(path, sheet_name=None, dtype=object).items():
        frame = frame.fillna("")
        for column in DATES:
            frame[column] = [v.strftime("%d-%m-%Y") if isinstance(v, datetime) else str(v) for v in frame[column]]
        frames.append(frame.astype(str).assign(source_file=path.name, source_sheet=sheet))
    return frames


def _read_sheets(folder: Path) -> pd.DataFrame:
    frames = []
    for path in sorted(folder.glob("phase-*/*")):
        if path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            frames.append(frame.assign(source_file=path.name, source_sheet=""))
        elif path.suffix == ".xlsx":
            frames += _read_workbook(path)
    sheets = pd.concat(frames, ignore_index=True)
    sheets["source_row"] = sheets.groupby(["source_file", "source_sheet"]).cumcount()
    parts = sheets["source_file"].str.extract(FILE_NAME.pattern)
    sheets["phase"], sheets["week"] = parts[0], parts[2].astype(int)
    sheets["export_date"] = pd.to_datetime(parts[1])
    return sheets


def _parse_dates(values: pd.Series) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for date_format in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        attempt = pd.to_datetime(values, format=date_format, errors="coerce")
        parsed = parsed.fillna(attempt)
    return parsed


@pytest.fixture(scope="module")
def sheets(name_lookup) -> pd.DataFrame:
    """All committed rows, with resolved districts, parsed dates and an is_bad flag."""
    frame = _read_sheets(COMMITTED_DIR)
    frame["home"] = frame["home_district"].map(lambda v: name_lookup.get(_key(v)))
    frame["event"] = frame["event_district"].map(lambda v: name_lookup.get(_key(v)))
    for column in DATES:
        frame[column.removesuffix("_date")] = _parse_dates(frame[column])
    frame = frame.rename(columns={"registration": "date"})
    blank = (frame[REQUIRED].apply(lambda col: col.str.strip()) == "").any(axis=1)
    frame["is_bad"] = blank | frame["home"].isna() | frame["event"].isna() | frame["date"].isna()
    return frame


@pytest.fixture(scope="module")
def clean(sheets) -> pd.DataFrame:
    """Rows left after dropping the bad rows and repeated registration ids."""
    good = sheets[~sheets["is_bad"]]
    return good.drop_duplicates("registration_id", keep="first").reset_index(drop=True)


@pytest.fixture(scope="module")
def meta() -> dict:
    with (COMMITTED_DIR / "SYNTHETIC_demo.meta.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# ------------------------------------------------------------ determinism


def test_regenerating_gives_exactly_the_committed_files(tmp_path):
    written = generator.write_demo_sheets(tmp_path, seed=layout.DEFAULT_SEED)
    new = {p.relative_to(tmp_path).as_posix(): p for p in written}
    committed = {
        p.relative_to(COMMITTED_DIR).as_posix(): p for p in COMMITTED_DIR.rglob("*") if p.is_file()
    }
    assert sorted(new) == sorted(committed), "regenerate with: gem-reports demo-data"
    for name, path in new.items():
        assert path.read_bytes() == committed[name].read_bytes(), f"{name} differs; regenerate with: gem-reports demo-data"


def test_workbooks_read_back_identically_after_regeneration(tmp_path, clean):
    generator.write_demo_sheets(tmp_path)
    workbooks = sorted(p.relative_to(COMMITTED_DIR).as_posix() for p in COMMITTED_DIR.rglob("*.xlsx"))
    assert workbooks == ["phase-1/SYNTHETIC_phase-1_2021-12-26_week-08.xlsx", "phase-2/SYNTHETIC_phase-2_2023-08-28_week-04.xlsx"]
    for name in workbooks:
        ours = pd.read_excel(tmp_path / name, sheet_name=None)
        theirs = pd.read_excel(COMMITTED_DIR / name, sheet_name=None)
        assert list(ours) == list(theirs)
        for sheet in ours:
            pd.testing.assert_frame_equal(ours[sheet], theirs[sheet])
    week8 = clean[(clean["phase"] == "1") & (clean["week"] == 8)]
    assert list(pd.read_excel(COMMITTED_DIR / workbooks[0], sheet_name=None)) == sorted(week8["event"].unique())
    assert list(pd.read_excel(COMMITTED_DIR / workbooks[1], sheet_name=None)) == ["Registrations"]


def test_another_seed_gives_other_rows_with_the_same_totals():
    a = sampling.draw_phase("1", seed=1).frame
    b = sampling.draw_phase("1", seed=2).frame
    assert not a.equals(b)
    assert a["trade"].value_counts().to_dict() == b["trade"].value_counts().to_dict() == {
        "weaver": 6600, "artisan": 4400, "other": 1500}  # fmt: skip
    pd.testing.assert_frame_equal(a, sampling.draw_phase("1", seed=1).frame)


def test_unknown_phase_is_refused():
    with pytest.raises(DemoDataError, match="no settings for phase '9'"):
        sampling.draw_phase("9", seed=1)


# ----------------------------------------------------------- calibration


def test_phase_totals_are_exact_after_removing_duplicates_and_bad_rows(clean):
    assert clean.groupby("phase")["trade"].value_counts().to_dict() == {
        ("1", "weaver"): 6600, ("1", "artisan"): 4400, ("1", "other"): 1500,
        ("2", "weaver"): 2900, ("2", "artisan"): 2300, ("2", "other"): 800,
    }  # fmt: skip


def _published_figures() -> set[int]:
    """Every whole number in the reference tables (commas removed), and the source's figures."""
    figures = set(SOURCE_FIGURES)
    for path in sorted(paths.REFERENCE_DIR.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    text = cell.replace(",", "").strip()
                    if re.fullmatch(r"\d+(\.0+)?", text):
                        figures.add(int(float(text)))
    return figures


def test_no_demo_total_equals_a_published_figure(clean):
    published = _published_figures()
    assert {4840, 6865, 11705, 28386, 149429, 35624} <= published  # the check sees the tables
    totals = {len(clean)}
    totals |= set(clean.groupby("phase").size())
    totals |= set(clean.groupby("trade").size())
    totals |= set(clean.groupby(["phase", "trade"]).size())
    totals |= set(clean[clean["trade"] != "other"].groupby("phase").size())  # artisans and weavers together
    assert len(totals) >= 10
    assert not totals & published, f"demo totals equal published figures: {sorted(totals & published)}"


def test_phase2_has_6000_registrations_in_every_district(clean):
    phase2 = clean[clean["phase"] == "2"]
    assert len(phase2) == 6000
    assert phase2["event"].nunique() == 75
    assert (phase2["home"] == phase2["event"]).mean() > 0.85


def test_bad_rows_are_few_and_exactly_the_documented_ones(sheets, meta):
    bad = sheets[sheets["is_bad"]]
    documented = meta["deliberately_bad_rows"]
    assert 1 <= len(bad) <= 10
    assert sorted(bad["registration_id"]) == sorted(row["registration_id"] for row in documented)
    values = set(bad["home_district"]) | set(bad["event_district"]) | set(bad["registration_date"])
    assert {"Xyzpur", "31-02-2022", "30-02-2023"} <= values
    for row in documented:
        file_name = Path(row["file"]).name
        assert file_name in set(bad.loc[bad["registration_id"] == row["registration_id"], "source_file"])


def test_repeated_rows_are_exact_copies_at_the_top_of_the_next_weeks_export(sheets):
    good = sheets[~sheets["is_bad"]]
    repeated = good[good["registration_id"].duplicated(keep=False)]
    columns = [c for c in layout.DEMO_SHEET_COLUMNS if c not in DATES] + ["date", "catalogue_live", "first_order"]
    assert 0.003 < repeated["registration_id"].nunique() / good["registration_id"].nunique() < 0.007
    for _, group in repeated.groupby("registration_id"):
        assert len(group) == 2
        first, second = group.sort_values("week").iloc[0], group.sort_values("week").iloc[1]
        assert second["week"] == first["week"] + 1 and second["phase"] == first["phase"]
        assert (first[columns].fillna("") == second[columns].fillna("")).all()
        assert first["date"] == good.loc[good["source_file"] == first["source_file"], "date"].max()
    copies = good.duplicated("registration_id", keep="first")
    first_own_row = good[~copies].groupby(["source_file", "source_sheet"])["source_row"].min()
    for row in good[copies].itertuples():
        assert row.source_row < first_own_row[(row.source_file, row.source_sheet)]


# ----------------------------------------------------------- weekly exports


def test_one_export_per_week_of_each_phase_named_by_its_date(sheets):
    for phase_id in ("1", "2"):
        phase = phases.get_phase(phase_id)
        names = sorted(p.name for p in (COMMITTED_DIR / f"phase-{phase_id}").iterdir())
        assert all(FILE_NAME.fullmatch(name) for name in names), names
        weeks = [int(FILE_NAME.fullmatch(n).group(3)) for n in names]
        n_weeks = -(-((phase.window_end - phase.window_start).days + 1) // 7)
        assert weeks == list(range(1, n_weeks + 1))
        for name, week in zip(names, weeks):
            export_date = date.fromisoformat(FILE_NAME.fullmatch(name).group(2))
            assert export_date == min(phase.window_start + pd.Timedelta(days=7 * week - 1), phase.window_end)


def _week_of(rows: pd.DataFrame) -> pd.Series:
    """The week of its phase each row was registered in (1 = the window's first seven days)."""
    starts = rows["phase"].map({p: pd.Timestamp(phases.get_phase(p).window_start) for p in ("1", "2")})
    return (rows["date"] - starts).dt.days // 7 + 1


def test_each_export_holds_the_rows_registered_in_its_week(clean, sheets):
    assert (_week_of(clean) == clean["week"]).all()  # the first copy of each id sits in its own week's export
    assert (clean["date"] <= clean["export_date"]).all()
    repeats = sheets[~sheets["is_bad"] & sheets["registration_id"].duplicated(keep="first")]
    assert len(repeats) > 0 and (_week_of(repeats) == repeats["week"] - 1).all()


def test_every_csv_export_settles_the_day_month_order(sheets):
    """A week whose registrations all fall on days 1-12 is settled by a stage date (a reader needs one)."""
    csvs = sheets[sheets["source_file"].str.endswith(".csv")]
    cells = pd.concat([csvs[[c, "source_file"]].rename(columns={c: "cell"}) for c in DATES])
    day = cells["cell"].str.extract(r"^(\d\d)[-/]\d\d[-/]\d{4}$", expand=False).astype(float)
    settled = (day > 12).groupby(cells["source_file"]).any()
    assert settled.all(), list(settled[~settled].index)


def test_the_ingest_accounts_for_every_row_and_counts_only_the_planted_repeats(clean, sheets, meta):
    from helpers.ingest import ingest_paths

    result = ingest_paths([COMMITTED_DIR])
    totals = result.quality[["rows_in", "accepted", "rejected", "duplicates", "blank_rows_skipped"]].sum()
    assert totals["rows_in"] == len(sheets) == totals["accepted"] + totals["rejected"] + totals["duplicates"]
    assert totals["accepted"] == len(clean) and totals["blank_rows_skipped"] == 0
    assert totals["duplicates"] == sum(m["duplicate_rows"] for m in meta["mess"].values())
    assert totals["rejected"] == len(meta["deliberately_bad_rows"])
    assert result.accepted["is_synthetic"].all()
    accepted = result.accepted.set_index("registration_id")
    ours = clean.set_index("registration_id")
    for column in ("catalogue_live", "first_order"):
        assert (accepted[f"{column}_date"].notna() == ours.loc[accepted.index, column].notna()).all()


# ----------------------------------------------------------- time profile


def test_registrations_burst_in_the_weeks_of_event_days(clean, meta):
    phase1 = clean[clean["phase"] == "1"]
    for schedule in meta["district_schedules"]["1"]:
        rows = phase1[phase1["event"] == schedule["event_district"]]
        weekly = rows.groupby("week").size().reindex(range(1, 23), fill_value=0)
        event_weeks = {(pd.Timestamp(d) - pd.Timestamp("2021-11-01")).days // 7 + 1 for d in schedule["event_dates"]}
        assert max(weekly[w] for w in event_weeks) > 2 * weekly.median(), schedule["event_district"]
        on_event_days = rows["date"].isin(pd.to_datetime(schedule["event_dates"])).sum()
        assert on_event_days > 0.2 * len(rows)


def test_a_tail_follows_each_event_day(clean, meta):
    after = before = 0
    for phase_id, schedules in meta["district_schedules"].items():
        rows = clean[clean["phase"] == phase_id]
        for schedule in schedules:
            dates = rows.loc[rows["event"] == schedule["event_district"], "date"]
            for event in pd.to_datetime(schedule["event_dates"]):
                after += dates.between(event + pd.Timedelta(days=1), event + pd.Timedelta(days=7)).sum()
                before += dates.between(event - pd.Timedelta(days=7), event - pd.Timedelta(days=1)).sum()
    assert after > 2 * before


def test_some_districts_start_late_and_some_stall(clean, meta):
    schedules = meta["district_schedules"]["1"]
    late = [s for s in schedules if s["starts_late"]]
    stalled = [s for s in schedules if s["stalls"]]
    assert len(late) >= 2 and len(stalled) >= 1 and not {s["event_district"] for s in late} & {s["event_district"] for s in stalled}
    phase1 = clean[clean["phase"] == "1"]
    for schedule in schedules:
        dates = phase1.loc[phase1["event"] == schedule["event_district"], "date"]
        assert dates.min() >= pd.Timestamp(schedule["first_active_date"])
        assert dates.max() <= pd.Timestamp(schedule["last_active_date"])
    for schedule in late:
        assert pd.Timestamp(schedule["first_active_date"]) >= pd.Timestamp("2021-12-01")
    for schedule in stalled:
        assert pd.Timestamp(schedule["last_active_date"]) <= pd.Timestamp("2022-03-01")


def test_stage_dates_follow_registration_with_varying_lags(clean):
    catalogue_lag = (clean["catalogue_live"] - clean["date"]).dt.days.dropna()
    order_lag = (clean["first_order"] - clean["date"]).dt.days.dropna()
    assert (catalogue_lag >= 1).all() and ((clean["first_order"] - clean["catalogue_live"]).dt.days.dropna() >= 1).all()
    assert clean.loc[clean["first_order"].notna(), "catalogue_live"].notna().all()
    assert catalogue_lag.quantile(0.1) <= 7 and catalogue_lag.quantile(0.9) >= 21  # days to weeks
    assert order_lag.median() >= 28 and order_lag.max() >= 60  # weeks to months
    early = clean[(clean["phase"] == "1") & (clean["date"] < pd.Timestamp("2021-12-31"))]
    assert 0.2 < early["catalogue_live"].isna().mean() < 0.6  # many never go live
    assert 0.5 < early["first_order"].isna().mean() < 0.9


def test_stage_dates_end_at_the_last_status_check():
    for phase_id in ("1", "2"):
        until = pd.Timestamp(calibration.phase_settings(phase_id)["timeline"]["stages_observed_until"])
        frame = sampling.draw_phase(phase_id).frame
        assert frame["catalogue_live_date"].max() <= until and frame["first_order_date"].max() <= until


def test_status_is_the_furthest_stage_whose_date_is_set(clean):
    expected = pd.Series("registered", index=clean.index)
    expected[clean["catalogue_live"].notna()] = "catalogue live"
    expected[clean["first_order"].notna()] = "first order"
    assert (clean["onboarding_status"] == expected).all()
    assert list(STAGES) == list(vocabulary.STATUSES) and STAGES == vocabulary.STATUS_DATE_COLUMNS


# ----------------------------------------------------------- structure


def test_every_row_and_file_says_synthetic(sheets):
    assert (sheets["data_origin"] == SYNTHETIC).all()
    assert all(name.startswith("SYNTHETIC_") for name in sheets["source_file"].unique())
    assert "SYNTHETIC" in (COMMITTED_DIR / "README.md").read_text(encoding="utf-8")
    assert all(p.name.startswith("SYNTHETIC_") for p in COMMITTED_DIR.glob("phase-*/*"))


def test_columns_are_the_schema_and_hold_no_personal_data(sheets):
    assert list(sheets.columns[:14]) == list(layout.DEMO_SHEET_COLUMNS)
    assert set(layout.DEMO_SHEET_COLUMNS) == set(layout.SHEET_COLUMNS) | {"catalogue_live_date", "first_order_date"}
    assert not any(re.search(r"name|phone|mobile|email|aadhaar|pan|address", c) for c in layout.DEMO_SHEET_COLUMNS)


def test_file_sizes_stay_small():
    files = [p for p in COMMITTED_DIR.rglob("*") if p.is_file()]
    assert all(p.stat().st_size < 1_000_000 for p in files)
    assert sum(p.stat().st_size for p in files) < 3_100_000


def test_phase1_event_and_home_districts_follow_the_phase(clean):
    phase = phases.get_phase("1")
    phase1 = clean[clean["phase"] == "1"]
    assert set(phase1["event"]) == set(phase.event_districts)
    neighbours = reference.load_neighbours()
    allowed = set(zip(neighbours["district"], neighbours["neighbour"])) | {(d, d) for d in phase.event_districts}
    pairs = set(zip(phase1["event"], phase1["home"]))
    assert pairs <= allowed
    share_home = (phase1["home"] == phase1["event"]).mean()
    assert 0.65 < share_home < 0.75
    assert set(phase1["home"]) <= set(phase.participating_districts)


def test_dates_are_inside_the_phase_windows(clean):
    for phase_id in ("1", "2"):
        phase = phases.get_phase(phase_id)
        dates = clean.loc[clean["phase"] == phase_id, "date"]
        assert dates.min() >= pd.Timestamp(phase.window_start)
        assert dates.max() <= pd.Timestamp(phase.window_end)


def test_registration_and_seller_ids(clean):
    assert clean["registration_id"].str.fullmatch(r"UPGEM-P[12]-\d{6}").all()
    sellers = clean.loc[clean["gem_seller_id"] != "", "gem_seller_id"]
    assert sellers.str.fullmatch(r"GEMS-[0-9A-Z]{8}").all()
    assert sellers.is_unique
    assert 0.65 < len(sellers) / len(clean) < 0.78
    assert (clean.loc[clean["catalogue_live"].notna(), "gem_seller_id"] != "").all()


# ------------------------------------------------------------------ mess


def test_sheets_carry_the_documented_mess(sheets):
    good = sheets[~sheets["is_bad"]]
    cells = pd.concat([good["home_district"], good["event_district"]])
    for variant in ("Allahabad", "Sant Ravidas Nagar", "Noida", "Greater Noida", "Kanpur", "मिर्जापुर", "वाराणसी"):
        assert (cells == variant).any(), variant
    assert cells.str.match(r"^\s|.*\s$").any()
    hindi_share = cells.str.contains(r"[\u0900-\u097F]").mean()
    assert 0.02 < hindi_share < 0.05
    standard = set(reference.load_districts()["district"])
    assert 0.05 < (~cells.isin(standard)).mean() < 0.09
    dates = good.loc[good["source_file"].str.endswith(".csv"), "registration_date"]
    assert dates.str.fullmatch(r"\d\d-\d\d-\d{4}").mean() > 0.8
    assert dates.str.fullmatch(r"\d\d/\d\d/\d{4}").any() and dates.str.fullmatch(r"\d{4}-\d\d-\d\d").any()
    assert set(good["is_woman"]) | set(good["is_tribal"]) <= YES_NO
    boms = [p.name for p in COMMITTED_DIR.rglob("*.csv") if p.read_bytes().startswith(b"\xef\xbb\xbf")]
    assert boms == ["SYNTHETIC_phase-2_2023-08-14_week-02.csv"]


def test_name_variants_are_aliases_of_their_district(name_lookup):
    variants = calibration.load_district_name_variants()
    for row in variants.itertuples():
        assert name_lookup.get(_key(row.variant)) == row.district, row.variant


# ---------------------------------------------------------------- people


def test_women_tribal_funnel_and_gi_shares(clean):
    is_woman = clean["is_woman"].str.lower().isin(["yes", "y", "हाँ"])
    is_tribal = clean["is_tribal"].str.lower().isin(["yes", "y", "हाँ"])
    assert 0.32 < is_woman.mean() < 0.40
    by_craft = is_woman.groupby(clean["craft"]).mean()
    assert by_craft["chikankari"] > 0.7 and by_craft["metal craft"] < 0.2 and 0.25 < by_craft["carpet weaving"] < 0.45
    assert 0.01 < is_tribal.mean() < 0.03
    by_home = is_tribal.groupby(clean["home"]).mean()
    assert by_home["Sonbhadra"] > 0.2 and by_home["Sonbhadra"] > 5 * is_tribal.mean()
    other = clean["trade"] == "other"
    assert (is_woman | is_tribal)[other].all()
    status = clean["onboarding_status"].value_counts(normalize=True)
    assert 0.45 < status["catalogue live"] + status["first order"] < 0.65
    assert 0.10 < status["first order"] < 0.22
    gi = reference.load_gi_products()
    pairs = set(zip(gi["gi_name"], gi["district"]))
    with_gi = clean[clean["gi_product"] != ""]
    assert len(with_gi) > 1000
    assert set(zip(with_gi["gi_product"], with_gi["home"])) <= pairs


def test_craft_clusters_put_the_clusters_where_they_are(clean):
    top = clean.groupby("craft")["home"].agg(lambda s: s.mode().iloc[0])
    assert top["chikankari"] == "Lucknow"
    assert top["metal craft"] == "Moradabad"
    assert top["carpet weaving"] == "Bhadohi"
    assert top["banarasi silk weaving"] == "Varanasi"


def test_bad_calibration_input_names_the_row(tmp_path, monkeypatch):
    shutil.copytree(calibration.DEMO_INPUTS_DIR, tmp_path / "demo")
    clusters = tmp_path / "demo" / calibration.CRAFT_CLUSTERS_FILE
    clusters.write_text(clusters.read_text(encoding="utf-8") + "Xyzpur,pottery,artisan,1.0,false,,\n", encoding="utf-8")
    monkeypatch.setattr(calibration, "DEMO_INPUTS_DIR", tmp_path / "demo")
    calibration.load_craft_clusters.cache_clear()
    try:
        with pytest.raises(DemoDataError, match=r"row \d+ \(Xyzpur, pottery\).*not a name_common"):
            calibration.load_craft_clusters()
    finally:
        calibration.load_craft_clusters.cache_clear()


def test_a_missing_trade_total_names_the_phase(monkeypatch):
    params = calibration.load_demo_parameters()
    broken = {**params, "phases": {**params["phases"], "1": {**params["phases"]["1"], "registrations_count_by_trade": {"artisan": 1}}}}
    monkeypatch.setattr(calibration, "load_demo_parameters", lambda: broken)
    with pytest.raises(DemoDataError, match=r"phase '1': registrations_count_by_trade.weaver must be a whole number"):
        calibration.phase_trade_counts("1")


# ------------------------------------------------------------ large frame


def test_large_generator_gives_valid_rows():
    frame = large.generate_registrations_frame(20_000, seed=5)
    assert len(frame) == 20_000
    assert list(frame.columns) == list(large.SHEET_COLUMNS)
    assert frame["registration_id"].is_unique
    assert frame["registration_id"].iloc[-1] == "UPGEM-B-0020000"
    standard = set(reference.load_districts()["district"])
    assert set(frame["home_district"]) <= standard and set(frame["event_district"]) <= standard
    assert set(frame["trade"]) == set(vocabulary.TRADES)
    assert set(frame["onboarding_status"]) == set(vocabulary.STATUSES)
    assert set(frame["is_woman"]) == set(frame["is_tribal"]) == {"yes", "no"}
    assert (frame["data_origin"] == SYNTHETIC).all()
    in_a_window = pd.Series(False, index=frame.index)
    for phase in phases.load_phases().values():
        in_a_window |= frame["registration_date"].between(pd.Timestamp(phase.window_start), pd.Timestamp(phase.window_end))
    assert in_a_window.all()
    sellers = frame.loc[frame["gem_seller_id"] != "", "gem_seller_id"]
    assert sellers.is_unique and 0.65 < len(sellers) / len(frame) < 0.78
    pd.testing.assert_frame_equal(frame, large.generate_registrations_frame(20_000, seed=5))


def test_write_large_demo_writes_a_readable_csv(tmp_path):
    path = large.write_large_demo(tmp_path / "big.csv", n_rows=1_000, seed=3)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == list(large.SHEET_COLUMNS)
    assert len(back) == 1_000
    assert back["registration_date"].str.fullmatch(r"\d\d-\d\d-\d{4}").all()


# ------------------------------------------------------------------- CLI


def _run(*argv: str) -> int:
    """Parse with the ``gem-reports`` parser and call the demo-data handler it names."""
    args = build_parser().parse_args(["demo-data", *argv])
    assert args.handler == "helpers.demo.generator:run_demo_data_command"
    return generator.run_demo_data_command(args)


def test_cli_writes_demo_sheets_and_benchmark_file(tmp_path, capsys):
    assert _run("--out", str(tmp_path / "demo"), "--seed", "7") == 0
    committed = sorted(p.name for p in COMMITTED_DIR.glob("phase-*/SYNTHETIC_phase-*"))
    assert len(list((tmp_path / "demo").rglob("SYNTHETIC_phase-*"))) == len(committed) == 27
    assert _run("--out", str(tmp_path / "bench"), "--rows", "500") == 0
    written = list((tmp_path / "bench").glob("*.csv"))
    assert [p.name for p in written] == ["SYNTHETIC_benchmark_500rows_seed20211029.csv"]
    assert build_parser().parse_args(["demo-data"]).seed == layout.DEFAULT_SEED
    with pytest.raises(DemoDataError, match="--rows must be positive"):
        _run("--rows", "0")
