"""Dense trails (issue 25): a snapshot's tracks hold the same paths the simulation gives run by run, and the
views' vectorised thinning and joining give what a loop over the runs gives."""

import numpy as np
import pytest

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.frames.snapshot import Snapshotter
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.drawing.curves import Trails, joined, nan_joined, thinned


def test_tracks_hold_every_runs_history_and_gradient_norms():
    starts = np.random.default_rng(0).uniform(-3, 3, (12, 2))
    opts = [("gd", {"lr": 0.05}), ("adam", {"lr": 0.5}), ("gd", {"lr": 3.0})]  # the last diverges early
    sim = Simulation(get_landscape("rastrigin"), starts, opts, max_points=16)  # decimated along the way
    shots = Snapshotter(sim)
    lengths = set()
    for _ in range(12):
        sim.step(5)
        s = shots.take()
        for g in range(len(opts)):
            for i, (path, steps, losses) in enumerate(sim.histories(g)):
                r = g * len(starts) + i
                np.testing.assert_array_equal(s.paths[r], path)
                np.testing.assert_array_equal(s.history_steps[r], steps)
                np.testing.assert_array_equal(s.path_values[r], losses)
                with np.errstate(all="ignore"):
                    norms = np.linalg.norm(sim.landscape.grad(path), axis=1)
                np.testing.assert_array_equal(s.history_grad[r], np.nan_to_num(norms, nan=0.0, posinf=1e300))
                lengths.add(len(path))
    assert len(lengths) > 2  # runs of different lengths were seen (a diverged run stops growing)


@pytest.mark.parametrize("keep", [3, 8, 1000])
def test_trails_thin_and_join_as_a_loop_over_runs_would(keep):
    rng = np.random.default_rng(1)
    K, R = 40, 7
    points, values = rng.normal(size=(K, 2, R)), rng.normal(size=(K, R))
    first = np.array([0, 0, 5, 39, 0, 10, 2])
    end = np.array([40, 40, 40, 40, 1, 23, 2])  # whole, windowed, one point, none
    trails = Trails((points,), (values,), (first,), (end,))
    pts, vals, counts = trails.block(0, keep)
    expected_pts, expected_vals = [], []
    for r in range(R):
        path, v = points[first[r] : end[r], :, r], values[first[r] : end[r], r]
        index = thinned(len(path), keep)
        expected_pts.append(path[index])
        expected_vals.append(v[index])
    assert counts.tolist() == [len(p) for p in expected_pts]
    np.testing.assert_array_equal(pts, np.concatenate(expected_pts))
    np.testing.assert_array_equal(vals, np.concatenate(expected_vals))
    x, y = joined((p[:, 0], p[:, 1]) for p in expected_pts if len(p))
    np.testing.assert_array_equal(nan_joined(pts[:, 0], counts), x)
    np.testing.assert_array_equal(nan_joined(pts[:, 1], counts), y)
