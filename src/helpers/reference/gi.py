"""UP's GI products (``up_gi_products.csv``) and which GI categories the campaign counts as crafts.

The crafts-or-not decision is data (``gi_category_crafts.csv``: category -> is_craft); a
category it does not map stops the load with a message naming the file. What does not
belong here: coverage of a phase's GI products (``analysis.products``), labels (``presentation``).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from helpers import paths
from helpers.errors import ReferenceDataError
from helpers.reference.tables import _read_csv, declared_schema


# ------------------------------------------------------------ GI products

GI_FILE = "up_gi_products.csv"


@lru_cache(maxsize=1)
def load_gi_products() -> pd.DataFrame:
    """UP's GI products (not a complete list), one row per product and district, with the source kept.

    ``districts`` in the file lists districts separated by ';'; each becomes a row
    (column ``district``). ``gi_status`` says what the evidence supports:
    "registered" (the registration is verified), "applied" (only the application
    is), "unverified"; ``source_url``, ``source_title``, ``evidence`` and
    ``verification_status`` are kept for every row. ``name_in_earlier_list`` is
    the name the kit's earlier partial list used (see :func:`gi_name_aliases`).
    ``is_craft``, ``goods_kind`` and ``craft_reason`` come from
    ``gi_category_crafts.csv`` through the row's ``category``.

    Raises:
        ReferenceDataError: a category has no row in ``gi_category_crafts.csv``.
    """
    frame = _read_csv(GI_FILE)
    frame = frame.merge(load_gi_category_crafts(), on="category", how="left", validate="many_to_one")
    unmapped = sorted(frame.loc[frame["is_craft"].isna(), "category"].unique())
    if unmapped:
        raise ReferenceDataError(
            f"{paths.REFERENCE_DIR / GI_FILE}: GI categor{'ies' if len(unmapped) > 1 else 'y'} {unmapped} not in "
            f"{GI_CRAFTS_FILE}; add a row (category,is_craft,goods_kind,reason) for each"
        )
    frame["is_craft"] = frame["is_craft"].astype(bool)
    frame = frame.assign(district=frame["districts"].str.split(";")).explode("district")
    frame["district"] = frame["district"].str.strip()
    return frame.drop(columns=["districts"]).reset_index(drop=True)


GI_CRAFTS_FILE = "gi_category_crafts.csv"


@lru_cache(maxsize=1)
def load_gi_category_crafts() -> pd.DataFrame:
    """Every GI goods category of ``up_gi_products.csv`` and whether the campaign counts it as a craft.

    Columns ``category, category_hi`` (the category in Hindi, the kit's translation), ``is_craft`` (bool: handicraft, handloom and textile goods, made by
    artisans or weavers), ``goods_kind`` (one of ``GI_GOODS_KINDS`` in ``schemas.yaml``) and ``craft_reason``
    (why, in words). The decision is data: change the file, not the code.
    """
    craft_rule = pa.Check(lambda df: ((df["is_craft"] == 1) == (df["goods_kind"] == "craft")).all(),
                          error="is_craft is 1 exactly where goods_kind is craft")
    return _read_csv(GI_CRAFTS_FILE, declared_schema(GI_CRAFTS_FILE, craft_rule))  # reason renamed craft_reason


def gi_name_aliases() -> dict[str, str]:
    """Every name a GI product is known by in the kit (current and earlier list), mapped to its current name."""
    gi = load_gi_products().drop_duplicates("gi_name")
    earlier = gi.dropna(subset=["name_in_earlier_list"])
    return dict(zip(gi["gi_name"], gi["gi_name"])) | dict(zip(earlier["name_in_earlier_list"], earlier["gi_name"]))
