"""Optimizers as pure, vectorised update rules (in the style of optax).

Parameters are an array of shape (N, d): N particles (one per start point) in d = 1 or 2 dimensions, all
stepped by one call. Each :class:`Optimizer` has

- ``init(params) -> state``: a dict of arrays (moment buffers of shape (N, d) and a 0-d ``step`` count);
- ``update(params, grads, state, hp, hessian=None) -> (new_params, new_state)``: one step for every
  particle. It is pure: it never writes into ``params``, ``grads``, ``state`` or ``hessian``, so a caller
  may keep the old arrays. The hyperparameters ``hp`` are read at every call, so a change between two steps
  applies from the next step, with no reset of the state.

Where ``torch.optim`` has the optimizer, the rule, the hyperparameter names and their defaults are those of
torch.optim 2.13 (its single-tensor path, ``foreach=False, maximize=False, differentiable=False``),
computed with the same floating-point operations in the same order (``lerp``'s two branches, ``addcmul``,
``addcdiv``, the bias corrections), so trajectories agree with torch's to about 1e-12 in float64 (torch's
CPU kernels may fuse a multiply-add where numpy rounds twice, which is the only source of difference).

- ``gd``, ``sgd``, ``momentum``, ``nesterov``: ``torch.optim.SGD``. ``sgd`` has one more hyperparameter,
  ``noise``, the σ of the Gaussian noise the *simulation* adds to each gradient; the update ignores it.
- ``adagrad``, ``adadelta``, ``rmsprop``, ``adam``, ``adamax``: the torch optimizers of those names;
  ``adamw`` is ``torch.optim.AdamW`` and ``amsgrad`` is ``torch.optim.Adam(amsgrad=True)``.
- ``qhm`` and ``qhadam``: quasi-hyperbolic momentum and QHAdam, Ma & Yarats, "Quasi-hyperbolic momentum
  and Adam for deep learning", ICLR 2019 (arXiv:1810.06801), as in their reference implementation
  facebookresearch/qhoptim (``qhoptim.pyt.QHM`` / ``QHAdam``, gradient-type weight decay).
- ``newton``: damped Newton, θ ← θ − lr·(H + λI)⁻¹∇J. A particle whose damped Hessian is singular (or
  not finite) takes no step.
- ``saddle_free_newton``: Dauphin et al., "Identifying and attacking the saddle point problem in
  high-dimensional non-convex optimization", NeurIPS 2014: θ ← θ − lr·(|H| + λI)⁻¹∇J with
  |H| = V|Λ|Vᵀ, which turns the attraction of Newton's method towards saddles into repulsion.

Three steps of Adam on the parabola J = x² + 10y²:

>>> import numpy as np
>>> adam = get_optimizer("adam")
>>> hp = adam.resolve({"lr": 0.1})
>>> params = np.array([[1.0, 1.0]])
>>> state = adam.init(params)
>>> for _ in range(3):
...     grads = params * [2.0, 20.0]
...     params, state = adam.update(params, grads, state, hp)
>>> params.round(6)
array([[0.701586, 0.701586]])
>>> int(state["step"])
3
>>> adam.resolve({"lrr": 1.0})
Traceback (most recent call last):
...
ValueError: unknown hyperparameter 'lrr' for adam (known: lr, beta1, beta2, eps, weight_decay)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "OPTIMIZERS",
    "OPTIMIZER_IDS",
    "Hyperparameter",
    "Optimizer",
    "get_optimizer",
]

State = dict[str, np.ndarray]


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter of an optimizer, with its default and the valid (slider) range ``[low, high]``."""

    name: str
    default: float
    low: float
    high: float
    log: bool = False
    help: str = ""
    integer: bool = False

    def check(self, value: float, optimizer_id: str = "") -> float:
        """``value`` as a float, or ``ValueError`` when it is not finite, out of range or not an integer."""
        where = f" for {optimizer_id}" if optimizer_id else ""
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"hyperparameter {self.name}{where} must be a number, not {value!r}") from None
        if not math.isfinite(v):
            raise ValueError(f"hyperparameter {self.name}{where} must be finite, not {v}")
        if not self.low <= v <= self.high:
            raise ValueError(
                f"hyperparameter {self.name}{where} must lie in [{self.low:g}, {self.high:g}], not {v:g}"
            )
        if self.integer and v != int(v):
            raise ValueError(f"hyperparameter {self.name}{where} must be a whole number, not {v:g}")
        return v


@dataclass(frozen=True)
class Optimizer:
    """An update rule with its hyperparameters (see the module docstring for the contract)."""

    id: str
    name: str
    summary: str
    hyperparameters: tuple[Hyperparameter, ...]
    init: Callable[[np.ndarray], State]
    update: Callable[..., tuple[np.ndarray, State]]
    needs_hessian: bool = False

    def defaults(self) -> dict[str, float]:
        """Every hyperparameter at its default."""
        return {h.name: h.default for h in self.hyperparameters}

    def resolve(self, values: Mapping[str, float] | None = None) -> dict[str, float]:
        """Every hyperparameter, ``values`` over the defaults, each checked against its range.

        Raises ``ValueError`` for an unknown name, a value outside ``[low, high]`` or a non-finite value.
        """
        out = self.defaults()
        if values:
            known = {h.name: h for h in self.hyperparameters}
            for name, value in values.items():
                h = known.get(name)
                if h is None:
                    raise ValueError(
                        f"unknown hyperparameter {name!r} for {self.id} (known: {', '.join(known)})"
                    )
                out[name] = h.check(value, self.id)
        return out

    def hyperparameter(self, name: str) -> Hyperparameter:
        """The hyperparameter called ``name`` (``KeyError`` if there is none)."""
        for h in self.hyperparameters:
            if h.name == name:
                return h
        raise KeyError(f"unknown hyperparameter {name!r} for {self.id}")


# -- hyperparameters ----------------------------------------------------------------------------------------


def _lr(default: float, help: str = "learning rate: the step size") -> Hyperparameter:
    return Hyperparameter("lr", default, 1e-6, 10.0, log=True, help=help)


def _eps(default: float) -> Hyperparameter:
    return Hyperparameter(
        "eps", default, 1e-12, 1e-2, log=True, help="ε added to the denominator for stability"
    )


def _momentum(note: str) -> Hyperparameter:
    return Hyperparameter("momentum", 0.9, 0.0, 0.9999, help=f"μ: fraction of the last step kept ({note})")


_WD = Hyperparameter("weight_decay", 0.0, 0.0, 1.0, help="L2 penalty: adds weight_decay·θ to the gradient")
_BETA1 = Hyperparameter("beta1", 0.9, 0.0, 0.9999, help="β₁: decay rate of the running mean of gradients")
_BETA2 = Hyperparameter(
    "beta2", 0.999, 0.0, 0.9999, help="β₂: decay rate of the running mean of squared gradients"
)


# -- torch-exact arithmetic helpers -------------------------------------------------------------------------


def _lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    """``torch.lerp(start, end, weight)`` as torch's CPU kernel computes it (two branches for accuracy)."""
    d = np.subtract(end, start)
    if abs(weight) < 0.5:
        d *= weight
        d += start
    else:
        d *= 1.0 - weight
        np.subtract(end, d, out=d)
    return d


def _with_weight_decay(params: np.ndarray, grads: np.ndarray, wd: float) -> np.ndarray:
    """``grad.add(param, alpha=wd)``: a new array, or ``grads`` itself when ``wd`` is 0."""
    if wd == 0:
        return grads
    g = params * wd
    g += grads
    return g


def _step_to(params: np.ndarray, direction: np.ndarray, scale: float) -> np.ndarray:
    """``param.add(direction, alpha=scale)``, i.e. params + scale·direction, as a new array."""
    out = direction * scale
    out += params
    return out


def _step_div(params: np.ndarray, num: np.ndarray, den: np.ndarray, value: float) -> np.ndarray:
    """``param.addcdiv(num, den, value=value)``, i.e. params + (value·num)/den, as a new array."""
    out = num * value
    out /= den
    out += params
    return out


def _ema_sq(avg: np.ndarray, g: np.ndarray, decay: float) -> np.ndarray:
    """``avg.mul(decay).addcmul_(g, g, value=1 − decay)``, i.e. decay·avg + ((1 − decay)·g)·g."""
    out = avg * decay
    t = g * (1.0 - decay)
    t *= g
    out += t
    return out


def _zeros(params: np.ndarray) -> np.ndarray:
    return np.zeros_like(np.asarray(params, dtype=np.float64))  # same memory layout as the parameters


def _step0() -> np.ndarray:
    return np.zeros((), dtype=np.float64)


def _count(state: State) -> float:
    """The number of this step (1 on the first), from the state's count of steps taken."""
    return float(state["step"]) + 1.0


# -- SGD family (torch.optim.SGD) ---------------------------------------------------------------------------


def _plain_init(params: np.ndarray) -> State:
    return {"step": _step0()}


def _gd_update(params, grads, state, hp, hessian=None):
    g = _with_weight_decay(params, grads, hp["weight_decay"])
    return _step_to(params, g, -hp["lr"]), {"step": np.asarray(_count(state))}


def _momentum_init(params: np.ndarray) -> State:
    # torch creates the buffer (as a copy of the gradient) at the first step with momentum ≠ 0
    return {"step": _step0(), "momentum_buffer": _zeros(params), "has_buffer": np.zeros((), dtype=bool)}


def _sgd_momentum(params, grads, state, hp, nesterov: bool):
    lr, mom, damp = hp["lr"], hp["momentum"], hp.get("dampening", 0.0)
    g = _with_weight_decay(params, grads, hp["weight_decay"])
    new_state = {"step": np.asarray(_count(state))}
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
    return _step_to(params, g, -lr), new_state


def _momentum_update(params, grads, state, hp, hessian=None):
    return _sgd_momentum(params, grads, state, hp, nesterov=False)


def _nesterov_update(params, grads, state, hp, hessian=None):
    return _sgd_momentum(params, grads, state, hp, nesterov=True)


# -- Adagrad ------------------------------------------------------------------------------------------------


def _adagrad_init(params: np.ndarray) -> State:
    # torch starts the sum at initial_accumulator_value; init() has no hyperparameters: update adds it
    return {"step": _step0(), "sum": _zeros(params)}


def _adagrad_update(params, grads, state, hp, hessian=None):
    step = _count(state)
    g = _with_weight_decay(params, grads, hp["weight_decay"])
    clr = hp["lr"] / (1 + (step - 1) * hp["lr_decay"])
    s = g * g  # state_sum.addcmul_(g, g, value=1)
    if step == 1:
        s += state["sum"] + hp["initial_accumulator_value"]
    else:
        s += state["sum"]
    std = np.sqrt(s)
    std += hp["eps"]
    return _step_div(params, g, std, -clr), {"step": np.asarray(step), "sum": s}


# -- Adadelta -----------------------------------------------------------------------------------------------


def _adadelta_init(params: np.ndarray) -> State:
    return {"step": _step0(), "square_avg": _zeros(params), "acc_delta": _zeros(params)}


def _adadelta_update(params, grads, state, hp, hessian=None):
    rho, eps = hp["rho"], hp["eps"]
    g = _with_weight_decay(params, grads, hp["weight_decay"])
    square_avg = _ema_sq(state["square_avg"], g, rho)
    std = square_avg + eps
    np.sqrt(std, out=std)
    delta = state["acc_delta"] + eps
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= g
    acc_delta = _ema_sq(state["acc_delta"], delta, rho)
    new_state = {"step": np.asarray(_count(state)), "square_avg": square_avg, "acc_delta": acc_delta}
    return _step_to(params, delta, -hp["lr"]), new_state


# -- RMSprop ------------------------------------------------------------------------------------------------


def _rmsprop_init(params: np.ndarray) -> State:
    return {
        "step": _step0(),
        "square_avg": _zeros(params),
        "grad_avg": _zeros(params),
        "momentum_buffer": _zeros(params),
    }


def _rmsprop_update(params, grads, state, hp, hessian=None):
    alpha, mom = hp["alpha"], hp["momentum"]
    g = _with_weight_decay(params, grads, hp["weight_decay"])
    square_avg = _ema_sq(state["square_avg"], g, alpha)
    new_state = {"step": np.asarray(_count(state)), "square_avg": square_avg}
    if hp["centered"]:
        grad_avg = _lerp(state["grad_avg"], g, 1.0 - alpha)
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
        return _step_to(params, buf, -hp["lr"]), new_state
    new_state["momentum_buffer"] = state["momentum_buffer"]
    return _step_div(params, g, avg, -hp["lr"]), new_state


# -- Adam, AdamW, AMSGrad -----------------------------------------------------------------------------------


def _adam_init(params: np.ndarray) -> State:
    return {"step": _step0(), "exp_avg": _zeros(params), "exp_avg_sq": _zeros(params)}


def _amsgrad_init(params: np.ndarray) -> State:
    return {**_adam_init(params), "max_exp_avg_sq": _zeros(params)}


def _adam(params, grads, state, hp, decoupled: bool, amsgrad: bool):
    lr, beta1, beta2, wd = hp["lr"], hp["beta1"], hp["beta2"], hp["weight_decay"]
    step = _count(state)
    p, g = params, grads
    if wd != 0:
        if decoupled:
            p = params * (1 - lr * wd)
        else:
            g = _with_weight_decay(params, grads, wd)
    exp_avg = _lerp(state["exp_avg"], g, 1 - beta1)
    exp_avg_sq = _ema_sq(state["exp_avg_sq"], g, beta2)
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
    return _step_div(p, exp_avg, denom, -step_size), new_state


def _adam_update(params, grads, state, hp, hessian=None):
    return _adam(params, grads, state, hp, decoupled=False, amsgrad=False)


def _adamw_update(params, grads, state, hp, hessian=None):
    return _adam(params, grads, state, hp, decoupled=True, amsgrad=False)


def _amsgrad_update(params, grads, state, hp, hessian=None):
    return _adam(params, grads, state, hp, decoupled=False, amsgrad=True)


# -- Adamax -------------------------------------------------------------------------------------------------


def _adamax_init(params: np.ndarray) -> State:
    return {"step": _step0(), "exp_avg": _zeros(params), "exp_inf": _zeros(params)}


def _adamax_update(params, grads, state, hp, hessian=None):
    beta1 = hp["beta1"]
    step = _count(state)
    g = _with_weight_decay(params, grads, hp["weight_decay"])
    exp_avg = _lerp(state["exp_avg"], g, 1 - beta1)
    exp_inf = state["exp_inf"] * hp["beta2"]
    t = np.abs(g)
    t += hp["eps"]
    np.maximum(exp_inf, t, out=exp_inf)
    clr = hp["lr"] / (1 - beta1**step)
    new_state = {"step": np.asarray(step), "exp_avg": exp_avg, "exp_inf": exp_inf}
    return _step_div(params, exp_avg, exp_inf, -clr), new_state


# -- QHM and QHAdam (Ma & Yarats 2019, facebookresearch/qhoptim) --------------------------------------------


def _qhm_init(params: np.ndarray) -> State:
    return {"step": _step0(), "momentum_buffer": _zeros(params)}


def _qhm_update(params, grads, state, hp, hessian=None):
    lr, beta, nu = hp["lr"], hp["momentum"], hp["nu"]
    g = _with_weight_decay(params, grads, hp["weight_decay"])
    buf = state["momentum_buffer"] * beta  # buf.mul_(β).add_(1 − β, g)
    t = g * (1.0 - beta)
    buf += t
    new = _step_to(params, buf, -lr * nu)  # p.add_(−lr·ν, buf)
    t = g * (-lr * (1.0 - nu))  # p.add_(−lr·(1 − ν), g)
    new += t
    return new, {"step": np.asarray(_count(state)), "momentum_buffer": buf}


def _qhadam_init(params: np.ndarray) -> State:
    return {
        "step": _step0(),
        "beta1_weight": np.zeros(()),
        "beta2_weight": np.zeros(()),
        "exp_avg": _zeros(params),
        "exp_avg_sq": _zeros(params),
    }


def _qhadam_update(params, grads, state, hp, hessian=None):
    beta1, beta2, nu1, nu2, eps = hp["beta1"], hp["beta2"], hp["nu1"], hp["nu2"], hp["eps"]
    g = _with_weight_decay(params, grads, hp["weight_decay"])
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
        "step": np.asarray(_count(state)),
        "beta1_weight": np.asarray(w1),
        "beta2_weight": np.asarray(w2),
        "exp_avg": exp_avg,
        "exp_avg_sq": exp_avg_sq,
    }
    return _step_div(params, avg_grad, rms, -hp["lr"]), new_state


# -- Newton and saddle-free Newton --------------------------------------------------------------------------

_TINY = 8 * np.finfo(np.float64).eps


def _newton_update(params, grads, state, hp, hessian=None):
    """θ − lr·(H + λI)⁻¹∇J by the closed-form inverse of the 1×1 or 2×2 damped Hessian."""
    if hessian is None:
        raise ValueError("newton needs the Hessian: call update(params, grads, state, hp, hessian)")
    lam = hp["damping"]
    d = params.shape[1]
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
        bad = (np.abs(det) <= _TINY * scale) | ~np.isfinite(direction).all(axis=1)
    if bad.any():
        direction[bad] = 0.0
    return _step_to(params, direction, -hp["lr"]), {"step": np.asarray(_count(state))}


def _saddle_free_newton_update(params, grads, state, hp, hessian=None):
    """θ − lr·(|H| + λI)⁻¹∇J with |H| = V|Λ|Vᵀ from a batched eigendecomposition."""
    if hessian is None:
        raise ValueError(
            "saddle_free_newton needs the Hessian: call update(params, grads, state, hp, hessian)"
        )
    lam = hp["damping"]
    direction = np.zeros_like(grads)
    ok = np.isfinite(hessian).all(axis=(1, 2)) & np.isfinite(grads).all(axis=1)
    if ok.any():
        h = hessian if ok.all() else hessian[ok]
        g = grads if ok.all() else grads[ok]
        h = 0.5 * (h + np.swapaxes(h, 1, 2))  # exactly symmetric for eigh
        lam_h, vecs = np.linalg.eigh(h)  # (M, d), (M, d, d), columns are eigenvectors
        mod = np.abs(lam_h) + lam
        coef = np.einsum("mji,mj->mi", vecs, g)  # Vᵀg
        with np.errstate(all="ignore"):
            coef /= mod
            sub = np.einsum("mij,mj->mi", vecs, coef)  # V·diag(1/(|Λ| + λ))·Vᵀg
            bad = (mod.min(axis=1) <= _TINY * mod.max(axis=1)) | ~np.isfinite(sub).all(axis=1)
        sub[bad] = 0.0
        if ok.all():
            direction = sub
        else:
            direction[np.flatnonzero(ok)] = sub
    return _step_to(params, direction, -hp["lr"]), {"step": np.asarray(_count(state))}


# -- the table ----------------------------------------------------------------------------------------------

_G = "g = ∇J + wd·θ"

OPTIMIZERS: dict[str, Optimizer] = {
    o.id: o
    for o in (
        Optimizer(
            "gd",
            "Gradient descent",
            "θ ← θ − lr·(∇J + wd·θ)",
            (_lr(1e-3), _WD),
            _plain_init,
            _gd_update,
        ),
        Optimizer(
            "sgd",
            "SGD (noisy gradients)",
            "θ ← θ − lr·(∇J + σξ + wd·θ),  ξ ~ N(0, I)",
            (
                _lr(1e-3),
                _WD,
                Hyperparameter(
                    "noise",
                    1.0,
                    0.0,
                    100.0,
                    help="σ of the Gaussian noise added to each gradient (mimics mini-batch noise)",
                ),
            ),
            _plain_init,
            _gd_update,
        ),
        Optimizer(
            "momentum",
            "Momentum",
            f"{_G};  b ← μb + (1−τ)g;  θ ← θ − lr·b",
            (
                _lr(1e-3),
                _momentum("torch's default is 0, plain GD; 0.9 here"),
                Hyperparameter("dampening", 0.0, 0.0, 1.0, help="τ: scales the new gradient by 1 − τ"),
                _WD,
            ),
            _momentum_init,
            _momentum_update,
        ),
        Optimizer(
            "nesterov",
            "Nesterov momentum",
            f"{_G};  b ← μb + g;  θ ← θ − lr·(g + μb)",
            (
                _lr(1e-3),
                _momentum("torch needs > 0 for Nesterov; 0.9 here"),
                _WD,
            ),
            _momentum_init,
            _nesterov_update,
        ),
        Optimizer(
            "adagrad",
            "Adagrad",
            f"{_G};  G ← G + g²;  θ ← θ − lr/(1 + (t−1)·η)·g/(√G + ε)",
            (
                _lr(1e-2),
                Hyperparameter("lr_decay", 0.0, 0.0, 1.0, help="η: the step size is lr/(1 + (t−1)·η)"),
                _WD,
                Hyperparameter(
                    "initial_accumulator_value",
                    0.0,
                    0.0,
                    10.0,
                    help="starting value of the sum of squared gradients G (read at the first step)",
                ),
                _eps(1e-10),
            ),
            _adagrad_init,
            _adagrad_update,
        ),
        Optimizer(
            "adadelta",
            "Adadelta",
            f"{_G};  v ← ρv + (1−ρ)g²;  Δ ← √(u + ε)/√(v + ε)·g;  u ← ρu + (1−ρ)Δ²;  θ ← θ − lr·Δ",
            (
                _lr(1.0, "learning rate: scales the step Δ (1 in the original Adadelta)"),
                Hyperparameter("rho", 0.9, 0.0, 0.9999, help="ρ: decay rate of the running averages"),
                _eps(1e-6),
                _WD,
            ),
            _adadelta_init,
            _adadelta_update,
        ),
        Optimizer(
            "rmsprop",
            "RMSprop",
            f"{_G};  v ← αv + (1−α)g²;  θ ← θ − lr·g/(√v + ε)"
            "  (centered: √(v − ḡ²); momentum: b ← μb + g/(√v + ε))",
            (
                _lr(1e-2),
                Hyperparameter("alpha", 0.99, 0.0, 0.9999, help="α: decay rate of the running mean of g²"),
                _eps(1e-8),
                _WD,
                Hyperparameter("momentum", 0.0, 0.0, 0.9999, help="μ: momentum on the scaled step (0: none)"),
                Hyperparameter(
                    "centered",
                    0.0,
                    0.0,
                    1.0,
                    integer=True,
                    help="1: divide by the estimated variance √(v − ḡ²) instead of √v",
                ),
            ),
            _rmsprop_init,
            _rmsprop_update,
        ),
        Optimizer(
            "adam",
            "Adam",
            f"{_G};  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − lr·m̂/(√v̂ + ε)",
            (_lr(1e-3), _BETA1, _BETA2, _eps(1e-8), _WD),
            _adam_init,
            _adam_update,
        ),
        Optimizer(
            "adamax",
            "Adamax",
            f"{_G};  m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − lr/(1−β₁ᵗ)·m/u",
            (_lr(2e-3), _BETA1, _BETA2, _eps(1e-8), _WD),
            _adamax_init,
            _adamax_update,
        ),
        Optimizer(
            "adamw",
            "AdamW",
            "θ ← θ(1 − lr·wd);  m ← β₁m + (1−β₁)∇J;  v ← β₂v + (1−β₂)∇J²;  θ ← θ − lr·m̂/(√v̂ + ε)",
            (
                _lr(1e-3),
                _BETA1,
                _BETA2,
                _eps(1e-8),
                Hyperparameter(
                    "weight_decay",
                    1e-2,
                    0.0,
                    1.0,
                    help="decoupled weight decay: θ shrinks by lr·weight_decay·θ each step",
                ),
            ),
            _adam_init,
            _adamw_update,
        ),
        Optimizer(
            "amsgrad",
            "AMSGrad",
            f"{_G};  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  v̄ ← max(v̄, v);  θ ← θ − lr·m̂/(√(v̄/(1−β₂ᵗ))+ε)",
            (_lr(1e-3), _BETA1, _BETA2, _eps(1e-8), _WD),
            _amsgrad_init,
            _amsgrad_update,
        ),
        Optimizer(
            "qhm",
            "QHM",
            f"{_G};  b ← βb + (1−β)g;  θ ← θ − lr·[(1−ν)g + νb]",
            (
                _lr(1e-3, "learning rate (the momentum is dampened: lr ≈ lr_momentum/(1 − β))"),
                Hyperparameter(
                    "momentum", 0.999, 0.0, 0.9999, help="β: decay rate of the momentum buffer (paper: 0.999)"
                ),
                Hyperparameter(
                    "nu",
                    0.7,
                    0.0,
                    1.0,
                    help="ν: weight of the momentum buffer vs the plain gradient (paper: 0.7)",
                ),
                _WD,
            ),
            _qhm_init,
            _qhm_update,
        ),
        Optimizer(
            "qhadam",
            "QHAdam",
            f"{_G};  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;"
            "  θ ← θ − lr·[(1−ν₁)g + ν₁m̂]/(√[(1−ν₂)g² + ν₂v̂] + ε)",
            (
                _lr(1e-3),
                Hyperparameter(
                    "beta1", 0.995, 0.0, 0.9999, help="β₁: decay rate of the mean of gradients (paper: 0.995)"
                ),
                Hyperparameter(
                    "beta2",
                    0.999,
                    0.0,
                    0.9999,
                    help="β₂: decay rate of the mean of squared gradients (paper: 0.999)",
                ),
                Hyperparameter(
                    "nu1", 0.7, 0.0, 1.0, help="ν₁: weight of the mean vs the plain gradient (paper: 0.7)"
                ),
                Hyperparameter(
                    "nu2", 1.0, 0.0, 1.0, help="ν₂: weight of the mean vs the plain g² (paper: 1)"
                ),
                _eps(1e-8),
                _WD,
            ),
            _qhadam_init,
            _qhadam_update,
        ),
        Optimizer(
            "newton",
            "Newton",
            "θ ← θ − lr·(H + λI)⁻¹∇J",
            (
                _lr(1.0, "learning rate: 1 is the full Newton step"),
                Hyperparameter(
                    "damping", 0.0, 0.0, 10.0, help="λ added to the Hessian's diagonal (Levenberg–Marquardt)"
                ),
            ),
            _plain_init,
            _newton_update,
            needs_hessian=True,
        ),
        Optimizer(
            "saddle_free_newton",
            "Saddle-free Newton",
            "θ ← θ − lr·(|H| + λI)⁻¹∇J,  |H| = V|Λ|Vᵀ",
            (
                _lr(1.0, "learning rate: 1 is the full step"),
                Hyperparameter(
                    "damping",
                    1e-3,
                    1e-8,
                    10.0,
                    log=True,
                    help="λ added to |H|'s eigenvalues: keeps |H| invertible near flat directions",
                ),
            ),
            _plain_init,
            _saddle_free_newton_update,
            needs_hessian=True,
        ),
    )
}

OPTIMIZER_IDS: tuple[str, ...] = tuple(OPTIMIZERS)


def get_optimizer(optimizer_id: str) -> Optimizer:
    """The optimizer with this id; ``KeyError`` listing the valid ids for an unknown one."""
    try:
        return OPTIMIZERS[optimizer_id]
    except KeyError:
        raise KeyError(f"unknown optimizer '{optimizer_id}' (known: {', '.join(OPTIMIZER_IDS)})") from None
