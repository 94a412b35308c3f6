"""``trace --state`` and ``--schedule``: the optimizer's state and the lr of each step, equal to torch's."""

import json
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.cli import main

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = json.loads((ROOT / "tests" / "data" / "torch_reference.json").read_text())


def trace(capsys, *args):
    code, out, err = main(["trace", *args]), *capsys.readouterr()
    return code, out, err


def _start_args(starts):
    return [f"--start={x!r},{y!r}" for x, y in starts]


def _set_args(hp):
    return [a for k, v in hp.items() for a in ("--set", f"{k}={v!r}")]


def _case(cases, optimizer, **match):
    return next(c for c in cases if c["optimizer"] == optimizer and all(c[k] == v for k, v in match.items()))


@pytest.mark.parametrize(
    "optimizer", ["momentum", "adam", "rmsprop", "adadelta", "amsgrad", "nadam", "radam"]
)
def test_state_is_torchs_after_each_step(capsys, optimizer):
    case = _case(REFERENCE["cases"], optimizer, landscape="himmelblau")
    steps = REFERENCE["state_steps"]
    code, out, err = trace(
        capsys, "--function", "himmelblau", "--optimizer", optimizer, *_set_args(case["hp"]),
        *_start_args(case["starts"]), "--steps", str(steps[-1]), "--state",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    for i, run in enumerate(data["runs"]):
        assert len(run["state"]) == steps[-1] == run["steps"]
        assert all(set(entry) == {"lr", *case["state"]} for entry in run["state"])  # torch's names
        assert all(entry["lr"] == data["params"]["lr"] for entry in run["state"])  # constant schedule
        for name, rows in case["state"].items():
            ours = [run["state"][k - 1][name] for k in steps]
            # a 0-d torch tensor (NAdam's mu_product) is one number for all particles: each coordinate has it
            want = [row[i] if isinstance(row, list) else [row, row] for row in rows]
            np.testing.assert_allclose(ours, want, rtol=1e-9, atol=1e-9, err_msg=name)


def test_schedule_lr_path_and_state_are_torchs(capsys):
    case = _case(REFERENCE["schedule_cases"], "adam", landscape="himmelblau")
    assert case["schedule"].startswith("cosine:")
    code, out, err = trace(
        capsys, "--function", "himmelblau", "--optimizer", "adam", *_set_args(case["hp"]),
        *_start_args(case["starts"]), "--steps", str(REFERENCE["steps"]), "--state", "--schedule", case["schedule"],
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["schedule"] == {"name": "cosine", "T_max": 40, "eta_min": 0.001}
    for i, run in enumerate(data["runs"]):
        np.testing.assert_allclose([e["lr"] for e in run["state"]], case["lr"], rtol=1e-12, atol=0)
        path = np.array(run["path"])[REFERENCE["kept_steps"]]
        np.testing.assert_allclose(path, [p[i] for p in case["points"]], rtol=1e-9, atol=1e-9)
        for name, rows in case["state"].items():
            ours = [run["state"][k - 1][name] for k in REFERENCE["state_steps"]]
            np.testing.assert_allclose(ours, [row[i] for row in rows], rtol=1e-9, atol=1e-9)


def test_state_of_a_diverged_run_stops_with_its_path_and_one_d_is_x(capsys):
    code, out, _ = trace(
        capsys, "--function", "rosenbrock", "--optimizer", "momentum", "--set", "lr=0.01", "--start=-1.5,2",
        "--start=1,1", "--steps", "60", "--state",
    )  # fmt: skip
    bad, good = json.loads(out)["runs"]
    assert bad["status"] == "diverged" and len(bad["state"]) == len(bad["path"]) - 1 < 60
    assert len(good["state"]) == 60 and "NaN" not in out and "Infinity" not in out
    code, out, _ = trace(
        capsys,
        "--function",
        "seed_curve",
        "--optimizer",
        "adagrad",
        "--start=-2.6",
        "--steps",
        "3",
        "--state",
    )
    (run,) = json.loads(out)["runs"]
    assert [len(e["sum"]) for e in run["state"]] == [1, 1, 1]


def test_state_without_buffers_has_the_lr_only_and_csv_has_columns(capsys):
    code, out, _ = trace(
        capsys, "--function", "booth", "--optimizer", "gd", "--start=0,0", "--steps", "4", "--state",
        "--schedule", "step:step_size=2,gamma=0.5",
    )  # fmt: skip
    assert [e for e in json.loads(out)["runs"][0]["state"]] == [
        {"lr": 0.001},
        {"lr": 0.001},
        {"lr": 0.0005},
        {"lr": 0.0005},
    ]
    code, out, _ = trace(
        capsys, "--function", "booth", "--optimizer", "adam", "--start=0,0", "--steps", "2", "--state",
        "--format", "csv",
    )  # fmt: skip
    lines = out.splitlines()
    assert lines[0] == "run,step,x,y,loss,status,lr,exp_avg_x,exp_avg_y,exp_avg_sq_x,exp_avg_sq_y"
    assert lines[1].endswith("running,,,,,") and [
        float(v) for v in lines[2].split(",")[6:9]
    ] == pytest.approx([1e-3, -3.4, -3.8], rel=1e-15)


@pytest.mark.parametrize(
    "schedule, message",
    [
        ("cosin", "unknown schedule 'cosin' (did you mean 'cosine'?) (known: constant, step, exponential, cosine, linear)"),
        ("cosine:tmax=5", "unknown parameter 'tmax' of the cosine schedule (did you mean 'T_max'?) (known: T_max, eta_min)"),
        ("step:gamma=2", "gamma for the step schedule must lie in [0, 1], not 2"),
        ("linear:total_iters", "expected key=value"),
    ],
)  # fmt: skip
def test_bad_schedule_is_one_line_exit_2(capsys, schedule, message):
    code, out, err = trace(
        capsys,
        "--function",
        "booth",
        "--optimizer",
        "gd",
        "--start=0,0",
        "--steps",
        "1",
        "--schedule",
        schedule,
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and f"bad --schedule {schedule!r}" in err


def test_schedules_and_optimizers_list_what_is_declared(capsys):
    assert main(["schedules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr()[0])["schedules"]
    cosine = next(s for s in data if s["id"] == "cosine")
    assert cosine["torch"] == "CosineAnnealingLR" and [p["name"] for p in cosine["parameters"]] == [
        "T_max",
        "eta_min",
    ]
    assert main(["optimizers", "--format", "json"]) == 0
    adam = next(o for o in json.loads(capsys.readouterr()[0])["optimizers"] if o["id"] == "adam")
    assert [b["name"] for b in adam["state"]] == ["exp_avg", "exp_avg_sq"]
    with pytest.raises(SystemExit):
        main(["trace", "--help"])
    text = capsys.readouterr()[0]
    assert "--schedule NAME[:KEY=VALUE,...]" in text and "--state" in text


def test_every_option_has_a_help_line():
    from landscape_gui.cli import build_parser

    parser = build_parser()
    for name, sub in parser._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest}"
