"""Each lecture preset really shows its point, judged by the simulation's own statuses."""

from dataclasses import replace

import numpy as np
import pytest

from landscape_gui.core.presets import LECTURE_ORDER, list_presets, load_preset
from landscape_gui.core.scenario import dumps_scenario, loads_scenario


def run(preset_id):
    s = load_preset(preset_id)
    sim = s.build_simulation()
    sim.step(s.steps)
    return s, sim


def by_optimizer(sim):
    out = {}
    for r in sim.runs():
        out.setdefault(r.optimizer, []).append(r)
    return out


def test_presets_listed_in_lecture_order_with_titles():
    listed = list_presets()
    assert [pid for pid, _ in listed] == list(LECTURE_ORDER)
    assert all(title and title != pid for pid, title in listed)
    assert any("rosenbrock" in pid for pid, _ in listed)


@pytest.mark.parametrize("preset_id", LECTURE_ORDER)
def test_preset_is_valid_and_round_trips(preset_id):
    s = load_preset(preset_id)
    assert s.title and s.description
    assert loads_scenario(dumps_scenario(s)) == s


def test_local_vs_global():
    s, sim = run("local-vs-global")
    assert s.landscape.function == "seed_curve"
    left, right = sorted(sim.runs(), key=lambda r: r.start[0])
    assert (left.status, left.reached) == ("converged", "local_minimum")
    assert (right.status, right.reached) == ("converged", "global_minimum")
    assert left.position[0] == pytest.approx(-2.0, abs=1e-6) and right.position[0] == pytest.approx(
        1.0, abs=1e-6
    )


def test_saddle_escape():
    s, sim = run("saddle-escape")
    assert s.landscape.function == "saddle"
    runs = by_optimizer(sim)
    (gd,) = runs["gd"]
    assert np.hypot(*gd.position) < 0.05  # crawled to the saddle and is still there
    assert abs(gd.start[1]) < 1e-3  # started almost on the ridge
    for oid in ("momentum", "adam"):
        (r,) = runs[oid]
        assert abs(r.position[1]) > 1.0 and r.loss < -1.0, oid  # left the saddle, downhill along y
        assert r.status != "diverged"


def test_sgd_noise_hops_out_of_the_shallow_well():
    s, sim = run("sgd-noise")
    assert s.landscape.function == "two_wells"
    runs = by_optimizer(sim)
    (gd,), (sgd,) = runs["gd"], runs["sgd"]
    assert gd.start[0] > 0 and sgd.start[0] > 0
    assert (gd.status, gd.reached) == ("converged", "local_minimum") and gd.position[0] > 0
    assert sgd.position[0] < 0  # in the deep well for the shipped seed
    deep = 0
    for seed in range(10):  # and for most seeds
        other = replace(s, seed=seed).build_simulation()
        other.step(s.steps)
        deep += other.positions()[1, 0, 0] < 0
    assert deep >= 8


def test_minibatch_noise_carries_sgd_out_of_the_shallow_minimum():
    s, sim = run("minibatch-escape")
    assert s.landscape.function == "two_lines" and s.batch_size == 2
    assert s.noise == 0.0 and all(o.id == "gd" and not o.params.get("noise") for o in s.optimizers)
    landscape = sim.landscape
    (deep,) = landscape.global_minima
    shallow = next(p.position for p in sim._critical_points()[0] if p.kind == "minimum" and not p.is_global)
    (sgd,) = sim.runs()
    start_to_shallow = np.hypot(*np.subtract(sgd.start, shallow))
    assert start_to_shallow < 0.3 < np.hypot(*np.subtract(sgd.start, deep))  # starts by the shallow one
    assert np.hypot(*np.subtract(sgd.position, deep)) < 0.2  # minibatches carried it to the deep one
    # the whole data (full-batch gradient descent) from the same start stays in the shallow minimum
    full = replace(s, batch_size=None).build_simulation()
    full.step(s.steps)
    (gd,) = full.runs()
    assert gd.near == "local_minimum" or gd.reached == "local_minimum"
    assert np.hypot(*np.subtract(gd.position, shallow)) < 1e-3
    escaped = 0
    for seed in range(20):  # and for most seeds
        other = replace(s, seed=seed).build_simulation()
        other.step(s.steps)
        escaped += np.hypot(*(other.positions()[0, 0] - deep)) < 0.2
    assert escaped >= 14


def test_random_restarts_reach_different_minima_and_the_best_is_marked():
    s, sim = run("random-restarts")
    assert s.highlight_best and len(s.starts) == 20
    runs = sim.runs()
    assert all(r.status == "converged" and r.reached in ("local_minimum", "global_minimum") for r in runs)
    minima = {tuple(np.round(r.position, 2)) for r in runs}
    assert len(minima) >= 10
    losses = sorted(r.loss for r in runs)
    assert losses[0] < losses[1]  # one best run, the one highlighted
    assert sum(r.reached == "global_minimum" for r in runs) == 1


def test_rosenbrock_race():
    s, sim = run("rosenbrock-race")
    runs = {r.optimizer: r for r in sim.runs()}
    assert list(runs) == ["gd", "momentum", "nesterov", "rmsprop", "adam"]
    assert len({r.start for r in runs.values()}) == 1
    assert all(r.status != "diverged" for r in runs.values())
    for oid in ("momentum", "nesterov", "adam"):
        assert np.hypot(runs[oid].position[0] - 1, runs[oid].position[1] - 1) < 0.05, oid
    assert runs["gd"].loss > 100 * runs["adam"].loss  # the race shows differences


def test_newton_goes_to_saddles_saddle_free_newton_does_not():
    _, sim = run("newton-saddle")
    runs = by_optimizer(sim)
    reached_newton = [r.reached for r in runs["newton"]]
    assert reached_newton.count("saddle") >= 2 and "local_minimum" not in reached_newton
    assert all(r.status == "converged" and r.reached.endswith("minimum") for r in runs["saddle_free_newton"])


def test_double_well():
    s, sim = run("double-well")
    assert s.landscape.function == "double_well"
    runs = sim.runs()
    for r in runs:
        assert r.status == "converged"
        if r.start[0] == 0.0:
            assert r.reached == "maximum"
        else:
            assert r.reached == "global_minimum" and np.sign(r.position[0]) == np.sign(r.start[0])
