"""Resampling a picture given on one grid of domain samples onto another grid (nearest sample)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def nearest_index(axis: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the sample of the evenly spaced ``axis`` nearest to each target (clipped to the axis).

    >>> nearest_index(np.linspace(0, 1, 3), np.array([-1.0, 0.2, 0.3, 0.74, 2.0])).tolist()
    [0, 0, 1, 1, 2]
    """
    axis = np.asarray(axis, dtype=np.float64)
    n = len(axis)
    if n < 2 or axis[-1] == axis[0]:
        return np.zeros(len(targets), dtype=np.intp)
    t = (np.asarray(targets, dtype=np.float64) - axis[0]) / (axis[-1] - axis[0]) * (n - 1)
    return np.clip(np.rint(np.nan_to_num(t)), 0, n - 1).astype(np.intp)


def nearest_samples(
    axes: Sequence[np.ndarray], values: np.ndarray, targets: Sequence[np.ndarray]
) -> np.ndarray:
    """``values`` (shape ``(len(axes[0]), [len(axes[1]),] ...)``) read at the grid ``targets`` (one array per
    axis): each target point takes the value of its nearest sample. Returns shape ``(len(targets[0]),
    [len(targets[1]),] ...)``.

    >>> v = np.arange(4).reshape(2, 2)
    >>> nearest_samples((np.array([0.0, 1.0]),) * 2, v, (np.array([0.1, 0.9, 0.6]), np.array([0.0, 1.0]))).tolist()
    [[0, 1], [2, 3], [2, 3]]
    """
    index = [nearest_index(a, t) for a, t in zip(axes, targets, strict=True)]
    return np.asarray(values)[np.ix_(*index)]
