"""The trajectory plot of Li et al. (2018, §7): the plane the paths used, and the loss surface on it.

Random directions miss a training path almost entirely in hundreds of dimensions; Li et al. take instead the
first two principal components of the path. For paths θ_i (one or several runs from the same start):

- the **origin** is the final point of the reference run (the first, unless told): θ_final;
- the **axes** u₁, u₂ are the first two principal components of the points θ_i − θ_final of all the paths
  together, centred on their mean (``sklearn.decomposition.PCA``, which Li et al.'s ``plot_trajectory`` calls,
  centres too): the rows of Vᵀ of the SVD of the centred points, orthonormal;
- the **explained** shares are σ₁²/Σσ² and σ₂²/Σσ² of that SVD: the part of the paths' variance the plane
  holds (PCA's ``explained_variance_ratio_``);
- each point's **coordinates** are ((θ − θ_final)·u₁, (θ − θ_final)·u₂), and its **distance from the plane**
  the norm of what is left, ‖(θ − θ_final) − a·u₁ − b·u₂‖: the honest caveat (the loss drawn on the plane
  at a path's point is not the loss at the point itself, which lies that far off it).

Several runs share one plane, so their paths can be compared. The components' signs are chosen so that θ₀
of the reference run has coordinates ≥ 0.

:func:`plane_surfaces` evaluates the loss on that plane, L(θ_final + a·u₁ + b·u₂), on a grid: coarse first,
then fine, in chunks, with progress and cancellation.

>>> import numpy as np
>>> path = np.array([[3.0, 0, 0], [2.0, 1.0, 0.1], [1.0, 0.5, -0.3], [0.5, 0, 0.2], [0.0, 0, 0]])
>>> p = project([path])
>>> [round(s, 4) for s in p.explained]  # the third component holds the remaining 0.0202
[0.8694, 0.1104]
>>> bool(np.allclose(p.paths[0][-1], 0.0)), round(p.max_distance[0], 4)
(True, 0.2661)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.data.landscapes import SurfaceCancelled
from landscape_gui.core.training.problem import NetworkLoss

__all__ = [
    "PlaneSurface",
    "Projection",
    "SurfaceCancelled",
    "plane_loss",
    "plane_surface",
    "plane_surfaces",
    "project",
]

#: Floats (points × samples × widest layer) one chunk of a surface holds at once: bounds the memory.
CHUNK_ELEMENTS = 1 << 19
#: Resolutions :func:`plane_surfaces` computes, coarse first.
RESOLUTIONS = (50, 200)
#: Padding of the surface's extent around the projected paths, as a share of their span on each axis.
PAD = 0.25


@dataclass(frozen=True, eq=False)
class Projection:
    """The plane θ_final + a·u₁ + b·u₂ and the paths on it (see the module docstring)."""

    #: θ_final of the reference run: (P,)
    origin: np.ndarray
    #: u₁, u₂ as rows, orthonormal: (2, P)
    axes: np.ndarray
    #: the shares of the paths' variance along u₁ and u₂
    explained: tuple[float, float]
    #: each run's path in plane coordinates (a, b): (T + 1, 2) each
    paths: tuple[np.ndarray, ...]
    #: each run's distance of every point from the plane: (T + 1,) each
    distances: tuple[np.ndarray, ...]
    #: which run's final point is the origin
    reference: int = 0

    @property
    def max_distance(self) -> tuple[float, ...]:
        """Per run, the largest distance of a point of its path from the plane."""
        return tuple(float(d.max()) for d in self.distances)

    def coordinates(self, thetas: np.ndarray) -> np.ndarray:
        """(a, b) of parameter vectors (K, P) or one (P,): their orthogonal projection on the plane."""
        result: np.ndarray = (np.asarray(thetas, dtype=np.float64) - self.origin) @ self.axes.T
        return result

    def point(self, a: float, b: float) -> np.ndarray:
        """θ_final + a·u₁ + b·u₂."""
        result: np.ndarray = self.origin + a * self.axes[0] + b * self.axes[1]
        return result

    def extent(self, pad: float = PAD) -> tuple[tuple[float, float], tuple[float, float]]:
        """((a_min, a_max), (b_min, b_max)) around every projected path, ``pad`` × the span added on each
        side (at least 10⁻⁹ wide)."""
        pts = np.concatenate(self.paths)
        out = []
        for lo, hi in zip(pts.min(axis=0), pts.max(axis=0), strict=True):
            margin = max(pad * (hi - lo), 1e-9)
            out.append((float(lo - margin), float(hi + margin)))
        return out[0], out[1]


def project(paths: Sequence[np.ndarray], reference: int = 0) -> Projection:
    """One shared plane for the runs' ``paths`` ((T_k + 1, P) each), through the final point of
    ``paths[reference]``, spanned by the first two principal components of all their points."""
    paths = [np.asarray(p, dtype=np.float64) for p in paths]
    if not paths or any(p.ndim != 2 or len(p) < 1 for p in paths):
        raise ValueError("give at least one path of shape (steps + 1, P)")
    if len({p.shape[1] for p in paths}) != 1 or paths[0].shape[1] < 2:
        raise ValueError("the paths must be in the same space of at least 2 parameters")
    origin = paths[reference][-1].copy()
    diffs = np.concatenate(paths) - origin
    centred = diffs - diffs.mean(axis=0)
    _, sigma, vt = np.linalg.svd(centred, full_matrices=False)
    var = sigma * sigma
    total = float(var.sum())
    shares = [float(v / total) if total > 0 else 0.0 for v in var[:2]]
    axes = np.zeros((2, origin.size))
    axes[: min(2, len(vt))] = vt[:2]
    if len(vt) < 2:  # one point, or points on a line with nothing across: any unit vector ⟂ u₁ does
        axes[1] = _orthogonal_unit(axes[0])
    start = paths[reference][0] - origin
    for i in range(2):  # θ₀ of the reference run on the positive side of each axis
        if start @ axes[i] < 0:
            axes[i] = -axes[i]
    shares += [0.0] * (2 - len(shares))
    coords, distances = [], []
    for p in paths:
        d = p - origin
        c = d @ axes.T
        coords.append(c)
        distances.append(np.linalg.norm(d - c @ axes, axis=1))
    return Projection(origin, axes, (shares[0], shares[1]), tuple(coords), tuple(distances), reference)


def _orthogonal_unit(u: np.ndarray) -> np.ndarray:
    e = np.zeros_like(u)
    e[int(np.argmin(np.abs(u)))] = 1.0
    v = e - (e @ u) * u
    result: np.ndarray = v / np.linalg.norm(v)
    return result


@dataclass(frozen=True, eq=False)
class PlaneSurface:
    """The loss on the plane: ``loss[i, j]`` at (``a[i]``, ``b[j]``), as ``DataLandscape.grid`` orders it."""

    a: np.ndarray
    b: np.ndarray
    loss: np.ndarray

    @property
    def resolution(self) -> int:
        return len(self.a)


def plane_loss(
    problem: NetworkLoss,
    projection: Projection,
    a: ArrayLike,
    b: ArrayLike,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> np.ndarray:
    """L(θ_final + a_k·u₁ + b_k·u₂) of the full data at each point (a_k, b_k): (K,). Computed in chunks of
    points; after each, ``progress(done, K)`` is called and ``cancelled()`` asked (True raises
    :class:`SurfaceCancelled`)."""
    a = np.atleast_1d(np.asarray(a, dtype=np.float64)).ravel()
    b = np.atleast_1d(np.asarray(b, dtype=np.float64)).ravel()
    net = problem.net
    plane = net.plane(projection.origin, projection.axes[0], projection.axes[1])
    x, y = problem.data.x, problem.data.y
    chunk = max(1, CHUNK_ELEMENTS // (problem.n_samples * max(net.sizes)))
    out = np.empty(a.size)
    for s in range(0, a.size, chunk):
        if cancelled is not None and cancelled():
            raise SurfaceCancelled("surface computation cancelled")
        with np.errstate(all="ignore"):
            out[s : s + chunk] = net.plane_terms(plane, a[s : s + chunk], b[s : s + chunk], x, y, 0)[0]
        if progress is not None:
            progress(min(a.size, s + chunk), a.size)
    return out


def plane_surface(
    problem: NetworkLoss,
    projection: Projection,
    resolution: int = RESOLUTIONS[-1],
    extent: tuple[tuple[float, float], tuple[float, float]] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PlaneSurface:
    """The full-data loss on a ``resolution`` × ``resolution`` grid of the plane over ``extent``
    (:meth:`Projection.extent` when None), edges included, computed as :func:`plane_loss` computes it."""
    n = int(resolution)
    if n < 2:
        raise ValueError(f"a surface needs a resolution of at least 2, not {resolution}")
    (a0, a1), (b0, b1) = extent if extent is not None else projection.extent()
    axes_a, axes_b = np.linspace(a0, a1, n), np.linspace(b0, b1, n)
    ga, gb = np.meshgrid(axes_a, axes_b, indexing="ij")
    z = plane_loss(problem, projection, ga, gb, progress=progress, cancelled=cancelled)
    return PlaneSurface(axes_a, axes_b, z.reshape(n, n))


def plane_surfaces(
    problem: NetworkLoss,
    projection: Projection,
    resolutions: Sequence[int] = RESOLUTIONS,
    extent: tuple[tuple[float, float], tuple[float, float]] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[PlaneSurface]:
    """:func:`plane_surface` at each of ``resolutions`` in turn (coarse first), over one extent; progress
    counts the points of all of them."""
    extent = extent if extent is not None else projection.extent()
    sizes = [int(r) * int(r) for r in resolutions]
    total, before = sum(sizes), 0
    for r, size in zip(resolutions, sizes, strict=True):

        def step(done: int, _total: int, before: int = before) -> None:
            if progress is not None:
                progress(before + done, total)

        yield plane_surface(problem, projection, r, extent, progress=step, cancelled=cancelled)
        before += size
