"""Optimizers: hand-computed first steps, convergence, torch.optim equivalence, purity, vectorisation."""

from __future__ import annotations

import importlib.util
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.optimizers.catalog import OPTIMIZER_IDS, OPTIMIZERS, get_optimizer

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "torch_reference.json"

# -- the fixed problem of the hand-computed steps: J = x² + 3xy − y² + x (a saddle), constant Hessian ----------
START = (0.5, -0.25)
HESS = ((2.0, 3.0), (3.0, -2.0))


def hand_grad(t):
    x, y = t
    return [2 * x + 3 * y + 1, 3 * x - 2 * y]


def grad_fn(points):
    x, y = points[:, 0], points[:, 1]
    return np.column_stack([2 * x + 3 * y + 1, 3 * x - 2 * y])


def hess_fn(points):
    return np.broadcast_to(np.array(HESS), (len(points), 2, 2)).copy()


# Each hand_* function applies the published formula, coordinate by coordinate, in plain Python floats.


def hand_sgd(hp, momentum=0.0, dampening=0.0, nesterov=False):
    t, b, out = list(START), None, []
    for _ in range(2):
        g = [gi + hp["weight_decay"] * ti for gi, ti in zip(hand_grad(t), t, strict=True)]
        if momentum:
            b = (
                g
                if b is None
                else [momentum * bi + (1 - dampening) * gi for bi, gi in zip(b, g, strict=True)]
            )
            d = [gi + momentum * bi for gi, bi in zip(g, b, strict=True)] if nesterov else b
        else:
            d = g
        t = [ti - hp["lr"] * di for ti, di in zip(t, d, strict=True)]
        out.append(t)
    return out


def hand_momentum(hp):
    return hand_sgd(hp, hp["momentum"], hp["dampening"])


def hand_nesterov(hp):
    return hand_sgd(hp, hp["momentum"], 0.0, nesterov=True)


def hand_adagrad(hp):
    t, G, out = list(START), [hp["initial_accumulator_value"]] * 2, []
    for step in (1, 2):
        g = [gi + hp["weight_decay"] * ti for gi, ti in zip(hand_grad(t), t, strict=True)]
        G = [Gi + gi**2 for Gi, gi in zip(G, g, strict=True)]
        clr = hp["lr"] / (1 + (step - 1) * hp["lr_decay"])
        t = [ti - clr * gi / (math.sqrt(Gi) + hp["eps"]) for ti, gi, Gi in zip(t, g, G, strict=True)]
        out.append(t)
    return out


def hand_adadelta(hp):
    rho, eps = hp["rho"], hp["eps"]
    t, v, u, out = list(START), [0.0, 0.0], [0.0, 0.0], []
    for _ in range(2):
        g = [gi + hp["weight_decay"] * ti for gi, ti in zip(hand_grad(t), t, strict=True)]
        v = [rho * vi + (1 - rho) * gi**2 for vi, gi in zip(v, g, strict=True)]
        d = [math.sqrt(ui + eps) / math.sqrt(vi + eps) * gi for ui, vi, gi in zip(u, v, g, strict=True)]
        u = [rho * ui + (1 - rho) * di**2 for ui, di in zip(u, d, strict=True)]
        t = [ti - hp["lr"] * di for ti, di in zip(t, d, strict=True)]
        out.append(t)
    return out


def hand_rmsprop(hp):
    a, mu = hp["alpha"], hp["momentum"]
    t, v, gbar, b, out = list(START), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], []
    for _ in range(2):
        g = [gi + hp["weight_decay"] * ti for gi, ti in zip(hand_grad(t), t, strict=True)]
        v = [a * vi + (1 - a) * gi**2 for vi, gi in zip(v, g, strict=True)]
        gbar = [a * mi + (1 - a) * gi for mi, gi in zip(gbar, g, strict=True)]
        if hp["centered"]:
            den = [math.sqrt(vi - mi**2) + hp["eps"] for vi, mi in zip(v, gbar, strict=True)]
        else:
            den = [math.sqrt(vi) + hp["eps"] for vi in v]
        b = [mu * bi + gi / di for bi, gi, di in zip(b, g, den, strict=True)]
        t = [ti - hp["lr"] * bi for ti, bi in zip(t, b, strict=True)]
        out.append(t)
    return out


def hand_adam(hp, decoupled=False, amsgrad=False):
    b1, b2, eps, lr, wd = hp["beta1"], hp["beta2"], hp["eps"], hp["lr"], hp["weight_decay"]
    t, m, v, vmax, out = list(START), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], []
    for step in (1, 2):
        g = hand_grad(t)
        if decoupled:
            t = [ti * (1 - lr * wd) for ti in t]
        else:
            g = [gi + wd * ti for gi, ti in zip(g, t, strict=True)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        vmax = [max(a, b) for a, b in zip(vmax, v, strict=True)]
        vv = vmax if amsgrad else v
        mhat = [mi / (1 - b1**step) for mi in m]
        vhat = [vi / (1 - b2**step) for vi in vv]
        t = [ti - lr * mh / (math.sqrt(vh) + eps) for ti, mh, vh in zip(t, mhat, vhat, strict=True)]
        out.append(t)
    return out


def hand_adamw(hp):
    return hand_adam(hp, decoupled=True)


def hand_amsgrad(hp):
    return hand_adam(hp, amsgrad=True)


def hand_adamax(hp):
    b1, b2 = hp["beta1"], hp["beta2"]
    t, m, u, out = list(START), [0.0, 0.0], [0.0, 0.0], []
    for step in (1, 2):
        g = [gi + hp["weight_decay"] * ti for gi, ti in zip(hand_grad(t), t, strict=True)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        u = [max(b2 * ui, abs(gi) + hp["eps"]) for ui, gi in zip(u, g, strict=True)]
        t = [ti - hp["lr"] / (1 - b1**step) * mi / ui for ti, mi, ui in zip(t, m, u, strict=True)]
        out.append(t)
    return out


def hand_nadam(hp, steps=2):
    # Dozat 2016 as torch.optim.NAdam documents it: momentum schedule μ_t, product Π_t, look-ahead mean
    b1, b2, eps, lr, wd, psi = (
        hp[k] for k in ("beta1", "beta2", "eps", "lr", "weight_decay", "momentum_decay")
    )
    t, m, v, prod, out = list(START), [0.0, 0.0], [0.0, 0.0], 1.0, []
    for step in range(1, steps + 1):
        g = hand_grad(t)
        if hp["decoupled_weight_decay"]:
            t = [ti * (1 - lr * wd) for ti in t]
        else:
            g = [gi + wd * ti for gi, ti in zip(g, t, strict=True)]
        mu = b1 * (1 - 0.5 * 0.96 ** (step * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi))
        prod *= mu
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        mhat = [
            mu_next * mi / (1 - prod * mu_next) + (1 - mu) * gi / (1 - prod)
            for mi, gi in zip(m, g, strict=True)
        ]
        vhat = [vi / (1 - b2**step) for vi in v]
        t = [ti - lr * mh / (math.sqrt(vh) + eps) for ti, mh, vh in zip(t, mhat, vhat, strict=True)]
        out.append(t)
    return out


def hand_radam(hp, steps=2):
    # Liu et al. 2020, Algorithm 2 (as torch.optim.RAdam documents it): the first steps (ρ_t ≤ 5) are
    # momentum SGD on the bias-corrected mean; later ones Adam's, scaled by the rectification r_t
    b1, b2, eps, lr, wd = hp["beta1"], hp["beta2"], hp["eps"], hp["lr"], hp["weight_decay"]
    rho_inf = 2 / (1 - b2) - 1
    t, m, v, out = list(START), [0.0, 0.0], [0.0, 0.0], []
    for step in range(1, steps + 1):
        g = hand_grad(t)
        if hp["decoupled_weight_decay"]:
            t = [ti * (1 - lr * wd) for ti in t]
        else:
            g = [gi + wd * ti for gi, ti in zip(g, t, strict=True)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        mhat = [mi / (1 - b1**step) for mi in m]
        rho = rho_inf - 2 * step * b2**step / (1 - b2**step)
        if rho > 5:
            r = math.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            scale = [r * math.sqrt(1 - b2**step) / (math.sqrt(vi) + eps) for vi in v]
        else:
            scale = [1.0, 1.0]
        t = [ti - lr * mh * si for ti, mh, si in zip(t, mhat, scale, strict=True)]
        out.append(t)
    return out


def hand_qhm(hp):
    beta, nu = hp["momentum"], hp["nu"]
    t, b, out = list(START), [0.0, 0.0], []
    for _ in range(2):
        g = [gi + hp["weight_decay"] * ti for gi, ti in zip(hand_grad(t), t, strict=True)]
        b = [beta * bi + (1 - beta) * gi for bi, gi in zip(b, g, strict=True)]
        t = [ti - hp["lr"] * ((1 - nu) * gi + nu * bi) for ti, gi, bi in zip(t, g, b, strict=True)]
        out.append(t)
    return out


def hand_qhadam(hp):
    # Ma & Yarats 2019, Algorithm "QHAdam": bias-corrected means m̂, v̂ mixed with the plain g and g²
    b1, b2, n1, n2, eps = hp["beta1"], hp["beta2"], hp["nu1"], hp["nu2"], hp["eps"]
    t, m, v, out = list(START), [0.0, 0.0], [0.0, 0.0], []
    for step in (1, 2):
        g = [gi + hp["weight_decay"] * ti for gi, ti in zip(hand_grad(t), t, strict=True)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi**2 for vi, gi in zip(v, g, strict=True)]
        num = [(1 - n1) * gi + n1 * mi / (1 - b1**step) for gi, mi in zip(g, m, strict=True)]
        den = [
            math.sqrt((1 - n2) * gi**2 + n2 * vi / (1 - b2**step)) + eps for gi, vi in zip(g, v, strict=True)
        ]
        t = [ti - hp["lr"] * a / b for ti, a, b in zip(t, num, den, strict=True)]
        out.append(t)
    return out


def hand_newton(hp):
    lam = hp["damping"]
    (a, b), (c, d) = HESS
    a, d = a + lam, d + lam
    det = a * d - b * c
    t, out = list(START), []
    for _ in range(2):
        g0, g1 = hand_grad(t)
        step = [(d * g0 - b * g1) / det, (a * g1 - c * g0) / det]
        t = [ti - hp["lr"] * si for ti, si in zip(t, step, strict=True)]
        out.append(t)
    return out


def hand_saddle_free_newton(hp):
    # H = [[2, 3], [3, −2]] has eigenvalues ±√13, so |H| = √13·I and (|H| + λI)⁻¹ = I/(√13 + λ)
    t, out = list(START), []
    for _ in range(2):
        t = [
            ti - hp["lr"] * gi / (math.sqrt(13) + hp["damping"])
            for ti, gi in zip(t, hand_grad(t), strict=True)
        ]
        out.append(t)
    return out


@dataclass
class Case:
    """One row of the table: hand-check settings, and converging settings for booth and rosenbrock."""

    hand: object
    hand_hp: dict = field(default_factory=dict)
    booth_hp: dict = field(default_factory=dict)
    booth_steps: int = 2000
    rosen_hp: dict = field(default_factory=dict)
    rosen_steps: int = 5000
    rosen_tol: float = 1e-3


TABLE = {
    "gd": Case(hand_sgd, {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.05}, 300, {"lr": 1e-3}, 20000),
    "sgd": Case(hand_sgd, {"lr": 0.05, "noise": 5.0}, {"lr": 0.05, "noise": 5.0}, 300, {"lr": 1e-3}, 20000),
    "momentum": Case(
        hand_momentum,
        {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1},
        {"lr": 0.01},
        1000,
        {"lr": 1e-3},
        2500,
    ),
    "nesterov": Case(
        hand_nesterov,
        {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.1},
        {"lr": 0.01},
        1000,
        {"lr": 1e-3},
        2500,
    ),
    "adagrad": Case(
        hand_adagrad,
        {"lr": 0.3, "lr_decay": 0.5, "weight_decay": 0.1, "initial_accumulator_value": 0.4, "eps": 1e-3},
        {"lr": 1.0},
        3000,
        {"lr": 1.0},
        15000,
    ),
    # Adadelta's steps are bounded by √ of its accumulated Δ², so it crawls along Rosenbrock's curved valley:
    # after 20 000 steps it is still ≈ 0.4 from (1, 1) (measured; larger lr or eps diverge or stall), so its
    # Rosenbrock check only asserts that most of the way (2.5 → < 0.5) was covered.
    "adadelta": Case(
        hand_adadelta,
        {"lr": 0.7, "rho": 0.8, "eps": 1e-3, "weight_decay": 0.1},
        {"lr": 0.1, "eps": 1e-2},  # at the defaults it hovers ≈ 0.08 from the minimum after 15 000 steps
        1000,
        {"lr": 1.0, "rho": 0.99},
        20000,
        0.5,
    ),
    "rmsprop": Case(
        hand_rmsprop,
        {"lr": 0.05, "alpha": 0.8, "eps": 1e-3, "weight_decay": 0.1, "momentum": 0.5, "centered": 1},
        {"lr": 1e-2, "alpha": 0.999},  # α = 0.99 keeps a ±lr-sized oscillation around the minimum
        2000,
        {"lr": 1e-3, "alpha": 0.999},
        14000,
    ),
    "adam": Case(
        hand_adam,
        {"lr": 0.1, "beta1": 0.7, "beta2": 0.8, "eps": 1e-3, "weight_decay": 0.1},
        {"lr": 0.1},
        3000,
        {"lr": 0.02, "beta2": 0.9999},
        4000,
    ),
    "adamax": Case(
        hand_adamax,
        {"lr": 0.1, "beta1": 0.3, "beta2": 0.8, "eps": 1e-3, "weight_decay": 0.1},
        {"lr": 0.1},
        3000,
        {"lr": 0.01},
        6000,
    ),
    # decoupled weight decay moves the minimum off (1, 1): converge with it off, hand-check it on
    "adamw": Case(
        hand_adamw,
        {"lr": 0.1, "beta1": 0.7, "beta2": 0.8, "eps": 1e-3, "weight_decay": 0.5},
        {"lr": 0.1, "weight_decay": 0.0},
        3000,
        {"lr": 0.02, "beta2": 0.9999, "weight_decay": 0.0},
        4000,
    ),
    "amsgrad": Case(
        hand_amsgrad,
        {"lr": 0.1, "beta1": 0.7, "beta2": 0.8, "eps": 1e-3, "weight_decay": 0.1},
        {"lr": 0.1},
        3000,
        {"lr": 0.1},
        2000,
    ),
    "nadam": Case(
        hand_nadam,
        {"lr": 0.1, "beta1": 0.7, "beta2": 0.8, "eps": 1e-3, "weight_decay": 0.1, "momentum_decay": 0.3},
        {"lr": 0.1},
        3000,
        {"lr": 0.01, "beta2": 0.9999},
        8000,
    ),
    "radam": Case(
        hand_radam,
        {
            "lr": 0.1,
            "beta1": 0.7,
            "beta2": 0.8,
            "eps": 1e-3,
            "weight_decay": 0.5,
            "decoupled_weight_decay": 1,
        },
        {"lr": 0.1},
        3000,
        {"lr": 3e-3, "beta2": 0.99},  # RAdam's first steps are plain momentum SGD
        4000,
    ),
    "qhm": Case(
        hand_qhm,
        {"lr": 0.1, "momentum": 0.8, "nu": 0.6, "weight_decay": 0.1},
        {"lr": 0.05},
        3000,
        {"lr": 3e-3},
        12000,
    ),
    "qhadam": Case(
        hand_qhadam,
        {"lr": 0.1, "beta1": 0.7, "beta2": 0.8, "nu1": 0.6, "nu2": 0.5, "eps": 1e-3, "weight_decay": 0.1},
        {"lr": 0.1},
        3000,
        {"lr": 3e-3},
        13000,
    ),
    "newton": Case(hand_newton, {"lr": 0.7, "damping": 0.5}, {}, 3, {}, 10),
    "saddle_free_newton": Case(hand_saddle_free_newton, {"lr": 0.7, "damping": 0.5}, {}, 5, {}, 10),
}


def test_table_covers_every_optimizer_in_order():
    assert list(TABLE) == list(OPTIMIZER_IDS) == list(OPTIMIZERS)
    assert OPTIMIZER_IDS == (
        "gd",
        "sgd",
        "momentum",
        "nesterov",
        "adagrad",
        "adadelta",
        "rmsprop",
        "adam",
        "adamax",
        "adamw",
        "amsgrad",
        "nadam",
        "radam",
        "qhm",
        "qhadam",
        "newton",
        "saddle_free_newton",
    )


def _run(opt, hp, landscape, start, steps):
    p = np.array([start], dtype=float)
    state = opt.init(p)
    for _ in range(steps):
        h = landscape.hessian(p) if opt.needs_hessian else None
        p, state = opt.update(p, landscape.grad(p), state, hp, h)
    return p[0]


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_first_two_steps_match_the_published_formula(optimizer_id):
    opt, case = get_optimizer(optimizer_id), TABLE[optimizer_id]
    hp = opt.resolve(case.hand_hp)
    expected = case.hand(hp)
    p = np.array([START])
    state = opt.init(p)
    got = []
    for _ in range(2):
        p, state = opt.update(p, grad_fn(p), state, hp, hess_fn(p) if opt.needs_hessian else None)
        got.append(p[0].tolist())
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    assert int(state["step"]) == 2


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_converges_on_a_parabola(optimizer_id):
    opt, case = get_optimizer(optimizer_id), TABLE[optimizer_id]
    end = _run(opt, opt.resolve(case.booth_hp), get_landscape("booth"), (-5.0, 5.0), case.booth_steps)
    np.testing.assert_allclose(end, [1.0, 3.0], atol=1e-3)


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_converges_on_rosenbrock(optimizer_id):
    opt, case = get_optimizer(optimizer_id), TABLE[optimizer_id]
    end = _run(opt, opt.resolve(case.rosen_hp), get_landscape("rosenbrock"), (-1.5, 2.0), case.rosen_steps)
    assert np.abs(end - 1.0).max() < case.rosen_tol, end


# -- equivalence with torch.optim ------------------------------------------------------------------------------


def _ours(optimizer_id, hp, landscape_id, starts, steps):
    opt = get_optimizer(optimizer_id)
    full = opt.resolve(hp)
    landscape = get_landscape(landscape_id)
    p = np.array(starts, dtype=float)
    state = opt.init(p)
    out = [p]
    for _ in range(steps):
        p, state = opt.update(p, landscape.grad(p), state, full)
        out.append(p)
    return np.array(out)


def test_matches_stored_torch_trajectories():
    data = json.loads(REFERENCE.read_text())
    assert data["torch_version"].startswith("2.13")
    seen = set()
    for case in data["cases"]:
        ours = _ours(case["optimizer"], case["hp"], case["landscape"], case["starts"], data["steps"])
        ref = np.array(case["points"])
        np.testing.assert_allclose(
            ours[data["kept_steps"]], ref, rtol=1e-12, atol=1e-12, err_msg=f"{case['optimizer']} {case['hp']}"
        )
        seen.add((case["optimizer"], bool(case["hp"]), bool(case["hp"].get("weight_decay"))))
    torch_ids = {"gd", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop"}
    torch_ids |= {"adam", "adamax", "adamw", "amsgrad", "nadam", "radam"}
    assert {s[0] for s in seen} == torch_ids
    assert all((oid, True, True) in seen for oid in torch_ids)  # a non-default setting with weight decay


def test_matches_torch_live():
    torch = pytest.importorskip("torch")
    assert torch.__version__.startswith("2.13")
    spec = importlib.util.spec_from_file_location(
        "make_torch_reference", ROOT / "benchmarks/make_torch_reference.py"
    )
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    for optimizer_id, hp, landscape_id, starts in ref.cases():
        expected = ref.torch_trajectory(optimizer_id, hp, landscape_id, starts, steps=50)
        ours = _ours(optimizer_id, hp, landscape_id, starts, 50)
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12, err_msg=f"{optimizer_id} {hp}")


# -- behaviour ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_update_is_pure(optimizer_id):
    opt = get_optimizer(optimizer_id)
    hp = opt.resolve(TABLE[optimizer_id].hand_hp)
    rng = np.random.default_rng(0)
    p = rng.normal(size=(7, 2))
    state = opt.init(p)
    for _ in range(3):  # get past first-step special cases
        p, state = opt.update(p, grad_fn(p), state, hp, hess_fn(p))
    g, h = grad_fn(p), hess_fn(p)
    copies = [p.copy(), g.copy(), h.copy(), {k: np.copy(v) for k, v in state.items()}]
    new_p, new_state = opt.update(p, g, state, hp, h)
    np.testing.assert_array_equal(p, copies[0])
    np.testing.assert_array_equal(g, copies[1])
    np.testing.assert_array_equal(h, copies[2])
    assert state.keys() == copies[3].keys()
    for k, v in copies[3].items():
        np.testing.assert_array_equal(state[k], v)
    assert new_p is not p and not np.shares_memory(new_p, p)
    assert new_state.keys() == state.keys()
    assert int(new_state["step"]) == int(state["step"]) + 1


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_vectorised_equals_separate_runs(optimizer_id):
    opt = get_optimizer(optimizer_id)
    hp = opt.resolve(TABLE[optimizer_id].hand_hp)
    L = get_landscape("himmelblau")
    starts = np.random.default_rng(3).uniform(-4, 4, size=(1000, 2))
    steps = 5

    def run(p):
        state = opt.init(p)
        for _ in range(steps):
            h = L.hessian(p) if opt.needs_hessian else None
            p, state = opt.update(p, L.grad(p), state, hp, h)
        return p

    together = run(starts)
    for i in (0, 1, 499, 998, 999):
        np.testing.assert_array_equal(together[i], run(starts[i : i + 1])[0])
    assert together.shape == starts.shape


def test_one_dimensional_params():
    L = get_landscape("double_well")
    for optimizer_id in OPTIMIZER_IDS:
        opt = get_optimizer(optimizer_id)
        p = np.array([[2.5], [-0.3]])
        state = opt.init(p)
        hp = opt.resolve()
        for _ in range(3):
            p, state = opt.update(p, L.grad(p), state, hp, L.hessian(p))
        assert p.shape == (2, 1) and np.isfinite(p).all(), optimizer_id


def test_hyperparameter_change_applies_on_next_step_without_reset():
    L = get_landscape("booth")
    for optimizer_id in ("adam", "momentum", "rmsprop", "qhadam"):
        opt = get_optimizer(optimizer_id)
        p = np.array([[0.0, 0.0]])
        state = opt.init(p)
        hp = opt.resolve({"lr": 0.01})
        for _ in range(5):
            p, state = opt.update(p, L.grad(p), state, hp)
        fast = opt.resolve({"lr": 0.1})
        p_fast, s_fast = opt.update(p, L.grad(p), state, fast)
        p_slow, s_slow = opt.update(p, L.grad(p), state, hp)
        # the moments are the same (they do not depend on lr), the step is 10× as long, the count goes on
        for k in state:
            np.testing.assert_array_equal(s_fast[k], s_slow[k])
        np.testing.assert_allclose(p_fast - p, 10 * (p_slow - p), rtol=1e-12)
        assert int(s_fast["step"]) == 6


def test_resolve_and_defaults():
    adam = get_optimizer("adam")
    assert adam.defaults() == {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
    assert adam.resolve({"lr": 0.1})["lr"] == 0.1
    assert adam.resolve(None) == adam.defaults()
    with pytest.raises(ValueError, match=r"unknown hyperparameter 'lrr' for adam \(known: lr, beta1, beta2"):
        adam.resolve({"lrr": 1.0})
    with pytest.raises(ValueError, match="beta1 for adam must lie in"):
        adam.resolve({"beta1": 1.0})
    with pytest.raises(ValueError, match="finite"):
        adam.resolve({"lr": float("nan")})
    with pytest.raises(ValueError, match="lr for adam must lie in"):
        adam.resolve({"lr": -1.0})
    with pytest.raises(ValueError, match="whole number"):
        get_optimizer("rmsprop").resolve({"centered": 0.5})
    with pytest.raises(KeyError, match="unknown optimizer 'x' \\(known: gd, sgd"):
        get_optimizer("x")


def test_torch_defaults_and_metadata():
    d = {oid: get_optimizer(oid).defaults() for oid in OPTIMIZER_IDS}
    assert d["gd"] == {"lr": 1e-3, "weight_decay": 0.0}
    assert d["sgd"]["noise"] == 1.0
    assert d["momentum"]["momentum"] == 0.9 and d["nesterov"]["momentum"] == 0.9
    assert d["adagrad"] == {
        "lr": 1e-2,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
    }
    assert d["adadelta"] == {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0}
    assert d["rmsprop"]["alpha"] == 0.99 and d["rmsprop"]["centered"] == 0.0
    assert d["adamax"]["lr"] == 2e-3 and d["adamw"]["weight_decay"] == 1e-2
    assert d["qhm"]["momentum"] == 0.999 and d["qhm"]["nu"] == 0.7
    # torch.optim.NAdam / RAdam 2.13: NAdam(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    # momentum_decay=4e-3, decoupled_weight_decay=False), RAdam(lr=1e-3, ..., decoupled_weight_decay=False)
    adam_like = {
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "decoupled_weight_decay": 0.0,
    }
    assert d["nadam"] == {"lr": 2e-3, "momentum_decay": 4e-3, **adam_like}
    assert d["radam"] == {"lr": 1e-3, **adam_like}
    assert d["newton"] == {"lr": 1.0, "damping": 0.0}
    assert d["saddle_free_newton"] == {"lr": 1.0, "damping": 1e-3}
    for opt in OPTIMIZERS.values():
        assert opt.summary and "\n" not in opt.summary and "←" in opt.summary
        assert opt.needs_hessian == (opt.id in ("newton", "saddle_free_newton"))
        for h in opt.hyperparameters:
            assert h.low <= h.default <= h.high and h.help, (opt.id, h.name)
            assert not h.log or h.low > 0
            if h.name == "lr":
                assert (h.low, h.high, h.log) == (1e-6, 10.0, True)


@pytest.mark.parametrize(
    "hp",
    [
        {"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 1e-3, "weight_decay": 0.1},
        {
            "lr": 0.05,
            "beta1": 0.6,
            "beta2": 0.95,
            "eps": 1e-6,
            "weight_decay": 0.2,
            "decoupled_weight_decay": 1,
        },
    ],
)
def test_radam_rectified_steps_and_nadam_later_steps_match_the_published_formula(hp):
    """Past the first steps (RAdam's ρ_t > 5 from step 6 with β₂ = 0.9), against the hand formulas."""
    steps = 12
    for oid, hand in (("radam", hand_radam), ("nadam", hand_nadam)):
        opt = get_optimizer(oid)
        full = opt.resolve(hp)
        p, state, got = np.array([START]), opt.init(np.array([START])), []
        for _ in range(steps):
            p, state = opt.update(p, grad_fn(p), state, full)
            got.append(p[0].tolist())
        np.testing.assert_allclose(got, hand(full, steps), rtol=1e-12, atol=1e-14, err_msg=oid)
    b2 = hp["beta2"]
    rho = [2 / (1 - b2) - 1 - 2 * t * b2**t / (1 - b2**t) for t in range(1, steps + 1)]
    assert rho[0] < 5 < rho[-1]  # both of RAdam's branches were taken


def test_sgd_update_ignores_its_noise_hyperparameter():
    sgd = get_optimizer("sgd")
    p, g = np.array([[1.0, 2.0]]), np.array([[0.5, -0.5]])
    a, _ = sgd.update(p, g, sgd.init(p), sgd.resolve({"noise": 0.0}))
    b, _ = sgd.update(p, g, sgd.init(p), sgd.resolve({"noise": 50.0}))
    np.testing.assert_array_equal(a, b)


def test_saddle_free_newton_escapes_the_saddle_where_newton_jumps_onto_it():
    L = get_landscape("saddle")
    start = np.array([[0.5, 0.01]])
    newton, sfn = get_optimizer("newton"), get_optimizer("saddle_free_newton")
    p, _ = newton.update(start, L.grad(start), newton.init(start), newton.resolve(), L.hessian(start))
    np.testing.assert_allclose(p, [[0.0, 0.0]], atol=1e-15)
    p, state = start, sfn.init(start)
    hp = sfn.resolve({"lr": 0.5})
    ys = []
    for _ in range(5):
        p, state = sfn.update(p, L.grad(p), state, hp, L.hessian(p))
        ys.append(abs(p[0, 1]))
    assert np.all(np.diff(ys) > 0) and ys[-1] > 0.01 * 1.4**5  # |y| grows: repelled along y
    assert abs(p[0, 0]) < 0.5  # while x still descends towards 0


def test_newton_takes_no_step_where_the_hessian_is_singular():
    L = get_landscape("monkey_saddle")  # zero Hessian at the origin
    pts = np.array([[0.0, 0.0], [0.5, 0.2], [np.nan, 0.0]])
    for optimizer_id, hp in (("newton", {}), ("saddle_free_newton", {"damping": 1e-8})):
        opt = get_optimizer(optimizer_id)
        new, _ = opt.update(pts, L.grad(pts), opt.init(pts), opt.resolve(hp), L.hessian(pts))
        np.testing.assert_array_equal(new[0], [0.0, 0.0])
        assert np.isfinite(new[1]).all() and not np.array_equal(new[1], pts[1])
    # a flat direction: H = diag(2, 0) with no damping
    newton = get_optimizer("newton")
    p = np.array([[1.0, 1.0]])
    new, _ = newton.update(
        p, np.array([[2.0, 0.0]]), newton.init(p), newton.resolve(), np.array([np.diag([2.0, 0.0])])
    )
    np.testing.assert_array_equal(new, p)
    with pytest.raises(ValueError, match="needs the Hessian"):
        newton.update(p, p, newton.init(p), newton.resolve())
