"""GI and ODOP products of a phase's districts, and the registrations in them.

- GI products (``up_gi_products.csv``): which craft GIs have a registered
  seller, each row with what its evidence supports (registered / applied /
  unverified), its category and its source; GIs that are not crafts
  (``gi_category_crafts.csv``) are counted apart (``gi_left_out``);
- ODOP (One District One Product, ``up_odop_products.csv``): each
  participating district's product and how many of its registrations are in a
  craft matched to it through ``odop_craft_synonyms.csv``; the crafts that
  match nothing are counted.

What does not belong here: loading the tables (``reference.tables``), labels
and pages (``presentation``).
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis.metrics import district_roles
from helpers.analysis.national import pct as _pct
from helpers.campaign.phases import Phase
from helpers.reference import tables as reference
from helpers.reference.districts import text_key


def gi_coverage(phase_regs: pd.DataFrame, phase: Phase) -> pd.DataFrame:
    """The craft GI products of the phase's participating districts, with and without a registered seller.

    Only GIs whose category ``gi_category_crafts.csv`` marks as a craft
    (handicraft, handloom, textile: made by the artisans and weavers the campaign
    registers) are counted; agricultural, food, natural and other manufactured
    GIs are not part of the campaign's gap (``gi_left_out`` counts them). A
    product has a registered seller in a district when a registration of the
    phase from that home district names the product in ``gi_product`` (by its
    current name or the name of the kit's earlier list). ``gi_status`` says what
    the evidence supports (registered / applied / unverified); the category, the
    source, the evidence and the verification status of every row are kept.
    """
    gi = reference.load_gi_products()
    gi = gi[gi["district"].isin(phase.participating_districts) & gi["is_craft"]]
    aliases = reference.gi_name_aliases()
    named = phase_regs.dropna(subset=["gi_product"])
    named = named.assign(gi_name=named["gi_product"].map(lambda n: aliases.get(n, n)))
    sellers = named.groupby(["gi_name", "home_district"]).size().reset_index(name="sellers_count")
    frame = gi.merge(sellers.rename(columns={"home_district": "district"}), on=["gi_name", "district"], how="left")
    frame["sellers_count"] = frame["sellers_count"].fillna(0).astype(int)
    frame["has_registered_seller"] = frame["sellers_count"] > 0
    columns = [
        "gi_name", "gi_name_hi", "district", "category", "category_hi", "gi_status", "gi_application_number",
        "registration_year",
        "sellers_count", "has_registered_seller", "source_url", "source_title", "evidence", "verification_status",
    ]
    return frame[columns].sort_values(["has_registered_seller", "district", "gi_name"]).reset_index(drop=True)


def gi_left_out(phase: Phase, district: str | None = None) -> pd.DataFrame:
    """The GI rows (product and district) of the participating districts left out of ``gi_coverage``: not crafts.

    Args:
        district: count only this district's rows (a district brief); None: every participating district.

    Returns:
        One row per kind of goods (``goods_kind``: agricultural, food, natural,
        manufactured) with ``rows_count`` (product-district rows) and
        ``products_count`` (distinct products), largest first; empty when every GI
        of the phase's districts is a craft.
    """
    gi = reference.load_gi_products()
    districts = phase.participating_districts if district is None else [district]
    left = gi[gi["district"].isin(districts) & ~gi["is_craft"]]
    frame = left.groupby("goods_kind").agg(rows_count=("gi_name", "size"), products_count=("gi_name", "nunique"))
    return frame.sort_values(["rows_count", "products_count"], ascending=False).reset_index()


# ------------------------------------------------------------------- ODOP


def odop_group_of_craft(crafts: pd.Series) -> pd.Series:
    """The ODOP product group of each craft, through ``odop_craft_synonyms.csv``; missing where none matches.

    Crafts are compared by ``text_key`` (case, spaces, punctuation and Devanagari
    spelling variants folded), in English or Hindi.
    """
    synonyms = reference.load_table(reference.ODOP_SYNONYMS_FILE)
    groups = dict(zip(synonyms["craft"].map(text_key), synonyms["odop_product_group"]))
    keys = crafts.map(lambda c: text_key(c) if isinstance(c, str) and c.strip() else None)
    return keys.map(groups)


def odop_coverage(phase_regs: pd.DataFrame, phase: Phase) -> pd.DataFrame:
    """Registrations per ODOP product in the phase's participating districts.

    One row per participating district: its ODOP product (with verification
    status and source), registrations from the district, and how many of them
    are in a craft matched to the district's ODOP product
    (``odop_registrations_count``; ``odop_share_pct`` of the district's).

    Returns:
        Columns ``district, role, product, product_hi, odop_product_group,
        verification_status, source_url, registrations_count,
        odop_registrations_count, odop_share_pct``.
    """
    odop = reference.load_odop_products()
    roles = district_roles(phase)[["district", "role"]]
    frame = roles[roles["district"].isin(phase.participating_districts)].merge(odop, on="district", how="left")
    matched = phase_regs.assign(odop_group=odop_group_of_craft(phase_regs["craft"]))
    groups = dict(zip(odop["district"], odop["odop_product_group"].str.split(";")))
    in_odop = [isinstance(g, str) and g in groups.get(d, []) for d, g in zip(matched["home_district"], matched["odop_group"])]
    counts = matched.assign(is_odop=in_odop).groupby("home_district").agg(
        registrations_count=("is_odop", "size"), odop_registrations_count=("is_odop", "sum"))
    frame = frame.merge(counts, left_on="district", right_index=True, how="left")
    counted = ["registrations_count", "odop_registrations_count"]
    frame[counted] = frame[counted].fillna(0).astype(int)
    frame["odop_share_pct"] = _pct(frame["odop_registrations_count"], frame["registrations_count"])
    columns = ["district", "role", "product", "product_hi", "odop_product_group", "verification_status", "source_url",
               "registrations_count", "odop_registrations_count", "odop_share_pct"]
    return frame[columns].sort_values("district").reset_index(drop=True)


def craft_matching(phase_regs: pd.DataFrame) -> pd.DataFrame:
    """Every craft written in the phase's registrations, its count and ODOP product group (missing: unmatched).

    Returns:
        Columns ``craft, registrations_count, odop_product_group, is_matched``,
        most frequent first; blank crafts are one row with ``craft`` missing.
    """
    counts = phase_regs["craft"].value_counts(dropna=False).rename_axis("craft").reset_index(name="registrations_count")
    counts["odop_product_group"] = odop_group_of_craft(counts["craft"])
    counts["is_matched"] = counts["odop_product_group"].notna()
    return counts
