"""Quasi-hyperbolic momentum and QHAdam (Ma & Yarats, ICLR 2019; facebookresearch/qhoptim)."""

from __future__ import annotations

from landscape_gui.core.optimizers import update_rules as r
from landscape_gui.core.optimizers.spec import Buffer, Hyperparameter, Optimizer, Quantity
from landscape_gui.core.optimizers.terms import (
    G_FORMULA,
    GRAD,
    WEIGHT_DECAY,
    epsilon,
    first_moment,
    learning_rate,
    qhadam_lr_eff,
    second_moment,
)

OPTIMIZERS = (
    Optimizer(
        "qhm",
        "QHM",
        f"{G_FORMULA};  b ← βb + (1−β)g;  θ ← θ − lr·[(1−ν)g + νb]",
        (
            learning_rate(1e-3, "learning rate (the momentum is dampened: lr ≈ lr_momentum/(1 − β))"),
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
            WEIGHT_DECAY,
        ),
        r.qhm_init,
        r.qhm_update,
        terms=(
            GRAD,
            Buffer("momentum_buffer", "b", "velocity: running mean of the gradients", "β·b + (1−β)·g"),
        ),
        step="−lr·[(1−ν)·g + ν·b]",
        velocity="momentum_buffer",
    ),
    Optimizer(
        "qhadam",
        "QHAdam",
        f"{G_FORMULA};  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;"
        "  θ ← θ − lr·[(1−ν₁)g + ν₁m̂]/(√[(1−ν₂)g² + ν₂v̂] + ε)",
        (
            learning_rate(1e-3),
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
            epsilon(1e-8),
            WEIGHT_DECAY,
        ),
        r.qhadam_init,
        r.qhadam_update,
        terms=(
            GRAD,
            first_moment("(1 − 1/w₁)·m + g/w₁,  w₁ = 1 + β₁ + … + β₁ᵗ⁻¹  (bias-corrected: m̂ = m)"),
            second_moment("(1 − 1/w₂)·v + g²/w₂,  w₂ = 1 + β₂ + … + β₂ᵗ⁻¹  (v̂ = v)"),
            Quantity("lr_eff", "effective step size per axis", "lr/(√[(1−ν₂)·g² + ν₂·v] + ε)", qhadam_lr_eff),
        ),
        step="−lr_eff·[(1−ν₁)·g + ν₁·m]",
        velocity="exp_avg",
        effective_lr="lr_eff",
    ),
)
