"""What a whole clip will show, known before its first frame: the scenario simulated ahead.

An exported composite fixes its loss plot's axes at the first frame to the whole clip's losses, so the curves
grow into a still frame; :func:`whole_run_losses` gives them. It is Qt-free, so the exporter computes it on a
thread while Qt, OpenGL and the widgets start.

>>> from landscape_gui.core.scenario.presets import load_preset
>>> s = load_preset("rosenbrock-race")
>>> v = whole_run_losses(s, s.build_simulation().landscape)
>>> bool(v.size > s.steps and (v >= 0).all())
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from landscape_gui.core.landscapes.landscape import Landscape
    from landscape_gui.core.scenario.model import Scenario

__all__ = ["whole_run_losses"]


def whole_run_losses(scenario: Scenario, landscape: Landscape) -> np.ndarray:
    """Every finite loss of every run over the whole scenario (its own simulation, run ahead)."""
    sim = scenario.build_simulation(landscape=landscape)
    sim.step(scenario.steps)
    values = [sim.loss_history(g, i)[1] for g in range(len(sim.groups)) for i in range(len(sim.starts))]
    v = np.concatenate(values) if values else np.empty(0)
    return v[np.isfinite(v)]
