"""Gradient descent, stochastic gradient descent, heavy-ball and Nesterov momentum: ``torch.optim.SGD``."""

from __future__ import annotations

from landscape_gui.core.optimizers import update_rules as r
from landscape_gui.core.optimizers.spec import Buffer, Hyperparameter, Optimizer
from landscape_gui.core.optimizers.terms import (
    G_FORMULA,
    GRAD,
    WEIGHT_DECAY,
    learning_rate,
    momentum_hp,
    momentum_on,
)

OPTIMIZERS = (
    Optimizer(
        "gd",
        "Gradient descent",
        "θ ← θ − lr·(∇J + wd·θ)",
        (learning_rate(1e-3), WEIGHT_DECAY),
        r.plain_init,
        r.gd_update,
        terms=(GRAD,),
        step="−lr·g",
    ),
    Optimizer(
        "sgd",
        "SGD (noisy gradients)",
        "θ ← θ − lr·(∇J + σξ + wd·θ),  ξ ~ N(0, I)",
        (
            learning_rate(1e-3),
            WEIGHT_DECAY,
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
        terms=(GRAD,),
        step="−lr·g",
    ),
    Optimizer(
        "momentum",
        "Momentum",
        f"{G_FORMULA};  b ← μb + (1−τ)g;  θ ← θ − lr·b",
        (
            learning_rate(1e-3),
            momentum_hp("torch's default is 0, plain GD; 0.9 here"),
            Hyperparameter(
                "dampening", 0.0, 0.0, 1.0, help="τ: scales the new gradient by 1 − τ", symbol="τ"
            ),
            WEIGHT_DECAY,
        ),
        r.momentum_init,
        r.momentum_update,
        terms=(
            GRAD,
            Buffer(
                "momentum_buffer",
                "b",
                "velocity: the gradients summed with decay μ",
                "μ·b + (1−τ)·g  (b = g at the first step)",
                when=momentum_on,
            ),
        ),
        step="−lr·b  (μ = 0: −lr·g)",
        velocity="momentum_buffer",
    ),
    Optimizer(
        "nesterov",
        "Nesterov momentum",
        f"{G_FORMULA};  b ← μb + g;  θ ← θ − lr·(g + μb)",
        (
            learning_rate(1e-3),
            momentum_hp("torch needs > 0 for Nesterov; 0.9 here"),
            WEIGHT_DECAY,
        ),
        r.momentum_init,
        r.nesterov_update,
        terms=(
            GRAD,
            Buffer(
                "momentum_buffer",
                "b",
                "velocity: the gradients summed with decay μ",
                "μ·b + g  (b = g at the first step)",
                when=momentum_on,
            ),
        ),
        step="−lr·(g + μ·b)  (look-ahead)",
        velocity="momentum_buffer",
    ),
)
