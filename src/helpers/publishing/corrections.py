"""The corrections workbooks: for each district office, the rows of its sheets to correct and send again.

``write_corrections`` reads what the prepare stage wrote in ``data/processed/``
(``rejected_rows.csv``, ``duplicate_rows.csv``, ``data_quality_summary.csv``,
``registrations.parquet``) and writes ``reports/corrections/<district>.xlsx``
for every district that sent rows: a summary sheet first (rows received,
accepted, rejected and duplicate, against last week), then every rejected or
duplicate row by file, sheet and row number, with the column, the problem and
the fix in Hindi and English. It returns this week's counts per district, for
the caller to keep and pass back next week.

Which district a row belongs to (docs/decisions.md, "Corrections back to each
office"): the office the file came from when the layout says so (a folder of
the file's path named after a district, ``analysis.freshness.sheet_office``), else the row's home
district when it resolved, else the ``unassigned`` workbook.

Nothing that is or could be personal data is shown: problems and fixes are
plain sentences from the message catalogues chosen by the kind of problem
(``correction_kinds.csv``), never the ingest's own line; a cell's value only
when it passes the personal-data scan and has the shape of a date or a short
number (``is_shown_value``); file and sheet names through ``redact_name``.

Belongs here: laying out the corrections. Not here: finding the problems (``helpers.ingest``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import re
import traceback
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd
from babel.dates import get_month_names
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from helpers import paths
from helpers.analysis.freshness import sheet_office as office_of
from helpers.errors import RegistrationsError
from helpers.files import atomic_path
from helpers.ingest import parsing, pii
from helpers.ingest.pii import redact_name
from helpers.ingest.schema import DATE_COLUMNS
from helpers.presentation import i18n
from helpers.report_files.workbook import safe_sheet_name, write_table_sheet
from helpers.reference.names import district_names, slugify

log = logging.getLogger("gem_reports")

KINDS_FILE = Path(__file__).resolve().parent / "correction_kinds.csv"
#: The workbook (and key of the counts) of rows no district can be told for.
UNASSIGNED = "unassigned"
#: The counts of the summary, in order; each ``corrections.<name>`` in the catalogues.
COUNTS = ("received", "accepted", "rejected", "duplicates")
#: Columns whose rejected value may be shown (when it is a date or a short number).
SHOWN_VALUE_COLUMNS = frozenset({*DATE_COLUMNS, "trade", "onboarding_status", "is_woman", "is_tribal"})
_SHOWN_MAX_CHARS = 20
_NUMERIC_SHAPE = re.compile(r"^(?:\d{1,2}[-/. ]\d{1,2}[-/. ](?:\d{2}|\d{4})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{5}(?:\.\d+)?|\d{1,3})$")
_WORD_DATE_SHAPE = re.compile(r"^\d{1,2}[-/. ]*([^\d\s,./-]{3,9})[-/., ]*(?:\d{2}|\d{4})$")
_LANGS = ("hi", "en")
#: The catalogue key naming each language in a header (``corrections.in_hindi``).
_LANG_WORD = {"hi": "hindi", "en": "english"}


# ----------------------------------------------------------------- what may be shown


def is_shown_value(value: object) -> bool:
    """True when a rejected cell's value may be shown: it passes the personal-data scan (``pii``) and is a
    date (``05-12-2021``, ``2021-12-05``, ``5 Dec 2021``, an Excel serial) or a number of at most 3 digits."""
    text = parsing.ascii_digits(" ".join(str(value or "").split()))
    if not text or len(text) > _SHOWN_MAX_CHARS:
        return False
    if pii.value_pii_kinds(text) or pii.redacted_text(text) != text:
        return False
    if _NUMERIC_SHAPE.match(text):
        return True
    match = _WORD_DATE_SHAPE.match(text)
    return match is not None and parsing.is_month_name(match.group(1))


# ----------------------------------------------------------------- kinds of problem


@lru_cache(maxsize=1)
def problem_kinds() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``(kind, pattern)`` of ``correction_kinds.csv``, in file order (the first match wins)."""
    with KINDS_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple((row["kind"], re.compile(row["pattern"])) for row in csv.DictReader(handle))


def problem_kind(problem: str) -> tuple[str, dict[str, str]]:
    """The kind of an ingest problem line and the dates it names (``{'date': '05 Dec 2030'}``); ``other`` when none."""
    for kind, pattern in problem_kinds():
        match = pattern.match(str(problem))
        if match:
            return kind, {k: v for k, v in match.groupdict().items() if v is not None}
    return "other", {}


def _date_in(lang: str, text: str) -> str:
    """A date named by a problem line (``05 Dec 2021``) written so that it cannot be misread, in ``lang``:
    ``05-Dec-2021``, ``05-दिसंबर-2021`` (both read back by the kit)."""
    date = parsing.read_date(text).date
    if date is None:
        return ""
    if lang == "en":
        return parsing.unambiguous(date)
    return f"{date.day:02d}-{get_month_names('wide', locale=lang)[date.month]}-{date.year}"


def _closest(problem: str) -> list[str]:
    """The closest districts a 'not a district' line names, when every one is a district of UP; else none."""
    match = re.search(r"\(closest: ([^)]*)\)", str(problem))
    if not match:
        return []
    names = [n.strip() for n in match.group(1).split(",") if n.strip()]
    return names if names and all(n in district_names() for n in names) else []


#: Every placeholder of the ``corrections.problem`` and ``corrections.fix`` messages.
_PLACEHOLDERS = ("first", "second", "date", "allowed", "kept")


@lru_cache(maxsize=65536)
def problem_and_fix(lang: str, kind: str, column: str, problem: str, kept: tuple[str, str, str] | None = None) -> tuple[str, str]:
    """The problem and the fix of one line in ``lang``, from the catalogue (``corrections.problem.<kind>``).

    Args:
        lang: ``hi`` or ``en``.
        kind: the line's kind (``problem_kind``, or ``duplicate``, ``file_unusable``).
        column: the standard column of the line ('' for none).
        problem: the ingest's problem line (only the dates and districts it names are taken from it).
        kept: for a duplicate, the row kept: ``(file, sheet, row)``, names already redacted.
    """
    values = dict.fromkeys(_PLACEHOLDERS, "")
    values.update({name: _date_in(lang, text) for name, text in problem_kind(problem)[1].items() if name in values})
    # the standard values of a coded column (``artisan / weaver / other``)
    values["allowed"] = " / ".join(parsing.standard_values(column)) if column in ("trade", "onboarding_status") else ""
    if kept is not None:
        file, sheet, row = kept
        key = "corrections.kept_row" if sheet else "corrections.kept_row_no_sheet"
        values["kept"] = i18n.t(key, lang, file=file, sheet=sheet, row=row) if row else file
    text = i18n.t(f"corrections.problem.{kind}", lang, **values)
    closest = _closest(problem) if kind == "district_unknown" else []
    if closest:
        text = f"{text} {i18n.t('corrections.closest', lang, names=', '.join(i18n.district_name(n, lang) for n in closest))}"
    return text, i18n.t(f"corrections.fix.{kind}", lang, **values)


# ----------------------------------------------------------------- which district


def district_of(source_file: str, home_district: object) -> str:
    """The workbook a row goes to: the file's office (``office_of``), else its home district, else ``UNASSIGNED``."""
    office = office_of(str(source_file))
    if office is not None:
        return office
    if isinstance(home_district, str) and home_district in district_names():
        return home_district
    return UNASSIGNED


# ----------------------------------------------------------------- reading data/processed


def _required(path: Path) -> Path:
    """``path``, which the prepare stage writes.

    Raises:
        RegistrationsError: it is missing (one line: run the prepare stage first).
    """
    if not path.exists():
        raise RegistrationsError(f"{path}: not found; run the prepare stage (notebook 01) before the corrections")
    return path


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV file the prepare stage wrote, every cell as text (``source_row`` as a number)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "source_row" in frame:
        frame["source_row"] = pd.to_numeric(frame["source_row"], errors="coerce").astype("Int64")
    return frame


def _lines(processed_dir: Path, accepted: pd.DataFrame) -> pd.DataFrame:
    """One line per problem of a rejected row, per duplicate and per file that gave no rows, with its district.

    Columns: ``district, source_file, source_sheet, source_row, column, value, kind, problem, kept, status``.
    """
    rejected = _read_csv(_required(processed_dir / paths.REJECTED_ROWS_CSV.name))
    duplicates_path = processed_dir / "duplicate_rows.csv"
    duplicates = _read_csv(duplicates_path) if duplicates_path.exists() else None
    quality = _read_csv(_required(processed_dir / paths.DATA_QUALITY_CSV.name))
    rows: list[dict] = []
    for line in rejected.to_dict("records"):
        rows.append(dict(district=district_of(line["source_file"], line.get("home_district")),
                         kind=problem_kind(line["problem"])[0], kept=None,
                         status="rejected", **{k: line[k] for k in ("source_file", "source_sheet", "source_row",
                                                                    "column", "value", "problem")}))
    if duplicates is not None and len(duplicates):
        kept = _kept_rows(accepted, set(duplicates["duplicate_of"]))
        for line in duplicates.to_dict("records"):
            file, sheet, row, home = kept.get(line["duplicate_of"], (line["duplicate_of"], "", "", None))
            own = line.get("home_district")  # when the ingest writes it; else the row kept decides
            district = district_of(line["source_file"], own) if own else (
                office_of(line["source_file"]) or district_of(file, home))
            rows.append(dict(district=district,
                             kind="duplicate", kept=(redact_name(file), redact_name(sheet), row), status="duplicate",
                             column="", value="", problem="",
                             **{k: line[k] for k in ("source_file", "source_sheet", "source_row")}))
    unread = quality[(quality["file_problem"] != "") & ~quality["file_problem"].str.endswith("(skipped)")
                     & (pd.to_numeric(quality["rows_in"], errors="coerce").fillna(0) == 0)]
    for line in unread.to_dict("records"):
        is_empty = problem_kind(line["file_problem"])[0] == "file_empty"
        rows.append(dict(district=district_of(line["source_file"], None), kind="file_empty" if is_empty else "file_unusable",
                         kept=None, status="file", source_file=line["source_file"], source_sheet=line["source_sheet"],
                         source_row=pd.NA, column="", value="", problem=line["file_problem"]))
    columns = ["district", "source_file", "source_sheet", "source_row", "column", "value", "kind", "problem", "kept", "status"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["district", "source_file", "source_sheet", "source_row"], kind="stable",
                             na_position="first").reset_index(drop=True)


def _kept_rows(accepted: pd.DataFrame, keys: set[str]) -> dict[str, tuple[str, str, str, object]]:
    """The rows kept that ``duplicate_rows.csv`` names (``keys``): key -> ``(file, sheet, row, home district)``."""
    # ``file:sheet:row`` (``file:row`` for a CSV), as ``duplicate_rows.csv`` names the row kept
    file, sheet = accepted["source_file"].astype(str), accepted["source_sheet"].astype(str)
    key = file.where(sheet == "", file + ":" + sheet) + ":" + accepted["source_row"].astype(str)
    found = accepted.assign(key=key)[key.isin(keys)]
    return {row.key: (str(row.source_file), str(row.source_sheet), str(row.source_row), row.home_district)
            for row in found.itertuples(index=False)}


def district_counts(lines: pd.DataFrame, accepted: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per district: rows received (accepted + rejected + duplicates), accepted, rejected (rows, not problems),
    duplicates."""
    files, homes = accepted["source_file"].astype(str), accepted["home_district"].astype(str)
    offices = files.map({f: office_of(f) for f in files.unique()})
    rejected = lines[lines["status"] == "rejected"].drop_duplicates(["source_file", "source_sheet", "source_row"])
    table = pd.DataFrame({
        "accepted": offices.fillna(homes.where(homes.isin(district_names()), UNASSIGNED)).value_counts(),
        "rejected": rejected["district"].value_counts(),
        "duplicates": lines.loc[lines["status"] == "duplicate", "district"].value_counts(),
    })  # a district whose files gave no rows is counted too, with zeros
    table = table.reindex(table.index.union(lines.loc[lines["status"] == "file", "district"].unique()))
    table = table.fillna(0).astype(int).sort_index().assign(received=lambda t: t.sum(axis=1))
    return {str(district): {name: int(row[name]) for name in COUNTS} for district, row in table.iterrows()}


# ----------------------------------------------------------------- the workbook


def _both(key: str) -> str:
    """A catalogue message in Hindi and English: ``फ़ाइल / File``."""
    return " / ".join(i18n.t(key, lang) for lang in _LANGS)


def _column_label(column: str) -> str:
    """A standard column (or a list of them) in Hindi and English; '' for anything else."""
    names = [c.strip() for c in str(column).split(",") if c.strip()]
    known = i18n.load_catalogue("en")
    if not names or any(f"corrections.columns.{n}" not in known for n in names):
        return ""
    return ", ".join(_both(f"corrections.columns.{n}") for n in names)


def corrections_table(lines: pd.DataFrame) -> pd.DataFrame:
    """The lines of one district as the workbook lists them, with bilingual headers."""
    header = {name: _both(f"corrections.header_{name}") for name in ("file", "sheet", "row", "column", "value")}
    texts = {lang: [problem_and_fix(lang, line.kind, line.column, line.problem, line.kept)
                    for line in lines.itertuples(index=False)] for lang in _LANGS}
    names = {name: redact_name(name) for name in {*lines["source_file"], *lines["source_sheet"]}}
    table = {
        header["file"]: [names[f] for f in lines["source_file"]],
        header["sheet"]: [names[s] for s in lines["source_sheet"]],
        header["row"]: [None if pd.isna(r) else int(r) for r in lines["source_row"]],
        header["column"]: [_column_label(c) for c in lines["column"]],
        header["value"]: [str(v).strip() if c in SHOWN_VALUE_COLUMNS and is_shown_value(v) else ""
                          for c, v in zip(lines["column"], lines["value"])],
    }
    for index, part in enumerate(("problem", "fix")):
        for lang in _LANGS:
            name = " / ".join(f"{i18n.t(f'corrections.header_{part}', shown)} "
                              f"({i18n.t(f'corrections.in_{_LANG_WORD[lang]}', shown)})" for shown in _LANGS)
            table[name] = [pair[index] for pair in texts[lang]]
    return pd.DataFrame(table)


def _write_summary(sheet, district: str, counts: Mapping[str, int], previous: Mapping[str, int] | None,
                   built_on: dt.date, has_lines: bool) -> None:
    """The first sheet: title, district, date, what the workbook holds, the counts against last week."""
    lines: list[list[object]] = [
        [i18n.t("corrections.title", "hi")], [i18n.t("corrections.title", "en")],
        [_both("corrections.district"), _both("corrections.unassigned") if district == UNASSIGNED
         else f"{i18n.district_name(district, 'hi')} / {district}"],
        [_both("corrections.as_of"), built_on],
        [], [i18n.t("corrections.intro", "hi")], [i18n.t("corrections.intro", "en")], [],
        [_both(f"corrections.{k}") for k in ("measure", "this_week", "last_week", "change")],
    ]
    for name in COUNTS:
        before = None if previous is None else previous.get(name)
        lines.append([_both(f"corrections.{name}"), int(counts[name]), before,
                      None if before is None else int(counts[name]) - int(before)])
    if previous is None:
        lines += [[], [i18n.t("corrections.not_known", "hi")], [i18n.t("corrections.not_known", "en")]]
    if not has_lines:
        lines += [[], [i18n.t("corrections.nothing_to_correct", "hi")], [i18n.t("corrections.nothing_to_correct", "en")]]
    for row in lines:
        sheet.append(row)
    for cell in (sheet["A1"], sheet["A2"], *sheet[9]):
        cell.font = Font(bold=True)
    sheet["B4"].number_format = "dd-mm-yyyy"
    for column, width in zip("ABCD", (48, 36, 14, 12)):
        sheet.column_dimensions[column].width = width
    for row in (6, 7):
        sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = 60


def workbook_name(district: str) -> str:
    """The file name of a district's workbook: ``varanasi.xlsx``, ``gautam-buddha-nagar.xlsx``, ``unassigned.xlsx``."""
    return f"{slugify(district)}.xlsx"


def write_corrections(processed_dir: Path | str, out_dir: Path | str,
                      previous_counts: Mapping[str, Mapping[str, int]] | None = None, *,
                      built_on: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Write ``<out_dir>/<district>.xlsx`` for every district that sent rows; return this week's counts.

    Args:
        processed_dir: what the prepare stage wrote (``data/processed``).
        out_dir: the corrections folder (``reports/corrections``); the function owns it.
        previous_counts: what this function returned last week (district -> counts), or None.
        built_on: the date written on each workbook (default: today). The ``.xlsx`` files of ``out_dir`` this
            run did not write are removed (a district that sent nothing this week keeps no old list).

    Returns:
        District (standard English name, or ``UNASSIGNED``) -> ``{received, accepted, rejected, duplicates}``.

    Raises:
        RegistrationsError: ``rejected_rows.csv``, ``data_quality_summary.csv`` or ``registrations.parquet``
            missing (one line: run the prepare stage first).
    """
    processed, out = Path(processed_dir), Path(out_dir)
    accepted = pd.read_parquet(_required(processed / paths.REGISTRATIONS_PARQUET.name),
                               columns=["source_file", "source_sheet", "source_row", "home_district"])
    lines = _lines(processed, accepted)
    counts = district_counts(lines, accepted)
    written = set()
    for district, each in counts.items():  # the summary sheet first, then the lines; each written atomically
        previous = None if previous_counts is None else previous_counts.get(district)
        district_lines, workbook, taken = lines[lines["district"] == district], Workbook(), set()
        workbook.active.title = safe_sheet_name(_both("corrections.sheet_summary"), taken)
        _write_summary(workbook.active, district, each, previous, built_on or dt.date.today(),
                       has_lines=len(district_lines) > 0)
        rows = workbook.create_sheet(safe_sheet_name(_both("corrections.sheet_rows"), taken))
        write_table_sheet(rows, corrections_table(district_lines), lang="en")
        with atomic_path(out / workbook_name(district)) as temporary:
            workbook.save(temporary)
        written.add(workbook_name(district))
    for stale in (path for path in out.glob("*.xlsx") if path.name not in written):
        stale.unlink()
    return counts


def write_office_corrections(memory, latest: str, out_dir: Path) -> None:
    """Write each district office's corrections workbook, compared with the counts of the last week stored.

    Called by the build after the prepare stage (``memory``: its ``helpers.store.Store``). The counts
    of rows received, accepted, rejected and duplicate per office are kept in the store by the latest
    date of the data, so next week's workbooks compare with them.
    """
    history = memory.meta_json("intake_counts")
    earlier = sorted(day for day in history if day < latest)
    try:
        counts = write_corrections(paths.PROCESSED_DIR, out_dir,
                                   history[earlier[-1]] if earlier else None,
                                   built_on=dt.date.fromisoformat(latest) if latest else None)
    except Exception as error:  # noqa: BLE001 - the offices' lists must not stop the reports
        log.warning("corrections for the district offices not written: %s: %s", type(error).__name__, error)
        log.debug("%s", traceback.format_exc())
        return
    history[latest or dt.date.today().isoformat()] = counts
    memory.set_meta("intake_counts", json.dumps(history, sort_keys=True))
    log.info("corrections: %d office workbook(s) in %s/", len(counts), out_dir.name)
