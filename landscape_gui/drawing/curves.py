"""Many runs drawn as one pyqtgraph curve: their (x, y) pieces joined with a NaN between them."""

from __future__ import annotations

import numpy as np


def joined(pieces) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate ``(x, y)`` pieces with a NaN between them: a gap for a curve with ``connect='finite'``.

    pyqtgraph's cost per item (bounds, a path, a stroke) made one item per run the cost of a frame with many
    runs; one item per style holds all the runs drawn in it.
    """
    pieces = list(pieces)
    if not pieces:
        return np.empty(0), np.empty(0)
    gap = np.array([np.nan])
    xs = [a for x, _ in pieces for a in (np.asarray(x, dtype=np.float64), gap)][:-1]
    ys = [a for _, y in pieces for a in (np.asarray(y, dtype=np.float64), gap)][:-1]
    return np.concatenate(xs), np.concatenate(ys)


def grouped(keys) -> list[tuple[object, np.ndarray]]:
    """``(key, runs)`` for each distinct style key, in order of first appearance; ``runs`` in run order."""
    keys = list(keys)
    return [
        (k, np.array([i for i, key in enumerate(keys) if key == k], dtype=np.intp))
        for k in dict.fromkeys(keys)
    ]


THIN_FROM = 17  # runs: from this many on, trails and plot curves are 1 px wide


def line_width(n_runs: int) -> float:
    """Pen width of the 2D trails and plot curves: 2 px, or 1 px when there are so many runs that wide lines
    would merge into a band (and stroking them, antialiased and dashed, took ~100 ms per plot refresh at
    100 runs in the raster engine, against ~25 ms at 1 px)."""
    return 2.0 if n_runs < THIN_FROM else 1.0
