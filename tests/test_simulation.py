"""Simulation: vectorised stepping, statuses, divergence, bounded trajectories, noise reproducibility."""

import numpy as np
import pytest
import sympy as sp

from landscape_gui.core.analysis.simulation import CONVERGED, DIVERGED, RUNNING, Simulation
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.optimizers.catalog import get_optimizer


def _manual_gd(landscape, start, lr, steps):
    p = np.array([start], dtype=float)
    path = [p[0].copy()]
    for _ in range(steps):
        p = p - lr * landscape.grad(p)
        path.append(p[0].copy())
    return np.array(path)


def test_gd_path_matches_the_update_rule_step_by_step():
    L = get_landscape("rosenbrock")
    sim = Simulation(L, [[-1.5, 2.0]], [("gd", {"lr": 1e-3})], max_points=None)
    sim.step(50)
    np.testing.assert_array_equal(sim.path(0, 0), _manual_gd(L, [-1.5, 2.0], 1e-3, 50))
    steps, loss = sim.loss_history(0, 0)
    np.testing.assert_array_equal(steps, np.arange(51))
    np.testing.assert_allclose(loss, L.value(sim.path(0, 0)), rtol=0, atol=0)


def test_many_starts_equal_separate_runs():
    L = get_landscape("himmelblau")
    rng = np.random.default_rng(1)
    starts = rng.uniform(-4, 4, size=(300, 2))
    together = Simulation(L, starts, [("adam", {"lr": 0.05}), ("momentum", {"lr": 0.002})])
    together.step(40)
    for i in (0, 17, 299):
        alone = Simulation(L, starts[i : i + 1], [("adam", {"lr": 0.05}), ("momentum", {"lr": 0.002})])
        alone.step(40)
        np.testing.assert_array_equal(together.positions()[:, i], alone.positions()[:, 0])


def test_statuses_global_local_saddle():
    L = get_landscape("seed_curve")
    sim = Simulation(L, [[-2.6], [0.0]], [("gd", {"lr": 0.05})])
    sim.step(2000)
    runs = sim.runs()
    assert [r.status for r in runs] == [CONVERGED, CONVERGED]
    assert [r.reached for r in runs] == ["local_minimum", "global_minimum"]
    assert runs[0].label == "stuck in a local minimum"
    assert runs[1].label == "reached the global minimum"

    saddle = Simulation(get_landscape("saddle"), [[1.0, 0.0]], [("gd", {"lr": 0.1})])
    saddle.step(300)
    (run,) = saddle.runs()
    assert (run.status, run.reached, run.label) == (CONVERGED, "saddle", "stalled at a saddle")


def test_running_until_converged():
    sim = Simulation(get_landscape("booth"), [[8.0, -8.0]], [("gd", {"lr": 1e-3})])
    sim.step(3)
    assert sim.runs()[0].status == RUNNING
    assert sim.runs()[0].reached is None


def test_divergence_stops_the_run_without_nan():
    L = get_landscape("rosenbrock")
    sim = Simulation(
        L, [[-1.5, 2.0], [1.2, 1.2]], [("gd", {"lr": 0.01}), ("gd", {"lr": 1e-4})], max_points=None
    )
    sim.step(100)
    runs = sim.runs()
    assert runs[0].status == DIVERGED and runs[1].status == DIVERGED  # lr 0.01 blows up on Rosenbrock
    assert runs[2].status != DIVERGED and runs[3].status != DIVERGED
    for g in range(2):
        for i in range(2):
            path = sim.path(g, i)
            assert np.isfinite(path).all() and np.all(np.abs(path) <= 1e6)
            assert np.isfinite(sim.loss_history(g, i)[1]).all()
    assert np.isfinite(sim.positions()).all() and np.isfinite(sim.losses()).all()
    # the diverged run stopped: its path ends where it stopped, and it no longer moves
    stopped_at = sim.runs()[0].step
    assert stopped_at < 100 and len(sim.path(0, 0)) == stopped_at + 1
    before = sim.positions().copy()
    sim.step(5)
    np.testing.assert_array_equal(sim.positions()[0], before[0])


def test_histories_of_a_group_are_each_runs_path_and_losses():
    # one run diverges early (its history stops there), one keeps going; both with decimation
    L = get_landscape("rosenbrock")
    sim = Simulation(L, [[-1.5, 2.0], [1.2, 1.2], [0.0, 0.0]], [("gd", {"lr": 0.003})], max_points=64)
    sim.step(300)
    assert DIVERGED in sim.statuses(0) and RUNNING in sim.statuses(0)
    runs = sim.histories(0)
    assert len(runs) == 3
    for i, (path, steps, losses) in enumerate(runs):
        np.testing.assert_array_equal(path, sim.path(0, i))
        s, loss = sim.loss_history(0, i)
        np.testing.assert_array_equal(steps, s)
        np.testing.assert_array_equal(losses, loss)
        assert steps[-1] == sim.runs()[i].step and len(path) == len(steps) == len(losses)


def test_nan_gradient_counts_as_divergence():
    x = sp.Symbol("x", real=True)
    L = Landscape.from_sympy(sp.sqrt(x), (x,), id="sqrt", name="sqrt", domain=((0, 4),))
    sim = Simulation(L, [[1.0]], [("gd", {"lr": 1.0})])  # steps to x < 0 where sqrt is NaN
    sim.step(10)
    (run,) = sim.runs()
    assert run.status == DIVERGED
    assert np.isfinite(sim.path(0, 0)).all()


def test_hyperparameter_change_applies_next_step_without_reset():
    L = get_landscape("booth")
    sim = Simulation(L, [[0.0, 0.0]], [("adam", {"lr": 0.01})], max_points=None)
    sim.step(5)
    p5 = sim.positions()[0, 0].copy()
    state5 = {k: np.copy(v) for k, v in sim.groups[0].state.items()}
    sim.set_hyperparameters(0, {"lr": 0.1})
    sim.step(1)
    adam = get_optimizer("adam")
    expected, _ = adam.update(p5[None], L.grad(p5[None]), state5, adam.resolve({"lr": 0.1}))
    np.testing.assert_array_equal(sim.positions()[0, 0], expected[0])
    assert sim.runs()[0].step == 6  # no reset


def test_noise_is_reproducible_and_seeded():
    L = get_landscape("two_wells")

    def run(seed, noise=0.5):
        sim = Simulation(
            L,
            [[0.9, 0.0]],
            [("gd", {"lr": 0.05}), ("sgd", {"lr": 0.05, "noise": 2.0})],
            noise=noise,
            seed=seed,
        )
        sim.step(50)
        return sim.positions()

    np.testing.assert_array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))
    # without global noise, gd is deterministic and sgd keeps its own noise
    a, b = run(3, noise=0.0), run(4, noise=0.0)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[1], b[1])


def test_trajectory_memory_is_bounded_by_decimation():
    L = get_landscape("himmelblau")
    sim = Simulation(L, [[0.0, 0.0]], [("gd", {"lr": 1e-4})], max_points=64)
    sim.step(10_000)
    path = sim.path(0, 0)
    steps, loss = sim.loss_history(0, 0)
    assert len(path) <= 65 and len(steps) == len(path) == len(loss)
    assert steps[0] == 0 and steps[-1] == 10_000
    assert np.all(np.diff(steps) > 0)
    np.testing.assert_array_equal(path[0], [0.0, 0.0])
    np.testing.assert_allclose(loss, L.value(path))
    # the decimated path is a subsequence of the full one
    full = Simulation(L, [[0.0, 0.0]], [("gd", {"lr": 1e-4})], max_points=None)
    full.step(10_000)
    np.testing.assert_array_equal(full.path(0, 0)[steps], path)


def test_default_memory_budget_scales_with_runs():
    L = get_landscape("rosenbrock")
    starts = np.random.default_rng(0).uniform(-1, 1, (10_000, 2))
    sim = Simulation(L, starts, [("adam", {})])
    assert sim.max_points is not None and sim.max_points * 10_000 * 3 * 8 <= 64 * 2**20 + 64 * 10_000 * 24


def test_reset_restarts_everything():
    sim = Simulation(get_landscape("two_wells"), [[0.5, 0.5]], [("sgd", {"lr": 0.05})], seed=7)
    sim.step(20)
    first = sim.positions().copy()
    sim.reset()
    assert sim.runs()[0].step == 0
    np.testing.assert_array_equal(sim.positions()[0, 0], [0.5, 0.5])
    sim.step(20)
    np.testing.assert_array_equal(sim.positions(), first)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"noise": -1.0}, "noise"), ({"noise": float("nan")}, "noise")],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Simulation(get_landscape("booth"), [[0.0, 0.0]], [("gd", {})], **kwargs)


def test_bad_start_and_optimizer():
    with pytest.raises(ValueError, match="finite"):
        Simulation(get_landscape("booth"), [[np.nan, 0.0]], [("gd", {})])
    with pytest.raises(KeyError, match="unknown optimizer"):
        Simulation(get_landscape("booth"), [[0.0, 0.0]], [("gdd", {})])
    with pytest.raises(ValueError):
        Simulation(get_landscape("booth"), [[0.0, 0.0, 0.0]], [("gd", {})])


def test_a_run_crawling_at_a_saddle_is_stalled_not_converged():
    # the lecture's saddle: GD started almost on the ridge slides to the origin and crawls there
    sim = Simulation(get_landscape("saddle"), [[-1.8, 1e-4], [-1.8, 1.0]], [("gd", {"lr": 0.02})])
    sim.step(100)
    crawling, sliding = sim.runs()
    assert crawling.status == RUNNING and crawling.near == "saddle"
    assert crawling.label == "stalled at a saddle"
    assert sliding.near is None and sliding.label == "left the domain"  # far from the saddle, gone
    sim.step(400)  # it escapes in the end: no longer stalled
    assert sim.runs()[0].near is None


def test_a_run_crawling_into_a_minimum_is_labelled_before_it_converges():
    sim = Simulation(get_landscape("two_wells"), [[1.85, -1.2], [-0.45, 1.35]], [("gd", {"lr": 0.02})])
    sim.step(250)
    shallow, deep = sim.runs()
    assert shallow.status == deep.status == RUNNING
    assert (shallow.near, shallow.label) == ("local_minimum", "stuck in a local minimum")
    assert (deep.near, deep.label) == ("global_minimum", "approaching the global minimum")


def test_slow_progress_far_from_any_critical_point_is_just_running():
    sim = Simulation(get_landscape("rosenbrock"), [[-1.5, 2.0]], [("gd", {"lr": 1e-4})])
    sim.step(300)  # crawling along the banana valley, far from (1, 1), no saddle anywhere
    (run,) = sim.runs()
    assert run.status == RUNNING and run.near is None and run.label == "running"


@pytest.mark.parametrize("optimizer", [("adam", {"lr": 0.05}), ("sgd", {"lr": 0.002, "noise": 0.0})])
def test_a_large_group_steps_each_run_as_if_it_were_alone(optimizer):
    """Rows never mix: the whole-group fast path and the per-run path after a divergence give what small
    groups give, bit for bit, whatever the memory layout of the start points."""
    L = get_landscape("rosenbrock")
    starts = np.random.default_rng(2).uniform(-2, 2, size=(4_000, 2))
    starts[:50] *= 40  # some runs diverge: the per-row path is exercised too

    def run(points):
        sim = Simulation(L, points, [optimizer])
        sim.step(30)
        return sim.positions()[0], sim.losses()[0], sim.step_counts()[0], sim.statuses(0)

    whole = run(starts)
    alone = [run(starts[i : i + 500]) for i in range(0, len(starts), 500)]
    for k, part in enumerate(zip(*alone, strict=True)):
        np.testing.assert_array_equal(whole[k], np.concatenate(part))
    np.testing.assert_array_equal(run(np.asfortranarray(starts))[0], whole[0])
    if optimizer[0] == "sgd":  # Adam's steps are bounded by lr; SGD's blow up far out
        assert (whole[3] == DIVERGED).any() and (whole[3] != DIVERGED).any()
