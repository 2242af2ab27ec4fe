"""The layout of the SYNTHETIC demo sheets: their columns, labels, seed and folders.

Belongs here: the constants every module of the demo generator shares (the
``SYNTHETIC`` label, the file-name prefix, the default seed, the column order of
the demo sheets and of the benchmark file, where they are written). Not here:
drawing rows (``sampling``), dates (``timeline``) or writing files (``writing``).
"""

from __future__ import annotations

from helpers import paths
from helpers.ingest.headers import INPUT_COLUMNS
from helpers.ingest.schema import STAGE_DATE_COLUMNS
from helpers.vocabulary import DATA_ORIGINS

#: The generator's default seed (the date of the source report).
DEFAULT_SEED = 20211029
#: What every demo row says in ``data_origin`` (the first of the kit's data origins, ``vocabulary.yaml``).
DATA_ORIGIN = DATA_ORIGINS[0]
#: Every demo file name starts with this.
FILE_PREFIX = "SYNTHETIC_"

#: The twelve columns of the standard sheet without the later stage dates: the benchmark file's layout.
SHEET_COLUMNS: tuple[str, ...] = tuple(c for c in INPUT_COLUMNS if c not in STAGE_DATE_COLUMNS)
_STATUS_POSITION = SHEET_COLUMNS.index("onboarding_status") + 1
#: The demo sheets' columns: the standard sheet with the stage dates after ``onboarding_status``.
DEMO_SHEET_COLUMNS: tuple[str, ...] = (
    *SHEET_COLUMNS[:_STATUS_POSITION],
    *STAGE_DATE_COLUMNS,
    *SHEET_COLUMNS[_STATUS_POSITION:],
)

#: Calibration inputs of the generator.
DEMO_INPUTS_DIR = paths.RAW_DIR / "demo"
#: Where the committed demo sheets live.
DEMO_SHEETS_DIR = paths.REGISTRATIONS_RAW_DIR / "demo"
#: Default folder of the large benchmark file (git-ignored, outside data/raw/registrations).
BENCH_OUT_DIR = paths.ROOT / "bench" / "out"
