"""Tests of the SYNTHETIC demo registration sheets and their generator (``helpers.demo.generator``).

The committed sheets are read back with plain pandas and checked with a small
validator written here, independent of the generator's own counters: the
calibration totals, the phase structure, the documented mess and the
deliberately bad rows.
"""

from __future__ import annotations

import argparse
import re
import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers.demo import generator as demo_data
from helpers import paths, vocabulary
from helpers.campaign import phases
from helpers.reference import tables as reference

COMMITTED_DIR = paths.REGISTRATIONS_RAW_DIR / "demo"
SYNTHETIC = "SYNTHETIC DEMO - not real registrations"
REQUIRED = ["registration_id", "registration_date", "home_district", "event_district", "trade",
            "is_woman", "is_tribal", "craft", "onboarding_status"]  # fmt: skip
YES_NO = {"yes", "no", "Y", "N", "हाँ", "नहीं"}


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


def _read_sheets(folder: Path) -> pd.DataFrame:
    frames = []
    for path in sorted(folder.glob("phase-*/*")):
        if path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            frames.append(frame.assign(source_file=path.name, source_sheet=""))
        elif path.suffix == ".xlsx":
            for sheet, frame in pd.read_excel(path, sheet_name=None, dtype=object).items():
                frame = frame.fillna("")
                frame["registration_date"] = [
                    v.strftime("%d-%m-%Y") if isinstance(v, datetime) else str(v) for v in frame["registration_date"]
                ]
                frame = frame.astype(str)
                frames.append(frame.assign(source_file=path.name, source_sheet=sheet))
    sheets = pd.concat(frames, ignore_index=True)
    sheets["phase"] = sheets["source_file"].str.extract(r"^SYNTHETIC_phase-(\d+)_", expand=False)
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
    frame["date"] = _parse_dates(frame["registration_date"])
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
    written = demo_data.write_demo_sheets(tmp_path, seed=demo_data.DEFAULT_SEED)
    new = {p.relative_to(tmp_path).as_posix(): p for p in written}
    committed = {
        p.relative_to(COMMITTED_DIR).as_posix(): p for p in COMMITTED_DIR.rglob("*") if p.is_file()
    }
    assert sorted(new) == sorted(committed), "regenerate with: gem-reports demo-data"
    for name, path in new.items():
        assert path.read_bytes() == committed[name].read_bytes(), f"{name} differs; regenerate with: gem-reports demo-data"


def test_workbook_reads_back_identically_after_regeneration(tmp_path):
    demo_data.write_demo_sheets(tmp_path)
    name = "phase-2/SYNTHETIC_phase-2_varanasi.xlsx"
    ours = pd.read_excel(tmp_path / name, sheet_name=None)
    theirs = pd.read_excel(COMMITTED_DIR / name, sheet_name=None)
    assert list(ours) == list(theirs) == ["Chandauli", "Ghazipur", "Jaunpur", "Varanasi"]
    for sheet in ours:
        pd.testing.assert_frame_equal(ours[sheet], theirs[sheet])


def test_another_seed_gives_other_rows_with_the_same_totals():
    a = demo_data.generate_phase_registrations("1", seed=1)
    b = demo_data.generate_phase_registrations("1", seed=2)
    assert not a.equals(b)
    assert a["trade"].value_counts().to_dict() == b["trade"].value_counts().to_dict() == {
        "weaver": 6865, "artisan": 4840, "other": 1596}  # fmt: skip
    pd.testing.assert_frame_equal(a, demo_data.generate_phase_registrations("1", seed=1))


def test_unknown_phase_is_refused():
    with pytest.raises(demo_data.DemoDataError, match="no settings for phase '9'"):
        demo_data.generate_phase_registrations("9", seed=1)


# ----------------------------------------------------------- calibration


def test_phase1_totals_are_exact_after_removing_duplicates_and_bad_rows(clean):
    phase1 = clean[clean["phase"] == "1"]
    counts = phase1["trade"].value_counts().to_dict()
    assert counts["artisan"] == 4840
    assert counts["weaver"] == 6865
    assert counts["other"] == 1596  # 12% of 13,301
    assert len(phase1) == 13_301


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


def test_duplicates_are_exact_copies_in_another_file(sheets):
    good = sheets[~sheets["is_bad"]]
    repeated = good[good["registration_id"].duplicated(keep=False)]
    columns = [c for c in demo_data.SHEET_COLUMNS if c != "registration_date"] + ["date"]  # workbook has date cells
    assert 0.003 < repeated["registration_id"].nunique() / good["registration_id"].nunique() < 0.007
    for _, group in repeated.groupby("registration_id"):
        assert len(group) == 2
        assert group["source_file"].nunique() == 2
        assert (group[columns].iloc[0] == group[columns].iloc[1]).all()


# ----------------------------------------------------------- structure


def test_every_row_and_file_says_synthetic(sheets):
    assert (sheets["data_origin"] == SYNTHETIC).all()
    assert all(name.startswith("SYNTHETIC_") for name in sheets["source_file"].unique())
    assert "SYNTHETIC" in (COMMITTED_DIR / "README.md").read_text(encoding="utf-8")


def test_columns_are_the_schema_and_hold_no_personal_data(sheets):
    assert list(sheets.columns[:12]) == list(demo_data.SHEET_COLUMNS)
    assert not any(re.search(r"name|phone|mobile|email|aadhaar|pan|address", c) for c in demo_data.SHEET_COLUMNS)


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


def test_phase1_files_are_one_per_event_district(clean):
    phase1 = clean[clean["phase"] == "1"]
    by_file = phase1.groupby("source_file")["event"].agg(lambda s: s.mode().iloc[0])
    expected = {f"SYNTHETIC_phase-1_{reference.slugify(d)}.csv": d for d in phases.get_phase("1").event_districts}
    assert by_file.to_dict() == expected


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
    assert 0.65 < len(sellers) / len(clean) < 0.75


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
    assert boms == ["SYNTHETIC_phase-2_lucknow.csv"]


def test_name_variants_are_aliases_of_their_district(name_lookup):
    variants = demo_data.load_district_name_variants()
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
    assert 0.50 < status["catalogue live"] + status["first order"] < 0.60
    assert 0.12 < status["first order"] < 0.18
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
    shutil.copytree(demo_data.DEMO_INPUTS_DIR, tmp_path / "demo")
    clusters = tmp_path / "demo" / demo_data.CRAFT_CLUSTERS_FILE
    clusters.write_text(clusters.read_text(encoding="utf-8") + "Xyzpur,pottery,artisan,1.0,false,,\n", encoding="utf-8")
    monkeypatch.setattr(demo_data, "DEMO_INPUTS_DIR", tmp_path / "demo")
    demo_data.load_craft_clusters.cache_clear()
    try:
        with pytest.raises(demo_data.DemoDataError, match=r"row \d+ \(Xyzpur, pottery\).*not a name_common"):
            demo_data.load_craft_clusters()
    finally:
        demo_data.load_craft_clusters.cache_clear()


# ------------------------------------------------------------ large frame


def test_large_generator_gives_valid_rows():
    frame = demo_data.generate_registrations_frame(20_000, seed=5)
    assert len(frame) == 20_000
    assert list(frame.columns) == list(demo_data.SHEET_COLUMNS)
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
    assert sellers.is_unique and 0.65 < len(sellers) / len(frame) < 0.75
    pd.testing.assert_frame_equal(frame, demo_data.generate_registrations_frame(20_000, seed=5))


def test_write_large_demo_writes_a_readable_csv(tmp_path):
    path = demo_data.write_large_demo(tmp_path / "big.csv", n_rows=1_000, seed=3)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == list(demo_data.SHEET_COLUMNS)
    assert len(back) == 1_000
    assert back["registration_date"].str.fullmatch(r"\d\d-\d\d-\d{4}").all()


# ------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gem-reports")
    demo_data.add_demo_data_command(parser.add_subparsers(dest="command"))
    return parser


def test_cli_writes_demo_sheets_and_benchmark_file(tmp_path, capsys):
    args = _parser().parse_args(["demo-data", "--out", str(tmp_path / "demo"), "--seed", "7"])
    assert args.handler(args) == 0
    assert len(list((tmp_path / "demo").rglob("SYNTHETIC_phase-*"))) == 30
    args = _parser().parse_args(["demo-data", "--out", str(tmp_path / "bench"), "--rows", "500"])
    assert args.handler(args) == 0
    written = list((tmp_path / "bench").glob("*.csv"))
    assert [p.name for p in written] == ["SYNTHETIC_benchmark_500rows_seed20211029.csv"]
    args = _parser().parse_args(["demo-data", "--rows", "0"])
    assert args.handler(args) == 2
    assert "--rows must be positive" in capsys.readouterr().out
