"""Reading registration sheets (CSV or .xlsx) into rows of raw cells.

Knows about files and encodings, nothing about columns: it finds the files
under the given paths, decodes CSV text (UTF-8, UTF-8/UTF-16 with BOM, the
legacy code page Excel writes), opens workbooks read-only, and returns each
sheet as numbered rows of cells. A file it cannot read gives one ``Problem``
saying how to re-save it, never an exception.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from charset_normalizer import from_bytes

from helpers import paths
from helpers.ingest.problems import Problem

SUFFIXES = (".csv", ".xlsx")
_RESAVE_CSV = "open it in Excel and save it with File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'"
_RESAVE_XLSX = "open it in Excel and save it with File > Save As > 'Excel Workbook (*.xlsx)'"
#: Encodings accepted from charset-normalizer when the file is neither UTF-8 nor cp1252-looking.
_LEGACY_OK = {"cp1252", "latin_1", "iso8859_15", "utf_16", "utf_16_le", "utf_16_be", "cp1250", "iso8859_2"}


class ReadError(Exception):
    """A file cannot be read; the message says why and how to fix it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


@dataclass
class RawSheet:
    """One sheet of one file: numbered rows of raw cells.

    Attributes:
        source_file: the file as shown to the user.
        source_sheet: the sheet name ("" for a CSV file).
        rows: ``(row_number, cells)`` pairs, 1-based as Excel shows them, blank rows included.
        encoding: the text encoding a CSV file was read with (None for .xlsx).
    """

    source_file: str
    source_sheet: str
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    encoding: str | None = None


def display_name(path: Path) -> str:
    """The file's path relative to the project root when inside it, else as given."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(paths.ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()


def discover(inputs: Sequence[Path | str]) -> tuple[list[Path], list[Problem]]:
    """Expand the given paths into the files to read, sorted within each folder.

    A folder contributes every .csv/.xlsx under it (sub-folders included),
    leaving out Excel lock files (``~$...``) and hidden files.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", "."))
            )
            if not found:
                problems.append(
                    Problem(display_name(path), "", None, None, None, "no .csv or .xlsx files in this folder",
                            "put the registration sheets here or give another folder")
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(
                Problem(display_name(path), "", None, None, None, "no such file or folder",
                        "check the path (relative paths are taken from the project root)")
            )
    return files, problems


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a CSV file; return ``(text, encoding)``.

    Order: a BOM (UTF-8, UTF-16), then strict UTF-8, then Windows-1252 (what
    Excel's plain "CSV (Comma delimited)" writes on English Windows), then
    charset-normalizer's best guess among legacy encodings.

    Raises:
        ReadError: the bytes are not text (binary, a workbook renamed .csv, unknown encoding).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ReadError("starts like UTF-16 text but is damaged", _RESAVE_CSV) from None
    if data.startswith(b"PK\x03\x04"):
        raise ReadError("is an Excel workbook (.xlsx) with a .csv name", "rename it to end in .xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("is an old Excel workbook (.xls) with a .csv name", _RESAVE_CSV)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if b"\x00" not in sample and controls <= len(sample) // 100:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding in _LEGACY_OK and controls <= len(sample) // 100 + (
        len(sample) if guess.encoding.startswith("utf_16") else 0
    ):
        return str(guess), guess.encoding
    raise ReadError("is not a text CSV file (it looks like binary data or an unknown encoding)", _RESAVE_CSV)


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the first non-blank line: comma, semicolon or tab, whichever is most common."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path) -> RawSheet:
    """Read a CSV file into one ``RawSheet`` (every cell a string).

    Raises:
        ReadError: the file cannot be decoded or parsed.
    """
    data = path.read_bytes()
    text, encoding = decode_csv_bytes(data)
    text = text.lstrip("\ufeff")
    sheet = RawSheet(display_name(path), "", encoding=encoding)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
        for number, cells in enumerate(reader, start=1):
            sheet.rows.append((number, list(cells)))
    except csv.Error as error:
        raise ReadError(f"is not a well-formed CSV file ({error})", _RESAVE_CSV) from None
    return sheet


def read_xlsx(path: Path, sheet_name: str | None = None) -> list[RawSheet]:
    """Read every sheet (or the named one) of a workbook; cells keep their Excel types.

    Raises:
        ReadError: the file is not a valid .xlsx workbook, or has no sheet of that name.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ReadError(
            f"is not a valid .xlsx workbook ({type(error).__name__}; it may be password-protected, damaged, "
            "or an old .xls renamed)",
            _RESAVE_XLSX,
        ) from None
    except Exception as error:  # openpyxl raises its own InvalidFileException and others
        raise ReadError(f"could not be opened as a workbook ({type(error).__name__})", _RESAVE_XLSX) from None
    try:
        names = workbook.sheetnames
        if sheet_name is not None and sheet_name not in names:
            raise ReadError(f"has no sheet named '{sheet_name}'", f"the sheets are: {', '.join(names)}")
        sheets: list[RawSheet] = []
        for name in names if sheet_name is None else [sheet_name]:
            sheet = RawSheet(display_name(path), name)
            for number, cells in enumerate(workbook[name].iter_rows(values_only=True), start=1):
                sheet.rows.append((number, list(cells)))
            sheets.append(sheet)
        return sheets
    finally:
        workbook.close()


def read_file(path: Path, sheet_name: str | None = None) -> list[RawSheet]:
    """Read one .csv or .xlsx file into its sheets.

    Raises:
        ReadError: unsupported file type, or the file cannot be read.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv(path)]
    if suffix == ".xlsx":
        return read_xlsx(path, sheet_name)
    if suffix in (".xls", ".xlsm", ".ods"):
        raise ReadError(f"is a '{suffix}' file, which the kit does not read", _RESAVE_XLSX)
    raise ReadError(f"is not a .csv or .xlsx file ('{suffix or 'no extension'}')", "give a .csv or .xlsx file")
