"""The numeric part of the critical-point search (see :mod:`landscape_gui.core.analysis.critical`, steps 1–4
and 6 of its method): the scales sampled over the domain, the seeds, batched Newton's method on the
gradient, deduplication and polishing, and the checks that every reported point is stationary and that the
grid resolved the points it found.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from landscape_gui.core.landscapes.landscape import Landscape

#: Accept a Newton iterate only if ‖∇J‖ <= GRAD_TOL * (largest ‖∇J‖ over the domain) ...
GRAD_TOL = 1e-8
#: ... and its last Newton step is <= STEP_TOL * (domain size).
STEP_TOL = 1e-7
#: Two critical points closer than DEDUP_TOL * (domain size) are the same point.
DEDUP_TOL = 1e-6
_MAX_ITER = 100
_STEP_CAP = 0.1  # × domain size
_ESCAPE_MARGIN = 0.05  # × domain size


class Deadline(Exception):
    pass


@dataclass
class SearchContext:
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
            raise Deadline

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
        result: np.ndarray = np.all((pts >= self.lo - pad) & (pts <= self.hi + pad), axis=1)
        return result


def newton_steps(g: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def sign_change_cells(
    ctx: SearchContext, lo: np.ndarray, hi: np.ndarray, m: int
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray], int]:
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
        result: np.ndarray = (lo_ <= 0) & (hi_ >= 0) & (hi_ > lo_)
        return result

    i, j = np.nonzero(straddles(g[..., 0]) & straddles(g[..., 1]))
    seeds = np.column_stack([0.5 * (xs[i] + xs[i + 1]), 0.5 * (ys[j] + ys[j + 1])])
    return seeds, g, (xs, ys), osc


def scales(ctx: SearchContext) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
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
        seeds, g, (xs, ys), osc = sign_change_cells(ctx, ctx.lo, ctx.hi, m)
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


def uniform_seeds(ctx: SearchContext, n: int, box: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    axes = []
    blo, bhi = box if box is not None else (ctx.lo, ctx.hi)
    for lo, hi in zip(blo, bhi, strict=True):
        step = (hi - lo) / n
        axes.append(lo + step * (np.arange(n) + 0.5))  # cell centres: stays off the exact boundary
    if ctx.ls.dim == 1:
        result: np.ndarray = axes[0][:, None]
        return result
    a, b = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([a.ravel(), b.ravel()])


def newton(
    ctx: SearchContext, x0: np.ndarray, iters: int = _MAX_ITER
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run batched Newton; return final positions, ‖∇J‖ there and the size of the last step (inf if dead).

    Near a root of ∇J of multiplicity k (∇J ∝ (x − a)ᵏ along the step: x¹⁰⁰ + y¹⁰⁰ at 0, or a line of minima
    of (x + y + 1)¹⁰⁰) Newton converges only linearly, each step (k − 1)/k of the one before, and 100 steps
    of x¹⁰⁰ + y¹⁰⁰ would cover a third of the distance. When two successive ratios agree on such a k
    (k > 2.5), the step is multiplied by k, which lands on the root (the classic correction for a multiple
    root); simple roots, whose steps shrink quadratically, are never corrected.
    """
    x = x0.copy()
    n = x.shape[0]
    last = np.full(n, np.inf)
    raw = np.full(n, np.inf)  # the size of each point's last Newton step before correction and cap
    ratio = np.full(n, np.nan)  # the ratio of its last two such sizes
    alive = np.ones(n, dtype=bool)
    frozen = np.zeros(n, dtype=bool)
    cap = _STEP_CAP * ctx.size
    freeze_tol = 1e-13 * (ctx.size + float(np.max(np.abs(np.concatenate([ctx.lo, ctx.hi])))))
    for _ in range(iters):
        act = np.nonzero(alive & ~frozen)[0]
        if act.size == 0 or ctx.expired():
            break
        g, h = ctx.gh(x[act])
        delta, finite = newton_steps(g, h)
        norm = np.sqrt(np.sum(delta**2, axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = norm / raw[act]
        steady = (r > 0.6) & (r < 1.0) & (np.abs(r - ratio[act]) < 1e-3)
        raw[act], ratio[act] = norm, r
        delta[steady] *= (1.0 / (1.0 - r[steady]))[:, None]
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


def polish(ctx: SearchContext, x: np.ndarray, steps: int = 6) -> np.ndarray:
    """A few extra Newton steps; keep for each point the iterate with the smallest ‖∇J‖ (moving ≤ tol)."""
    best = x.copy()
    bestg = np.sqrt(np.sum(ctx.grad(best) ** 2, axis=1))
    cur = x.copy()
    tol = DEDUP_TOL * ctx.size
    for _ in range(steps):
        if ctx.expired():
            break
        g, h = ctx.gh(cur)
        delta, finite = newton_steps(g, h)
        if not finite.any():
            break
        cur = cur + np.where(finite[:, None], delta, 0.0)
        gn = np.sqrt(np.sum(ctx.grad(cur) ** 2, axis=1))
        better = (gn < bestg) & (np.sqrt(np.sum((cur - x) ** 2, axis=1)) <= tol)
        best[better] = cur[better]
        bestg[better] = gn[better]
    return best


def dedup(points: np.ndarray, quality: np.ndarray, tol: float) -> np.ndarray:
    """Indices of representatives: best quality (smallest) first, one per cluster of radius tol. Exact roots
    (quality < 0) are distinct points by construction and all kept (on a huge domain ``tol`` can exceed the
    distance between two of them); a numeric point within ``tol`` of one is its duplicate."""
    order = np.argsort(quality, kind="stable")
    keys: dict[tuple[int, ...], list[int]] = {}
    reps: list[int] = []
    d = points.shape[1]
    offsets = np.array(np.meshgrid(*[[-1, 0, 1]] * d, indexing="ij")).reshape(d, -1).T
    cell = np.floor(points / tol).astype(np.int64)
    for i in order:
        c = cell[i]
        dup = False
        for off in offsets if quality[i] >= 0 else ():
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


def stationary(ctx: SearchContext, pts: np.ndarray) -> np.ndarray:
    """Which points are stationary at the resolution the listing tells points apart: ‖∇J‖ there is zero, or
    at most 1e-3 of ‖∇J‖ on a ring of radius DEDUP_TOL × the domain's size around it (where a point that
    is a root is ~1e-10 of it or less, and a point that is not, such as (3, −0.923) on Himmelblau over ±10⁶,
    is of the order of it). Points whose Hessian is not finite (a cusp) are judged by their values
    elsewhere and kept here."""
    ls, d = ctx.ls, ctx.ls.dim
    rho = DEDUP_TOL * ctx.size
    if d == 1:
        dirs = np.array([[1.0], [-1.0]])
    else:
        t = np.linspace(0, 2 * np.pi, 8, endpoint=False)
        dirs = np.column_stack([np.cos(t), np.sin(t)])
    g0 = np.linalg.norm(ls.grad(pts), axis=1)
    ring = (pts[:, None, :] + rho * dirs[None]).reshape(-1, d)
    gr = np.linalg.norm(ls.grad(ring), axis=1).reshape(len(pts), -1).max(axis=1)
    smooth = np.all(np.isfinite(ls.hessian(pts)), axis=(1, 2))
    result: np.ndarray = ~smooth | (g0 == 0) | (np.isfinite(gr) & (g0 <= 1e-3 * gr))
    return result


def closest_within(pts: np.ndarray, radius: float) -> float:
    """The smallest distance under ``radius`` between two of the points, else inf (points hashed into cells
    of that size: linear in their number)."""
    if len(pts) < 2 or not radius > 0:
        return math.inf
    cells: dict[tuple[int, ...], list[int]] = {}
    for i, c in enumerate(map(tuple, np.floor(pts / radius).astype(np.int64))):
        cells.setdefault(c, []).append(i)
    d = pts.shape[1]
    offsets = [tuple(o) for o in np.array(np.meshgrid(*[[-1, 0, 1]] * d, indexing="ij")).reshape(d, -1).T]
    best = math.inf
    for c, members in cells.items():
        near = [j for o in offsets for j in cells.get(tuple(a + b for a, b in zip(c, o, strict=True)), ())]
        for i in members:
            dist = np.linalg.norm(pts[near] - pts[i], axis=1)
            dist = dist[np.array(near) != i]
            if dist.size:
                best = min(best, float(dist.min()))
    return best if best < radius else math.inf


def unresolved(ctx: SearchContext, pts: np.ndarray, box: tuple[np.ndarray, np.ndarray] | None) -> str:
    """Why the grid may have missed points, or "": two points found closer together than twice the spacing
    of the grid they were searched on (the finer grid of the ``box``, when one was searched)."""
    d = pts.shape[1]
    inside = np.zeros(len(pts), dtype=bool)
    groups = [(pts, ctx.fine_step * math.sqrt(d))]
    if box is not None:
        blo, bhi = box
        inside = np.all((pts >= blo) & (pts <= bhi), axis=1)
        step = float(np.max((bhi - blo) / (ctx.ls.search_grid - 1))) * math.sqrt(d)
        groups = [(pts[inside], step), (pts[~inside], ctx.fine_step * math.sqrt(d))]
    for group, resolution in groups:
        close = closest_within(group, 2 * resolution)
        if math.isfinite(close):
            return (
                f"critical points lie {close:.3g} apart, closer than the search grid resolves "
                f"({resolution:.3g} over this domain): a smaller domain shows them all"
            )
    return ""
