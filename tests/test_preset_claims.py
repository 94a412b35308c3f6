"""Every number and fraction a lecture preset's text states, checked against a reference of its own.

The references are independent of the code under test: closed forms, and a few lines of numpy that step the
optimizers by their textbook (torch) formulas on gradients written out by hand. The app's runs are compared
with them, and each phrase the text prints is checked to be there, so that a text and its check cannot drift
apart. A preset with noise, minibatches or random starts is run for seeds 0–19; where the text says "in N of
the 20 seeds 0–19" the test asserts exactly N, so that a change of behaviour is caught. A preset's tests read its
steps and hyperparameters from the file where the text does not restate them.
"""

import math
from dataclasses import replace

import numpy as np
import pytest

from landscape_gui.core.scenario.presets import load_preset

SEEDS = range(20)


# -- helpers --------------------------------------------------------------------------------------------------
def with_seed(s, seed):
    """The scenario with another seed (the one place that knows where the seed lives)."""
    return replace(s, seed=seed)


def simulate(s, seed=None):
    """The scenario's runs after its steps, every step kept."""
    sim = (s if seed is None else with_seed(s, seed)).build_simulation(max_points=None)
    sim.step(s.steps)
    return sim


def says(s, *phrases):
    """The lesson text states each phrase (white space as the window shows it)."""
    text = " ".join(s.description.split())
    for phrase in phrases:
        assert phrase in text, phrase


def descend(grad, start, steps, rule, lr, mu=0.9, beta1=0.9, beta2=0.999, alpha=0.99, eps=1e-8, lrs=None):
    """Path (steps + 1, N, d) of the torch update ``rule`` from ``start`` (N, d): gd, momentum, nesterov,
    rmsprop or adam; ``lrs[k]``: the learning rate of step k + 1 (a schedule)."""
    p = np.array(start, dtype=float)
    path = [p.copy()]
    buf = m = v = np.zeros_like(p)
    for k in range(steps):
        g, step_lr = grad(p), lr if lrs is None else lrs[k]
        if rule == "gd":
            d = g
        elif rule in ("momentum", "nesterov"):
            buf = g if k == 0 else mu * buf + g
            d = buf if rule == "momentum" else g + mu * buf
        elif rule == "rmsprop":
            v = alpha * v + (1 - alpha) * g * g
            d = g / (np.sqrt(v) + eps)
        elif rule == "adam":
            m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
            d = m / (1 - beta1 ** (k + 1)) / (np.sqrt(v / (1 - beta2 ** (k + 1))) + eps)
        p = p - step_lr * d
        path.append(p.copy())
    return np.array(path)


def crossings(path):
    """Steps k at which y − x² changed sign between step k − 1 and step k (Rosenbrock's valley floor)."""
    off = np.sign(path[:, 1] - path[:, 0] ** 2)
    return np.flatnonzero(off[1:] * off[:-1] < 0) + 1


# -- deterministic presets: each claim once ---------------------------------------------------------------------
def test_local_vs_global():
    s = load_preset("local-vs-global")
    sim = simulate(s)
    J = lambda t: (3 * t**4 + 8 * t**3 - 6 * t**2 - 24 * t + 19) / 12  # noqa: E731
    path = descend(lambda t: (t + 2) * (t + 1) * (t - 1), s.starts, s.steps, "gd", lr=0.1)
    for i in range(2):
        np.testing.assert_allclose(sim.path(0, i), path[:, i], rtol=1e-12, atol=1e-12)
    assert (np.diff(J(path), axis=0) <= 1e-15).all()  # only downhill, at every step (up to rounding)
    assert s.starts[0][0] < -1 < s.starts[1][0]  # the maximum at −1 divides the two starts
    np.testing.assert_allclose(path[-1, :, 0], [-2, 1], atol=1e-9)
    assert J(-2.0) == 2.25 > J(1.0) == 0.0  # the shallow local and the global minimum
    says(s, "maximum at θ = −1 divides the two basins", "local minimum at θ = −2", "global minimum at θ = 1")


def test_saddle_escape():
    s = load_preset("saddle-escape")
    sim = simulate(s)
    lrs = {o.id: o.params["lr"] for o in s.optimizers}
    assert lrs == {"gd": 0.02, "momentum": 0.01, "adam": 0.02} and s.optimizers[1].params["momentum"] == 0.9

    def grad(p):
        return p * [2.0, -2.0]

    ref = {oid: descend(grad, s.starts, 300, oid, lr=lr)[:, 0] for oid, lr in lrs.items()}
    ref["gd at lr 0.1"] = descend(grad, s.starts, 300, "gd", lr=0.1)[:, 0]
    passes = {oid: int(np.argmax(np.abs(p[:, 1]) > 1.5)) for oid, p in ref.items()}
    assert passes == {"gd": 246, "momentum": 99, "adam": 61, "gd at lr 0.1": 53}
    assert s.starts[0][1] == 1e-4 and passes["gd"] == math.ceil(math.log(1.5e4) / math.log(1.04))  # y ← 1.04y
    for g, o in enumerate(s.optimizers):
        np.testing.assert_allclose(sim.path(g, 0), ref[o.id][: s.steps + 1], rtol=1e-9, atol=1e-15)
    gd, mom, adam = ref["gd"], ref["momentum"], ref["adam"]
    assert s.steps == 100 and round(gd[100, 1], 3) == 0.005 and np.hypot(*gd[100]) < 0.05  # at the saddle
    # momentum's y grows by the large root of λ² − (1 + μ + 2·lr)·λ + μ = 0 (heavy ball along −y²)
    b = 1 + 0.9 + 2 * 0.01
    growth = (b + math.sqrt(b * b - 4 * 0.9)) / 2
    assert round(growth - 1, 2) == 0.11 and mom[99, 1] / mom[98, 1] == pytest.approx(growth, rel=1e-3)
    assert np.abs(adam[:62, 0]).min() > 0.5  # Adam turns downhill far from the saddle ...
    assert 0.5 < np.abs(np.diff(adam[:62, 1])).mean() / 0.02 < 1.5  # ... in steps of about lr
    says(s, "(y = 0.0001)", "Gradient descent (lr 0.02)", "4 % a step", "to 0.005 in the 100 steps")
    says(s, "at step 246", "half that lr and μ = 0.9", "11 % a step", "passes 1.5 at step 99")
    says(s, "Adam (lr 0.02)", "at step 61", "at lr 0.1 it passes at step 53")


def test_random_restarts_fall_into_their_cells():
    s = load_preset("random-restarts")
    sim = simulate(s)
    starts, ends = np.array(s.starts), sim.positions()[0]
    mins, ridges = _rastrigin_1d()
    cell_min = mins[np.searchsorted(ridges, starts) - 1]  # separable: each coordinate in its own cell
    np.testing.assert_allclose(ends, cell_min, atol=1e-6)
    np.testing.assert_allclose(ends, descend(_rastrigin_grad, starts, s.steps, "gd", lr=0.002)[-1], atol=1e-9)
    grid = np.array([(a, b) for a in mins for b in mins])
    nearest = grid[np.argmin(np.linalg.norm(starts[:, None] - grid[None], axis=2), axis=1)]
    assert np.all(np.abs(nearest - cell_min) < 1e-9, axis=1).sum() == 19
    (best,) = np.flatnonzero(np.abs(ends).max(axis=1) < 1e-6)  # the one run at the global minimum
    assert tuple(starts[best]) == (-0.02, -0.06) and best == int(np.argmin(sim.losses()[0]))
    assert [round(r, 1) for r in ridges[(ridges > 0) & (ridges < 2)]] == [0.5, 1.5]
    says(s, "ridges near ±0.5, ±1.5", "for 19 of them the nearest one", "one run reaches the global minimum")


def test_rosenbrock_race():
    s = load_preset("rosenbrock-race")
    sim = simulate(s)

    def grad(p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)

    ref = {o.id: descend(grad, s.starts, s.steps, o.id, lr=o.params["lr"])[:, 0] for o in s.optimizers}
    for g, o in enumerate(s.optimizers):  # RMSprop's zigzag grows rounding differences to a few 0.01
        np.testing.assert_allclose(sim.path(g, 0), ref[o.id], atol=0.05 if o.id == "rmsprop" else 1e-9)
    assert crossings(sim.path(3, 0))[-1] > s.steps - 10  # it zigzags to the end in the app's run too
    dist = {oid: float(np.hypot(*(p[-1] - 1))) for oid, p in ref.items()}
    gd = ref["gd"]
    assert np.abs(gd[10:, 1] - gd[10:, 0] ** 2).max() < 0.05  # the floor is easy to find
    assert round(gd[-1, 0], 2) == -0.66 and 0.3 < (gd[-1, 0] + 1.5) / 2.5 < 0.37  # a third of the way
    assert crossings(ref["momentum"])[-1] == 127  # back and forth until step 127, then along the floor
    assert crossings(ref["nesterov"])[-1] < 20  # Nesterov crosses at first only ...
    assert np.max(ref["nesterov"][:, 1] - ref["nesterov"][:, 0] ** 2) > 1.0  # ... far up the other wall
    assert min(ref["momentum"][400, 0], ref["nesterov"][400, 0]) > 0.85 and round(gd[400, 0], 1) == -1.2
    assert dist["momentum"] < 0.02 and dist["nesterov"] < 0.02 and dist["adam"] < 0.05
    assert crossings(ref["rmsprop"])[-1] > s.steps - 10 and 0.05 < dist["rmsprop"] < dist["gd"]
    says(s, "(x ≈ −0.66)", "until step 127", "past x = 0.85", "at −1.2", "within 0.02", "within 0.05")


def test_newton_and_saddle_free_newton():
    s = load_preset("newton-saddle")
    sim = simulate(s)
    points = _himmelblau_critical_points()
    assert len(points) == 9
    kinds = {"newton": [], "saddle_free_newton": []}
    rises = []
    for g, o in enumerate(s.optimizers):
        for i, start in enumerate(s.starts):
            path, directions = _newton_path(start, s.steps, o.params["lr"], o.id == "saddle_free_newton")
            np.testing.assert_allclose(sim.path(g, i), path, atol=1e-9)
            end = path[-1]
            nearest = min(points, key=lambda q: np.hypot(*(q - start)))
            kinds[o.id].append(_kind(end))
            loss = _himmelblau(path)
            if o.id == "newton":
                assert np.allclose(end, nearest, atol=1e-6) and (np.diff(loss) > 0).any()  # uphill if need be
            else:
                assert np.all(np.einsum("kd,kd->k", directions, _himmelblau_grad(path[:-1])) <= 0)  # downhill
                rises += [(start, k + 1, d) for k, d in enumerate(np.diff(loss)) if d > 0]
    assert sorted(kinds["newton"]) == ["maximum", "saddle", "saddle"]
    assert kinds["saddle_free_newton"] == ["minimum"] * 3
    ((start, step, rise),) = rises  # one step of saddle-free Newton overshoots
    assert start == (2.5, 0.5) and step == 3 and round(rise, 2) == 0.01
    says(s, "half-way, at lr 0.5", "J rises by 0.01 at step 3 from (2.5, 0.5)", "two saddles and the maximum")


def test_double_well():
    s = load_preset("double-well")
    path = descend(lambda x: 4 * x**3 - 10 * x, s.starts, s.steps, "gd", lr=0.01)
    np.testing.assert_allclose(simulate(s).positions()[0], path[-1], atol=1e-12)
    minimum = np.sign(path[0, :, 0]) * math.sqrt(2.5)  # on the start's own side; a start at 0 stays at 0
    np.testing.assert_allclose(path[-1, :, 0], minimum, atol=1e-6)
    says(s, "two equal minima at ±√(5/2) and a maximum at 0")


def test_himmelblau_basins():
    s = load_preset("himmelblau-basins")
    (lo, hi), (lo2, hi2) = s.build_landscape().domain
    xs, ys = np.meshgrid(np.linspace(lo, hi, 200), np.linspace(lo2, hi2, 200), indexing="ij")
    grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
    minima = _himmelblau_critical_points(kind="minimum")
    labels, shown = {}, {}
    for o in s.optimizers:  # the grid, then the two starts the runs shown leave from
        end = descend(_himmelblau_grad, np.vstack([grid, s.starts]), s.steps, o.id, lr=o.params["lr"])[-1]
        d = np.linalg.norm(end[:, None] - minima[None], axis=2)
        assert d.min(axis=1).max() < s.basins.tol  # every start settles in a minimum
        labels[o.id], shown[o.id] = d[: grid.shape[0]].argmin(axis=1).reshape(200, 200), d[-2:].argmin(axis=1)
    gd, mom = labels["gd"], labels["momentum"]
    assert round(float(np.mean(gd != mom)), 2) == 0.18
    assert (_pieces(gd), _pieces(mom)) == (4, 33)
    assert round(_border(mom) / _border(gd), 1) == 3.0
    assert (shown["gd"] != shown["momentum"]).all()  # from each shown start, another minimum
    says(s, "200 × 200 grid", "four compact basins, one piece each", "18 %", "33 interleaved", "three times")
    # the preset's difference map ([basins] compare) is that 18 %: the app's maps against the ones above
    from landscape_gui.core.analysis.basins import basin_map, compare_basins
    from landscape_gui.core.frames.presenter import basin_problem

    L = s.build_landscape()
    base, other = (basin_map(basin_problem(s, L, compare=c), s.basins.grid) for c in (False, True))
    assert (base.problem.optimizer, other.problem.optimizer) == ("gd", "momentum")
    differs = compare_basins(base, other).differs
    assert np.mean(differs != (gd != mom)) < 0.002  # the same starts, but for a few on a border
    assert round(compare_basins(base, other).share, 2) == 0.18


def test_momentum_speed():
    s = load_preset("momentum-speed")
    assert [o.params["lr"] for o in s.optimizers] == [0.1, 0.1] and s.optimizers[1].params["momentum"] == 0.9
    x0, lr, h, mu = s.starts[0][0], 0.1, 2 / 100, 0.9  # along the valley J = x²/100: gradient h·x
    gd_x = x0 * (1 - lr * h) ** s.steps
    assert round(gd_x, 1) == -6.7 and round(1 - gd_x / x0, 2) == 0.33  # a third of the way
    x, buf, ratio = [x0], 0.0, []
    for k in range(s.steps):
        buf = h * x[-1] if k == 0 else mu * buf + h * x[-1]
        x.append(x[-1] - lr * buf)
        ratio.append(buf / (h * x[-1]))  # the velocity against the gradient where the ball now is
    ratio, x = np.array(ratio), np.array(x)
    assert int(np.flatnonzero(ratio <= 10)[-1]) + 2 == 21  # over ten times from step 21 on
    assert int(np.argmax(np.abs(x) < 0.1)) == 187 and (x < 0).all()  # the bottom, without overshooting
    slow = (1 + mu - lr * h + math.sqrt((1 + mu - lr * h) ** 2 - 4 * mu)) / 2  # the slow root of heavy ball
    assert round(ratio[-1], 1) == round((1 / slow - 1) / (lr * h), 1) == 13.6
    constant = np.cumsum(mu ** np.arange(s.steps))  # a constant slope: (1 − μᵏ)/(1 − μ) gradients
    assert (constant < 10).all() and constant[-1] == pytest.approx(10)
    sim = simulate(s)
    np.testing.assert_allclose(sim.positions()[:, 0, 0], [gd_x, x[-1]], rtol=1e-9)
    says(s, "(x ≈ −6.7)", "1/(1 − μ) = 10", "from step 21 on", "(13.6 at the end)", "at step 187")


def test_too_large_a_step():
    s = load_preset("too-large-a-step")
    sim = simulate(s)
    for g, o in enumerate(s.optimizers):
        lr = o.params["lr"]
        path = descend(lambda p: p * [2.0, 20.0], s.starts, s.steps, "gd", lr=lr)[:, 0]
        np.testing.assert_allclose(sim.path(g, 0), path, rtol=1e-12)
        np.testing.assert_allclose(path[1:, 1] / path[:-1, 1], 1 - 20 * lr)  # y ← (1 − 20 lr)·y
    assert [round(1 - 20 * o.params["lr"], 2) for o in s.optimizers] == [-0.8, -1.2]
    says(s, "0.8 times as far from the axis", "1.2 times the last")


def test_adam_one_step_at_a_time():
    s = load_preset("adam-step-by-step")
    grad = lambda p: p * [2.0, 40.0]  # noqa: E731
    assert grad(np.array(s.starts))[0].tolist() == [-4.0, 40.0]  # ten times steeper along y at the start
    adam = descend(grad, s.starts, s.steps, "adam", lr=0.1)[:, 0]
    np.testing.assert_allclose(adam[1] - adam[0], [0.1, -0.1], rtol=1e-8)
    v = np.zeros(2)
    ratios = []
    for k, p in enumerate(adam[:-1]):
        v = 0.999 * v + 0.001 * grad(p) ** 2
        eff = 0.1 / (np.sqrt(v / (1 - 0.999 ** (k + 1))) + 1e-8)
        ratios.append(eff[0] / eff[1])
    assert min(ratios) > 7
    gd = descend(grad, s.starts, s.steps, "gd", lr=0.045)[:, 0]
    assert gd[1, 1] - gd[0, 1] == pytest.approx(-1.8) and (gd[1:, 1] * gd[:-1, 1] < 0).all()
    says(s, "ten times the slope", "Δθ = (0.1, −0.1)", "more than seven times", "goes 1.8", "30 steps")


# -- stochastic presets: seeds 0–19 -------------------------------------------------------------------------------
def test_sgd_noise_escapes_for_every_seed():
    s = load_preset("sgd-noise")
    deep, barrier, shallow = np.sort(np.roots([4, 0, -4, 1.3]).real)  # J'(x) at y = 0
    J = lambda x: (x * x - 1) ** 2 + 1.3 * x  # noqa: E731
    assert (round(shallow, 2), round(deep, 2)) == (0.75, -1.13)
    assert (round(J(barrier) - J(shallow), 2), round(J(barrier) - J(deep), 1)) == (0.06, 2.6)

    def grad(p):
        return np.stack([4 * p[..., 0] ** 3 - 4 * p[..., 0] + 1.3, 4 * p[..., 1]], axis=-1)

    gd = descend(grad, s.starts, s.steps, "gd", lr=0.1)[-1, 0]
    assert np.allclose(gd, [shallow, 0], atol=1e-9)  # plain gradient descent settles in the shallow well
    (lr,), sigma = {o.params["lr"] for o in s.optimizers}, s.optimizers[1].params["noise"]
    first = []
    for seed in SEEDS:
        sim = simulate(s, seed)
        path = _noisy_descent(grad, s.starts, s.steps, lr, sigma, seed, group=1)
        np.testing.assert_allclose(sim.path(1, 0), path, atol=1e-9)
        x = path[:, 0]
        deep_at = np.flatnonzero(x < -0.6)  # down in the deep well ...
        if deep_at.size and not (x[deep_at[0] :] > barrier).any():  # ... and never back over the barrier
            first.append(int(deep_at[0]))
    assert len(first) == 20 and (min(first), max(first)) == (19, 392)
    says(s, "0.06 high from the shallow side, 2.6 from the deep one", "every one of seeds 0–19")
    says(s, "between 19 and 392")


def test_minibatch_noise_escapes_in_17_of_20_seeds():
    s = load_preset("minibatch-escape")
    x, y = _two_lines_data()
    assert (s.batch_size, s.noise, len(x)) == (2, 0.0, 60)
    full = lambda p: _welsch_grad(p, x, y)  # noqa: E731
    shallow = descend(full, s.starts, 3000, "gd", lr=0.3)[-1, 0]  # the whole data: it stays
    deep = descend(full, [[1.0, 0.5]], 3000, "gd", lr=0.3)[-1, 0]
    saddle = _newton_root(full, [-0.4, -0.3])
    value = {k: _welsch(p, x, y) for k, p in (("shallow", shallow), ("deep", deep), ("saddle", saddle))}
    assert (value["saddle"] - value["deep"]) / (value["saddle"] - value["shallow"]) > 70
    assert [round(_batch_spread(p, x, y, 2), 2) for p in (shallow, deep)] == [0.43, 0.20]
    per_sample = _welsch_terms(shallow, x, y)[1][0]
    majority_pairs = [(i, j) for i in range(45) for j in range(i + 1, 45)]
    pulls = np.array([-(per_sample[i] + per_sample[j]) / 2 for i, j in majority_pairs])
    assert (pulls @ (deep - shallow) > 0).all()  # a batch that misses the minority pulls toward the majority
    escaped = []
    for seed in SEEDS:
        path = _minibatch_descent(s.starts[0], s.steps, 0.3, x, y, s.batch_size, seed)
        np.testing.assert_allclose(simulate(s, seed).path(0, 0), path, atol=1e-9)
        near = np.flatnonzero(np.hypot(*(path - deep).T) < 0.2)
        if near.size:
            assert (np.hypot(*(path[near[0] :] - deep).T) < 0.5).all()  # once there, it stays
            escaped.append(seed)
        else:  # still in the shallow minimum's basin: the whole data's descent leads back to it
            assert np.hypot(*(descend(full, path[-1:], 500, "gd", lr=0.3)[-1, 0] - shallow)) < 1e-6
    assert len(escaped) == 17 and s.seed in escaped
    says(s, "45 majority", "15 minority", "(sd 0.43 → 0.20)", "over 70 times higher")
    says(s, "17 of the 20 seeds 0–19", "(this is seed 1)", "the other 3", "after 600 steps")


def test_rastrigin_restarts_how_many_you_need():
    from landscape_gui.core.analysis.restarts import run_restarts

    s = load_preset("rastrigin-restarts")
    landscape = s.build_landscape()
    mins, ridges = _rastrigin_1d()
    (lo, hi), _ = landscape.domain
    assert (lo, hi) == (-5.12, 5.12) and ((mins > lo) & (mins < hi)).sum() ** 2 == 121
    # lr·max f'' < 1: each coordinate's step x − lr·f'(x) is increasing in x, so no step jumps a ridge
    assert s.optimizers[0].params["lr"] * (2 + 40 * np.pi**2) < 1
    edge = ridges[ridges > 0][0]  # the central cell: |x|, |y| below the first ridge
    p = (2 * edge / (hi - lo)) ** 2
    assert (round(edge, 4), round(p, 4)) == (0.5025, 0.0096)
    assert round(math.log(0.1) / math.log1p(-p), -1) == 240 and round(s.restarts.n * p) == 10
    estimates, covered, measured_k1 = [], 0, []
    for seed in SEEDS:
        (summary,) = run_restarts(
            landscape, [(o.id, o.params) for o in s.optimizers], n=s.restarts.n, seed=seed, steps=s.steps,
            tol=s.restarts.tol, max_k=s.restarts.max_k,
        )  # fmt: skip
        starts = lo + (hi - lo) * np.random.default_rng(seed).random((s.restarts.n, 2))  # as documented
        assert summary.p == np.all(np.abs(starts) < edge, axis=1).mean()  # success: a start in that cell
        estimates.append(summary.p)
        lo_p, hi_p = summary.p_interval()
        covered += lo_p <= p <= hi_p
        measured_k1.append(summary.measured[0])  # k = 1: the share of the 10 000 runs apart that succeed
    assert (min(estimates), max(estimates)) == (0.004, 0.016)
    assert covered == 19  # the 95 % Wilson interval holds the true p for 19 of the 20 seeds, as 95 % should
    # the measured curve comes from runs of its own: at k = 1 it estimates p from 10 000 runs, about 10× as
    # tight as the 1000 runs' p̂ (sd 0.001 against 0.003)
    assert np.all(np.abs(np.array(measured_k1) - p) < 4 * math.sqrt(p * (1 - p) / 10_000))
    says(s, "121 minima", "below 0.5025", "p = (2 · 0.5025/10.24)² ≈ 0.0096", "about 240 restarts")
    says(s, "about ten successes", "from 0.004 to 0.016 over seeds 0–19", "95 % interval")


def test_warmup_and_cosine_decay_over_seeds():
    s = load_preset("warmup-cosine")

    def grad(p):
        return p**3 + 2 * p  # J = x⁴/4 + y⁴/4 + x² + y²

    assert 0.3 * (3 * 3.0**2 + 2) > 2 > 0.3 * 2  # lr 0.3 is unstable on the steep wall, stable at the bottom
    with np.errstate(all="ignore"):
        flat = descend(grad, s.starts, s.steps, "gd", lr=0.3)
    assert not np.isfinite(flat[-1]).all() or np.abs(flat[-1]).max() > 1e6  # diverges
    warm = 0.3 * (0.05 + 0.95 * np.minimum(np.arange(s.steps), 60) / 60)  # linear warm-up over 60 steps
    assert np.abs(descend(grad, s.starts, s.steps, "gd", lr=0, lrs=warm)[-1]).max() < 1e-6
    cosine = 0.1 * (1 + np.cos(np.pi * np.arange(s.steps) / 300)) / 2
    runs = ((2, None), (3, cosine))  # (group, schedule) of the noisy pair: constant lr 0.1, cosine decay
    ratios = []
    for seed in SEEDS:
        sim = simulate(s, seed)
        ends = [_noisy_descent(grad, s.starts, s.steps, 0.1, 2.0, seed, g, lrs)[-1] for g, lrs in runs]
        np.testing.assert_allclose(sim.positions()[2:, 0], ends, atol=1e-9)
        constant, decayed = np.hypot(*np.array(ends).T)
        ratios.append(constant / decayed)
    ratios = np.array(ratios)
    assert (ratios > 1).sum() == 19 and round(float(np.median(ratios)), 1) == 3.5
    # the reference: near the minimum J ≈ |θ|², and the noise's variance follows v ← (1 − 2η)²v + η²σ²
    v = np.zeros(2)
    for k in range(s.steps):
        v = (1 - 2 * np.array([0.1, cosine[k]])) ** 2 * v + np.array([0.1, cosine[k]]) ** 2 * 4.0
    assert round(math.sqrt(v[0] / v[1])) == 3  # rms distance: about three times closer
    says(s, "from 5 % to 100 % over 60 steps", "(σ = 2)", "19 of the 20 seeds 0–19")
    says(s, "about three times closer (median 3.5)")


# -- independent references ---------------------------------------------------------------------------------------
def _rastrigin_grad(p):
    return 2 * p + 20 * np.pi * np.sin(2 * np.pi * p)


def _rastrigin_1d():
    """Minima and maxima (the ridges between the cells) of x² − 10 cos 2πx, by Newton's method."""

    def root(x):
        for _ in range(50):
            x -= (2 * x + 20 * np.pi * np.sin(2 * np.pi * x)) / (2 + 40 * np.pi**2 * np.cos(2 * np.pi * x))
        return x

    return root(np.arange(-6.0, 7.0)), root(np.arange(-6.0, 7.0) - 0.5)


def _himmelblau(p):
    x, y = p[..., 0], p[..., 1]
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def _himmelblau_grad(p):
    x, y = p[..., 0], p[..., 1]
    a, b = x * x + y - 11, x + y * y - 7
    return np.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], axis=-1)


def _himmelblau_hessian(p):
    x, y = p
    return np.array([[12 * x * x + 4 * y - 42, 4 * (x + y)], [4 * (x + y), 12 * y * y + 4 * x - 26]])


def _kind(p):
    lam = np.linalg.eigvalsh(_himmelblau_hessian(p))
    return "minimum" if lam.min() > 0 else "maximum" if lam.max() < 0 else "saddle"


def _himmelblau_critical_points(kind=None):
    """Every critical point in [−5, 5]²: Newton's method from a grid of starts, duplicates merged."""
    found = []
    for start in np.stack(np.meshgrid(np.linspace(-5, 5, 11), np.linspace(-5, 5, 11)), -1).reshape(-1, 2):
        p = start
        for _ in range(60):
            with np.errstate(all="ignore"):
                p = p - np.linalg.lstsq(_himmelblau_hessian(p), _himmelblau_grad(p), rcond=None)[0]
        new = all(np.hypot(*(p - q)) > 1e-6 for q in found)
        if new and np.isfinite(p).all() and np.hypot(*_himmelblau_grad(p)) < 1e-9 and np.abs(p).max() <= 5:
            found.append(p)
    return np.array([q for q in found if kind is None or _kind(q) == kind])


def _newton_path(start, steps, lr, saddle_free):
    """Newton's method θ ← θ − lr·H⁻¹∇J, or saddle-free Newton with (|H| + 0.001·I) (the catalog's damping)."""
    p, path, directions = np.array(start, dtype=float), [np.array(start, dtype=float)], []
    for _ in range(steps):
        h = _himmelblau_hessian(p)
        if saddle_free:
            lam, vec = np.linalg.eigh(h)
            h = vec @ np.diag(np.abs(lam) + 1e-3) @ vec.T
        d = -np.linalg.solve(h, _himmelblau_grad(p))
        directions.append(d)
        p = p + lr * d
        path.append(p)
    return np.array(path), np.array(directions)


def _pieces(labels):
    """Connected pieces (4-neighbours) of a label map."""
    seen, count = np.zeros(labels.shape, bool), 0
    for start in zip(*np.nonzero(labels >= 0), strict=True):
        if seen[start]:
            continue
        count += 1
        stack, seen[start] = [start], True
        while stack:
            i, j = stack.pop()
            for a, b in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)):
                inside = 0 <= a < labels.shape[0] and 0 <= b < labels.shape[1]
                if inside and not seen[a, b] and labels[a, b] == labels[i, j]:
                    seen[a, b] = True
                    stack.append((a, b))
    return count


def _border(labels):
    return int((labels[1:] != labels[:-1]).sum() + (labels[:, 1:] != labels[:, :-1]).sum())


def _noisy_descent(grad, start, steps, lr, sigma, seed, group, lrs=None):
    """Gradient descent on gradients plus N(0, σ²) noise, drawn as the simulation documents it: one generator
    ``default_rng([seed, group])`` per optimizer, one (N, d) draw per step. Returns the path of run 0."""
    rng, p = np.random.default_rng([seed, group]), np.array(start, dtype=float)
    path = [p[0].copy()]
    for k in range(steps):
        p = p - (lr if lrs is None else lrs[k]) * (grad(p) + sigma * rng.standard_normal(p.shape))
        path.append(p[0].copy())
    return np.array(path)


def _two_lines_data():
    """The two_lines data as documented: 45 points near y = x + 0.5, 15 near y = −x − 0.5, noise σ 0.1."""
    rng = np.random.default_rng(1)
    x1 = rng.uniform(-2.0, 2.0, 45)
    y1 = x1 + 0.5 + 0.1 * rng.standard_normal(45)
    x2 = rng.uniform(-2.0, 2.0, 15)
    y2 = -x2 - 0.5 + 0.1 * rng.standard_normal(15)
    return np.concatenate([x1, x2]), np.concatenate([y1, y2])


def _welsch_terms(p, x, y, width=0.7):
    """Per sample: the Welsch loss 1 − exp(−r²/2w²) of the line y = p·x + q and its gradient in (p, q)."""
    p = np.atleast_2d(p)
    r = p[:, :1] * x + p[:, 1:] - y
    e = np.exp(-r * r / (2 * width**2))
    k = r * e / width**2
    return 1 - e, np.stack([k * x, k], axis=-1)  # (N, S), (N, S, 2)


def _welsch(p, x, y):
    return float(_welsch_terms(p, x, y)[0].mean())


def _welsch_grad(p, x, y):
    return _welsch_terms(p, x, y)[1].mean(axis=1)


def _newton_root(grad, start, h=1e-6):
    """A zero of ``grad`` by Newton's method on a central-difference Jacobian."""
    p = np.array(start, dtype=float)
    for _ in range(50):
        jac = np.stack([(grad(p + e)[0] - grad(p - e)[0]) / (2 * h) for e in np.eye(2) * h], axis=1)
        p = p - np.linalg.solve(jac, grad(p)[0])
    return p


def _batch_spread(p, x, y, b):
    """Standard deviation (root of the summed variances) of the mean gradient of b samples drawn without
    replacement, at ``p``."""
    g = _welsch_terms(p, x, y)[1][0]
    n = len(g)
    return math.sqrt(np.trace(np.cov(g.T, bias=True)) * (n - b) / (n - 1) / b)


def _minibatch_descent(start, steps, lr, x, y, b, seed):
    """Gradient descent on minibatches drawn as a shuffling data loader draws them (as documented: a
    permutation per epoch from ``default_rng([seed, 0xBA7C])``, consecutive slices of it)."""
    rng, p = np.random.default_rng([seed, 0xBA7C]), np.array([start], dtype=float)
    path, batches = [p[0].copy()], []
    for _ in range(steps):
        if not batches:
            perm = rng.permutation(len(x))
            batches = [perm[i : i + b] for i in range(0, len(x), b)]
        batch = batches.pop(0)
        p = p - lr * _welsch_grad(p, x[batch], y[batch])
        path.append(p[0].copy())
    return np.array(path)
