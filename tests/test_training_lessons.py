"""The two lessons on a trained network: every number their text states, measured on their own settings.

The bands leave room for rounding: past the edge of stability gradient descent is chaotic, so a different
BLAS may change the third digit of what happens there (θ₀ moved by 1e-12 gave the same step of arrival,
hover ratios (sampled every 20 steps) 0.915–0.934 … 1.09–1.11, 386–389 rising steps, final losses
0.0335–0.0340).
"""

from __future__ import annotations

import numpy as np
import pytest

from landscape_gui.core.training.lessons import (
    ADAM_AND_SGD,
    EDGE_OF_STABILITY,
    adam_and_sgd_claims,
    edge_of_stability_claims,
)

pytestmark = pytest.mark.usefixtures("one_blas_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def adam_sgd():
    training = ADAM_AND_SGD.train()
    return training, adam_and_sgd_claims(training)


def test_adam_and_sgd_start_together_and_both_train(adam_sgd):
    training, c = adam_sgd
    assert [r.optimizer for r in training.runs] == ["adam", "sgd"]
    assert training.batch_size == 20 and training.runs[1].noise == 0.0  # plain minibatch SGD
    np.testing.assert_array_equal(training.runs[0].path[0], training.runs[1].path[0])
    assert c.start_loss == pytest.approx(0.730, abs=5e-4)
    # "both reach a loss of 0.07 and classify 96.5–97 % of the points"
    assert c.final_loss == pytest.approx((0.068, 0.069), abs=2e-3)
    assert c.final_accuracy[0] >= 0.965 and c.final_accuracy[1] >= 0.96


def test_adam_and_sgd_end_at_different_points(adam_sgd):
    _, c = adam_sgd
    # "they end 6.9 apart, having moved 7.9 and 6.6 from the start: two minima, not one"
    assert c.apart == pytest.approx(6.9, abs=0.1)
    assert c.moved == pytest.approx((7.9, 6.6), abs=0.1)
    assert c.apart > 0.85 * min(c.moved)


def test_the_shared_plane_holds_most_of_the_paths_but_not_all(adam_sgd):
    _, c = adam_sgd
    # "the plane holds 68 % + 28 % = 96 % of the paths' variance"
    assert c.explained == pytest.approx((0.68, 0.28), abs=0.01)
    assert sum(c.explained) == pytest.approx(0.96, abs=0.01)
    # "points of the paths lie up to 1.9 (Adam) and 1.5 (SGD) from it; SGD ends 1.15 off the plane"
    assert c.max_distance == pytest.approx((1.9, 1.5), abs=0.05)
    assert c.final_distance[0] == 0.0  # the plane goes through Adam's end
    assert c.final_distance[1] == pytest.approx(1.15, abs=0.03)
    # "so the surface under a ball is not its loss: they differ by up to 0.40 (Adam, at the start) and
    # 0.42 (SGD, mid-way)"
    assert c.surface_gap == pytest.approx((0.40, 0.42), abs=0.01)
    assert c.surface_gap_step[0] == 0 and 200 <= c.surface_gap_step[1] <= 600


@pytest.fixture(scope="module")
def edge():
    training = EDGE_OF_STABILITY.train()
    return training, [edge_of_stability_claims(run) for run in training.runs]


def test_edge_of_stability_settings(edge):
    training, _ = edge
    assert training.problem.loss_name == "mse" and training.problem.net.sizes == (2, 16, 16, 2)
    assert training.problem.n_samples == 200 and training.batch_size is None
    assert [r.params["lr"] for r in training.runs] == [0.2, 0.1]


def test_sharpness_rises_to_two_over_lr_and_hovers_there(edge):
    _, (c, _) = edge
    assert c.edge == 10.0
    # "λmax (every 50 steps) starts at 6.2, 0.62 of 2/lr = 10, and rises at every point until it reaches
    # 2/lr (0.95 of it) at step 1200"
    assert c.start_ratio == pytest.approx(0.62, abs=0.01)
    assert c.rises and 1150 <= c.reached <= 1250
    # "for the 1800 steps after, it stays between 0.95 and 1.09 of 2/lr"
    assert 0.92 <= c.hover[0] <= 0.97 and 1.05 <= c.hover[1] <= 1.15
    assert c.final_sharpness == pytest.approx(10.0, abs=0.5)


def test_the_loss_keeps_falling_but_not_monotonically(edge):
    _, (c, _) = edge
    # "below the edge the loss fell at every step; at the edge it rises at 389 steps, spikes to 0.094, and
    # still falls from 0.0422 to 0.0336"
    assert c.ups_before == 0
    assert 300 <= c.ups_after <= 480
    assert c.loss_at_reached == pytest.approx(0.0422, abs=5e-4)
    assert c.final_loss == pytest.approx(0.0336, abs=1.5e-3) and c.final_loss < c.loss_at_reached - 0.005
    assert c.max_loss_after > 2 * c.loss_at_reached


def test_at_half_the_learning_rate_nothing_holds_the_sharpness(edge):
    _, (c, control) = edge
    # "from the same start at lr = 0.1 (2/lr = 20) λmax rises the whole time, 6.2 → 10.3, at most 0.52 of its
    # 2/lr, past the 10 where lr = 0.2 is held; its loss falls at every step"
    assert control.reached is None and control.rises
    assert control.max_ratio == pytest.approx(0.52, abs=0.01)
    assert control.final_sharpness == pytest.approx(10.3, abs=0.1) and control.final_sharpness > c.edge
    assert control.ups_before == 0 and control.ups_after == 0
