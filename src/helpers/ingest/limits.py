"""What is checked about a registration file before it is parsed: what it is, and its limits.

Belongs here: the limits of ``limits.yaml`` (file size; members, uncompressed
size and compression ratio of a zip-based workbook; sheets, rows, columns,
cells and cell length), the checks that apply them, telling what a file is
from its first bytes, not its name (``sniff``), refusing one that is not what
its name says or not a sheet at all (``refuse_kind``); every refusal is a
``helpers.errors.SheetReadError`` (one line: ``file, sheet S: problem; fix``). A zip-based workbook
(.xlsx/.xlsm/.xlsb/.ods) is checked from its zip directory first, then every
member is inflated once in 1 MiB pieces (never more than its declared size:
bounded memory) to check its real size and CRC, and the worksheet XML is
scanned for the grid it declares, so that the parser is never handed a bomb,
a damaged member or a grid too big to hold. Not here: parsing cells
(``reading``) or deciding what the rows mean (``pipeline``).

What is not checked before parsing: the grid of a .xls, .xlsb or .ods sheet
(known only once the sheet is read, and checked then, before its cells become
Python values).
"""

from __future__ import annotations

import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from helpers.errors import SheetReadError

LIMITS_FILE = Path(__file__).resolve().parent / "limits.yaml"
_PIECE_BYTES = 1 << 20
#: The first bytes of each kind of file, and how much of the file is read to tell it.
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 1 << 16


#: Workbook types read through python-calamine.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
#: How to re-save a sheet as CSV, or as .xlsx (the fix of many refusals).
RESAVE_CSV = "open it in Excel and save it with File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'"
RESAVE_XLSX = "open it in Excel and save it with File > Save As > 'Excel Workbook (*.xlsx)'"
#: Spreadsheet files the kit refuses with the advice to re-save them as .xlsx.
EXCEL_OTHER = (".numbers", ".xltx", ".xltm", ".xlt", ".xml", ".htm", ".html")
#: What each kind of file (``limits.sniff``) is called in a message.
KIND_NAMES = {
    "xlsx": "an Excel workbook (.xlsx)", "xlsb": "an Excel binary workbook (.xlsb)",
    "ods": "an OpenDocument spreadsheet (.ods)", "xls": "an old Excel workbook (.xls)",
    "text": "a text file (CSV or tab-separated)", "zip": "a zip archive that is not a workbook",
    "ole": "an Office file that is not a workbook (a Word document?)", "binary": "binary data that is no workbook",
    "html": "a web page", "xml": "an XML file", "encrypted": "a password-protected file", "empty": "an empty file",
}
#: The suffixes a workbook of each kind may have.
_KIND_SUFFIXES = {"xlsx": (".xlsx", ".xlsm"), "xlsb": (".xlsb",), "ods": (".ods",), "xls": (".xls",)}
#: The name of a stream (a file inside an OLE file) that tells its kind, the first found deciding.
_OLE_STREAMS = (("EncryptedPackage", "encrypted"), ("Workbook", "xls"), ("Book\x00", "xls"), ("WordDocument", "ole"))


@dataclass(frozen=True)
class Limits:
    """The limits on one file (see ``limits.yaml`` for what each means and why)."""

    file_bytes_max: int
    archive_members_max: int
    member_uncompressed_bytes_max: int
    archive_uncompressed_bytes_max: int
    compression_ratio_max: int
    ratio_checked_from_bytes: int
    sheets_max: int
    rows_max: int
    columns_max: int
    cells_max: int
    cell_chars_max: int


#: The limits declared in ``limits.yaml``.
LIMITS = Limits(**{key: int(value) for key, value in yaml.safe_load(LIMITS_FILE.read_text(encoding="utf-8")).items()})


def _mib(size_bytes: int) -> str:
    """A size for a message: in MiB, or in bytes below one MiB."""
    return f"{size_bytes / (1 << 20):,.0f} MiB" if size_bytes >= 1 << 20 else f"{size_bytes:,} bytes"


def over_limit(what: str, limit: str) -> SheetReadError:
    """The refusal of a file over a limit: ``what`` it has, and the ``limit`` it goes over."""
    return SheetReadError(f"refused: {what}, over the limit of {limit} (a damaged or hostile file?)",
                          "check the file; if it is a real sheet, split it into smaller files")


# ---- what a file is -----------------------------------------------------------------------------


def sniff(path: Path) -> str:
    """What the file is, from its first bytes and (for a zip or OLE file) its directory.

    Returns:
        One of ``"empty"``, ``"xlsx"`` (also .xlsm), ``"xlsb"``, ``"ods"``, ``"zip"`` (another
        zip file), ``"xls"``, ``"encrypted"`` (a password-protected Office file), ``"ole"``
        (another OLE file, e.g. a .doc), ``"html"``, ``"xml"`` (an Excel 2003 XML
        spreadsheet or other XML), ``"text"`` or ``"binary"``.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head:
        return "empty"
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(path)
    if head.startswith(_OLE_MAGIC):  # an encrypted Office file (``EncryptedPackage``), a .xls (``Workbook``)...: the
        with path.open("rb") as handle:  # names of its streams are in UTF-16 in its directory sectors
            data = handle.read(1 << 22)  # the directory of a small file; enough to find the names
        found = (kind for stream, kind in _OLE_STREAMS if stream.encode("utf-16-le") in data)
        return next(found, "xls" if path.suffix.lower() == ".xls" else "ole")
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").replace(b"\x00", b"")[:2048].lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body")) or (
        text.startswith(b"<") and b"<table" in head.replace(b"\x00", b"").lower()
    ):
        return "html"
    if text.startswith(b"<?xml"):
        return "xml"
    controls = sum(1 for byte in head[:4096] if byte < 9 or 13 < byte < 32)
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    return "text" if utf16 or controls <= len(head[:4096]) // 100 else "binary"


def _zip_kind(path: Path) -> str:
    """A zip file: a .xlsx (or .xlsm), .xlsb or .ods workbook, or another zip.

    A zip whose directory cannot be read is taken for what its name says
    (``check_archive`` then says it is damaged). Only a small ``mimetype``
    member is ever inflated here.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                small = archive.getinfo("mimetype").file_size <= 200
                mimetype = archive.read("mimetype")[:100] if small else b""
                return "ods" if b"opendocument.spreadsheet" in mimetype else "zip"
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError, NotImplementedError, RuntimeError):
        return {".xlsx": "xlsx", ".xlsm": "xlsx", ".xlsb": "xlsb", ".ods": "ods"}.get(path.suffix.lower(), "zip")
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def refuse_kind(path: Path, kind: str) -> None:
    """Refuse a file that is not what its name says, or is not a sheet at all; pass one that is."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return  # decode_csv_bytes says what a file named .csv is when it is not text
    if kind == "empty":
        raise SheetReadError("the file is empty", "export the registration sheet again")
    if kind == "encrypted":
        raise SheetReadError("is password-protected (encrypted), so it cannot be read",
                             "open it in Excel with its password, remove the password (File > Info > Protect Workbook > "
                             "Encrypt with Password, clear it) and save it as 'Excel Workbook (*.xlsx)'")
    if kind == "html":
        raise SheetReadError(f"is a web page (an HTML table) with a '{suffix}' name, as some portals export",
                             RESAVE_XLSX + " (or 'CSV UTF-8 (Comma delimited) (*.csv)')")
    if kind == "xml":
        raise SheetReadError(f"is an XML file (perhaps an 'XML Spreadsheet 2003') with a '{suffix}' name", RESAVE_XLSX)
    if suffix == ".txt":
        what = "a text export" if kind == "text" else f"not text (it looks like {KIND_NAMES.get(kind, kind)})"
        raise SheetReadError(f"is a '.txt' file ({what}), which the kit does not read", RESAVE_CSV)
    if suffix not in WORKBOOK_SUFFIXES:
        if suffix in EXCEL_OTHER:
            raise SheetReadError(f"is a '{suffix}' file, which the kit does not read", RESAVE_XLSX)
        raise SheetReadError(f"is not a sheet the kit reads ('{suffix or 'no extension'}')",
                             "give a .csv, .xlsx, .xls, .xlsb or .ods file")
    suffixes = _KIND_SUFFIXES.get(kind, ())
    if suffix not in suffixes:
        fix = f"rename it to end in {suffixes[0]}" if suffixes else RESAVE_XLSX
        raise SheetReadError(f"is {KIND_NAMES.get(kind, kind)} with a '{suffix}' name", fix)


# ---- limits -------------------------------------------------------------------------------------


def check_file_size(path: Path) -> None:
    """Refuse a file bigger than ``file_bytes_max``."""
    size = path.stat().st_size
    if size > LIMITS.file_bytes_max:
        raise over_limit(f"the file is {_mib(size)}", f"{_mib(LIMITS.file_bytes_max)} (file_bytes_max)")


def check_archive(path: Path) -> None:
    """Check a zip-based workbook before it is parsed: directory, members, real sizes and CRCs, grid.

    Raises:
        SheetReadError: a limit is exceeded, or the zip is damaged (bad directory,
            a member that does not inflate, a CRC error), without the file name.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_directory(members)
            for member in members:
                _inflate_member(archive, member)
    except SheetReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, xml.parsers.expat.ExpatError, EOFError, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError, UnicodeError) as error:
        raise SheetReadError(f"is damaged: its contents cannot be read ({describe_error(error)})",
                             "ask the sender for a fresh copy, or open it in Excel and save it again as .xlsx") from None


def describe_error(error: BaseException) -> str:
    """An exception as a short phrase for a message: its type and the start of its text, on one line."""
    text = " ".join(str(error).split())[:80]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _check_directory(members: list[zipfile.ZipInfo]) -> None:
    """Members count, each member's declared size and ratio, and their total."""
    if len(members) > LIMITS.archive_members_max:
        raise over_limit(f"the workbook holds {len(members):,} files", f"{LIMITS.archive_members_max:,} (archive_members_max)")
    total = 0
    for member in members:
        name, size, compressed = member.filename[:60], member.file_size, max(member.compress_size, 1)
        if size > LIMITS.member_uncompressed_bytes_max:
            raise over_limit(f"its part '{name}' inflates to {_mib(size)}",
                             f"{_mib(LIMITS.member_uncompressed_bytes_max)} (member_uncompressed_bytes_max)")
        if size > LIMITS.ratio_checked_from_bytes and size > LIMITS.compression_ratio_max * compressed:
            raise over_limit(f"its part '{name}' inflates {size // compressed:,} times (a zip bomb)",
                             f"{LIMITS.compression_ratio_max} times (compression_ratio_max)")
        total += size
        if total > LIMITS.archive_uncompressed_bytes_max:
            raise over_limit(f"the workbook inflates to more than {_mib(total)}",
                             f"{_mib(LIMITS.archive_uncompressed_bytes_max)} (archive_uncompressed_bytes_max)")


def _inflate_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Inflate one member in pieces: its real size stays within its declared one, its CRC is checked.

    ``zipfile`` stops at the declared size and checks the CRC at the end; a
    member whose data ends early raises ``EOFError``. Worksheet XML is scanned
    for its grid on the way.
    """
    name = member.filename
    grid: _Grid | _OdsGrid | None = None
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        grid = _Grid()
    elif name == "content.xml" and "mimetype" in archive.NameToInfo:
        grid = _OdsGrid()
    with archive.open(member) as stream:
        while piece := stream.read(_PIECE_BYTES):
            if grid is not None:
                grid.scan(piece)
    if grid is not None:
        check_grid(grid.rows, grid.columns)


class _OdsGrid:
    """The extent of the cells with a value in an .ods ``content.xml``, repeats counted, parsed in pieces.

    A cell or row may stand for many (``number-columns-repeated``,
    ``number-rows-repeated``): a few bytes can declare millions of cells, which
    the parser would hold. Empty repeated cells (LibreOffice writes them to
    the sheet's end) do not count: the parser skips them too. A document
    type declaration (entities) is refused.
    """

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self._row = self._column = 0
        self._row_repeat = 1
        self._row_has_value = False
        self._parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.StartDoctypeDeclHandler = self._doctype

    def scan(self, piece: bytes) -> None:
        self._parser.Parse(piece, False)

    def _doctype(self, *_args: object) -> None:
        raise ValueError("an .ods content.xml with a document type declaration")

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        local = tag.rsplit(" ", 1)[-1]
        if local == "table":
            self._row = 0
        elif local == "table-row":
            self._column, self._row_has_value = 0, False
            self._row_repeat = _repeat(attributes, "number-rows-repeated")
        elif local in ("table-cell", "covered-table-cell"):
            self._column += _repeat(attributes, "number-columns-repeated")
            if any(key.endswith(" value-type") for key in attributes):
                self._row_has_value = True
                self.columns = max(self.columns, self._column)

    def _end(self, tag: str) -> None:
        if tag.endswith(" table-row"):
            self._row += self._row_repeat
            if self._row_has_value:
                self.rows = max(self.rows, self._row)
                check_grid(self.rows, self.columns)  # refuse as soon as it is over


def _repeat(attributes: dict[str, str], name: str) -> int:
    for key, value in attributes.items():
        if key.endswith(" " + name):
            return max(int(value), 1) if value.isdigit() else 1
    return 1


class _Grid:
    """The extent of a worksheet's cells, from the ``r="..."`` references of its XML, read in pieces.

    Every `` r="`` attribute (of a row: digits; of a cell: letters and digits,
    in any attribute order) is parsed with numpy, so a 140 MB sheet is scanned
    in about a second. A cell without ``r`` (its place implied) is not
    counted: see ``docs/registration_schema.md``.
    """

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self._tail = b""

    def scan(self, piece: bytes) -> None:
        text = self._tail + piece
        cut = max(text.rfind(b" "), len(text) - 64, 0)  # a reference cut by the piece's end: scanned next time
        body, self._tail = text[:cut], text[cut:]
        rows, columns = _reference_extent(body)
        self.rows, self.columns = max(self.rows, rows), max(self.columns, columns)


_REF_PREFIX = b' r="'
_TOO_MANY = 10**9  # a reference with more than 3 letters or 7 digits: beyond any limit


def _reference_extent(body: bytes) -> tuple[int, int]:
    """``(highest row, highest column)`` of the `` r="A1"`` references in ``body`` (0 when none)."""
    if _REF_PREFIX not in body:
        return 0, 0
    data = np.frombuffer(body + bytes(16), dtype=np.uint8)
    starts = np.flatnonzero(data[: len(body)] == _REF_PREFIX[0])
    for offset in range(1, len(_REF_PREFIX)):
        starts = starts[data[starts + offset] == _REF_PREFIX[offset]]
    refs = starts + len(_REF_PREFIX)
    if not len(refs):
        return 0, 0
    column, letters = _leading_number(data, refs, 4, 65, 90, 26)  # letters A-Z: up to 3, a 4th is too many
    row, digits = _leading_number(data, refs + letters, 8, 48, 57, 10)  # digits: up to 7
    column[letters > 3] = _TOO_MANY
    row[digits > 7] = _TOO_MANY
    return int(row.max()), int(column.max())


def _leading_number(data: np.ndarray, at: np.ndarray, most: int, low: int, high: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    """The number written at each position ``at`` in bytes ``low``..``high`` (value 1..26 or 0..9), and its length."""
    value = np.zeros(len(at), dtype=np.int64)
    length = np.zeros(len(at), dtype=np.int64)
    going = np.ones(len(at), dtype=bool)
    first = 64 if base == 26 else 48
    for offset in range(most):
        byte = data[at + offset].astype(np.int64)
        going &= (byte >= low) & (byte <= high)
        value = np.where(going, value * base + byte - first, value)
        length += going
    return value, length


def check_grid(rows: int, columns: int) -> None:
    """Refuse a sheet whose grid has more rows, columns or cells than the limits allow."""
    if rows > LIMITS.rows_max:
        raise over_limit(f"a sheet has {rows:,} rows", f"{LIMITS.rows_max:,} rows (rows_max)")
    if columns > LIMITS.columns_max:
        raise over_limit(f"a sheet has {columns:,} columns", f"{LIMITS.columns_max:,} columns (columns_max)")
    if rows * columns > LIMITS.cells_max:
        raise over_limit(f"a sheet spans {rows:,} rows by {columns:,} columns",
                         f"{LIMITS.cells_max:,} cells (cells_max)")


def check_sheets(count: int) -> None:
    """Refuse a workbook with more sheets than ``sheets_max``."""
    if count > LIMITS.sheets_max:
        raise over_limit(f"the workbook has {count:,} sheets", f"{LIMITS.sheets_max:,} sheets (sheets_max)")


def check_cell_chars(longest_chars: int) -> None:
    """Refuse a sheet with a cell longer than ``cell_chars_max`` characters."""
    if longest_chars > LIMITS.cell_chars_max:
        raise over_limit(f"a cell holds {longest_chars:,} characters",
                         f"{LIMITS.cell_chars_max:,} characters (cell_chars_max)")
