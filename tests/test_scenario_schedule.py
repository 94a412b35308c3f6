"""A learning-rate schedule per [[optimizers]] entry: read, validated, written back, and run."""

import numpy as np
import pytest

from landscape_gui.core.frames.presenter import optimizer_label
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.scenario.files import ScenarioError, dumps_scenario, loads_scenario

HEAD = """[landscape]
function = "booth"

[[optimizers]]
id = "adam"
lr = 0.05
"""
RUN = """
[run]
starts = [[0.0, 0.0]]
steps = 30
"""


def scenario(schedule_line: str):
    return loads_scenario(HEAD + schedule_line + "\n" + RUN, "lecture.toml")


def test_schedule_is_read_written_back_and_run():
    s = scenario('schedule = { name = "cosine", T_max = 10, eta_min = 0.001 }')
    assert s.optimizers[0].schedule == Schedule("cosine", {"T_max": 10, "eta_min": 0.001})
    text = dumps_scenario(s)
    assert "T_max = 10\n" in text  # whole numbers stay whole
    assert loads_scenario(text) == s
    sim = s.build_simulation()
    sim.step(s.steps)
    np.testing.assert_allclose(
        sim.lr_history(0), Schedule("cosine", {"T_max": 10, "eta_min": 0.001}).lrs(0.05, 30)
    )
    assert optimizer_label(s.optimizers[0]).endswith(", cosine schedule)")


def test_no_schedule_and_constant_are_the_same():
    plain = scenario("")
    assert plain.optimizers[0].schedule is None
    assert scenario('schedule = { name = "constant" }') == plain
    assert "schedule" not in dumps_scenario(plain)


def test_schedule_as_a_sub_table():
    s = loads_scenario(HEAD + '\n[optimizers.schedule]\nname = "step"\nstep_size = 5\n' + RUN)
    assert s.optimizers[0].schedule == Schedule("step", {"step_size": 5})


@pytest.mark.parametrize(
    "line, message",
    [
        ('schedule = { name = "cosin" }', "line 7: [[optimizers]] #1 schedule name: unknown schedule \"cosin\" (did you mean 'cosine'?) (known: constant, step, exponential, cosine, linear)"),
        ('schedule = { name = "cosine", tmax = 5 }', "line 7: [[optimizers]] #1 schedule tmax: unknown parameter of the cosine schedule (did you mean 'T_max'?) (known: T_max, eta_min)"),
        ("schedule = { T_max = 5 }", "line 7: [[optimizers]] #1 schedule: missing key 'name' (one of constant, step"),
        ('schedule = "cosine"', "line 7: [[optimizers]] #1 schedule: expected a table like { name = \"cosine\", T_max = 100 }"),
        ('schedule = { name = "cosine", T_max = 0 }', "schedule T_max: hyperparameter T_max for the cosine schedule must lie in [1, 1e+06], not 0"),
        ('schedule = { name = "step", step_size = 2.5 }', "schedule step_size: hyperparameter step_size for the step schedule must be a whole number"),
        ('schedule = { name = "linear", start_factor = "a" }', "schedule start_factor: expected a finite number, got \"a\""),
    ],
)  # fmt: skip
def test_bad_schedules_name_the_field(line, message):
    with pytest.raises(ScenarioError) as e:
        scenario(line)
    assert message in str(e.value) and str(e.value).startswith("lecture.toml")
