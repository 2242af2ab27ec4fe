"""Writing the SYNTHETIC demo exports: CSV and workbook files, the folder's README and its sidecar.

Belongs here: the file names of the weekly exports, byte-stable CSV and XLSX
writing (fixed zip times and document dates), the ``SYNTHETIC_demo.meta.yaml``
sidecar that counts every row and every kind of mess, and the README; their fixed
texts are in ``texts.yaml``. Not here: which rows go where (``generator``) or what
they hold (``sampling``, ``mess``).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import yaml

from helpers.demo.layout import DATA_ORIGIN, DEMO_SHEET_COLUMNS, FILE_PREFIX
from helpers.demo.mess import true_date_column
from helpers.files import write_atomically
from helpers.ingest.schema import DATE_COLUMNS
from helpers.vocabulary import STATUSES, TRADES

_XLSX_FIXED_TIME = datetime(2021, 10, 29, 0, 0, 0)
_ZIP_FIXED_TIME = (2021, 10, 29, 0, 0, 0)
#: The sheet of a workbook export that is not split by event district.
SINGLE_SHEET_NAME = "Registrations"
META_FILE = f"{FILE_PREFIX}demo.meta.yaml"
README_FILE = "README.md"
#: The README's text and the sidecar's fixed fields, with ``{placeholders}``.
TEXTS_FILE = Path(__file__).with_name("texts.yaml")


def _texts() -> dict:
    """``texts.yaml``: ``readme`` (the README, a ``str.format`` template) and ``sidecar`` (its fixed fields)."""
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def export_file_name(phase_id: str, week: int, export_date: date, suffix: str) -> str:
    """``SYNTHETIC_phase-<id>_<export date>_week-<NN><suffix>``: one weekly export of a phase."""
    return f"{FILE_PREFIX}phase-{phase_id}_{export_date.isoformat()}_week-{int(week):02d}{suffix}"


def write_csv(frame: pd.DataFrame, path: Path, with_bom: bool) -> Path:
    """Write the demo columns of ``frame`` as UTF-8 CSV (with a BOM, as Excel saves, if asked)."""
    text = frame[list(DEMO_SHEET_COLUMNS)].to_csv(index=False, lineterminator="\n")
    return write_atomically(path, ("\ufeff" if with_bom else "").encode("utf-8") + text.encode("utf-8"))


def _stable_zip(data: bytes) -> bytes:
    """Rewrite an xlsx (zip) with fixed entry times and fixed core-property dates, so bytes are stable."""
    fixed = _XLSX_FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + fixed.encode() + rb"\g<2>", content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return buffer.getvalue()


def write_xlsx(frame: pd.DataFrame, path: Path, sheet_key: str | None) -> Path:
    """Write a workbook export: one sheet per value of ``sheet_key`` (or one sheet), dates as date cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "gem-up-onboarding-kit helpers.demo (SYNTHETIC)"
    workbook.properties.title = "SYNTHETIC DEMO registrations - not real"
    workbook.properties.created = _XLSX_FIXED_TIME
    groups = frame.groupby(sheet_key, sort=True) if sheet_key else [(SINGLE_SHEET_NAME, frame)]
    for sheet_name, rows in groups:
        sheet = workbook.create_sheet(str(sheet_name)[:31])
        sheet.append(list(DEMO_SHEET_COLUMNS))
        for record in rows.to_dict("records"):  # true dates as date cells, a bad date as its text, blanks as empty cells
            values = [record[true_date_column(column)].date()
                      if column in DATE_COLUMNS and pd.notna(record[true_date_column(column)]) else record[column]
                      for column in DEMO_SHEET_COLUMNS]
            sheet.append([value if value != "" else None for value in values])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD-MM-YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return write_atomically(path, _stable_zip(buffer.getvalue()))


def clean_counts(frame: pd.DataFrame, window_start: date) -> dict:
    """What the clean rows of a phase hold: totals by trade and stage, shares, rows per week."""
    registered = frame["registration_date"]
    weeks = (registered - pd.Timestamp(window_start)).dt.days // 7 + 1
    return {
        "rows_clean": int(len(frame)),
        "by_trade": {t: int((frame["trade"] == t).sum()) for t in TRADES},
        "women_share": round(float((frame["is_woman"] == "yes").mean()), 4),
        "tribal_share": round(float((frame["is_tribal"] == "yes").mean()), 4),
        "home_is_event_share": round(float((frame["home_district"] == frame["event_district"]).mean()), 4),
        "by_onboarding_status": {s: int((frame["onboarding_status"] == s).sum()) for s in STATUSES},
        "with_gem_seller_id": int((frame["gem_seller_id"] != "").sum()),
        "with_gi_product": int((frame["gi_product"] != "").sum()),
        "first_registration_date": registered.min().date().isoformat(),
        "last_registration_date": registered.max().date().isoformat(),
        "rows_by_week": {int(w): int(n) for w, n in weeks.value_counts().sort_index().items()},
    }


def write_meta(out_dir: Path, description: dict) -> Path:
    """Write the folder's ``SYNTHETIC_demo.meta.yaml``."""
    text = yaml.safe_dump(description, sort_keys=False, allow_unicode=True, width=100)
    return write_atomically(out_dir / META_FILE, text)


def write_readme(out_dir: Path, description: dict, observed: dict[str, str], n_xlsx: int) -> Path:
    """Write the folder's README from its sidecar's description."""
    totals = "; ".join(
        f"phase {phase_id}: " + ", ".join(f"{n:,} {trade}" for trade, n in counts["by_trade"].items())
        for phase_id, counts in description["clean_rows"].items()
    )
    text = _texts()["readme"].format(
        origin=DATA_ORIGIN,
        observed=", ".join(f"phase {p}: {d}" for p, d in observed.items()),
        totals=totals,
        n_xlsx=n_xlsx,
        n_bad=len(description["deliberately_bad_rows"]),
        seed=description["seed"],
    )
    return write_atomically(out_dir / README_FILE, text)


def describe(
    counts: dict[str, dict], schedules: dict[str, list[dict]], summaries: dict[str, dict], files: list[str], seed: int
) -> dict:
    """The folder's sidecar: provenance, every file, the clean totals, each district's schedule and the mess.

    Args:
        counts: per phase, :func:`clean_counts` of its clean rows.
        schedules: per phase, ``timeline.Schedule.summary()``.
        summaries: per phase, the mess summary of ``mess.add_mess`` (bad rows with their ``file``).
        files: every export written, relative to the folder.
        seed: the generator's seed.
    """
    fixed = _texts()["sidecar"]
    return {
        **fixed,
        "caveats": [caveat.format(origin=DATA_ORIGIN) for caveat in fixed["caveats"]],
        "regenerate": fixed["regenerate"].format(seed=seed),
        "seed": seed,
        "files": files,
        "clean_rows": counts,
        "district_schedules": schedules,
        "mess": {phase_id: {k: v for k, v in s.items() if k != "bad_rows"} for phase_id, s in summaries.items()},
        "deliberately_bad_rows": [
            {k: v for k, v in row.items() if k != "file_key"} | {"phase": phase_id}
            for phase_id, s in summaries.items()
            for row in s["bad_rows"]
        ],
    }
