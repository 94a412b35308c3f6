"""The lesson caption overlay: the scenario's title and description in a readable band on exported frames."""

import os
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from landscape_gui.core.scenario.files import OVERLAYS, loads_scenario
from landscape_gui.core.scenario.presets import load_preset

pytestmark = pytest.mark.skipif(
    not os.environ.get("DISPLAY"), reason="needs a display (pytest-xvfb gives one)"
)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of uint8 RGB values."""
    c = rgb.astype(float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(a: float, b: float) -> float:
    lo, hi = sorted((a, b))
    return (hi + 0.05) / (lo + 0.05)


def test_caption_is_an_overlay_a_scenario_can_name():
    assert "caption" in OVERLAYS
    s = loads_scenario(
        '[landscape]\nfunction = "booth"\n[[optimizers]]\nid = "gd"\n[run]\nstarts = [[0.0, 0.0]]\n'
        '[export]\noverlays = ["legend", "caption"]\n'
    )
    assert s.export.overlays == ("legend", "caption")
    assert "caption" not in load_preset("saddle-escape").export.overlays  # offered, not forced on


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_exported_frame_carries_a_readable_caption(tmp_path, theme):
    from landscape_gui.drawing.qt_app import ensure_app
    from landscape_gui.export.exporter import export_image

    ensure_app()
    s = load_preset("saddle-escape")
    s = replace(s, view=replace(s.view, theme=theme))
    size = (960, 540)
    plain = np.asarray(Image.open(export_image(s, tmp_path / "plain.png", size, overlays=("legend",))))
    shown = np.asarray(
        Image.open(export_image(s, tmp_path / "cap.png", size, overlays=("legend", "caption")))
    )
    h = size[1]
    band = shown[int(h * 0.66) :, 40:-40]
    assert np.abs(band.astype(int) - plain[int(h * 0.66) :, 40:-40].astype(int)).mean() > 5
    assert np.array_equal(shown[: h // 2], plain[: h // 2])  # the upper half, and the view, untouched
    # the band's own colour is what most of its pixels have; the text against it reads (WCAG ≥ 4.5 : 1)
    rows = band.reshape(-1, 3)
    colors, counts = np.unique(rows, axis=0, return_counts=True)
    background = colors[np.argmax(counts)]
    lum = luminance(rows)
    text = lum.max() if theme == "dark" else lum.min()
    assert contrast(float(luminance(background[None])[0]), float(text)) >= 4.5
    # the title and the wrapped description: several lines of text, in the bottom third only
    differs = (np.abs(shown.astype(int) - plain.astype(int)).sum(axis=2) > 60).any(axis=1)
    first = int(np.argmax(differs))
    assert first > h * 0.6
    is_text = np.abs(luminance(band) - luminance(background[None])[0]) > 0.3
    text_rows = is_text.any(axis=1).astype(int)
    lines = int(np.count_nonzero(np.diff(text_rows) == 1))
    assert lines >= 4, lines  # title + 3 lines of description at 960 px


def test_a_long_description_shrinks_then_is_cut_never_covering_the_view():
    from PySide6.QtGui import QImage

    from landscape_gui.drawing.caption import MAX_SHARE
    from landscape_gui.drawing.overlays import OverlayPainter
    from landscape_gui.drawing.qt_app import ensure_app

    ensure_app()
    w, h = 640, 360
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(0x808080)
    painter = OverlayPainter((w, h), "dark", ("caption",))
    painter.paint(image, title="T", rows=[], step=0, steps=1, description="word " * 2000)
    px = np.array([[image.pixelColor(w // 2, y).red() for y in range(h)]])[0]
    covered = np.flatnonzero(px != 0x80)
    assert covered.size and covered[0] >= h * (1 - MAX_SHARE) - 30
