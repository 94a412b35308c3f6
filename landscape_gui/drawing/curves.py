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


#: Trail points drawn per view, all runs together: past it each run's trail is thinned (hundreds of random
#: restarts would otherwise push hundreds of thousands of points through every frame).
TRAIL_BUDGET = 60_000
MIN_TRAIL_POINTS = 24


def points_per_run(n_runs: int) -> int:
    """How many points of each run's trail are drawn when ``n_runs`` are shown."""
    return max(MIN_TRAIL_POINTS, TRAIL_BUDGET // max(1, n_runs))


_thin_cache: dict[tuple[int, int], np.ndarray] = {}


def thinned(length: int, keep: int) -> np.ndarray | slice:
    """Indices of at most about ``keep`` of ``length`` trail points: every s-th from the first, and the last.

    The stride s is a power of two, so as a trail grows its drawn points stay where they were until the
    stride doubles (a stride that followed the length exactly would make the trails shimmer).

    >>> thinned(5, 10)
    slice(None, None, None)
    >>> thinned(10, 4).tolist()
    [0, 4, 8, 9]
    """
    if length <= keep:
        return slice(None)
    key = (int(length), int(keep))
    index = _thin_cache.get(key)
    if index is None:
        stride = 1 << int(np.ceil(np.log2((length - 1) / max(1, keep - 1))))
        index = np.arange(0, length, stride)
        if index[-1] != length - 1:
            index = np.append(index, length - 1)
        if len(_thin_cache) > 4096:
            _thin_cache.clear()
        _thin_cache[key] = index
    return index
