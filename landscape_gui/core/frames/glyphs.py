"""What the arrows on each ball show, as numbers: the optimizer's own state, not a separate estimate.

For one optimizer of a :class:`~landscape_gui.core.analysis.simulation.Simulation`, per ball (arrays of shape (N, d)):

- ``neg_gradient``: −∇J where the ball is now (the pull of the slope on the next step);
- ``velocity``: −b for the optimizer's declared velocity buffer b (``momentum_buffer``; ``exp_avg`` for the
  Adam family), the direction it carries the ball; None for optimizers without one;
- ``step``: the step actually taken by the last update, θ_t − θ_{t−1} (zeros before the first step);
- ``effective_lr``: for adaptive optimizers, the per-axis effective step size as the optimizer defines it
  (``lr_eff`` in its declaration: Adagrad lr/(√G + ε), RMSprop lr/(√v + ε), Adam lr/(√v̂ + ε), ...), from the
  last step; None for the others and before the first step.

A ball that diverged has zero arrows (nothing non-finite leaves the core).

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> from landscape_gui.core.analysis.simulation import Simulation
>>> sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("momentum", {"lr": 0.01})])
>>> sim.step(2)
>>> g = glyphs(sim, 0)
>>> bool((g.velocity == -sim.buffers(0)["momentum_buffer"]).all()), g.effective_lr is None
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.types import FloatArray

__all__ = ["Glyphs", "glyphs"]


@dataclass(frozen=True)
class Glyphs:
    """The arrows of one optimizer's balls (see the module docstring); ``velocity_buffer`` names b."""

    neg_gradient: FloatArray
    velocity: FloatArray | None
    step: FloatArray
    effective_lr: FloatArray | None
    velocity_buffer: str | None = None


def _finite(a: FloatArray, alive: FloatArray) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    ok = alive[:, None] & np.isfinite(a)
    return a if ok.all() else np.where(ok, a, 0.0)


def glyphs(sim: Simulation, group: int) -> Glyphs:
    """The glyph vectors of every ball of optimizer ``group`` (see the module docstring)."""
    g = sim.groups[group]
    opt = g.optimizer
    with np.errstate(all="ignore"):
        neg_grad = _finite(-sim.landscape.grad(g.params), g.alive)
    velocity = None
    name = opt.velocity
    if name is not None and any(b.name == name for b in opt.active_buffers(g.hp)):
        velocity = _finite(-g.state[name], g.alive)
    else:
        name = None
    ctx = sim.last_step(group)
    step = np.zeros_like(g.params) if ctx is None else _finite(ctx.step, g.alive)
    eff = None
    if ctx is not None and opt.effective_lr is not None:
        with np.errstate(all="ignore"):
            eff = _finite(opt.quantity(opt.effective_lr, ctx.hp).compute(ctx), g.alive)
    return Glyphs(neg_grad, velocity, step, eff, name)
