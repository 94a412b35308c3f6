"""The update rules of :mod:`landscape_gui.core.optimizers.catalog`: pure, vectorised, torch-exact arithmetic.

Each optimizer is a pair ``init(params) -> state`` and ``update(params, grads, state, hp, hessian=None) ->
(new_params, new_state)`` on (N, d) arrays (see :mod:`landscape_gui.core.optimizers.catalog` for the contract and the
sources). Where torch.optim has the optimizer, the state keys are torch's (``momentum_buffer``, ``sum``,
``square_avg``, ``acc_delta``, ``grad_avg``, ``exp_avg``, ``exp_avg_sq``, ``exp_inf``, ``max_exp_avg_sq``) and
the floating-point operations are torch's, in torch's order. The helpers (``lerp``, ``ema_sq``, ...) are public
so that the optimizers' declared quantities (m̂, v̂, effective step sizes) compute with the same arithmetic.

>>> import numpy as np
>>> p, s = np.array([[1.0, 2.0]]), adam_init(np.zeros((1, 2)))
>>> new, s = adam_update(p, np.array([[0.5, -4.0]]), s, {"lr": 0.1, "beta1": 0.9, "beta2": 0.999,
...                                                    "eps": 1e-8, "weight_decay": 0.0})
>>> (new - p).round(6)  # Adam's first step is lr·sign(g)
array([[-0.1,  0.1]])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from landscape_gui.core.optimizers.spec import State
from landscape_gui.core.types import FloatArray

# -- torch-exact arithmetic helpers -------------------------------------------------------------------------


def lerp(start: FloatArray, end: FloatArray, weight: float) -> FloatArray:
    """``torch.lerp(start, end, weight)`` as torch's CPU kernel computes it (two branches for accuracy)."""
    d = np.subtract(end, start)
    if abs(weight) < 0.5:
        d *= weight
        d += start
    else:
        d *= 1.0 - weight
        np.subtract(end, d, out=d)
    return d


def with_weight_decay(params: FloatArray, grads: FloatArray, wd: float) -> FloatArray:
    """``grad.add(param, alpha=wd)``: a new array, or ``grads`` itself when ``wd`` is 0."""
    if wd == 0:
        return grads
    g = params * wd
    g += grads
    return g


def step_to(params: FloatArray, direction: FloatArray, scale: float) -> FloatArray:
    """``param.add(direction, alpha=scale)``, i.e. params + scale·direction, as a new array."""
    out = direction * scale
    out += params
    return out


def step_div(params: FloatArray, num: FloatArray, den: FloatArray, value: float) -> FloatArray:
    """``param.addcdiv(num, den, value=value)``, i.e. params + (value·num)/den, as a new array."""
    out = num * value
    out /= den
    out += params
    return out


def ema_sq(avg: FloatArray, g: FloatArray, decay: float) -> FloatArray:
    """``avg.mul(decay).addcmul_(g, g, value=1 − decay)``, i.e. decay·avg + ((1 − decay)·g)·g."""
    out = avg * decay
    t = g * (1.0 - decay)
    t *= g
    out += t
    return out


def zeros(params: FloatArray) -> FloatArray:
    return np.zeros_like(np.asarray(params, dtype=np.float64))  # same memory layout as the parameters


def step0() -> FloatArray:
    return np.zeros((), dtype=np.float64)


def count(state: State) -> float:
    """The number of this step (1 on the first), from the state's count of steps taken."""
    return float(state["step"]) + 1.0


# -- SGD family (torch.optim.SGD) ---------------------------------------------------------------------------


def plain_init(params: FloatArray) -> State:
    return {"step": step0()}


def gd_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    g = with_weight_decay(params, grads, hp["weight_decay"])
    return step_to(params, g, -hp["lr"]), {"step": np.asarray(count(state))}


def momentum_init(params: FloatArray) -> State:
    # torch creates the buffer (as a copy of the gradient) at the first step with momentum ≠ 0
    return {"step": step0(), "momentum_buffer": zeros(params), "has_buffer": np.zeros((), dtype=bool)}


def sgd_momentum(
    params: FloatArray, grads: FloatArray, state: State, hp: Mapping[str, float], nesterov: bool
) -> tuple[FloatArray, State]:
    lr, mom, damp = hp["lr"], hp["momentum"], hp.get("dampening", 0.0)
    g = with_weight_decay(params, grads, hp["weight_decay"])
    new_state = {"step": np.asarray(count(state))}
    if mom != 0:
        if state["has_buffer"]:
            buf = state["momentum_buffer"] * mom
            t = g * (1.0 - damp)
            buf += t
        else:
            buf = g.copy()
        new_state["momentum_buffer"] = buf
        new_state["has_buffer"] = np.ones((), dtype=bool)
        if nesterov:
            t = buf * mom
            t += g
            g = t
        else:
            g = buf
    else:
        new_state["momentum_buffer"] = state["momentum_buffer"]
        new_state["has_buffer"] = state["has_buffer"]
    return step_to(params, g, -lr), new_state


def momentum_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    return sgd_momentum(params, grads, state, hp, nesterov=False)


def nesterov_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    return sgd_momentum(params, grads, state, hp, nesterov=True)


# -- Adagrad ------------------------------------------------------------------------------------------------


def adagrad_init(params: FloatArray) -> State:
    # torch starts the sum at initial_accumulator_value; init() has no hyperparameters: update adds it
    return {"step": step0(), "sum": zeros(params)}


def adagrad_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    step = count(state)
    g = with_weight_decay(params, grads, hp["weight_decay"])
    clr = hp["lr"] / (1 + (step - 1) * hp["lr_decay"])
    s = g * g  # state_sum.addcmul_(g, g, value=1)
    if step == 1:
        s += state["sum"] + hp["initial_accumulator_value"]
    else:
        s += state["sum"]
    std = np.sqrt(s)
    std += hp["eps"]
    return step_div(params, g, std, -clr), {"step": np.asarray(step), "sum": s}


# -- Adadelta -----------------------------------------------------------------------------------------------


def adadelta_init(params: FloatArray) -> State:
    return {"step": step0(), "square_avg": zeros(params), "acc_delta": zeros(params)}


def adadelta_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    rho, eps = hp["rho"], hp["eps"]
    g = with_weight_decay(params, grads, hp["weight_decay"])
    square_avg = ema_sq(state["square_avg"], g, rho)
    std = square_avg + eps
    np.sqrt(std, out=std)
    delta = state["acc_delta"] + eps
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= g
    acc_delta = ema_sq(state["acc_delta"], delta, rho)
    new_state = {"step": np.asarray(count(state)), "square_avg": square_avg, "acc_delta": acc_delta}
    return step_to(params, delta, -hp["lr"]), new_state


# -- RMSprop ------------------------------------------------------------------------------------------------


def rmsprop_init(params: FloatArray) -> State:
    return {
        "step": step0(),
        "square_avg": zeros(params),
        "grad_avg": zeros(params),
        "momentum_buffer": zeros(params),
    }


def rmsprop_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    alpha, mom = hp["alpha"], hp["momentum"]
    g = with_weight_decay(params, grads, hp["weight_decay"])
    square_avg = ema_sq(state["square_avg"], g, alpha)
    new_state = {"step": np.asarray(count(state)), "square_avg": square_avg}
    if hp["centered"]:
        grad_avg = lerp(state["grad_avg"], g, 1.0 - alpha)
        avg = grad_avg * grad_avg  # square_avg.addcmul(grad_avg, grad_avg, value=-1)
        np.subtract(square_avg, avg, out=avg)
        np.sqrt(avg, out=avg)
    else:
        grad_avg = state["grad_avg"]
        avg = np.sqrt(square_avg)
    new_state["grad_avg"] = grad_avg
    avg += hp["eps"]
    if mom > 0:
        buf = state["momentum_buffer"] * mom
        t = np.divide(g, avg)
        buf += t
        new_state["momentum_buffer"] = buf
        return step_to(params, buf, -hp["lr"]), new_state
    new_state["momentum_buffer"] = state["momentum_buffer"]
    return step_div(params, g, avg, -hp["lr"]), new_state


# -- Adam, AdamW, AMSGrad -----------------------------------------------------------------------------------


def adam_init(params: FloatArray) -> State:
    return {"step": step0(), "exp_avg": zeros(params), "exp_avg_sq": zeros(params)}


def amsgrad_init(params: FloatArray) -> State:
    return {**adam_init(params), "max_exp_avg_sq": zeros(params)}


def adam(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    decoupled: bool,
    amsgrad: bool,
) -> tuple[FloatArray, State]:
    lr, beta1, beta2, wd = hp["lr"], hp["beta1"], hp["beta2"], hp["weight_decay"]
    step = count(state)
    p, g = params, grads
    if wd != 0:
        if decoupled:
            p = params * (1 - lr * wd)
        else:
            g = with_weight_decay(params, grads, wd)
    exp_avg = lerp(state["exp_avg"], g, 1 - beta1)
    exp_avg_sq = ema_sq(state["exp_avg_sq"], g, beta2)
    step_size = lr / (1 - beta1**step)
    bias_correction2_sqrt = (1 - beta2**step) ** 0.5
    new_state = {"step": np.asarray(step), "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    if amsgrad:
        vmax = np.maximum(state["max_exp_avg_sq"], exp_avg_sq)
        new_state["max_exp_avg_sq"] = vmax
        denom = np.sqrt(vmax)
    else:
        denom = np.sqrt(exp_avg_sq)
    denom /= bias_correction2_sqrt
    denom += hp["eps"]
    return step_div(p, exp_avg, denom, -step_size), new_state


def adam_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    return adam(params, grads, state, hp, decoupled=False, amsgrad=False)


def adamw_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    return adam(params, grads, state, hp, decoupled=True, amsgrad=False)


def amsgrad_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    return adam(params, grads, state, hp, decoupled=False, amsgrad=True)


# -- NAdam and RAdam ----------------------------------------------------------------------------------------


def nadam_init(params: FloatArray) -> State:
    # torch keeps one 0-d mu_product per parameter tensor; here every coordinate carries it (all equal)
    return {**adam_init(params), "mu_product": np.ones_like(zeros(params))}


def nadam_mu(hp: Mapping[str, float], step: float) -> float:
    """NAdam's momentum schedule μ_t = β₁·(1 − ½·0.96^(t·ψ)), ψ = momentum_decay (torch's expression)."""
    mu: float = hp["beta1"] * (1.0 - 0.5 * (0.96 ** (step * hp["momentum_decay"])))
    return mu


def _decay(params: FloatArray, grads: FloatArray, hp: Mapping[str, float]) -> tuple[FloatArray, FloatArray]:
    """Weight decay as torch's NAdam and RAdam apply it: (params, grads) after it."""
    wd = hp["weight_decay"]
    if wd == 0:
        return params, grads
    if hp["decoupled_weight_decay"]:
        return params * (1 - hp["lr"] * wd), grads
    return params, with_weight_decay(params, grads, wd)


def nadam_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    lr, beta1, beta2 = hp["lr"], hp["beta1"], hp["beta2"]
    step = count(state)
    bias_correction2 = 1 - beta2**step
    p, g = _decay(params, grads, hp)
    mu = nadam_mu(hp, step)
    mu_next = nadam_mu(hp, step + 1)
    mu_product = state["mu_product"] * mu
    exp_avg = lerp(state["exp_avg"], g, 1 - beta1)
    exp_avg_sq = ema_sq(state["exp_avg_sq"], g, beta2)
    denom = exp_avg_sq / bias_correction2
    np.sqrt(denom, out=denom)
    denom += hp["eps"]
    # torch reads the product as a Python float: one value for the whole tensor
    prod = float(mu_product.flat[0]) if mu_product.size else 1.0
    prod_next = prod * mu_next
    new = step_div(p, g, denom, -lr * (1.0 - mu) / (1.0 - prod))
    new = step_div(new, exp_avg, denom, (-lr * mu_next) / (1.0 - prod_next))
    new_state = {
        "step": np.asarray(step),
        "exp_avg": exp_avg,
        "exp_avg_sq": exp_avg_sq,
        "mu_product": mu_product,
    }
    return new, new_state


def radam_rho(hp: Mapping[str, float], step: float) -> tuple[float, float]:
    """RAdam's (ρ∞, ρ_t): the maximum and the current length of the approximated simple moving average."""
    beta2 = hp["beta2"]
    rho_inf = 2 / (1 - beta2) - 1
    return rho_inf, rho_inf - 2 * step * (beta2**step) / (1 - beta2**step)


def radam_rect(rho_inf: float, rho_t: float) -> float:
    """RAdam's variance rectification r_t (used where ρ_t > 5)."""
    rect: float = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    return rect


def radam_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    lr, beta1, beta2 = hp["lr"], hp["beta1"], hp["beta2"]
    step = count(state)
    p, g = _decay(params, grads, hp)
    exp_avg = lerp(state["exp_avg"], g, 1 - beta1)
    exp_avg_sq = ema_sq(state["exp_avg_sq"], g, beta2)
    bias_correction2 = 1 - beta2**step
    update = exp_avg / (1 - beta1**step)  # the bias-corrected mean m̂
    update *= lr
    rho_inf, rho_t = radam_rho(hp, step)
    if rho_t > 5.0:
        adaptive = np.sqrt(exp_avg_sq)
        adaptive += hp["eps"]
        np.reciprocal(adaptive, out=adaptive)  # torch's scalar / tensor is reciprocal(tensor) · scalar
        adaptive *= bias_correction2**0.5
        update *= adaptive
        update *= radam_rect(rho_inf, rho_t)
    new_state = {"step": np.asarray(step), "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
    return p - update, new_state


# -- Adamax -------------------------------------------------------------------------------------------------


def adamax_init(params: FloatArray) -> State:
    return {"step": step0(), "exp_avg": zeros(params), "exp_inf": zeros(params)}


def adamax_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    beta1 = hp["beta1"]
    step = count(state)
    g = with_weight_decay(params, grads, hp["weight_decay"])
    exp_avg = lerp(state["exp_avg"], g, 1 - beta1)
    exp_inf = state["exp_inf"] * hp["beta2"]
    t = np.abs(g)
    t += hp["eps"]
    np.maximum(exp_inf, t, out=exp_inf)
    clr = hp["lr"] / (1 - beta1**step)
    new_state = {"step": np.asarray(step), "exp_avg": exp_avg, "exp_inf": exp_inf}
    return step_div(params, exp_avg, exp_inf, -clr), new_state


# -- QHM and QHAdam (Ma & Yarats 2019, facebookresearch/qhoptim) --------------------------------------------


def qhm_init(params: FloatArray) -> State:
    return {"step": step0(), "momentum_buffer": zeros(params)}


def qhm_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    lr, beta, nu = hp["lr"], hp["momentum"], hp["nu"]
    g = with_weight_decay(params, grads, hp["weight_decay"])
    buf = state["momentum_buffer"] * beta  # buf.mul_(β).add_(1 − β, g)
    t = g * (1.0 - beta)
    buf += t
    new = step_to(params, buf, -lr * nu)  # p.add_(−lr·ν, buf)
    t = g * (-lr * (1.0 - nu))  # p.add_(−lr·(1 − ν), g)
    new += t
    return new, {"step": np.asarray(count(state)), "momentum_buffer": buf}


def qhadam_init(params: FloatArray) -> State:
    return {
        "step": step0(),
        "beta1_weight": np.zeros(()),
        "beta2_weight": np.zeros(()),
        "exp_avg": zeros(params),
        "exp_avg_sq": zeros(params),
    }


def qhadam_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    beta1, beta2, nu1, nu2, eps = hp["beta1"], hp["beta2"], hp["nu1"], hp["nu2"], hp["eps"]
    g = with_weight_decay(params, grads, hp["weight_decay"])
    g_sq = g * g
    # bias correction as in qhoptim: w ← 1 + β·w (= Σ βᵏ), and the running means use 1 − 1/w as their decay
    w1 = 1.0 + beta1 * float(state["beta1_weight"])
    w2 = 1.0 + beta2 * float(state["beta2_weight"])
    adj1 = 1.0 - 1.0 / w1
    adj2 = 1.0 - 1.0 / w2
    exp_avg = state["exp_avg"] * adj1
    t = g * (1.0 - adj1)
    exp_avg += t
    exp_avg_sq = state["exp_avg_sq"] * adj2
    t = g_sq * (1.0 - adj2)
    exp_avg_sq += t
    avg_grad = exp_avg * nu1
    if nu1 != 1.0:
        t = g * (1.0 - nu1)
        avg_grad += t
    rms = exp_avg_sq * nu2
    if nu2 != 1.0:
        t = g_sq * (1.0 - nu2)
        rms += t
    np.sqrt(rms, out=rms)
    if eps != 0.0:
        rms += eps
    new_state = {
        "step": np.asarray(count(state)),
        "beta1_weight": np.asarray(w1),
        "beta2_weight": np.asarray(w2),
        "exp_avg": exp_avg,
        "exp_avg_sq": exp_avg_sq,
    }
    return step_div(params, avg_grad, rms, -hp["lr"]), new_state


# -- Newton and saddle-free Newton --------------------------------------------------------------------------

TINY = 8 * np.finfo(np.float64).eps


def newton_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    """θ − lr·(H + λI)⁻¹∇J: by the closed-form inverse of the 1×1 or 2×2 damped Hessian, and from the
    eigendecomposition of the symmetrised Hessian in more dimensions (a network's parameters)."""
    if hessian is None:
        raise ValueError("newton needs the Hessian: call update(params, grads, state, hp, hessian)")
    lam = hp["damping"]
    d = params.shape[1]
    if d > 2:
        direction = _eigen_direction(hessian, grads, lambda spectrum: spectrum + lam)
        return step_to(params, direction, -hp["lr"]), {"step": np.asarray(count(state))}
    with np.errstate(all="ignore"):
        if d == 1:
            a = hessian[:, 0, 0] + lam
            det = a
            scale = np.abs(a)
            direction = grads / a[:, None]
        else:
            a = hessian[:, 0, 0] + lam
            b = hessian[:, 0, 1]
            c = hessian[:, 1, 0]
            e = hessian[:, 1, 1] + lam
            det = a * e - b * c
            scale = np.abs(a * e) + np.abs(b * c)
            g0, g1 = grads[:, 0], grads[:, 1]
            direction = np.empty_like(grads)
            direction[:, 0] = (e * g0 - b * g1) / det
            direction[:, 1] = (a * g1 - c * g0) / det
        # singular (up to rounding) or non-finite: that particle stays where it is
        bad = (np.abs(det) <= TINY * scale) | ~np.isfinite(direction).all(axis=1)
    if bad.any():
        direction[bad] = 0.0
    return step_to(params, direction, -hp["lr"]), {"step": np.asarray(count(state))}


def saddle_free_newton_update(
    params: FloatArray,
    grads: FloatArray,
    state: State,
    hp: Mapping[str, float],
    hessian: FloatArray | None = None,
) -> tuple[FloatArray, State]:
    """θ − lr·(|H| + λI)⁻¹∇J with |H| = V|Λ|Vᵀ from a batched eigendecomposition."""
    if hessian is None:
        raise ValueError(
            "saddle_free_newton needs the Hessian: call update(params, grads, state, hp, hessian)"
        )
    lam = hp["damping"]
    direction = _eigen_direction(hessian, grads, lambda spectrum: np.abs(spectrum) + lam)
    return step_to(params, direction, -hp["lr"]), {"step": np.asarray(count(state))}


def _eigen_direction(
    hessian: FloatArray, grads: FloatArray, modify: Callable[[FloatArray], FloatArray]
) -> FloatArray:
    """V·diag(1/modify(Λ))·Vᵀg per particle, H = VΛVᵀ the symmetrised Hessian; zero for a particle whose
    modified spectrum is singular (up to rounding) or whose numbers are not finite."""
    direction: FloatArray = np.zeros_like(grads)
    ok = np.isfinite(hessian).all(axis=(1, 2)) & np.isfinite(grads).all(axis=1)
    if ok.any():
        h = hessian if ok.all() else hessian[ok]
        g = grads if ok.all() else grads[ok]
        h = 0.5 * (h + np.swapaxes(h, 1, 2))  # exactly symmetric for eigh
        lam_h, vecs = np.linalg.eigh(h)  # (M, d), (M, d, d), columns are eigenvectors
        mod = modify(lam_h)
        coef = np.einsum("mji,mj->mi", vecs, g)  # Vᵀg
        with np.errstate(all="ignore"):
            coef /= mod
            sub = np.einsum("mij,mj->mi", vecs, coef)  # V·diag(1/modify(Λ))·Vᵀg
            size = np.abs(mod)
            bad = (size.min(axis=1) <= TINY * size.max(axis=1)) | ~np.isfinite(sub).all(axis=1)
        sub[bad] = 0.0
        if ok.all():
            direction = sub
        else:
            direction[np.flatnonzero(ok)] = sub
    return direction
