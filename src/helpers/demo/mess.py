"""The field mess planted in the SYNTHETIC demo sheets, as real registration sheets have it.

Belongs here: rewriting clean rows the way field sheets are written (rates in
``mess:`` of ``demo_parameters.yaml``): district cells as old names, towns or
aliases (``district_name_variants.csv``: Allahabad, Faizabad, Noida, Greater
Noida, Kanpur, ...) for 15% of the cells whose district has one, 3% in Hindi
(and मिर्जापुर for half the Hindi Mirzapur cells), 1% case/space variants
("  varanasi "); 1% of yes/no cells as Y/N or हाँ/नहीं; dates 85% DD-MM-YYYY,
10% DD/MM/YYYY, 5% ISO (one format per row, for all its dates); 0.5% of rows
repeated in the next week's export (the export's dates overlapped the last day
of the week before); and the deliberately bad rows of ``bad_rows:``, which a
validator must reject. Not here: which file a row goes to, or writing it
(``generator``, ``writing``).

Helper columns (kept through the mess, not written): ``_file`` (the row's
export, set by the caller), ``_order`` (its position in the export), and
``_true_<date column>`` (the true date, NaT for a bad date, for workbook date cells).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.demo.calibration import load_demo_parameters, load_district_name_variants
from helpers.demo.layout import DEMO_SHEET_COLUMNS
from helpers.ingest.schema import DATE_COLUMNS
from helpers.reference import tables as reference

_YES_NO_VARIANTS = {"yes": ("Y", "हाँ"), "no": ("N", "नहीं")}


def true_date_column(column: str) -> str:
    """The helper column holding a date column's true dates."""
    return f"_true_{column}"


def _mess_dates(rng: np.random.Generator, out: pd.DataFrame, formats: dict[str, float]) -> dict[str, int]:
    """Write every date cell as text, in one format per row drawn from ``formats``; blank where no date."""
    names = list(formats)
    shares = np.array([formats[f] for f in names], dtype=float)
    chosen = rng.choice(len(names), size=len(out), p=shares / shares.sum())
    for column in DATE_COLUMNS:
        out[true_date_column(column)] = out[column]
        text = np.full(len(out), "", dtype=object)
        for k, date_format in enumerate(names):
            mask = (chosen == k) & out[column].notna().to_numpy()
            text[mask] = out.loc[mask, column].dt.strftime(date_format).to_numpy(dtype=object)
        out[column] = text
    return {f: int((chosen == k).sum()) for k, f in enumerate(names)}


def _mess_districts(rng: np.random.Generator, out: pd.DataFrame) -> dict[str, int]:
    """Rewrite a share of the standard district names of both district columns as old names/aliases, Hindi, or
    case/space variants."""
    mess = load_demo_parameters()["mess"]
    variants = load_district_name_variants()
    latin = variants[variants["kind"] != "hindi_variant"].groupby("district")["variant"].agg(list)
    hindi_variant = variants[variants["kind"] == "hindi_variant"].groupby("district")["variant"].agg(list)
    hindi = reference.load_districts().set_index("district")["district_hi"]
    p_hindi, p_case, p_alias = mess["hindi_share"], mess["case_space_share"], mess["old_name_share_of_eligible_cells"]
    counts = {"hindi": 0, "case_space": 0, "old_name_or_alias": 0}
    for column in ("home_district", "event_district"):
        names = out[column].to_numpy(dtype=object)
        messy = names.copy()
        u = rng.random(len(names))
        pick = rng.random(len(names))
        for i, name in enumerate(names):
            if u[i] < p_hindi:
                options = [hindi[name]] + hindi_variant.get(name, [])
                messy[i] = options[0] if len(options) == 1 or pick[i] < 0.5 else options[1]
                counts["hindi"] += 1
            elif u[i] < p_hindi + p_case:
                messy[i] = ("  " + name.lower() + " ", name.upper(), name + "  ")[int(pick[i] * 3)]
                counts["case_space"] += 1
            elif name in latin.index and u[i] < p_hindi + p_case + p_alias:
                options = latin[name]
                messy[i] = options[int(pick[i] * len(options))]
                counts["old_name_or_alias"] += 1
        out[column] = messy
    return counts


def _bad_rows(rng: np.random.Generator, out: pd.DataFrame, phase_id: str) -> tuple[list[pd.Series], list[dict]]:
    """Copies of generated rows with a new id and one defect each (``bad_rows:``: phase, column, value, reason),
    in the copied row's export."""
    specs = [spec for spec in load_demo_parameters()["bad_rows"] if str(spec["phase"]) == phase_id]
    n_rows = len(out)
    rows, described = [], []
    for k, spec in enumerate(specs):
        row = out.iloc[int(rng.integers(0, n_rows))].copy()
        row["registration_id"] = f"UPGEM-P{phase_id}-{n_rows + k + 1:06d}"
        row["gem_seller_id"] = ""
        row[spec["column"]] = spec["value"]
        if spec["column"] in DATE_COLUMNS:
            row[true_date_column(spec["column"])] = pd.NaT
        row["_order"] = float(rng.integers(0, n_rows)) + 0.5
        rows.append(row)
        described.append({"registration_id": row["registration_id"], "column": spec["column"], "value": spec["value"],
                          "reason": spec["reason"], "file_key": row["_file"]})  # fmt: skip
    return rows, described


def _duplicate_rows(rng: np.random.Generator, out: pd.DataFrame, share: float) -> list[pd.Series]:
    """Rows of the last registration day of a week repeated at the top of the next week's export."""
    registered = out[true_date_column("registration_date")]
    last_day_of_export = registered == registered.groupby(out["_file"]).transform("max")
    eligible = np.flatnonzero(last_day_of_export.to_numpy() & (out["_file"] < out["_file"].max()).to_numpy())
    n_dupes = min(len(eligible), int(round(len(out) * share)))
    rows = []
    for i in np.sort(rng.choice(eligible, size=n_dupes, replace=False)):
        row = out.iloc[int(i)].copy()
        row["_file"] = row["_file"] + 1
        row["_order"] = row["_order"] - len(out)  # before the next export's own rows, in their order
        rows.append(row)
    return rows


def add_mess(frame: pd.DataFrame, phase_id: str, seed: int) -> tuple[pd.DataFrame, dict]:
    """The rows of a phase as the field writes them: mess, repeated rows and bad rows, with helper columns.

    Args:
        frame: clean rows (:data:`DEMO_SHEET_COLUMNS`, dates as datetime64) with ``_file``,
            the key of the export each row goes to (consecutive numbers: the week).
        phase_id: the phase (selects its ``bad_rows:``).
        seed: the generator's seed.

    Returns:
        ``(rows, summary)``: every row sorted by export and position, and counts of each kind of mess
        (``bad_rows`` lists each bad row with its ``file_key``).
    """
    mess = load_demo_parameters()["mess"]
    rng = np.random.default_rng([seed, int(phase_id), 7])
    out = frame.astype({c: object for c in DEMO_SHEET_COLUMNS if c not in DATE_COLUMNS}).copy()
    out["_order"] = np.arange(len(out), dtype=float)
    summary: dict = {"date_formats": _mess_dates(rng, out, mess["date_formats"])}
    summary["district_cells_rewritten"] = _mess_districts(rng, out)
    summary["yes_no_cells_rewritten"] = 0
    for column in ("is_woman", "is_tribal"):
        values = out[column].to_numpy(dtype=object).copy()
        hit = np.flatnonzero(rng.random(len(out)) < mess["boolean_variant_share"])
        for i, style in zip(hit, rng.integers(0, 2, len(hit))):
            values[i] = _YES_NO_VARIANTS[values[i]][style]
        out[column] = values
        summary["yes_no_cells_rewritten"] += len(hit)
    bad, summary["bad_rows"] = _bad_rows(rng, out, phase_id)
    dupes = _duplicate_rows(rng, out, mess["duplicate_share"])
    summary["duplicate_rows"] = len(dupes)
    combined = pd.concat([out, pd.DataFrame(bad + dupes, columns=out.columns)], ignore_index=True)
    combined = combined.sort_values(["_file", "_order"], kind="stable").reset_index(drop=True)
    return combined, summary
