"""Colours shared by every view: one per optimizer, one per kind of critical point, text colours that read.

Optimizer colours: Okabe–Ito's orange, bluish green and grey with Paul Tol's "vibrant" blue, cyan and red,
chosen (greedily, first colour fixed) so that every pair among the first six stays far apart (CIE ΔE ≥ 20)
for normal vision and under a simulated deuteranopia and protanopia (Machado et al. 2009); Okabe–Ito's
orange/vermillion pair (ΔE 18 under deuteranopia) is no longer next to each other. ``tests/test_palette.py``
measures it.

Colours drawn as text go through :func:`readable_text`, which darkens (or lightens) a colour along its own
hue until it reaches the WCAG contrast ratio of 4.5 : 1 against the background it is drawn on.

>>> optimizer_color(0)
(230, 159, 0, 255)
>>> optimizer_color(1)
(0, 119, 187, 255)
>>> readable_text((230, 159, 0), (255, 255, 255))
(158, 109, 0)
>>> round(contrast_ratio((0, 0, 0), (255, 255, 255)), 1)
21.0

Glyph colours (:data:`GLYPH_STYLE`) and basin colours (:func:`outcome_palette`) are here too: every colour that
carries a meaning is decided in this one module, for the window and the export alike.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

import numpy as np

OPTIMIZER_COLORS = (
    (230, 159, 0),  # orange (Okabe–Ito)
    (0, 119, 187),  # blue (Tol vibrant)
    (0, 158, 115),  # bluish green (Okabe–Ito)
    (102, 204, 238),  # cyan (Tol bright)
    (204, 51, 17),  # red (Tol vibrant)
    (187, 187, 187),  # grey
    (204, 121, 167),  # reddish purple (Okabe–Ito)
    (240, 228, 66),  # yellow (Okabe–Ito)
)
OKABE_ITO = OPTIMIZER_COLORS  # the former name

#: Critical points: (colour, 2-D map symbol, legend text).
CRITICAL_STYLE = {
    "global": ((46, 204, 64), "star", "global minimum"),
    "minimum": ((235, 64, 52), "o", "local minimum"),
    "saddle": ((255, 200, 40), "t", "saddle"),
    "maximum": ((190, 110, 255), "d", "maximum"),
    "degenerate": ((160, 160, 160), "s", "degenerate"),
}

#: WCAG 2 minimum contrast for body text (success criterion 1.4.3, level AA).
TEXT_CONTRAST = 4.5


def optimizer_color(index: int) -> tuple[int, int, int, int]:
    """The colour of the ``index``-th selected optimizer as (r, g, b, a) bytes; cycles past 8."""
    r, g, b = OPTIMIZER_COLORS[index % len(OPTIMIZER_COLORS)]
    return (r, g, b, 255)


def optimizer_color_f(index: int) -> tuple[float, float, float, float]:
    """The same colour as floats in [0, 1] (what the GL items take)."""
    return tuple(c / 255.0 for c in optimizer_color(index))


def relative_luminance(rgb) -> float:
    """WCAG 2 relative luminance of an sRGB colour given as 0–255 bytes."""
    out = []
    for c in rgb[:3]:
        c = c / 255.0
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def contrast_ratio(a, b) -> float:
    """WCAG 2 contrast ratio (1 … 21) between two sRGB colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def readable_text(rgb, background, ratio: float = TEXT_CONTRAST) -> tuple[int, int, int]:
    """``rgb`` itself when it reads on ``background`` (contrast ≥ ``ratio``), else the same hue darkened (on a
    light background) or lightened (on a dark one) just enough to read."""
    rgb = tuple(int(c) for c in rgb[:3])
    if contrast_ratio(rgb, background) >= ratio:
        return rgb
    light_bg = relative_luminance(background) > 0.18
    target = (0, 0, 0) if light_bg else (255, 255, 255)
    best = target
    lo, hi = 0.0, 1.0  # fraction of the way to black/white: the least that reads
    for _ in range(20):
        t = (lo + hi) / 2
        c = tuple(round(v + (w - v) * t) for v, w in zip(rgb, target, strict=True))
        if contrast_ratio(c, background) >= ratio:
            best, hi = c, t
        else:
            lo = t
    return best


def critical_key(kind: str, is_global: bool) -> str:
    """The style key of a critical point: 'global' for global minima, else its kind."""
    if kind == "minimum" and is_global:
        return "global"
    return kind if kind in CRITICAL_STYLE else "degenerate"


# -- glyphs -------------------------------------------------------------------------------------------
#: Each kind's colour (r, g, b bytes; None: the theme's foreground), legend symbol and legend text.
GLYPH_STYLE = {
    "gradient": ((0, 215, 255), "→", "−∇J"),
    "velocity": ((255, 70, 210), "→", "−velocity"),
    "step": (None, "→", "step taken Δθ"),
    "effective_lr": ((170, 255, 40), "□", "effective step size per axis"),
}
#: Darker colours for the light theme (the dark theme's cyan and lime fade on white).
GLYPH_LIGHT = {"gradient": (0, 140, 200), "velocity": (200, 0, 150), "effective_lr": (40, 150, 0)}


def theme_foreground(theme: str) -> tuple[int, int, int]:
    return (245, 245, 245) if theme == "dark" else (25, 25, 30)


def glyph_color(kind: str, theme: str) -> tuple[int, int, int]:
    if theme == "light" and kind in GLYPH_LIGHT:
        return GLYPH_LIGHT[kind]
    color = GLYPH_STYLE[kind][0]
    return color if color is not None else theme_foreground(theme)


# -- basins -------------------------------------------------------------------------------------------
#: Qualitative colours for the minima' basins (Tableau 10 without its grey), then golden-ratio hues.
MINIMUM_COLORS = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (188, 189, 34),
    (23, 190, 207),
)
#: Neutral tones for the outcomes that are not a minimum.
NEUTRAL = {
    "saddle": (150, 150, 150),
    "maximum": (105, 105, 105),
    "degenerate": (125, 135, 155),
    "not_settled": (222, 222, 222),
    "diverged": (35, 35, 35),
}


def _minimum_color(k: int) -> tuple[int, int, int]:
    if k < len(MINIMUM_COLORS):
        return MINIMUM_COLORS[k]
    h = (0.13 + 0.618033988749895 * k) % 1.0
    s, v = (0.55, 0.9) if k % 2 else (0.75, 0.7)
    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return round(r * 255), round(g * 255), round(b * 255)


def outcome_palette(points: Sequence) -> np.ndarray:
    """RGBA bytes per label, shape (P + 2, 4): row k for critical point k, row −2 (:data:`DIVERGED`) and
    row −1 (:data:`NOT_SETTLED`) at the end, so ``outcome_palette(points)[labels]`` colours a label array.

    >>> from landscape_gui.core.analysis.critical import critical_points
    >>> from landscape_gui.core.landscapes.library import get_landscape
    >>> outcome_palette(critical_points(get_landscape("saddle"))).tolist()
    [[150, 150, 150, 255], [35, 35, 35, 255], [222, 222, 222, 255]]
    """
    rows, minima = [], 0
    for p in points:
        if p.kind == "minimum":
            rows.append(_minimum_color(minima))
            minima += 1
        else:
            rows.append(NEUTRAL[p.kind])
    rows += [NEUTRAL["diverged"], NEUTRAL["not_settled"]]
    out = np.full((len(rows), 4), 255, dtype=np.uint8)
    out[:, :3] = np.array(rows, dtype=np.uint8)
    return out


def basin_rgba(labels: np.ndarray, points: Sequence) -> np.ndarray:
    """RGBA bytes of a label array: shape ``labels.shape + (4,)``."""
    return outcome_palette(points)[np.asarray(labels)]
