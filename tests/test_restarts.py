"""Random restarts statistics and the Hessian inspector's values."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from landscape_gui.core.analysis.basins import BasinProblem, settle
from landscape_gui.core.analysis.critical import critical_points
from landscape_gui.core.analysis.inspector import inspect_point, inspect_points
from landscape_gui.core.analysis.restarts import (
    CATEGORIES,
    RestartSummary,
    random_starts,
    run_restarts,
    success_curve,
)
from landscape_gui.core.landscapes.library import get_landscape


def two_wells(seed=1, n=400):
    return run_restarts(
        get_landscape("two_wells"),
        [("gd", {"lr": 0.05}), ("momentum", {"lr": 0.05})],
        n=n,
        seed=seed,
        steps=300,
    )


def test_restarts_are_reproducible_from_the_seed():
    a, b, c = two_wells(), two_wells(), two_wells(seed=2)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.settled.starts, y.settled.starts)
        np.testing.assert_array_equal(x.settled.labels, y.settled.labels)
        np.testing.assert_array_equal(x.measured, y.measured)
    assert not np.array_equal(a[0].settled.starts, c[0].settled.starts)
    np.testing.assert_array_equal(a[0].settled.starts, a[1].settled.starts)  # same starts for each optimizer
    L = get_landscape("two_wells")
    starts = random_starts(L, 400, 1)
    assert L.contains(starts).all()
    np.testing.assert_array_equal(starts, np.random.default_rng(1).random((400, 2)) * [4, 3] + [-2, -1.5])


def test_summary_shares_p_and_best_run():
    gd = two_wells()[0]
    cats = gd.categories()
    assert list(cats) == list(CATEGORIES) and sum(cats.values()) == pytest.approx(1.0)
    assert 0.2 < gd.p < 0.8 and cats["global_minimum"] == pytest.approx(gd.p)
    assert cats["other_minimum"] == pytest.approx(1 - gd.p)  # two wells: every run ends in one of them
    b = gd.best()
    s = gd.settled
    # the lowest loss, a tie (within 1e-9) going to the first run: runs at one minimum end 1e-12 apart by chance
    low = np.min(s.loss)
    assert b == np.flatnonzero(s.loss <= low + 1e-9 * max(1.0, abs(low)))[0] and gd.success[b]
    # the same outcomes as stepping those starts directly
    direct = settle(BasinProblem(get_landscape("two_wells"), "gd", {"lr": 0.05}, steps=300, seed=1), s.starts)
    np.testing.assert_array_equal(direct.labels, s.labels)


def test_success_curve_against_its_formula():
    gd = two_wells()[0]
    p, k = gd.p, gd.ks
    np.testing.assert_allclose(gd.formula(), 1 - (1 - p) ** k, rtol=0, atol=0)
    # measured on runs of its own: within the spread of its groups of the formula at p's 95 % interval
    lo, hi = gd.p_interval()
    spread = 4.5 * np.sqrt(0.25 / gd.groups)
    assert np.all(gd.measured >= 1 - (1 - lo) ** k - spread) and np.all(
        gd.measured <= 1 - (1 - hi) ** k + spread
    )
    need = gd.restarts_needed(0.99)
    assert 1 - (1 - p) ** need >= 0.99 > 1 - (1 - p) ** (need - 1)
    # a known pool: one success in every 4 runs, cut into groups of k
    measured, groups = success_curve(np.tile([False, False, True, False], 250), [1, 2, 3, 4, 8])
    np.testing.assert_allclose(measured, [0.25, 0.5, 250 / 333, 1.0, 1.0], rtol=0, atol=1e-12)  # by hand
    assert groups.tolist() == [1000, 500, 333, 250, 125]


@pytest.mark.parametrize("p", [0.006, 0.1, 0.5, 0.9, 1 - 0.1**0.5, 1 - 0.1 ** (1 / 3), 0.999, 1e-4, 0.25])
def test_restarts_needed_is_the_smallest_integer_k(p):
    k = 1
    while 1 - (1 - p) ** k < 0.9:  # counted one by one
        k += 1
    need = RestartSummary.restarts_needed(SimpleNamespace(p=p), 0.9)
    assert type(need) is int and need == k


def test_restarts_needed_edges():
    r = run_restarts(get_landscape("booth"), [("gd", {"lr": 0.05})], n=20, seed=0, steps=300)[0]
    assert r.p == 1.0 and r.restarts_needed(0.9) == 1
    r = run_restarts(get_landscape("booth"), [("gd", {"lr": 1e-6})], n=20, seed=0, steps=3)[0]
    assert r.p == 0.0 and math.isinf(r.restarts_needed(0.9))
    with pytest.raises(ValueError, match="number of runs"):
        random_starts(get_landscape("booth"), 0, 0)


# -- Hessian inspector -------------------------------------------------------------------------------------
@pytest.mark.parametrize("fid", ["himmelblau", "rosenbrock", "six_hump_camel", "seed_curve"])
def test_inspector_values_are_the_cores_hessian_and_eigh(fid):
    L = get_landscape(fid)
    rng = np.random.default_rng(0)
    lo = np.array([a for a, _ in L.domain])
    hi = np.array([b for _, b in L.domain])
    pts = lo + (hi - lo) * rng.random((25, L.dim))
    r = inspect_points(L, pts)
    np.testing.assert_array_equal(r["hessian"], L.hessian(pts))
    np.testing.assert_array_equal(r["grad"], L.grad(pts))
    np.testing.assert_array_equal(r["value"], L.value(pts))
    w, v = np.linalg.eigh(L.hessian(pts))
    np.testing.assert_array_equal(r["eigenvalues"], w)
    np.testing.assert_array_equal(r["eigenvectors"], v)
    for i in range(len(pts)):
        one = inspect_point(L, pts[i])
        np.testing.assert_array_equal(one.eigenvalues, w[i])
        h = L.hessian(pts[i])
        for k in range(L.dim):  # H v = λ v, and the sign says which way it curves
            np.testing.assert_allclose(
                h @ one.eigenvectors[:, k], w[i, k] * one.eigenvectors[:, k], atol=1e-9 * max(1, abs(h).max())
            )
            assert one.curvature[k] == ("up" if w[i, k] > 0 else "down")


def test_inspector_names_the_kind_at_critical_points():
    L = get_landscape("himmelblau")
    kinds = set()
    for c in critical_points(L):
        i = inspect_point(L, c.position)
        assert i.kind == c.kind and i.critical == c
        assert np.linalg.norm(i.grad) < 1e-6
        kinds.add(i.kind)
    assert kinds == {"minimum", "saddle", "maximum"}
    assert inspect_point(L, [0.0, 0.0]).kind is None
    monkey = inspect_point(get_landscape("monkey_saddle"), [0.0, 0.0])
    assert monkey.kind == "degenerate" and monkey.curvature == ("flat", "flat")


def test_a_scenario_with_restarts_runs_its_random_starts():
    """One rule for the window, the export and trace (issue 22): a scenario with [restarts] runs the n random
    starts the summary counts (run i is restart i), not the starts its file lists."""
    from landscape_gui.core.scenario.presets import load_preset

    s = load_preset("rastrigin-restarts")
    L = s.build_landscape()
    (lo, hi), _ = L.domain
    drawn = s.with_drawn_restarts(L)
    expected = lo + (hi - lo) * np.random.default_rng(s.seed).random((s.restarts.n, 2))  # as documented
    np.testing.assert_array_equal(np.array(drawn.starts), expected)
    assert s.build_simulation(landscape=L).positions().shape == (1, s.restarts.n, 2)  # (optimizers, runs, d)
    plain = load_preset("himmelblau-basins")
    assert plain.with_drawn_restarts(plain.build_landscape()) is plain
