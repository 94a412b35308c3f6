"""Colours shared by every view: one per optimizer, one per kind of critical point.

Optimizer colours follow the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies), reordered so that the first ones stand out both on the dark and the light theme and against a
viridis surface (which already uses deep purple, teal, green and yellow).

>>> optimizer_color(0)
(230, 159, 0, 255)
>>> optimizer_qcolor(1).name()
'#56b4e9'
"""

from __future__ import annotations

OKABE_ITO = (
    (230, 159, 0),  # orange
    (86, 180, 233),  # sky blue
    (204, 121, 167),  # reddish purple
    (213, 94, 0),  # vermillion
    (0, 114, 178),  # blue
    (240, 228, 66),  # yellow
    (0, 158, 115),  # bluish green
    (170, 170, 170),  # grey
)

#: Critical points: (colour, 2-D map symbol, legend text).
CRITICAL_STYLE = {
    "global": ((46, 204, 64), "star", "global minimum"),
    "minimum": ((235, 64, 52), "o", "local minimum"),
    "saddle": ((255, 200, 40), "t", "saddle"),
    "maximum": ((190, 110, 255), "d", "maximum"),
    "degenerate": ((160, 160, 160), "s", "degenerate"),
}


def optimizer_color(index: int) -> tuple[int, int, int, int]:
    """The colour of the ``index``-th selected optimizer as (r, g, b, a) bytes; cycles past 8."""
    r, g, b = OKABE_ITO[index % len(OKABE_ITO)]
    return (r, g, b, 255)


def optimizer_color_f(index: int) -> tuple[float, float, float, float]:
    """The same colour as floats in [0, 1] (what the GL items take)."""
    return tuple(c / 255.0 for c in optimizer_color(index))


def optimizer_qcolor(index: int):
    from PySide6.QtGui import QColor

    return QColor(*optimizer_color(index))


def critical_key(kind: str, is_global: bool) -> str:
    """The style key of a critical point: 'global' for global minima, else its kind."""
    if kind == "minimum" and is_global:
        return "global"
    return kind if kind in CRITICAL_STYLE else "degenerate"
