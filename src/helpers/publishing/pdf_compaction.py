"""Making a printed PDF light: palette images and compressed object streams, nothing visible changed.

Chromium prints every image as full-colour (RGB) pixels, although the kit's charts
are palette images of at most 256 colours (``presentation.images``), and writes the
tagged-PDF structure (one dictionary per heading, paragraph and table cell) as
uncompressed text. :func:`compact_pdf` rewrites such a PDF with pikepdf (qpdf):

- every 8-bit RGB image without transparency that has at most 256 distinct colours is
  stored as an indexed image (its exact colours in a palette, one byte or less a
  pixel, PNG-predicted and deflated): the same pixels, a third of the bytes;
- every embedded TrueType font keeps its glyphs, at the same glyph ids, and loses what
  only a browser laying text out or a screen rasterizer uses: hinting programs and the
  OpenType layout tables (the PDF's text is already laid out, glyph by glyph);
- objects go into compressed object streams (PDF 1.5, read by every current viewer)
  and every stream is deflated.

Text (and its ``ToUnicode`` maps, so copying and searching), tags, links and page
geometry are copied as they are. A district brief's PDF drops from about 156 KB to
about 60 KB.

Belongs here: rewriting a PDF's bytes. Not here: printing (``pdf``), image
encoding for the pages (``presentation.images``).
"""

from __future__ import annotations

import functools
import io
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
from fontTools.ttLib import TTFont
from PIL import Image

#: The PNG file signature; the chunks follow it.
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: A PNG's colour type for palette images (IHDR).
_PNG_PALETTE_COLOUR_TYPE = 3
#: The most colours an indexed PDF image may have.
MAX_PALETTE_COLOURS = 256


#: Tables of an embedded font that a PDF viewer never reads: layout (the text is laid out
#: already), kerning, device metrics, maths layout, signatures.
UNUSED_FONT_TABLES: tuple[str, ...] = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "hdmx", "VDMX", "LTSH",
                                       "DSIG")
#: A font's hinting programs and the tables only they use (fontTools' subsetter's hinting tables).
HINTING_FONT_TABLES: tuple[str, ...] = ("cvt ", "cvar", "fpgm", "prep")
#: How many rewritten fonts a build process remembers: a phase's pages share most of their fonts
#: (a quarter of a build's embedded fonts are byte for byte one printed before).
LIGHTER_FONTS_REMEMBERED = 256


@dataclass(frozen=True)
class IndexedImage:
    """An image as a PDF indexed image: PNG-predicted, deflated indices and their RGB palette."""

    width_px: int
    bits_per_index: int
    palette_rgb: bytes
    deflated_rows: bytes


def _png_chunks(png: bytes) -> dict[bytes, bytes]:
    """The chunks of a PNG by type (IDAT chunks joined in order)."""
    if not png.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    chunks: dict[bytes, bytes] = {}
    position = len(_PNG_SIGNATURE)
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        chunks[kind] = chunks.get(kind, b"") + png[position + 8:position + 8 + length]
        position += 12 + length
    return chunks


def indexed_image(pixels_rgb: np.ndarray) -> IndexedImage | None:
    """``pixels_rgb`` (height × width × 3, uint8) as an indexed image, or None above 256 colours.

    The palette holds the image's exact colours, so decoding it gives back the same
    pixels. The rows are encoded by Pillow's PNG writer (adaptive row filters, the
    smallest bit depth that holds the palette), whose image data is what a PDF's
    ``/FlateDecode`` with ``/Predictor 15`` reads.
    """
    height, width, _ = pixels_rgb.shape
    # Pillow counts colours by hashing (None above the limit): 5-8 times faster than np.unique's sort of every
    # pixel; the palette is the same sorted colours, each pixel's index its place among them.
    counted = Image.fromarray(pixels_rgb).getcolors(MAX_PALETTE_COLOURS)
    if counted is None:
        return None
    colours = np.sort(np.array([(r << 16) | (g << 8) | b for _, (r, g, b) in counted], dtype=np.uint32))
    channels = pixels_rgb.astype(np.uint32)
    indices = np.searchsorted(colours, ((channels[..., 0] << 16) | (channels[..., 1] << 8) | channels[..., 2]).ravel())
    palette = np.stack([(colours >> 16) & 0xFF, (colours >> 8) & 0xFF, colours & 0xFF], axis=1).astype(np.uint8)
    image = Image.frombytes("P", (width, height), indices.astype(np.uint8).tobytes())
    image.putpalette(palette.tobytes())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=8)  # within 1.2 % of optimize=True's bytes, in half its time
    chunks = _png_chunks(buffer.getvalue())
    header = chunks[b"IHDR"]
    bits_per_index, colour_type = header[8], header[9]
    if colour_type != _PNG_PALETTE_COLOUR_TYPE:
        return None
    return IndexedImage(width_px=width, bits_per_index=bits_per_index,
                        palette_rgb=chunks[b"PLTE"], deflated_rows=chunks[b"IDAT"])


def _as_indexed(image: pikepdf.Stream) -> bool:
    """Rewrite one image XObject as an indexed image when that is exact and smaller; True if done."""
    if (image.get("/SMask") is not None or image.get("/Mask") is not None or image.get("/BitsPerComponent") != 8
            or image.get("/ImageMask") or image.get("/Decode") is not None
            or image.get("/Filter") not in (pikepdf.Name.FlateDecode, None)):
        return False
    try:
        picture = pikepdf.PdfImage(image)
        if picture.colorspace not in ("/DeviceRGB", "/ICCBased") or picture.mode != "RGB":
            return False
        pixels = np.asarray(picture.as_pil_image().convert("RGB"))
    except Exception:  # noqa: BLE001 - an image pikepdf cannot decode is kept as it is
        return False
    indexed = indexed_image(pixels)
    if indexed is None or len(indexed.deflated_rows) >= len(image.read_raw_bytes()):
        return False
    base = image.ColorSpace  # the same RGB space (ICC profile) under the palette
    image.write(indexed.deflated_rows, filter=pikepdf.Name.FlateDecode, decode_parms=pikepdf.Dictionary(
        Predictor=15, Colors=1, BitsPerComponent=indexed.bits_per_index, Columns=indexed.width_px))
    image.ColorSpace = pikepdf.Array([
        pikepdf.Name.Indexed, base, len(indexed.palette_rgb) // 3 - 1, pikepdf.String(indexed.palette_rgb)])
    image.BitsPerComponent = indexed.bits_per_index
    return True


@functools.lru_cache(maxsize=LIGHTER_FONTS_REMEMBERED)
def lighter_truetype(font_bytes: bytes) -> bytes | None:
    """A TrueType font program without hinting and layout tables, every glyph at its id; None if not lighter.

    Chromium embeds each font as a subset that keeps every glyph id (unused glyphs
    empty), its hinting instructions and its layout tables; the PDF addresses glyphs by
    id, so the glyph order is kept as it is and no glyph is added or dropped. The tables a
    viewer never reads are deleted, each glyph's instructions removed, glyph names dropped:
    what fontTools' subsetter does with ``hinting=False`` and no layout features, without its
    glyph closure over the layout tables (two thirds of its time on the same outlines).
    """
    try:
        # the outlines are not changed, so their boxes and the font's limits are not computed again: the
        # embedded font's own (for the whole font) still bound them, at half the time (2026-12-06)
        font = TTFont(io.BytesIO(font_bytes), recalcBBoxes=False, recalcTimestamp=False)
        for tag in UNUSED_FONT_TABLES + HINTING_FONT_TABLES:
            if tag in font:
                del font[tag]
        font["glyf"].removeHinting()
        limits = font["maxp"]
        if limits.tableVersion == 0x00010000:  # TrueType's maxp: the hinting programs' limits
            limits.maxZones = 1
            for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                          "maxStackElements", "maxSizeOfInstructions"):
                setattr(limits, field, 0)
        font["post"].formatType = 3.0  # no glyph names: the PDF addresses glyphs by id
        buffer = io.BytesIO()
        font.save(buffer)
    except Exception:  # noqa: BLE001 - a font fontTools cannot read or rewrite is kept as it is
        return None
    return buffer.getvalue() if len(buffer.getvalue()) < len(font_bytes) else None


def _lighter_font_file(descriptor: pikepdf.Dictionary) -> bool:
    """Replace a font descriptor's ``/FontFile2`` by its lighter version; True if done."""
    font_file = descriptor.get("/FontFile2")
    if not isinstance(font_file, pikepdf.Stream):
        return False
    original = font_file.read_bytes()
    lighter = lighter_truetype(original)
    if lighter is None:
        return False
    font_file.write(lighter)  # deflated when the PDF is saved (compress_streams)
    font_file.Length1 = len(lighter)
    return True


def compact_pdf(pdf_path: Path | str) -> int:
    """Rewrite the PDF at ``pdf_path`` lighter, in place; return how many images became indexed.

    The file is replaced only when the rewrite is smaller (it always is for Chromium's
    output); a PDF pikepdf cannot read is left as it is and the error raised.

    Raises:
        pikepdf.PdfError: the file is not a PDF pikepdf can read.
    """
    path = Path(pdf_path)
    temporary = path.with_name(path.name + ".compact")
    with pikepdf.open(path) as pdf:
        indexed = sum(_as_indexed(obj) for obj in pdf.objects
                      if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.FontDescriptor:
                _lighter_font_file(obj)
        pdf.save(temporary, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True, recompress_flate=False)
    if temporary.stat().st_size < path.stat().st_size:
        temporary.replace(path)
    else:
        temporary.unlink()
    return indexed
