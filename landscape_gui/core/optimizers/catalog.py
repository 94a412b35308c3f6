"""Optimizers as pure, vectorised update rules (in the style of optax), each with its declaration.

Parameters are an array of shape (N, d): N particles (one per start point) in d = 1 or 2 dimensions, all
stepped by one call. Each :class:`Optimizer` has

- ``init(params) -> state``: a dict of arrays (moment buffers of shape (N, d) and a 0-d ``step`` count);
- ``update(params, grads, state, hp, hessian=None) -> (new_params, new_state)``: one step for every
  particle. It is pure: it never writes into ``params``, ``grads``, ``state`` or ``hessian``, so a caller
  may keep the old arrays. The hyperparameters ``hp`` are read at every call, so a change between two steps
  applies from the next step, with no reset of the state.

and declares (see :mod:`landscape_gui.core.optimizers.spec`) its hyperparameters, the buffers it keeps between
steps (under torch.optim's names where torch has the optimizer: ``momentum_buffer``, ``sum``, ``square_avg``,
``acc_delta``, ``grad_avg``, ``exp_avg``, ``exp_avg_sq``, ``exp_inf``, ``max_exp_avg_sq``; qhoptim's for QHM
and QHAdam), the other quantities of one update (m̂, v̂, the effective step size ``lr_eff``) in the order the
update computes them, and the formula of its step. Captions, glyphs and ``trace --state`` are generated from
these declarations, so a new optimizer gets them for free.

Where ``torch.optim`` has the optimizer, the rule, the hyperparameter names and their defaults are those of
torch.optim 2.13 (its single-tensor path, ``foreach=False, maximize=False, differentiable=False``),
computed with the same floating-point operations in the same order (``lerp``'s two branches, ``addcmul``,
``addcdiv``, the bias corrections), so trajectories agree with torch's to about 1e-12 in float64 (torch's
CPU kernels may fuse a multiply-add where numpy rounds twice, which is the only source of difference). The
rules themselves are in :mod:`landscape_gui.core.optimizers.update_rules`.

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
>>> [b.name for b in adam.buffers]
['exp_avg', 'exp_avg_sq']
>>> adam.resolve({"lrr": 1.0})
Traceback (most recent call last):
...
ValueError: unknown hyperparameter 'lrr' for adam (known: lr, beta1, beta2, eps, weight_decay)
"""

from __future__ import annotations

import numpy as np

from landscape_gui.core.limits import shorten
from landscape_gui.core.optimizers import update_rules as r
from landscape_gui.core.optimizers.spec import Buffer, Hyperparameter, Optimizer, Quantity, StepContext

__all__ = [
    "OPTIMIZERS",
    "OPTIMIZER_IDS",
    "Buffer",
    "Hyperparameter",
    "Optimizer",
    "Quantity",
    "StepContext",
    "get_optimizer",
]


# -- hyperparameters ----------------------------------------------------------------------------------------


def _lr(default: float, help: str = "learning rate: the step size") -> Hyperparameter:
    return Hyperparameter("lr", default, 1e-6, 10.0, log=True, help=help)


def _eps(default: float) -> Hyperparameter:
    return Hyperparameter(
        "eps", default, 1e-12, 1e-2, log=True, help="ε added to the denominator for stability", symbol="ε"
    )


def _momentum(note: str) -> Hyperparameter:
    return Hyperparameter(
        "momentum", 0.9, 0.0, 0.9999, help=f"μ: fraction of the last step kept ({note})", symbol="μ"
    )


_WD = Hyperparameter(
    "weight_decay", 0.0, 0.0, 1.0, help="L2 penalty: adds weight_decay·θ to the gradient", symbol="wd"
)
_BETA1 = Hyperparameter(
    "beta1", 0.9, 0.0, 0.9999, help="β₁: decay rate of the running mean of gradients", symbol="β₁"
)
_BETA2 = Hyperparameter(
    "beta2", 0.999, 0.0, 0.9999, help="β₂: decay rate of the running mean of squared gradients", symbol="β₂"
)


# -- declared quantities, computed with the update's own arithmetic ----------------------------------------


def _g(c: StepContext) -> np.ndarray:
    return r.with_weight_decay(c.theta, c.grad, c.hp["weight_decay"])


def _bias1(c: StepContext) -> float:
    return 1 - c.hp["beta1"] ** c.t


def _bias2_sqrt(c: StepContext) -> float:
    return (1 - c.hp["beta2"] ** c.t) ** 0.5


def _adam_lr_eff(c: StepContext, key: str) -> np.ndarray:
    """lr/(√v̂ + ε) as torch's Adam computes its denominator: √v/√(1 − β₂ᵗ) + ε."""
    denom = np.sqrt(c.after[key])
    denom /= _bias2_sqrt(c)
    denom += c.hp["eps"]
    return c.hp["lr"] / denom


def _rms_denominator(c: StepContext) -> np.ndarray:
    """RMSprop's √v + ε, or √(v − ḡ²) + ε when centered."""
    v = c.after["square_avg"]
    if c.hp["centered"]:
        avg = c.after["grad_avg"] * c.after["grad_avg"]
        np.subtract(v, avg, out=avg)
        np.sqrt(avg, out=avg)
    else:
        avg = np.sqrt(v)
    avg += c.hp["eps"]
    return avg


def _adadelta_delta(c: StepContext) -> np.ndarray:
    std = c.after["square_avg"] + c.hp["eps"]
    np.sqrt(std, out=std)
    delta = c.before["acc_delta"] + c.hp["eps"]
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= _g(c)
    return delta


def _adadelta_lr_eff(c: StepContext) -> np.ndarray:
    std = np.sqrt(c.after["square_avg"] + c.hp["eps"])
    return c.hp["lr"] * np.sqrt(c.before["acc_delta"] + c.hp["eps"]) / std


def _qhadam_lr_eff(c: StepContext) -> np.ndarray:
    g = _g(c)
    nu2 = c.hp["nu2"]
    rms = c.after["exp_avg_sq"] * nu2
    if nu2 != 1.0:
        rms += (g * g) * (1.0 - nu2)
    np.sqrt(rms, out=rms)
    if c.hp["eps"] != 0.0:
        rms += c.hp["eps"]
    return c.hp["lr"] / rms


def _newton_direction(c: StepContext) -> np.ndarray:
    """The direction d of θ_new = θ − lr·d, from the step actually taken."""
    return -c.step / c.hp["lr"]


_GRAD = Quantity("g", "the gradient, with weight decay", "∇J + wd·θ", _g)
_HESSIAN = Quantity("H", "the Hessian ∇²J where the step was taken", "∇²J", lambda c: c.hessian)


def _m(formula: str = "β₁·m + (1−β₁)·g") -> Buffer:
    return Buffer("exp_avg", "m", "running mean of the gradients (first moment)", formula)


def _v(formula: str = "β₂·v + (1−β₂)·g²") -> Buffer:
    return Buffer("exp_avg_sq", "v", "running mean of the squared gradients (second moment)", formula)


_M_HAT = Quantity(
    "m̂", "bias-corrected mean of the gradients", "m/(1−β₁ᵗ)", lambda c: c.after["exp_avg"] / _bias1(c)
)
_V_HAT = Quantity(
    "v̂",
    "bias-corrected mean of the squared gradients",
    "v/(1−β₂ᵗ)",
    lambda c: c.after["exp_avg_sq"] / (1 - c.hp["beta2"] ** c.t),
)
_ADAM_LR = Quantity(
    "lr_eff", "effective step size per axis", "lr/(√v̂ + ε)", lambda c: _adam_lr_eff(c, "exp_avg_sq")
)


def _momentum_on(hp) -> bool:
    return hp["momentum"] != 0


def _momentum_off(hp) -> bool:
    return hp["momentum"] == 0


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
            r.plain_init,
            r.gd_update,
            terms=(_GRAD,),
            step="−lr·g",
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
                    symbol="σ",
                ),
            ),
            r.plain_init,
            r.gd_update,
            terms=(_GRAD,),
            step="−lr·g",
        ),
        Optimizer(
            "momentum",
            "Momentum",
            f"{_G};  b ← μb + (1−τ)g;  θ ← θ − lr·b",
            (
                _lr(1e-3),
                _momentum("torch's default is 0, plain GD; 0.9 here"),
                Hyperparameter(
                    "dampening", 0.0, 0.0, 1.0, help="τ: scales the new gradient by 1 − τ", symbol="τ"
                ),
                _WD,
            ),
            r.momentum_init,
            r.momentum_update,
            terms=(
                _GRAD,
                Buffer(
                    "momentum_buffer",
                    "b",
                    "velocity: the gradients summed with decay μ",
                    "μ·b + (1−τ)·g  (b = g at the first step)",
                    when=_momentum_on,
                ),
            ),
            step="−lr·b  (μ = 0: −lr·g)",
            velocity="momentum_buffer",
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
            r.momentum_init,
            r.nesterov_update,
            terms=(
                _GRAD,
                Buffer(
                    "momentum_buffer",
                    "b",
                    "velocity: the gradients summed with decay μ",
                    "μ·b + g  (b = g at the first step)",
                    when=_momentum_on,
                ),
            ),
            step="−lr·(g + μ·b)  (look-ahead)",
            velocity="momentum_buffer",
        ),
        Optimizer(
            "adagrad",
            "Adagrad",
            f"{_G};  G ← G + g²;  θ ← θ − lr/(1 + (t−1)·η)·g/(√G + ε)",
            (
                _lr(1e-2),
                Hyperparameter(
                    "lr_decay", 0.0, 0.0, 1.0, help="η: the step size is lr/(1 + (t−1)·η)", symbol="η"
                ),
                _WD,
                Hyperparameter(
                    "initial_accumulator_value",
                    0.0,
                    0.0,
                    10.0,
                    help="starting value of the sum of squared gradients G (read at the first step)",
                    symbol="G₀",
                ),
                _eps(1e-10),
            ),
            r.adagrad_init,
            r.adagrad_update,
            terms=(
                _GRAD,
                Buffer(
                    "sum", "G", "sum of the squared gradients so far", "G + g²  (G = G₀ before the first)"
                ),
                Quantity(
                    "lr_eff",
                    "effective step size per axis",
                    "lr/(1 + (t−1)·η)/(√G + ε)",
                    lambda c: (
                        c.hp["lr"]
                        / (1 + (c.t - 1) * c.hp["lr_decay"])
                        / (np.sqrt(c.after["sum"]) + c.hp["eps"])
                    ),
                ),
            ),
            step="−lr_eff·g",
            effective_lr="lr_eff",
        ),
        Optimizer(
            "adadelta",
            "Adadelta",
            f"{_G};  v ← ρv + (1−ρ)g²;  Δ ← √(u + ε)/√(v + ε)·g;  u ← ρu + (1−ρ)Δ²;  θ ← θ − lr·Δ",
            (
                _lr(1.0, "learning rate: scales the step Δ (1 in the original Adadelta)"),
                Hyperparameter(
                    "rho", 0.9, 0.0, 0.9999, help="ρ: decay rate of the running averages", symbol="ρ"
                ),
                _eps(1e-6),
                _WD,
            ),
            r.adadelta_init,
            r.adadelta_update,
            terms=(
                _GRAD,
                Buffer("square_avg", "v", "running mean of the squared gradients", "ρ·v + (1−ρ)·g²"),
                Quantity("lr_eff", "effective step size per axis", "lr·√(u + ε)/√(v + ε)", _adadelta_lr_eff),
                Quantity("Δ", "the unit-corrected gradient", "√(u + ε)/√(v + ε)·g", _adadelta_delta),
                Buffer("acc_delta", "u", "running mean of the squared updates Δ²", "ρ·u + (1−ρ)·Δ²"),
            ),
            step="−lr·Δ",
            effective_lr="lr_eff",
        ),
        Optimizer(
            "rmsprop",
            "RMSprop",
            f"{_G};  v ← αv + (1−α)g²;  θ ← θ − lr·g/(√v + ε)"
            "  (centered: √(v − ḡ²); momentum: b ← μb + g/(√v + ε))",
            (
                _lr(1e-2),
                Hyperparameter(
                    "alpha", 0.99, 0.0, 0.9999, help="α: decay rate of the running mean of g²", symbol="α"
                ),
                _eps(1e-8),
                _WD,
                Hyperparameter(
                    "momentum",
                    0.0,
                    0.0,
                    0.9999,
                    help="μ: momentum on the scaled step (0: none)",
                    symbol="μ",
                ),
                Hyperparameter(
                    "centered",
                    0.0,
                    0.0,
                    1.0,
                    integer=True,
                    help="1: divide by the estimated variance √(v − ḡ²) instead of √v",
                ),
            ),
            r.rmsprop_init,
            r.rmsprop_update,
            terms=(
                _GRAD,
                Buffer("square_avg", "v", "running mean of the squared gradients", "α·v + (1−α)·g²"),
                Buffer(
                    "grad_avg",
                    "ḡ",
                    "running mean of the gradients (centered only)",
                    "α·ḡ + (1−α)·g",
                    when=lambda hp: bool(hp["centered"]),
                ),
                Quantity(
                    "lr_eff",
                    "effective step size per axis",
                    "lr/(√v + ε)",
                    lambda c: c.hp["lr"] / _rms_denominator(c),
                    when=lambda hp: not hp["centered"],
                ),
                Quantity(
                    "lr_eff",
                    "effective step size per axis, from the variance of the gradients",
                    "lr/(√(v − ḡ²) + ε)",
                    lambda c: c.hp["lr"] / _rms_denominator(c),
                    when=lambda hp: bool(hp["centered"]),
                ),
                Buffer(
                    "momentum_buffer",
                    "b",
                    "velocity: the scaled gradients summed with decay μ",
                    "μ·b + g·lr_eff/lr",
                    when=lambda hp: hp["momentum"] > 0,
                ),
            ),
            step="−lr_eff·g  (momentum: −lr·b)",
            velocity="momentum_buffer",
            effective_lr="lr_eff",
        ),
        Optimizer(
            "adam",
            "Adam",
            f"{_G};  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − lr·m̂/(√v̂ + ε)",
            (_lr(1e-3), _BETA1, _BETA2, _eps(1e-8), _WD),
            r.adam_init,
            r.adam_update,
            terms=(_GRAD, _m(), _v(), _M_HAT, _V_HAT, _ADAM_LR),
            step="−lr_eff·m̂",
            velocity="exp_avg",
            effective_lr="lr_eff",
        ),
        Optimizer(
            "adamax",
            "Adamax",
            f"{_G};  m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − lr/(1−β₁ᵗ)·m/u",
            (_lr(2e-3), _BETA1, _BETA2, _eps(1e-8), _WD),
            r.adamax_init,
            r.adamax_update,
            terms=(
                _GRAD,
                _m(),
                Buffer("exp_inf", "u", "decaying maximum of |g| (infinity norm)", "max(β₂·u, |g| + ε)"),
                _M_HAT,
                Quantity(
                    "lr_eff",
                    "effective step size per axis",
                    "lr/u",
                    lambda c: c.hp["lr"] / c.after["exp_inf"],
                ),
            ),
            step="−lr_eff·m̂",
            velocity="exp_avg",
            effective_lr="lr_eff",
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
                    symbol="wd",
                ),
            ),
            r.adam_init,
            r.adamw_update,
            terms=(_m("β₁·m + (1−β₁)·∇J"), _v("β₂·v + (1−β₂)·∇J²"), _M_HAT, _V_HAT, _ADAM_LR),
            step="−lr·wd·θ − lr_eff·m̂  (decoupled weight decay)",
            velocity="exp_avg",
            effective_lr="lr_eff",
        ),
        Optimizer(
            "amsgrad",
            "AMSGrad",
            f"{_G};  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  v̄ ← max(v̄, v);  θ ← θ − lr·m̂/(√(v̄/(1−β₂ᵗ))+ε)",
            (_lr(1e-3), _BETA1, _BETA2, _eps(1e-8), _WD),
            r.amsgrad_init,
            r.amsgrad_update,
            terms=(
                _GRAD,
                _m(),
                _v(),
                Buffer("max_exp_avg_sq", "v̄", "largest second moment so far", "max(v̄, v)"),
                _M_HAT,
                Quantity(
                    "lr_eff",
                    "effective step size per axis",
                    "lr/(√(v̄/(1−β₂ᵗ)) + ε)",
                    lambda c: _adam_lr_eff(c, "max_exp_avg_sq"),
                ),
            ),
            step="−lr_eff·m̂",
            velocity="exp_avg",
            effective_lr="lr_eff",
        ),
        Optimizer(
            "qhm",
            "QHM",
            f"{_G};  b ← βb + (1−β)g;  θ ← θ − lr·[(1−ν)g + νb]",
            (
                _lr(1e-3, "learning rate (the momentum is dampened: lr ≈ lr_momentum/(1 − β))"),
                Hyperparameter(
                    "momentum",
                    0.999,
                    0.0,
                    0.9999,
                    help="β: decay rate of the momentum buffer (paper: 0.999)",
                    symbol="β",
                ),
                Hyperparameter(
                    "nu",
                    0.7,
                    0.0,
                    1.0,
                    help="ν: weight of the momentum buffer vs the plain gradient (paper: 0.7)",
                    symbol="ν",
                ),
                _WD,
            ),
            r.qhm_init,
            r.qhm_update,
            terms=(
                _GRAD,
                Buffer("momentum_buffer", "b", "velocity: running mean of the gradients", "β·b + (1−β)·g"),
            ),
            step="−lr·[(1−ν)·g + ν·b]",
            velocity="momentum_buffer",
        ),
        Optimizer(
            "qhadam",
            "QHAdam",
            f"{_G};  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;"
            "  θ ← θ − lr·[(1−ν₁)g + ν₁m̂]/(√[(1−ν₂)g² + ν₂v̂] + ε)",
            (
                _lr(1e-3),
                Hyperparameter(
                    "beta1",
                    0.995,
                    0.0,
                    0.9999,
                    help="β₁: decay rate of the mean of gradients (paper: 0.995)",
                    symbol="β₁",
                ),
                Hyperparameter(
                    "beta2",
                    0.999,
                    0.0,
                    0.9999,
                    help="β₂: decay rate of the mean of squared gradients (paper: 0.999)",
                    symbol="β₂",
                ),
                Hyperparameter(
                    "nu1",
                    0.7,
                    0.0,
                    1.0,
                    help="ν₁: weight of the mean vs the plain gradient (paper: 0.7)",
                    symbol="ν₁",
                ),
                Hyperparameter(
                    "nu2",
                    1.0,
                    0.0,
                    1.0,
                    help="ν₂: weight of the mean vs the plain g² (paper: 1)",
                    symbol="ν₂",
                ),
                _eps(1e-8),
                _WD,
            ),
            r.qhadam_init,
            r.qhadam_update,
            terms=(
                _GRAD,
                _m("(1 − 1/w₁)·m + g/w₁,  w₁ = 1 + β₁ + … + β₁ᵗ⁻¹  (bias-corrected: m̂ = m)"),
                _v("(1 − 1/w₂)·v + g²/w₂,  w₂ = 1 + β₂ + … + β₂ᵗ⁻¹  (v̂ = v)"),
                Quantity(
                    "lr_eff", "effective step size per axis", "lr/(√[(1−ν₂)·g² + ν₂·v] + ε)", _qhadam_lr_eff
                ),
            ),
            step="−lr_eff·[(1−ν₁)·g + ν₁·m]",
            velocity="exp_avg",
            effective_lr="lr_eff",
        ),
        Optimizer(
            "newton",
            "Newton",
            "θ ← θ − lr·(H + λI)⁻¹∇J",
            (
                _lr(1.0, "learning rate: 1 is the full Newton step"),
                Hyperparameter(
                    "damping",
                    0.0,
                    0.0,
                    10.0,
                    help="λ added to the Hessian's diagonal (Levenberg–Marquardt)",
                    symbol="λ",
                ),
            ),
            r.plain_init,
            r.newton_update,
            needs_hessian=True,
            terms=(
                _HESSIAN,
                Quantity(
                    "d",
                    "the Newton direction (0 where H + λI is singular)",
                    "(H + λI)⁻¹∇J",
                    _newton_direction,
                ),
            ),
            step="−lr·d",
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
                    symbol="λ",
                ),
            ),
            r.plain_init,
            r.saddle_free_newton_update,
            needs_hessian=True,
            terms=(
                _HESSIAN,
                Quantity(
                    "d",
                    "the saddle-free direction: H's eigenvalues made positive",
                    "(|H| + λI)⁻¹∇J,  |H| = V|Λ|Vᵀ",
                    _newton_direction,
                ),
            ),
            step="−lr·d",
        ),
    )
}

OPTIMIZER_IDS: tuple[str, ...] = tuple(OPTIMIZERS)


def get_optimizer(optimizer_id: str) -> Optimizer:
    """The optimizer with this id; ``KeyError`` listing the valid ids for an unknown one."""
    try:
        return OPTIMIZERS[optimizer_id]
    except KeyError:
        raise KeyError(
            f"unknown optimizer '{shorten(str(optimizer_id))}' (known: {', '.join(OPTIMIZER_IDS)})"
        ) from None
