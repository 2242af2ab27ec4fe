"""The reference tables: provenance recorded, sums equal to the published totals, structure intact."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from helpers import paths
from helpers.reference import tables as reference

REQUIRED_PROVENANCE_KEYS = {"title", "source", "published", "accessed", "licence", "checked", "caveats"}


def read_rows(name: str) -> list[dict[str, str]]:
    with (paths.REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("path", sorted(paths.REFERENCE_DIR.glob("*.csv")), ids=lambda p: p.name)
def test_every_reference_file_has_a_provenance_sidecar(path: Path) -> None:
    sidecar = path.with_name(path.name + ".meta.yaml")
    assert sidecar.exists(), f"{path.name} has no provenance sidecar {sidecar.name}"
    meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    missing = REQUIRED_PROVENANCE_KEYS - set(meta)
    assert not missing, f"{sidecar.name} lacks {sorted(missing)}"
    assert str(meta["source"]).strip(), f"{sidecar.name}: empty source"


def test_census_districts_sum_to_the_up_total_in_the_population_file() -> None:
    districts_total = sum(int(r["population"]) for r in read_rows("census2011_up_districts.csv"))
    population = {r["geography"]: int(r["population_2011"]) for r in read_rows("population_census2011.csv")}
    assert districts_total == population["Uttar Pradesh"] == 199_812_341
    assert population["India"] == 1_210_854_977


def test_household_industry_workers_total() -> None:
    assert sum(int(r["household_industry_workers"]) for r in read_rows("census2011_up_districts.csv")) == 3_898_590


def test_state_tables_sum_to_published_totals() -> None:
    feb = read_rows("gem_artisans_weavers_statewise_2022-02-09.csv")
    assert sum(int(r["count_of_seller_state"]) for r in feb) == 22_880
    assert sum(int(r["registered_artisans_and_weavers"] or 0) for r in feb) == 177_825
    up = next(r for r in feb if r["state"] == "UTTAR PRADESH")
    assert int(up["registered_artisans_and_weavers"]) == 4_840 + 6_865
    apr = read_rows("gem_weavers_onboarded_statewise_2022-04-06.csv")
    assert sum(int(r["weavers_handloom_agencies_onboarded"]) for r in apr) + 6_252 == 149_429


def test_base_tables_sum_to_published_totals() -> None:
    handloom = read_rows("handloom_census_2019-20_statewise.csv")
    assert sum(int(r["handloom_weavers"]) for r in handloom) == 2_673_891
    assert sum(int(r["total_handloom_workers"]) for r in handloom) == 3_522_512
    pahchan = read_rows("pahchan_artisans_statewise_2021-08-05.csv")
    assert sum(int(r["handicraft_artisans_enrolled_pahchan"]) for r in pahchan) == 2_678_992


def test_source_snapshot_has_the_seed_figures() -> None:
    rows = {(r["snapshot_date"], r["geography"], r["measure"]): int(r["registrations_count"])
            for r in read_rows("gem_registrations_snapshots.csv")}
    assert rows[("2021-10-29", "India", "artisans")] == 28_386
    assert rows[("2021-10-29", "India", "weavers")] == 149_429
    assert rows[("2021-10-29", "Uttar Pradesh", "artisans")] == 4_840
    assert rows[("2021-10-29", "Uttar Pradesh", "weavers")] == 6_865
    assert rows[("2023-02-01", "India", "artisans")] == 26_644


def test_districts_master_has_75_districts_and_12_source_event_districts() -> None:
    districts = reference.load_districts()
    assert len(districts) == 75
    assert districts["district"].is_unique and districts["slug"].is_unique
    assert int(districts["seed_gem_event_district"].sum()) == 12
    assert sorted(districts.loc[districts["is_created_after_2011"], "district"]) == ["Amethi", "Hapur", "Sambhal", "Shamli"]


def test_every_census_district_matches_one_current_district() -> None:
    codes = {int(r["census2011_code"]) for r in read_rows("census2011_up_districts.csv")}
    master_codes = {int(c) for c in reference.load_districts()["census2011_code"].dropna()}
    assert codes == master_codes


def test_neighbours_are_symmetric_and_cover_all_districts() -> None:
    pairs = {(r["district"], n) for r in read_rows("up_district_centroids_adjacency.csv")
             for n in r["neighbours_in_UP"].split(";") if n}
    assert all((b, a) in pairs for a, b in pairs)
    assert len(pairs) // 2 == 185
    names = set(reference.load_districts()["district"])
    assert {a for a, _ in pairs} <= names and len(read_rows("up_district_centroids_adjacency.csv")) == 75


def test_gi_status_follows_the_verification_and_every_row_keeps_its_source() -> None:
    gi_rows = read_rows("up_gi_products.csv")
    assert len(gi_rows) == 64
    for row in gi_rows:
        verified = row["verification_status"].startswith("verified")
        assert (row["gi_status"] == "registered") == verified, row["gi_name"]
        if row["gi_status"] == "applied":
            assert "application" in row["verification_status"] or row["gi_name"] in {"Kanpur Saddlery", "Moradabad Metal Craft"}
        assert row["evidence"].strip()
        assert row["source_url"].startswith("http") or row["gi_status"] == "unverified", row["gi_name"]
    statuses = {r["gi_name"]: r["gi_status"] for r in gi_rows}
    for name in ("Firozabad Glass", "Kannauj Perfume", "Kanpur Saddlery", "Saharanpur Wood Craft", "Moradabad Metal Craft"):
        assert statuses[name] == "applied", name
    assert statuses["Agra Durrie"] == statuses["Farrukhabad Prints"] == "unverified"
    gi = reference.load_gi_products()
    assert set(gi["district"]) <= set(reference.load_districts()["district"])
    assert set(gi.loc[gi["gi_name"] == "Baghpat Home Furnishings", "district"]) == {"Baghpat", "Meerut"}


def test_no_reference_or_message_text_says_memory() -> None:
    from helpers.presentation import i18n

    for path in paths.RAW_DIR.rglob("*"):
        if path.is_file() and path.suffix in {".csv", ".yaml"}:
            assert "memory" not in path.read_text(encoding="utf-8").casefold(), path
    for lang in ("en", "hi"):
        assert not [k for k, v in i18n.load_catalogue(lang).items() if "memory" in v.casefold()]


def test_odop_has_one_product_per_district_and_every_craft_group_exists() -> None:
    odop = reference.load_odop_products()
    assert sorted(odop["district"]) == sorted(reference.load_districts()["district"])
    counts = odop["verification_status"].value_counts()
    assert (counts["verified"], counts["unverified"], counts["partly_verified"] + counts["conflict"]) == (46, 25, 4)
    groups = {g for cell in odop["odop_product_group"] for g in cell.split(";")}
    synonyms = read_rows("odop_craft_synonyms.csv")
    assert {r["odop_product_group"] for r in synonyms} <= groups
    assert {r["lang"] for r in synonyms} == {"en", "hi"}


def test_household_industry_workers_of_up_equal_the_district_sum() -> None:
    totals = {r["geography"]: int(r["household_industry_workers_2011"])
              for r in read_rows("census2011_household_industry_workers.csv")}
    assert totals["Uttar Pradesh"] == sum(int(r["household_industry_workers"]) for r in read_rows("census2011_up_districts.csv"))
    assert round(totals["Uttar Pradesh"] / totals["India"] * 100, 2) == 21.26


def test_every_sidecar_records_the_sha256_and_rows_of_its_file() -> None:
    import sidecars

    assert len(sidecars.sidecars()) >= 25
    assert sidecars.problems() == []


def test_a_changed_data_file_fails_the_sidecar_check(tmp_path: Path) -> None:
    import sidecars

    data = tmp_path / "table.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "table.csv.meta.yaml").write_text("title: t\n", encoding="utf-8")
    assert sidecars.update(tmp_path) and sidecars.problems(tmp_path) == []
    assert sidecars.recorded(tmp_path / "table.csv.meta.yaml")["rows"] == "1"
    data.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    stale = sidecars.problems(tmp_path)
    assert len(stale) == 2 and "sha256" in stale[0] and "--update" in stale[0]


@pytest.mark.parametrize("spelling", ["सम्भल", "संभल", "सुलतानपुर", "सुल्तानपुर", "महाराजगंज", "महराजगंज", "बदायूँ", "बदायूं"])
def test_variant_hindi_spellings_of_district_names_are_accepted(spelling: str) -> None:
    from helpers.reference.districts import get_resolver

    expected = {"सम्भल": "Sambhal", "संभल": "Sambhal", "सुलतानपुर": "Sultanpur", "सुल्तानपुर": "Sultanpur",
                "महाराजगंज": "Maharajganj", "महराजगंज": "Maharajganj", "बदायूँ": "Budaun", "बदायूं": "Budaun"}
    assert get_resolver().resolve(spelling).district == expected[spelling]
