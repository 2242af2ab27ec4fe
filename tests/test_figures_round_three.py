"""Issue 22: crafts-only GI tables, rates over one area, small counts in workbooks, labels, revisions in words.

Each expectation is recomputed from the reference files or from records written here.
"""

from __future__ import annotations

import csv
import json
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import paths
from helpers.analysis import comparison, metrics, privacy, products
from helpers.campaign.phases import get_phase, load_phases
from helpers.report_files import brief_files
from helpers.reference import tables as reference


def _rows(name: str) -> list[dict[str, str]]:
    with (paths.REFERENCE_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _registrations(rows: list[tuple[str, str, str | None]], day: str) -> pd.DataFrame:
    """Registrations from (home district, event district, gi_product) on one day."""
    columns = ["home_district", "event_district", "trade", "is_woman", "is_tribal", "onboarding_status", "gi_product",
               "registration_date", "registration_id"]
    return pd.DataFrame([
        {"home_district": h, "event_district": e, "trade": "artisan", "is_woman": i % 2 == 0, "is_tribal": False,
         "onboarding_status": "registered", "gi_product": g, "registration_date": pd.Timestamp(day),
         "registration_id": f"T-{i}"}
        for i, (h, e, g) in enumerate(rows)
    ], columns=columns)


# ------------------------------------------------------------------ GI: crafts only


def test_every_gi_category_is_mapped_to_craft_or_not_in_the_mapping_file() -> None:
    crafts = {r["category"]: r["is_craft"] == "1" for r in _rows("gi_category_crafts.csv")}
    assert {r["category"] for r in _rows("up_gi_products.csv")} <= set(crafts)
    for category, is_craft in crafts.items():
        assert is_craft == category.lower().startswith(("handicraft", "handloom", "textile")), category


@pytest.mark.parametrize("phase_id", ["1", "2"])
def test_gi_tables_hold_only_crafts_and_the_left_out_line_counts_the_rest(phase_id) -> None:
    phase = get_phase(phase_id)
    crafts = {r["category"]: r["is_craft"] == "1" for r in _rows("gi_category_crafts.csv")}
    kinds = {r["category"]: r["goods_kind"] for r in _rows("gi_category_crafts.csv")}
    participating = set(phase.participating_districts)
    expected_crafts, expected_left = set(), {}
    for row in _rows("up_gi_products.csv"):
        for district in (d.strip() for d in row["districts"].split(";")):
            if district not in participating:
                continue
            if crafts[row["category"]]:
                expected_crafts.add((row["gi_name"], district, row["verification_status"]))
            else:
                expected_left[kinds[row["category"]]] = expected_left.get(kinds[row["category"]], 0) + 1
    gi = products.gi_coverage(_registrations([], phase.window_start.isoformat()), phase)
    assert set(zip(gi["gi_name"], gi["district"], gi["verification_status"])) == expected_crafts
    assert gi["category"].notna().all() and gi["category_hi"].notna().all()
    left = products.gi_left_out(phase).set_index("goods_kind")["rows_count"].to_dict()
    assert left == expected_left and "craft" not in left
    from helpers.presentation import reference_sections

    line = reference_sections.gi_left_out_text(products.gi_left_out(phase), "en")
    assert f"{sum(expected_left.values())} GI entries" in line and "not crafts" in line
    assert "Kalanamak Rice" not in set(gi["gi_name"]) and "Banarasi Paan" not in set(gi["gi_name"])


def test_an_unmapped_gi_category_fails_naming_the_mapping_file(monkeypatch, tmp_path) -> None:
    import shutil

    from helpers.errors import ReferenceDataError

    for path in paths.REFERENCE_DIR.iterdir():
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "up_gi_products.csv").read_text(encoding="utf-8").replace(",Food stuff,", ",Confectionery,", 1)
    (tmp_path / "up_gi_products.csv").write_text(text, encoding="utf-8")
    monkeypatch.setattr(paths, "REFERENCE_DIR", tmp_path)
    reference.load_gi_products.cache_clear()
    reference.load_gi_category_crafts.cache_clear()
    try:
        with pytest.raises(ReferenceDataError, match="gi_category_crafts.csv"):
            reference.load_gi_products()
    finally:
        reference.load_gi_products.cache_clear()
        reference.load_gi_category_crafts.cache_clear()


# ------------------------------------------------------------------ rates over one area


def _census() -> dict[str, dict[str, int]]:
    return {r["census2011_name"]: {"population": int(r["population"]), "hhw": int(r["household_industry_workers"])}
            for r in _rows("census2011_up_districts.csv")}


def test_pooled_rate_over_every_district_is_all_registrations_over_the_up_total() -> None:
    phase = get_phase("2")
    homes = ["Hapur", "Sambhal", "Shamli", "Amethi", "Agra", "Varanasi", "Varanasi"]
    regs = _registrations([(h, h, None) for h in homes], "2023-08-05")
    coverage = metrics.district_coverage(metrics.phase_registrations(regs, phase), phase)
    census = _census()
    population = sum(c["population"] for c in census.values())
    workers = sum(c["hhw"] for c in census.values())
    pooled = metrics.pooled_rates(coverage, coverage["district"])
    assert pooled["registrations_per_lakh_population"] == pytest.approx(len(homes) / population * 1e5)
    assert pooled["registrations_per_1000_hh_industry_workers"] == pytest.approx(len(homes) / workers * 1e3)
    row = comparison.phase_row(regs, phase, "2023-08-31")
    assert row["registrations_per_1000_hh_industry_workers"] == pytest.approx(len(homes) / workers * 1e3)


def test_a_district_created_after_2011_counts_with_its_parents_base() -> None:
    phase = get_phase("2")
    regs = _registrations([("Hapur", "Hapur", None), ("Hapur", "Hapur", None), ("Ghaziabad", "Ghaziabad", None)],
                          "2023-08-05")
    coverage = metrics.district_coverage(metrics.phase_registrations(regs, phase), phase).set_index("district")
    ghaziabad = _census()["Ghaziabad"]
    for district in ("Hapur", "Ghaziabad"):
        assert coverage.loc[district, "registrations_per_lakh_population"] == pytest.approx(3 / ghaziabad["population"] * 1e5)
        assert pd.isna(coverage.loc[district, "rank_per_1000_hh_workers"])  # a shared area is not ranked
    scope = metrics.rank_scope(coverage.reset_index())
    shared = {d for d in coverage.index if " + " in coverage.loc[d, "census_area"]}
    assert set(scope["shared_area"]) == shared and not shared & set(scope["ranked"])
    assert len(scope["ranked"]) + len(scope["shared_area"]) == 75


def test_the_district_brief_gives_the_up_rate_over_all_registrations_and_says_who_is_ranked() -> None:
    from helpers.presentation import briefs

    phase = get_phase("2")
    regs = _registrations([("Hapur", "Hapur", None)] * 3 + [("Agra", "Agra", None)] * 6, "2023-08-05")
    coverage = metrics.district_coverage(metrics.phase_registrations(regs, phase), phase)
    population = sum(c["population"] for c in _census().values())
    html = briefs.district_section(coverage, "Agra", "en", 5, is_illustrative=True)
    assert f"{9 / population * 1e5:.1f}" in html  # UP (all districts): every registration over UP's population
    ranked = len(metrics.rank_scope(coverage)["ranked"])
    assert f"of the {ranked} participating districts whose area is the same as in Census 2011" in html
    note = briefs.rank_scope_text(coverage, "en")
    assert str(ranked) in note and "Hapur" in note and "not ranked" in note


# ------------------------------------------------------------------ small counts in workbooks


def test_every_workbook_sheet_shows_small_breakdown_counts_and_their_shares_as_a_marker(tmp_path) -> None:
    coverage = pd.DataFrame({"district": ["Agra", "Mau"], "registrations_count": [3, 40], "women_count": [2, 12],
                             "women_share_pct": [66.7, 30.0], "tribal_count": [0, 4], "first_order_count": [1, 5]})
    gi = pd.DataFrame({"gi_name": ["x"], "district": ["Agra"], "sellers_count": [3]})
    path = brief_files.write_workbook(tmp_path / "tables.xlsx", [("Coverage", coverage), ("GI", gi)], lang="en", title="t",
                                      as_of=date(2021, 12, 31), sources=["s"], synthetic_notice=None,
                                      small_count_threshold=5)
    book = load_workbook(path)
    for name, frame in (("Coverage", coverage), ("GI", gi)):
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        for column in frame.columns:
            if column not in privacy.BREAKDOWN_COUNTS and column not in privacy.BREAKDOWN_SHARES:
                continue
            count_column = privacy.BREAKDOWN_SHARES.get(column, column)
            position = _registered(frame).index(column)  # the workbook keeps the registry's columns in order
            assert headers[position] == _header(column)
            cells = [row[position].value for row in sheet.iter_rows(min_row=2)]
            for cell, count, value in zip(cells, frame[count_column], frame[column]):
                assert cell == ("<5" if 1 <= count < 5 else value), (name, column, cell)


def _registered(frame: pd.DataFrame) -> list[str]:
    from helpers import fields as registry

    return [c for c in frame.columns if c in set(registry.load_columns().index)]


def _header(column: str) -> str:
    from helpers import fields as registry

    return registry.label(column, "en")


def test_summary_json_carries_the_target_basis(tmp_path) -> None:
    path = brief_files.write_summary(tmp_path / "summary.json", as_of=date(2021, 12, 31), as_of_is_latest=True,
                                     headline_figures=[("a", "1"), ("b", "2"), ("c", "3")], headline_change="x",
                                     is_synthetic=True, target_basis="illustrative", is_illustrative_phase=False)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["target_basis"] == "illustrative" and document["is_illustrative_phase"] is False


# ------------------------------------------------------------------ revisions in words


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_a_revision_is_one_line_in_words_with_the_pages_rounding_and_the_difference(lang) -> None:
    from helpers import fields as registry
    from helpers.presentation import progress_sections

    found = pd.DataFrame([
        {"as_of_date": "2021-12-10", "report": "r", "district": "", "figure": "phase_achievement_pct",
         "published_value": "29.04", "current_value": "28.51", "first_recorded_at": "2021-12-11T05:00:00+00:00"},
        {"as_of_date": "2021-12-10", "report": "r", "district": "Varanasi", "figure": "registrations_count",
         "published_value": "120", "current_value": "118", "first_recorded_at": "2021-12-11T05:00:00+00:00"},
        {"as_of_date": "2021-12-10", "report": "r", "district": "", "figure": "first_order_pct",
         "published_value": "2.39441303625", "current_value": "2.36297998031",
         "first_recorded_at": "2021-12-11T05:00:00+00:00"},
    ])
    html = progress_sections.revisions_section(found, lang)
    assert html.count("<li>") == len(found)
    assert "achievement_pct" not in html and "2.39441303625" not in html and "—)" not in html
    assert registry.label("achievement_pct", lang) in html and registry.label("registrations_count", lang) in html
    places = registry.decimals("achievement_pct")
    assert f"{29.04:.{places}f}%" in html and f"{28.51:.{places}f}%" in html
    assert f"−{29.04 - 28.51:.{places}f}" in html  # the difference, in points
    assert "−2" in html  # 120 -> 118
    assert {"en": "the phase", "hi": "पूरा चरण"}[lang] in html
    assert {"en": "Varanasi", "hi": "वाराणसी"}[lang] in html
