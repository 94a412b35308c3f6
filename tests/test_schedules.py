"""Learning-rate schedules: torch's closed forms, torch's stored trajectories, and the simulation's bookkeeping."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.optimizers.schedules import SCHEDULE_IDS, SCHEDULES, Schedule, parse_schedule

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = json.loads((ROOT / "tests" / "data" / "torch_reference.json").read_text())
BASE = 0.05
N = 400


def closed_form(schedule_id: str, p: dict, base: float, epoch: int) -> float:
    """The learning rate at ``epoch`` (step epoch + 1) by torch's closed forms (``_get_closed_form_lr``)."""
    if schedule_id == "constant":
        return base
    if schedule_id == "step":
        return base * p["gamma"] ** (epoch // p["step_size"])
    if schedule_id == "exponential":
        return base * p["gamma"] ** epoch
    if schedule_id == "cosine":  # the formula of CosineAnnealingLR's docs, which the recursion follows
        return p["eta_min"] + (base - p["eta_min"]) * (1 + math.cos(math.pi * epoch / p["T_max"])) / 2
    if schedule_id == "linear":
        s, e, n = p["start_factor"], p["end_factor"], p["total_iters"]
        return base * (s + (e - s) * min(n, epoch) / n)
    raise KeyError(schedule_id)


SETTINGS = [
    "constant",
    "step",
    "step:step_size=7,gamma=0.5",
    "exponential",
    "exponential:gamma=0.9",
    "cosine",
    "cosine:T_max=30,eta_min=0.002",
    "cosine:T_max=1",
    "linear",
    "linear:start_factor=0.01,end_factor=0.5,total_iters=80",
]


@pytest.mark.parametrize("text", SETTINGS)
def test_each_schedule_follows_torchs_formula(text):
    s = parse_schedule(text)
    lrs = s.lrs(BASE, N)
    expected = [closed_form(s.id, s.resolved(), BASE, k) for k in range(N)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12, atol=1e-15)
    assert s.lr_at(BASE, 1) == lrs[0] and s.lr_at(BASE, 123) == lrs[122]


def test_every_schedule_is_tested_and_declared_like_hyperparameters():
    assert set(SCHEDULE_IDS) == {"constant", "step", "exponential", "cosine", "linear"}
    assert {parse_schedule(t).id for t in SETTINGS} == set(SCHEDULE_IDS)
    for kind in SCHEDULES.values():
        for h in kind.parameters:
            assert h.help and h.low <= h.default <= h.high, (kind.id, h.name)
    # torch's defaults where torch has them
    assert Schedule("step").resolved()["gamma"] == 0.1
    assert Schedule("cosine").resolved()["eta_min"] == 0.0
    assert Schedule("linear").resolved() == {"start_factor": 1 / 3, "end_factor": 1.0, "total_iters": 5}


def test_cosine_keeps_going_past_t_max_with_period_two_t_max():
    lrs = parse_schedule("cosine:T_max=10,eta_min=0.001").lrs(0.1, 61)
    for k in (10, 30, 50):  # epoch T_max, 3·T_max, 5·T_max: the bottom
        assert lrs[k] == pytest.approx(0.001, abs=1e-15)
    for k in (0, 20, 40, 60):  # back to the base lr every 2·T_max
        assert lrs[k] == pytest.approx(0.1, rel=1e-12)
    assert lrs[15] == pytest.approx(lrs[5], rel=1e-12) and lrs[11] > lrs[10]  # climbs back up


def test_linear_warms_up_then_stays():
    lrs = parse_schedule("linear").lrs(0.3, 10)
    np.testing.assert_allclose(lrs[:6], [0.1, 0.14, 0.18, 0.22, 0.26, 0.3], rtol=1e-12)
    assert lrs[5:] == [lrs[5]] * 5


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "cosin",
            "unknown schedule 'cosin' (did you mean 'cosine'?) (known: constant, step, exponential, cosine",
        ),
        ("cosine:tmax=3", "unknown parameter 'tmax' of the cosine schedule (did you mean 'T_max'?)"),
        ("cosine:T_max=0", "T_max for the cosine schedule must lie in [1, 1e+06], not 0"),
        ("step:step_size=2.5", "step_size for the step schedule must be a whole number, not 2.5"),
        ("exponential:gamma", "setting 'gamma': expected key=value (known keys: gamma)"),
        ("exponential:gamma=fast", "setting 'gamma=fast': 'fast' is not a number"),
        ("constant:gamma=1", "the constant schedule takes no parameters, not 'gamma'"),
    ],
)
def test_bad_schedules_are_refused_in_one_line(text, message):
    with pytest.raises(ValueError) as e:
        parse_schedule(text)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_text_round_trips():
    for text in SETTINGS:
        s = parse_schedule(text)
        assert parse_schedule(s.text()) == s


# -- against torch, through the simulation ---------------------------------------------------------------------


def _ours_scheduled(case, steps):
    sim = Simulation(
        get_landscape(case["landscape"]),
        case["starts"],
        [(case["optimizer"], case["hp"], case["schedule"])],
        max_points=None,
    )
    states = {}
    for k in range(1, steps + 1):
        sim.step(1)
        if k in REFERENCE["state_steps"]:
            states[k] = {name: v.copy() for name, v in sim.buffers(0).items()}
    paths = np.stack([sim.path(0, i) for i in range(len(case["starts"]))], axis=1)
    return paths, sim.lr_history(0), states


def test_scheduled_trajectories_lrs_and_states_match_torch():
    cases = REFERENCE["schedule_cases"]
    seen = set()
    for case in cases:
        paths, lrs, states = _ours_scheduled(case, REFERENCE["steps"])
        what = f"{case['optimizer']} {case['schedule']} on {case['landscape']}"
        np.testing.assert_allclose(lrs, case["lr"], rtol=1e-12, atol=0, err_msg=what)
        np.testing.assert_allclose(
            paths[REFERENCE["kept_steps"]], case["points"], rtol=1e-9, atol=1e-9, err_msg=what
        )
        for name, rows in case["state"].items():
            for k, row in zip(REFERENCE["state_steps"], rows, strict=True):
                np.testing.assert_allclose(
                    states[k][name], row, rtol=1e-9, atol=1e-12, err_msg=f"{what} {name}"
                )
        assert all(set(states[k]) == set(case["state"]) for k in states), what  # torch's names, no others
        seen.add(parse_schedule(case["schedule"]).id)
        if parse_schedule(case["schedule"]).id == "cosine":
            assert len(case["lr"]) > 2 * parse_schedule(case["schedule"]).resolved()["T_max"]  # past T_max
    assert seen == set(SCHEDULE_IDS) - {"constant"}


def test_scheduled_trajectories_match_torch_live():
    torch = pytest.importorskip("torch")
    assert torch.__version__.startswith("2.13")
    spec = importlib.util.spec_from_file_location(
        "make_torch_reference", ROOT / "benchmarks/make_torch_reference.py"
    )
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    for oid, hp, schedule, landscape_id in ref.SCHEDULE_CASES:
        starts = ref.STARTS[landscape_id]
        traj, lrs, _ = ref.torch_run(oid, hp, landscape_id, starts, steps=80, schedule=schedule)
        case = {"landscape": landscape_id, "starts": starts, "optimizer": oid, "hp": hp, "schedule": schedule}
        paths, ours_lrs, _ = _ours_scheduled(case, 80)
        assert list(ours_lrs) == lrs
        np.testing.assert_allclose(paths, traj, rtol=1e-9, atol=1e-9)


# -- the simulation's bookkeeping ------------------------------------------------------------------------------


def test_lr_in_force_and_history():
    sim = Simulation(
        get_landscape("booth"), [[0.0, 0.0]], [("gd", {"lr": 0.01}, "step:step_size=3,gamma=0.5")]
    )
    assert sim.lr(0) == 0.01 and sim.lr_history(0).size == 0
    sim.step(7)
    assert list(sim.lr_history(0)) == [0.01] * 3 + [0.005] * 3 + [0.0025]
    assert sim.lr(0) == 0.0025  # the next step's
    assert sim.schedules[0] == parse_schedule("step:step_size=3,gamma=0.5")
    sim.reset()
    assert sim.lr(0) == 0.01 and sim.lr_history(0).size == 0


def test_a_schedule_really_sets_the_step_size():
    """GD's step is lr·∇J with the lr of the schedule, not the base lr."""
    sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("gd", {"lr": 0.01}, "linear")])
    grad = get_landscape("booth").grad(np.array([[0.0, 0.0]]))
    sim.step(1)
    np.testing.assert_allclose(sim.positions()[0, 0], -(0.01 / 3) * grad[0], rtol=1e-15)


def test_lr_edit_applies_from_the_next_step_at_the_schedules_value():
    sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("adam", {"lr": 0.1}, "cosine:T_max=20")])
    sim.step(5)
    sim.set_hyperparameters(0, {"lr": 0.2})
    sim.step(5)
    lrs = parse_schedule("cosine:T_max=20")
    expected = lrs.lrs(0.1, 5) + lrs.lrs(0.2, 10)[5:]
    np.testing.assert_allclose(sim.lr_history(0), expected, rtol=1e-15)
    assert sim.optimizers[0][1]["lr"] == 0.2  # the base, as the slider shows it


def test_set_schedule_from_the_next_step():
    sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("gd", {"lr": 0.01})])
    sim.step(4)
    sim.set_schedule(0, "exponential:gamma=0.5")
    sim.step(2)
    np.testing.assert_allclose(sim.lr_history(0), [0.01] * 4 + [0.01 * 0.5**4, 0.01 * 0.5**5], rtol=1e-15)
    with pytest.raises(ValueError, match="unknown schedule"):
        sim.set_schedule(0, "warmup")
