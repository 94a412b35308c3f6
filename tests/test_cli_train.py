"""``landscape-gui train``: the JSON contract, a replay from the JSON alone, and one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from training_reference import fd_hessian, loss_and_grad, replay

from landscape_gui.cli import main
from landscape_gui.core.blas import blas_threads

CONTRACT = [
    "architecture",
    "loss_name",
    "data",
    "theta0",
    "loss",
    "accuracy",
    "path2d",
    "explained",
    "sharpness",
]


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """Small matrices: one BLAS thread (core/blas.py; 10× faster on a busy 2-core machine, same numbers)."""
    with blas_threads(1):
        yield


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def train_json(capsys, *args):
    code, out, err = run_cli(capsys, "train", *args)
    assert code == 0 and err == "", err
    return json.loads(out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))


def test_the_contract_and_a_replay_from_the_json_alone(capsys):
    steps = 150
    d = train_json(capsys, "--optimizer", "momentum", "--set", "lr=0.05", "--set", "momentum=0.9",
                   "--steps", str(steps), "--seed", "3", "--every", "50", "--format", "json")  # fmt: skip
    assert set(CONTRACT) <= set(d)
    assert d["architecture"] == {"sizes": [2, 16, 16, 2], "activation": "tanh"}
    assert d["loss_name"] == "cross_entropy"
    x, y = np.array(d["data"]["x"]), np.array(d["data"]["y"])
    assert (
        x.shape == (200, 2)
        and set(d["data"]["y"]) == {0, 1}
        and all(isinstance(v, int) for v in d["data"]["y"])
    )
    theta0 = np.array(d["theta0"])
    assert theta0.shape == (354,)
    assert len(d["loss"]) == len(d["accuracy"]) == len(d["path2d"]) == steps + 1
    assert [s for s, _ in d["sharpness"]] == [0, 50, 100, 150]
    # replayed with code written in the test, from nothing but the JSON
    losses, path = replay(theta0, x, y, (2, 16, 16, 2), "momentum", {"lr": 0.05, "momentum": 0.9}, steps)
    np.testing.assert_allclose(d["loss"], losses, rtol=0, atol=1e-9)
    assert d["loss"][0] == pytest.approx(loss_and_grad(theta0, x, y, (2, 16, 16, 2))[0], rel=1e-14)
    # the explained shares and projected points: an SVD of the replayed path
    diff = path - path[-1]
    _, s, vt = np.linalg.svd(diff - diff.mean(axis=0), full_matrices=False)
    np.testing.assert_allclose(d["explained"], (s**2 / np.sum(s**2))[:2], rtol=1e-7)
    np.testing.assert_allclose(np.abs(d["path2d"]), np.abs(diff @ vt[:2].T), rtol=0, atol=1e-7)
    assert d["max_distance"] == pytest.approx(np.linalg.norm(diff - diff @ vt[:2].T @ vt[:2], axis=1).max())
    # the sharpness at step 100: the top eigenvalue of a finite-difference Hessian of the test's gradient
    fd = fd_hessian(path[100], x, y, (2, 16, 16, 2), "cross_entropy")
    assert d["sharpness"][2][1] == pytest.approx(np.linalg.eigvalsh(fd)[-1], abs=1e-6)
    assert d["lr"] == [0.05] * steps and d["status"] == "finished" and d["noise"] == 0.0


def test_defaults_every_and_sgd_noise(capsys):
    d = train_json(capsys, "--optimizer", "sgd", "--set", "lr=0.1", "--steps", "120", "--seed", "0",
                   "--batch-size", "20")  # fmt: skip
    assert d["every"] == 3 and len(d["sharpness"]) == 41  # about 50 points: ceil(120 / 50) = 3
    assert d["noise"] == 1.0 and d["batch_size"] == 20  # sgd's own noise, as everywhere in the app
    quiet = train_json(capsys, "--optimizer", "sgd", "--set", "lr=0.1", "--set", "noise=0", "--steps", "120",
                       "--seed", "0", "--batch-size", "20", "--every", "60")  # fmt: skip
    assert quiet["noise"] == 0.0 and quiet["loss"] != d["loss"] and quiet["theta0"] == d["theta0"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--optimizer", "nope"], "unknown optimizer 'nope'"),
        (["--optimizer", "adam", "--set", "lr=x"], "bad --set 'lr=x'"),
        (["--optimizer", "adam", "--set", "lrr=1"], "unknown hyperparameter 'lrr' for adam"),
        (["--optimizer", "adam", "--schedule", "cos"], "bad --schedule 'cos'"),
        (["--optimizer", "adam", "--batch-size", "0"], "--batch-size must be 1 … 200"),
        (["--optimizer", "adam", "--steps", "0"], "--steps must be 1 …"),
        (["--optimizer", "adam", "--steps", "40000"], "too long a training: at most 33706 steps"),
        (["--optimizer", "adam", "--steps", "5000", "--every", "1"], "5001 exact Hessians"),
        (["--optimizer", "adam", "--every", "0"], "--every must be 1 …"),
        (["--optimizer", "adam", "--seed", "-2"], "--seed must be an integer 0 …"),
        (["--optimizer", "adam", "--format", "csv"], "invalid choice: 'csv'"),
        (["--optimizer", "newton", "--steps", "2500"], "exact Hessians"),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, args, message):
    full = ["train", "--steps", "5", "--seed", "0", *args]
    code, out, err = run_cli(capsys, *full)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err


def test_missing_required_options(capsys):
    code, _, err = run_cli(capsys, "train", "--optimizer", "adam", "--steps", "5")
    assert code == 2 and "--seed" in err and err.count("\n") == 1
