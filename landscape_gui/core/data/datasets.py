"""The small datasets the data landscapes are made of: generated, seeded, deterministic.

Each generator gives the same numbers on every machine (numpy's PCG64 stream from a fixed seed), so the loss
surfaces, their critical points and the lecture presets built on them never change.

>>> d = linreg_data()
>>> d.n, d.features, d.task
(60, 1, 'regression')
>>> sorted(d.to_json())
['x', 'y']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape_gui.core.types import FloatArray

__all__ = ["Dataset", "linreg_data", "logreg_data", "moons_data", "tanh_data", "two_lines_data"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs ``x`` (shape (S,) for one feature, (S, 2) for two) and targets ``y`` (S,).

    ``task`` is ``"regression"`` (``y`` real numbers) or ``"classification"`` (``y`` the labels 0 and 1).
    """

    x: FloatArray
    y: FloatArray
    task: str = "regression"

    def __post_init__(self) -> None:
        x = np.ascontiguousarray(self.x, dtype=np.float64)
        y = np.ascontiguousarray(self.y, dtype=np.float64)
        x.flags.writeable = False
        y.flags.writeable = False
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.y.shape[0])

    @property
    def features(self) -> int:
        """Number of input features: 1 or 2."""
        return 1 if self.x.ndim == 1 else int(self.x.shape[1])

    def bounds(self, pad: float = 0.1) -> tuple[tuple[float, float], ...]:
        """The inputs' range per feature, widened by ``pad`` × its width on each side (for a plot)."""
        cols = self.x[:, None] if self.x.ndim == 1 else self.x
        lo, hi = cols.min(axis=0), cols.max(axis=0)
        w = hi - lo
        return tuple((float(a - pad * d), float(b + pad * d)) for a, b, d in zip(lo, hi, w, strict=True))

    def to_json(self) -> dict[str, Any]:
        """``{"x": [...], "y": [...]}``: numbers, or [x1, x2] pairs; labels as integers 0/1."""
        y = [int(v) for v in self.y] if self.task == "classification" else self.y.tolist()
        return {"x": self.x.tolist(), "y": y}


def linreg_data(n: int = 60, seed: int = 18) -> Dataset:
    """y = 1.2·x − 0.8 + noise (σ 0.4), x uniform on [0, 3]: inputs off-centre, so slope and intercept are
    correlated and the bowl is a tilted, elongated valley (condition number ≈ 19)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 3.0, n)
    y = 1.2 * x - 0.8 + 0.4 * rng.standard_normal(n)
    return Dataset(x, y)


def logreg_data(n: int = 100, seed: int = 18) -> Dataset:
    """Two overlapping Gaussian classes (means ±(0.6, 0.3), correlated features): no line separates them,
    so the cross-entropy has a finite minimum."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    cov = np.array([[1.0, 0.7], [0.7, 1.0]])
    centre = np.where(labels[:, None] == 1, 1.0, -1.0) * np.array([0.6, 0.3])
    x = centre + rng.standard_normal((n, 2)) @ np.linalg.cholesky(cov).T
    return Dataset(x, labels.astype(np.float64), task="classification")


def tanh_data(n: int = 80, seed: int = 18) -> Dataset:
    """y = 1.5·tanh(1.2·x) + noise (σ 0.1), x uniform on [−2, 2]: a single tanh neuron can fit it two ways."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, n)
    y = 1.5 * np.tanh(1.2 * x) + 0.1 * rng.standard_normal(n)
    return Dataset(x, y)


def two_lines_data(n_major: int = 45, n_minor: int = 15, seed: int = 1) -> Dataset:
    """Two populations on two lines: 45 points near y = x + 0.5, 15 near y = −x − 0.5 (noise σ 0.1),
    x uniform on [−2, 2]."""
    rng = np.random.default_rng(seed)
    x1 = rng.uniform(-2.0, 2.0, n_major)
    y1 = x1 + 0.5 + 0.1 * rng.standard_normal(n_major)
    x2 = rng.uniform(-2.0, 2.0, n_minor)
    y2 = -x2 - 0.5 + 0.1 * rng.standard_normal(n_minor)
    return Dataset(np.concatenate([x1, x2]), np.concatenate([y1, y2]))


def moons_data(n: int = 200, noise: float = 0.15, seed: int = 18) -> Dataset:
    """Two interleaving half circles (as scikit-learn's ``make_moons``), Gaussian noise, labels 0/1."""
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    x = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]),
        ]
    )
    x = x + noise * rng.standard_normal(x.shape)
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return Dataset(x, y, task="classification")
