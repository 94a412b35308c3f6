"""The window's state as a plain model: what a scenario file describes, with a setter for each part.

Widgets and views subscribe to the signals; scenario/preset code can read :meth:`Controller.state` and call
:meth:`Controller.apply` (or the individual setters) without touching any widget.

>>> c = Controller()                                      # doctest: +SKIP
>>> c.set_landscape("rosenbrock"); c.set_starts([[-1.5, 2.0]])
>>> c.set_optimizers([("gd", {"lr": 0.001}), ("adam", {"lr": 0.05})])
>>> c.set_hyperparameters(1, {"lr": 0.02}); c.state()["optimizers"][1]
{'id': 'adam', 'hp': {'lr': 0.02, ...}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal

from landscape_gui.core.library import get_landscape
from landscape_gui.core.optimizers import get_optimizer

DEFAULT_LANDSCAPE = "two_wells"

#: Learning rates that make each optimizer move visibly within seconds on the built-in landscapes (the core's
#: torch defaults, e.g. lr = 1e-3 for gradient descent, are right for networks but slow for a lecture).
#: "Reset to default" in the panel restores the core's declared defaults.
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
    "qhm": {"lr": 0.02, "momentum": 0.9},
    "qhadam": {"lr": 0.05},
    "newton": {"lr": 0.2},
    "saddle_free_newton": {"lr": 0.2},
}
DEFAULT_OPTIMIZERS = ("gd", "momentum", "adam")
DEFAULT_VIEW = {
    "colormap": "viridis",
    "log_height": "auto",
    "contours": True,
    "markers": True,
    "trails": True,
    "theme": "dark",
    "highlight_best": False,  # mark the run with the lowest loss (random restarts)
}


def default_starts(landscape) -> np.ndarray:
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
    return lo + fr * (hi - lo)


def demo_hyperparameters(optimizer_id: str) -> dict[str, float]:
    opt = get_optimizer(optimizer_id)
    return opt.resolve({**opt.defaults(), **DEMO_HYPERPARAMETERS.get(optimizer_id, {})})


class Controller(QObject):
    """Current landscape, start points, optimizers (+ hyperparameters), noise, seed, steps, speed, view."""

    landscapeChanged = Signal(object)  # Landscape
    startsChanged = Signal(object)  # (S, d) array
    optimizersChanged = Signal()  # the list of optimizers changed (runs restart)
    hyperparametersChanged = Signal(int, object)  # (index, full hp dict): applies from the next step
    noiseChanged = Signal(float)
    seedChanged = Signal(int)
    maxStepsChanged = Signal(int)
    speedChanged = Signal(float)  # multiplier, 0 = as fast as possible
    viewChanged = Signal(object)  # the full view dict

    def __init__(self, parent=None):
        super().__init__(parent)
        self.landscape = get_landscape(DEFAULT_LANDSCAPE)
        self.landscape_id: str | None = DEFAULT_LANDSCAPE  # None for a formula
        self.formula: str | None = None
        self.starts = default_starts(self.landscape)
        self.optimizers: list[tuple[str, dict[str, float]]] = [
            (o, demo_hyperparameters(o)) for o in DEFAULT_OPTIMIZERS
        ]
        self.noise = 0.0
        self.seed = 0
        self.max_steps = 2000
        self.speed = 1.0
        self.view = dict(DEFAULT_VIEW)

    # -- landscape ----------------------------------------------------------------------------------------
    def set_landscape(self, landscape, *, keep_starts: bool = True) -> None:
        """Switch to a built-in id or a ``Landscape``; start points outside the new domain are replaced."""
        if isinstance(landscape, str):
            self.landscape_id, self.formula = landscape, None
            landscape = get_landscape(landscape)
        else:
            self.landscape_id = landscape.id if _is_builtin(landscape) else None
            self.formula = None if self.landscape_id else landscape.formula
        old_dim = self.landscape.dim
        self.landscape = landscape
        starts = self.starts if keep_starts and old_dim == landscape.dim else np.zeros((0, landscape.dim))
        inside = landscape.contains(starts) if len(starts) else np.zeros(0, bool)
        self.starts = starts[inside] if inside.any() and keep_starts else default_starts(landscape)
        self.landscapeChanged.emit(landscape)
        self.startsChanged.emit(self.starts.copy())

    def set_formula(self, text: str, domain=None) -> None:
        """Use a typed formula (raises the core's ``FormulaError`` and keeps the landscape when it is bad)."""
        from landscape_gui.core.formula_worker import build_formula

        landscape = build_formula(text, domain=domain)
        self.set_landscape(landscape)
        self.landscape_id, self.formula = None, text

    def set_domain(self, domain) -> None:
        """New domain for the current landscape (``ValueError`` when it is not finite/ordered)."""
        self.set_landscape(self.landscape.with_domain(domain))

    # -- start points -------------------------------------------------------------------------------------
    def set_starts(self, points) -> None:
        pts = np.asarray(points, dtype=np.float64).reshape(-1, self.landscape.dim)
        if not np.isfinite(pts).all():
            raise ValueError("start points must be finite numbers")
        self.starts = pts.copy()
        self.startsChanged.emit(self.starts.copy())

    def add_start(self, point) -> None:
        self.set_starts(np.vstack([self.starts, np.asarray(point, dtype=np.float64).reshape(1, -1)]))

    def move_start(self, index: int, point) -> None:
        pts = self.starts.copy()
        pts[index] = np.asarray(point, dtype=np.float64).reshape(-1)
        self.set_starts(pts)

    def remove_start(self, index: int) -> None:
        self.set_starts(np.delete(self.starts, index, axis=0))

    def clear_starts(self) -> None:
        self.set_starts(np.zeros((0, self.landscape.dim)))

    # -- optimizers ---------------------------------------------------------------------------------------
    def set_optimizers(self, optimizers: Sequence[tuple[str, Mapping[str, float]]]) -> None:
        """Replace the list of optimizers (``ValueError``/``KeyError`` on unknown ids or bad values)."""
        resolved = [(oid, get_optimizer(oid).resolve(dict(hp or {}))) for oid, hp in optimizers]
        self.optimizers = resolved
        self.optimizersChanged.emit()

    def set_optimizer_enabled(self, optimizer_id: str, enabled: bool) -> None:
        ids = [o for o, _ in self.optimizers]
        if enabled and optimizer_id not in ids:
            self.set_optimizers([*self.optimizers, (optimizer_id, demo_hyperparameters(optimizer_id))])
        elif not enabled and optimizer_id in ids:
            self.set_optimizers([o for o in self.optimizers if o[0] != optimizer_id])

    def set_hyperparameters(self, index: int, hp: Mapping[str, float]) -> None:
        """Change one optimizer's hyperparameters; they apply from the next step, no reset."""
        oid, old = self.optimizers[index]
        new = get_optimizer(oid).resolve({**old, **hp})
        self.optimizers[index] = (oid, new)
        self.hyperparametersChanged.emit(index, dict(new))

    # -- run settings -------------------------------------------------------------------------------------
    def set_noise(self, sigma: float) -> None:
        if not np.isfinite(sigma) or sigma < 0:
            raise ValueError(f"noise σ must be a finite number ≥ 0, not {sigma}")
        self.noise = float(sigma)
        self.noiseChanged.emit(self.noise)

    def set_seed(self, seed: int) -> None:
        if not 0 <= int(seed) <= 2**63 - 1:
            raise ValueError(f"seed must be an integer 0 … {2**63 - 1}, not {seed}")
        self.seed = int(seed)
        self.seedChanged.emit(self.seed)

    def set_max_steps(self, steps: int) -> None:
        if int(steps) < 1:
            raise ValueError("max steps must be at least 1")
        self.max_steps = int(steps)
        self.maxStepsChanged.emit(self.max_steps)

    def set_speed(self, speed: float) -> None:
        """Speed multiplier 0.1–10, or 0 for "as fast as possible"."""
        self.speed = 0.0 if speed <= 0 else float(np.clip(speed, 0.1, 10.0))
        self.speedChanged.emit(self.speed)

    def set_view(self, **settings) -> None:
        """View settings: colormap, log_height (True/False/"auto"), contours, markers, trails, theme."""
        unknown = set(settings) - set(DEFAULT_VIEW)
        if unknown:
            raise ValueError(f"unknown view setting(s): {', '.join(sorted(unknown))}")
        self.view.update(settings)
        self.viewChanged.emit(dict(self.view))

    # -- whole state --------------------------------------------------------------------------------------
    def state(self) -> dict:
        """A plain copy of everything (numbers, strings, lists): what a scenario stores."""
        return {
            "landscape": self.landscape_id,
            "formula": self.formula,
            "domain": [list(b) for b in self.landscape.domain],
            "starts": self.starts.tolist(),
            "optimizers": [{"id": o, "hp": dict(hp)} for o, hp in self.optimizers],
            "noise": self.noise,
            "seed": self.seed,
            "max_steps": self.max_steps,
            "speed": self.speed,
            "view": dict(self.view),
        }

    def apply(self, state: Mapping) -> None:
        """Set every part present in ``state`` (same keys as :meth:`state`); raises on bad values."""
        if state.get("formula"):
            self.set_formula(state["formula"], domain=state.get("domain"))
        elif state.get("landscape"):
            self.set_landscape(state["landscape"])
            if state.get("domain"):
                self.set_domain(state["domain"])
        if "optimizers" in state:
            self.set_optimizers([(o["id"], o.get("hp", {})) for o in state["optimizers"]])
        if "starts" in state:
            self.set_starts(state["starts"])
        for key, setter in (
            ("noise", self.set_noise), ("seed", self.set_seed), ("max_steps", self.set_max_steps),
            ("speed", self.set_speed),
        ):  # fmt: skip
            if key in state:
                setter(state[key])
        if "view" in state:
            self.set_view(**state["view"])

    def simulation_spec(self) -> dict:
        """What the worker needs to build a Simulation."""
        return {
            "landscape": self.landscape,
            "starts": self.starts.copy(),
            "optimizers": [(o, dict(hp)) for o, hp in self.optimizers],
            "noise": self.noise,
            "seed": self.seed,
            "max_steps": self.max_steps,
        }


def _is_builtin(landscape) -> bool:
    from landscape_gui.core.library import LANDSCAPE_IDS

    return landscape.id in LANDSCAPE_IDS
