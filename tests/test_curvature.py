"""Curvature along runs (``trace --curvature``), the stable learning rate (``critical``), and the per-step
records of ``trace`` (``--state``, ``--captions``) on scenarios: against Hessians and bounds derived by hand."""

import json
import math

import numpy as np
import pytest

from landscape_gui.cli import main
from landscape_gui.core.analysis.curvature import (
    curvature_along,
    global_minimum_stable_lr,
    hessian_eigenvalues,
    sharpness_limit,
    stable_lr,
)
from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.landscapes.expressions import landscape_from_formula
from landscape_gui.core.landscapes.library import get_landscape


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- Hessians derived by hand, row by row ------------------------------------------------------------------
def hand_hessian(landscape_id, x, y):
    if landscape_id == "himmelblau":  # (x² + y − 11)² + (x + y² − 7)²
        return [[12 * x * x + 4 * y - 42, 4 * x + 4 * y], [4 * x + 4 * y, 4 * x + 12 * y * y - 26]]
    if landscape_id == "rosenbrock":  # (1 − x)² + 100(y − x²)²
        return [[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200.0]]
    if landscape_id == "saddle":  # x² − y²
        return [[2.0, 0.0], [0.0, -2.0]]
    raise KeyError(landscape_id)


def hand_eigenvalues(h):
    """[λmin, λmax] of a symmetric 2 × 2 matrix: mean ± √(half-difference² + off-diagonal²)."""
    (a, b), (_, c) = h
    mean, radius = (a + c) / 2, math.hypot((a - c) / 2, b)
    return [mean - radius, mean + radius]


@pytest.mark.parametrize(
    "landscape_id, start, lr, steps",
    [
        ("himmelblau", "0,0", 0.01, 200),
        ("rosenbrock", "-1.5,2", 0.001, 300),
        ("saddle", "-1.8,0.001", 0.05, 60),
    ],
)
def test_curvature_along_gd_paths_is_the_hand_derived_hessians(capsys, landscape_id, start, lr, steps):
    code, out, err = run_cli(
        capsys, "trace", "--function", landscape_id, "--optimizer", "gd", "--set", f"lr={lr}", f"--start={start}",
        "--steps", str(steps), "--curvature",
    )  # fmt: skip
    assert code == 0 and err == ""
    (run,) = json.loads(out)["runs"]
    assert len(run["curvature"]) == len(run["path"]) == steps + 1
    want = [hand_eigenvalues(hand_hessian(landscape_id, x, y)) for x, y in run["path"]]
    scale = np.abs(want).max(axis=1, keepdims=True)
    np.testing.assert_allclose(run["curvature"], want, rtol=1e-7, atol=0)
    assert (np.abs(np.subtract(run["curvature"], want)) <= 1e-7 * scale).all()
    # the core gives the same, for the window's sharpness plot
    np.testing.assert_array_equal(curvature_along(get_landscape(landscape_id), run["path"]), run["curvature"])


def test_curvature_in_one_d_is_one_number_and_data_landscapes_use_the_whole_data(capsys):
    code, out, _ = run_cli(
        capsys, "trace", "--function", "double_well", "--optimizer", "gd", "--set", "lr=0.01", "--start=2.5",
        "--steps", "5", "--curvature",
    )  # fmt: skip
    (run,) = json.loads(out)["runs"]
    L = get_landscape("double_well")
    assert all(isinstance(c, float) for c in run["curvature"]) and len(run["curvature"]) == 6
    np.testing.assert_array_equal(run["curvature"], L.hessian(np.array(run["path"]))[:, 0, 0])
    # linreg with minibatches of 5: the curvature is still the whole data's, (2/n)·Σ [[x², x], [x, 1]]
    code, out, _ = run_cli(
        capsys, "trace", "--function", "linreg", "--optimizer", "sgd", "--set", "lr=0.05", "--set", "noise=0",
        "--start=0,0", "--steps", "4", "--batch-size", "5", "--curvature",
    )  # fmt: skip
    (run,) = json.loads(out)["runs"]
    x = get_landscape("linreg").dataset.x
    h = 2 / len(x) * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), len(x)]])
    np.testing.assert_allclose(run["curvature"], [np.linalg.eigvalsh(h)] * 5, rtol=1e-12)


def test_curvature_of_a_diverged_run_stops_with_its_path_and_json_stays_strict(capsys):
    code, out, _ = run_cli(
        capsys, "trace", "--function", "rosenbrock", "--optimizer", "gd", "--set", "lr=0.01", "--start=-1.5,2",
        "--steps", "50", "--curvature",
    )  # fmt: skip
    (run,) = json.loads(out)["runs"]
    assert run["status"] == "diverged" and len(run["curvature"]) == len(run["path"]) < 51
    assert "NaN" not in out and "Infinity" not in out
    ev = hessian_eigenvalues(get_landscape("rosenbrock"), [[np.nan, 0.0], [1.0, 1.0]])
    assert np.isnan(ev[0]).all() and np.isfinite(ev[1]).all()


# -- the stable learning rate --------------------------------------------------------------------------------
def test_stable_lr_of_a_narrow_bowl_is_two_over_lambda_max(capsys):
    # J = x² + 20y²: H = diag(2, 40), so GD is stable below 2/40 = 0.05; heavy ball μ = 0.9 below 3.8/40
    code, out, _ = run_cli(capsys, "critical", "--expr", "x**2 + 20*y**2", "--momentum", "0.9")
    data = json.loads(out)
    (p,) = data["points"]
    assert p["kind"] == "minimum" and p["eigenvalues"] == [2.0, 40.0]
    assert p["stable_lr_gd"] == 0.05 and p["stable_lr_momentum"] == pytest.approx(0.095, rel=1e-15)
    assert data["momentum"] == 0.9
    code, out, _ = run_cli(capsys, "critical", "--expr", "x**2 + 20*y**2", "--format", "text")
    assert "stable lr: GD < 0.05" in out
    code, out, _ = run_cli(capsys, "critical", "--function", "himmelblau")
    for p in json.loads(out)["points"]:  # only minima carry a number; no momentum key unless asked
        assert "stable_lr_momentum" not in p
        if p["kind"] == "minimum":
            assert p["stable_lr_gd"] == pytest.approx(2 / max(p["eigenvalues"]), rel=1e-15)
        else:
            assert p["stable_lr_gd"] is None
    code, out, err = run_cli(capsys, "critical", "--function", "booth", "--momentum", "1")
    assert code == 2 and "--momentum must be a number 0 ≤ μ < 1, not 1.0" in err and err.count("\n") == 1


def test_stable_lr_edge_cases_and_the_global_minimum():
    assert stable_lr([2.0, 40.0]) == 0.05 and stable_lr([4.0]) == 0.5
    assert stable_lr([-2.0, -1.0]) is None and stable_lr([-1.0, 0.0]) is None
    assert stable_lr([float("nan"), 1.0]) is None and stable_lr([]) is None
    assert stable_lr([1.0, 40.0], momentum=0.5) == pytest.approx(3 / 40)
    # booth: J = (x + 2y − 7)² + (2x + y − 5)², H = [[10, 8], [8, 10]], eigenvalues 2 and 18
    assert global_minimum_stable_lr(get_landscape("booth")) == pytest.approx(2 / 18, rel=1e-14)
    assert global_minimum_stable_lr(landscape_from_formula("x**2 + 20*y**2")) is None  # minima not known
    # the Hessian inspector says it at a minimum, and only there
    from landscape_gui.core.analysis.inspector import inspect_point

    at = inspect_point(get_landscape("booth"), [1.0, 3.0])
    assert at.kind == "minimum" and at.stable_lr() == pytest.approx(2 / 18, rel=1e-14)
    assert at.stable_lr(momentum=0.5) == pytest.approx(3 / 18, rel=1e-14)
    assert inspect_point(get_landscape("saddle"), [0.0, 0.0]).stable_lr() is None


@pytest.mark.parametrize(
    "optimizer_id, hp",
    [
        ("gd", {}),
        ("sgd", {"noise": 0.0}),
        ("gd", {"weight_decay": 0.5}),
        ("momentum", {"momentum": 0.9}),
        ("momentum", {"momentum": 0.5, "dampening": 0.3}),
        ("nesterov", {"momentum": 0.9}),
    ],
)
def test_sharpness_limit_separates_converging_from_oscillating_outward(optimizer_id, hp):
    """On x² + 20y² (λmax = 40), an lr putting λmax 2 % under the limit converges, 2 % over it diverges."""
    bowl = landscape_from_formula("x**2 + 20*y**2")
    limit_at_lr1 = sharpness_limit(optimizer_id, {"lr": 1.0, "weight_decay": 0.0, "dampening": 0.0, **hp})
    # the lr whose limit is exactly 40 (the limit is c/lr − wd)
    lr_edge = (limit_at_lr1 + hp.get("weight_decay", 0.0)) / (40.0 + hp.get("weight_decay", 0.0))
    outcome = {}
    for factor in (0.98, 1.02):
        full = {"lr": factor * lr_edge, **hp}
        assert (sharpness_limit(optimizer_id, {"weight_decay": 0.0, **full}) > 40) == (factor < 1)
        sim = Simulation(bowl, [[0.5, 0.5]], [(optimizer_id, full)], max_points=None)
        sim.step(3000)
        outcome[factor] = np.abs(sim.path(0, 0)[-1]).max()
    assert outcome[0.98] < 1e-6 and outcome[1.02] > 1.0
    assert sharpness_limit("adam", {"lr": 0.1}) is None and sharpness_limit("newton", {"lr": 1.0}) is None


# -- trace SCENARIO with --state, --curvature, --captions ----------------------------------------------------
def test_a_preset_traces_with_state_curvature_and_captions(capsys):
    code, out, err = run_cli(capsys, "trace", "saddle-escape", "--state", "--curvature", "--captions")
    assert code == 0 and err == ""
    data = json.loads(out)
    gd, momentum, adam = data["runs"]
    for run in data["runs"]:
        assert len(run["curvature"]) == len(run["path"]) == len(run["state"]) + 1 == len(run["captions"]) + 1
        assert run["curvature"][0] == [-2.0, 2.0]  # x² − y²
    assert set(gd["state"][0]) == {"lr"} and set(momentum["state"][0]) == {"lr", "momentum_buffer"}
    assert set(adam["state"][0]) == {"lr", "exp_avg", "exp_avg_sq"}
    assert adam["captions"][0][0] == "Adam — step 1" and adam["captions"][-1][0] == "Adam — step 100"
    # the same run traced on its own gives the same state and captions
    code, out, _ = run_cli(
        capsys, "trace", "--function", "saddle", "--domain=-2.5,2.5,-3,3", "--optimizer", "momentum",
        "--set", "lr=0.01", "--set", "momentum=0.9", "--start=-1.8,0.0001", "--steps", "100", "--state",
        "--captions",
    )  # fmt: skip
    (one,) = json.loads(out)["runs"]
    assert one["state"] == momentum["state"] and one["captions"] == momentum["captions"]
    # the caption's last line is the new position, which is the path's next point
    assert momentum["captions"][0][-1].startswith("θ ← θ + Δθ = (")
    x, y = momentum["path"][1]
    assert momentum["captions"][0][-1].endswith(f"({x:.4g}, {y:.4g})")


def test_csv_carries_curvature_state_and_caption_columns(capsys):
    code, out, _ = run_cli(
        capsys, "trace", "saddle-escape", "--state", "--curvature", "--captions", "--format", "csv"
    )
    lines = out.splitlines()
    head = lines[0].split(",")
    assert head[:7] == ["run", "optimizer", "step", "x", "y", "loss", "status"]
    assert head[7:] == [
        "lr", "momentum_buffer_x", "momentum_buffer_y", "exp_avg_x", "exp_avg_y", "exp_avg_sq_x", "exp_avg_sq_y",
        "lambda_min", "lambda_max", "caption",
    ]  # fmt: skip
    assert len(lines) == 1 + 3 * 101
    first = lines[1].split(",")
    assert first[7:14] == [""] * 7 and first[14:16] == ["-2.0", "2.0"] and first[16] == ""
    code, out, _ = run_cli(
        capsys, "trace", "--function", "double_well", "--optimizer", "gd", "--start=2", "--steps", "1",
        "--curvature", "--format", "csv",
    )  # fmt: skip
    assert out.splitlines()[0] == "run,step,x,loss,status,curvature"


def test_captions_are_bounded(capsys):
    code, _, err = run_cli(
        capsys, "trace", "--function", "booth", "--optimizer", "gd", *(f"--start={i},0" for i in range(3)),
        "--steps", "100000", "--captions",
    )  # fmt: skip
    assert code == 2 and "too many captions" in err and err.count("\n") == 1
