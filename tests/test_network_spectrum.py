"""The trained network's full Hessian (``spectrum``) against torch.autograd, and the slice variants built on it
(``mlp_slice_eigen``, ``mlp_slice_orth``, ``mlp_slice_ce``) in every place a landscape id is accepted."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.cli import main
from landscape_gui.core.data.mlp import Network
from landscape_gui.core.data.mlp_slice import MLP_SLICE_IDS, network_spectrum
from landscape_gui.core.landscapes.library import DATA_LANDSCAPE_IDS, LANDSCAPE_IDS, get_landscape

ROOT = Path(__file__).resolve().parents[1]
TORCH = json.loads((ROOT / "tests" / "data" / "torch_spectrum.json").read_text())
NEW_IDS = ("mlp_slice_orth", "mlp_slice_ce", "mlp_slice_eigen")


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def slice_():
    ls = get_landscape("mlp_slice")
    return ls, ls.model.net, np.array(ls.extra["network"]["theta"]), ls.dataset


@pytest.mark.parametrize("key", ["with_weight_decay", "without_weight_decay"])
def test_hessian_eigenvalues_are_torch_autograds(key, slice_):
    """At the θ* torch was given (tests/data/torch_spectrum.json, made by benchmarks/make_torch_reference.py)."""
    _, net, _, data = slice_
    ref = TORCH[key]
    ours = Network(net.sizes, ref["weight_decay"]).hessian(np.array(TORCH["theta"]), data.x, data.y)
    assert ours.shape == (354, 354) and np.array_equal(ours, ours.T)
    np.testing.assert_allclose(np.linalg.eigvalsh(ours), ref["eigenvalues"], rtol=0, atol=1e-12)


def test_hessian_is_the_derivative_of_the_gradient_and_agrees_with_the_plane_terms(slice_):
    _, net, theta, data = slice_
    h = net.hessian(theta, data.x, data.y)
    rng = np.random.default_rng(5)
    for _ in range(3):
        v = rng.standard_normal(theta.size)
        e = 1e-5  # central differences of the backprop gradient: error O(e²)
        fd = (
            net.loss_and_grad(theta + e * v, data.x, data.y)[1]
            - net.loss_and_grad(theta - e * v, data.x, data.y)[1]
        )
        np.testing.assert_allclose(h @ v, fd / (2 * e), rtol=0, atol=1e-8)
        d, q = rng.standard_normal((2, theta.size))  # the slice code's exact second derivatives δᵀHη
        haa, hab, _, hbb = (c[0] for c in net.plane_terms(net.plane(theta, d, q), np.zeros(1), np.zeros(1), data.x,
                                                          data.y, 2))  # fmt: skip
        np.testing.assert_allclose([haa, hab, hbb], [d @ h @ d, d @ h @ q, q @ h @ q], rtol=1e-12)


def test_spectrum_command_gives_every_eigenvalue_of_the_named_loss(capsys):
    code, out, err = run_cli(capsys, "spectrum", "--format", "json")
    assert code == 0 and err == ""
    full = json.loads(out)
    assert full["parameters"] == 354 == len(full["eigenvalues"])
    assert full["eigenvalues"] == sorted(full["eigenvalues"])
    assert (
        full["weight_decay_term"] is True
        and "weight-decay term" in full["loss"]
        and full["weight_decay"] == 1e-3
    )
    np.testing.assert_array_equal(full["eigenvalues"], network_spectrum().eigenvalues)
    assert full["stable_lr_gd"] == 2 / full["eigenvalues"][-1]
    code, out, _ = run_cli(capsys, "spectrum", "--format", "json", "--without-weight-decay")
    ce = json.loads(out)
    assert ce["weight_decay_term"] is False and "without the weight-decay term" in ce["loss"]
    # the weight-decay term adds λI: every eigenvalue moves up by exactly λ
    np.testing.assert_allclose(np.subtract(full["eigenvalues"], ce["eigenvalues"]), 1e-3, rtol=0, atol=1e-12)
    code, out, _ = run_cli(capsys, "spectrum")
    assert "354 parameters" in out and "weight-decay term" in out and "2/λmax" in out


def test_eigen_slice_hessian_at_the_origin_is_the_top_two_eigenvalues():
    spectrum = network_spectrum()
    land = get_landscape("mlp_slice_eigen")
    h = land.hessian([0.0, 0.0])
    lam1, lam2 = spectrum.eigenvalues[-1], spectrum.eigenvalues[-2]
    np.testing.assert_allclose(h, [[lam1, 0.0], [0.0, lam2]], rtol=0, atol=1e-6)
    delta, eta = (np.array(land.extra["network"][k]) for k in ("delta", "eta"))
    np.testing.assert_allclose([delta @ delta, eta @ eta, delta @ eta], [1.0, 1.0, 0.0], atol=1e-12)
    assert land.extra["directions"]["eigenvalues"] == [lam1, lam2]
    assert land.value([0.0, 0.0]) == get_landscape("mlp_slice").value(
        [0.0, 0.0]
    )  # the same θ*, the same loss


def _angle(u, v):
    return np.degrees(np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v)))


def test_directions_angle_orthogonal_variant_and_the_loss_without_weight_decay(capsys):
    code, out, _ = run_cli(capsys, "functions", "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)["functions"]}
    vec = {lid: [np.array(rows[lid]["network"][k]) for k in ("delta", "eta")] for lid in MLP_SLICE_IDS}
    for lid in MLP_SLICE_IDS:
        angle = rows[lid]["directions"]["angle_degrees"]
        assert angle == pytest.approx(_angle(*vec[lid]), abs=1e-9)
        assert f"{angle:.1f}° apart" in rows[lid]["description"]
    assert (
        70 < rows["mlp_slice"]["directions"]["angle_degrees"] < 85
    )  # Li et al.'s directions: not orthogonal
    (d, e), (d_orth, e_orth) = vec["mlp_slice"], vec["mlp_slice_orth"]
    assert np.array_equal(d, d_orth) and abs(d @ e_orth) < 1e-9 * (d @ d)
    assert np.linalg.norm(e_orth) == pytest.approx(np.linalg.norm(e), rel=1e-12)
    np.testing.assert_allclose(e_orth / np.linalg.norm(e_orth), (e - (e @ d) / (d @ d) * d) / np.linalg.norm(
        e - (e @ d) / (d @ d) * d), atol=1e-12)  # fmt: skip
    # mlp_slice_ce: the same plane, the loss less (λ/2)‖θ* + aδ + bη‖²
    full, ce = get_landscape("mlp_slice"), get_landscape("mlp_slice_ce")
    assert rows["mlp_slice_ce"]["network"]["weight_decay_in_loss"] is False
    theta = np.array(rows["mlp_slice"]["network"]["theta"])
    for a, b in ((0.0, 0.0), (0.3, -0.7)):
        p = theta + a * d + b * e
        assert float(full.value([a, b]) - ce.value([a, b])) == pytest.approx(0.5e-3 * p @ p, rel=1e-9)


def test_every_slice_id_is_a_landscape_everywhere(capsys, tmp_path):
    from landscape_gui.core.data.surface_process import SurfaceProcess, can_compute
    from landscape_gui.core.scenario.files import loads_scenario

    for lid in NEW_IDS:
        assert lid in LANDSCAPE_IDS and lid in DATA_LANDSCAPE_IDS and can_compute(lid)
        code, out, err = run_cli(
            capsys, "trace", "--function", lid, "--optimizer", "gd", "--set", "lr=0.05", "--start=0.5,0.5", "--steps",
            "3", "--curvature", "--batch-size", "50",
        )  # fmt: skip
        assert code == 0 and err == "" and len(json.loads(out)["runs"][0]["curvature"]) == 4
        s = loads_scenario(
            f'[landscape]\nfunction = "{lid}"\n[[optimizers]]\nid = "gd"\n[run]\nstarts = [[0.5, 0.5]]\n'
        )
        assert s.build_landscape().id == lid
    code, out, _ = run_cli(capsys, "critical", "--function", "mlp_slice_eigen")
    minima = [p for p in json.loads(out)["points"] if p["kind"] == "minimum" and p["global"]]
    assert len(minima) == 1 and np.hypot(*minima[0]["position"]) < 1e-3
    assert minima[0]["stable_lr_gd"] == pytest.approx(2 / network_spectrum().eigenvalues[-1], rel=1e-3)
    code, out, err = run_cli(
        capsys, "basins", "--function", "mlp_slice_orth", "--optimizer", "gd", "--set", "lr=0.1", "--grid", "4",
        "--steps", "5", "--format", "json", "-o", str(tmp_path / "b.png"),
    )  # fmt: skip
    assert code == 0, err
    surface = SurfaceProcess()
    try:
        xs, ys, z = surface.compute("mlp_slice_eigen", None, 5)
    finally:
        surface.close()
    np.testing.assert_allclose(z, get_landscape("mlp_slice_eigen").grid(5)[2], rtol=1e-12)
