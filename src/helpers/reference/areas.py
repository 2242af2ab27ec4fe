"""The Census 2011 area each district's rates are computed over.

Four districts were created after Census 2011 inside the base of the districts they were
carved from; rates fold them together so that registrations and base cover one area. What
does not belong here: the rates themselves (``analysis.metrics``).
"""

from __future__ import annotations

import pandas as pd

from helpers import paths
from helpers.errors import ReferenceDataError
from helpers.reference.names import DISTRICTS_FILE
from helpers.reference.tables import load_districts


def census_areas() -> pd.DataFrame:
    """Each district's area for rates: the Census 2011 district(s) its registrations and base both cover.

    A district created after 2011 lies inside the Census 2011 base of the
    district(s) it was carved from (``carved_from``), so rates fold them together:
    the district, its parents and any other district carved from those parents form
    one area (Amethi + Rae Bareli + Sultanpur; Ghaziabad + Hapur; Budaun + Moradabad
    + Sambhal; Muzaffarnagar + Shamli). Every other district is its own area.

    Returns:
        Columns ``district``, ``census_area`` (the area's districts, A to Z, joined
        by " + "), ``is_own_area`` (True when the area is the district alone).

    Raises:
        ReferenceDataError: a ``carved_from`` name is not a district of UP.
    """
    districts = load_districts()
    area = {name: {name} for name in districts["district"]}  # each district's area, one set shared by its members
    for child, carved in zip(districts["district"], districts["carved_from"]):
        if not isinstance(carved, str):
            continue
        for name in (part.split("(")[0].strip() for part in carved.split("+")):
            if name not in area:
                raise ReferenceDataError(
                    f"{paths.REFERENCE_DIR / DISTRICTS_FILE}: carved_from of {child} names {name!r}, not a district "
                    "of UP; write the parent's name_common"
                )
            merged = area[name] | area[child]
            area.update(dict.fromkeys(merged, merged))
    frame = pd.DataFrame({"district": list(area), "census_area": [" + ".join(sorted(area[d])) for d in area]})
    frame["is_own_area"] = frame["census_area"] == frame["district"]
    return frame
