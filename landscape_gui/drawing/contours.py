"""Contour lines by vectorised marching squares: unconnected segments, ready for GL 'lines' or pairs plots.

>>> import numpy as np
>>> z = np.add.outer(np.linspace(-1, 1, 5) ** 2, np.linspace(-1, 1, 5) ** 2)
>>> seg = contour_segments(z, [0.5])
>>> seg.shape[1:]
(2, 2)
"""

from __future__ import annotations

import numpy as np

# For each of the 16 corner cases, the pairs of cell edges joined by a segment.
# Corners: 0=(i,j) 1=(i+1,j) 2=(i+1,j+1) 3=(i,j+1); edges: 0=c0-c1, 1=c1-c2, 2=c2-c3, 3=c3-c0.
_CASES = {
    1: [(3, 0)],
    2: [(0, 1)],
    3: [(3, 1)],
    4: [(1, 2)],
    5: [(3, 0), (1, 2)],
    6: [(0, 2)],
    7: [(3, 2)],
    8: [(2, 3)],
    9: [(0, 2)],
    10: [(0, 1), (2, 3)],
    11: [(1, 2)],
    12: [(3, 1)],
    13: [(0, 1)],
    14: [(3, 0)],
}


# The same table as arrays: up to two segments per case (code 5 and 10 have two), -1 where there is none.
_EDGES = np.full((16, 2, 2), -1, dtype=np.intp)
for _code, _pairs in _CASES.items():
    _EDGES[_code, : len(_pairs)] = _pairs
_CORNER = np.array([(0, 0), (1, 0), (1, 1), (0, 1)], dtype=np.float64)


def contour_segments(z: np.ndarray, levels) -> np.ndarray:
    """Segments of the iso-lines of ``z[i, j]`` in index coordinates: array (S, 2, 2) of ((i, j), (i, j)).

    Non-finite samples are skipped (no segment touches them). Segments come grouped by level, then by
    corner case and segment of the case, then in row-major cell order.
    """
    z = np.asarray(z, dtype=np.float64)
    out = [np.empty((0, 2, 2))]
    c = np.stack([z[:-1, :-1], z[1:, :-1], z[1:, 1:], z[:-1, 1:]]).reshape(4, -1)
    finite = np.isfinite(c).all(axis=0)
    ncol = z.shape[1] - 1
    for level in levels:
        above = (c > level).view(np.uint8)
        case = above[0] | (above[1] << 1) | (above[2] << 2) | (above[3] << 3)
        cells = np.flatnonzero(finite & (case != 0) & (case != 15))
        if not cells.size:
            continue
        code = case[cells].astype(np.intp)
        # one row per segment: its cell and its case's segment number (0, or 1 for the second of 5 and 10)
        second = cells[(code == 5) | (code == 10)]
        cell = np.concatenate([cells, second])
        k = np.concatenate([np.zeros(cells.size, np.intp), np.ones(second.size, np.intp)])
        code = case[cell].astype(np.intp)
        order = np.argsort(code * 2 + k, kind="stable")
        cell, k, code = cell[order], k[order], code[order]
        ci, cj = cell // ncol, cell % ncol
        ends = []
        with np.errstate(all="ignore"):
            for end in (0, 1):
                a = _EDGES[code, k, end]
                b = (a + 1) % 4
                va, vb = c[a, cell], c[b, cell]
                t = (level - va) / (vb - va)
                t = np.clip(np.nan_to_num(t, nan=0.5), 0, 1)
                pa, pb = _CORNER[a], _CORNER[b]
                ends.append(
                    np.stack(
                        [
                            ci + pa[:, 0] + t * (pb[:, 0] - pa[:, 0]),
                            cj + pa[:, 1] + t * (pb[:, 1] - pa[:, 1]),
                        ],
                        axis=1,
                    )
                )
        out.append(np.stack(ends, axis=1))
    return np.concatenate(out)


def contour_levels(z: np.ndarray, count: int = 14) -> np.ndarray:
    """``count`` evenly spaced levels strictly inside the finite range of ``z``."""
    finite = z[np.isfinite(z)]
    if finite.size == 0 or finite.max() <= finite.min():
        return np.empty(0)
    lo, hi = float(finite.min()), float(finite.max())
    return lo + (hi - lo) * (np.arange(1, count + 1) / (count + 1))
