"""A large SYNTHETIC registrations frame for the scale benchmark, fully vectorised.

Belongs here: :func:`generate_registrations_frame` and :func:`write_large_demo`,
used by ``bench/run_bench.py`` and ``tests/test_ingest_scale.py``. The frame has the
twelve columns of :data:`SHEET_COLUMNS` (no later stage dates), no mess, and is
calibrated to no total. Not here: the committed demo sheets (``generator``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.campaign import phases
from helpers.demo import calibration
from helpers.demo.layout import DATA_ORIGIN, DEFAULT_SEED, SHEET_COLUMNS
from helpers.demo.sampling import SELLER_ID_OFFSETS, draw_attributes, registration_ids, seller_ids


def generate_registrations_frame(n_rows: int, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """A large synthetic registrations frame, fully vectorised, for the scale benchmark.

    Rows are drawn state-wide (all 75 districts, home = event district 92% of
    the time) with the same calibration as phase 2, dates uniform over every
    phase window, ids ``UPGEM-B-<7+ digits>``. No mess, not calibrated to any total.

    Args:
        n_rows: number of rows (1,000,000 takes a few seconds).
        seed: the generator's seed.

    Returns:
        The columns of :data:`SHEET_COLUMNS` (``registration_date`` as datetime64).
    """
    if n_rows < 0:
        raise ValueError(f"n_rows must be >= 0, got {n_rows}")
    all_districts = tuple(calibration.district_calibration()["district"])
    cells = calibration.joint_cells(all_districts, calibration.phase_settings("2")["home_is_event_share"], seed)
    rng = np.random.default_rng([seed, 1_000])
    cell_index = rng.choice(len(cells), size=n_rows, p=cells["probability"].to_numpy())
    windows = [(p.window_start, p.window_end) for p in phases.load_phases().values()]
    all_days = np.concatenate(
        [np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1) for start, end in windows]
    )
    days = all_days[rng.integers(0, len(all_days), n_rows)]
    attributes = draw_attributes(rng, cells, cell_index)
    numbers = np.arange(1, n_rows + 1)
    seller = seller_ids(numbers, SELLER_ID_OFFSETS["B"])

    def take(column: str) -> pd.Categorical:
        categories = cells[column].astype(object).fillna("").to_numpy()
        codes, uniques = pd.factorize(categories, sort=True)
        return pd.Categorical.from_codes(codes[cell_index], categories=uniques).astype(str)

    frame = pd.DataFrame(
        {
            "registration_id": registration_ids("UPGEM-B-", numbers, max(7, len(str(n_rows)))),
            "gem_seller_id": np.where(attributes["has_seller_id"], seller, ""),
            "registration_date": pd.to_datetime(days),
            "home_district": take("home_district"),
            "event_district": take("event_district"),
            "trade": attributes["trade"].astype(str),
            "is_woman": attributes["is_woman"],
            "is_tribal": attributes["is_tribal"],
            "craft": take("craft"),
            "gi_product": attributes["gi_product"].astype(str),
            "onboarding_status": attributes["onboarding_status"],
            "data_origin": DATA_ORIGIN,
        }
    )
    return frame[list(SHEET_COLUMNS)]


def write_large_demo(path: Path, n_rows: int, seed: int = DEFAULT_SEED) -> Path:
    """Write :func:`generate_registrations_frame` as a UTF-8 CSV (dates DD-MM-YYYY) for the benchmark.

    Args:
        path: the CSV to write; its folder is created. Keep it out of
            ``data/raw/registrations/`` or the build will read it.
        n_rows: number of rows.
        seed: the generator's seed.

    Returns:
        ``path``.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    frame = generate_registrations_frame(n_rows, seed)
    codes, days = pd.factorize(frame["registration_date"])  # each distinct day formatted once
    frame["registration_date"] = np.asarray(pd.DatetimeIndex(days).strftime("%d-%m-%Y"), dtype=object)[codes]
    table = pa.Table.from_pydict({column: pa.array(frame[column].to_numpy(dtype=object), pa.string()) for column in frame})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:  # plain header, then unquoted values (none holds a comma or quote)
        handle.write((",".join(SHEET_COLUMNS) + "\n").encode("utf-8"))
        pa_csv.write_csv(table, handle, pa_csv.WriteOptions(include_header=False, quoting_style="none"))
    return path

