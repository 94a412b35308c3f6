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
>>> optimizer_qcolor(1).name()
'#0077bb'
>>> readable_text((230, 159, 0), (255, 255, 255))
(158, 109, 0)
>>> round(contrast_ratio((0, 0, 0), (255, 255, 255)), 1)
21.0
"""

from __future__ import annotations

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


def optimizer_qcolor(index: int):
    from PySide6.QtGui import QColor

    return QColor(*optimizer_color(index))


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
