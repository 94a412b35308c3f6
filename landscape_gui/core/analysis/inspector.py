"""The Hessian inspector's numbers at any point: J, ∇J, the Hessian, its eigenvalues and eigenvectors.

Each eigenvector is a direction in which the surface curves ``"up"`` (eigenvalue > 0), ``"down"`` (< 0) or
is ``"flat"`` (|λ| within :data:`~landscape_gui.core.analysis.critical.DEGENERATE_TOL` × max(1, curvature scale) of
0, the tolerance :func:`~landscape_gui.core.analysis.critical.classify` uses). At a critical point (the core's
:func:`~landscape_gui.core.analysis.critical.critical_points`, within ``radius``), the inspection names its kind as
the core classified it: ``minimum``, ``maximum``, ``saddle`` or ``degenerate``.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> i = inspect_point(get_landscape("saddle"), [0.0, 0.0])
>>> i.eigenvalues.tolist(), i.curvature, i.kind
([-2.0, 2.0], ('down', 'up'), 'saddle')
>>> inspect_point(get_landscape("saddle"), [1.0, 0.5]).kind is None
True
>>> round(inspect_point(get_landscape("booth"), [1.0, 3.0]).stable_lr(), 12)  # H = [[10, 8], [8, 10]]: 2/18
0.111111111111
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.analysis.critical import DEGENERATE_TOL, CriticalPoint, nearest_critical_point
from landscape_gui.core.analysis.curvature import stable_lr
from landscape_gui.core.landscapes.landscape import Landscape, as_points
from landscape_gui.core.types import AnyArray, BoolArray, FloatArray

__all__ = ["Inspection", "curvature_signs", "inspect_point", "inspect_points"]


@dataclass(frozen=True)
class Inspection:
    """What the inspector shows at ``point``. ``eigenvectors[:, k]`` goes with ``eigenvalues[k]``
    (ascending, as :func:`numpy.linalg.eigh` gives them); all ``nan`` where the Hessian is not finite."""

    point: FloatArray
    value: float
    grad: FloatArray
    hessian: FloatArray
    eigenvalues: FloatArray
    eigenvectors: FloatArray
    curvature: tuple[str, ...]
    critical: CriticalPoint | None

    @property
    def kind(self) -> str | None:
        """The critical point's kind, when the point is one (else None)."""
        return None if self.critical is None else self.critical.kind

    def stable_lr(self, momentum: float | None = None) -> float | None:
        """At a minimum, the largest stable learning rate there: 2/λmax for gradient descent, 2(1 + μ)/λmax for
        heavy-ball ``momentum`` μ (:func:`~landscape_gui.core.analysis.curvature.stable_lr`); None elsewhere."""
        return stable_lr(self.eigenvalues, momentum) if self.kind == "minimum" else None


def curvature_signs(eigenvalues: FloatArray, scale: float | FloatArray) -> AnyArray:
    """Per eigenvalue (any shape): ``"up"``, ``"down"``, ``"flat"``, or ``"undefined"`` (not finite)."""
    ev = np.asarray(eigenvalues, dtype=np.float64)
    tol = DEGENERATE_TOL * np.maximum(1.0, scale)
    with np.errstate(invalid="ignore"):
        out = np.where(ev > tol, "up", np.where(ev < -tol, "down", "flat")).astype(object)
    out[~np.isfinite(ev)] = "undefined"
    return out


def inspect_points(landscape: Landscape, points: ArrayLike) -> dict[str, AnyArray]:
    """The inspector's numbers at many points at once (for drawing the eigenvector directions):
    ``value`` (N,), ``grad`` (N, d), ``hessian`` (N, d, d), ``eigenvalues`` (N, d), ``eigenvectors``
    (N, d, d: column k per eigenvalue k), ``curvature`` (N, d) of "up"/"down"/"flat"/"undefined"."""
    pts, _ = as_points(points, landscape.dim)
    d = landscape.dim
    hess = landscape.hessian(pts)
    finite: BoolArray = np.all(np.isfinite(hess), axis=(1, 2))
    ev = np.full((len(pts), d), np.nan)
    vec = np.full((len(pts), d, d), np.nan)
    if finite.any():
        h = hess[finite]
        ev[finite], vec[finite] = np.linalg.eigh(h)  # eigh reads the lower triangle; ∂²J is symmetric
    scale = np.abs(np.where(finite[:, None, None], hess, 0.0)).max(axis=(1, 2))
    return {
        "value": landscape.value(pts),
        "grad": landscape.grad(pts),
        "hessian": hess,
        "eigenvalues": ev,
        "eigenvectors": vec,
        "curvature": curvature_signs(ev, scale[:, None]),
    }


def inspect_point(landscape: Landscape, point: ArrayLike, radius: float | None = None) -> Inspection:
    """The inspector at one point. ``radius`` (default 1e-6 × the domain's largest side) is how close a
    critical point must be for the point to count as it (a GUI passes about one pixel's size)."""
    p, _ = as_points(point, landscape.dim)
    if radius is None:
        radius = 1e-6 * max(hi - lo for lo, hi in landscape.domain)
    r = inspect_points(landscape, p)
    return Inspection(
        point=p[0],
        value=float(r["value"][0]),
        grad=r["grad"][0],
        hessian=r["hessian"][0],
        eigenvalues=r["eigenvalues"][0],
        eigenvectors=r["eigenvectors"][0],
        curvature=tuple(str(c) for c in r["curvature"][0]),
        critical=nearest_critical_point(landscape, p[0], radius),
    )
