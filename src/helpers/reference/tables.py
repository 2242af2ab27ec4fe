"""Loading the public reference tables in ``data/raw/reference/``.

Each loader reads one file, checks it against the pandera schema that
``schemas.yaml`` declares for it and returns a tidy DataFrame with unit-bearing column names. Figures are never
typed into code: if a number is needed, it is in one of these files, and each
file has a ``.meta.yaml`` sidecar saying where it comes from.

What does not belong here: registration records (``ingest``), campaign phases
(``phases``), and anything computed from the tables (``metrics``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from helpers.errors import ReferenceDataError
from helpers import paths, vocabulary
from helpers.reference.names import DISTRICTS_FILE, NEIGHBOURS_FILE, neighbour_pairs, slugify

UP = "Uttar Pradesh"
INDIA = "India"
#: pandera's type of each type name of ``schemas.yaml``.
_TYPES = {"int": int, "Int64": "Int64", "float": float, "str": str, "datetime": pa.DateTime}
_CHECKS = ("isin", "ge", "gt", "in_range")


@lru_cache(maxsize=1)
def _declarations() -> dict:
    return yaml.safe_load(Path(__file__).with_name("schemas.yaml").read_text(encoding="utf-8"))


def _allowed(values: list | str) -> list | tuple:
    """An ``isin`` as written, or a named set: one of ``schemas.yaml``'s ``values`` (a tuple), else ``vocabulary``'s."""
    if not isinstance(values, str):
        return values
    named = _declarations()["values"]
    return tuple(named[values]) if values in named else list(getattr(vocabulary, values))


def _column(rule: str | dict) -> pa.Column:
    """A column of ``schemas.yaml`` (a type name, or ``type`` with its checks) as a pandera column."""
    rule = {"type": rule} if isinstance(rule, str) else rule
    unknown = sorted(set(rule) - {"type", "unique", "nullable", *_CHECKS})
    if unknown:
        raise ReferenceDataError(f"schemas.yaml: unknown column rule(s) {unknown}; use type, unique, nullable, {_CHECKS}")
    checks = [
        getattr(pa.Check, name)(*(value if name == "in_range" else [_allowed(value) if name == "isin" else value]))
        for name, value in rule.items() if name in _CHECKS
    ]
    return pa.Column(_TYPES[rule["type"]], checks or None, unique=rule.get("unique", False),
                     nullable=rule.get("nullable", False))


def declared_schema(name: str, *checks: pa.Check) -> pa.DataFrameSchema:
    """The pandera schema ``schemas.yaml`` declares for reference file ``name``, with any further frame ``checks``."""
    spec = _declarations()[name]
    if "rows" in spec:
        count, error = spec["rows"]
        checks += (pa.Check(lambda df: len(df) == count, error=error),)
    return pa.DataFrameSchema(
        {column: _column(rule) for column, rule in spec["columns"].items()},
        strict=spec.get("strict", True), unique=spec.get("unique"), checks=list(checks) or None,
    )


def _read_csv(name: str, schema: pa.DataFrameSchema | None = None) -> pd.DataFrame:
    """Reference file ``name`` read as ``schemas.yaml`` says, checked against ``schema`` (default: the declared one),
    its columns renamed as declared."""
    path = paths.REFERENCE_DIR / name
    if not path.exists():
        raise ReferenceDataError(
            f"{path}: reference file missing; restore it from git (git checkout -- {path.relative_to(paths.ROOT)})"
        )
    schema = declared_schema(name) if schema is None else schema
    spec = _declarations().get(name, {})
    frame = pd.read_csv(path, **spec.get("read", {}))
    try:
        return schema.validate(frame, lazy=True).rename(columns=spec.get("rename", {}))
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as error:
        raise ReferenceDataError(f"{path}: does not match its schema: {error}") from None


@lru_cache(maxsize=None)
def load_table(name: str) -> pd.DataFrame:
    """Reference file ``name`` as ``schemas.yaml`` declares it, read once per process; a state-wise table
    (``STATE_TABLES``) with its states' standard names (``harmonise_states``)."""
    frame = _read_csv(name)
    return harmonise_states(frame, name) if name in STATE_TABLES else frame


def provenance(name: str) -> dict:
    """Return the provenance sidecar (``<name>.meta.yaml``) of a reference file."""
    meta = paths.REFERENCE_DIR / f"{name}.meta.yaml"
    with meta.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# ---------------------------------------------------------------- districts

@lru_cache(maxsize=1)
def load_districts() -> pd.DataFrame:
    """The 75 districts of UP, one row each, keyed by ``district`` (common English name).

    Columns include ``district``, ``district_hi``, ``lgd_district_code``,
    ``census2011_code`` (missing for the four districts created after 2011),
    ``division``, ``aliases`` and ``slug`` (lower-case, hyphenated, for file names).
    """
    frame = _read_csv(DISTRICTS_FILE)
    frame["slug"] = frame["district"].map(slugify)
    frame["is_created_after_2011"] = frame["census2011_code"].isna()
    return frame.sort_values("district").reset_index(drop=True)


# ------------------------------------------------------------ census 2011

#: Census 2011 figures of UP's 71 districts of 2011, keyed by ``census2011_code``; population and
#: household-industry workers renamed to ``population_2011`` and ``household_industry_workers_2011``.
CENSUS_FILE = "census2011_up_districts.csv"


def district_base(districts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per district: Census 2011 population and household-industry workers, or the reason there are none.

    Districts created after 2011 (Amethi, Hapur, Sambhal, Shamli) get missing
    values and ``base_missing_reason`` naming the district(s) they were carved from.
    """
    districts = load_districts() if districts is None else districts
    census = load_table(CENSUS_FILE)[
        ["census2011_code", "population_2011", "household_industry_workers_2011", "st_population_2011"]
    ]
    merged = districts[["district", "census2011_code", "carved_from"]].merge(
        census, on="census2011_code", how="left", validate="many_to_one"
    )
    merged["base_missing_reason"] = None
    missing = merged["population_2011"].isna()
    merged.loc[missing, "base_missing_reason"] = (
        "created after Census 2011 (carved from " + merged.loc[missing, "carved_from"].fillna("?") + ")"
    )
    return merged.drop(columns=["carved_from"])


# ------------------------------------------------------------- neighbours

def load_centroids() -> pd.DataFrame:
    """District centroids (``centroid_lat``, ``centroid_lon``) and boundary code, one row per district."""
    return load_table(NEIGHBOURS_FILE)


def load_neighbours() -> pd.DataFrame:
    """Neighbour pairs (``district``, ``neighbour``) of districts sharing a border, both directions.

    The file is checked against its schema first (``load_centroids``); the pairs are
    ``names.neighbour_pairs``, the one reading of the ``neighbours_in_UP`` column.
    """
    load_centroids()
    return pd.DataFrame(list(neighbour_pairs()), columns=["district", "neighbour"])


# ------------------------------------------------------------------- ODOP

ODOP_FILE = "up_odop_products.csv"
#: Craft names (English and Hindi, ``lang``) and the ODOP product group each one is.
ODOP_SYNONYMS_FILE = "odop_craft_synonyms.csv"


def load_odop_products() -> pd.DataFrame:
    """One District One Product: each of the 75 districts' product, with its evidence.

    Columns ``district, product, product_hi, odop_product_group,
    verification_status, verification_note, source_url, later_additions``.
    ``odop_product_group`` holds one or more ';'-separated groups (the kit's own
    keys, e.g. ``zari_zardozi``) that registrations' crafts are matched to.
    """
    return load_table(ODOP_FILE)


# ------------------------------------------------------ GeM registrations

#: Dated national and UP counts of GeM-registered artisans and weavers, with source and evidence;
#: ``date_precision`` is "day", or "month" where the source gives only the month (the date is then its 1st).
SNAPSHOTS_FILE = "gem_registrations_snapshots.csv"
STATE_TABLE_2022_02_09 = "gem_artisans_weavers_statewise_2022-02-09.csv"
STATE_WEAVERS_2022_04_06 = "gem_weavers_onboarded_statewise_2022-04-06.csv"
STATE_ALIASES_FILE = "state_name_aliases.csv"


def _state_key(name: str) -> str:
    return re.sub(r"\s+", " ", str(name)).strip().casefold()


def harmonise_states(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Replace the state names of ``frame`` by their standard names; fail on a name not in the alias file."""
    table = load_table(STATE_ALIASES_FILE)  # every state spelling used by a source -> the standard name
    aliases = {_state_key(k): v for k, v in zip(table["name_in_source"], table["state"])}
    keys = frame["state"].map(_state_key)
    unknown = sorted(set(frame.loc[~keys.isin(aliases), "state"]))
    if unknown:
        raise ReferenceDataError(
            f"{source}: state name(s) {unknown} not in {STATE_ALIASES_FILE}; add a row mapping each to its standard name"
        )
    return frame.assign(state=keys.map(aliases))


@lru_cache(maxsize=1)
def load_state_registrations() -> pd.DataFrame:
    """State tables of GeM registrations in long form: ``snapshot_date, state, measure, registrations_count``.

    - 2022-02-09 (Lok Sabha): registered artisans and weavers together, per state
      (measure ``artisans_and_weavers``); blank cells are states with none reported.
    - 2022-04-06 (Lok Sabha): weavers and handloom agencies onboarded, per state
      (measure ``weavers_onboarded``).
    """
    feb = load_table(STATE_TABLE_2022_02_09)
    feb = feb.groupby("state", as_index=False)["registered_artisans_and_weavers"].sum(min_count=1)
    feb = feb.dropna(subset=["registered_artisans_and_weavers"])
    feb = _state_counts(feb, "2022-02-09", "artisans_and_weavers", "registered_artisans_and_weavers",
                        STATE_TABLE_2022_02_09)
    apr = load_table(STATE_WEAVERS_2022_04_06)
    apr = _state_counts(apr, "2022-04-06", "weavers_onboarded", "weavers_handloom_agencies_onboarded",
                        STATE_WEAVERS_2022_04_06)
    return pd.concat([feb, apr], ignore_index=True)


def _state_counts(frame: pd.DataFrame, date: str, measure: str, column: str, source_file: str) -> pd.DataFrame:
    """One state table's ``column`` in the long form of ``load_state_registrations``."""
    return pd.DataFrame({"snapshot_date": pd.Timestamp(date), "state": frame["state"], "measure": measure,
                         "registrations_count": frame[column].astype(int), "source_file": source_file})


# ----------------------------------------------------------- bases (census)

#: Fourth All India Handloom Census 2019-20, per state: ``handloom_weavers``, ``allied_workers``, ``total_handloom_workers``.
HANDLOOM_FILE = "handloom_census_2019-20_statewise.csv"
#: Handicraft artisans enrolled under Pahchan, per state (Rajya Sabha reply of 2021-08-05).
PAHCHAN_FILE = "pahchan_artisans_statewise_2021-08-05.csv"
#: Census 2011 household-industry workers of India and of UP (``geography``, ``household_industry_workers_2011``).
HOUSEHOLD_INDUSTRY_FILE = "census2011_household_industry_workers.csv"
#: The state-wise tables: ``load_table`` gives their states' standard names.
STATE_TABLES = (STATE_TABLE_2022_02_09, STATE_WEAVERS_2022_04_06, HANDLOOM_FILE, PAHCHAN_FILE)


# --------------------------------------------------------- GeM purchases

ORDERS_FILE = "up_gem_order_value_by_fy.csv"


@lru_cache(maxsize=1)
def load_up_order_value() -> pd.DataFrame:
    """UP government order value on GeM by financial year, in ₹ crore (``up_order_value_crore``), with source."""
    frame = _read_csv(ORDERS_FILE)
    frame["is_part_year"] = frame["fy"].str.contains(r"\(", regex=True)
    return frame


def provenance_table() -> pd.DataFrame:
    """One row per reference file: file, title, source, published, licence, checked, caveats (from the sidecars)."""
    rows = []
    for path in sorted(paths.REFERENCE_DIR.glob("*.csv")):  # every reference data file, not the sidecars
        meta = provenance(path.name) if path.with_name(path.name + ".meta.yaml").exists() else {}
        rows.append({"file": path.name, "source": meta.get("source", "NO PROVENANCE RECORDED"),
                     "published": str(meta.get("published", "")),
                     **{key: meta.get(key, "") for key in ("title", "licence", "checked", "caveats")}})
    return pd.DataFrame(rows, columns=["file", "title", "source", "published", "licence", "checked", "caveats"])


# The GI list and the Census areas of rates live in their own modules; their names stay here
# (``reference.load_gi_products()``, ``reference.census_areas()``) for every caller.
from helpers.reference.gi import (  # noqa: E402  (they read files through _read_csv above)
    GI_CRAFTS_FILE, GI_FILE, gi_name_aliases, load_gi_category_crafts, load_gi_products,
)
from helpers.reference.areas import census_areas  # noqa: E402
