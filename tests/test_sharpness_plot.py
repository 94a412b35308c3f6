"""What the sharpness plot shows (core side): λmax along runs and each optimizer's stability line, against
Hessians and bounds derived by hand; the largest stable lr of each optimizer at a point."""

import numpy as np
import pytest

from landscape_gui.core.analysis.curvature import SharpnessHistory, global_minimum_curvature, stable_lr_for
from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.frames.sharpness import MAX_POINTS, sharpness_curves, stability_lines
from landscape_gui.core.frames.snapshot import Snapshotter
from landscape_gui.core.landscapes.expressions import landscape_from_formula
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.scenario.model import LandscapeSpec, OptimizerSpec, Scenario

BOWL = "x**2 + 10*y**2"  # Hessian diag(2, 20) everywhere


@pytest.mark.parametrize(
    ("oid", "hp", "expected"),
    [
        ("gd", {"lr": 0.3}, 2 / 20),
        ("sgd", {"lr": 0.3, "noise": 0.0}, 2 / 20),
        ("momentum", {"lr": 0.3, "momentum": 0.9, "dampening": 0.0}, 2 * 1.9 / 20),
        ("momentum", {"lr": 0.3, "momentum": 0.9, "dampening": 0.5}, 2 * 1.9 / (0.5 * 20)),
        ("nesterov", {"lr": 0.3, "momentum": 0.9}, 2 * 1.9 / (2.8 * 20)),
        # weight decay wd adds wd to every eigenvalue: GD is stable for lr < 2/(λmax + wd)
        ("gd", {"lr": 0.3, "weight_decay": 1.0}, 2 / 21),
        ("adam", {"lr": 0.3}, None),
    ],
)
def test_stable_lr_for_each_optimizer_is_the_hand_bound(oid, hp, expected):
    got = stable_lr_for(oid, hp, [2.0, 20.0])
    assert got == pytest.approx(expected, rel=1e-14) if expected is not None else got is None


def test_global_minimum_curvature_from_known_minima_or_found_points():
    pos, ev = global_minimum_curvature(get_landscape("booth"))
    # (x + 2y − 7)² + (2x + y − 5)²: Hessian [[10, 8], [8, 10]], eigenvalues 2 and 18, minimum at (1, 3)
    np.testing.assert_allclose(pos, (1.0, 3.0), atol=1e-12)
    np.testing.assert_allclose(ev, [2.0, 18.0], rtol=1e-12)
    assert global_minimum_curvature(landscape_from_formula(BOWL)) is None  # a formula: none known

    class Point:
        def __init__(self, position, kind, is_global, eigenvalues):
            self.position, self.kind, self.is_global, self.eigenvalues = (
                position,
                kind,
                is_global,
                eigenvalues,
            )

    points = [Point((0, 0), "minimum", True, (2.0, 20.0)), Point((1, 1), "saddle", False, (-1.0, 1.0))]
    assert global_minimum_curvature(landscape_from_formula(BOWL), points)[0] == (0.0, 0.0)


def test_history_computes_each_point_once(monkeypatch):
    import landscape_gui.core.analysis.curvature as curvature

    calls = []
    real = curvature.hessian_eigenvalues
    monkeypatch.setattr(curvature, "hessian_eigenvalues", lambda L, p: calls.append(len(p)) or real(L, p))
    L = landscape_from_formula("x**4 + y**2")  # Hessian diag(12x², 2)
    h = SharpnessHistory()
    path = np.array([[1.0, 0.0], [0.5, 0.0], [0.1, 0.0]])
    np.testing.assert_allclose(h.along(L, 0, [0, 1, 2], path), [12.0, 3.0, 2.0])
    np.testing.assert_allclose(h.along(L, 0, [0, 1, 2, 3], np.vstack([path, [[2.0, 0.0]]])), [12, 3, 2, 48])
    assert calls == [3, 1]
    # another path with the same steps (new starts): computed again
    np.testing.assert_allclose(h.along(L, 0, [0], [[0.0, 0.0]]), [2.0])
    assert calls == [3, 1, 1]


def _scenario(optimizers, steps=25):
    return Scenario(
        landscape=LandscapeSpec(expr=BOWL, domain=((-2.5, 2.5), (-1.5, 1.5))),
        optimizers=tuple(optimizers),
        starts=((-2.0, 0.3),),
        steps=steps,
    )


def test_too_large_a_step_curves_and_lines():
    """GD at 0.9 and 1.1 × 2/λmax on the bowl: λmax = 20 along both runs, lines at 2/0.09 and 2/0.11."""
    specs = [OptimizerSpec("gd", {"lr": 0.09}), OptimizerSpec("gd", {"lr": 0.11})]
    scenario = _scenario(specs)
    L = landscape_from_formula(BOWL)
    sim = Simulation(L, [(-2.0, 0.3)], [(s.id, dict(s.params)) for s in specs])
    for _ in range(25):
        sim.step()
    curves = sharpness_curves(SharpnessHistory(), Snapshotter(sim).take(), scenario, L)
    for steps, lam in curves.runs:
        np.testing.assert_array_equal(steps, np.arange(26))
        np.testing.assert_allclose(lam, 20.0, rtol=1e-12)
    assert [line.values[0] for line in curves.lines] == pytest.approx([2 / 0.09, 2 / 0.11], rel=1e-14)
    assert curves.lines[0].text == "2/lr = 22.22 (lr 0.09): stable"
    assert curves.lines[1].text == "2/lr = 18.18 (lr 0.11): unstable"


def test_a_schedule_gives_a_line_per_step_and_adaptive_methods_none():
    schedule = Schedule("step", {"step_size": 5, "gamma": 0.5})
    specs = [OptimizerSpec("gd", {"lr": 0.08}, schedule=schedule), OptimizerSpec("adam", {"lr": 0.1})]
    steps = np.arange(12.0)
    lrs = 0.08 * 0.5 ** (steps // 5)
    lines = stability_lines(specs, [(steps, lrs), (steps, np.full(12, 0.1))], 12)
    assert len(lines) == 1 and lines[0].group == 0
    np.testing.assert_allclose(lines[0].values, 2 / lrs, rtol=1e-14)
    only_adam = sharpness_curves(SharpnessHistory(), _empty_snapshot(), _scenario(specs[1:]), None)
    assert only_adam.lines == () and "no fixed bound" in only_adam.note


def _empty_snapshot():
    class S:
        paths, history_steps, lr_history, runs, step = [], [], [], [], 0

    return S()


def test_long_runs_are_thinned_to_stable_points():
    from landscape_gui.core.frames.sharpness import _thinned

    a, b = _thinned(5 * MAX_POINTS), _thinned(5 * MAX_POINTS + 7)
    assert len(a) <= MAX_POINTS + 1 and a[-1] == 5 * MAX_POINTS - 1
    assert np.isin(a[:-1], b).all()  # the points kept before are kept as the run grows
