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
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from landscape_gui.core.types import BoolArray, ByteArray, IntArray

if TYPE_CHECKING:
    from landscape_gui.core.analysis.critical import CriticalPoint

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
#: Each optimizer's own colour (its index in :data:`OPTIMIZER_COLORS`), the same in every scenario: gradient
#: descent is orange wherever it runs. A second entry of the same optimizer, or one whose colour is taken, gets
#: the next colour free (:func:`optimizer_colors`).
OPTIMIZER_SLOT = {
    "gd": 0, "momentum": 1, "adam": 2, "rmsprop": 3, "nesterov": 4, "newton": 5, "sgd": 6, "adagrad": 7,
    "saddle_free_newton": 6, "adamw": 7, "amsgrad": 3, "adamax": 5, "adadelta": 7, "nadam": 4, "radam": 6,
    "qhm": 1, "qhadam": 2,
}  # fmt: skip

#: Critical points: (colour, 2-D map symbol, legend text). Colours no optimizer has (ΔE ≥ 20 from each of
#: :data:`OPTIMIZER_COLORS`): a marker never reads as a ball.
CRITICAL_STYLE = {
    "global": ((46, 204, 64), "star", "global minimum"),
    "minimum": ((255, 0, 128), "o", "local minimum"),
    "saddle": ((250, 250, 250), "t", "saddle"),
    "maximum": ((190, 110, 255), "d", "maximum"),
    "degenerate": ((110, 120, 20), "s", "degenerate"),
}

#: WCAG 2 minimum contrast for body text (success criterion 1.4.3, level AA).
TEXT_CONTRAST = 4.5


def optimizer_color(index: int) -> tuple[int, int, int, int]:
    """The colour of the ``index``-th selected optimizer as (r, g, b, a) bytes; cycles past 8."""
    r, g, b = OPTIMIZER_COLORS[index % len(OPTIMIZER_COLORS)]
    return (r, g, b, 255)


def optimizer_colors(ids: Iterable[str]) -> list[tuple[int, int, int, int]]:
    """The colour of each optimizer of a scenario, in order: its own (:data:`OPTIMIZER_SLOT`), or the next one
    free when an earlier entry has it (warm-up against constant lr: two SGD runs, two colours).

    >>> optimizer_colors(["adam", "gd"]) == [optimizer_color(2), optimizer_color(0)]
    True
    >>> optimizer_colors(["sgd", "sgd"]) == [optimizer_color(6), optimizer_color(7)]
    True
    """
    taken: set[int] = set()
    out = []
    for oid in ids:
        slot = OPTIMIZER_SLOT.get(oid, 0)
        for k in range(len(OPTIMIZER_COLORS)):
            if (slot + k) % len(OPTIMIZER_COLORS) not in taken or len(taken) >= len(OPTIMIZER_COLORS):
                slot = (slot + k) % len(OPTIMIZER_COLORS)
                break
        taken.add(slot)
        out.append(optimizer_color(slot))
    return out


def optimizer_color_f(index: int) -> tuple[float, float, float, float]:
    """The same colour as floats in [0, 1] (what the GL items take)."""
    r, g, b, a = optimizer_color(index)
    return (r / 255.0, g / 255.0, b / 255.0, a / 255.0)


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour given as 0–255 bytes."""
    out: list[float] = []
    for c in rgb[:3]:
        c = c / 255.0
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]


def contrast_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """WCAG 2 contrast ratio (1 … 21) between two sRGB colours."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def readable_text(
    rgb: Sequence[float], background: Sequence[float], ratio: float = TEXT_CONTRAST
) -> tuple[int, ...]:
    """``rgb`` itself when it reads on ``background`` (contrast ≥ ``ratio``), else the same hue darkened (on a
    light background) or lightened (on a dark one) just enough to read."""
    own = tuple(int(c) for c in rgb[:3])
    if contrast_ratio(own, background) >= ratio:
        return own
    light_bg = relative_luminance(background) > 0.18
    target = (0, 0, 0) if light_bg else (255, 255, 255)
    best: tuple[int, ...] = target
    lo, hi = 0.0, 1.0  # fraction of the way to black/white: the least that reads
    for _ in range(20):
        t = (lo + hi) / 2
        c = tuple(round(v + (w - v) * t) for v, w in zip(own, target, strict=True))
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
#: Each kind's colour (r, g, b bytes; None: the theme's foreground), legend symbol and legend text; no
#: optimizer has these colours (ΔE ≥ 20), so an arrow never reads as a run.
GLYPH_STYLE = {
    "gradient": ((200, 255, 0), "→", "−∇J"),
    "velocity": ((255, 70, 210), "→", "−velocity"),
    "step": (None, "→", "step taken Δθ"),
    "effective_lr": ((200, 170, 255), "□", "effective step size per axis"),
}
#: Darker colours for the light theme (the dark theme's fade on white).
GLYPH_LIGHT = {"gradient": (90, 120, 0), "velocity": (200, 0, 150), "effective_lr": (110, 60, 200)}


def theme_foreground(theme: str) -> tuple[int, int, int]:
    return (245, 245, 245) if theme == "dark" else (25, 25, 30)


def glyph_color(kind: str, theme: str) -> tuple[int, int, int]:
    if theme == "light" and kind in GLYPH_LIGHT:
        return GLYPH_LIGHT[kind]
    color = GLYPH_STYLE[kind][0]
    return color if color is not None else theme_foreground(theme)


# -- basins -------------------------------------------------------------------------------------------
#: The minima's basins: pale tints, a separate palette from the optimizers' (ΔE ≥ 20 from each), so a run
#: drawn over a basin stays visible whatever colour the basin has. Beyond nine: pale golden-ratio hues.
MINIMUM_COLORS = (
    (178, 198, 255),  # pale blue
    (255, 207, 158),  # peach
    (198, 255, 178),  # pale green
    (255, 178, 178),  # pale red
    (198, 178, 255),  # pale violet
    (255, 255, 178),  # pale yellow
    (178, 255, 236),  # pale aqua
    (255, 178, 255),  # pale magenta
    (255, 209, 244),  # pale pink
)
#: Neutral tones for the outcomes that are not a minimum (greys apart from the grey optimizer).
NEUTRAL = {
    "saddle": (120, 120, 120),
    "maximum": (90, 90, 90),
    "degenerate": (95, 110, 140),
    "not_settled": (245, 245, 245),
    "diverged": (35, 35, 35),
}


def _minimum_color(k: int) -> tuple[int, int, int]:
    if k < len(MINIMUM_COLORS):
        return MINIMUM_COLORS[k]
    h = (0.13 + 0.618033988749895 * k) % 1.0
    r, g, b = colorsys.hsv_to_rgb(h, 0.3, 1.0)
    return round(r * 255), round(g * 255), round(b * 255)


def outcome_palette(points: Sequence[CriticalPoint]) -> ByteArray:
    """RGBA bytes per label, shape (P + 2, 4): row k for critical point k, row −2 (:data:`DIVERGED`) and
    row −1 (:data:`NOT_SETTLED`) at the end, so ``outcome_palette(points)[labels]`` colours a label array.

    >>> from landscape_gui.core.analysis.critical import critical_points
    >>> from landscape_gui.core.landscapes.library import get_landscape
    >>> outcome_palette(critical_points(get_landscape("saddle"))).tolist()
    [[120, 120, 120, 255], [35, 35, 35, 255], [245, 245, 245, 255]]
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


def basin_rgba(labels: IntArray, points: Sequence[CriticalPoint]) -> ByteArray:
    """RGBA bytes of a label array: shape ``labels.shape + (4,)``."""
    return outcome_palette(points)[np.asarray(labels)]


#: A basin difference map: where the compared optimizer ends elsewhere, its outcome's colour at this brightness.
DARKER = 0.5
#: The legend's swatch for those starts.
DIFFERS_SWATCH = (70, 70, 80, 255)


def difference_rgba(
    rgba: ByteArray, other_labels: IntArray, points: Sequence[CriticalPoint], differs: BoolArray
) -> ByteArray:
    """A basin map's ``rgba`` where the starts that ``differs`` marks take the colour of the other optimizer's
    outcome (``other_labels``, indices into the same ``points``; −3: a point the map does not know, grey) at
    :data:`DARKER` brightness: the pale basins of the first, the other's tongues dark across them.

    >>> from landscape_gui.core.analysis.critical import critical_points
    >>> from landscape_gui.core.landscapes.library import get_landscape
    >>> pts = critical_points(get_landscape("saddle"))  # one saddle: rows saddle, diverged, not settled
    >>> base = basin_rgba(np.array([-1, -1]), pts)
    >>> difference_rgba(base, np.array([-1, -2]), pts, np.array([False, True])).tolist()
    [[245, 245, 245, 255], [17, 17, 17, 255]]
    """
    out = np.array(rgba, dtype=np.uint8, copy=True)
    labels = np.asarray(other_labels)
    other = outcome_palette(points)[np.maximum(labels, -2)]
    other[labels < -2] = (128, 128, 128, 255)  # a point the map does not know
    mask = np.asarray(differs, dtype=bool)
    out[mask, :3] = (other[mask, :3] * DARKER).astype(np.uint8)
    return out
