"""Every path the kit uses, derived from the project root.

Nothing else in the kit builds a path from a string literal; import from here.
The root is the folder holding ``pyproject.toml``; set ``GEM_KIT_ROOT`` to point
the kit at another checkout (tests use it to build into a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path


#: The project root: ``$GEM_KIT_ROOT`` if set, else this checkout's root.
ROOT = Path(os.environ.get("GEM_KIT_ROOT") or Path(__file__).resolve().parents[2]).resolve()
NOTEBOOKS_DIR = ROOT / "notebooks"
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
REFERENCE_DIR = RAW_DIR / "reference"
CAMPAIGN_DIR = RAW_DIR / "campaign"
PHASES_FILE = CAMPAIGN_DIR / "phases.yaml"
TARGETS_FILE = CAMPAIGN_DIR / "targets.csv"
GRADES_FILE = CAMPAIGN_DIR / "grades.yaml"
REGISTRATIONS_RAW_DIR = RAW_DIR / "registrations"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = ROOT / "reports"
#: Executed notebooks, laid out as ``reports/`` is: the build's record of each run, kept out of the
#: published folder so that what is mailed and shared stays light (docs/decisions.md).
EXECUTED_DIR = PROCESSED_DIR / "executed"
DOCS_DIR = ROOT / "docs"

#: The processed registrations table written by ``01_prepare_registrations``.
REGISTRATIONS_PARQUET = PROCESSED_DIR / "registrations.parquet"
#: Rows that failed validation, with the reason, written beside it.
REJECTED_ROWS_CSV = PROCESSED_DIR / "rejected_rows.csv"
#: Per-file row accounting (rows in = accepted + rejected + duplicates).
DATA_QUALITY_CSV = PROCESSED_DIR / "data_quality_summary.csv"


def shown(path: Path | str) -> str:
    """A path as shown in a message: relative to the project root when inside it."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()  # ROOT is resolved
    except ValueError:
        return str(path)
