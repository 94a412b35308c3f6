"""Critical points of a landscape: every point in the domain where ∇J = 0, located and classified.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> pts = critical_points(get_landscape("double_well"))
>>> [(p.kind, round(p.position[0], 6), p.is_global) for p in pts]
[('minimum', -1.581139, True), ('minimum', 1.581139, True), ('maximum', 0.0, False)]

Method
------
1. **Scales.** The gradient is sampled on a fine grid over the domain (400 × 400 in 2-D, 20 001 points in
   1-D, refined up to 2 000 per axis for oscillating functions). ``G`` = the largest ‖∇J‖ there is the
   *gradient scale*; ``S`` = the median spectral norm of the Hessian on that grid is the *curvature scale*
   passed to :func:`classify`. The number of sign changes of the gradient components along the grid lines
   measures how much the function oscillates.
2. **Seeds.** A uniform grid (``seeds_per_axis`` per axis; by default 60 in 2-D / 400 in 1-D, more when the
   function oscillates), the centre of every fine-grid cell in which both gradient components change sign
   (there is a zero of each component in it: these catch every critical point the fine grid resolves), and
   the literature global minima.
3. **Newton's method on the gradient**, batched: δ = −H⁺∇J, where H⁺ is the pseudo-inverse from the
   eigen-decomposition of H (eigenvalues below 1e-13 × the largest are dropped, so a singular H still gives
   a step), the step capped at 10 % of the domain's size. Iterates that leave the domain by more than 5 %
   or become non-finite are dropped.
4. **Acceptance.** An iterate is a critical point only if *both* ‖∇J‖ ≤ 1e-8·G *and* Newton has converged
   (its last step ≤ 1e-7 × the domain size, in practice it is at rounding level for non-degenerate points).
   The far plateau of ``plateau`` has ‖∇J‖ ~ 1e-10 at the corners but Newton keeps moving outward
   there (step ≈ 1/r), so it yields nothing. Points outside the domain (beyond a relative 1e-9) are dropped.
5. **Exact roots.** When J is a polynomial with rational coefficients of low degree, the real roots of
   ∇J = 0 are also computed with sympy (1-D: real roots of J′; 2-D: real roots of the two resultants,
   paired and polished with 30-digit Newton steps) and merged in; they pin degenerate points (the monkey
   saddle) exactly. The numeric method alone finds the same points.
6. **Deduplication** within 1e-6 × the domain size, keeping the best-converged representative (an exact
   root first), then a few more Newton steps polish each survivor (the iterate with the smallest ‖∇J‖ is
   kept).
7. **Classification** by the Hessian's eigenvalues (:func:`classify` with the curvature scale ``S``).
   A point classified ``"degenerate"`` is kept only if the degeneracy is genuine and the point isolated:
   along the eigenvector of its smallest eigenvalue, the gradient at distance ρ = 1e-4 × domain size must
   be more than 3× what that eigenvalue explains (λ·ρ), i.e. higher-order terms dominate, as at the monkey
   saddle's origin; and Newton started 1e-3 × domain size away along that eigenvector must come back to
   it. Far out on Easom (J ~ e^(−r²) < 1e-7) the Hessian is tiny only because the whole function is, and
   where e^(−r²) underflows J is exactly 0 in floating point; these numerically flat points are not
   reported. Neither are curves of critical points (the rim of (x² + y² − 1)²): they are not isolated.
8. **Non-smooth points.** A literature global minimum at which the Hessian is not finite (Ackley's origin,
   a cusp) is still reported: kind ``"minimum"`` if J there is below J on rings of sample points around it
   (radii 1e-7, 1e-5 and 1e-3 × domain size), else ``"degenerate"``; its eigenvalues are ``nan``.
9. **Global flag.** Every minimum whose value is within 1e-9·max(1, |v|) of the lowest minimum value v.

The answer depends on the landscape alone, never on the machine's speed or load: the work is bounded by a
count, ``max_evaluations`` points at which the gradient or the Hessian is evaluated (``WORK_BUDGET`` by
default: every built-in needs at most 3.3 million, a formula with ~50 000 critical points 3 million). Past
it, refinement stops and the points already accepted are returned (never a half-converged one), the same
points in every process. ``deadline_s`` adds an optional wall-clock bound for a caller that would rather
have a partial answer soon than the full one; a search cut by it depends on the machine's load.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from landscape_gui.core.landscapes.landscape import Landscape, as_points

if TYPE_CHECKING:  # sympy is imported where the exact roots need it: not on the app's launch path
    import sympy as sp

__all__ = [
    "CriticalPoint",
    "classify",
    "critical_points",
    "find_critical_points",
    "nearest_critical_point",
]

#: An eigenvalue with |λ| <= DEGENERATE_TOL * max(1, scale) counts as zero.
DEGENERATE_TOL = 1e-6
#: Accept a Newton iterate only if ‖∇J‖ <= GRAD_TOL * (largest ‖∇J‖ over the domain) ...
GRAD_TOL = 1e-8
#: ... and its last Newton step is <= STEP_TOL * (domain size).
STEP_TOL = 1e-7
#: Two critical points closer than DEDUP_TOL * (domain size) are the same point.
DEDUP_TOL = 1e-6
#: Relative tolerance on values for the global flag.
GLOBAL_TOL = 1e-9

#: Points at which ∇J or H may be evaluated in one search, by default (see the module docstring).
WORK_BUDGET = 1 << 23

_MAX_ITER = 100
_STEP_CAP = 0.1  # × domain size
_ESCAPE_MARGIN = 0.05  # × domain size


@dataclass(frozen=True)
class CriticalPoint:
    """A point where ∇J = 0.

    ``eigenvalues`` are those of the Hessian there, ascending; ``nan`` where the Hessian is not defined
    (a non-smooth minimum such as Ackley's origin). ``is_global`` marks a minimum whose value is the lowest
    minimum's value in the domain.
    """

    position: tuple[float, ...]
    value: float
    kind: str  # "minimum" | "maximum" | "saddle" | "degenerate"
    eigenvalues: tuple[float, ...]
    is_global: bool


def classify(eigenvalues, scale: float = 1.0) -> str:
    """Kind of a critical point from its Hessian eigenvalues.

    ``"degenerate"`` when an eigenvalue is ~0 (|λ| <= 1e-6·max(1, scale)) or not finite; otherwise
    ``"minimum"`` (all > 0), ``"maximum"`` (all < 0) or ``"saddle"`` (mixed signs).

    >>> classify([-2.0, 2.0]), classify([1.0, 3.0]), classify([0.0, 1.0]), classify([-1.0])
    ('saddle', 'minimum', 'degenerate', 'maximum')
    """
    ev = np.atleast_1d(np.asarray(eigenvalues, dtype=np.float64))
    tol = DEGENERATE_TOL * max(1.0, float(scale))
    if ev.size == 0 or not np.all(np.isfinite(ev)) or np.any(np.abs(ev) <= tol):
        return "degenerate"
    if np.all(ev > 0):
        return "minimum"
    if np.all(ev < 0):
        return "maximum"
    return "saddle"


# -- helpers -----------------------------------------------------------------------------------------------


class _Deadline(Exception):
    pass


@dataclass
class _Ctx:
    ls: Landscape
    lo: np.ndarray
    hi: np.ndarray
    size: float  # largest side of the domain
    budget: int  # points at which ∇J or H may still be evaluated
    deadline: float | None  # time.perf_counter() past which to stop; None: no wall-clock bound
    grad_scale: float = 1.0
    curv_scale: float = 1.0
    oscillation: int = 0  # most sign changes of a gradient component along one grid line
    fine_step: float = 0.0

    def check(self) -> None:
        if self.expired():
            raise _Deadline

    def expired(self) -> bool:
        """The work budget is spent (or the optional deadline passed)."""
        return self.budget < 0 or (self.deadline is not None and time.perf_counter() > self.deadline)

    def grad(self, pts: np.ndarray) -> np.ndarray:
        self.budget -= len(pts)
        return self.ls.grad(pts)

    def hessian(self, pts: np.ndarray) -> np.ndarray:
        self.budget -= len(pts)
        return self.ls.hessian(pts)

    def gh(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.grad(pts), self.hessian(pts)

    def inside(self, pts: np.ndarray, margin: float) -> np.ndarray:
        pad = margin * (self.hi - self.lo)
        return np.all((pts >= self.lo - pad) & (pts <= self.hi + pad), axis=1)


def _newton_steps(g: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """δ = −H⁺g for each row (pseudo-inverse from eigh), and whether the row was finite."""
    finite = np.all(np.isfinite(g), axis=1) & np.all(np.isfinite(h), axis=(1, 2))
    hh = np.where(finite[:, None, None], h, np.eye(h.shape[1]))
    hh = 0.5 * (hh + np.swapaxes(hh, 1, 2))
    w, v = np.linalg.eigh(hh)
    wmax = np.max(np.abs(w), axis=1, keepdims=True)
    keep = np.abs(w) > 1e-13 * wmax
    inv = np.where(keep, 1.0 / np.where(keep, w, 1.0), 0.0)
    gg = np.where(finite[:, None], g, 0.0)
    coeff = np.einsum("nij,ni->nj", v, gg) * inv
    delta = -np.einsum("nij,nj->ni", v, coeff)
    return delta, finite


def _sign_change_cells(ctx: _Ctx, lo: np.ndarray, hi: np.ndarray, m: int):
    """Gradient on an m × m grid over [lo, hi]; seeds at cells where both components change sign.

    Returns (seeds, gradient grid, axes, oscillation = most sign changes of a component along one line).
    """
    xs = np.linspace(lo[0], hi[0], m)
    ys = np.linspace(lo[1], hi[1], m)
    gx_, gy_ = np.meshgrid(xs, ys, indexing="ij")
    g = ctx.grad(np.column_stack([gx_.ravel(), gy_.ravel()])).reshape(m, m, 2)
    g = np.where(np.isfinite(g), g, 0.0)
    s = np.sign(g)
    osc = 0
    for k in range(2):
        osc = max(osc, int(np.max(np.sum(s[1:, :, k] * s[:-1, :, k] < 0, axis=0))))
        osc = max(osc, int(np.max(np.sum(s[:, 1:, k] * s[:, :-1, k] < 0, axis=1))))

    # cells in which both gradient components take both signs (or touch zero without being all zero)
    def straddles(c: np.ndarray) -> np.ndarray:
        corners = np.stack([c[:-1, :-1], c[1:, :-1], c[:-1, 1:], c[1:, 1:]])
        lo_, hi_ = corners.min(axis=0), corners.max(axis=0)
        return (lo_ <= 0) & (hi_ >= 0) & (hi_ > lo_)

    i, j = np.nonzero(straddles(g[..., 0]) & straddles(g[..., 1]))
    seeds = np.column_stack([0.5 * (xs[i] + xs[i + 1]), 0.5 * (ys[j] + ys[j + 1])])
    return seeds, g, (xs, ys), osc


def _scales(ctx: _Ctx) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Sample ∇J on a fine grid: set the scales and the oscillation estimate.

    Returns the sign-change seeds and, in 2-D, the box (lo, hi) holding everything where the gradient is
    not negligible when that box is much smaller than the domain (Easom), to be searched again, finer.
    """
    ls = ctx.ls
    if ls.dim == 1:
        m = 20001
        xs = np.linspace(ctx.lo[0], ctx.hi[0], m)
        g = ctx.grad(xs[:, None])[:, 0]
        gf = np.where(np.isfinite(g), g, 0.0)
        s = np.sign(gf)
        change = (s[:-1] * s[1:] < 0) | ((s[:-1] == 0) ^ (s[1:] == 0))
        ctx.oscillation = int(change.sum())
        ctx.grad_scale = float(np.max(np.abs(gf))) if gf.size else 1.0
        ctx.fine_step = float(xs[1] - xs[0])
        idx = np.nonzero(change)[0]
        seeds = 0.5 * (xs[idx] + xs[idx + 1])
        hs = ctx.hessian(np.linspace(ctx.lo[0], ctx.hi[0], 2001)[:, None])[:, 0, 0]
        hs = np.abs(hs[np.isfinite(hs)])
        ctx.curv_scale = float(np.median(hs)) if hs.size else 1.0
        return seeds[:, None], None

    m = ls.search_grid
    while True:
        ctx.check()
        seeds, g, (xs, ys), osc = _sign_change_cells(ctx, ctx.lo, ctx.hi, m)
        if 6 * osc <= m or m >= 5 * ls.search_grid:
            break
        m = min(5 * ls.search_grid, 6 * osc)
    ctx.oscillation = osc
    ctx.fine_step = float(max((ctx.hi - ctx.lo) / (m - 1)))
    gn = np.hypot(g[..., 0], g[..., 1])
    ctx.grad_scale = float(np.max(gn))

    box = None
    i, j = np.nonzero(gn > 1e-9 * ctx.grad_scale)
    if i.size:
        blo = np.array([xs[max(i.min() - 1, 0)], ys[max(j.min() - 1, 0)]])
        bhi = np.array([xs[min(i.max() + 1, m - 1)], ys[min(j.max() + 1, m - 1)]])
        if np.any(bhi - blo < 0.5 * (ctx.hi - ctx.lo)):
            box = (blo, bhi)

    k = min(64, ls.search_grid)
    cx, cy = np.meshgrid(np.linspace(ctx.lo[0], ctx.hi[0], k), np.linspace(ctx.lo[1], ctx.hi[1], k))
    h = ctx.hessian(np.column_stack([cx.ravel(), cy.ravel()]))
    ok = np.all(np.isfinite(h), axis=(1, 2))
    norms = np.linalg.norm(h[ok], ord=2, axis=(1, 2)) if ok.any() else np.array([1.0])
    ctx.curv_scale = float(np.median(norms))
    return seeds, box


def _uniform_seeds(ctx: _Ctx, n: int, box: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    axes = []
    blo, bhi = box if box is not None else (ctx.lo, ctx.hi)
    for lo, hi in zip(blo, bhi, strict=True):
        step = (hi - lo) / n
        axes.append(lo + step * (np.arange(n) + 0.5))  # cell centres: stays off the exact boundary
    if ctx.ls.dim == 1:
        return axes[0][:, None]
    a, b = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([a.ravel(), b.ravel()])


def _newton(ctx: _Ctx, x0: np.ndarray, iters: int = _MAX_ITER) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run batched Newton; return final positions, ‖∇J‖ there and the size of the last step (inf if dead)."""
    x = x0.copy()
    n = x.shape[0]
    last = np.full(n, np.inf)
    alive = np.ones(n, dtype=bool)
    frozen = np.zeros(n, dtype=bool)
    cap = _STEP_CAP * ctx.size
    freeze_tol = 1e-13 * (ctx.size + float(np.max(np.abs(np.concatenate([ctx.lo, ctx.hi])))))
    for _ in range(iters):
        act = np.nonzero(alive & ~frozen)[0]
        if act.size == 0 or ctx.expired():
            break
        g, h = ctx.gh(x[act])
        delta, finite = _newton_steps(g, h)
        norm = np.sqrt(np.sum(delta**2, axis=1))
        scale = np.where(norm > cap, cap / np.where(norm > 0, norm, 1.0), 1.0)
        delta *= scale[:, None]
        norm = np.minimum(norm, cap)
        x[act] += delta
        last[act] = norm
        gnorm0 = np.sqrt(np.sum(np.where(np.isfinite(g), g, np.inf) ** 2, axis=1))
        dead = ~finite | ~ctx.inside(x[act], _ESCAPE_MARGIN) | ~np.all(np.isfinite(x[act]), axis=1)
        alive[act[dead]] = False
        frozen[act[(norm <= freeze_tol) | (gnorm0 == 0)]] = True
    g = ctx.grad(x)
    gnorm = np.sqrt(np.sum(g**2, axis=1))
    gnorm[~alive | ~np.isfinite(gnorm)] = np.inf
    last[~alive] = np.inf
    return x, gnorm, last


def _polish(ctx: _Ctx, x: np.ndarray, steps: int = 6) -> np.ndarray:
    """A few extra Newton steps; keep for each point the iterate with the smallest ‖∇J‖ (moving ≤ tol)."""
    best = x.copy()
    bestg = np.sqrt(np.sum(ctx.grad(best) ** 2, axis=1))
    cur = x.copy()
    tol = DEDUP_TOL * ctx.size
    for _ in range(steps):
        if ctx.expired():
            break
        g, h = ctx.gh(cur)
        delta, finite = _newton_steps(g, h)
        if not finite.any():
            break
        cur = cur + np.where(finite[:, None], delta, 0.0)
        gn = np.sqrt(np.sum(ctx.grad(cur) ** 2, axis=1))
        better = (gn < bestg) & (np.sqrt(np.sum((cur - x) ** 2, axis=1)) <= tol)
        best[better] = cur[better]
        bestg[better] = gn[better]
    return best


def _dedup(points: np.ndarray, quality: np.ndarray, tol: float) -> np.ndarray:
    """Indices of representatives: best quality (smallest) first, one per cluster of radius tol."""
    order = np.argsort(quality, kind="stable")
    keys: dict[tuple[int, ...], list[int]] = {}
    reps: list[int] = []
    d = points.shape[1]
    offsets = np.array(np.meshgrid(*[[-1, 0, 1]] * d, indexing="ij")).reshape(d, -1).T
    cell = np.floor(points / tol).astype(np.int64)
    for i in order:
        c = cell[i]
        dup = False
        for off in offsets:
            for j in keys.get(tuple(c + off), ()):
                if np.sum((points[i] - points[j]) ** 2) <= tol * tol:
                    dup = True
                    break
            if dup:
                break
        if not dup:
            keys.setdefault(tuple(c), []).append(int(i))
            reps.append(int(i))
    return np.array(reps, dtype=np.int64)


# -- exact roots of polynomial gradients -------------------------------------------------------------------

_EXACT_MAX_DEGREE_1D = 40
_EXACT_MAX_DEGREE_2D = 5
_DIGITS = 30


def _rational_poly(ls: Landscape) -> sp.Poly | None:
    import sympy as sp

    try:
        if not ls.expr.is_polynomial(*ls.symbols):
            return None
        p = sp.Poly(ls.expr, *ls.symbols)
    except (sp.PolynomialError, sp.GeneratorsNeeded, TypeError, ValueError):
        return None
    if p.get_domain() not in (sp.ZZ, sp.QQ):
        return None
    return p


def _real_roots(p: sp.Poly) -> list[sp.Float]:
    """Distinct real roots of a univariate rational polynomial, to _DIGITS digits."""
    import sympy as sp

    if p.is_zero or p.degree() <= 0:
        return []
    sq = p.sqf_part()
    return [sp.Float(r.evalf(_DIGITS), _DIGITS) for r in sq.real_roots()]


def _exact_roots(ctx: _Ctx) -> np.ndarray:
    """Critical points from sympy when ∇J is a low-degree rational polynomial system; (0, d) otherwise."""
    import sympy as sp

    ls = ctx.ls
    empty = np.empty((0, ls.dim))
    p = _rational_poly(ls)
    if p is None:
        return empty
    if ls.dim == 1:
        dp = p.diff(ls.symbols[0])
        if dp.degree() > _EXACT_MAX_DEGREE_1D:
            return empty
        roots = [float(r) for r in _real_roots(dp)]
        return np.array(roots, dtype=np.float64).reshape(-1, 1)

    xs, ys = ls.symbols
    gx, gy = p.diff(xs), p.diff(ys)
    if gx.is_zero or gy.is_zero or max(gx.total_degree(), gy.total_degree()) > _EXACT_MAX_DEGREE_2D:
        return empty
    ctx.check()
    rx = sp.Poly(sp.resultant(gx.as_expr(), gy.as_expr(), ys), xs)
    ctx.check()
    ry = sp.Poly(sp.resultant(gx.as_expr(), gy.as_expr(), xs), ys)
    if rx.is_zero or ry.is_zero:  # a common factor: a curve of critical points, not isolated ones
        return empty
    ctx.check()
    xr = _real_roots(rx) if rx.degree() > 0 else []
    yr = _real_roots(ry) if ry.degree() > 0 else []
    # a resultant that is a non-zero constant has no roots: then there is no critical point at all
    fgx = sp.lambdify((xs, ys), gx.as_expr(), modules="mpmath")
    fgy = sp.lambdify((xs, ys), gy.as_expr(), modules="mpmath")
    hexprs = [[sp.diff(g.as_expr(), s) for s in (xs, ys)] for g in (gx, gy)]
    fh = sp.lambdify((xs, ys), hexprs, modules="mpmath")
    import mpmath  # sympy's own dependency

    out = []
    with mpmath.workdps(_DIGITS):
        gscale = mpmath.mpf(ctx.grad_scale) + 1
        for a in xr:
            ctx.check()
            for b in yr:
                u, v = mpmath.mpf(str(a)), mpmath.mpf(str(b))
                r = max(abs(fgx(u, v)), abs(fgy(u, v)))
                if r > mpmath.mpf(10) ** (-_DIGITS // 2) * gscale:
                    continue
                for _ in range(8):  # polish (the roots are already accurate; this only tidies them)
                    jac = mpmath.matrix(fh(u, v))
                    rhs = mpmath.matrix([fgx(u, v), fgy(u, v)])
                    try:
                        step = mpmath.lu_solve(jac, rhs)
                    except ZeroDivisionError:
                        break
                    if abs(step[0]) + abs(step[1]) > mpmath.mpf(10) ** (-_DIGITS // 3):
                        break
                    u, v = u - step[0], v - step[1]
                out.append((float(u), float(v)))
    return np.array(out, dtype=np.float64).reshape(-1, 2)


# -- main --------------------------------------------------------------------------------------------------


def _flat_direction(ctx: _Ctx, p: np.ndarray, ev: np.ndarray, vecs: np.ndarray) -> np.ndarray | None:
    """At a degenerate point: the flat direction if higher-order terms dominate there (else None: a
    numerically flat region, where the Hessian is tiny only because the whole function is)."""
    k = int(np.argmin(np.abs(ev)))
    vec = vecs[:, k]
    rho = 1e-4 * ctx.size
    gq = ctx.grad(np.stack([p + rho * vec, p - rho * vec])) @ vec
    if not np.all(np.isfinite(gq)):
        return None
    along = float(np.max(np.abs(gq)))
    explained = abs(float(ev[k])) * rho
    if along > 3.0 * explained and along > 1e-30 * max(ctx.grad_scale, 1e-300):
        return vec
    return None


def _isolated(ctx: _Ctx, pts: np.ndarray, vecs: np.ndarray) -> np.ndarray:
    """Newton started a little way off along the flat direction must come back to the point; on a curve
    of critical points ((x² + y² − 1)²) it stops at another point of the curve instead."""
    if pts.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    off = 1e-3 * ctx.size
    starts = np.concatenate([pts + off * vecs, pts - off * vecs])
    back, _, _ = _newton(ctx, starts)
    dist = np.linalg.norm(back - np.concatenate([pts, pts]), axis=1).reshape(2, -1)
    return np.all(dist <= 10 * DEDUP_TOL * ctx.size, axis=0)


def _is_local_min_nonsmooth(ctx: _Ctx, p: np.ndarray, value: float) -> bool:
    ring = []
    for r in (1e-7, 1e-5, 1e-3):
        rho = r * ctx.size
        if ctx.ls.dim == 1:
            ring.extend([p + rho, p - rho])
        else:
            for t in np.linspace(0, 2 * np.pi, 16, endpoint=False):
                ring.append(p + rho * np.array([np.cos(t), np.sin(t)]))
    vals = ctx.ls.value(np.array(ring))
    return bool(np.all(np.isfinite(vals)) and np.all(value < vals))


def find_critical_points(
    landscape: Landscape,
    *,
    seeds_per_axis: int | None = None,
    deadline_s: float | None = None,
    exact: bool = True,
    max_evaluations: int = WORK_BUDGET,
) -> list[CriticalPoint]:
    """Every critical point inside ``landscape.domain``, sorted by value then position.

    ``seeds_per_axis`` overrides the size of the uniform seed grid (chosen from the domain and the
    oscillation of the gradient otherwise). ``max_evaluations`` bounds the work (points at which ∇J or H is
    evaluated): past it, refinement stops and the points found so far (all converged) are returned, the same
    on every machine. ``deadline_s`` (None: none) also bounds the time, at the price of an answer that
    depends on the machine's load. ``exact=False`` skips the sympy root finding (the numeric search alone;
    for checking). See the module docstring for the method and the tolerances.
    """
    with np.errstate(all="ignore"):
        try:
            return _find(landscape, seeds_per_axis, deadline_s, exact, max_evaluations)
        except (NameError, TypeError, AttributeError, np.linalg.LinAlgError):
            # the compiled formula cannot be evaluated everywhere (e.g. a DiracDelta in the Hessian of
            # abs(x), which numpy does not know): no critical points rather than an error in the GUI
            return []


def _find(
    ls: Landscape, seeds_per_axis: int | None, deadline_s: float | None, exact: bool, budget: int
) -> list[CriticalPoint]:
    deadline = None if deadline_s is None else time.perf_counter() + deadline_s
    lo = np.array([a for a, _ in ls.domain], dtype=np.float64)
    hi = np.array([b for _, b in ls.domain], dtype=np.float64)
    ctx = _Ctx(ls, lo, hi, float(np.max(hi - lo)), int(budget), deadline)
    d = ls.dim

    cand = [np.empty((0, d))]
    quality = [np.empty(0)]
    try:
        sign_seeds, box = _scales(ctx)
        if seeds_per_axis is None and ls.search_seeds is not None:
            n = ls.search_seeds
        elif seeds_per_axis is None:
            if d == 1:
                n = int(np.clip(4 * ctx.oscillation, 400, 5000))
            else:
                n = int(np.clip(2 * ctx.oscillation, 60, 160))
        else:
            n = max(1, int(seeds_per_axis))
        lit = np.array([m for m in ls.global_minima if len(m) == d], dtype=np.float64).reshape(-1, d)
        seeds = [lit, sign_seeds, _uniform_seeds(ctx, n)]
        if box is not None:  # the gradient is negligible outside a small box: search that one finer
            seeds.append(_sign_change_cells(ctx, box[0], box[1], ls.search_grid)[0])
            seeds.append(_uniform_seeds(ctx, n, box))
        seeds = np.concatenate(seeds)
        # seeds in a region where the computed gradient and Hessian are exactly zero (Easom far out,
        # where exp underflows) cannot lead anywhere genuine: skip them
        g0, h0 = ctx.gh(seeds)
        flat = np.all(g0 == 0, axis=1) & np.all(h0 == 0, axis=(1, 2))
        seeds = seeds[~flat]
        ctx.check()
        x, gnorm, last = _newton(ctx, seeds)
        ok = (
            np.isfinite(gnorm)
            & (gnorm <= GRAD_TOL * ctx.grad_scale)
            & (last <= STEP_TOL * ctx.size)
            & ctx.inside(x, 1e-9)
        )
        cand.append(x[ok])
        quality.append(gnorm[ok])
        # sympy cannot be interrupted: start it only within the budget (it takes < 0.4 s at the degrees
        # allowed) and, under a deadline, with time to spare
        spare = ctx.deadline is None or ctx.deadline - time.perf_counter() > 0.5
        if exact and ls.exact_search and not ctx.expired() and spare:
            try:
                ex = _exact_roots(ctx)
            except _Deadline:
                raise
            except Exception:  # sympy could not do it: the numeric points stand on their own
                ex = np.empty((0, d))
            ex = ex[ctx.inside(ex, 1e-9)] if ex.size else ex
            cand.append(ex)
            quality.append(np.full(ex.shape[0], -1.0))  # preferred representatives
    except _Deadline:
        pass

    pts = np.concatenate(cand)
    q = np.concatenate(quality)
    if pts.shape[0]:
        reps = _dedup(pts, q, DEDUP_TOL * ctx.size)
        exact_rep = q[reps] < 0
        pts = pts[reps]
        if not ctx.expired() and (~exact_rep).any():
            pts[~exact_rep] = _polish(ctx, pts[~exact_rep])

    results: list[tuple[np.ndarray, float, str, tuple[float, ...]]] = []
    pending: list[tuple[np.ndarray, float, str, tuple[float, ...]]] = []  # degenerate: isolated?
    pending_dirs: list[np.ndarray] = []
    if pts.shape[0]:
        vals = ls.value(pts)
        hs = ls.hessian(pts)
        smooth = np.all(np.isfinite(hs), axis=(1, 2))
        hs_ok = np.where(smooth[:, None, None], hs, np.eye(d))
        evs, vecss = np.linalg.eigh(0.5 * (hs_ok + np.swapaxes(hs_ok, 1, 2)))
        for p, v, is_smooth, ev, vecs in zip(pts, vals, smooth, evs, vecss, strict=True):
            if not np.isfinite(v):
                continue
            if is_smooth:
                kind = classify(ev, ctx.curv_scale)
                if kind == "degenerate":
                    vec = _flat_direction(ctx, p, ev, vecs)
                    if vec is None:
                        continue
                    pending.append((p, float(v), kind, tuple(float(e) for e in ev)))
                    pending_dirs.append(vec)
                    continue
                results.append((p, float(v), kind, tuple(float(e) for e in ev)))
            else:
                # a non-smooth point that Newton happened to land on: classify it by the values around it
                kind = "minimum" if _is_local_min_nonsmooth(ctx, p, float(v)) else "degenerate"
                results.append((p, float(v), kind, (math.nan,) * d))

    if pending:
        keep = _isolated(ctx, np.array([r[0] for r in pending]), np.array(pending_dirs))
        results.extend(r for r, k in zip(pending, keep, strict=True) if k)

    # literature minima where the Hessian is not finite (Ackley's origin): report them by their values
    for m in ls.global_minima:
        p = np.asarray(m, dtype=np.float64)
        if p.shape != (d,) or not ctx.inside(p[None], 1e-9)[0]:
            continue
        h = ls.hessian(p)
        v = float(ls.value(p))
        if np.all(np.isfinite(h)) or not np.isfinite(v):
            continue
        if any(np.linalg.norm(r[0] - p) <= DEDUP_TOL * ctx.size for r in results):
            continue
        kind = "minimum" if _is_local_min_nonsmooth(ctx, p, v) else "degenerate"
        results.append((p, v, kind, (math.nan,) * d))

    mins = [v for _, v, k, _ in results if k == "minimum"]
    vmin = min(mins) if mins else math.inf
    gtol = GLOBAL_TOL * max(1.0, abs(vmin)) if mins else 0.0
    out = [
        CriticalPoint(
            position=tuple(float(c) for c in p),
            value=v,
            kind=kind,
            eigenvalues=ev,
            is_global=kind == "minimum" and v <= vmin + gtol,
        )
        for p, v, kind, ev in results
    ]
    out.sort(key=listing_order)
    return out


def listing_order(c: CriticalPoint) -> tuple:
    """Sort key of the listing: value, then position. Values equal to round-off (the mirror-image minima of
    six_hump_camel) compare equal, so exact and numeric searches list them in the same order."""
    return (float(f"{c.value:.10g}"), c.position)


# -- cache and queries -------------------------------------------------------------------------------------

_cache: weakref.WeakKeyDictionary[Landscape, list[CriticalPoint]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def critical_points(landscape: Landscape) -> list[CriticalPoint]:
    """:func:`find_critical_points` with default settings, computed once per landscape object."""
    with _cache_lock:
        hit = _cache.get(landscape)
    if hit is not None:
        return list(hit)
    found = find_critical_points(landscape)
    with _cache_lock:
        _cache.setdefault(landscape, found)
        return list(_cache[landscape])


def remember_critical_points(landscape: Landscape, points: list[CriticalPoint]) -> None:
    """Give :func:`critical_points` the points of ``landscape`` found elsewhere (e.g. in a child process
    rebuilding the same landscape), so that no later call searches again in this process."""
    with _cache_lock:
        _cache.setdefault(landscape, list(points))


def nearest_critical_point(landscape: Landscape, point, radius: float) -> CriticalPoint | None:
    """The critical point nearest to ``point`` (Euclidean) if it lies within ``radius``; else ``None``."""
    p, _ = as_points(point, landscape.dim)
    p = p[0]
    best, best_d = None, math.inf
    for c in critical_points(landscape):
        dist = float(np.linalg.norm(np.asarray(c.position) - p))
        if dist <= radius and dist < best_d:
            best, best_d = c, dist
    return best
