"""The data of a scenario: what a demonstration is made of, as frozen dataclasses (no reading or writing here).

:mod:`landscape_gui.core.scenario.files` reads and writes these as TOML; :mod:`~landscape_gui.core.scenario.sections`
checks each section of a file and builds them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landscape_gui.core.optimizers.schedules import Schedule

FORMAT_VERSION = 1

#: Colormaps a scenario may name: all are known to ``pyqtgraph.colormap.get`` (checked by a GUI test).
COLORMAPS = (
    "viridis",
    "plasma",
    "inferno",
    "magma",
    "cividis",
    "turbo",
    "CET-L1",
    "CET-L17",
    "CET-R4",
    "CET-D1",
)
THEMES = ("dark", "light")
#: What an exported frame can show on top of the 3D view ("caption": the lesson's title and description in a
#: band along the bottom; "step_caption": the last update of the first run in its optimizer's formulas, with
#: the numbers, see :mod:`landscape_gui.core.optimizers.captions`).
OVERLAYS = ("title", "legend", "step", "loss", "caption", "step_caption")
#: The overlays of an export that names none.
DEFAULT_OVERLAYS = ("title", "legend", "step", "loss")
#: Glyphs a view can draw on every ball (:mod:`landscape_gui.core.optimizers.glyphs`): arrows along −∇J, the velocity
#: buffer and the step taken, and a box whose half-widths are the per-axis effective step size.
GLYPHS = ("gradient", "velocity", "step", "effective_lr")
#: Export formats: H.264 MP4, VP9 WebM, looping GIF, a folder of PNG frames.
EXPORT_FORMATS = ("mp4", "webm", "gif", "png")
#: What an exported frame shows: the 3D view, the 2-D map (the curve for 1-D landscapes), or both side by side
#: with the loss curves below them.
EXPORT_VIEWS = ("3d", "map", "composite")


@dataclass(frozen=True)
class LandscapeSpec:
    """A built-in landscape (``function``) or a formula (``expr``), optionally over another ``domain``."""

    function: str | None = None
    expr: str | None = None
    domain: tuple[tuple[float, float], ...] | None = None

    def build(self):
        """The :class:`~landscape_gui.core.landscapes.landscape.Landscape` this names (checked when it was read)."""
        if self.function is not None:
            from landscape_gui.core.landscapes.library import get_landscape

            landscape = get_landscape(self.function)
        else:
            from landscape_gui.core.landscapes.formula_worker import build_formula

            landscape = build_formula(self.expr, self.domain)
            return landscape
        return landscape.with_domain(self.domain) if self.domain is not None else landscape


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer of the scenario: its id, the hyperparameters the file sets, an optional legend label and
    an optional learning-rate schedule (None: constant)."""

    id: str
    params: Mapping[str, float] = field(default_factory=dict)
    label: str = ""
    schedule: Schedule | None = None

    def display_name(self) -> str:
        """Legend text: the label, else the id with its hyperparameters (``gd (lr=0.05)``)."""
        if self.label:
            return self.label
        settings = [f"{k}={v:g}" for k, v in self.params.items()]
        if self.schedule is not None and not self.schedule.is_constant:
            settings.append(self.schedule.text())
        return f"{self.id} ({', '.join(settings)})" if settings else self.id


@dataclass(frozen=True)
class Camera:
    """Orbit camera in scene coordinates, as pyqtgraph's ``GLViewWidget`` holds it (angles in degrees)."""

    distance: float
    elevation: float
    azimuth: float
    center: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "distance": self.distance,
            "elevation": self.elevation,
            "azimuth": self.azimuth,
            "center": self.center,
        }


@dataclass(frozen=True)
class ViewSettings:
    """How the scene looks. ``camera=None`` means the default camera; ``log_height=None`` means automatic;
    ``theme=None`` (no ``theme`` in the file) leaves the theme to the viewer: the window keeps the user's, an
    export without one is dark (:meth:`theme_or_default`)."""

    camera: Camera | None = None
    colormap: str = "viridis"
    log_height: bool | None = None
    theme: str | None = None
    contours: bool = True
    critical_points: bool = True
    trails: bool = True
    #: The glyphs drawn on every ball, from :data:`GLYPHS` (none by default).
    glyphs: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "glyphs", tuple(self.glyphs))

    def theme_or_default(self) -> str:
        """The theme to draw with when nobody else chose one."""
        return self.theme or "dark"


@dataclass(frozen=True)
class ExportSettings:
    """How an animation is exported.

    The clip has ``frames`` frames: ``round(fps × duration)`` when a duration is set; with ``steps_per_frame``
    instead, one frame per that many steps plus the start frame. Frame 0 always shows the start points and the
    last frame the state after all the scenario's steps (see :meth:`step_at`).
    """

    size: tuple[int, int] = (1280, 720)
    fps: int = 30
    duration: float | None = 6.0
    steps_per_frame: int | None = None
    orbit: float = 0.0
    overlays: tuple[str, ...] = DEFAULT_OVERLAYS
    format: str = "mp4"
    view: str = "3d"

    def __post_init__(self):
        # steps_per_frame, when given, decides the length: the duration follows from it
        if self.steps_per_frame is not None:
            object.__setattr__(self, "duration", None)
        object.__setattr__(self, "size", tuple(int(v) for v in self.size))
        object.__setattr__(self, "overlays", tuple(self.overlays))

    def frame_count(self, steps: int) -> int:
        if self.steps_per_frame is not None:
            return math.ceil(steps / self.steps_per_frame) + 1
        return max(1, round(self.fps * (self.duration or 0.0)))

    def step_at(self, frame: int, steps: int) -> int:
        """The simulation step shown by ``frame`` (non-decreasing, 0 at frame 0, ``steps`` at the last)."""
        if self.steps_per_frame is not None:
            return min(steps, frame * self.steps_per_frame)
        n = self.frame_count(steps)
        return steps if n == 1 else round(frame * steps / (n - 1))


@dataclass(frozen=True)
class BasinSettings:
    """The basin view is on, with this grid of starts and tolerance."""

    grid: int = 200
    tol: float = 1e-3

    def as_dict(self) -> dict[str, Any]:
        return {"grid": self.grid, "tol": float(self.tol)}


@dataclass(frozen=True)
class RestartSettings:
    """Random restarts: ``n`` starts, outcomes within ``tol``, the success curve up to ``max_k``."""

    n: int = 1000
    tol: float = 1e-3
    max_k: int = 50

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "tol": float(self.tol), "max_k": self.max_k}


@dataclass(frozen=True)
class Scenario:
    """A whole demonstration. Compare two with ``==``; build its simulation with :meth:`build_simulation`."""

    landscape: LandscapeSpec
    optimizers: tuple[OptimizerSpec, ...]
    starts: tuple[tuple[float, ...], ...]
    title: str = ""
    description: str = ""
    steps: int = 200
    noise: float = 0.0
    seed: int = 0
    highlight_best: bool = False
    #: Minibatch size on a data landscape; None: the whole data.
    batch_size: int | None = None
    view: ViewSettings = field(default_factory=ViewSettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    #: The optional [basins] and [restarts] sections (None: absent), see core/scenario/analysis_sections.py.
    basins: BasinSettings | None = None
    restarts: RestartSettings | None = None

    def build_landscape(self):
        return self.landscape.build()

    def build_simulation(self, *, max_points: int | None = 0):
        """A fresh :class:`~landscape_gui.core.analysis.simulation.Simulation` at step 0 (run it ``steps`` steps)."""
        from landscape_gui.core.analysis.simulation import Simulation

        return Simulation(
            self.build_landscape(),
            [list(p) for p in self.starts],
            [(o.id, dict(o.params), o.schedule) for o in self.optimizers],
            noise=self.noise,
            seed=self.seed,
            max_points=max_points,
            batch_size=self.batch_size,
            step_limit=self.steps,
        )
