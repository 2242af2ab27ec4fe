"""Write the hostile and other-format registration files: one behaviour of the reader each.

Run from the project root: ``.venv/bin/python tests/data/hostile/make_hostile.py``.
Deterministic (fixed rows, fixed zip timestamps); no real people: the rows are
made up from district and craft names with ``HOST-`` ids. The outputs are
committed, except the zip bomb (``write_zip_bomb``), which the tests make in a
temporary folder (it is 0.6 MB that inflates to 600 MB).

Writing the other formats needs packages the kit itself does not: ``xlwt``
(.xls), ``odfpy`` (.ods, through pandas) and ``pyxlsbwriter`` (.xlsb); install
them with ``.venv/bin/pip install xlwt odfpy pyxlsbwriter`` before running this.
The kit reads all of them with python-calamine.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = [
    "registration_id", "gem_seller_id", "registration_date", "home_district", "event_district", "trade",
    "is_woman", "is_tribal", "craft", "gi_product", "onboarding_status", "data_origin",
]
_PLACES = [("Agra", "durrie weaving"), ("Firozabad", "glass bangles"), ("Mirzapur", "carpet weaving"),
           ("Varanasi", "banarasi silk weaving"), ("Moradabad", "brassware"), ("Meerut", "sports goods")]
_ZIP_TIME = (2021, 10, 29, 0, 0, 0)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def demo_rows(count: int = 12) -> list[list[object]]:
    """The demo workbook's records: the header, then made-up registrations (dates as dates)."""
    rows: list[list[object]] = [list(HEADER)]
    for number in range(1, count + 1):
        district, craft = _PLACES[number % len(_PLACES)]
        rows.append([
            f"HOST-{number:04d}", f"GEMS-H{number:05d}", dt.datetime(2021, 11, 1 + number % 27), district, district,
            ("artisan", "weaver")[number % 2], ("yes", "no")[number % 3 == 0], "no", craft, "",
            ("registered", "catalogue live", "first order")[number % 3], "SYNTHETIC TEST",
        ])
    return rows


def _save_zip(path: Path, members: list[tuple[str, bytes]]) -> None:
    """A zip of ``members`` with fixed timestamps (the same bytes every run)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def demo_xlsx_bytes(rows: list[list[object]] | None = None, hidden_lists: bool = False) -> bytes:
    """The demo workbook (.xlsx), optionally with a hidden "Lists" sheet of drop-down values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registrations"
    for cells in rows or demo_rows():
        sheet.append(cells)
    for cell in sheet["C"][1:]:
        cell.number_format = "dd-mm-yyyy"
    if hidden_lists:
        lists = workbook.create_sheet("Lists")
        lists.sheet_state = "hidden"
        for value in ("artisan", "weaver", "other"):
            lists.append([value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_time(buffer.getvalue())


def _fixed_time(data: bytes) -> bytes:
    """A zip-based workbook with every time in it (zip entries, created/modified properties) fixed.

    Writers stamp the time of day; fixed, the generator writes the same bytes every run.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            member = source.read(info)
            if info.filename in ("docProps/core.xml", "meta.xml"):
                member = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", b"2021-10-29T00:00:00Z", member)
            archive.writestr(zipfile.ZipInfo(info.filename, _ZIP_TIME), member, compress_type=info.compress_type)
    return out.getvalue()


def _fix_file_time(path: Path) -> Path:
    path.write_bytes(_fixed_time(path.read_bytes()))
    return path


def write_demo_xlsx(path: Path, rows: list[list[object]] | None = None, hidden_lists: bool = False) -> Path:
    """Write ``demo_xlsx_bytes`` to ``path``."""
    path.write_bytes(demo_xlsx_bytes(rows, hidden_lists))
    return path


def write_demo_xls(path: Path) -> Path:
    """The demo workbook as an old Excel .xls (BIFF8), written with xlwt."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Registrations")
    date_style = xlwt.easyxf(num_format_str="DD-MM-YYYY")
    for r, cells in enumerate(demo_rows()):
        for c, value in enumerate(cells):
            if isinstance(value, dt.datetime):
                sheet.write(r, c, value, date_style)
            elif value != "":
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_demo_ods(path: Path) -> Path:
    """The demo workbook as an OpenDocument spreadsheet, written by pandas with odfpy."""
    import pandas as pd

    rows = demo_rows()
    frame = pd.DataFrame(rows[1:], columns=rows[0]).replace("", None)
    frame.to_excel(path, sheet_name="Registrations", index=False, engine="odf")
    return _fix_file_time(path)


def write_demo_xlsb(path: Path) -> Path:
    """The demo workbook as an Excel binary workbook (.xlsb), written with pyxlsbwriter (dates as text)."""
    from pyxlsbwriter import XlsbWriter

    rows = [[v.strftime("%d-%m-%Y") if isinstance(v, dt.datetime) else (v if v != "" else None) for v in cells]
            for cells in demo_rows()]
    with XlsbWriter(str(path)) as writer:
        writer.add_sheet("Registrations")
        writer.write_sheet(rows)
    return _fix_file_time(path)


def write_zip_bomb(path: Path, inflated_bytes: int = 600 * 2**20) -> Path:
    """A .xlsx whose sheet XML inflates to ``inflated_bytes`` (600 MB) of rows from well under 1 MB.

    Made without ever holding the inflated XML: one MiB of rows is deflated
    once, ending on a full flush (so the next copy does not refer back to it),
    and its deflate bytes are repeated; the CRC is computed piece by piece.
    """
    with zipfile.ZipFile(io.BytesIO(demo_xlsx_bytes())) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    row = b'<row><c t="inlineStr"><is><t>HOST-0000</t></is></c></row>'
    block = row * ((1 << 20) // len(row))
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    tail = b"</sheetData></worksheet>"
    repeats = max(1, (inflated_bytes - len(head) - len(tail)) // len(block))
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    deflated = _deflate(head, zlib.Z_FULL_FLUSH) + _deflate(block, zlib.Z_FULL_FLUSH) * repeats + _deflate(tail)
    raw = [(name, _deflate(data), zlib.crc32(data), len(data)) for name, data in members
           if name != "xl/worksheets/sheet1.xml"]
    raw.append(("xl/worksheets/sheet1.xml", deflated, crc, len(head) + repeats * len(block) + len(tail)))
    path.write_bytes(_raw_zip(raw))
    return path


def _deflate(data: bytes, flush: int = zlib.Z_FINISH) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(flush)


def _raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip file of already deflated members: ``(name, deflate bytes, CRC-32, inflated size)``."""
    import struct

    body, directory = bytearray(), bytearray()
    for name, deflated, crc, size in members:
        encoded = name.encode()
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5321, crc, len(deflated),
                                 size, len(encoded), 0, 0, 0, 0, 0, len(body)) + encoded
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5321, crc, len(deflated), size,
                            len(encoded), 0) + encoded + deflated
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    return bytes(body + directory + end)


def write_ods_repeat_bomb(path: Path, rows: int = 1_000_000, columns: int = 16_384) -> Path:
    """The demo .ods with one more row standing for ``rows`` rows of ``columns`` cells holding "x".

    A few hundred bytes that a parser would expand into 16 billion cells.
    """
    with zipfile.ZipFile(HERE / "demo.ods") as archive:
        members = [(info.filename, archive.read(info), info.compress_type) for info in archive.infolist()]
    row = (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
           f'table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x</text:p>'
           "</table:table-cell></table:table-row></table:table>").encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, data, compress_type in members:
            if name == "content.xml":
                data = data.replace(b"</table:table>", row, 1)
            out.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, compress_type=compress_type)
    return path


def write_truncated_xml(path: Path, source: Path) -> Path:
    """The demo workbook with its sheet XML cut in the middle of a row; the zip around it is intact."""
    members = _members(source)
    cut = []
    for name, data in members:
        if name == "xl/worksheets/sheet1.xml":
            data = data[: data.index(b'<row r="5"') + 25]
        cut.append((name, data))
    _save_zip(path, cut)
    return path


def write_bit_flipped(path: Path, source: Path) -> Path:
    """The demo workbook with bits flipped inside the compressed sheet XML; the zip directory is intact."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for position in range(start + 40, start + min(info.compress_size, 400), 37):
        data[position] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def write_html_as_xls(path: Path) -> Path:
    """What some web portals export as "Excel": an HTML table with a .xls name."""
    cells = "".join(f"<td>{value}</td>" for value in HEADER)
    path.write_text(f"<html><head><meta charset='utf-8'></head><body><table><tr>{cells}</tr>"
                    "<tr><td>HOST-0001</td><td></td><td>15-11-2021</td><td>Agra</td></tr></table></body></html>\n",
                    encoding="utf-8")
    return path


def write_encrypted_looking(path: Path) -> Path:
    """An OLE compound file with the streams of a password-protected .xlsx (EncryptionInfo, EncryptedPackage)."""
    header = _OLE_MAGIC + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + bytes(512 - 32)
    names = b"".join(name.encode("utf-16-le").ljust(128, b"\x00")
                     for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"))
    path.write_bytes(header + names + bytes(1024))
    return path


def write_all(folder: Path = HERE) -> list[Path]:
    """Write every committed file of this folder (not the zip bomb); return their paths."""
    demo = write_demo_xlsx(folder / "demo.xlsx")
    written = [
        demo,
        write_demo_xls(folder / "demo.xls"),
        write_demo_ods(folder / "demo.ods"),
        write_demo_xlsb(folder / "demo.xlsb"),
        write_demo_xlsx(folder / "hidden_lists.xlsx", hidden_lists=True),
        write_truncated_xml(folder / "truncated_xml.xlsx", demo),
        write_bit_flipped(folder / "bit_flipped.xlsx", demo),
        write_html_as_xls(folder / "portal_export.xls"),
        write_encrypted_looking(folder / "password_protected.xlsx"),
        write_ods_repeat_bomb(folder / "repeat_bomb.ods"),
    ]
    (folder / "xlsx_named.ods").write_bytes(demo.read_bytes())
    (folder / "csv_named.xls").write_text(",".join(HEADER) + "\nHOST-0001,,15-11-2021,Agra\n", encoding="utf-8")
    (folder / "text_export.txt").write_text("\t".join(HEADER) + "\nHOST-0001\t\t15-11-2021\tAgra\n", encoding="utf-8")
    control = demo_rows(3)
    control[1][8] = "durrie_x0000_ weaving_x0007_"  # NUL and BEL, as Excel escapes them in the XML
    written.append(write_demo_xlsx(folder / "control_characters.xlsx", control))
    return written + [folder / "xlsx_named.ods", folder / "csv_named.xls", folder / "text_export.txt"]


if __name__ == "__main__":
    for written_path in write_all():
        print(written_path.relative_to(HERE.parent.parent.parent))
