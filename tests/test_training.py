"""Training in the full space (core/training): every number checked against code written here from scratch.

The reference is independent of the code under test: a forward pass, the cross-entropy (log-softmax) or the
squared error, backpropagation and the optimizers' update rules are written in tests/training_reference.py; the
projection's shares come from an SVD done here; the sharpness from a finite-difference Hessian of the
exact gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
from training_reference import fd_hessian, logits, loss_and_grad, replay

from landscape_gui.core.data.landscapes import SurfaceCancelled
from landscape_gui.core.optimizers.update_rules import newton_update, saddle_free_newton_update
from landscape_gui.core.training import (
    TrainingCancelled,
    mlp_slice_problem,
    plane_loss,
    plane_surfaces,
    project,
    train,
)
from landscape_gui.core.training.hessian import hessian, hessian_vector_products

pytestmark = pytest.mark.usefixtures("one_blas_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def problem():
    return mlp_slice_problem()


@pytest.mark.parametrize(
    "rule, hp",
    [
        ("gd", {"lr": 0.1}),
        ("momentum", {"lr": 0.05, "momentum": 0.9}),
        ("adam", {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
    ],
)
def test_training_replays_with_hand_written_numpy(problem, rule, hp):
    out = train(problem, [(rule, hp)], steps=300, seed=4)
    run = out.runs[0]
    x, y = problem.data.x, problem.data.y
    losses, path = replay(out.theta0, x, y, (2, 16, 16, 2), rule, hp, 300)
    assert run.status == "finished" and run.loss.shape == (301,)
    np.testing.assert_allclose(run.loss, losses, rtol=0, atol=1e-9)
    np.testing.assert_allclose(run.path, path, rtol=0, atol=1e-9)
    assert losses[-1] < 0.5 * losses[0]  # it trains
    predicted = [np.argmax(logits(p, x), axis=1) for p in path[::100]]
    np.testing.assert_array_equal(run.accuracy[::100], [np.mean(p == y) for p in predicted])


def test_minibatches_and_a_schedule_replay(problem):
    """Batches as DataLoader(shuffle=True) draws them from numpy's generator [seed, 0xBA7C], one permutation
    per epoch; the cosine schedule's closed form; momentum."""
    seed, steps, size = 7, 120, 32
    hp = {"lr": 0.1, "momentum": 0.9}
    out = train(problem, [("momentum", hp, "cosine:T_max=50")], steps=steps, seed=seed, batch_size=size)
    rng = np.random.default_rng([seed, 0xBA7C])
    batches = []
    while len(batches) < steps:
        perm = rng.permutation(200)
        batches += [perm[i : i + size] for i in range(0, 200, size)]
    lrs = [0.1 * (1 + np.cos(np.pi * t / 50)) / 2 for t in range(steps)]
    x, y = problem.data.x, problem.data.y
    losses, _ = replay(out.theta0, x, y, (2, 16, 16, 2), "momentum", hp, steps, batches, lrs)
    np.testing.assert_allclose(out.runs[0].loss, losses, rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.runs[0].lr, lrs, rtol=1e-12)


def test_mse_loss_and_gradient_match_the_hand_written_ones():
    p = mlp_slice_problem("mse")
    theta = p.init(3)
    value, grad = loss_and_grad(theta, p.data.x, p.data.y, (2, 16, 16, 2), "mse")
    got_value, got_grad = p.loss_and_grad(theta)
    assert got_value == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(got_grad, grad, rtol=0, atol=1e-15)


def test_the_same_batches_for_every_optimizer(problem):
    out = train(problem, [("gd", {"lr": 0.3}), ("gd", {"lr": 0.3})], steps=40, seed=2, batch_size=10)
    np.testing.assert_array_equal(out.runs[0].path, out.runs[1].path)
    full = train(problem, [("gd", {"lr": 0.3})], steps=40, seed=2)
    assert not np.allclose(out.runs[0].path, full.runs[0].path)  # minibatches did change the path


# -- the projection -------------------------------------------------------------------------------------------


def test_explained_shares_coordinates_and_distances_are_an_svd_of_the_path(problem):
    out = train(problem, [("adam", {"lr": 0.01})], steps=300, seed=1)
    path = out.runs[0].path
    proj = project([path])
    d = path - path[-1]
    centred = d - d.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    shares = s**2 / np.sum(s**2)
    np.testing.assert_allclose(proj.explained, shares[:2], rtol=1e-10)
    coords = d @ vt[:2].T
    np.testing.assert_allclose(np.abs(proj.paths[0]), np.abs(coords), rtol=0, atol=1e-10)
    np.testing.assert_allclose(proj.paths[0][-1], 0.0, atol=1e-12)  # the plane goes through the end
    assert np.all(proj.paths[0][0] >= 0)  # θ₀ on the positive side of both axes
    residual = d - coords @ vt[:2]
    np.testing.assert_allclose(proj.distances[0], np.linalg.norm(residual, axis=1), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(proj.axes @ proj.axes.T, np.eye(2), atol=1e-12)


def test_one_shared_plane_for_runs_from_the_same_start(problem):
    out = train(problem, [("adam", {"lr": 0.01}), ("gd", {"lr": 0.5})], steps=200, seed=0)
    paths = [r.path for r in out.runs]
    proj = project(paths)
    np.testing.assert_array_equal(proj.origin, paths[0][-1])
    d = np.concatenate(paths) - paths[0][-1]
    s = np.linalg.svd(d - d.mean(axis=0), compute_uv=False)
    np.testing.assert_allclose(proj.explained, (s**2 / np.sum(s**2))[:2], rtol=1e-10)
    # both runs start at θ₀: one point of the plane
    np.testing.assert_allclose(proj.paths[0][0], proj.paths[1][0], atol=1e-12)
    # the other reference: the plane through the second run's end
    other = project(paths, reference=1)
    np.testing.assert_allclose(other.paths[1][-1], 0.0, atol=1e-12)


def test_plane_surfaces_coarse_then_fine_with_progress_and_cancel(problem):
    out = train(problem, [("adam", {"lr": 0.01})], steps=100, seed=0)
    proj = project([out.runs[0].path])
    calls: list = []
    surfaces = list(plane_surfaces(problem, proj, (5, 9), progress=lambda d, t: calls.append((d, t))))
    assert [s.resolution for s in surfaces] == [5, 9]
    assert calls[-1] == (25 + 81, 25 + 81) and all(
        a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False)
    )
    fine = surfaces[1]
    (a0, a1), (b0, b1) = proj.extent()
    assert fine.a[0] == a0 and fine.a[-1] == a1 and fine.b[0] == b0 and fine.b[-1] == b1
    for i, j in [(0, 0), (4, 7), (8, 8)]:  # the loss at the plane's point, computed here by hand
        theta = proj.origin + fine.a[i] * proj.axes[0] + fine.b[j] * proj.axes[1]
        want = loss_and_grad(theta, problem.data.x, problem.data.y, (2, 16, 16, 2))[0]
        assert fine.loss[i, j] == pytest.approx(want, rel=1e-12)
    # the surface at the end of the path is the path's last loss
    assert plane_loss(problem, proj, 0.0, 0.0)[0] == pytest.approx(out.runs[0].loss[-1], rel=1e-12)
    seen: list = []
    with pytest.raises(SurfaceCancelled):
        list(plane_surfaces(problem, proj, (5, 200), cancelled=lambda: len(seen) >= 3,
                            progress=lambda d, t: seen.append(d)))  # fmt: skip
    assert len(seen) == 3  # the coarse surface and two chunks of the fine one, then it stopped


# -- the Hessian and the sharpness ----------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_sharpness_is_the_top_eigenvalue_of_a_finite_difference_hessian(loss):
    p = mlp_slice_problem(loss)
    out = train(p, [("gd", {"lr": 0.2})], steps=200, seed=0, every=100)
    run = out.runs[0]
    assert run.sharpness[:, 0].tolist() == [0, 100, 200]
    x, y = p.data.x, p.data.y
    for step, value in run.sharpness[1:]:
        fd = fd_hessian(run.path[int(step)], x, y, (2, 16, 16, 2), loss)
        assert value == pytest.approx(np.linalg.eigvalsh(fd)[-1], abs=1e-6)
        np.testing.assert_allclose(p.hessian_matrix(run.path[int(step)]), fd, rtol=0, atol=1e-7)


def test_hessian_vector_products_in_any_direction_and_of_a_minibatch(problem):
    theta = problem.init(5)
    rng = np.random.default_rng(0)
    v = rng.standard_normal((3, problem.n_parameters))
    x, y = problem.data.x[:50], problem.data.y[:50]
    fd = fd_hessian(theta, x, y, (2, 16, 16, 2), "cross_entropy")
    np.testing.assert_allclose(hessian_vector_products(problem.net, theta, x, y, v), v @ fd, atol=1e-7)
    np.testing.assert_allclose(problem.hessian_matrix(theta, np.arange(50)), fd, atol=1e-7)
    full = hessian(problem.net, theta, problem.data.x, problem.data.y)
    np.testing.assert_allclose(full, full.T, rtol=0, atol=0)


def test_newton_methods_in_many_dimensions():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 5))
    h = np.stack([a + a.T, a @ a.T + np.eye(5)])
    g = rng.standard_normal((2, 5))
    params = rng.standard_normal((2, 5))
    hp = {"lr": 0.5, "damping": 0.1}
    new, _ = newton_update(params, g, {"step": np.zeros(())}, hp, h)
    for k in range(2):
        want = params[k] - 0.5 * np.linalg.solve(h[k] + 0.1 * np.eye(5), g[k])
        np.testing.assert_allclose(new[k], want, rtol=1e-10)
    w, vecs = np.linalg.eigh(h[0])
    new, _ = saddle_free_newton_update(params, g, {"step": np.zeros(())}, hp, h)
    want = params[0] - 0.5 * vecs @ ((vecs.T @ g[0]) / (np.abs(w) + 0.1))
    np.testing.assert_allclose(new[0], want, rtol=1e-10)
    singular = np.zeros((1, 5, 5))  # H + λI with λ = 0: no step
    new, _ = newton_update(params[:1], g[:1], {"step": np.zeros(())}, {"lr": 1, "damping": 0.0}, singular)
    np.testing.assert_array_equal(new, params[:1])


def test_newton_trains_the_network_a_few_steps():
    p = mlp_slice_problem(samples=40)
    out = train(p, [("newton", {"lr": 0.5, "damping": 1.0})], steps=3, seed=0)
    assert out.runs[0].status == "finished" and out.runs[0].loss[-1] < out.runs[0].loss[0]


# -- progress, cancellation, divergence, bad input --------------------------------------------------------------


def test_progress_reaches_its_total_and_cancel_stops(problem):
    calls = []
    train(problem, [("gd", {"lr": 0.1}), ("adam", {})], steps=60, seed=0, every=20,
          progress=lambda d, t: calls.append((d, t)))  # fmt: skip
    assert calls[-1] == (2 * 60 + 2 * 4, 2 * 60 + 2 * 4)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False))
    with pytest.raises(TrainingCancelled):
        train(problem, [("gd", {"lr": 0.1})], steps=1000, seed=0, cancelled=lambda: True)


def test_a_diverging_run_stops_at_its_last_good_point():
    p = mlp_slice_problem("mse")
    out = train(p, [("gd", {"lr": 5.0})], steps=500, seed=0, every=1)
    run = out.runs[0]
    assert run.status == "diverged" and run.steps < 500
    assert np.isfinite(run.path).all() and np.isfinite(run.loss).all()
    assert len(run.path) == len(run.loss) == len(run.accuracy) == len(run.lr) + 1
    assert run.sharpness[-1, 0] == run.steps


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"optimizers": [("nope", {})]}, "unknown optimizer 'nope'"),
        ({"optimizers": [("adam", {"lr": -1})]}, "hyperparameter lr for adam must lie in"),
        ({"optimizers": [("adam", {}, "cos")]}, "unknown schedule 'cos'"),
        ({"batch_size": 201}, "batch size must be a whole number 1 … 200"),
        ({"steps": 0}, "--steps must be 1 …"),
        ({"steps": 40_000}, "too long a training: at most 33706 steps"),
        ({"every": 1, "steps": 3000}, "exact Hessians"),
        ({"seed": -1}, "seed must be an integer"),
        ({"theta0": np.zeros(3)}, "θ₀ must be 354 finite numbers"),
    ],
)
def test_bad_input_is_one_line(problem, kwargs, message):
    args = {"optimizers": [("gd", {})], "steps": 5, **kwargs}
    with pytest.raises((ValueError, KeyError), match=message):
        train(problem, args.pop("optimizers"), **args)
