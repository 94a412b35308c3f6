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


# -- colour roles (issue 24): a colour means one thing ---------------------------------------------------
def _role_colours():
    from landscape_gui.core.frames.palette import (
        DARKER,
        GLYPH_LIGHT,
        GLYPH_STYLE,
        MINIMUM_COLORS,
        NEUTRAL,
        theme_foreground,
    )

    roles = {f"basin {i}": c for i, c in enumerate(MINIMUM_COLORS)}
    roles.update({f"basin {k}": c for k, c in NEUTRAL.items() if k != "diverged"})
    # a difference map's darker tongues ([basins] compare)
    roles.update(
        {f"darker basin {i}": tuple(int(v * DARKER) for v in c) for i, c in enumerate(MINIMUM_COLORS)}
    )
    roles.update({f"marker {k}": c for k, (c, _, _) in CRITICAL_STYLE.items()})
    roles.update({f"glyph {k}": c for k, (c, _, _) in GLYPH_STYLE.items() if c is not None})
    roles.update({f"light glyph {k}": c for k, c in GLYPH_LIGHT.items()})
    roles.update({f"{t} step glyph": theme_foreground(t) for t in ("dark", "light")})
    return roles


def test_no_basin_marker_or_glyph_colour_is_an_optimizer_colour():
    """Basins, critical points and glyphs never take a run's colour: ΔE ≥ 20 from every optimizer colour (the
    orange GD trail vanished on the orange basin; the yellow saddle read as the GD ball; −∇J shared RMSprop's
    cyan). Runs drawn over basins are outlined besides, for viewers who confuse what ΔE keeps apart."""
    close = []
    for role, c in _role_colours().items():
        for k, opt in enumerate(OPTIMIZER_COLORS):
            de = float(np.linalg.norm(_lab(c) - _lab(opt)))
            if de < 20:
                close.append(f"{role} {c} vs optimizer colour {k} {opt}: ΔE {de:.1f}")
    assert not close, close


def test_basins_and_markers_are_told_apart():
    from landscape_gui.core.frames.palette import MINIMUM_COLORS

    de, pair = min_delta_e(MINIMUM_COLORS)
    assert de >= 15, f"basin colours {pair} only ΔE {de:.1f} apart"
    de, pair = min_delta_e([c for c, _, _ in CRITICAL_STYLE.values()])
    assert de >= 20, f"marker colours {pair} only ΔE {de:.1f} apart"


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_markers_and_glyphs_stand_out_on_the_3d_view(theme):
    """Graphics need 3 : 1 against what they are drawn on (WCAG 1.4.11): the 3D view's background."""
    from landscape_gui.core.frames.palette import GLYPH_STYLE, glyph_color

    bg = THEMES[theme]["scene_bg"]
    low = [k for k in GLYPH_STYLE if contrast_ratio(glyph_color(k, theme), bg) < 3]
    assert not low, low


def test_each_optimizer_keeps_its_colour_in_every_preset():
    """Gradient descent was blue in adam-step-by-step and orange elsewhere: colours follow the optimizer."""
    from landscape_gui.core.frames.palette import OPTIMIZER_SLOT, optimizer_color, optimizer_colors
    from landscape_gui.core.scenario.presets import list_presets, load_preset

    for pid, _ in list_presets():
        ids = [o.id for o in load_preset(pid).optimizers]
        colours = optimizer_colors(ids)
        assert len(set(colours)) == len(colours), pid  # every entry of a preset its own colour
        taken = set()
        for oid, colour in zip(ids, colours, strict=True):
            if OPTIMIZER_SLOT[oid] not in taken:  # no earlier entry took its colour: it has its own
                assert colour == optimizer_color(OPTIMIZER_SLOT[oid]), (pid, oid)
            taken.add(OPTIMIZER_COLORS.index(colour[:3]))
