"""Critical points: the numbers lecturers put on slides, checked against closed forms and the literature."""

from __future__ import annotations

import math
import time
from functools import cache

import numpy as np
import pytest
import sympy as sp

from landscape_gui.core.analysis.critical import (
    CriticalPoint,
    classify,
    critical_points,
    find_critical_points,
    listing_order,
    nearest_critical_point,
    search_critical_points,
)
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, get_landscape

x, y = sp.symbols("x y", real=True)


@cache
def points(landscape_id: str) -> tuple[CriticalPoint, ...]:
    return tuple(critical_points(get_landscape(landscape_id)))


def of_kind(landscape_id: str, kind: str) -> list[CriticalPoint]:
    return [p for p in points(landscape_id) if p.kind == kind]


def counts(pts) -> dict[str, int]:
    out = {"minimum": 0, "maximum": 0, "saddle": 0, "degenerate": 0}
    for p in pts:
        out[p.kind] += 1
    return out


def grad_scale(ls: Landscape) -> float:
    axes = [np.linspace(lo, hi, 101) for lo, hi in ls.domain]
    pts = np.column_stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")])
    g = ls.grad(pts)
    return float(np.max(np.linalg.norm(g[np.all(np.isfinite(g), axis=1)], axis=1)))


# -- classify ----------------------------------------------------------------------------------------------


def test_classify_signs():
    assert classify([1.0, 2.0]) == "minimum"
    assert classify([-3.0, -0.5]) == "maximum"
    assert classify([-2.0, 2.0]) == "saddle"
    assert classify([4.0]) == "minimum"
    assert classify([-4.0]) == "maximum"
    assert classify(np.array([-1.0, 1.0])) == "saddle"


def test_classify_degenerate():
    assert classify([0.0, 0.0]) == "degenerate"
    assert classify([0.0, 1.0]) == "degenerate"
    assert classify([-1.0, 1e-7]) == "degenerate"
    assert classify([float("nan"), 1.0]) == "degenerate"
    assert classify([float("inf"), 1.0]) == "degenerate"
    assert classify([]) == "degenerate"


def test_classify_threshold_is_relative_to_scale():
    assert classify([1e-5, 1.0]) == "minimum"
    assert classify([1e-5, 1.0], scale=100.0) == "degenerate"  # 1e-5 <= 1e-6 * 100
    assert classify([2e-4, 1.0], scale=100.0) == "minimum"
    assert classify([5e-7, 1.0], scale=0.01) == "degenerate"  # scale below 1 counts as 1


# -- the lecture examples ----------------------------------------------------------------------------------


def test_himmelblau():
    pts = points("himmelblau")
    assert counts(pts) == {"minimum": 4, "maximum": 1, "saddle": 4, "degenerate": 0}
    mins = of_kind("himmelblau", "minimum")
    assert all(p.is_global and abs(p.value) < 1e-20 for p in mins)
    for m in get_landscape("himmelblau").global_minima:
        assert min(np.linalg.norm(np.subtract(p.position, m)) for p in mins) < 1e-9
    (mx,) = of_kind("himmelblau", "maximum")
    np.testing.assert_allclose(mx.position, (-0.270845, -0.923039), atol=1e-6)
    assert mx.value == pytest.approx(181.617, abs=1e-3)
    assert not mx.is_global


def test_saddle():
    (p,) = points("saddle")
    assert p.kind == "saddle" and p.position == (0.0, 0.0) and p.value == 0.0
    np.testing.assert_allclose(p.eigenvalues, (-2.0, 2.0))
    assert not p.is_global


def test_monkey_saddle_is_one_degenerate_point():
    (p,) = points("monkey_saddle")
    assert p.kind == "degenerate" and not p.is_global
    assert np.linalg.norm(p.position) < 1e-6
    np.testing.assert_allclose(p.eigenvalues, (0.0, 0.0), atol=1e-5)


def test_monkey_saddle_numeric_only():
    pts = find_critical_points(get_landscape("monkey_saddle"), exact=False)
    assert [p.kind for p in pts] == ["degenerate"]
    assert np.linalg.norm(pts[0].position) < 1e-6


def test_double_well():
    pts = points("double_well")
    assert counts(pts) == {"minimum": 2, "maximum": 1, "saddle": 0, "degenerate": 0}
    mins = of_kind("double_well", "minimum")
    np.testing.assert_allclose(
        sorted(p.position[0] for p in mins), [-math.sqrt(2.5), math.sqrt(2.5)], rtol=1e-12
    )
    assert all(p.is_global and p.value == pytest.approx(-2.25, abs=1e-12) for p in mins)
    (mx,) = of_kind("double_well", "maximum")
    assert mx.position == pytest.approx((0.0,), abs=1e-12) and mx.value == pytest.approx(4.0)


def test_seed_curve():
    pts = points("seed_curve")
    assert counts(pts) == {"minimum": 2, "maximum": 1, "saddle": 0, "degenerate": 0}
    glob, local = of_kind("seed_curve", "minimum")
    assert glob.position == pytest.approx((1.0,), abs=1e-12) and glob.value == pytest.approx(0.0, abs=1e-12)
    assert glob.is_global
    assert local.position == pytest.approx((-2.0,), abs=1e-12) and local.value == pytest.approx(2.25)
    assert not local.is_global
    (mx,) = of_kind("seed_curve", "maximum")
    assert mx.position == pytest.approx((-1.0,), abs=1e-12)


def test_two_wells():
    pts = points("two_wells")
    assert counts(pts) == {"minimum": 2, "maximum": 0, "saddle": 1, "degenerate": 0}
    glob, local = of_kind("two_wells", "minimum")
    assert glob.is_global and not local.is_global
    assert glob.position == pytest.approx((-1.0466, 0.0), abs=1e-4)
    assert local.position == pytest.approx((0.9456, 0.0), abs=1e-4)
    (s,) = of_kind("two_wells", "saddle")
    assert s.position == pytest.approx((0.1010, 0.0), abs=1e-4)
    # exact: roots of 4x³ − 4x + 0.4
    roots = sorted(float(r.real) for r in np.roots([4.0, 0.0, -4.0, 0.4]))
    np.testing.assert_allclose([glob.position[0], s.position[0], local.position[0]], roots, rtol=1e-12)


def test_rosenbrock_only_one_point():
    (p,) = points("rosenbrock")
    assert p.kind == "minimum" and p.is_global
    np.testing.assert_allclose(p.position, (1.0, 1.0), atol=1e-12)


def test_six_hump_camel():
    c = counts(points("six_hump_camel"))
    assert c == {"minimum": 6, "maximum": 2, "saddle": 7, "degenerate": 0}
    glob = [p for p in points("six_hump_camel") if p.is_global]
    assert len(glob) == 2
    assert all(p.value == pytest.approx(-1.0316284534898774, abs=1e-12) for p in glob)
    np.testing.assert_allclose(
        sorted(p.position for p in glob), [(-0.0898420, 0.7126564), (0.0898420, -0.7126564)], atol=1e-6
    )


def test_rastrigin_grid_of_minima():
    c = counts(points("rastrigin"))
    # 1-D: 11 minima (near the integers −5..5) and 10 maxima (near ±0.5..±4.5) in [−5.12, 5.12]
    assert c == {"minimum": 121, "maximum": 100, "saddle": 220, "degenerate": 0}
    glob = [p for p in points("rastrigin") if p.is_global]
    assert len(glob) == 1 and np.linalg.norm(glob[0].position) < 1e-12 and abs(glob[0].value) < 1e-12


def test_plateau_has_one_point():
    (p,) = points("plateau")
    assert p.kind == "minimum" and p.is_global and np.linalg.norm(p.position) < 1e-12


def test_easom_centre():
    pts = points("easom")
    glob = [p for p in pts if p.is_global]
    assert len(glob) == 1
    np.testing.assert_allclose(glob[0].position, (math.pi, math.pi), atol=1e-10)
    assert glob[0].value == pytest.approx(-1.0)
    # the structure around the hole: minimum, 4 maxima at distance 1.8366 along the axes, 4 minima on the
    # diagonals, 4 saddles at (π ± π/2, π ± π/2)
    assert counts(pts) == {"minimum": 5, "maximum": 4, "saddle": 4, "degenerate": 0}
    for p in of_kind("easom", "saddle"):
        np.testing.assert_allclose(np.abs(np.subtract(p.position, math.pi)), (math.pi / 2,) * 2, atol=1e-9)


def test_ackley_nonsmooth_origin():
    pts = points("ackley")
    glob = [p for p in pts if p.is_global]
    assert len(glob) == 1
    g = glob[0]
    assert g.position == (0.0, 0.0) and g.kind == "minimum" and abs(g.value) < 1e-12
    assert all(math.isnan(e) for e in g.eigenvalues)


# -- every built-in ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("landscape_id", LANDSCAPE_IDS)
def test_every_point_is_critical_and_classified(landscape_id):
    ls = get_landscape(landscape_id)
    pts = points(landscape_id)
    assert pts, "every built-in has at least one critical point"
    assert list(pts) == sorted(pts, key=listing_order)
    pos = np.array([p.position for p in pts])
    assert np.all(ls.contains(pos, margin=1e-9))
    g = ls.grad(pos)
    assert np.all(np.linalg.norm(g, axis=1) <= 1e-8 * grad_scale(ls))
    np.testing.assert_allclose(ls.value(pos), [p.value for p in pts], rtol=1e-12, atol=1e-300)
    for p in pts:
        ev = np.array(p.eigenvalues)
        assert len(ev) == ls.dim
        if p.kind == "minimum":
            assert np.all(ev > 0) or np.all(np.isnan(ev))
        elif p.kind == "maximum":
            assert np.all(ev < 0)
        elif p.kind == "saddle":
            assert ev.min() < 0 < ev.max()
        else:
            assert p.kind == "degenerate"
        if np.all(np.isfinite(ev)):
            assert list(ev) == sorted(ev)
            h = ls.hessian(np.array(p.position))
            np.testing.assert_allclose(ev, np.linalg.eigvalsh(h), rtol=1e-9, atol=1e-12)
        assert not p.is_global or p.kind == "minimum"
    # no two reported points coincide
    size = max(hi - lo for lo, hi in ls.domain)
    if len(pos) > 1:
        d = np.linalg.norm(pos[:, None] - pos[None], axis=2) + np.eye(len(pos)) * size
        assert d.min() > 1e-6 * size


@pytest.mark.parametrize("landscape_id", LANDSCAPE_IDS)
def test_literature_global_minima_found_and_flagged(landscape_id):
    ls = get_landscape(landscape_id)
    pts = points(landscape_id)
    glob = [p for p in pts if p.is_global]
    size = max(hi - lo for lo, hi in ls.domain)
    for m in ls.global_minima:
        near = [p for p in glob if np.linalg.norm(np.subtract(p.position, m)) < 1e-9 * max(1.0, size)]
        assert len(near) == 1, f"literature minimum {m} not found as a global minimum"
    mins = [p.value for p in pts if p.kind == "minimum"]
    if mins:
        assert all(p.value == pytest.approx(min(mins), rel=1e-9, abs=1e-9) for p in glob)
        assert glob


@pytest.mark.parametrize(
    "landscape_id",
    ["double_well", "seed_curve", "saddle", "two_wells", "himmelblau", "six_hump_camel", "styblinski_tang"],
)
def test_numeric_alone_agrees_with_exact(landscape_id):
    ls = get_landscape(landscape_id)
    numeric = find_critical_points(ls, exact=False)
    exact = points(landscape_id)
    assert [p.kind for p in numeric] == [p.kind for p in exact]
    np.testing.assert_allclose([p.position for p in numeric], [p.position for p in exact], atol=1e-9)


def test_no_minima_no_global():
    assert not any(p.is_global for p in points("saddle"))
    assert not any(p.is_global for p in points("monkey_saddle"))


# -- user formulas -----------------------------------------------------------------------------------------


def make(expr, symbols=(x, y), domain=((-2, 2), (-2, 2))) -> Landscape:
    return Landscape.from_sympy(expr, symbols, id="t", name="t", domain=domain)


def test_no_critical_point():
    assert find_critical_points(make(x + 2 * y)) == []


def test_quartic_bowl_degenerate_minimum():
    (p,) = find_critical_points(make(x**4 + y**4))
    assert p.kind == "degenerate" and np.linalg.norm(p.position) < 1e-6 and not p.is_global


def test_partly_degenerate():
    (p,) = find_critical_points(make(x**2 + y**4))
    assert p.kind == "degenerate" and np.linalg.norm(p.position) < 1e-5


def test_float_coefficients_and_shifted_degenerate_point():
    ls = make((x - 0.5) ** 3 - 3 * (x - 0.5) * (y + 0.25) ** 2)
    (p,) = find_critical_points(ls)
    assert p.kind == "degenerate"
    np.testing.assert_allclose(p.position, (0.5, -0.25), atol=1e-6)


def test_points_outside_domain_dropped():
    ls = make((x - 3) ** 2 + y**2)  # its minimum lies outside [-2, 2]²
    assert find_critical_points(ls) == []


def test_deadline_is_honoured(monkeypatch):
    """The deadline is read from the clock, not waited for: a clock that jumps past it early in the search
    stops the work soon after (a small share of what the search does unbounded), with the points found so
    far, all converged, and a reason that names the time limit."""
    ls = get_landscape("levi13").with_domain(((-10, 10), (-10, 10)))
    clock = {"readings_left": 0, "jumped": False}
    work = {"before": 0, "after": 0}  # points at which the gradient or the Hessian was evaluated

    def counting(method):
        def evaluate(self, points):
            work["after" if clock["jumped"] else "before"] += np.atleast_2d(points).shape[0]
            return method(self, points)

        return evaluate

    def perf_counter() -> float:
        if clock["readings_left"] > 0:
            clock["readings_left"] -= 1
            return 0.0
        clock["jumped"] = True
        return 1e9  # far past the 0.05 s deadline

    monkeypatch.setattr(Landscape, "grad", counting(Landscape.grad))
    monkeypatch.setattr(Landscape, "hessian", counting(Landscape.hessian))
    monkeypatch.setattr(time, "perf_counter", perf_counter)

    clock["readings_left"] = 10**9  # the clock never passes the deadline: the whole search
    unbounded = search_critical_points(ls, deadline_s=0.05, exact=False)
    full_work = work["before"]
    assert "time limit" not in unbounded.reason

    work.update(before=0, after=0)
    clock.update(readings_left=5, jumped=False)
    r = search_critical_points(ls, deadline_s=0.05, exact=False)
    assert clock["jumped"] and work["after"] <= 0.05 * full_work, (work, full_work)
    assert not r.complete and "time limit (0.05 s)" in r.reason
    if r.points:
        g = ls.grad(np.array([p.position for p in r.points]))
        assert np.all(np.linalg.norm(g, axis=1) <= 1e-8 * grad_scale(ls))


def test_seeds_per_axis_override():
    pts = find_critical_points(get_landscape("himmelblau"), seeds_per_axis=10)
    assert counts(pts) == counts(points("himmelblau"))


# -- cache and nearest -------------------------------------------------------------------------------------


def test_cache_per_object():
    ls = get_landscape("booth")
    a = critical_points(ls)
    b = critical_points(ls)
    assert a == b and a is not b  # copies: callers may not mutate the cache
    other = ls.with_domain(((-10, 0), (-10, 0)))  # minimum (1, 3) now outside
    assert critical_points(other) == []


def test_nearest_critical_point():
    ls = get_landscape("himmelblau")
    p = nearest_critical_point(ls, (3.1, 2.1), radius=0.5)
    assert p is not None and p.position == pytest.approx((3.0, 2.0), abs=1e-9)
    assert nearest_critical_point(ls, np.array([3.1, 2.1]), radius=0.01) is None
    q = nearest_critical_point(ls, (0.0, 0.0), radius=100.0)
    assert q is not None and q.kind == "maximum"
    r = nearest_critical_point(get_landscape("double_well"), (0.1,), radius=0.2)
    assert r is not None and r.kind == "maximum"


def test_curve_of_critical_points_is_not_reported_point_by_point():
    (p,) = find_critical_points(make((x**2 + y**2 - 1) ** 2))  # the unit circle is a curve of minima
    assert p.kind == "maximum" and np.linalg.norm(p.position) < 1e-12


def test_unevaluable_hessian_gives_no_points_rather_than_an_error():
    assert find_critical_points(make(sp.Abs(x) + y**2)) == []  # Hessian holds a DiracDelta
