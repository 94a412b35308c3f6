"""mlp_slice: the trained network, filter-normalised directions, exact slice derivatives, the disk cache."""

from __future__ import annotations

import numpy as np
import pytest

from landscape_gui.core.data import mlp_slice
from landscape_gui.core.data.mlp import Network, filter_normalised_direction
from landscape_gui.core.data.mlp_slice import SliceSettings, build_mlp_slice, cache_dir, trained_slice
from landscape_gui.core.landscapes.library import get_landscape


@pytest.fixture(scope="module")
def slice_():
    ls = get_landscape("mlp_slice")
    net = ls.model.net
    arrays = {k: np.array(ls.extra["network"][k]) for k in ("theta", "delta", "eta")}
    return ls, net, arrays


def test_size_and_trained_loss(slice_):
    ls, net, arrays = slice_
    assert net.sizes == (2, 16, 16, 2) and ls.n_parameters == net.n_parameters == 354
    trained = ls.extra["network"]["trained_loss"]
    assert float(ls.value([0.0, 0.0])) == trained == net.loss(arrays["theta"], ls.dataset.x, ls.dataset.y)
    # θ* is a trained minimum: the full gradient is small, and the network classifies its data
    _, g = net.loss_and_grad(arrays["theta"], ls.dataset.x, ls.dataset.y)
    assert np.linalg.norm(g) < 1e-3
    accuracy = np.mean((ls.predict((0.0, 0.0), ls.dataset.x) > 0.5) == (ls.dataset.y == 1))
    assert accuracy > 0.95


def test_filter_normalisation(slice_):
    ls, net, arrays = slice_
    theta = net.unflatten(arrays["theta"])
    for key in ("delta", "eta"):
        for (wd, bd), (w, _) in zip(net.unflatten(arrays[key]), theta, strict=True):
            np.testing.assert_allclose(np.linalg.norm(wd, axis=1), np.linalg.norm(w, axis=1), rtol=1e-12)
            assert np.all(bd == 0.0)
    assert not np.allclose(arrays["delta"], arrays["eta"])
    # each filter is a row: rescaling the whole matrix instead would not pass
    rng = np.random.default_rng(0)
    d = filter_normalised_direction(net, arrays["theta"], rng)
    w_dir = net.unflatten(d)[1][0]
    assert np.linalg.norm(w_dir, axis=1) == pytest.approx(np.linalg.norm(theta[1][0], axis=1), rel=1e-12)


def test_slice_derivatives_are_backprop_projected(slice_):
    ls, net, arrays = slice_
    th, de, et = arrays["theta"], arrays["delta"], arrays["eta"]
    x, y = ls.dataset.x, ls.dataset.y
    batch = np.array([0, 5, 17, 40, 121, 199])
    for a, b in [(0.0, 0.0), (0.3, -0.2), (-0.7, 0.9)]:
        point = th + a * de + b * et
        assert float(ls.value([a, b])) == pytest.approx(net.loss(point, x, y), rel=1e-12)
        _, g = net.loss_and_grad(point, x, y)
        np.testing.assert_allclose(ls.grad([a, b]), [g @ de, g @ et], rtol=1e-10, atol=1e-13)
        _, gb = net.loss_and_grad(point, x[batch], y[batch])
        np.testing.assert_allclose(ls.batch_grad([a, b], batch), [gb @ de, gb @ et], rtol=1e-10, atol=1e-13)
        # Hessian-vector products from backprop gradients: (∇L(θ + εv) − ∇L(θ − εv))/2ε ≈ ∇²L·v
        eps = 1e-5
        hv = []
        for v in (de, et):
            up = net.loss_and_grad(point + eps * v, x, y)[1]
            down = net.loss_and_grad(point - eps * v, x, y)[1]
            hv.append((up - down) / (2 * eps))
        want = np.array([[hv[0] @ de, hv[0] @ et], [hv[1] @ de, hv[1] @ et]])
        np.testing.assert_allclose(ls.hessian([a, b]), want, rtol=1e-6, atol=1e-7)


def test_many_points_at_once_agree_with_one_at_a_time(slice_):
    ls, _, _ = slice_
    pts = np.random.default_rng(2).uniform(-1, 1, (150, 2))  # more than one chunk
    for method in ("value", "grad", "hessian"):
        together = getattr(ls, method)(pts)
        alone = np.array([getattr(ls, method)(p) for p in pts[::37]])
        np.testing.assert_allclose(together[::37], alone, rtol=1e-13, atol=1e-15)


def test_decision_regions(slice_):
    ls, _, _ = slice_
    x1, x2, prob = ls.model_grid((0.0, 0.0), 30)
    assert prob.shape == (30, 30) and np.all((prob >= 0) & (prob <= 1))
    assert prob.min() < 0.05 and prob.max() > 0.95  # both classes have a region
    far = ls.model_grid((1.0, 1.0), 30)[2]
    assert not np.allclose(far, prob)  # the regions change as the point moves


# -- the disk cache ----------------------------------------------------------------------------------------
SMALL = SliceSettings(sizes=(2, 4, 2), samples=40, schedule=((200, 0.02),))


def test_cache_is_written_read_and_rebuilt_when_corrupt(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "landscape-gui"
    first = build_mlp_slice(SMALL)
    files = list(cache_dir().glob("mlp_slice-*.npz"))
    assert [f.name for f in files] == [f"mlp_slice-{SMALL.key()}.npz"]

    def no_training(*_):
        raise AssertionError("trained again although the cache was good")

    monkeypatch.setattr(mlp_slice, "_train", no_training)
    again = build_mlp_slice(SMALL)
    assert again.extra["network"] == first.extra["network"]
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    for damage in (b"not an npz file", files[0].read_bytes()[:100]):
        files[0].write_bytes(damage)
        rebuilt = build_mlp_slice(SMALL)  # silently
        assert rebuilt.extra["network"] == first.extra["network"]
        assert trained_slice(SMALL)[2]["theta"].tolist() == first.extra["network"]["theta"]
    # a file that loads but holds other numbers is rebuilt too
    np.savez(files[0], theta=np.zeros(first.n_parameters), delta=np.zeros(22), eta=np.zeros(22), loss=0.0)
    assert build_mlp_slice(SMALL).extra["network"]["theta"] == first.extra["network"]["theta"]
    assert sorted(p.name for p in cache_dir().iterdir()) == [files[0].name]  # no temporary files left


def test_settings_key_changes_with_every_setting():
    keys = {
        SMALL.key(),
        SliceSettings().key(),
        SliceSettings(direction_seed=2).key(),
        SliceSettings(weight_decay=0.0).key(),
        SliceSettings(schedule=((10, 0.1),)).key(),
    }
    assert len(keys) == 5


def test_unwritable_cache_still_builds(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    ls = build_mlp_slice(SMALL)
    assert np.isfinite(float(ls.value([0.0, 0.0])))


def test_network_backprop_matches_finite_differences():
    net = Network((2, 5, 3, 2), weight_decay=0.01)
    theta = net.init(seed=3)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((30, 2))
    y = (rng.random(30) > 0.5).astype(float)
    _, g = net.loss_and_grad(theta, x, y)
    for k in rng.choice(theta.size, 8, replace=False):
        e = np.zeros(theta.size)
        e[k] = 1e-6
        fd = (net.loss(theta + e, x, y) - net.loss(theta - e, x, y)) / 2e-6
        assert g[k] == pytest.approx(fd, rel=1e-6, abs=1e-9)
