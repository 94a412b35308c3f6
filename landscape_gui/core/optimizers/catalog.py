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
``acc_delta``, ``grad_avg``, ``exp_avg``, ``exp_avg_sq``, ``exp_inf``, ``max_exp_avg_sq``, ``mu_product``; qhoptim's for QHM
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
- ``nadam`` (Dozat, "Incorporating Nesterov momentum into Adam", ICLR 2016 workshop) and ``radam`` (Liu et
  al., "On the variance of the adaptive learning rate and beyond", ICLR 2020): ``torch.optim.NAdam`` and
  ``torch.optim.RAdam``, with ``momentum_decay`` (NAdam's ψ) and the flag ``decoupled_weight_decay`` (0 or
  1) as torch has them. NAdam keeps torch's ``mu_product`` Π (one 0-d tensor per parameter in torch; here
  every coordinate carries the same value, so it is an (N, d) buffer like the others).
- ``qhm`` and ``qhadam``: quasi-hyperbolic momentum and QHAdam, Ma & Yarats, "Quasi-hyperbolic momentum
  and Adam for deep learning", ICLR 2019 (arXiv:1810.06801), as in their reference implementation
  facebookresearch/qhoptim (``qhoptim.pyt.QHM`` / ``QHAdam``, gradient-type weight decay).
- ``newton``: damped Newton, θ ← θ − lr·(H + λI)⁻¹∇J (closed form in 1-D and 2-D, the symmetrised
  Hessian's eigendecomposition in more, as when a network trains). A particle whose damped Hessian is
  singular (or not finite) takes no step.
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

from landscape_gui.core.limits import shorten
from landscape_gui.core.optimizers import adaptive, classic, quasi_hyperbolic, second_order
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

#: Every optimizer by id, in the order the window and ``landscape-gui optimizers`` list them.
OPTIMIZERS: dict[str, Optimizer] = {
    o.id: o for family in (classic, adaptive, quasi_hyperbolic, second_order) for o in family.OPTIMIZERS
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
