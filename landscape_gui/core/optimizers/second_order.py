"""Damped Newton and saddle-free Newton (Dauphin et al., NeurIPS 2014): steps from the Hessian."""

from __future__ import annotations

from landscape_gui.core.optimizers import update_rules as r
from landscape_gui.core.optimizers.spec import Hyperparameter, Optimizer, Quantity
from landscape_gui.core.optimizers.terms import HESSIAN, learning_rate, newton_direction

OPTIMIZERS = (
    Optimizer(
        "newton",
        "Newton",
        "θ ← θ − lr·(H + λI)⁻¹∇J",
        (
            learning_rate(1.0, "learning rate: 1 is the full Newton step"),
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
            HESSIAN,
            Quantity(
                "d",
                "the Newton direction (0 where H + λI is singular)",
                "(H + λI)⁻¹∇J",
                newton_direction,
            ),
        ),
        step="−lr·d",
    ),
    Optimizer(
        "saddle_free_newton",
        "Saddle-free Newton",
        "θ ← θ − lr·(|H| + λI)⁻¹∇J,  |H| = V|Λ|Vᵀ",
        (
            learning_rate(1.0, "learning rate: 1 is the full step"),
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
            HESSIAN,
            Quantity(
                "d",
                "the saddle-free direction: H's eigenvalues made positive",
                "(|H| + λI)⁻¹∇J,  |H| = V|Λ|Vᵀ",
                newton_direction,
            ),
        ),
        step="−lr·d",
    ),
)
