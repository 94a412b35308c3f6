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

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.analysis.critical_exact import exact_roots
from landscape_gui.core.analysis.critical_numeric import (
    DEDUP_TOL,
    GRAD_TOL,
    STEP_TOL,
    Deadline,
    SearchContext,
    dedup,
    newton,
    polish,
    scales,
    sign_change_cells,
    stationary,
    uniform_seeds,
    unresolved,
)
from landscape_gui.core.landscapes.landscape import Landscape, as_points

__all__ = [
    "CriticalPoint",
    "CriticalSearch",
    "classify",
    "critical_points",
    "critical_search",
    "find_critical_points",
    "nearest_critical_point",
    "search_critical_points",
]

#: An eigenvalue with |λ| <= DEGENERATE_TOL * max(1, scale) counts as zero.
DEGENERATE_TOL = 1e-6
#: Relative tolerance on values for the global flag.
GLOBAL_TOL = 1e-9

#: Points at which ∇J or H may be evaluated in one search, by default (see the module docstring).
WORK_BUDGET = 1 << 23


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


def classify(eigenvalues: ArrayLike, scale: float = 1.0) -> str:
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


# -- main --------------------------------------------------------------------------------------------------


def _flat_direction(ctx: SearchContext, p: np.ndarray, ev: np.ndarray, vecs: np.ndarray) -> np.ndarray | None:
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


def _isolated(ctx: SearchContext, pts: np.ndarray, vecs: np.ndarray) -> np.ndarray:
    """Newton started a little way off along the flat direction must come back to the point; on a curve
    of critical points ((x² + y² − 1)²) it stops at another point of the curve instead."""
    if pts.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    off = 1e-3 * ctx.size
    starts = np.concatenate([pts + off * vecs, pts - off * vecs])
    back, _, _ = newton(ctx, starts)
    dist = np.linalg.norm(back - np.concatenate([pts, pts]), axis=1).reshape(2, -1)
    result: np.ndarray = np.all(dist <= 10 * DEDUP_TOL * ctx.size, axis=0)
    return result


def _is_local_min_nonsmooth(ctx: SearchContext, p: np.ndarray, value: float) -> bool:
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


@dataclass(frozen=True)
class CriticalSearch:
    """What a search found: the ``points`` (see :func:`find_critical_points`), and whether they are all the
    critical points of the domain. ``complete`` is False, with the ``reason`` in one line, when the search
    could not cover the domain: it ran out of time, or critical points lie closer together than its grid
    resolves (a domain far larger than the landscape's features). Every listed point is stationary either
    way; an incomplete list may miss some."""

    points: tuple[CriticalPoint, ...]
    complete: bool = True
    reason: str = ""


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
    depends on the machine's load. ``exact=False`` skips the sympy root finding (the
    numeric search alone; for checking). See the module docstring for the method and the tolerances, and
    :func:`search_critical_points` for whether the list is complete.
    """
    return list(
        search_critical_points(
            landscape,
            seeds_per_axis=seeds_per_axis,
            deadline_s=deadline_s,
            exact=exact,
            max_evaluations=max_evaluations,
        ).points
    )


def search_critical_points(
    landscape: Landscape,
    *,
    seeds_per_axis: int | None = None,
    deadline_s: float | None = None,
    exact: bool = True,
    max_evaluations: int = WORK_BUDGET,
) -> CriticalSearch:
    """:func:`find_critical_points` and whether its list is complete (:class:`CriticalSearch`).

    >>> from landscape_gui.core.landscapes.library import get_landscape
    >>> r = search_critical_points(get_landscape("himmelblau").with_domain([(-1e6, 1e6), (-1e6, 1e6)]))
    >>> r.complete, sorted(p.kind for p in r.points).count("minimum")
    (True, 4)
    """
    with np.errstate(all="ignore"):
        try:
            return _find(landscape, seeds_per_axis, deadline_s, exact, max_evaluations)
        except (NameError, TypeError, AttributeError, np.linalg.LinAlgError):
            # the compiled formula cannot be evaluated everywhere (e.g. a DiracDelta in the Hessian of
            # abs(x), which numpy does not know): no critical points rather than an error in the GUI
            return CriticalSearch((), False, "the landscape's derivatives cannot be evaluated everywhere")


def _find(
    ls: Landscape, seeds_per_axis: int | None, deadline_s: float | None, exact: bool, budget: int
) -> CriticalSearch:
    deadline = None if deadline_s is None else time.perf_counter() + deadline_s
    lo = np.array([a for a, _ in ls.domain], dtype=np.float64)
    hi = np.array([b for _, b in ls.domain], dtype=np.float64)
    ctx = SearchContext(ls, lo, hi, float(np.max(hi - lo)), int(budget), deadline)
    d = ls.dim

    cand = [np.empty((0, d))]
    quality = [np.empty(0)]
    timed_out = False
    exact_all = False  # sympy gave every critical point there is
    box = None
    try:
        sign_seeds, box = scales(ctx)
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
        seed_sets = [lit, sign_seeds, uniform_seeds(ctx, n)]
        if box is not None:  # the gradient is negligible outside a small box: search that one finer
            seed_sets.append(sign_change_cells(ctx, box[0], box[1], ls.search_grid)[0])
            seed_sets.append(uniform_seeds(ctx, n, box))
        seeds = np.concatenate(seed_sets)
        # seeds in a region where the computed gradient and Hessian are exactly zero (Easom far out,
        # where exp underflows) cannot lead anywhere genuine: skip them
        g0, h0 = ctx.gh(seeds)
        flat = np.all(g0 == 0, axis=1) & np.all(h0 == 0, axis=(1, 2))
        seeds = seeds[~flat]
        ctx.check()
        x, gnorm, last = newton(ctx, seeds)
        timed_out = ctx.expired()
        # converged, or frozen where ∇J is exactly zero in floating point: near a critical set of high order,
        # (x + y + 1)¹⁰⁰(x − y + 2)¹⁰⁰, Newton creeps by 1/100 of the distance a step until ∇J underflows;
        # such a point is stationary to the machine's precision and is classified like any other
        ok = (
            np.isfinite(gnorm)
            & (((gnorm <= GRAD_TOL * ctx.grad_scale) & (last <= STEP_TOL * ctx.size)) | (gnorm == 0))
            & ctx.inside(x, 1e-9)
        )
        cand.append(x[ok])
        quality.append(gnorm[ok])
        # sympy cannot be interrupted: start it only within the budget and, under a deadline, with time to
        # spare; critical_exact bounds its work (well under a second at the degrees it takes)
        spare = ctx.deadline is None or ctx.deadline - time.perf_counter() > 0.5
        if exact and ls.exact_search and not ctx.expired() and spare:
            try:
                ex = exact_roots(ls, ctx.check)
            except Deadline:
                raise
            except Exception:  # noqa: BLE001 - sympy could not do it: the numeric points stand on their own
                ex = None
            if ex is not None:
                exact_all = True
                ex = ex[ctx.inside(ex, 1e-9)] if ex.size else ex
                cand.append(ex)
                quality.append(np.full(ex.shape[0], -1.0))  # preferred representatives
    except Deadline:
        timed_out = True

    pts = np.concatenate(cand)
    q = np.concatenate(quality)
    if pts.shape[0]:
        reps = dedup(pts, q, DEDUP_TOL * ctx.size)
        exact_rep = q[reps] < 0
        pts = pts[reps]
        if not ctx.expired() and (~exact_rep).any():
            pts[~exact_rep] = polish(ctx, pts[~exact_rep])
        keep = exact_rep | stationary(ctx, pts)
        pts = pts[keep]

    results, on_curves, flat = _classified(ctx, pts)

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
    complete, reason = True, ""
    if timed_out and not exact_all:
        limit = (
            f"its time limit ({deadline_s:g} s)"
            if ctx.budget >= 0
            else f"its work limit ({budget:,} evaluations)"
        )
        complete, reason = False, f"the search stopped at {limit}"
    elif not exact_all:
        reason = unresolved(ctx, np.array([c.position for c in out], dtype=np.float64).reshape(-1, d), box)
        complete = not reason
    # a flat region as low as every minimum listed holds unlisted minima (Easom's far field, at 0 above its
    # minimum −1, does not)
    on_curves += sum(v <= vmin + gtol for v in flat)
    if on_curves and complete:  # ((x+y+1)¹⁰⁰: a whole line of minima) said, never "complete" with none listed
        complete = False
        reason = (
            "some critical points are not isolated (lines, curves or flat regions of them) and are not listed"
        )
    return CriticalSearch(tuple(out), complete, reason)


def _classified(
    ctx: SearchContext, pts: np.ndarray
) -> tuple[list[tuple[np.ndarray, float, str, tuple[float, ...]]], int, list[float]]:
    """``(position, value, kind, eigenvalues)`` of each point worth reporting (see the module docstring, 7–8),
    how many points found lie on a line or curve of critical points, and the values of those in a region flat
    to the search's precision (neither is listed).

    The curvature scale an eigenvalue is compared with is the smaller of the landscape's (``S``) and the
    point's own (its Hessian's largest |λ|): a point is degenerate only if an eigenvalue is negligible next
    to both. On a domain far larger than the landscape's features, ``S`` is set by the far field
    (Himmelblau on ±10⁶: S ≈ 10¹²) and would call every genuine minimum degenerate.
    """
    d = ctx.ls.dim
    results: list[tuple[np.ndarray, float, str, tuple[float, ...]]] = []
    pending: list[tuple[np.ndarray, float, str, tuple[float, ...]]] = []  # degenerate: isolated?
    pending_dirs: list[np.ndarray] = []
    flat: list[float] = []
    if not pts.shape[0]:
        return results, 0, flat
    vals = ctx.ls.value(pts)
    hs = ctx.ls.hessian(pts)
    smooth = np.all(np.isfinite(hs), axis=(1, 2))
    hs_ok = np.where(smooth[:, None, None], hs, np.eye(d))
    evs, vecss = np.linalg.eigh(0.5 * (hs_ok + np.swapaxes(hs_ok, 1, 2)))
    for p, v, is_smooth, ev, vecs in zip(pts, vals, smooth, evs, vecss, strict=True):
        if not np.isfinite(v):
            continue
        if is_smooth:
            kind = classify(ev, min(ctx.curv_scale, float(np.max(np.abs(ev)))))
            if kind == "degenerate":
                vec = _flat_direction(ctx, p, ev, vecs)
                if vec is None:
                    flat.append(float(v))  # flat along a region: (x + y)², (x + y + 1)¹⁰⁰, Easom far out
                    continue
                pending.append((p, float(v), kind, tuple(float(e) for e in ev)))
                pending_dirs.append(vec)
                continue
            results.append((p, float(v), kind, tuple(float(e) for e in ev)))
        else:
            # a non-smooth point that Newton happened to land on: classify it by the values around it
            kind = "minimum" if _is_local_min_nonsmooth(ctx, p, float(v)) else "degenerate"
            results.append((p, float(v), kind, (math.nan,) * d))
    on_curves = 0
    if pending:
        keep = _isolated(ctx, np.array([r[0] for r in pending]), np.array(pending_dirs))
        results.extend(r for r, k in zip(pending, keep, strict=True) if k)
        on_curves = int(np.count_nonzero(~keep))
    return results, on_curves, flat


def listing_order(c: CriticalPoint) -> tuple[float, tuple[float, ...]]:
    """Sort key of the listing: value, then position. Values equal to round-off (the mirror-image minima of
    six_hump_camel) compare equal, so exact and numeric searches list them in the same order."""
    return (float(f"{c.value:.10g}"), c.position)


# -- cache and queries -------------------------------------------------------------------------------------

_cache: weakref.WeakKeyDictionary[Landscape, CriticalSearch] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def critical_search(landscape: Landscape) -> CriticalSearch:
    """:func:`search_critical_points` with default settings, computed once per landscape object."""
    with _cache_lock:
        hit = _cache.get(landscape)
    if hit is not None:
        return hit
    found = search_critical_points(landscape)
    with _cache_lock:
        return _cache.setdefault(landscape, found)


def critical_points(landscape: Landscape) -> list[CriticalPoint]:
    """The points of :func:`critical_search` (a new list each call: callers may change it)."""
    return list(critical_search(landscape).points)


def remember_critical_points(landscape: Landscape, points: list[CriticalPoint] | CriticalSearch) -> None:
    """Give :func:`critical_points` the points of ``landscape`` found elsewhere (e.g. in a child process
    rebuilding the same landscape: a list, or the whole :class:`CriticalSearch`), so that no later call
    searches again in this process."""
    found = points if isinstance(points, CriticalSearch) else CriticalSearch(tuple(points))
    with _cache_lock:
        _cache.setdefault(landscape, found)


def nearest_critical_point(landscape: Landscape, point: ArrayLike, radius: float) -> CriticalPoint | None:
    """The critical point nearest to ``point`` (Euclidean) if it lies within ``radius``; else ``None``."""
    p, _ = as_points(point, landscape.dim)
    p = p[0]
    best, best_d = None, math.inf
    for c in critical_points(landscape):
        dist = float(np.linalg.norm(np.asarray(c.position) - p))
        if dist <= radius and dist < best_d:
            best, best_d = c, dist
    return best
