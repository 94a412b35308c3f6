"""Basins of attraction: outcomes, retiring, bit-for-bit trajectories, progressive maps, colours."""

import numpy as np
import pytest

from landscape_gui.core.analysis.basins import (
    DIVERGED,
    NOT_SETTLED,
    BasinProblem,
    BasinsCancelled,
    basin_map,
    contracts_at,
    grid_starts,
    iter_basin_maps,
    refinement_levels,
)
from landscape_gui.core.analysis.critical import critical_points
from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.landscapes.expressions import landscape_from_formula
from landscape_gui.core.landscapes.library import get_landscape


def himmelblau_gd(grid=100, **kw):
    return basin_map(BasinProblem(get_landscape("himmelblau"), "gd", {"lr": 0.01}, steps=300), grid, **kw)


def test_himmelblau_gd_has_four_basins_each_holding_its_minimum():
    m = himmelblau_gd()
    reached = [o for o in m.outcomes() if o.count]
    assert [o.kind for o in reached] == ["minimum"] * 4 and all(o.is_global for o in reached)
    assert sum(o.share for o in m.outcomes()) == pytest.approx(1.0, abs=1e-12)
    assert all(0.15 < o.share < 0.35 for o in reached)
    xs, ys = m.axes
    for o in reached:  # the start nearest each minimum ends in it
        i, j = np.argmin(abs(xs - o.point[0])), np.argmin(abs(ys - o.point[1]))
        assert m.labels[i, j] == o.label
        assert np.hypot(*(m.ends[i, j] - o.point)) <= 1e-3 or m.retired[i, j]
    assert np.array_equal(himmelblau_gd().labels, m.labels)  # reproducible


def test_convex_bowl_is_one_basin():
    bowl = landscape_from_formula("x**2 + 3*y**2")
    m = basin_map(BasinProblem(bowl, "gd", {"lr": 0.1}, steps=200), 40)
    (o,) = [o for o in m.outcomes() if o.count]
    assert (o.kind, o.share, o.is_global) == ("minimum", 1.0, True)
    assert np.allclose(o.point, [0.0, 0.0])
    assert m.global_share == 1.0


CASES = [
    ("himmelblau", "gd", {"lr": 0.01}, 300, True),
    ("himmelblau", "momentum", {"lr": 0.002}, 300, True),
    ("himmelblau", "nesterov", {"lr": 0.002}, 300, True),
    ("rastrigin", "gd", {"lr": 0.002}, 300, True),
    ("two_wells", "newton", {"lr": 0.5}, 100, True),
    ("himmelblau", "adam", {"lr": 0.05}, 500, False),  # adaptive: never retired (it would be wrong here)
    ("rosenbrock", "gd", {"lr": 0.0015}, 400, False),  # stable at (1, 1), but the valley is too slow
]


@pytest.mark.parametrize(("fid", "oid", "hp", "steps", "retires"), CASES)
def test_retiring_gives_the_same_map(fid, oid, hp, steps, retires):
    problem = BasinProblem(get_landscape(fid), oid, hp, steps=steps)
    fast = basin_map(problem, 60)
    slow = basin_map(problem, 60, retire=False)
    assert not slow.retired.any()
    assert fast.retired.any() == retires
    np.testing.assert_array_equal(fast.labels, slow.labels)
    done = ~fast.retired
    np.testing.assert_array_equal(fast.ends[done], slow.ends[done])  # the others are stepped all the way


def test_adam_on_himmelblau_leaves_a_minimum_it_had_reached():
    """Why adaptive optimizers never retire: this run gets to 1e-11 of a minimum, then is thrown out."""
    L = get_landscape("himmelblau")
    xs = np.linspace(-5, 5, 200)
    sim = Simulation(L, [[xs[66], xs[49]]], [("adam", {"lr": 0.05})], max_points=None)
    sim.step(500)
    c = np.array([-3.779310253377747, -3.283185991286170])
    d = np.hypot(*(sim.path(0, 0) - c).T)
    assert d[:450].min() < 1e-9 and d[-1] > 1e-3


@pytest.mark.parametrize(
    ("fid", "oid", "hp", "noise"),
    [
        ("rosenbrock", "adam", {"lr": 0.01}, 0.0),
        ("rastrigin", "momentum", {"lr": 0.002}, 0.0),
        ("himmelblau", "newton", {}, 0.0),
        ("two_wells", "sgd", {"lr": 0.01, "noise": 0.5}, 0.3),
    ],
)
def test_end_points_are_the_trace_trajectories_bit_for_bit(fid, oid, hp, noise):
    L = get_landscape(fid)
    problem = BasinProblem(L, oid, hp, steps=120, noise=noise, seed=7)
    m = basin_map(problem, 9, retire=False)
    _, starts = grid_starts(L, 9)
    sim = Simulation(L, starts, [(oid, hp)], noise=noise, seed=7, max_points=None)  # as `trace` runs it
    sim.step(120)
    np.testing.assert_array_equal(m.ends.reshape(-1, 2), sim.positions()[0])
    if noise == 0:  # without noise, any subset of starts gives the same end points
        few = Simulation(L, starts[[0, 40, 80]], [(oid, hp)], max_points=None)
        few.step(120)
        np.testing.assert_array_equal(m.ends.reshape(-1, 2)[[0, 40, 80]], few.positions()[0])


def test_diverged_runs_are_the_simulations_diverged_runs():
    L = get_landscape("himmelblau")
    problem = BasinProblem(L, "gd", {"lr": 0.05}, steps=60)
    m = basin_map(problem, 21)
    _, starts = grid_starts(L, 21)
    sim = Simulation(L, starts, [("gd", {"lr": 0.05})], max_points=None)
    sim.step(60)
    diverged = sim.statuses(0) == "diverged"
    assert diverged.any()
    np.testing.assert_array_equal(m.labels.ravel() == DIVERGED, diverged)
    np.testing.assert_array_equal(m.ends.reshape(-1, 2)[diverged], sim.positions()[0][diverged])


def test_not_settled_when_too_few_steps():
    m = basin_map(BasinProblem(get_landscape("rosenbrock"), "gd", {"lr": 1e-4}, steps=5), 10)
    assert (m.labels == NOT_SETTLED).all()
    assert [o.share for o in m.outcomes() if o.kind == "not_settled"] == [1.0]


def test_contraction_conditions():
    assert contracts_at("gd", {"lr": 0.01}, [10.0, 100.0]) and not contracts_at("gd", {"lr": 0.02}, [100.0])
    assert contracts_at("momentum", {"lr": 0.03, "momentum": 0.9, "dampening": 0.0}, [100.0])
    assert not contracts_at("momentum", {"lr": 0.04, "momentum": 0.9, "dampening": 0.0}, [100.0])
    assert not contracts_at("adam", {"lr": 1e-3}, [1.0])
    assert not contracts_at("gd", {"lr": 0.01}, [-1.0, 1.0])  # not a minimum


def test_progressive_maps_coarse_first_equal_direct_ones_and_cancel():
    problem = BasinProblem(get_landscape("himmelblau"), "gd", {"lr": 0.01}, steps=300)
    assert refinement_levels(200) == [25, 50, 100, 200]
    seen = []
    maps = list(iter_basin_maps(problem, 100, progress=seen.append))
    assert [m.grid for m in maps] == [25, 50, 100] and [m.final for m in maps] == [False, False, True]
    for m in maps:
        np.testing.assert_array_equal(m.labels, basin_map(problem, m.grid).labels)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    calls = []
    gen = iter_basin_maps(problem, 100, cancel=lambda: len(calls) > 0)
    first = next(gen)  # the first check sees no request
    calls.append(1)
    assert first.grid == 25
    with pytest.raises(BasinsCancelled):
        next(gen)


def test_one_dimensional_map():
    m = basin_map(BasinProblem(get_landscape("seed_curve"), "gd", {"lr": 0.1}, steps=300), 101)
    assert m.labels.shape == (101,) and m.ends.shape == (101, 1)
    by_kind = {(o.kind, o.is_global): o for o in m.outcomes() if o.count}
    assert by_kind[("minimum", True)].point == pytest.approx((1.0,))
    assert by_kind[("minimum", False)].point == pytest.approx((-2.0,))
    left = m.axes[0] < -1.0  # the maximum at θ = −1 splits the two basins
    assert (m.labels[left] == by_kind[("minimum", False)].label).all()
    assert (m.labels[m.axes[0] > -0.99] == by_kind[("minimum", True)].label).all()


def test_bad_problems_are_refused():
    L = get_landscape("booth")
    with pytest.raises(KeyError, match="unknown optimizer"):
        BasinProblem(L, "gdd")
    with pytest.raises(ValueError, match="tol"):
        BasinProblem(L, "gd", tol=0)
    with pytest.raises(ValueError, match="grid"):
        grid_starts(L, 1)


def test_outcome_colours_one_per_minimum_neutral_otherwise():
    pytest.importorskip("PySide6")
    from landscape_gui.core.frames.palette import NEUTRAL, basin_rgba, outcome_palette

    m = himmelblau_gd(40)
    pal = outcome_palette(m.points)
    kinds = [p.kind for p in m.points]
    minima = [tuple(pal[k, :3]) for k, kind in enumerate(kinds) if kind == "minimum"]
    assert len(set(minima)) == 4
    for k, kind in enumerate(kinds):
        if kind != "minimum":
            assert tuple(pal[k, :3]) == NEUTRAL[kind]
    assert (
        tuple(pal[NOT_SETTLED, :3]) == NEUTRAL["not_settled"]
        and tuple(pal[DIVERGED, :3]) == NEUTRAL["diverged"]
    )
    rgba = basin_rgba(m.labels, m.points)
    assert rgba.shape == (40, 40, 4) and rgba.dtype == np.uint8
    np.testing.assert_array_equal(rgba[3, 5], pal[m.labels[3, 5]])
    assert len(critical_points(get_landscape("himmelblau"))) == len(pal) - 2
