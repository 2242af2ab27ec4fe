"""Light images for the pages: charts at the size they are shown, PNGs re-encoded, SVG where smaller.

A page embeds its images as ``data:`` URIs, so every byte of an image is a byte
of the page. :func:`optimise_png` re-encodes a PNG as a palette image when that
loses nothing visible (charts use a few flat colours plus anti-aliased edges),
drops an alpha channel that is fully opaque, and never returns something larger
than it was given. ``helpers.presentation.charts.figure_png`` calls it on every
chart, so notebooks, pages and PDFs all carry the small image.

Pages carry their charts as lossless WebP where that is smaller than the PNG
(:func:`lighter_page_images`, about a fifth lighter, the same pixels).

Belongs here: image bytes. Not here: drawing charts (``presentation.charts``),
the page around them (``render``).
"""

from __future__ import annotations

import base64
import io
import re

import numpy as np
from PIL import Image, features

#: Palettes tried in turn for a chart, (colours, quantizer); the first close enough is kept. A chart is a
#: few flat colours and their anti-aliased edges: Pillow's fast octree's 32 colours usually hold it (2 ms,
#: a quarter lighter than 256); where they miss the limits, median cut's 32 (RGB only), then the octree's 256.
PALETTE_TRIES: tuple[tuple[int, Image.Quantize], ...] = (
    (32, Image.Quantize.FASTOCTREE), (32, Image.Quantize.MEDIANCUT), (256, Image.Quantize.FASTOCTREE))
#: Palettes tried in turn for a share card (wide flat areas, large anti-aliased text), where the octree's 32
#: colours miss the pixel limit by a few levels: max coverage's 32 hold, in 30 ms against median cut's
#: 60-110 ms, with 8-9 % fewer bytes and a lower largest error (measured on the built cards, 2026-12-06).
CARD_PALETTE_TRIES: tuple[tuple[int, Image.Quantize], ...] = (
    (32, Image.Quantize.MAXCOVERAGE), (256, Image.Quantize.FASTOCTREE))
#: Largest mean difference per colour channel (0-255) a palette version may have: 1.5 is 0.6 %,
#: far below what an eye can tell on a chart; the pixel limit below guards single pixels.
MAX_MEAN_ERROR = 1.5
#: Largest difference of any one channel of any pixel a palette version may have.
MAX_PIXEL_ERROR = 48
#: zlib level of a PNG that is only decoded again by :func:`optimise_png`: stored, not compressed (never
#: published; 8 ms a chart faster to write and read than level 1, measured 2026-12-06).
INTERMEDIATE_PNG_OPTIONS = {"compress_level": 0}
#: How a chart's palette PNG is written. Level 7: 14 ms for a 1080 x 1350 picture, where level 9 (or
#: ``optimize``) takes 90-140 ms for a tenth fewer bytes (measured 2026-12-06); a page carries its
#: charts as WebP anyway (:func:`lighter_page_images`), so the PNG's last bytes are not published.
CHART_PNG_OPTIONS = {"compress_level": 7}
#: How a file people save and post (a share card) is written: zlib level 8, within 2-3 % of the smallest
#: (level 9 or ``optimize``: 70-90 ms a 1080 x 1350 card) in 30 ms (measured 2026-12-06 on the built cards).
FILE_PNG_OPTIONS = {"compress_level": 8}


def _without_opaque_alpha(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema() == (255, 255):
        return image.convert("RGB" if image.mode == "RGBA" else "L")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return image.convert("RGBA")
    return image


def _palette_version(image: Image.Image, tries: tuple[tuple[int, Image.Quantize], ...]) -> Image.Image | None:
    """The first palette copy of ``image`` (``tries``) close enough to it (the error limits), or None."""
    if image.mode in ("P", "L"):
        return None
    original = np.asarray(image, dtype=np.int16)
    for colours, method in tries:
        if method != Image.Quantize.FASTOCTREE and image.mode != "RGB":
            continue  # Pillow's max coverage and median cut take RGB only
        palette = image.quantize(colors=colours, method=method, dither=Image.Dither.NONE)
        error = np.abs(np.asarray(palette.convert(image.mode), dtype=np.int16) - original)
        if error.mean() <= MAX_MEAN_ERROR and error.max() <= MAX_PIXEL_ERROR:
            return palette
    return None


def optimise_image(image: Image.Image, options: dict | None = None,
                   palette_tries: tuple[tuple[int, Image.Quantize], ...] = PALETTE_TRIES) -> bytes:
    """Encode a picture as a PNG that shows no visible change (palette where close enough).

    For pictures drawn in this process (a share card's canvas): no PNG is encoded and decoded on the way.
    ``options`` are Pillow's PNG options (default :data:`FILE_PNG_OPTIONS`, nearly as small as zlib goes);
    ``palette_tries`` the palettes tried in turn (:data:`CARD_PALETTE_TRIES` for a share card).
    """
    image = _without_opaque_alpha(image)
    palette = _palette_version(image, palette_tries)
    buffer = io.BytesIO()
    # a palette image of a chart is smaller than any full-colour encoding of it: encode only that
    (image if palette is None else palette).save(buffer, format="PNG", **(FILE_PNG_OPTIONS if options is None else options))
    return buffer.getvalue()


def optimise_png(data: bytes, *, max_width_px: int | None = None) -> bytes:
    """Re-encode PNG bytes as small as they go without a visible change; never larger than ``data``.

    Args:
        data: a PNG file's bytes.
        max_width_px: scale the image down (keeping its proportions) when it is wider.

    Returns:
        The smaller of ``data`` and its re-encoding (:func:`optimise_image`).
    """
    image = Image.open(io.BytesIO(data))
    image.load()
    if max_width_px is not None and image.width > max_width_px:
        height = max(1, round(image.height * max_width_px / image.width))
        return optimise_image(_without_opaque_alpha(image).resize((max_width_px, height), Image.Resampling.LANCZOS),
                              CHART_PNG_OPTIONS)
    return min(optimise_image(image, CHART_PNG_OPTIONS), data, key=len)


#: ``src="data:image/png;base64,..."`` of an ``<img>`` in a page.
_PNG_DATA_URI = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
#: Effort of the lossless WebP encoder (0-6): 4 is within 1-2 % of 6 at a twentieth of the time.
WEBP_METHOD = 4


def lossless_webp(data: bytes) -> bytes | None:
    """The same pixels as the PNG ``data`` in lossless WebP, or None when that is not smaller (or not available)."""
    if not features.check("webp"):
        return None
    image = Image.open(io.BytesIO(data))
    image.load()
    buffer = io.BytesIO()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image.convert("RGBA" if has_alpha else "RGB").save(
        buffer, format="WEBP", lossless=True, quality=100, method=WEBP_METHOD)
    encoded = buffer.getvalue()
    return encoded if len(encoded) < len(data) else None


def lighter_page_images(page: str) -> str:
    """Swap each PNG embedded in an HTML page for its lossless WebP when that is smaller (same pixels).

    Every browser an official's phone or office PC runs (Chrome and Android's web view,
    Edge, Firefox, Safari 14 and later) shows WebP; Chromium prints it into the PDFs like
    any image. The executed notebooks and the share cards (files people save and post)
    stay PNG.
    """
    def swap(match: re.Match) -> str:
        webp = lossless_webp(base64.b64decode(match.group(1)))
        if webp is None:
            return match.group(0)
        return f'src="data:image/webp;base64,{base64.b64encode(webp).decode("ascii")}"'

    return _PNG_DATA_URI.sub(swap, page)
