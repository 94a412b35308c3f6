"""The window's state as a plain model: what a scenario file describes, with a setter for each part.

Widgets and views subscribe to the signals; scenario/preset code can read :meth:`Controller.state` and call
:meth:`Controller.apply` (or the individual setters) without touching any widget.

>>> c = Controller()                                      # doctest: +SKIP
>>> c.set_landscape("rosenbrock"); c.set_starts([[-1.5, 2.0]])
>>> c.set_optimizers([("gd", {"lr": 0.001}), ("adam", {"lr": 0.05})])
>>> c.set_hyperparameters(1, {"lr": 0.02}); c.state()["optimizers"][1]
{'id': 'adam', 'hp': {'lr': 0.02, ...}}
>>> c.set_schedule(1, "cosine:T_max=100"); c.schedules[1].id
'cosine'

Each optimizer has a learning-rate schedule (:attr:`Controller.schedules`, parallel to
:attr:`Controller.optimizers`; constant by default): ``set_optimizers`` takes ``(id, hp)`` pairs or
``(id, hp, schedule)`` triples, and the worker gets triples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QObject, Signal

from landscape_gui.core.landscapes.defined import defined_at
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.core.optimizers.schedules import CONSTANT, Schedule, parse_schedule

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
    "glyphs": (),  # glyphs on the balls: names from core.scenario_model.GLYPHS
    "step_caption": False,  # the selected run's last update, with its numbers, over the 3D view
    "batch_surface": "auto",  # the current minibatch's loss drawn faintly: True/False, or "auto" (minibatches)
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
    starts = lo + fr * (hi - lo)
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


def landscape_key(landscape) -> str:
    """What "the same landscape" means for per-landscape view choices: a built-in id or a formula (any domain)."""
    return landscape.id if _is_builtin(landscape) else f"formula:{landscape.formula}"


def demo_hyperparameters(optimizer_id: str) -> dict[str, float]:
    opt = get_optimizer(optimizer_id)
    return opt.resolve({**opt.defaults(), **DEMO_HYPERPARAMETERS.get(optimizer_id, {})})


class Controller(QObject):
    """Current landscape, start points, optimizers (+ hyperparameters), noise, seed, steps, speed, view."""

    landscapeChanged = Signal(object)  # Landscape
    startsChanged = Signal(object)  # (S, d) array
    optimizersChanged = Signal()  # the list of optimizers changed (runs restart)
    hyperparametersChanged = Signal(int, object)  # (index, full hp dict): applies from the next step
    scheduleChanged = Signal(int, object)  # (index, Schedule): applies from the next step
    noiseChanged = Signal(float)
    batchSizeChanged = Signal(object)  # int, or None for the whole data
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
        self.schedules: list[Schedule] = [CONSTANT for _ in self.optimizers]
        self.noise = 0.0
        self.batch_size: int | None = None  # minibatches of a data landscape; None: the whole data
        self.seed = 0
        self.max_steps = 2000
        self.speed = 1.0
        self.view = dict(DEFAULT_VIEW)
        # log height chosen explicitly (toggle, scenario) per landscape: another landscape starts at "auto"
        self._log_height_by_landscape: dict[str, bool] = {}

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
        inside = (
            landscape.contains(starts) & defined_at(landscape, starts) if len(starts) else np.zeros(0, bool)
        )
        self.starts = starts[inside] if inside.any() and keep_starts else default_starts(landscape)
        log_before = self.view["log_height"]
        self.view["log_height"] = self._log_height_by_landscape.get(landscape_key(landscape), "auto")
        if self.batch_size is not None and not 1 <= self.batch_size <= samples_of(landscape):
            self.batch_size = None  # a formula, or fewer samples: the whole data
            self.batchSizeChanged.emit(None)
        self.landscapeChanged.emit(landscape)
        self.startsChanged.emit(self.starts.copy())
        if self.view["log_height"] != log_before:
            self.viewChanged.emit(dict(self.view))

    def set_formula(self, text: str, domain=None) -> None:
        """Use a typed formula (raises the core's ``FormulaError`` and keeps the landscape when it is bad)."""
        from landscape_gui.core.landscapes.formula_worker import build_formula

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
        """Add a start point (``ValueError`` with the reason where J is undefined or not a number)."""
        p = np.asarray(point, dtype=np.float64).reshape(1, -1)
        self._check_defined(p[0])
        self.set_starts(np.vstack([self.starts, p]))

    def move_start(self, index: int, point) -> None:
        pts = self.starts.copy()
        pts[index] = np.asarray(point, dtype=np.float64).reshape(-1)
        self._check_defined(pts[index])
        self.set_starts(pts)

    def _check_defined(self, point: np.ndarray) -> None:
        if np.isfinite(point).all() and not defined_at(self.landscape, point[None])[0]:
            where = ", ".join(f"{v}={c:.3g}" for v, c in zip(self.landscape.variables, point, strict=True))
            raise ValueError(
                f"no start at {where}: J = {self.landscape.formula} is undefined there (not a real number)"
            )

    def remove_start(self, index: int) -> None:
        self.set_starts(np.delete(self.starts, index, axis=0))

    def clear_starts(self) -> None:
        self.set_starts(np.zeros((0, self.landscape.dim)))

    # -- optimizers ---------------------------------------------------------------------------------------
    def set_optimizers(self, optimizers: Sequence[tuple]) -> None:
        """Replace the list of optimizers: ``(id, hp)`` pairs (constant lr) or ``(id, hp, schedule)`` triples,
        the schedule a :class:`Schedule`, its text or None (``ValueError``/``KeyError`` on unknown ids or bad
        values)."""
        resolved, schedules = [], []
        for entry in optimizers:
            oid, hp, *rest = entry
            resolved.append((oid, get_optimizer(oid).resolve(dict(hp or {}))))
            schedules.append(as_schedule(rest[0] if rest else None))
        self.optimizers, self.schedules = resolved, schedules
        self.optimizersChanged.emit()

    def entries(self) -> list[tuple[str, dict[str, float], Schedule]]:
        """Every optimizer as ``(id, hp, schedule)``."""
        return [(o, dict(hp), s) for (o, hp), s in zip(self.optimizers, self.schedules, strict=True)]

    def set_optimizer_enabled(self, optimizer_id: str, enabled: bool) -> None:
        ids = [o for o, _ in self.optimizers]
        if enabled and optimizer_id not in ids:
            self.set_optimizers([*self.entries(), (optimizer_id, demo_hyperparameters(optimizer_id))])
        elif not enabled and optimizer_id in ids:
            self.set_optimizers([e for e in self.entries() if e[0] != optimizer_id])

    def set_schedule(self, index: int, schedule: Schedule | str | None) -> None:
        """Give one optimizer another learning-rate schedule; it applies from the next step, no reset."""
        self.schedules[index] = as_schedule(schedule)
        self.scheduleChanged.emit(index, self.schedules[index])

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

    def set_batch_size(self, batch_size: int | None) -> None:
        """Minibatches of this many samples on a data landscape (None, or the dataset's size: the whole
        data); ``ValueError`` on a formula landscape or outside 1 … n, with the reason."""
        if batch_size is not None:
            n = samples_of(self.landscape)
            if n == 0:
                raise ValueError(
                    f"a batch size needs a landscape made of data; {self.landscape.name!r} is a formula"
                )
            if isinstance(batch_size, bool) or int(batch_size) != batch_size or not 1 <= batch_size <= n:
                raise ValueError(f"batch size must be a whole number 1 … {n} (the samples), not {batch_size}")
            batch_size = int(batch_size)
        self.batch_size = batch_size
        self.batchSizeChanged.emit(batch_size)

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
        """View settings: colormap, log_height (True/False/"auto"), contours, markers, trails, theme, glyphs,
        step_caption."""
        unknown = set(settings) - set(DEFAULT_VIEW)
        if unknown:
            raise ValueError(f"unknown view setting(s): {', '.join(sorted(unknown))}")
        self.view.update(settings)
        if "log_height" in settings:  # an explicit choice holds for this landscape only
            key = landscape_key(self.landscape)
            if settings["log_height"] == "auto":
                self._log_height_by_landscape.pop(key, None)
            else:
                self._log_height_by_landscape[key] = bool(settings["log_height"])
        self.viewChanged.emit(dict(self.view))

    # -- whole state --------------------------------------------------------------------------------------
    def state(self) -> dict:
        """A plain copy of everything (numbers, strings, lists): what a scenario stores."""
        return {
            "landscape": self.landscape_id,
            "formula": self.formula,
            "domain": [list(b) for b in self.landscape.domain],
            "starts": self.starts.tolist(),
            "optimizers": [
                {"id": o, "hp": dict(hp), **schedule_state(s)}
                for (o, hp), s in zip(self.optimizers, self.schedules, strict=True)
            ],
            "noise": self.noise,
            "batch_size": self.batch_size,
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
            self.set_optimizers(
                [(o["id"], o.get("hp", {}), schedule_of(o.get("schedule"))) for o in state["optimizers"]]
            )
        if "starts" in state:
            self.set_starts(state["starts"])
        for key, setter in (
            ("noise", self.set_noise), ("seed", self.set_seed), ("max_steps", self.set_max_steps),
            ("speed", self.set_speed),
        ):  # fmt: skip
            if key in state:
                setter(state[key])
        if "batch_size" in state:
            self.set_batch_size(state["batch_size"])
        if "view" in state:
            self.set_view(**state["view"])

    def simulation_spec(self) -> dict:
        """What the worker needs to build a Simulation."""
        return {
            "landscape": self.landscape,
            "starts": self.starts.copy(),
            "optimizers": self.entries(),
            "noise": self.noise,
            "batch_size": self.batch_size,
            "seed": self.seed,
            "max_steps": self.max_steps,
        }


def as_schedule(schedule: Schedule | str | None) -> Schedule:
    """A :class:`Schedule` from a schedule, its text (``"cosine:T_max=100"``) or None (constant)."""
    if schedule is None:
        return CONSTANT
    return schedule if isinstance(schedule, Schedule) else parse_schedule(schedule)


def schedule_state(schedule: Schedule) -> dict:
    """``{"schedule": {"id": ..., "params": {...}}}`` for a state dict (plain JSON), nothing when constant."""
    if schedule.is_constant:
        return {}
    return {"schedule": {"id": schedule.id, "params": dict(schedule.params)}}


def schedule_of(data) -> Schedule:
    """The schedule of a state dict's ``"schedule"`` entry (None or absent: constant)."""
    if data is None:
        return CONSTANT
    if isinstance(data, str | Schedule):
        return as_schedule(data)
    return Schedule(data["id"], dict(data.get("params", {})))


def samples_of(landscape) -> int:
    """The number of samples of a data landscape; 0 for a formula."""
    return int(getattr(landscape, "n_samples", 0) or 0)


def batch_surface_shown(view: Mapping, landscape, batch_size: int | None) -> bool:
    """Whether the current minibatch's loss is drawn: the view's setting, or with "auto" whenever the runs
    see minibatches smaller than the data."""
    setting = view.get("batch_surface", "auto")
    n = samples_of(landscape)
    if n == 0:
        return False
    if setting == "auto":
        return batch_size is not None and batch_size < n
    return bool(setting)


def _is_builtin(landscape) -> bool:
    from landscape_gui.core.landscapes.library import LANDSCAPE_IDS

    return landscape.id in LANDSCAPE_IDS
