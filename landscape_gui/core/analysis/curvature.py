"""Curvature along a run, and the largest learning rate that gradient descent survives.

The Hessian of J at an iterate says how sharp the landscape is there: its eigenvalues λmin ≤ λmax (one value
in 1-D). On a quadratic, gradient descent with learning rate lr is stable iff lr·λ < 2 for every eigenvalue
λ > 0, i.e. lr < 2/λmax; heavy-ball momentum (``momentum``: b ← μb + g, θ ← θ − lr·b) is stable iff
lr < 2(1 + μ)/λmax, and Nesterov's (torch's form) iff lr < 2(1 + μ)/((1 + 2μ)·λmax). At a minimum of any
smooth J the same holds for the linearised iteration, so these are the learning rates above which a run that
arrives there oscillates outward along the sharpest direction instead of settling.

- :func:`hessian_eigenvalues`: the ascending Hessian eigenvalues at many points at once (for a landscape made
  of data, the Hessian of the whole data's loss: the landscape's own exact ``hessian``);
- :func:`curvature_along`: the same along a path, one row per point (what ``trace --curvature`` prints);
- :func:`run_curvature`: ``(steps, eigenvalues)`` of one run of a simulation, rows as its recorded path;
- :func:`stable_lr`: 2/λmax, or 2(1 + μ)/λmax for heavy-ball momentum, from a point's eigenvalues;
- :func:`global_minimum_stable_lr`: that bound at the landscape's known global minima (the lr control's mark);
- :func:`sharpness_limit`: the other way round, the λmax above which an optimizer with given hyperparameters
  is unstable (the line 2/lr on a sharpness plot), for the optimizers that have one;
- :func:`stable_lr_for`: the largest lr at which an optimizer (its other hyperparameters as given) is stable
  at a point with given eigenvalues (2/λmax for ``gd``; what the lr control marks for each optimizer);
- :func:`global_minimum_curvature`: the point and eigenvalues of the sharpest global minimum, from the
  landscape's known minima or the critical points found;
- :class:`SharpnessHistory`: λmax along the recorded paths of many runs, each point computed once (what the
  window's sharpness plot draws while the runs step).

>>> from landscape_gui.core.landscapes.expressions import landscape_from_formula
>>> bowl = landscape_from_formula("x**2 + 20*y**2")
>>> hessian_eigenvalues(bowl, [[0.3, -1.0]])
array([[ 2., 40.]])
>>> stable_lr([2.0, 40.0]), stable_lr([2.0, 40.0], momentum=0.9)
(0.05, 0.095)
>>> sharpness_limit("gd", {"lr": 0.05, "weight_decay": 0.0})
40.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.landscapes.landscape import Landscape, as_points

if TYPE_CHECKING:
    from landscape_gui.core.analysis.simulation import Simulation

__all__ = [
    "SharpnessHistory",
    "curvature_along",
    "global_minimum_curvature",
    "global_minimum_stable_lr",
    "hessian_eigenvalues",
    "run_curvature",
    "sharpness_limit",
    "stable_lr",
    "stable_lr_for",
]


def _eigenvalues(h: np.ndarray) -> np.ndarray:
    """Ascending eigenvalues of (N, d, d) Hessians; NaN rows where a Hessian is not finite."""
    n, d = h.shape[0], h.shape[-1]
    out = np.full((n, d), np.nan)
    ok = np.isfinite(h).all(axis=(1, 2))
    if ok.any():
        sym = h[ok]
        sym = 0.5 * (sym + np.swapaxes(sym, 1, 2))  # exactly symmetric (rounding may differ by an ulp)
        out[ok] = np.linalg.eigvalsh(sym)
    return out


def hessian_eigenvalues(landscape: Landscape, points: ArrayLike) -> np.ndarray:
    """The Hessian's eigenvalues at each point, ascending: shape (N, d); NaN where the Hessian is not finite.

    For a landscape made of data this is the Hessian of the loss over the whole data, whatever batch the run
    stepped on.
    """
    arr, _ = as_points(points, landscape.dim)
    if arr.shape[0] == 0:
        return np.empty((0, landscape.dim))
    with np.errstate(all="ignore"):
        return _eigenvalues(np.asarray(landscape.hessian(arr), dtype=np.float64))


def curvature_along(landscape: Landscape, path: ArrayLike) -> np.ndarray:
    """One row per point of ``path``: ``[λmin, λmax]`` in 2-D (shape (n, 2)), the one eigenvalue in 1-D
    (shape (n,)); NaN where the Hessian is not finite (written ``null`` by ``trace``)."""
    ev = hessian_eigenvalues(landscape, np.asarray(path, dtype=np.float64).reshape(-1, landscape.dim))
    return ev[:, 0] if landscape.dim == 1 else ev


def run_curvature(sim: Simulation, group: int, index: int) -> tuple[np.ndarray, np.ndarray]:
    """``(steps, curvature)`` of one run of a :class:`~landscape_gui.core.analysis.simulation.Simulation`: the
    step number of each recorded row of its path and :func:`curvature_along` that path. λmax (the sharpness)
    is ``curvature[:, -1]`` in 2-D, ``curvature`` in 1-D."""
    steps, _ = sim.loss_history(group, index)
    return steps, curvature_along(sim.landscape, sim.path(group, index))


def stable_lr(eigenvalues: Sequence[float] | np.ndarray, momentum: float | None = None) -> float | None:
    """The largest stable learning rate at a point with these Hessian eigenvalues: 2/λmax for gradient descent,
    2(1 + μ)/λmax for heavy-ball momentum μ (``momentum``); None where λmax ≤ 0 or any eigenvalue is not finite
    (no curvature to bound the step: the iteration is not stable there at any lr, or the bound is unknown).

    >>> stable_lr([2.0, 40.0]), stable_lr([-1.0, 4.0]), stable_lr([-3.0, -1.0]), stable_lr([float("nan"), 1.0])
    (0.05, 0.5, None, None)
    """
    ev = np.atleast_1d(np.asarray(eigenvalues, dtype=np.float64))
    if ev.size == 0 or not np.isfinite(ev).all():
        return None
    top = float(ev.max())
    if not top > 0:
        return None
    factor = 2.0 if momentum is None else 2.0 * (1.0 + float(momentum))
    value = factor / top
    return value if math.isfinite(value) else None


def global_minimum_stable_lr(landscape: Landscape, momentum: float | None = None) -> float | None:
    """:func:`stable_lr` at the landscape's known global minima (``landscape.global_minima``): the smallest
    over them (stable at each), or None when none is known or none has a positive λmax. For a typed formula,
    whose minima are not known in advance, take the eigenvalues of the global minimum that
    :func:`~landscape_gui.core.analysis.critical.critical_points` finds and call :func:`stable_lr`."""
    if not landscape.global_minima:
        return None
    ev = hessian_eigenvalues(landscape, np.array(landscape.global_minima, dtype=np.float64))
    values = [v for v in (stable_lr(row, momentum) for row in ev) if v is not None]
    return min(values) if values else None


def sharpness_limit(optimizer_id: str, hp: Mapping[str, float]) -> float | None:
    """The λmax above which ``optimizer_id`` with hyperparameters ``hp`` (``lr`` the one in force) is unstable
    on a quadratic: 2/lr for ``gd`` and ``sgd``, 2(1 + μ)/(lr·(1 − τ)) for ``momentum`` (dampening τ),
    2(1 + μ)/((1 + 2μ)·lr) for ``nesterov``, each less the weight decay (it adds wd to every eigenvalue).
    None for the others (adaptive and Newton methods have no such fixed line) and where it is not finite.

    >>> round(sharpness_limit("momentum", {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0}), 9)
    38.0
    >>> sharpness_limit("adam", {"lr": 0.1}) is None
    True
    """
    lr = float(hp["lr"])
    if optimizer_id in ("gd", "sgd"):
        scale = lr
        factor = 2.0
    elif optimizer_id in ("momentum", "nesterov"):
        mu = float(hp["momentum"])
        if optimizer_id == "momentum":
            scale = lr * (1.0 - float(hp.get("dampening", 0.0))) if mu else lr
            factor = 2.0 * (1.0 + mu)
        else:
            scale = lr * (1.0 + 2.0 * mu)
            factor = 2.0 * (1.0 + mu)
    else:
        return None
    with np.errstate(all="ignore"):
        value = factor / scale - float(hp.get("weight_decay", 0.0)) if scale > 0 else math.inf
    return value if math.isfinite(value) else None


def stable_lr_for(
    optimizer_id: str, hp: Mapping[str, float], eigenvalues: Sequence[float] | np.ndarray
) -> float | None:
    """The largest learning rate at which ``optimizer_id`` (its other hyperparameters ``hp``) is stable at a
    point with these Hessian eigenvalues: the lr where :func:`sharpness_limit` equals λmax. None for an
    optimizer without such a line, or where λmax (plus the weight decay) is not positive and finite.

    >>> stable_lr_for("gd", {"lr": 0.3}, [2.0, 40.0])
    0.05
    >>> round(stable_lr_for("momentum", {"lr": 0.3, "momentum": 0.9, "dampening": 0.0}, [2.0, 40.0]), 12)
    0.095
    >>> stable_lr_for("adam", {"lr": 0.1}, [2.0, 40.0]) is None
    True
    """
    ev = np.atleast_1d(np.asarray(eigenvalues, dtype=np.float64))
    if ev.size == 0 or not np.isfinite(ev).all():
        return None
    at_one = sharpness_limit(optimizer_id, {**hp, "lr": 1.0})
    if at_one is None:
        return None
    wd = float(hp.get("weight_decay", 0.0))
    # sharpness_limit(lr) = (at_one + wd)/lr − wd: equal to λmax at lr = (at_one + wd)/(λmax + wd)
    top = float(ev.max()) + wd
    if not top > 0:
        return None
    value = (at_one + wd) / top
    return value if math.isfinite(value) and value > 0 else None


def global_minimum_curvature(
    landscape: Landscape, critical_points: Sequence[Any] = ()
) -> tuple[tuple[float, ...], np.ndarray] | None:
    """``(position, eigenvalues)`` of the landscape's global minimum with the largest λmax (the one that bounds
    the step most): from ``landscape.global_minima`` when known, else from ``critical_points`` (objects with
    ``position``, ``kind``, ``is_global`` and ``eigenvalues``, as the critical-point search gives them). None
    when no global minimum with finite curvature is known.

    >>> from landscape_gui.core.landscapes.expressions import landscape_from_formula
    >>> class P:
    ...     position, kind, is_global, eigenvalues = (0.0, 0.0), "minimum", True, (2.0, 20.0)
    >>> global_minimum_curvature(landscape_from_formula("x**2 + 10*y**2"), [P()])
    ((0.0, 0.0), array([ 2., 20.]))
    """
    if landscape.global_minima:
        pts = np.array(landscape.global_minima, dtype=np.float64).reshape(-1, landscape.dim)
        candidates = list(zip(map(tuple, pts.tolist()), hessian_eigenvalues(landscape, pts), strict=True))
    else:
        candidates = [
            (tuple(float(v) for v in p.position), np.asarray(p.eigenvalues, dtype=np.float64))
            for p in critical_points
            if p.kind == "minimum" and p.is_global
        ]
    candidates = [(p, ev) for p, ev in candidates if ev.size and np.isfinite(ev).all()]
    if not candidates:
        return None
    return max(candidates, key=lambda c: float(c[1].max()))


class SharpnessHistory:
    """λmax (the largest Hessian eigenvalue; the one eigenvalue in 1-D) along the recorded paths of runs, each
    point computed once: a later call for the same run computes only the (step, point) pairs it has not seen.

    >>> from landscape_gui.core.landscapes.expressions import landscape_from_formula
    >>> h = SharpnessHistory()
    >>> h.along(landscape_from_formula("x**2 + 10*y**2"), 0, [0, 1], [[1.0, 1.0], [0.5, 0.2]])
    array([20., 20.])
    """

    def __init__(self) -> None:
        self._landscape: Landscape | None = None
        self._known: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def clear(self) -> None:
        """Forget every point (new runs)."""
        self._known = {}

    def along(self, landscape: Landscape, run: int, steps: ArrayLike, path: ArrayLike) -> np.ndarray:
        """λmax at each point of run ``run``'s ``path`` ((n, d), its ``steps`` (n,)): (n,), NaN where the
        Hessian is not finite."""
        if landscape is not self._landscape:
            self._landscape, self._known = landscape, {}
        steps = np.asarray(steps, dtype=np.int64).ravel()
        path = np.asarray(path, dtype=np.float64).reshape(-1, landscape.dim)
        n = min(len(steps), len(path))
        steps, path = steps[:n], path[:n]
        out = np.full(n, np.nan)
        hit = np.zeros(n, bool)
        known = self._known.get(run)
        if known is not None and len(known[0]):
            k_steps, k_path, k_vals = known
            idx = np.clip(np.searchsorted(k_steps, steps), 0, len(k_steps) - 1)
            hit = (k_steps[idx] == steps) & np.all(k_path[idx] == path, axis=1)
            out[hit] = k_vals[idx[hit]]
        if (~hit).any():
            out[~hit] = hessian_eigenvalues(landscape, path[~hit])[:, -1]
        order = np.argsort(steps, kind="stable")
        self._known[run] = (steps[order], path[order], out[order])
        return out
