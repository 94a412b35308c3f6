"""Each lecture preset really shows its point, judged by the simulation's own statuses."""

from dataclasses import replace

import numpy as np
import pytest

from landscape_gui.core.presets import LECTURE_ORDER, list_presets, load_preset
from landscape_gui.core.scenario import dumps_scenario, loads_scenario


def run(preset_id):
    s = load_preset(preset_id)
    sim = s.build_simulation()
    sim.step(s.steps)
    return s, sim


def by_optimizer(sim):
    out = {}
    for r in sim.runs():
        out.setdefault(r.optimizer, []).append(r)
    return out


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


def test_local_vs_global():
    s, sim = run("local-vs-global")
    assert s.landscape.function == "seed_curve"
    left, right = sorted(sim.runs(), key=lambda r: r.start[0])
    assert (left.status, left.reached) == ("converged", "local_minimum")
    assert (right.status, right.reached) == ("converged", "global_minimum")
    assert left.position[0] == pytest.approx(-2.0, abs=1e-6) and right.position[0] == pytest.approx(
        1.0, abs=1e-6
    )


def test_saddle_escape():
    s, sim = run("saddle-escape")
    assert s.landscape.function == "saddle"
    runs = by_optimizer(sim)
    (gd,) = runs["gd"]
    assert np.hypot(*gd.position) < 0.05  # crawled to the saddle and is still there
    assert abs(gd.start[1]) < 1e-3  # started almost on the ridge
    for oid in ("momentum", "adam"):
        (r,) = runs[oid]
        assert abs(r.position[1]) > 1.0 and r.loss < -1.0, oid  # left the saddle, downhill along y
        assert r.status != "diverged"


def test_sgd_noise_hops_out_of_the_shallow_well():
    s, sim = run("sgd-noise")
    assert s.landscape.function == "two_wells"
    runs = by_optimizer(sim)
    (gd,), (sgd,) = runs["gd"], runs["sgd"]
    assert gd.start[0] > 0 and sgd.start[0] > 0
    assert (gd.status, gd.reached) == ("converged", "local_minimum") and gd.position[0] > 0
    assert sgd.position[0] < 0  # in the deep well for the shipped seed
    deep = 0
    for seed in range(10):  # and for most seeds
        other = replace(s, seed=seed).build_simulation()
        other.step(s.steps)
        deep += other.positions()[1, 0, 0] < 0
    assert deep >= 8


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
    assert np.hypot(*np.subtract(gd.position, shallow)) < 1e-3
    escaped = 0
    for seed in range(20):  # and for most seeds
        other = replace(s, seed=seed).build_simulation()
        other.step(s.steps)
        escaped += np.hypot(*(other.positions()[0, 0] - deep)) < 0.2
    assert escaped >= 14


def test_random_restarts_reach_different_minima_and_the_best_is_marked():
    s, sim = run("random-restarts")
    assert s.highlight_best and len(s.starts) == 20
    runs = sim.runs()
    assert all(r.status == "converged" and r.reached in ("local_minimum", "global_minimum") for r in runs)
    minima = {tuple(np.round(r.position, 2)) for r in runs}
    assert len(minima) >= 10
    losses = sorted(r.loss for r in runs)
    assert losses[0] < losses[1]  # one best run, the one highlighted
    assert sum(r.reached == "global_minimum" for r in runs) == 1


def test_rosenbrock_race():
    s, sim = run("rosenbrock-race")
    runs = {r.optimizer: r for r in sim.runs()}
    assert list(runs) == ["gd", "momentum", "nesterov", "rmsprop", "adam"]
    assert len({r.start for r in runs.values()}) == 1
    assert all(r.status != "diverged" for r in runs.values())
    for oid in ("momentum", "nesterov", "adam"):
        assert np.hypot(runs[oid].position[0] - 1, runs[oid].position[1] - 1) < 0.05, oid
    assert runs["gd"].loss > 100 * runs["adam"].loss  # the race shows differences


def test_newton_goes_to_saddles_saddle_free_newton_does_not():
    _, sim = run("newton-saddle")
    runs = by_optimizer(sim)
    reached_newton = [r.reached for r in runs["newton"]]
    assert reached_newton.count("saddle") >= 2 and "local_minimum" not in reached_newton
    assert all(r.status == "converged" and r.reached.endswith("minimum") for r in runs["saddle_free_newton"])


def test_double_well():
    s, sim = run("double-well")
    assert s.landscape.function == "double_well"
    runs = sim.runs()
    for r in runs:
        assert r.status == "converged"
        if r.start[0] == 0.0:
            assert r.reached == "maximum"
        else:
            assert r.reached == "global_minimum" and np.sign(r.position[0]) == np.sign(r.start[0])


def test_basins_of_himmelblau_gd_vs_momentum():
    """The description's claims: four basins each; 18 % of the starts change minimum; borders 3× longer."""
    from landscape_gui.core.basins import BasinProblem, basin_map

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
    runs = by_optimizer(sim)
    for a, b in zip(runs["gd"], runs["momentum"], strict=True):
        assert a.start == b.start and a.loss < 1e-9 and b.loss < 1e-9  # both in a minimum ...
        assert np.hypot(*np.subtract(a.position, b.position)) > 1.0  # ... not the same one


def test_restarts_on_rastrigin_how_many_you_need():
    from landscape_gui.core.restarts import run_restarts

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
    assert gd.p == 0.006 and gd.restarts_needed(0.9) == 383  # "about 380 restarts for a 90 % chance"
    sd = np.sqrt(gd.formula() * (1 - gd.formula()) / gd.samples)
    assert np.all(np.abs(gd.measured - gd.formula()) <= 4.5 * sd + 1e-12)  # the resampled curve agrees
    minima = [p for p in gd.settled.points if p.kind == "minimum"]
    assert len(minima) == 121 and sum(p.is_global for p in minima) == 1
    assert gd.success[gd.best()]


def test_basins_and_restarts_sections_are_validated():
    from landscape_gui.core.scenario import ScenarioError

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
    from landscape_gui.core.glyphs import glyphs

    s = load_preset("momentum-speed")
    sim = s.build_simulation()
    mom_group = 1
    assert [o.id for o in s.optimizers] == ["gd", "momentum"]
    assert s.optimizers[1].params["lr"] == s.optimizers[0].params["lr"] == 0.1
    for k in range(1, s.steps + 1):
        sim.step(1)
        if 30 <= k <= s.steps:
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
    from landscape_gui.core.captions import step_caption
    from landscape_gui.core.glyphs import glyphs

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
    ratios = []
    for seed in range(10):
        other = replace(s, seed=seed).build_simulation()
        other.step(s.steps)
        d_const, d_cos = np.hypot(*other.positions()[2:, 0].T)
        ratios.append(d_cos / d_const)
        if seed == s.seed:
            assert d_cos < 0.5 * d_const  # the shipped seed: about three times closer
    assert max(ratios) < 1 and np.median(ratios) < 0.5  # closer for every seed, typically 2–3×
