"""Each lecture preset really shows what its description says: one row of a table per preset, checked on the
runs that ``landscape-gui trace PRESET`` prints (the core's :func:`trace_scenario`), statuses included."""

from dataclasses import replace

import numpy as np
import pytest

from landscape_gui.core.analysis.critical import critical_points
from landscape_gui.core.analysis.trace import trace_scenario
from landscape_gui.core.scenario.files import dumps_scenario, loads_scenario
from landscape_gui.core.scenario.presets import LECTURE_ORDER, list_presets, load_preset, presets_dir


def end(run):
    return np.array(run["path"][-1])


def by_optimizer(out):
    runs = {}
    for r in out["runs"]:
        runs.setdefault(r["optimizer"], []).append(r)
    return runs


def test_presets_listed_in_lecture_order_with_titles():
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
    """GD, started almost on the ridge, slides to the saddle and crawls there for the 100 steps; momentum and
    Adam escape downhill along y, and stay in the shown domain (the steps at which each would pass |y| = 1.5:
    test_preset_claims)."""
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
    which it never leaves again (for the shipped seed here; seeds 0–19 in test_preset_claims)."""
    runs = by_optimizer(out)
    (gd,), (sgd,) = runs["gd"], runs["sgd"]
    assert gd["start"] == sgd["start"] and gd["start"][0] > 0
    assert (gd["reached"], gd["outcome"]) == ("local_minimum", "stuck in a local minimum")
    assert end(gd)[0] > 0
    assert _escapes_and_stays(sgd, s) and sgd["outcome"].startswith("jittering around the global minimum")
    assert not sgd["outside"]


def _escapes_and_stays(run, s):
    """The path reaches the bottom of the deep well (x < −0.6) and never crosses back over the barrier."""
    landscape = s.build_landscape()
    barrier = max(p.position[0] for p in critical_points(landscape) if p.kind == "saddle")
    x = np.array(run["path"])[:, 0]
    deep = np.flatnonzero(x < -0.6)
    return bool(deep.size) and not (x[deep[0] :] > barrier).any()


def random_restarts(s, out):
    """Twenty GD runs each fall into the minimum of the cell they start in (the nearest lattice point, as the
    cells' ridges lie near half-integers); exactly one, the best, finds the global minimum."""
    runs = out["runs"]
    assert s.highlight_best and len(runs) == 20
    for r in runs:
        assert r["outcome"] in ("stuck in a local minimum", "reached the global minimum")
        assert np.array_equal(np.round(end(r)), np.round(r["start"])), r["start"]  # its cell's minimum
    assert len({tuple(np.round(end(r), 2)) for r in runs}) >= 10
    losses = sorted(r["loss"][-1] for r in runs)
    assert losses[0] < losses[1]  # one best run, the one highlighted
    assert [r["reached"] for r in runs].count("global_minimum") == 1


def rosenbrock_race(s, out):
    """From one start GD creeps and is far from (1, 1) at the end; momentum, Nesterov and Adam reach it;
    Nesterov overshoots widely at first, momentum crosses the floor back and forth, then follows it; RMSprop
    zigzags, on its way (the steps and distances the text gives: test_preset_claims)."""
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

    def floor_crossings(r):  # the steps at which y − x² changes sign
        p = np.array(r["path"])
        off = np.sign(p[:, 1] - p[:, 0] ** 2)
        return np.flatnonzero(off[1:] * off[:-1] < 0) + 1

    momentum_crossings = floor_crossings(runs["momentum"])
    assert len(momentum_crossings) > 20 and momentum_crossings[-1] < 200  # back and forth, then along
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
    maximum here); saddle-free Newton reaches a minimum from every start (its one uphill step: see
    test_preset_claims)."""
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


def too_large_a_step(s, out):
    """GD at 0.9 and 1.1 × 2/λmax from one start: the first zig-zags inward to the minimum, the second
    oscillates outward along the sharp axis (y) and leaves the bowl; the text states the threshold, which is
    what ``critical`` gives as stable_lr_gd."""
    import contextlib
    import io
    import json

    from landscape_gui.cli import main

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        assert main(["critical", "--expr", s.landscape.expr, "--format", "json"]) == 0
    (minimum,) = json.loads(text.getvalue())["points"]
    threshold = minimum["stable_lr_gd"]
    assert minimum["kind"] == "minimum" and threshold == 2 / max(minimum["eigenvalues"]) == 0.1
    assert f"lr < 2/λmax = 2/{max(minimum['eigenvalues']):g} = {threshold:g}" in s.description
    slow, fast = out["runs"]
    assert [o.id for o in s.optimizers] == ["gd", "gd"] and slow["start"] == fast["start"]
    assert slow["params"]["lr"] == pytest.approx(0.9 * threshold, rel=1e-12)
    assert fast["params"]["lr"] == pytest.approx(1.1 * threshold, rel=1e-12)
    for run in (slow, fast):
        assert (
            f"lr = {run['params']['lr']:g} ({0.9 if run is slow else 1.1} × {threshold:g})" in s.description
        )
    y_slow, y_fast = (np.array(r["path"])[:, 1] for r in (slow, fast))
    assert (np.sign(y_slow[1:]) == -np.sign(y_slow[:-1])).all()  # both cross the bowl at every step ...
    assert (np.sign(y_fast[1:]) == -np.sign(y_fast[:-1])).all()
    assert (np.diff(np.abs(y_slow)) < 0).all()  # ... inward
    assert (np.diff(np.abs(y_fast)) > 0).all() and fast["outside"]  # ... outward, out of the bowl
    assert slow["outcome"].startswith("approaching the global minimum") and np.hypot(*end(slow)) < 0.02
    assert abs(end(fast)[0]) < 0.01  # along the gentle axis x the fast run still converges
    assert slow["loss"][-1] < 1e-3 < 1e3 < fast["loss"][-1]


OUTCOMES = {
    "local-vs-global": local_vs_global,
    "saddle-escape": saddle_escape,
    "sgd-noise": sgd_noise,
    "random-restarts": random_restarts,
    "rosenbrock-race": rosenbrock_race,
    "newton-saddle": newton_saddle,
    "double-well": double_well,
    "too-large-a-step": too_large_a_step,
}


#: Presets whose outcome needs more than one trace (basin maps, restart statistics, other seeds, the optimizer's
#: state): each has its own test below.
OWN_TESTS = {
    "minibatch-escape",
    "himmelblau-basins",
    "rastrigin-restarts",
    "momentum-speed",
    "adam-step-by-step",
    "warmup-cosine",
    "too-large-a-step",  # tests/test_preset_claims.py
    "adam-sgd-train",  # tests/test_training_presets.py
    "edge-of-stability",
}


def test_every_preset_file_has_its_outcome_checked():
    assert sorted(OUTCOMES.keys() | OWN_TESTS) == sorted(p.stem for p in presets_dir().glob("*.toml"))


@pytest.mark.parametrize("preset_id", sorted(OUTCOMES))
def test_preset_outcome_is_what_its_description_says(preset_id):
    s = load_preset(preset_id)
    out = trace_scenario(s)
    assert len(out["runs"]) == len(s.starts) * len(s.optimizers)
    assert all(r["steps"] == s.steps or r["status"] == "converged" for r in out["runs"])
    OUTCOMES[preset_id](s, out)


def run(preset_id):
    s = load_preset(preset_id)
    sim = s.build_simulation()
    sim.step(s.steps)
    return s, sim


def runs_by_optimizer(sim):
    out = {}
    for r in sim.runs():
        out.setdefault(r.optimizer, []).append(r)
    return out


def test_minibatch_noise_carries_sgd_out_of_the_shallow_minimum():
    s, sim = run("minibatch-escape")
    assert s.landscape.function == "two_lines" and s.batch_size == 2
    assert s.noise == 0.0 and all(o.id == "gd" and not o.params.get("noise") for o in s.optimizers)
    landscape = sim.landscape
    (deep,) = landscape.global_minima
    shallow = next(p.position for p in sim._critical_points()[0] if p.kind == "minimum" and not p.is_global)
    (sgd,) = sim.runs()
    start_to_shallow = np.hypot(*np.subtract(sgd.start, shallow))
    assert start_to_shallow < 0.3 < np.hypot(*np.subtract(sgd.start, deep))  # starts by the shallow one
    assert np.hypot(*np.subtract(sgd.position, deep)) < 0.2  # minibatches carried it to the deep one
    # the whole data (full-batch gradient descent) from the same start stays in the shallow minimum
    full = replace(s, batch_size=None).build_simulation()
    full.step(s.steps)
    (gd,) = full.runs()
    assert gd.near == "local_minimum" or gd.reached == "local_minimum"
    assert np.hypot(*np.subtract(gd.position, shallow)) < 1e-3  # (other seeds: test_preset_claims)


def test_basins_of_himmelblau_gd_vs_momentum():
    """The description's claims: four basins each; 18 % of the starts change minimum; borders 3× longer."""
    from landscape_gui.core.analysis.basins import BasinProblem, basin_map

    s = load_preset("himmelblau-basins")
    assert s.basins is not None and s.basins.grid == 200 and s.basins.tol == 1e-3
    L = s.build_landscape()
    maps = {
        o.id: basin_map(BasinProblem(L, o.id, o.params, steps=s.steps, tol=s.basins.tol), s.basins.grid)
        for o in s.optimizers
    }
    assert list(maps) == ["gd", "momentum"]
    for m in maps.values():
        reached = [o for o in m.outcomes() if o.count]
        assert [o.kind for o in reached] == ["minimum"] * 4 and all(0.15 < o.share < 0.35 for o in reached)
    gd, mom = maps["gd"].labels, maps["momentum"].labels
    assert round(float(np.mean(gd != mom)), 2) == 0.18

    def border(labels):
        return int((labels[1:] != labels[:-1]).sum() + (labels[:, 1:] != labels[:, :-1]).sum())

    assert 2.5 < border(mom) / border(gd) < 3.5
    _, sim = run("himmelblau-basins")  # the runs shown: from the same start, another minimum
    runs = runs_by_optimizer(sim)
    for a, b in zip(runs["gd"], runs["momentum"], strict=True):
        assert a.start == b.start and a.loss < 1e-9 and b.loss < 1e-9  # both in a minimum ...
        assert np.hypot(*np.subtract(a.position, b.position)) > 1.0  # ... not the same one


def test_restarts_on_rastrigin_how_many_you_need():
    """Every restart stops in a minimum, one of 121; the best run is a success (p and the restarts needed,
    over seeds 0–19: test_preset_claims)."""
    from landscape_gui.core.analysis.restarts import run_restarts

    s = load_preset("rastrigin-restarts")
    r = s.restarts
    assert r is not None and (r.n, s.seed, s.steps) == (1000, 0, 300)
    (gd,) = run_restarts(
        s.build_landscape(),
        [(o.id, o.params) for o in s.optimizers],
        n=r.n,
        seed=s.seed,
        steps=s.steps,
        tol=r.tol,
        max_k=r.max_k,
    )
    cats = gd.categories()
    assert cats["global_minimum"] + cats["other_minimum"] == pytest.approx(
        1.0
    )  # every run stops in a minimum
    minima = [p for p in gd.settled.points if p.kind == "minimum"]
    assert len(minima) == 121 and sum(p.is_global for p in minima) == 1
    assert gd.success[gd.best()]


def test_basins_and_restarts_sections_are_validated():
    from landscape_gui.core.scenario.files import ScenarioError

    base = '[landscape]\nfunction = "booth"\n[[optimizers]]\nid = "gd"\n[run]\nstarts = [[0.0, 0.0]]\n'
    s = loads_scenario(base + "[basins]\ngrid = 50\n[restarts]\nn = 20\n")
    assert (s.basins.grid, s.basins.tol, s.restarts.n, s.restarts.max_k) == (50, 1e-3, 20, 50)
    assert loads_scenario(dumps_scenario(s)) == s
    assert loads_scenario(base).basins is None
    for bad, field in (
        ("[basins]\ngrid = 0\n", "grid"),
        ("[basins]\ntol = -1.0\n", "tol"),
        ("[basins]\ngrd = 10\n", "grd"),
        ("[restarts]\nn = 0\n", "n"),
        ("[restarts]\nmax_k = 1.5\n", "max_k"),
    ):
        with pytest.raises(ScenarioError, match=field):
            loads_scenario(base + bad)


# -- inside one update: velocity, Adam's per-axis steps, schedules -------------------------------------------


def test_momentum_builds_speed_along_a_shallow_valley():
    from landscape_gui.core.frames.glyphs import glyphs

    s = load_preset("momentum-speed")
    sim = s.build_simulation()
    mom_group = 1
    assert [o.id for o in s.optimizers] == ["gd", "momentum"]
    assert s.optimizers[1].params["lr"] == s.optimizers[0].params["lr"] == 0.1
    for k in range(1, s.steps + 1):
        sim.step(1)
        if 21 <= k <= s.steps:
            arrows = glyphs(sim, mom_group)
            # the velocity arrow is −momentum_buffer; along the valley it is > 10× the gradient arrow
            assert arrows.velocity[0, 0] > 10 * arrows.neg_gradient[0, 0] > 0, k
        if k >= 10:
            gd_x, mom_x = sim.positions()[:, 0, 0]
            assert mom_x > gd_x, k  # momentum ahead along the valley at every step
    gd, mom = sim.runs()
    assert gd.start == (-10.0, 1.0) and abs(gd.position[1]) < 1e-6  # on the valley floor
    assert -7.0 < gd.position[0] < -6.4  # a third of the way (x ≈ −6.7)
    assert abs(mom.position[0]) < 0.1 and abs(mom.position[1]) < 0.01  # at the bottom


def test_adam_one_step_at_a_time():
    from landscape_gui.core.frames.captions import step_caption
    from landscape_gui.core.frames.glyphs import glyphs

    s = load_preset("adam-step-by-step")
    sim = s.build_simulation()
    adam, gd = 0, 1
    assert [o.id for o in s.optimizers] == ["adam", "gd"]
    sim.step(1)
    cap = step_caption(sim, adam, 0)
    np.testing.assert_allclose(cap.value("Δθ"), [0.1, -0.1], rtol=1e-8)  # lr along both axes, up to ε
    np.testing.assert_allclose(cap.value("m̂") / np.sqrt(cap.value("v̂")), [-1.0, 1.0], rtol=1e-12)
    assert cap.value("∇J")[1] == -10 * cap.value("∇J")[0]  # at the start, 10× steeper along y
    assert "Δθ = −lr_eff·m̂ = (0.1, -0.1)" in cap.text_lines()
    gd_step = step_caption(sim, gd, 0).value("Δθ")
    assert gd_step[1] == pytest.approx(-1.8) and abs(gd_step[0]) < 0.2  # across the narrow axis
    ys = [sim.positions()[gd, 0, 1]]
    for k in range(2, s.steps + 1):
        eff = glyphs(sim, adam).effective_lr[0]
        assert eff[0] > 7 * eff[1], k  # x's effective step size more than 7× y's
        sim.step(1)
        ys.append(sim.positions()[gd, 0, 1])
    eff = glyphs(sim, adam).effective_lr[0]
    assert eff[0] > 7 * eff[1]
    assert len(ys) == 30 and all(a * b < 0 for a, b in zip(ys, ys[1:], strict=False))  # GD zig-zags
    assert ys[0] * 1.0 < 0  # the first step crossed the valley (started at y = 1)


def test_warmup_and_cosine_decay():
    s = load_preset("warmup-cosine")
    assert {o.id for o in s.optimizers} == {"sgd"}
    const_big, warm, const_noisy, cosine = (o for o in s.optimizers)
    assert const_big.params == warm.params and const_noisy.params == cosine.params  # pairs differ by schedule
    assert const_big.schedule is None and warm.schedule.id == "linear"
    assert const_noisy.schedule is None and cosine.schedule.id == "cosine"
    sim = s.build_simulation()
    sim.step(s.steps)
    runs = sim.runs()
    assert runs[0].status == "diverged"  # lr 0.3 from the first step
    assert runs[1].status == "converged" and np.hypot(*runs[1].position) < 1e-6  # the same lr after warm-up
    assert sim.lr_history(1)[0] == pytest.approx(0.015) and sim.lr_history(1)[-1] == pytest.approx(0.3)
    assert sim.lr_history(3)[-1] < 1e-4  # cosine down to ~0
    d_const, d_cos = np.hypot(*sim.positions()[2:, 0].T)
    assert d_cos < d_const  # the shipped seed ends closer (seeds 0–19: test_preset_claims)


def test_warmup_cosine_draws_its_gentle_bottom_as_it_is():
    """Issue 24: on a log scale the bowl's gentle bottom ("gentle near its minimum") was drawn as a needle."""
    from landscape_gui.core.frames.presenter import log_height

    s = load_preset("warmup-cosine")
    assert "gentle near its minimum" in s.description
    assert log_height(s, s.build_landscape()) is False
