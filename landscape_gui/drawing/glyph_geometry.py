"""Glyphs as line segments: arrowheads and boxes around the scaled vectors of a
:class:`~landscape_gui.core.frames.glyph_sets.GlyphSet`. Plain numpy; the 3D scene and the map draw the segments.
"""

from __future__ import annotations

import math

import numpy as np


def arrow_segments(starts, ends, unit=(1.0, 1.0), head: float = 0.3, max_head: float = 0.05) -> np.ndarray:
    """Segment pairs (rows 2k, 2k+1) of the two strokes of each arrowhead, for (M, 2) ``starts``/``ends``.

    The heads are shaped in coordinates divided by ``unit`` (per axis), so that they look alike on axes of
    different lengths: ``head`` of the arrow long, at most ``max_head`` there, opening ±25°.
    """
    s = np.asarray(starts, dtype=np.float64).reshape(-1, 2)
    e = np.asarray(ends, dtype=np.float64).reshape(-1, 2)
    u = np.asarray(unit, dtype=np.float64)
    d = (e - s) / u
    length = np.linalg.norm(d, axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        direction = np.where(length > 0, d / length, 0.0)
    size = np.minimum(length * head, max_head)
    out = np.empty((4 * len(s), 2))
    for k, angle in enumerate((math.radians(25), -math.radians(25))):
        c, sn = math.cos(angle), math.sin(angle)
        back = -np.column_stack(
            [c * direction[:, 0] - sn * direction[:, 1], sn * direction[:, 0] + c * direction[:, 1]]
        )
        out[2 * k :: 4] = e
        out[2 * k + 1 :: 4] = e + back * size * u
    return out


def shaft_segments(starts, ends) -> np.ndarray:
    """Segment pairs start → end, one per glyph (rows 2k, 2k+1)."""
    s = np.asarray(starts, dtype=np.float64)
    out = np.empty((2 * len(s), s.shape[1]))
    out[0::2], out[1::2] = s, np.asarray(ends, dtype=np.float64)
    return out


def box_segments(centers, half) -> np.ndarray:
    """Segment pairs of the rectangles centred on (M, 2) ``centers`` with (M, 2) half-widths ``half``."""
    c = np.asarray(centers, dtype=np.float64).reshape(-1, 2)
    h = np.asarray(half, dtype=np.float64).reshape(-1, 2)
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    out = np.empty((8 * len(c), 2))
    for k in range(4):
        a, b = np.array(corners[k]), np.array(corners[(k + 1) % 4])
        out[2 * k :: 8] = c + a * h
        out[2 * k + 1 :: 8] = c + b * h
    return out
