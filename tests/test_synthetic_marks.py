"""Every chart drawn from synthetic data says so inside the image: bars, maps, the coverage map of the brief."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from helpers.campaign.phases import get_phase
from helpers.presentation import briefs, charts, i18n, maps
from helpers.reference import tables as reference

MARK_GID = "kit-synthetic-mark"


def _marks(fig) -> list:
    return [text for ax in fig.axes for text in ax.texts if text.get_gid() == MARK_GID]


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB"), dtype=np.int16)


def _bars(mark: str | None):
    frame = pd.DataFrame({"district": ["Agra", "Mathura", "Varanasi"], "value": [3.0, 5.0, 8.0]})
    text = charts.ChartText(title="t", units="u", source="s", alt_text="a")
    return charts.horizontal_bars(frame, "district", "value", text, value_is_count=False, synthetic_mark=mark)


def test_bars_carry_the_mark_behind_the_data_only_when_asked():
    marked, plain = _bars("SYNTHETIC"), _bars(None)
    try:
        [mark] = _marks(marked)
        assert mark.get_text() == "SYNTHETIC" and mark.get_zorder() < min(p.get_zorder() for p in marked.axes[0].patches)
        assert not _marks(plain)
        # the mark is drawn: the images differ, almost only in the mark's own grey (the rest: grid lines over it)
        difference = np.any(_pixels(marked) != _pixels(plain), axis=2)
        assert difference.sum() > 500
        grey = np.array([int(charts.SYNTHETIC_MARK_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(_pixels(marked)[difference] - grey).max(axis=1) <= 1).mean() > 0.8
    finally:
        plt.close("all")


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_the_briefs_coverage_map_is_marked_over_its_tiles_when_the_data_is_synthetic(lang):
    districts = reference.load_districts()["district"]
    coverage = pd.DataFrame({"district": districts, "registrations_per_lakh_population": np.linspace(0, 9, len(districts))})
    phase = get_phase("1")
    marked = briefs.coverage_map(coverage, phase, lang, is_synthetic=True)
    plain = briefs.coverage_map(coverage, phase, lang)
    try:
        [mark] = _marks(marked)
        assert mark.get_text() == i18n.t("progress.synthetic_mark", lang)
        assert mark.get_zorder() > max(p.get_zorder() for p in marked.axes[0].patches)  # tiles cover the plot
        assert not _marks(plain)
        # the letters are drawn over the tiles: the pixels that changed are largely the outline's red
        outline = np.array([int(charts.SYNTHETIC_OUTLINE_COLOUR[i:i + 2], 16) for i in (1, 3, 5)])
        changed = np.any(_pixels(marked) != _pixels(plain), axis=2)
        is_outline = np.abs(_pixels(marked) - outline).max(axis=2) <= 40
        assert changed.sum() > 1000 and (changed & is_outline).sum() > 0.3 * changed.sum()
    finally:
        plt.close("all")


def test_a_tile_map_without_synthetic_data_has_no_mark():
    fig = maps.district_map({"Agra": 1.0}, title="t", legend_title="l")
    try:
        assert not _marks(fig)
    finally:
        plt.close(fig)
