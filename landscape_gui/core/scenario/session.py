"""What a session in the window starts from and how it is edited without breaking: the default scenario, start
points that show something on any landscape, and learning rates that move visibly within seconds.

>>> s = default_scenario()
>>> s.landscape.function, [o.id for o in s.optimizers], len(s.starts)
('two_wells', ['gd', 'momentum', 'adam'], 2)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.landscapes.defined import defined_at
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.core.scenario.model import LandscapeSpec, OptimizerSpec, Scenario
from landscape_gui.core.types import FloatArray

__all__ = [
    "DEFAULT_LANDSCAPE",
    "DEMO_HYPERPARAMETERS",
    "default_scenario",
    "default_starts",
    "demo_optimizer",
]

DEFAULT_LANDSCAPE = "two_wells"
DEFAULT_OPTIMIZERS = ("gd", "momentum", "adam")
#: Steps a run in the window takes before it stops (the window's Max steps).
DEFAULT_STEPS = 2000
#: Learning rates that make each optimizer move visibly within seconds on the built-in landscapes (the core's
#: torch defaults, e.g. lr = 1e-3 for gradient descent, are right for networks but slow for a lecture).
#: "Reset to defaults" in the panel restores the core's declared defaults.
DEMO_HYPERPARAMETERS = {
    "gd": {"lr": 0.02},
    "sgd": {"lr": 0.02, "noise": 1.0},
    "momentum": {"lr": 0.01},
    "nesterov": {"lr": 0.01},
    "adagrad": {"lr": 0.3},
    "rmsprop": {"lr": 0.02},
    "adam": {"lr": 0.05},
    "adamax": {"lr": 0.05},
    "adamw": {"lr": 0.05},
    "amsgrad": {"lr": 0.05},
    "nadam": {"lr": 0.05},
    "radam": {"lr": 0.05},
    "qhm": {"lr": 0.02, "momentum": 0.9},
    "qhadam": {"lr": 0.05},
    "newton": {"lr": 0.2},
    "saddle_free_newton": {"lr": 0.2},
}


def demo_optimizer(optimizer_id: str) -> OptimizerSpec:
    """An optimizer as a tick in the window adds it: its declared defaults with a lecture's learning rate."""
    opt = get_optimizer(optimizer_id)
    return OptimizerSpec(opt.id, opt.resolve({**opt.defaults(), **DEMO_HYPERPARAMETERS.get(opt.id, {})}))


def default_starts(landscape: Landscape) -> FloatArray:
    """Two start points that show something on any landscape: one in each upper quarter of the domain."""
    if landscape.id == "two_wells":
        return np.array([[-0.45, 1.35], [1.85, -1.2]])
    if landscape.id == "rosenbrock":
        return np.array([[-1.5, 2.5], [0.5, -0.6]])
    if landscape.id == "seed_curve":
        return np.array([[-2.7], [1.9]])
    lo = np.array([a for a, _ in landscape.domain])
    hi = np.array([b for _, b in landscape.domain])
    fr = np.array([[0.2, 0.8], [0.85, 0.25]])[:, : landscape.dim]
    starts: FloatArray = lo + fr * (hi - lo)
    ok = defined_at(landscape, starts)
    if ok.all():
        return starts
    # J is undefined at a default start (log(x) for x ≤ 0): the nearest point of a grid where it is defined
    axes = [np.linspace(a, b, 41) for a, b in landscape.domain]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, landscape.dim)
    grid = grid[defined_at(landscape, grid)]
    if not len(grid):
        return starts[ok]
    near = [grid[np.argmin(np.linalg.norm(grid - p, axis=1))] for p in starts[~ok]]
    return np.vstack([starts[ok], *near])


def starts_kept(landscape: Landscape, starts: ArrayLike) -> FloatArray:
    """The start points still usable on ``landscape`` (inside its domain, J defined there), else its defaults."""
    pts = np.asarray(starts, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != landscape.dim or not len(pts):
        return default_starts(landscape)
    inside = landscape.contains(pts) & defined_at(landscape, pts)
    return pts[inside] if inside.any() else default_starts(landscape)


def default_scenario() -> Scenario:
    """The session the window shows when nothing else is known (no saved session, no preset)."""
    landscape = get_landscape(DEFAULT_LANDSCAPE)
    return Scenario(
        landscape=LandscapeSpec(function=DEFAULT_LANDSCAPE),
        optimizers=tuple(demo_optimizer(o) for o in DEFAULT_OPTIMIZERS),
        starts=tuple(map(tuple, default_starts(landscape))),
        steps=DEFAULT_STEPS,
    )
