"""Each lecture preset really shows what its description says: one row of a table per preset, checked on the
runs that ``landscape-gui trace PRESET`` prints (the core's :func:`trace_scenario`), statuses included."""

from dataclasses import replace

import numpy as np
import pytest

from landscape_gui.core.critical import critical_points
from landscape_gui.core.presets import LECTURE_ORDER, list_presets, load_preset, presets_dir
from landscape_gui.core.scenario import dumps_scenario, loads_scenario
from landscape_gui.core.trace import trace_scenario


def end(run):
    return np.array(run["path"][-1])


def by_optimizer(out):
    runs = {}
    for r in out["runs"]:
        runs.setdefault(r["optimizer"], []).append(r)
    return runs


def test_seven_presets_listed_in_lecture_order_with_titles():
    listed = list_presets()
    assert [pid for pid, _ in listed] == list(LECTURE_ORDER)
    assert all(title and title != pid for pid, title in listed)
    assert any("rosenbrock" in pid for pid, _ in listed)


@pytest.mark.parametrize("preset_id", LECTURE_ORDER)
def test_preset_is_valid_and_round_trips(preset_id):
    s = load_preset(preset_id)
    assert s.title and s.description
    assert loads_scenario(dumps_scenario(s)) == s


# -- what each description says, preset by preset ----------------------------------------------------------
def local_vs_global(s, out):
    """The run started on the left settles in the local minimum at θ = −2, the one on the right reaches the
    global minimum at θ = 1."""
    left, right = sorted(out["runs"], key=lambda r: r["start"][0])
    assert (left["reached"], left["outcome"]) == ("local_minimum", "stuck in a local minimum")
    assert (right["reached"], right["outcome"]) == ("global_minimum", "reached the global minimum")
    assert end(left) == pytest.approx([-2.0], abs=1e-6) and end(right) == pytest.approx([1.0], abs=1e-6)


def saddle_escape(s, out):
    """GD, started almost on the ridge, slides to the saddle and crawls there; momentum and Adam escape
    downhill along y, and stay in the shown domain."""
    runs = by_optimizer(out)
    (gd,) = runs["gd"]
    assert abs(gd["start"][1]) < 1e-3 and np.hypot(*end(gd)) < 0.05
    assert gd["near"] == "saddle" and gd["outcome"].startswith("stalled at a saddle")
    for oid in ("momentum", "adam"):
        (r,) = runs[oid]
        assert abs(end(r)[1]) > 1.5 and r["loss"][-1] < -2.0, oid  # left the saddle, downhill along y
        assert r["status"] != "diverged" and not r["outside"], oid


def sgd_noise(s, out):
    """GD settles in the shallow well and stays; SGD's noise kicks it over the barrier into the deep well,
    which it never leaves again — for the shipped seed and for most others."""
    runs = by_optimizer(out)
    (gd,), (sgd,) = runs["gd"], runs["sgd"]
    assert gd["start"] == sgd["start"] and gd["start"][0] > 0
    assert (gd["reached"], gd["outcome"]) == ("local_minimum", "stuck in a local minimum")
    assert end(gd)[0] > 0
    assert _escapes_and_stays(sgd, s) and sgd["outcome"].startswith("jittering around the global minimum")
    assert not sgd["outside"]
    landscape = s.build_landscape()
    stay = 0
    for seed in range(40):
        other = replace(s, seed=seed).build_simulation(max_points=None)
        other.step(s.steps)
        stay += _escapes_and_stays({"path": other.path(1, 0).tolist()}, s, landscape)
    assert stay >= 36


def _escapes_and_stays(run, s, landscape=None):
    """The path reaches the bottom of the deep well (x < −0.6) and never crosses back over the barrier."""
    landscape = landscape or s.build_landscape()
    barrier = max(p.position[0] for p in critical_points(landscape) if p.kind == "saddle")
    x = np.array(run["path"])[:, 0]
    deep = np.flatnonzero(x < -0.6)
    return bool(deep.size) and not (x[deep[0] :] > barrier).any()


def random_restarts(s, out):
    """Twenty GD runs each fall into the minimum nearest their start; exactly one, the best, finds the
    global minimum."""
    runs = out["runs"]
    assert s.highlight_best and len(runs) == 20
    for r in runs:
        assert r["outcome"] in ("stuck in a local minimum", "reached the global minimum")
        assert np.array_equal(np.round(end(r)), np.round(r["start"])), r["start"]  # the nearest one
    assert len({tuple(np.round(end(r), 2)) for r in runs}) >= 10
    losses = sorted(r["loss"][-1] for r in runs)
    assert losses[0] < losses[1]  # one best run, the one highlighted
    assert [r["reached"] for r in runs].count("global_minimum") == 1


def rosenbrock_race(s, out):
    """From one start GD creeps and is far from (1, 1) at the end; momentum, Nesterov and Adam reach it;
    Nesterov overshoots widely at first, momentum swings from wall to wall; RMSprop zigzags, on its way."""
    runs = {r["optimizer"]: r for r in out["runs"]}
    assert list(runs) == ["gd", "momentum", "nesterov", "rmsprop", "adam"]
    assert len({tuple(r["start"]) for r in runs.values()}) == 1
    dist = {oid: float(np.hypot(*(end(r) - 1))) for oid, r in runs.items()}
    assert all(r["status"] != "diverged" and not r["outside"] for r in runs.values())
    assert dist["gd"] > 1.0 and runs["gd"]["outcome"] == "step limit reached"
    for oid in ("momentum", "nesterov", "adam"):
        assert dist[oid] < 0.05, oid
        assert runs[oid]["outcome"].startswith("approaching the global minimum"), oid
    assert 0.05 < dist["rmsprop"] < dist["gd"]

    def swing(r):  # how far from the valley floor y = x² a run strays once it has found it
        p = np.array(r["path"])
        off = p[:, 1] - p[:, 0] ** 2
        return np.abs(off[np.argmax(np.abs(off) < 0.05) :]).max()

    assert swing(runs["momentum"]) > 3 * swing(runs["gd"])
    overshoot = {
        oid: float(np.max(np.array(r["path"])[:, 1] - np.array(r["path"])[:, 0] ** 2))
        for oid, r in runs.items()
    }
    assert overshoot["nesterov"] > 4 * overshoot["gd"]  # far past the floor on the other wall
    signs = np.sign(
        np.diff(np.array(runs["rmsprop"]["path"])[:, 1] - np.array(runs["rmsprop"]["path"])[:, 0] ** 2)
    )
    assert np.count_nonzero(np.diff(signs)) > 100  # zigzag


def newton_saddle(s, out):
    """Newton converges to the critical point nearest its start, whatever its kind (two saddles and the
    maximum here); saddle-free Newton reaches a minimum from every start."""
    runs = by_optimizer(out)
    points = critical_points(s.build_landscape())
    where = np.array([p.position for p in points])
    for r in runs["newton"]:
        nearest = points[int(np.argmin(np.linalg.norm(where - r["start"], axis=1)))]
        assert r["status"] == "converged" and np.allclose(end(r), nearest.position, atol=1e-6)
    assert sorted(r["reached"] for r in runs["newton"]) == ["maximum", "saddle", "saddle"]
    for r in runs["saddle_free_newton"]:
        assert r["status"] == "converged" and r["reached"].endswith("minimum")


def double_well(s, out):
    """GD goes to the minimum on its own side of the hump; the run started exactly at 0 never moves."""
    for r in out["runs"]:
        assert r["status"] == "converged"
        if r["start"][0] == 0.0:
            assert r["reached"] == "maximum" and r["path"][-1] == [0.0]
        else:
            assert r["reached"] == "global_minimum" and np.sign(end(r)[0]) == np.sign(r["start"][0])
            assert abs(end(r)[0]) == pytest.approx(np.sqrt(2.5), abs=1e-6)


OUTCOMES = {
    "local-vs-global": local_vs_global,
    "saddle-escape": saddle_escape,
    "sgd-noise": sgd_noise,
    "random-restarts": random_restarts,
    "rosenbrock-race": rosenbrock_race,
    "newton-saddle": newton_saddle,
    "double-well": double_well,
}


def test_every_preset_file_has_its_outcome_checked():
    assert sorted(OUTCOMES) == sorted(p.stem for p in presets_dir().glob("*.toml"))


@pytest.mark.parametrize("preset_id", sorted(OUTCOMES))
def test_preset_outcome_is_what_its_description_says(preset_id):
    s = load_preset(preset_id)
    out = trace_scenario(s)
    assert len(out["runs"]) == len(s.starts) * len(s.optimizers)
    assert all(r["steps"] == s.steps or r["status"] == "converged" for r in out["runs"])
    OUTCOMES[preset_id](s, out)
