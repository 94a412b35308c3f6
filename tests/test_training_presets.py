"""The two trained-network presets (issue 27): they train exactly their lesson's settings, and every number
their text states is what their own training gives (measured here with the lessons' claim functions; the bands
of tests/test_training_lessons.py for what is chaotic past the edge of stability)."""

from __future__ import annotations

import pytest

from landscape_gui.core.scenario.files import dumps_scenario, loads_scenario
from landscape_gui.core.scenario.presets import load_preset
from landscape_gui.core.training.lessons import (
    ADAM_AND_SGD,
    EDGE_OF_STABILITY,
    adam_and_sgd_claims,
    edge_of_stability_claims,
)
from landscape_gui.core.training.session import train_scenario

pytestmark = pytest.mark.usefixtures("one_blas_thread")  # tests/conftest.py


def says(s, *phrases):
    text = " ".join(s.description.split())
    for phrase in phrases:
        assert phrase in text, phrase


@pytest.mark.parametrize(
    ("preset", "lesson"), [("adam-sgd-train", ADAM_AND_SGD), ("edge-of-stability", EDGE_OF_STABILITY)]
)
def test_the_preset_trains_its_lessons_settings(preset, lesson):
    s = load_preset(preset)
    assert s.title == lesson.title
    assert s.training.loss == lesson.loss_name
    assert [(o.id, dict(o.params)) for o in s.optimizers] == [(i, p) for i, p in lesson.optimizers]
    assert all(o.schedule is None for o in s.optimizers)
    assert (s.steps, s.seed, s.batch_size) == (lesson.steps, lesson.seed, lesson.batch_size)
    assert loads_scenario(dumps_scenario(s)) == s  # [training] round-trips


@pytest.fixture(scope="module")
def adam_sgd():
    s = load_preset("adam-sgd-train")
    return s, adam_and_sgd_claims(train_scenario(s))


def test_adam_and_sgd_text_states_its_training(adam_sgd):
    s, c = adam_sgd
    lo, hi = sorted(c.final_accuracy)
    says(
        s,
        f"From a loss of {c.start_loss:.3f}",
        f"both reach a loss of {round(c.final_loss[0], 2):g}",
        f"classify {100 * lo:.1f}–{100 * hi:.0f} % of the points",
        f"they end {c.apart:.1f} apart, having moved {c.moved[0]:.1f} and {c.moved[1]:.1f}",
        f"{100 * c.explained[0]:.0f} % + {100 * c.explained[1]:.0f} % = {100 * sum(c.explained):.0f} %",
        f"up to {c.max_distance[0]:.1f} (Adam) and {c.max_distance[1]:.1f} (SGD)",
        f"SGD ends {c.final_distance[1]:.2f} off the plane",
        f"up to {c.surface_gap[0]:.2f} (Adam, at the start) and {c.surface_gap[1]:.2f} (SGD",
    )
    assert round(c.final_loss[1], 2) == round(c.final_loss[0], 2)
    assert c.surface_gap_step[0] == 0 and 200 <= c.surface_gap_step[1] <= 600  # "mid-way" of 1000 steps


@pytest.fixture(scope="module")
def edge():
    s = load_preset("edge-of-stability")
    training = train_scenario(s)
    return s, [edge_of_stability_claims(run) for run in training.runs]


def test_edge_of_stability_text_states_its_training(edge):
    s, (c, control) = edge
    says(
        s,
        f"lr = 0.2 (2/lr = {c.edge:g})",
        f"starts at {c.start_ratio * c.edge:.1f}, {c.start_ratio:.2f} of 2/lr = {c.edge:g}",
        f"reaches 2/lr (0.95 of it) at step {c.reached}",
        f"for the {s.steps - c.reached} steps after",
        "between 0.95 and 1.08 of 2/lr",
        "spikes to 0.094",
        f"falls from {c.loss_at_reached:.4f} to 0.0336",
        f"λmax rises the whole time, {control.start_ratio * 20:.1f} → {control.final_sharpness:.1f}, at most "
        f"{control.max_ratio:.2f} of its 2/lr",
    )
    assert c.rises and c.ups_before == 0  # "rises at every point", "the loss fell at every step"
    # past the edge the run is chaotic: the bands of test_training_lessons.py
    assert 0.92 <= c.hover[0] <= 0.97 and 1.05 <= c.hover[1] <= 1.15
    assert 300 <= c.ups_after <= 480 and "rises at 389 steps" in " ".join(s.description.split())
    assert c.max_loss_after == pytest.approx(0.094, abs=0.01)
    assert c.final_loss == pytest.approx(0.0336, abs=1.5e-3)
    assert control.reached is None and control.rises and control.ups_after == 0  # "falls at every step"
    assert control.final_sharpness > c.edge  # "past the 10 where lr = 0.2 is held"
