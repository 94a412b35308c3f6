"""Genuine minibatch gradients: drawn like a shuffling DataLoader, unbiased, seeded, refused on formulas."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.data.minibatch import BATCH_STREAM, BatchSampler
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.scenario.files import ScenarioError, dumps_scenario, loads_scenario


def test_sampler_is_a_shuffling_data_loader():
    n, b = 10, 4
    s = BatchSampler(n, b, seed=5)
    batches = [s.next() for _ in range(9)]  # three epochs of 4 + 4 + 2
    assert [len(x) for x in batches] == [4, 4, 2] * 3
    rng = np.random.default_rng([5, BATCH_STREAM])
    for epoch in range(3):
        perm = rng.permutation(n)  # one permutation per epoch, taken in order
        got = np.concatenate(batches[3 * epoch : 3 * epoch + 3])
        assert np.array_equal(got, perm)
    assert s.epoch == 3
    s.reset()
    assert np.array_equal(s.next(), batches[0])
    with pytest.raises(ValueError):
        BatchSampler(10, 11)
    with pytest.raises(ValueError):
        BatchSampler(10, 0)


@pytest.mark.parametrize("landscape_id", ["tanh_neuron", "mlp_slice"])
def test_mean_of_many_minibatch_gradients_is_the_full_gradient(landscape_id):
    """Statistically: K batch gradients at one point. Each batch gradient g_k has standard deviation σ
    (per component, measured); their mean is within 4σ/√K of ∇J (the batches of an epoch are drawn without
    replacement, which only narrows the spread)."""
    ls = get_landscape(landscape_id)
    point = np.array([0.4, 0.7]) if landscape_id == "tanh_neuron" else np.array([0.3, -0.2])
    b = 8
    k = 2000
    sampler = BatchSampler(ls.n_samples, b, seed=11)
    batches = []
    while len(batches) < k:
        batch = sampler.next()
        if len(batch) == b:  # the short last batch of an epoch weighs differently: keep equal sizes
            batches.append(batch)
    g = np.array([ls.batch_grad(point, batch) for batch in batches])
    sigma = g.std(axis=0)
    full = ls.grad(point)
    assert np.all(sigma > 0.01 * np.abs(full).max())  # the batches really are noisy
    assert np.all(np.abs(g.mean(axis=0) - full) <= 4 * sigma / np.sqrt(k))


OPTIMIZERS = [
    ("gd", {"lr": 0.05}),
    ("momentum", {"lr": 0.02}),
    ("adam", {"lr": 0.05}),
    ("newton", {"lr": 0.5}),
]


@pytest.mark.parametrize("landscape_id", ["linreg", "tanh_neuron", "mlp_slice"])
def test_whole_dataset_batch_is_exactly_gradient_descent(landscape_id):
    ls = get_landscape(landscape_id)
    starts = [[0.5, 0.4], [-0.3, 0.8]]
    plain = Simulation(ls, starts, OPTIMIZERS, max_points=None)
    whole = Simulation(ls, starts, OPTIMIZERS, max_points=None, batch_size=ls.n_samples)
    plain.step(40)
    whole.step(40)
    for g in range(len(OPTIMIZERS)):
        for i in range(len(starts)):
            assert np.array_equal(plain.path(g, i), whole.path(g, i))  # bit for bit
    assert whole.batch is None


def test_same_seed_same_trajectory_other_seed_other():
    ls = get_landscape("logreg")

    def run(seed):
        sim = Simulation(
            ls, [[-2.0, 3.0]], [("gd", {"lr": 0.5}), ("adam", {"lr": 0.05})], seed=seed, batch_size=5
        )
        sim.step(100)
        return [sim.path(g, 0) for g in range(2)]

    a, b, c = run(3), run(3), run(4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


def test_each_step_uses_the_batch_it_reports_and_every_run_sees_it():
    ls = get_landscape("linreg")
    sim = Simulation(ls, [[0.0, 0.0], [2.0, 1.0]], [("gd", {"lr": 0.1}), ("gd", {"lr": 0.05})], batch_size=7)
    sampler = BatchSampler(ls.n_samples, 7, seed=0)
    for _ in range(12):  # past the first epoch (9 batches, the last of 4)
        before = sim.positions().copy()
        sim.step()
        batch = sampler.next()
        assert np.array_equal(sim.batch, batch)
        for g, lr in enumerate((0.1, 0.05)):
            want = before[g] - lr * ls.batch_grad(before[g], batch)
            np.testing.assert_allclose(sim.positions()[g], want, rtol=1e-15, atol=1e-15)
    # the recorded losses are the whole data's
    np.testing.assert_array_equal(sim.losses()[0], ls.value(sim.positions()[0]))
    xs, ys, z = sim.batch_grid(30)
    assert z[4, 9] == pytest.approx(float(ls.batch_value([xs[4], ys[9]], sim.batch)), rel=1e-13)
    sim.reset()
    assert sim.batch is None
    sim.step()
    assert np.array_equal(sim.batch, BatchSampler(ls.n_samples, 7, seed=0).next())


def test_set_batch_size_applies_from_the_next_step():
    ls = get_landscape("linreg")
    sim = Simulation(ls, [[0.0, 0.0]], [("gd", {"lr": 0.1})])
    sim.step(3)
    assert sim.batch is None
    sim.set_batch_size(4)
    sim.step()
    assert len(sim.batch) == 4
    sim.set_batch_size(None)
    sim.step()
    assert sim.batch is None
    with pytest.raises(ValueError, match="1 … 60"):
        sim.set_batch_size(61)


def test_batch_size_refused_on_a_formula():
    with pytest.raises(ValueError, match="made of data; 'Booth' is a formula"):
        Simulation(get_landscape("booth"), [[0.0, 0.0]], [("gd", {})], batch_size=4)
    with pytest.raises(ValueError, match="whole number"):
        Simulation(get_landscape("linreg"), [[0.0, 0.0]], [("gd", {})], batch_size=0)


# -- command line ------------------------------------------------------------------------------------------
def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "landscape_gui", *args], capture_output=True, text=True, timeout=300
    )


def test_trace_batch_size():
    args = ["trace", "--function", "tanh_neuron", "--optimizer", "gd", "--set", "lr=0.2", "--start=0.3,0.2"]
    a = _cli(*args, "--steps", "50", "--batch-size", "4", "--seed", "2")
    b = _cli(*args, "--steps", "50", "--batch-size", "4", "--seed", "2")
    full = _cli(*args, "--steps", "50")
    whole = _cli(*args, "--steps", "50", "--batch-size", "80")
    assert a.returncode == 0 and a.stdout == b.stdout
    ja, jf, jw = json.loads(a.stdout), json.loads(full.stdout), json.loads(whole.stdout)
    assert ja["batch_size"] == 4 and jf["batch_size"] is None
    assert jw["runs"][0]["path"] == jf["runs"][0]["path"] != ja["runs"][0]["path"]
    sim = Simulation(get_landscape("tanh_neuron"), [[0.3, 0.2]], [("gd", {"lr": 0.2})], seed=2, batch_size=4)
    sim.step(50)
    assert ja["runs"][0]["path"] == sim.path(0, 0).tolist()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--function", "booth", "--batch-size", "4"], "--batch-size needs a landscape made of data"),
        (["--expr", "x**2 + y**2", "--batch-size", "4"], "is a formula"),
        (["--function", "linreg", "--batch-size", "0"], "--batch-size must be 1 … 60"),
        (["--function", "linreg", "--batch-size", "61"], "--batch-size must be 1 … 60"),
    ],
)
def test_trace_batch_size_errors(args, message):
    res = _cli("trace", *args, "--optimizer", "gd", "--start=0,0", "--steps", "3")
    assert res.returncode == 2 and res.stdout == ""
    assert message in res.stderr and res.stderr.count("\n") == 1


# -- scenarios ---------------------------------------------------------------------------------------------
SCENARIO = """
[landscape]
function = "{function}"
[[optimizers]]
id = "gd"
lr = 0.1
[run]
starts = [[0.5, 0.5]]
steps = 20
batch_size = {batch}
"""


def test_scenario_batch_size_round_trips_and_runs():
    s = loads_scenario(SCENARIO.format(function="logreg", batch="10"))
    assert s.batch_size == 10
    assert "batch_size = 10" in dumps_scenario(s)
    assert loads_scenario(dumps_scenario(s)) == s
    sim = s.build_simulation()
    sim.step(3)
    assert len(sim.batch) == 10
    plain = loads_scenario(SCENARIO.format(function="logreg", batch="10").replace("batch_size = 10\n", ""))
    assert plain.batch_size is None and "batch_size" not in dumps_scenario(plain)


@pytest.mark.parametrize(
    ("function", "batch", "message"),
    [
        ("booth", "4", '[run] batch_size: minibatches need a landscape made of data; "booth" is a formula'),
        ("logreg", "0", "[run] batch_size: expected a whole number of samples (the data has 100)"),
        ("logreg", "101", "in 1 … 100"),
        ("logreg", "2.5", "got 2.5"),
    ],
)
def test_scenario_batch_size_errors_name_the_field(function, batch, message):
    with pytest.raises(ScenarioError) as e:
        loads_scenario(SCENARIO.format(function=function, batch=batch), "demo.toml")
    assert message in str(e.value) and str(e.value).startswith("demo.toml line 10:")
