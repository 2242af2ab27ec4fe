"""Share cards: a phone-sized PNG with the headline figures, SYNTHETIC across it for demo data, and alt text."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from helpers.presentation import i18n, share_cards  # noqa: E402
from helpers.presentation.charts import register_devanagari_font  # noqa: E402

FIGURES = [("Registrations", "1,49,429"), ("Women", "17.1%"), ("First order", "312")]
HINDI_FIGURES = [("पंजीकरण", "1,49,429"), ("महिलाएँ", "17.1%"), ("प्रथम क्रयादेश", "312"), ("लक्ष्य", "64.0%")]


def _card(tmp_path, name: str = "card.png", **changes) -> tuple[str, np.ndarray]:
    words = dict(title="Varanasi: phase 1", figures=FIGURES, grade="B", change="+1,204 registrations",
                 as_of="31-03-2022", source_line="Source: registration sheets as of 31-03-2022.",
                 is_synthetic=True, lang="en")
    words.update(changes)
    alt = share_cards.share_card_png(tmp_path / name, **words)
    with Image.open(tmp_path / name) as image:
        assert image.format == "PNG"
        return alt, np.asarray(image.convert("RGB"), dtype=np.int16)


def test_the_card_is_phone_sized(tmp_path):
    _, pixels = _card(tmp_path)
    assert pixels.shape[:2] == (1350, 1080)
    assert not list(tmp_path.glob("*kit-partial*"))


def test_alt_text_names_every_figure_grade_change_date_and_source(tmp_path):
    alt, _ = _card(tmp_path)
    for label, value in FIGURES:
        assert f"{label}: {value}" in alt
    assert "Varanasi: phase 1" in alt and "B" in alt and "+1,204 registrations" in alt
    assert "31-03-2022" in alt and "Source: registration sheets" in alt
    assert i18n.t("share_card.alt_synthetic", "en") in alt


def test_alt_text_in_hindi(tmp_path):
    alt, pixels = _card(tmp_path, lang="hi", title="वाराणसी: प्रथम चरण", figures=HINDI_FIGURES)
    assert pixels.shape[:2] == (1350, 1080)
    for label, value in HINDI_FIGURES:
        assert label in alt and value in alt
    assert i18n.t("share_card.alt_synthetic", "hi") in alt


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba(), dtype=np.int16)[..., :3].copy()


def test_synthetic_is_written_across_the_card():
    fig = share_cards.draw_share_card(title="Varanasi", figures=FIGURES, grade=None, change=None,
                                      as_of="31-03-2022", source_line="Source: x", is_synthetic=True, lang="en")
    marks = [t for t in fig.texts if t.get_gid() == "kit-synthetic-mark"]
    assert [m.get_text() for m in marks] == [i18n.t("share_card.synthetic_mark", "en")]
    assert 30 < marks[0].get_rotation() < 60  # along the diagonal
    marked = _pixels(fig)
    marks[0].set_visible(False)
    plain = _pixels(fig)
    plt.close(fig)
    changed = np.abs(marked - plain).sum(axis=2) > 0
    rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    assert rows.size > 0.6 * marked.shape[0] and columns.size > 0.6 * marked.shape[1]  # across the card
    reddish = changed & (marked[..., 0] - marked[..., 2] > 25)  # pink: red at 28 % over white
    assert reddish.sum() > 0.01 * changed.size  # a visible red mark, not a hairline


def test_no_mark_for_real_data(tmp_path):
    fig = share_cards.draw_share_card(title="Varanasi", figures=FIGURES, grade=None, change=None,
                                      as_of="31-03-2022", source_line="Source: x", is_synthetic=False, lang="en")
    texts = [t.get_text() for t in fig.texts]
    plt.close(fig)
    assert i18n.t("share_card.synthetic_mark", "en") not in texts
    assert "1,49,429" in texts and "Registrations" in texts


@pytest.mark.skipif(register_devanagari_font() is None, reason="fontpkg-noto-sans-devanagari not installed")
def test_hindi_is_drawn_with_the_kits_devanagari_font():
    fig = share_cards.draw_share_card(title="वाराणसी", figures=HINDI_FIGURES, grade="B", change=None,
                                      as_of="31-03-2022", source_line="स्रोत: x", is_synthetic=False, lang="hi")
    label = next(t for t in fig.texts if t.get_text() == "पंजीकरण")
    plt.close(fig)
    assert register_devanagari_font() in label.get_fontfamily()
    assert label.get_language() == "hi"


def test_too_many_figures_is_refused(tmp_path):
    with pytest.raises(ValueError, match="1 to 6 figures"):
        _card(tmp_path, figures=FIGURES * 3)
