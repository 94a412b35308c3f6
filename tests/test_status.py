"""Every status text says what is true: ready before Play, the step limit, oscillation, noise, the domain."""

import numpy as np
import pytest
import sympy as sp

from landscape_gui.core.analysis import status
from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.landscapes.library import get_landscape

x = sp.Symbol("x")
BOWL = Landscape.from_sympy(x**2, (x,), id="bowl", name="Bowl", domain=((-1, 1),))


def labels(sim):
    return [r.label for r in sim.runs()]


def test_a_run_that_has_not_moved_is_ready_not_running():
    sim = Simulation(get_landscape("booth"), [[8.0, -8.0]], [("gd", {"lr": 1e-3})], step_limit=100)
    assert labels(sim) == ["ready"]
    sim.step(1)
    assert labels(sim) == ["running"]
    sim.reset()
    assert labels(sim) == ["ready"]


def test_after_the_step_limit_a_run_says_so_and_what_it_was_doing():
    far = Simulation(get_landscape("rosenbrock"), [[-1.5, 2.0]], [("gd", {"lr": 1e-4})], step_limit=300)
    far.step(300)
    assert labels(far) == ["step limit reached"]  # not "running": it has stopped
    crawling = Simulation(get_landscape("saddle"), [[-1.8, 1e-4]], [("gd", {"lr": 0.02})], step_limit=100)
    crawling.step(100)
    assert labels(crawling) == ["stalled at a saddle — step limit reached"]
    done = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("gd", {"lr": 0.05})], step_limit=200)
    done.step(200)
    assert labels(done) == ["reached the global minimum"]  # converged runs are finished anyway


def test_a_run_oscillating_for_ever_is_not_approaching_the_minimum():
    # lr = 2/L on x²: θ → −θ for ever, the loss never goes down
    big = Simulation(BOWL, [[0.5]], [("gd", {"lr": 1.0})])
    small = Simulation(BOWL, [[0.01]], [("gd", {"lr": 1.0})])
    converging = Simulation(BOWL, [[0.01]], [("gd", {"lr": 0.999})])  # |1 − lr·2| < 1: it gets there
    for sim in (big, small, converging):
        sim.step(2 * status.WINDOW + 10)
    assert labels(big) == ["oscillating, not converging"]
    assert labels(small) == ["oscillating around the global minimum"]
    assert small.runs()[0].near == "global_minimum" and small.runs()[0].tone == "warning"
    assert labels(converging) == ["approaching the global minimum"]


@pytest.mark.parametrize(
    ("optimizer", "steps"),
    [(("momentum", {"lr": 0.01, "momentum": 0.9}), 150), (("adam", {"lr": 0.05}), 120)],
)
def test_damped_oscillations_that_converge_are_not_flagged(optimizer, steps):
    sim = Simulation(get_landscape("two_wells"), [[-1.8, 1.0]], [optimizer])
    for _ in range(steps // 10):
        sim.step(10)
        (run,) = sim.runs()
        assert not run.oscillating, (run.step, run.loss)


def test_oscillation_is_judged_on_a_decimated_record_too():
    sim = Simulation(BOWL, [[0.5]], [("gd", {"lr": 1.0})], max_points=8)
    sim.step(1000)  # recorded every 256th step: the oscillation looks frozen, still no progress
    assert labels(sim) == ["oscillating, not converging"]


def test_a_noisy_run_near_a_minimum_jitters_there():
    sim = Simulation(
        get_landscape("two_wells"), [[-1.05, 0.0]], [("sgd", {"lr": 0.05, "noise": 0.5})], seed=1
    )
    sim.step(200)
    (run,) = sim.runs()
    assert run.noisy and not run.oscillating
    assert run.label == "jittering around the global minimum (noisy gradient)"


def test_a_run_that_leaves_the_domain_is_marked():
    sim = Simulation(get_landscape("saddle"), [[-1.8, 1.0]], [("gd", {"lr": 0.02})], step_limit=100)
    sim.step(10)
    assert sim.runs()[0].outside is False
    sim.step(90)
    (run,) = sim.runs()
    assert run.outside and run.tone == "warning"
    assert run.label == "left the domain — step limit reached"


def test_every_text_is_defined_in_the_status_module():
    """The runs table, the legend and trace read only these; a converged run keeps its own text."""
    texts = {status.READY, status.STEP_LIMIT, status.LEFT_DOMAIN, "diverged", "running"}
    texts |= set(status.CONVERGED_TEXT.values()) | set(status.NEAR_TEXT.values())
    texts |= set(status.OSCILLATING_TEXT.values()) | set(status.NOISY_TEXT.values())
    sim = Simulation(get_landscape("himmelblau"), np.random.default_rng(0).uniform(-5, 5, (40, 2)),
                     [("gd", {"lr": 0.01}), ("newton", {"lr": 1.0}), ("sgd", {"lr": 0.01, "noise": 1.0})],
                     step_limit=60)  # fmt: skip
    for _ in range(7):
        for r in sim.runs():
            base = r.label.removesuffix(" — step limit reached").removesuffix(" — outside the domain")
            assert base in texts, r.label
        sim.step(10)
