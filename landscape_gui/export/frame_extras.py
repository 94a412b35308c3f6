"""What a frame shows of the inside of one update: the glyphs a scenario's ``[view] glyphs`` asks for, and
the lines of the "step_caption" overlay.

The numbers are the core's own (:func:`landscape_gui.core.optimizers.glyphs.glyphs`,
:func:`landscape_gui.core.optimizers.captions.step_caption`), so a frame agrees with ``trace --state``. The step
caption is about the first run (the first optimizer from the first start point): a walk-through follows one
ball; a scenario puts the optimizer it explains first.
"""

from __future__ import annotations

import numpy as np

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.optimizers.captions import format_value, step_caption
from landscape_gui.core.optimizers.glyphs import glyphs
from landscape_gui.drawing.glyph_geometry import STYLE, GlyphSet, color_of, glyph_sets
from landscape_gui.drawing.overlays import LegendRow

__all__ = ["caption_lines", "glyph_legend", "glyph_sets_of"]


def glyph_sets_of(sim: Simulation, kinds: tuple[str, ...]) -> dict[str, GlyphSet]:
    """The glyphs of ``kinds`` on every ball of ``sim`` as it is now."""
    if not kinds or not sim.groups:
        return {}
    all_glyphs = [glyphs(sim, g) for g in range(len(sim.groups))]
    positions = sim.positions().reshape(-1, sim.landscape.dim)
    return glyph_sets(all_glyphs, positions, kinds, sim.landscape.domain)


def glyph_legend(sim: Simulation, sets: dict[str, GlyphSet], theme: str) -> list[LegendRow]:
    """One legend row per kind drawn: its colour, symbol, meaning and scale."""
    buffer = next((g.optimizer.velocity for g in sim.groups if g.optimizer.velocity), None)
    rows = []
    for kind, kset in sets.items():
        r, g, b = color_of(kind, theme)
        rows.append(LegendRow((r, g, b, 255), kset.legend(buffer), None, symbol=STYLE[kind][1]))
    return rows


def caption_lines(sim: Simulation, name: str = "", digits: int = 4) -> list[str]:
    """The step caption of the first run after its last step (title first); before the first step, where it
    starts."""
    if not sim.groups or not len(sim.starts):
        return []
    opt = sim.groups[0].optimizer
    who = f" · {name}" if name and name != opt.name else ""
    cap = step_caption(sim, 0, 0)
    if cap is None:
        theta = np.asarray(sim.groups[0].params[0])
        return [f"{opt.name} — before the first step{who}", f"θ = {format_value(theta, digits)}"]
    lines = cap.text_lines(digits)
    return [lines[0] + who, *lines[1:]]
