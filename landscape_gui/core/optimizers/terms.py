"""The building blocks of the optimizers' declarations: common hyperparameters, state buffers and the
quantities of one update (m̂, v̂, the effective step size), computed with the update's own arithmetic
(:mod:`landscape_gui.core.optimizers.update_rules`), so a caption shows exactly the numbers the step used."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import numpy as np

from landscape_gui.core.optimizers import update_rules as r
from landscape_gui.core.optimizers.spec import Buffer, Hyperparameter, Quantity, StepContext
from landscape_gui.core.types import FloatArray

# -- hyperparameters ----------------------------------------------------------------------------------------


def learning_rate(default: float, help: str = "learning rate: the step size") -> Hyperparameter:
    return Hyperparameter("lr", default, 1e-6, 10.0, log=True, help=help)


def epsilon(default: float) -> Hyperparameter:
    return Hyperparameter(
        "eps", default, 1e-12, 1e-2, log=True, help="ε added to the denominator for stability", symbol="ε"
    )


def momentum_hp(note: str) -> Hyperparameter:
    return Hyperparameter(
        "momentum", 0.9, 0.0, 0.9999, help=f"μ: fraction of the last step kept ({note})", symbol="μ"
    )


WEIGHT_DECAY = Hyperparameter(
    "weight_decay", 0.0, 0.0, 1.0, help="L2 penalty: adds weight_decay·θ to the gradient", symbol="wd"
)
BETA1 = Hyperparameter(
    "beta1", 0.9, 0.0, 0.9999, help="β₁: decay rate of the running mean of gradients", symbol="β₁"
)
BETA2 = Hyperparameter(
    "beta2", 0.999, 0.0, 0.9999, help="β₂: decay rate of the running mean of squared gradients", symbol="β₂"
)


# -- declared quantities, computed with the update's own arithmetic ----------------------------------------


def gradient_with_decay(c: StepContext) -> FloatArray:
    return r.with_weight_decay(c.theta, c.grad, c.hp["weight_decay"])


def bias1(c: StepContext) -> float:
    return 1 - c.hp["beta1"] ** c.t


def bias2_sqrt(c: StepContext) -> float:
    root: float = (1 - c.hp["beta2"] ** c.t) ** 0.5
    return root


def adam_lr_eff(c: StepContext, key: str) -> FloatArray:
    """lr/(√v̂ + ε) as torch's Adam computes its denominator: √v/√(1 − β₂ᵗ) + ε."""
    denom = np.sqrt(c.after[key])
    denom /= bias2_sqrt(c)
    denom += c.hp["eps"]
    return c.hp["lr"] / denom


def rms_denominator(c: StepContext) -> FloatArray:
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


def adadelta_delta(c: StepContext) -> FloatArray:
    std = c.after["square_avg"] + c.hp["eps"]
    np.sqrt(std, out=std)
    delta = c.before["acc_delta"] + c.hp["eps"]
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= gradient_with_decay(c)
    return delta


def adadelta_lr_eff(c: StepContext) -> FloatArray:
    std = np.sqrt(c.after["square_avg"] + c.hp["eps"])
    return c.hp["lr"] * np.sqrt(c.before["acc_delta"] + c.hp["eps"]) / std


def qhadam_lr_eff(c: StepContext) -> FloatArray:
    g = gradient_with_decay(c)
    nu2 = c.hp["nu2"]
    rms = c.after["exp_avg_sq"] * nu2
    if nu2 != 1.0:
        rms += (g * g) * (1.0 - nu2)
    np.sqrt(rms, out=rms)
    if c.hp["eps"] != 0.0:
        rms += c.hp["eps"]
    return c.hp["lr"] / rms


def newton_direction(c: StepContext) -> FloatArray:
    """The direction d of θ_new = θ − lr·d, from the step actually taken."""
    return -c.step / c.hp["lr"]


GRAD = Quantity("g", "the gradient, with weight decay", "∇J + wd·θ", gradient_with_decay)


def _hessian(c: StepContext) -> FloatArray:
    # only the Newton optimizers declare H, and their update requires the Hessian (ValueError without it)
    return cast(FloatArray, c.hessian)


HESSIAN = Quantity("H", "the Hessian ∇²J where the step was taken", "∇²J", _hessian)


def first_moment(formula: str = "β₁·m + (1−β₁)·g") -> Buffer:
    return Buffer("exp_avg", "m", "running mean of the gradients (first moment)", formula)


def second_moment(formula: str = "β₂·v + (1−β₂)·g²") -> Buffer:
    return Buffer("exp_avg_sq", "v", "running mean of the squared gradients (second moment)", formula)


M_HAT = Quantity(
    "m̂", "bias-corrected mean of the gradients", "m/(1−β₁ᵗ)", lambda c: c.after["exp_avg"] / bias1(c)
)
V_HAT = Quantity(
    "v̂",
    "bias-corrected mean of the squared gradients",
    "v/(1−β₂ᵗ)",
    lambda c: c.after["exp_avg_sq"] / (1 - c.hp["beta2"] ** c.t),
)
ADAM_LR = Quantity(
    "lr_eff", "effective step size per axis", "lr/(√v̂ + ε)", lambda c: adam_lr_eff(c, "exp_avg_sq")
)


def decoupled(hp: Mapping[str, float]) -> bool:
    return bool(hp["decoupled_weight_decay"])


def coupled(hp: Mapping[str, float]) -> bool:
    return not hp["decoupled_weight_decay"]


DECOUPLED = Hyperparameter(
    "decoupled_weight_decay",
    0.0,
    0.0,
    1.0,
    integer=True,
    help="1: decoupled weight decay (θ shrinks by lr·weight_decay·θ, as AdamW); 0: added to the gradient",
)
#: g with weight decay added to the gradient, or (decoupled) the gradient itself
GRAD_COUPLED = (
    Quantity("g", "the gradient, with weight decay", "∇J + wd·θ", gradient_with_decay, when=coupled),
    Quantity("g", "the gradient (the weight decay is decoupled)", "∇J", lambda c: c.grad, when=decoupled),
)


def v_hat_denominator(c: StepContext) -> FloatArray:
    """NAdam's √(v/(1−β₂ᵗ)) + ε, as torch computes it."""
    denom = c.after["exp_avg_sq"] / (1 - c.hp["beta2"] ** c.t)
    np.sqrt(denom, out=denom)
    denom += c.hp["eps"]
    return denom


def radam_lr_eff(c: StepContext) -> FloatArray:
    """lr·r_t·√(1−β₂ᵗ)/(√v + ε) where ρ_t > 5, else lr on every axis (torch's arithmetic)."""
    rho_inf, rho_t = r.radam_rho(c.hp, c.t)
    if rho_t <= 5.0:
        return np.full_like(c.after["exp_avg"], c.hp["lr"])
    adaptive = np.sqrt(c.after["exp_avg_sq"])
    adaptive += c.hp["eps"]
    np.reciprocal(adaptive, out=adaptive)
    adaptive *= (1 - c.hp["beta2"] ** c.t) ** 0.5
    return c.hp["lr"] * adaptive * r.radam_rect(rho_inf, rho_t)


def radam_rect_of(c: StepContext) -> float:
    rho_inf, rho_t = r.radam_rho(c.hp, c.t)
    return r.radam_rect(rho_inf, rho_t) if rho_t > 5.0 else float("nan")


def momentum_on(hp: Mapping[str, float]) -> bool:
    return hp["momentum"] != 0


def momentum_off(hp: Mapping[str, float]) -> bool:
    return hp["momentum"] == 0


#: The gradient the weight decay is added to, as the captions write it.
G_FORMULA = "g = ∇J + wd·θ"
