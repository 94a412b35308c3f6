"""Data landscapes: losses recomputed from the published data, exact minibatch derivatives, the model's output."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from functools import cache

import numpy as np
import pytest

from landscape_gui.core.data.landscapes import DataLandscape, SurfaceCancelled
from landscape_gui.core.landscapes.library import (
    DATA_LANDSCAPE_IDS,
    FORMULA_IDS,
    LANDSCAPE_IDS,
    get_landscape,
)

SIMPLE = ("linreg", "logreg", "tanh_neuron", "two_lines")


@cache
def functions_json() -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "landscape_gui", "functions", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    return {f["id"]: f for f in json.loads(out)["functions"]}


def points_in(landscape, n=7, seed=3) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = landscape.domain
    return [(float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))) for _ in range(n)]


# -- independent losses, written from the formulas in plain Python, one sample at a time ------------------
def _softplus(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def loss_from_json(entry: dict, p: float, q: float) -> float:
    xs, ys = entry["data"]["x"], entry["data"]["y"]
    lid = entry["id"]
    terms = []
    for x, y in zip(xs, ys, strict=True):
        if lid == "linreg":
            terms.append((p * x + q - y) ** 2)
        elif lid == "tanh_neuron":
            terms.append((q * math.tanh(p * x) - y) ** 2)
        elif lid == "logreg":
            z = p * x[0] + q * x[1]
            terms.append(_softplus(z) - y * z)  # = −[y log σ(z) + (1 − y) log(1 − σ(z))]
        elif lid == "two_lines":
            terms.append(1.0 - math.exp(-((p * x + q - y) ** 2) / (2 * 0.7**2)))
        else:
            raise AssertionError(lid)
    return math.fsum(terms) / len(terms)


def mlp_loss_from_json(entry: dict, a: float, b: float) -> float:
    net = entry["network"]
    theta = np.array(net["theta"]) + a * np.array(net["delta"]) + b * np.array(net["eta"])
    sizes = net["sizes"]
    h = np.array(entry["data"]["x"], dtype=float)
    k = 0
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        w = theta[k : k + n_out * n_in].reshape(n_out, n_in)
        k += n_out * n_in
        bias = theta[k : k + n_out]
        k += n_out
        h = h @ w.T + bias
        if i < len(sizes) - 2:
            h = np.tanh(h)
    assert k == theta.size
    z = h - h.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))  # log-softmax
    y = np.array(entry["data"]["y"], dtype=int)
    ce = -logp[np.arange(len(y)), y].mean()
    return float(ce + 0.5 * net["weight_decay"] * theta @ theta)


def test_functions_json_kinds_and_data():
    entries = functions_json()
    assert list(entries) == list(LANDSCAPE_IDS)
    for lid in FORMULA_IDS:
        assert entries[lid]["kind"] == "formula" and "data" not in entries[lid]
    for lid in DATA_LANDSCAPE_IDS:
        e = entries[lid]
        assert e["kind"] == "data" and e["model"] and e["loss"] == e["formula"]
        x, y = e["data"]["x"], e["data"]["y"]
        assert len(x) == len(y) <= 300
        if e["task"] == "classification":
            assert set(y) == {0, 1} and all(isinstance(v, int) for v in y)
            assert all(len(p) == 2 for p in x)
    assert all(isinstance(v, float) for v in entries["linreg"]["data"]["x"])
    assert entries["mlp_slice"]["n_parameters"] == len(entries["mlp_slice"]["network"]["theta"]) == 354


@pytest.mark.parametrize("landscape_id", SIMPLE)
def test_loss_equals_an_independent_computation_from_the_json(landscape_id):
    entry = functions_json()[landscape_id]
    ls = get_landscape(landscape_id)
    for p, q in points_in(ls):
        assert float(ls.value([p, q])) == pytest.approx(loss_from_json(entry, p, q), rel=1e-12, abs=1e-14)


def test_mlp_slice_loss_equals_an_independent_forward_pass_from_the_json():
    entry = functions_json()["mlp_slice"]
    ls = get_landscape("mlp_slice")
    for a, b in [(0.0, 0.0), *points_in(ls, 4)]:
        assert float(ls.value([a, b])) == pytest.approx(mlp_loss_from_json(entry, a, b), rel=1e-10)


def test_data_is_generated_the_same_every_time():
    a = get_landscape("tanh_neuron").dataset
    b = get_landscape.__wrapped__("tanh_neuron").dataset
    assert a is not b and np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)


# -- minibatch derivatives ---------------------------------------------------------------------------------
def _fd(fn, p: np.ndarray, h: float) -> np.ndarray:
    """Richardson-extrapolated central differences of fn at p along both axes (last axis = direction)."""
    cols = []
    for k in range(2):
        e = np.zeros(2)
        e[k] = h

        def cd(s, e=e):
            return (fn(p + s * e) - fn(p - s * e)) / (2 * s * h)

        cols.append((4 * cd(0.5) - cd(1.0)) / 3)
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("landscape_id", DATA_LANDSCAPE_IDS)
def test_minibatch_gradient_and_hessian_match_finite_differences(landscape_id):
    ls = get_landscape(landscape_id)
    batch = np.random.default_rng(0).choice(ls.n_samples, size=7, replace=False)
    for point in points_in(ls, 3, seed=5):
        p = np.array(point)
        g = ls.batch_grad(p, batch)
        h = ls.batch_hessian(p, batch)
        np.testing.assert_allclose(g, _fd(lambda v: ls.batch_value(v, batch), p, 1e-4), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(h, _fd(lambda v: ls.batch_grad(v, batch), p, 1e-4), rtol=1e-6, atol=1e-6)
        assert h[0, 1] == h[1, 0]


@pytest.mark.parametrize("landscape_id", DATA_LANDSCAPE_IDS)
def test_whole_batch_is_the_full_loss_and_batches_average_to_it(landscape_id):
    ls = get_landscape(landscape_id)
    pts = np.array(points_in(ls, 5))
    n = ls.n_samples
    everything = np.arange(n)
    np.testing.assert_allclose(ls.batch_value(pts, everything), ls.value(pts), rtol=1e-13)
    np.testing.assert_allclose(ls.batch_grad(pts, None), ls.grad(pts), rtol=0, atol=0)
    # disjoint batches of equal size covering the data: their mean gradient is the full gradient
    parts = np.array_split(np.random.default_rng(1).permutation(n), 4 if n % 4 == 0 else 5)
    assert len({len(b) for b in parts}) == 1
    mean = np.mean([ls.batch_grad(pts, b) for b in parts], axis=0)
    np.testing.assert_allclose(mean, ls.grad(pts), rtol=1e-10, atol=1e-13)


def test_batch_argument_is_checked():
    ls = get_landscape("linreg")
    for bad in ([], [60], [-1], [[0, 1]]):
        with pytest.raises(ValueError, match="sample indices"):
            ls.batch_grad([0.0, 0.0], bad)


# -- surfaces ----------------------------------------------------------------------------------------------
def test_grid_and_batch_grid_report_progress_and_can_be_cancelled():
    ls = get_landscape("logreg")
    seen = []
    xs, ys, z = ls.grid(60, progress=lambda done, total: seen.append((done, total)))
    assert z.shape == (60, 60) and seen[-1] == (3600, 3600)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert z[7, 11] == pytest.approx(float(ls.value([xs[7], ys[11]])), rel=1e-13)
    batch = [3, 14, 15, 92]
    _, _, zb = ls.batch_grid(batch, 60)
    assert zb[7, 11] == pytest.approx(float(ls.batch_value([xs[7], ys[11]], batch)), rel=1e-13)
    assert not np.allclose(zb, z)
    with pytest.raises(SurfaceCancelled):
        ls.grid(60, cancelled=lambda: True)


# -- the model beside the map ------------------------------------------------------------------------------
def test_predictions():
    lin = get_landscape("linreg")
    np.testing.assert_allclose(lin.predict((2.0, -1.0), [0.0, 1.0, 3.0]), [-1.0, 1.0, 5.0])
    xs, yhat = lin.model_grid((2.0, -1.0), 50)
    lo, hi = lin.dataset.bounds()[0]
    assert xs[0] == lo and xs[-1] == hi and lo < lin.dataset.x.min() and np.allclose(yhat, 2 * xs - 1)
    tanh = get_landscape("tanh_neuron")
    np.testing.assert_allclose(tanh.predict((1.0, 2.0), [0.5]), [2 * np.tanh(0.5)])
    log = get_landscape("logreg")
    x1, x2, prob = log.model_grid(log.global_minima[0], 40)
    assert prob.shape == (40, 40) and np.all((prob > 0) & (prob < 1))
    w = np.array(log.global_minima[0])
    assert prob[5, 9] == pytest.approx(1 / (1 + np.exp(-(w[0] * x1[5] + w[1] * x2[9]))))
    # the fitted classifier beats chance on its data
    accuracy = np.mean((log.predict(w, log.dataset.x) > 0.5) == (log.dataset.y == 1))
    assert accuracy > 0.6


def test_data_landscapes_name_their_parameters():
    assert get_landscape("linreg").variables == ("slope", "intercept")
    assert get_landscape("mlp_slice").variables == ("a", "b")
    assert all(isinstance(get_landscape(i), DataLandscape) for i in DATA_LANDSCAPE_IDS)
    assert get_landscape("tanh_neuron").n_parameters == 2


def test_tanh_neuron_has_a_saddle_at_the_origin_between_two_mirror_minima():
    from landscape_gui.core.analysis.critical import critical_points

    pts = critical_points(get_landscape("tanh_neuron"))
    kinds = sorted((p.kind, tuple(np.round(p.position, 6))) for p in pts)
    assert [k for k, _ in kinds] == ["minimum", "minimum", "saddle"]
    (m1, m2), saddle = [p for k, p in kinds if k == "minimum"], kinds[2][1]
    assert saddle == (0.0, 0.0) and m1 == tuple(-c for c in m2)


def test_two_lines_has_a_shallow_and_a_deep_minimum():
    from landscape_gui.core.analysis.critical import critical_points

    ls = get_landscape("two_lines")
    pts = critical_points(ls)
    minima = sorted((p.value, p.position) for p in pts if p.kind == "minimum")
    assert len(minima) == 2 and any(p.kind == "saddle" for p in pts)
    (deep, deep_at), (shallow, shallow_at) = minima
    assert deep_at[0] > 0 > shallow_at[0]  # the majority line rises, the minority line falls
    saddle = min(p.value for p in pts if p.kind == "saddle")
    assert saddle - shallow < 0.1 * (shallow - deep)  # a low barrier out of the shallow one
