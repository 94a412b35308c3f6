"""Landscape contract: exact derivatives agree with finite differences, shapes, domains, the Qt-free core."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import landscape_gui.core
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, describe, get_landscape

x, y = sp.symbols("x y", real=True)


@cache
def sample_points(landscape_id: str) -> np.ndarray:
    """20 random points in the domain, plus 10 near each literature minimum (Easom is flat elsewhere)."""
    ls = get_landscape(landscape_id)
    rng = np.random.default_rng(abs(hash(landscape_id)) % 2**32)
    lo = np.array([a for a, _ in ls.domain])
    hi = np.array([b for _, b in ls.domain])
    pts = [lo + (hi - lo) * rng.random((20, ls.dim))]
    for m in ls.global_minima:
        near = np.asarray(m) + rng.uniform(-3, 3, (10, ls.dim)) * np.minimum(1.0, 0.1 * (hi - lo))
        pts.append(np.clip(near, lo, hi))
    pts = np.concatenate(pts)
    # skip exact non-smooth points (Ackley's origin): keep a distance from every literature minimum
    for m in ls.global_minima:
        pts = pts[np.linalg.norm(pts - np.asarray(m), axis=1) > 1e-3]
    return pts


def central_diff(fn, pts: np.ndarray, h: float) -> np.ndarray:
    """Richardson-extrapolated central differences of fn (rows of pts) along each axis: error O(h⁴)."""
    d = pts.shape[1]
    cols = []
    for k in range(d):
        e = np.zeros(d)
        e[k] = 1.0

        def cd(step, e=e):
            return (fn(pts + step * e) - fn(pts - step * e)) / (2 * step)

        cols.append((4 * cd(h / 2) - cd(h)) / 3)
    return np.stack(cols, axis=-1)


def step_for(ls: Landscape) -> float:
    return 1e-5 * max(1.0, max(hi - lo for lo, hi in ls.domain))


@pytest.mark.parametrize("landscape_id", LANDSCAPE_IDS)
def test_gradient_matches_finite_differences(landscape_id):
    ls = get_landscape(landscape_id)
    pts = sample_points(landscape_id)
    fd = central_diff(ls.value, pts, step_for(ls))
    exact = ls.grad(pts)
    scale = max(1.0, float(np.max(np.abs(exact))), float(np.max(np.abs(ls.value(pts)))) * 1e-3)
    np.testing.assert_allclose(fd, exact, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("landscape_id", LANDSCAPE_IDS)
def test_hessian_matches_finite_differences(landscape_id):
    ls = get_landscape(landscape_id)
    pts = sample_points(landscape_id)
    fd = central_diff(ls.grad, pts, step_for(ls))  # fd[n, i, k] = ∂g_i/∂x_k
    exact = ls.hessian(pts)
    scale = max(1.0, float(np.max(np.abs(exact))), float(np.max(np.abs(ls.grad(pts)))) * 1e-3)
    np.testing.assert_allclose(fd, exact, rtol=1e-6, atol=1e-6 * scale)
    np.testing.assert_allclose(exact, np.swapaxes(exact, 1, 2), rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("landscape_id", LANDSCAPE_IDS)
def test_shape_contract(landscape_id):
    ls = get_landscape(landscape_id)
    d = ls.dim
    assert d in (1, 2) and len(ls.domain) == d and len(ls.symbols) == d
    centre = np.array([(lo + hi) / 2 for lo, hi in ls.domain])
    v = ls.value(centre)
    # a single point gives a scalar: a numpy float64 (the docstring says a 0-d array; both are 0-d)
    assert np.ndim(v) == 0 and np.asarray(v).dtype == np.float64
    assert float(v) == pytest.approx(float(ls.value(list(centre))))
    assert ls.grad(centre).shape == (d,)
    assert ls.hessian(centre).shape == (d, d)
    pts = np.tile(centre, (7, 1))
    assert ls.value(pts).shape == (7,)
    assert ls.grad(pts).shape == (7, d)
    assert ls.hessian(pts).shape == (7, d, d)
    assert ls.value(np.empty((0, d))).shape == (0,)
    np.testing.assert_array_equal(ls.value(pts), np.full(7, float(v)))
    with pytest.raises(ValueError):
        ls.value(np.zeros((3, d + 1)))
    with pytest.raises(ValueError):
        ls.value(np.zeros((2, 3, d)))


@pytest.mark.parametrize("landscape_id", ["saddle", "booth", "matyas"])
def test_constant_hessian_broadcasts(landscape_id):
    ls = get_landscape(landscape_id)
    pts = sample_points(landscape_id)[:5]
    h = ls.hessian(pts)
    assert h.shape == (5, 2, 2)
    np.testing.assert_array_equal(h, np.broadcast_to(h[0], h.shape))
    assert ls.hessian(pts[0]).shape == (2, 2)


def test_constant_gradient_broadcasts():
    ls = Landscape.from_sympy(2 * x - y, (x, y), id="plane", name="Plane", domain=((-1, 1), (-1, 1)))
    np.testing.assert_array_equal(ls.grad(np.zeros((4, 2))), np.tile([2.0, -1.0], (4, 1)))
    np.testing.assert_array_equal(ls.hessian(np.zeros((3, 2))), np.zeros((3, 2, 2)))
    one = Landscape.from_sympy(sp.Integer(5) + 0 * x, (x,), id="c", name="c", domain=((0, 1),))
    np.testing.assert_array_equal(one.value(np.zeros((3, 1))), [5.0, 5.0, 5.0])


def test_with_domain_validation():
    ls = get_landscape("himmelblau")
    other = ls.with_domain(((-1, 1), (0, 2)))
    assert other.domain == ((-1.0, 1.0), (0.0, 2.0)) and other.id == ls.id and other is not ls
    assert ls.domain == ((-5.0, 5.0), (-5.0, 5.0))  # unchanged
    assert float(other.value([3.0, 2.0])) == 0.0  # same function
    for bad in (
        ((-1, 1),),
        ((-1, 1), (0, 2), (0, 1)),
        ((1, -1), (0, 2)),
        ((1, 1), (0, 2)),
        ((-np.inf, 1), (0, 2)),
        ((np.nan, 1), (0, 2)),
    ):
        with pytest.raises(ValueError):
            ls.with_domain(bad)
    one = get_landscape("double_well")
    assert one.with_domain(((0, 1),)).domain == ((0.0, 1.0),)
    with pytest.raises(ValueError):
        one.with_domain(((0, 1), (0, 1)))


def test_from_sympy_validation():
    with pytest.raises(ValueError):
        Landscape.from_sympy(x + y, (x, y), id="t", name="t", domain=((1, 0), (0, 1)))
    with pytest.raises(ValueError):
        Landscape.from_sympy(x + y, (x, y), id="t", name="t", domain=((0, 1),))
    z = sp.Symbol("z")
    with pytest.raises(ValueError):
        Landscape.from_sympy(x + y + z, (x, y, z), id="t", name="t", domain=((0, 1),) * 3)


def test_contains():
    ls = get_landscape("rosenbrock")  # [-2, 2] × [-1, 3]
    np.testing.assert_array_equal(
        ls.contains([[0.0, 0.0], [2.0, 3.0], [-2.0, -1.0], [2.1, 0.0], [0.0, -1.5]]),
        [True, True, True, False, False],
    )
    assert ls.contains([0.0, 0.0]) is np.True_ or bool(ls.contains([0.0, 0.0])) is True
    assert np.ndim(ls.contains([0.0, 0.0])) == 0
    assert not ls.contains([2.1, 0.0])
    assert ls.contains([2.1, 0.0], margin=0.05)  # 5 % of the width 4 is 0.2
    assert not ls.contains([2.3, 0.0], margin=0.05)
    one = get_landscape("seed_curve")  # [-3, 2.2]
    np.testing.assert_array_equal(one.contains([[-3.0], [2.2], [2.3]]), [True, True, False])


@pytest.mark.parametrize("landscape_id", ["seed_curve", "himmelblau"])
def test_grid(landscape_id):
    ls = get_landscape(landscape_id)
    if ls.dim == 1:
        xs, vals = ls.grid(50)
        assert xs.shape == (50,) and vals.shape == (50,)
        assert xs[0] == ls.domain[0][0] and xs[-1] == ls.domain[0][1]
        np.testing.assert_array_equal(vals, ls.value(xs[:, None]))
    else:
        xs, ys, z = ls.grid(30)
        assert xs.shape == (30,) and ys.shape == (30,) and z.shape == (30, 30)
        assert (xs[0], xs[-1]) == ls.domain[0] and (ys[0], ys[-1]) == ls.domain[1]
        assert z[3, 7] == pytest.approx(float(ls.value([xs[3], ys[7]])))
        assert z[29, 0] == pytest.approx(float(ls.value([xs[29], ys[0]])))


# Global minimum values from the literature (and closed forms for the lecture examples).
LITERATURE_MIN_VALUE = {
    "seed_curve": 0.0,
    "double_well": -2.25,
    "plateau": 0.0,
    "rosenbrock": 0.0,
    "himmelblau": 0.0,
    "beale": 0.0,
    "booth": 0.0,
    "rastrigin": 0.0,
    "ackley": 0.0,
    "goldstein_price": 3.0,
    "six_hump_camel": -1.0316284534898774,
    "three_hump_camel": 0.0,
    "matyas": 0.0,
    "levi13": 0.0,
    "styblinski_tang": -78.33233140754285,
    "mccormick": -1.9132229549810362,
    "easom": -1.0,
}


@pytest.mark.parametrize("landscape_id", LANDSCAPE_IDS)
def test_literature_minima(landscape_id):
    ls = get_landscape(landscape_id)
    if not ls.global_minima:
        assert landscape_id in ("saddle", "monkey_saddle")
        return
    pts = np.array(ls.global_minima)
    assert np.all(ls.contains(pts))
    vals = ls.value(pts)
    if landscape_id in LITERATURE_MIN_VALUE:
        np.testing.assert_allclose(vals, LITERATURE_MIN_VALUE[landscape_id], atol=1e-9, rtol=1e-9)
    g = ls.grad(pts)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, 0.0, atol=1e-7)
    # nothing nearby or anywhere on a coarse grid is lower
    axes = [np.linspace(lo, hi, 81) for lo, hi in ls.domain]
    grid = np.column_stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")])
    assert np.min(ls.value(grid)) >= np.min(vals) - 1e-9 * max(1.0, abs(float(np.min(vals))))


def test_two_wells_minimum_is_deepest_root():
    ls = get_landscape("two_wells")
    ((x0, y0),) = ls.global_minima
    assert y0 == 0.0 and 4 * x0**3 - 4 * x0 + 0.4 == pytest.approx(0.0, abs=1e-12)
    assert float(ls.value([x0, 0.0])) < float(ls.value([0.9456, 0.0]))


def test_ackley_gradient_at_cusp_is_zero():
    ls = get_landscape("ackley")
    np.testing.assert_array_equal(ls.grad([0.0, 0.0]), [0.0, 0.0])


def test_library_ids_and_errors():
    assert len(set(LANDSCAPE_IDS)) == len(LANDSCAPE_IDS)
    for i in LANDSCAPE_IDS:
        ls = get_landscape(i)
        assert ls.id == i and get_landscape(i) is ls
        # describe() does not build: a network slice adds its measured angle to the text once built
        name, description = describe(i)
        assert name == ls.name and ls.description.startswith(description)
    with pytest.raises(KeyError, match="unknown function"):
        get_landscape("no_such_function")


# -- the core stays Qt-free --------------------------------------------------------------------------------

CORE_DIR = Path(landscape_gui.core.__file__).parent
CORE_MODULES = sorted(
    ".".join(("landscape_gui", "core", *p.relative_to(CORE_DIR).with_suffix("").parts)).removesuffix(
        ".__init__"
    )
    for p in CORE_DIR.rglob("*.py")
)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_qt(module):
    code = (
        f"import {module}, sys; "
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'OpenGL'))]; "
        "assert not bad, bad"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr


def test_complex_values_become_nan_and_results_are_writable():
    x = sp.Symbol("x", real=True)
    L = Landscape.from_sympy(sp.log(x), (x,), id="log", name="log", domain=((0.5, 2.0),))
    v = L.value([[-1.0], [1.0]])
    assert np.isnan(v[0]) and v[1] == 0.0
    g = L.grad([[-1.0], [2.0]])
    g[:] = 0.0  # every result is a fresh array the caller may modify
    assert L.grad([[2.0]])[0, 0] == 0.5
