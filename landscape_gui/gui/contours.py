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


def contour_segments(z: np.ndarray, levels) -> np.ndarray:
    """Segments of the iso-lines of ``z[i, j]`` in index coordinates: array (S, 2, 2) of ((i, j), (i, j)).

    Non-finite samples are skipped (no segment touches them).
    """
    z = np.asarray(z, dtype=np.float64)
    out = [np.empty((0, 2, 2))]
    c = [z[:-1, :-1], z[1:, :-1], z[1:, 1:], z[:-1, 1:]]
    finite = np.isfinite(c[0]) & np.isfinite(c[1]) & np.isfinite(c[2]) & np.isfinite(c[3])
    ii, jj = np.meshgrid(np.arange(z.shape[0] - 1), np.arange(z.shape[1] - 1), indexing="ij")
    corner_pos = [(0, 0), (1, 0), (1, 1), (0, 1)]
    for level in levels:
        above = [(ck > level) for ck in c]
        case = above[0] * 1 + above[1] * 2 + above[2] * 4 + above[3] * 8
        case = np.where(finite, case, 0)
        with np.errstate(all="ignore"):
            for code, pairs in _CASES.items():
                sel = case == code
                if not sel.any():
                    continue
                ci, cj = ii[sel], jj[sel]
                vals = [ck[sel] for ck in c]

                def edge_point(e, ci=ci, cj=cj, vals=vals, level=level):
                    a, b = e, (e + 1) % 4
                    t = (level - vals[a]) / (vals[b] - vals[a])
                    t = np.clip(np.nan_to_num(t, nan=0.5), 0, 1)
                    pa, pb = corner_pos[a], corner_pos[b]
                    return np.stack(
                        [ci + pa[0] + t * (pb[0] - pa[0]), cj + pa[1] + t * (pb[1] - pa[1])], axis=1
                    )

                for e1, e2 in pairs:
                    out.append(np.stack([edge_point(e1), edge_point(e2)], axis=1))
    return np.concatenate(out)


def contour_levels(z: np.ndarray, count: int = 14) -> np.ndarray:
    """``count`` evenly spaced levels strictly inside the finite range of ``z``."""
    finite = z[np.isfinite(z)]
    if finite.size == 0 or finite.max() <= finite.min():
        return np.empty(0)
    lo, hi = float(finite.min()), float(finite.max())
    return lo + (hi - lo) * (np.arange(1, count + 1) / (count + 1))
