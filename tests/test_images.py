"""Light images: PNGs re-encoded as palettes without a visible change; the kit's charts come out optimised."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from helpers.presentation import charts  # noqa: E402
from helpers.presentation import images  # noqa: E402


def _chart_png() -> bytes:
    charts.use_theme()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(["Agra", "Varanasi", "Bhadohi", "Lucknow"], [3000, 5000, 2000, 4100], color=charts.PALETTE["accent"])
    ax.set_title("Registrations by district")
    buffer = io.BytesIO()  # as matplotlib writes it, before the kit optimises it
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def test_the_kit_s_charts_come_out_optimised():
    charts.use_theme()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(["Agra", "Varanasi"], [3000, 5000], color=charts.PALETTE["accent"])
    optimised = charts.figure_png(fig)
    assert images.optimise_png(optimised) == optimised or len(images.optimise_png(optimised)) >= len(optimised) * 0.95
    assert Image.open(io.BytesIO(optimised)).mode == "P"


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


def test_a_chart_png_gets_much_smaller_and_looks_the_same():
    original = _chart_png()
    smaller = images.optimise_png(original)
    assert len(smaller) < 0.7 * len(original), (len(smaller), len(original))
    before, after = _pixels(original), _pixels(smaller)
    assert before.shape == after.shape
    error = np.abs(before - after)
    assert error.mean() <= images.MAX_MEAN_ERROR and error.max() <= images.MAX_PIXEL_ERROR


def test_a_photo_like_image_is_not_palettised():
    noise = np.random.default_rng(7).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    original = _png(Image.fromarray(noise, "RGB"))
    result = images.optimise_png(original)
    assert len(result) <= len(original)
    assert np.array_equal(_pixels(result), noise.astype(np.int16))  # lossless: too many colours for a palette


def test_never_larger_than_the_input():
    tiny = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(tiny, format="PNG", optimize=True)
    assert len(images.optimise_png(tiny.getvalue())) <= len(tiny.getvalue())


def test_opaque_alpha_is_dropped_and_real_transparency_kept():
    opaque = images.optimise_png(_png(Image.new("RGBA", (40, 20), (200, 10, 10, 255))))
    reopened = Image.open(io.BytesIO(opaque))
    assert reopened.mode in ("RGB", "P") and "transparency" not in reopened.info
    half = Image.new("RGBA", (40, 20), (200, 10, 10, 255))
    half.paste((0, 0, 0, 0), (0, 0, 20, 20))
    kept = Image.open(io.BytesIO(images.optimise_png(_png(half)))).convert("RGBA")
    assert kept.getpixel((5, 5))[3] == 0 and kept.getpixel((30, 5))[3] == 255


def test_a_wide_image_is_scaled_to_the_shown_width():
    wide = _png(Image.new("RGB", (1600, 800), "white"))
    scaled = Image.open(io.BytesIO(images.optimise_png(wide, max_width_px=800)))
    assert scaled.size == (800, 400)


def test_a_page_s_pngs_become_lossless_webp_with_the_same_pixels():
    import base64
    import re

    png = images.optimise_png(_chart_png())
    page = f'<p>x</p><img alt="a" src="data:image/png;base64,{base64.b64encode(png).decode()}"><img src="data:image/svg+xml;base64,AAAA">'
    lighter = images.lighter_page_images(page)
    [webp_b64] = re.findall(r'src="data:image/webp;base64,([A-Za-z0-9+/=]+)"', lighter)
    webp = base64.b64decode(webp_b64)
    assert len(webp) < len(png) and "data:image/png" not in lighter and 'src="data:image/svg+xml;base64,AAAA"' in lighter
    original = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(webp)).convert("RGB")), original)
    assert lighter.startswith('<p>x</p><img alt="a" ')


def test_a_page_keeps_its_pngs_where_webp_is_not_available(monkeypatch):
    import base64

    page = f'<img src="data:image/png;base64,{base64.b64encode(_chart_png()).decode()}">'
    monkeypatch.setattr(images.features, "check", lambda name: False)
    assert images.lighter_page_images(page) == page


def test_a_share_card_gets_32_colours_within_the_limits():
    """Cards are where the octree's 32 colours miss the pixel limit: max coverage's 32 hold them."""
    from helpers.presentation import share_cards

    fig = share_cards.draw_share_card(
        title="GeM onboarding brief: Gautam Buddha Nagar, Phase 1: GeM events in the main districts",
        figures=[("registrations in the phase", "1,017")],
        grade="behind", change="up 2 places", as_of="31 August 2023",
        source_line="Source: campaign registration sheets as of 31 August 2023.", is_synthetic=True, lang="en")
    fig.canvas.draw()
    picture = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB")
    plt.close(fig)
    card = Image.open(io.BytesIO(images.optimise_image(picture, palette_tries=images.CARD_PALETTE_TRIES)))
    assert card.mode == "P" and len(card.getcolors()) <= 32
    error = np.abs(np.asarray(card.convert("RGB"), dtype=np.int16) - np.asarray(picture, dtype=np.int16))
    assert error.mean() <= images.MAX_MEAN_ERROR and error.max() <= images.MAX_PIXEL_ERROR


@pytest.mark.parametrize("figure_in", [(8.0, 4.5), (4.0, 3.0)])
@pytest.mark.parametrize("source", [
    "Source: registration sheets as of 12-11-2021; targets declared in the campaign's targets file for this "
    "phase, per district, as revised on 01-11-2021",
    "स्रोत: 12-11-2021 तक की पंजीकरण शीट; लक्ष्य अभियान की लक्ष्य फ़ाइल में इस चरण के लिए, प्रति ज़िला, 01-11-2021 को घोषित",
    "short",
    "a-word-longer-than-any-line-" * 6 + " then short words\nand a second paragraph that is long enough to break " * 2,
])
def test_a_source_line_is_broken_into_the_longest_lines_that_fit(figure_in, source):
    """Each paragraph's lines fit the figure's width right of the text, and the next line's first word would
    not fit on a line (matplotlib's ``wrap=True`` rule); a longer word stands alone; no word is lost or moved."""
    import math

    charts.use_theme()
    fig = plt.figure(figsize=figure_in)
    charts.draw_source_line(fig, source, x=0.01, y=0.005, fontsize=8)
    artist = fig.texts[0]
    renderer, font = fig.canvas.get_renderer(), artist.get_fontproperties()

    def fits(text: str) -> bool:
        return math.ceil(renderer.get_text_width_height_descent(text, font, ismath=False)[0]) <= fig.bbox.width * 0.99

    lines = artist.get_text().split("\n")
    for paragraph in source.split("\n"):
        words, its_lines = paragraph.split(" "), []
        while len(" ".join(its_lines).split(" ")) < len(words) or not its_lines:
            its_lines.append(lines.pop(0))
        assert " ".join(its_lines) == paragraph, "the words of the paragraph, in order, on its own lines"
        for line, following in zip(its_lines, [*its_lines[1:], None]):
            assert fits(line) or " " not in line, line
            if following is not None:
                assert not fits(line + " " + following.split(" ")[0]), (line, following)
    assert lines == []
    plt.close(fig)
