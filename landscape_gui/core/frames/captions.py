"""Step-by-step captions: one update of one run, in the optimizer's own formulas, with the actual numbers.

A caption is generated from the optimizer's declaration (:mod:`landscape_gui.core.optimizers.catalog`), so every
optimizer has one and a new optimizer gets one for free: where the step started (θ), the gradient the
optimizer was given (∇J), then each declared term in the order the update computes it (a state buffer
``symbol ← formula`` with its new value, or a quantity ``symbol = formula``), the step actually taken (Δθ, with
the optimizer's step formula) and the new position. The values are the optimizer's own state and quantities
(:meth:`Simulation.last_step <landscape_gui.core.analysis.simulation.Simulation.last_step>`), never recomputed
separately; the text is plain lines a view can draw.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> from landscape_gui.core.analysis.simulation import Simulation
>>> sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("adam", {"lr": 0.5})])
>>> sim.step(1)
>>> print("\\n".join(step_caption(sim, 0, 0).text_lines(digits=3)))
Adam — step 1
lr = 0.5, β₁ = 0.9, β₂ = 0.999, ε = 1e-08, wd = 0
θ = (0, 0)
∇J = (-34, -38)
g = ∇J + wd·θ = (-34, -38)
m ← β₁·m + (1−β₁)·g = (-3.4, -3.8)
v ← β₂·v + (1−β₂)·g² = (1.16, 1.44)
m̂ = m/(1−β₁ᵗ) = (-34, -38)
v̂ = v/(1−β₂ᵗ) = (1.16e+03, 1.44e+03)
lr_eff = lr/(√v̂ + ε) = (0.0147, 0.0132)
Δθ = −lr_eff·m̂ = (0.5, 0.5)
θ ← θ + Δθ = (0.5, 0.5)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.optimizers.spec import Buffer, Optimizer, StepContext
from landscape_gui.core.types import FloatArray

__all__ = ["Caption", "CaptionLine", "caption", "format_value", "step_caption"]


def format_value(value: ArrayLike, digits: int = 4) -> str:
    """A number, an (x, y) vector or a matrix, each number to ``digits`` significant digits."""
    v = np.asarray(value, dtype=np.float64)
    if v.ndim == 0:
        return f"{float(v):.{digits}g}"
    if v.ndim == 1:
        parts = ", ".join(f"{float(x):.{digits}g}" for x in v)
        return f"({parts})" if v.size > 1 else parts if v.size == 1 else "()"
    return "[" + ", ".join("[" + ", ".join(f"{float(x):.{digits}g}" for x in row) + "]" for row in v) + "]"


@dataclass(frozen=True)
class CaptionLine:
    """``symbol op formula = value``: ``op`` is ← for a state buffer (its new value) and = otherwise."""

    symbol: str
    op: str
    formula: str
    value: FloatArray
    meaning: str

    def text(self, digits: int = 4) -> str:
        formula = f" {self.formula} =" if self.formula else ""
        return f"{self.symbol} {self.op}{formula} {format_value(self.value, digits)}"


@dataclass(frozen=True)
class Caption:
    """One update of one run: a title, the settings in force, and one :class:`CaptionLine` per quantity."""

    title: str
    settings: str
    lines: tuple[CaptionLine, ...]

    def text_lines(self, digits: int = 4) -> list[str]:
        """The caption as plain lines: title, settings, then one line per quantity."""
        return [self.title, self.settings, *(line.text(digits) for line in self.lines)]

    def value(self, symbol: str) -> FloatArray:
        """The value on the line of ``symbol`` (the first such line; θ is the start, θ ← the new θ)."""
        for line in self.lines:
            if line.symbol == symbol:
                return line.value
        raise KeyError(f"no line for {symbol!r} (lines: {', '.join(x.symbol for x in self.lines)})")


def _settings(
    optimizer: Optimizer, ctx: StepContext, schedule: Schedule | None, base_lr: float | None
) -> str:
    parts = []
    for h in optimizer.hyperparameters:
        text = f"{h.sign} = {ctx.hp[h.name]:.6g}"
        if h.name == "lr" and schedule is not None and not schedule.is_constant:
            base = f", base {base_lr:.6g}" if base_lr is not None else ""
            text += f" ({schedule.id} schedule{base})"
        parts.append(text)
    return ", ".join(parts)


def caption(
    optimizer: Optimizer,
    ctx: StepContext,
    index: int,
    *,
    schedule: Schedule | None = None,
    base_lr: float | None = None,
) -> Caption:
    """The caption of particle ``index`` in the step ``ctx`` of ``optimizer`` (see the module docstring).

    ``schedule`` and ``base_lr``, when given, are named beside the learning rate in force.
    """
    one = ctx.particle(index)
    lines = [
        CaptionLine("θ", "=", "", one.theta[0], "where the step started"),
        CaptionLine("∇J", "=", "", one.grad[0], "the gradient the optimizer was given (noise included)"),
    ]
    for term in optimizer.terms:
        if not term.active(ctx.hp):
            continue
        if isinstance(term, Buffer):
            value = np.asarray(one.after[term.name])[0]
            lines.append(CaptionLine(term.symbol, "←", term.formula, value, term.meaning))
        else:
            value = np.asarray(term.compute(one))
            value = value[0] if value.ndim >= 1 and value.shape[0] == 1 else value
            lines.append(CaptionLine(term.symbol, "=", term.formula, value, term.meaning))
    lines.append(CaptionLine("Δθ", "=", optimizer.step, one.step[0], "the step taken"))
    lines.append(CaptionLine("θ", "←", "θ + Δθ", one.theta_new[0], "the new position"))
    title = f"{optimizer.name} — step {ctx.t}"
    return Caption(title, _settings(optimizer, ctx, schedule, base_lr), tuple(lines))


def step_caption(sim: Simulation, group: int, index: int) -> Caption | None:
    """The caption of the last step of run ``index`` of optimizer ``group``; None before the first step."""
    ctx = sim.last_step(group)
    if ctx is None:
        return None
    g = sim.groups[group]
    return caption(g.optimizer, ctx, index, schedule=g.schedule, base_lr=g.hp["lr"])
