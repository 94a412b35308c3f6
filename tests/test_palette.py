"""Colours a lecture room can read: WCAG text contrast in both themes, optimizer colours apart for colour-blind
viewers (issue 13)."""

import itertools

import numpy as np
import pytest

from landscape_gui.core.frames.palette import (
    CRITICAL_STYLE,
    OPTIMIZER_COLORS,
    TEXT_CONTRAST,
    contrast_ratio,
    readable_text,
)
from landscape_gui.drawing.theme import THEMES, text_rgb

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
CVD = {
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
}
STATUS_TEXT = {  # the runs table's status colours (runs_table.STATUS_COLORS, read without importing Qt)
    "reached": (46, 204, 64),
    "approaching": (120, 200, 120),
    "stuck": (235, 90, 70),
    "saddle": (255, 190, 40),
    "diverged": (255, 60, 60),
}


def rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def test_wcag_contrast_formula_matches_known_values():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert contrast_ratio((118, 118, 118), (255, 255, 255)) == pytest.approx(
        4.54, abs=0.01
    )  # WebAIM's #767676


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_theme_text_colour_reads_on_every_background_it_is_drawn_on(theme):
    t = THEMES[theme]
    low = []
    for fg in ("text", "hint", "error", "ok", "plot_fg"):
        for bg in ("window", "base", "alt", "button", "plot_bg"):
            ratio = contrast_ratio(rgb(t[fg]), rgb(t[bg]))
            if ratio < TEXT_CONTRAST:
                low.append(f"{fg} on {bg}: {ratio:.2f}")
    ratio = contrast_ratio((255, 255, 255), rgb(t["highlight"]))  # selected rows
    if ratio < TEXT_CONTRAST:
        low.append(f"highlighted text: {ratio:.2f}")
    ratio = contrast_ratio(text_rgb(theme), t["scene_bg"])  # 3D axis labels, text over the 3D view and frames
    if ratio < TEXT_CONTRAST:
        low.append(f"3D labels: {ratio:.2f}")
    assert not low, low


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_coloured_text_is_made_readable_on_both_themes(theme):
    """Optimizer names and statuses are drawn in their colour: pale yellow or pink on white used to be 1.5 : 1."""
    colours = [*OPTIMIZER_COLORS, *STATUS_TEXT.values(), *(c for c, _, _ in CRITICAL_STYLE.values())]
    t = THEMES[theme]
    for bg in (rgb(t["base"]), rgb(t["window"]), rgb(t["alt"])):
        for c in colours:
            text = readable_text(c, bg)
            assert contrast_ratio(text, bg) >= TEXT_CONTRAST, (c, bg, text)
            if contrast_ratio(c, bg) >= TEXT_CONTRAST:
                assert text == tuple(c)  # a colour that reads is left alone
    # same hue: the darkened orange is still orange (its channels keep their order)
    dark_orange = readable_text((230, 159, 0), (255, 255, 255))
    assert dark_orange[0] > dark_orange[1] > dark_orange[2]


def _lab(colour, matrix=None) -> np.ndarray:
    c = np.asarray(colour[:3], float) / 255
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        lin = np.clip(matrix @ lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def min_delta_e(colours, matrix=None) -> tuple[float, tuple[int, int]]:
    return min(
        (float(np.linalg.norm(_lab(a, matrix) - _lab(b, matrix))), (i, j))
        for (i, a), (j, b) in itertools.combinations(enumerate(colours), 2)
    )


@pytest.mark.parametrize("vision", [None, "deuteranopia", "protanopia"])
def test_the_first_six_optimizer_colours_stay_apart_for_colour_blind_viewers(vision):
    """CIE76 ΔE between every pair of the first six colours (a race has up to five or six optimizers) is at
    least 20 (clearly different at a glance) for normal vision and the two common red-green deficiencies.
    Okabe–Ito in its old order had orange and vermillion at ΔE 18 under deuteranopia."""
    matrix = None if vision is None else CVD[vision]
    de, pair = min_delta_e(OPTIMIZER_COLORS[:6], matrix)
    assert de >= 20, f"colours {pair} only ΔE {de:.1f} apart ({vision or 'normal vision'})"
    de_all, pair = min_delta_e(OPTIMIZER_COLORS, matrix)
    assert de_all >= 9, f"colours {pair} only ΔE {de_all:.1f} apart"
