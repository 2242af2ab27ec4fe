"""Lighter PDFs: palette images with exactly the same pixels, fonts without hinting at the same glyph ids, object streams."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pytest

from helpers.publishing.pdf_compaction import MAX_PALETTE_COLOURS, compact_pdf, indexed_image, lighter_truetype


def _chart_like(height: int = 120, width: int = 200, colours: int = 12, seed: int = 3) -> np.ndarray:
    """Flat bands of ``colours`` colours with a few stray pixels, like an anti-aliased chart."""
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, size=(colours, 3), dtype=np.uint8)
    bands = np.broadcast_to(np.arange(width)[None, :] * colours // width, (height, width)).copy()
    strays = rng.random((height, width)) < 0.02
    bands[strays] = rng.integers(0, colours, size=int(strays.sum()))
    return palette[bands]


def _pdf_with_images(path: Path, images: list[np.ndarray]) -> None:
    """A one-page PDF showing ``images`` as deflated RGB image XObjects (as Chromium prints them)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    names = {}
    content = []
    for number, pixels in enumerate(images):
        height, width, _ = pixels.shape
        names[f"/Im{number}"] = pikepdf.Stream(
            pdf, zlib.compress(pixels.tobytes()), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
            Width=width, Height=height, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
            Filter=pikepdf.Name.FlateDecode)
        content.append(f"q {width} 0 0 {height} 10 {10 + 200 * number} cm /Im{number} Do Q")
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(names))
    page.Contents = pdf.make_stream("\n".join(content).encode())
    pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False)


def _image_pixels(path: Path) -> list[np.ndarray]:
    with pikepdf.open(path) as pdf:
        found = []
        for page in pdf.pages:
            for _, image in sorted(page.Resources.XObject.items()):
                found.append(np.asarray(pikepdf.PdfImage(image).as_pil_image().convert("RGB")))
        return found


def _colour_spaces(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(image.ColorSpace[0] if isinstance(image.ColorSpace, pikepdf.Array) else image.ColorSpace)
                for _, image in sorted(pdf.pages[0].Resources.XObject.items())]


@pytest.mark.parametrize("colours", [2, 3, 12, 200, MAX_PALETTE_COLOURS])
def test_indexed_image_has_the_exact_colours_and_the_smallest_bit_depth(colours):
    pixels = _chart_like(colours=colours)
    distinct = len(np.unique(pixels.reshape(-1, 3), axis=0))
    indexed = indexed_image(pixels)
    assert indexed is not None
    assert len(indexed.palette_rgb) // 3 == distinct
    expected_bits = 1 if distinct <= 2 else 2 if distinct <= 4 else 4 if distinct <= 16 else 8
    assert indexed.bits_per_index == expected_bits


def test_an_image_of_more_than_256_colours_is_not_indexed():
    noise = np.random.default_rng(1).integers(0, 256, size=(40, 40, 3), dtype=np.uint8)
    assert indexed_image(noise) is None


def test_compaction_keeps_every_pixel_and_makes_the_pdf_lighter(tmp_path):
    chart = _chart_like()
    photo = np.random.default_rng(2).integers(0, 256, size=(60, 80, 3), dtype=np.uint8)
    path = tmp_path / "brief.pdf"
    _pdf_with_images(path, [chart, photo])
    size_before = path.stat().st_size

    assert compact_pdf(path) == 1  # the chart; the photo has too many colours

    assert path.stat().st_size < size_before
    after = _image_pixels(path)
    assert np.array_equal(after[0], chart) and np.array_equal(after[1], photo)
    assert _colour_spaces(path) == ["/Indexed", "/DeviceRGB"]
    with pikepdf.open(path) as pdf:
        assert any(obj.get("/Type") == pikepdf.Name.ObjStm for obj in pdf.objects if isinstance(obj, pikepdf.Stream))


def test_an_image_with_transparency_is_left_alone(tmp_path):
    path = tmp_path / "masked.pdf"
    _pdf_with_images(path, [_chart_like()])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        image = pdf.pages[0].Resources.XObject["/Im0"]
        image.SMask = pikepdf.Stream(pdf, zlib.compress(bytes(200 * 120)), Type=pikepdf.Name.XObject,
                                     Subtype=pikepdf.Name.Image, Width=200, Height=120,
                                     ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                                     Filter=pikepdf.Name.FlateDecode)
        pdf.save(path)
    assert compact_pdf(path) == 0
    assert _colour_spaces(path) == ["/DeviceRGB"]


def test_an_image_with_a_decode_array_is_left_alone(tmp_path):
    path = tmp_path / "inverted.pdf"
    _pdf_with_images(path, [_chart_like()])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].Resources.XObject["/Im0"].Decode = pikepdf.Array([1, 0, 1, 0, 1, 0])  # inverted colours
        pdf.save(path)
    assert compact_pdf(path) == 0
    assert _colour_spaces(path) == ["/DeviceRGB"]


def test_a_file_that_is_not_a_pdf_is_named_in_the_error_and_left_as_it_was(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"not a pdf at all")
    with pytest.raises(pikepdf.PdfError):
        compact_pdf(path)
    assert path.read_bytes() == b"not a pdf at all"


def _dejavu_bytes() -> bytes:
    """A hinted TrueType font with layout tables: the DejaVu Sans that matplotlib ships."""
    import matplotlib

    return (Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf").read_bytes()


def test_a_lighter_font_keeps_every_glyph_at_its_id_and_drops_hinting_and_layout():
    from fontTools.ttLib import TTFont

    original_bytes = _dejavu_bytes()
    lighter_bytes = lighter_truetype(original_bytes)
    assert lighter_bytes is not None and len(lighter_bytes) < len(original_bytes)
    original, lighter = TTFont(io.BytesIO(original_bytes)), TTFont(io.BytesIO(lighter_bytes))
    assert lighter["maxp"].numGlyphs == original["maxp"].numGlyphs  # the PDF addresses glyphs by id
    assert {"fpgm", "prep", "cvt ", "GSUB", "GPOS", "GDEF"} & set(original.keys())
    assert not {"fpgm", "prep", "cvt ", "GSUB", "GPOS", "GDEF", "kern"} & set(lighter.keys())
    glyph_id = original.getGlyphID(original.getBestCmap()[ord("g")])
    name = original.getGlyphOrder()[glyph_id]
    same_outline = lighter["glyf"][lighter.getGlyphOrder()[glyph_id]]
    original_outline = original["glyf"][name]
    assert same_outline.getCoordinates(lighter["glyf"])[0] == original_outline.getCoordinates(original["glyf"])[0]
    assert lighter["hmtx"][lighter.getGlyphOrder()[glyph_id]] == original["hmtx"][name]
    assert original_outline.program.getBytecode()  # DejaVu's glyphs are hinted...
    # ...and no glyph of the lighter font keeps an instruction (its names are gone: glyphs are paired by id)
    for glyph_name, name_before in zip(lighter.getGlyphOrder(), original.getGlyphOrder(), strict=True):
        glyph, before = lighter["glyf"][glyph_name], original["glyf"][name_before]
        assert not (hasattr(glyph, "program") and glyph.program.getBytecode()), glyph_name
        assert glyph.numberOfContours == before.numberOfContours, glyph_name  # every outline and its box kept
        if glyph.numberOfContours:
            assert (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax) == (before.xMin, before.yMin, before.xMax, before.yMax)
    assert lighter["maxp"].maxSizeOfInstructions == 0


def test_something_that_is_not_a_font_is_left_alone():
    assert lighter_truetype(b"\x00\x01\x00\x00 not really a font") is None
