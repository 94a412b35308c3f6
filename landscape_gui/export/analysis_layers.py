"""What a scenario's [basins] section adds to its exported frames: the basin colouring of its first optimizer
draped on the surface, and legend rows with each outcome's share (the window's basins view, computed once:
the final grid, no progressive refinement).

The map/composite export views can colour their map with the same ``axes`` and ``rgba``
(:meth:`~landscape_gui.drawing.map_view.MapView.set_basins`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape_gui.core.analysis.basins import BasinMap, BasinProblem, basin_map, outcome_name
from landscape_gui.core.scenario.files import Scenario
from landscape_gui.drawing.basin_image import basin_rgba, outcome_palette
from landscape_gui.drawing.overlays import LegendRow

#: Legend rows of outcomes at most (the rest summed in one row).
MAX_BASIN_ROWS = 6


@dataclass(frozen=True)
class BasinLayer:
    """A basin map ready to draw: its sample axes, RGBA per sample (``rgba[ix, iy]``) and legend rows."""

    map: BasinMap
    axes: tuple[np.ndarray, ...]
    rgba: np.ndarray
    rows: list[LegendRow]


def basin_layer(scenario: Scenario, landscape) -> BasinLayer | None:
    """The basins of the scenario's first optimizer over ``landscape`` (None without [basins] or optimizers)."""
    b = scenario.basins
    if b is None or not scenario.optimizers:
        return None
    o = scenario.optimizers[0]
    problem = BasinProblem(
        landscape,
        o.id,
        dict(o.params),
        steps=scenario.steps,
        tol=b.tol,
        noise=scenario.noise,
        seed=scenario.seed,
    )
    m = basin_map(problem, b.grid)
    palette = outcome_palette(m.points)
    shown = [x for x in m.outcomes() if x.count]
    rows = []
    name = o.label or o.id
    for x in shown[:MAX_BASIN_ROWS] if len(shown) <= MAX_BASIN_ROWS else shown[: MAX_BASIN_ROWS - 1]:
        star = "★ " if x.is_global else ""
        rows.append(
            LegendRow(tuple(palette[x.label].tolist()), f"{star}{outcome_name(x)}: {100 * x.share:.1f} %")
        )
    rest = shown[len(rows) :]
    if rest:
        rows.append(
            LegendRow(
                (128, 128, 128, 255), f"{len(rest)} more outcomes: {100 * sum(x.share for x in rest):.1f} %"
            )
        )
    rows.insert(0, LegendRow((0, 0, 0, 0), f"basins of {name}:"))
    rows.append(LegendRow((0, 0, 0, 0), f"global minimum reached: {100 * m.global_share:.1f} %"))
    return BasinLayer(m, m.axes, basin_rgba(m.labels, m.points), rows)
