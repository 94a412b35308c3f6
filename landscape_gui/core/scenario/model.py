"""The data of a scenario — the session model: what a demonstration is made of, as frozen dataclasses.

Each setting is declared once, on its field (:mod:`~landscape_gui.core.scenario.declarations`): kind, default,
range or choices, label and help. A settings object that exists is valid (``__post_init__`` checks every
declared field), however it was made: read from a file, typed on the command line, or edited in the window.
:mod:`~landscape_gui.core.scenario.files` reads and writes these as TOML; the command line's options and the
window's widgets are generated from the same declarations.

>>> ExportSettings(fps=0)
Traceback (most recent call last):
landscape_gui.core.scenario.declarations.SettingError: fps: expected an integer in 1 … 120, got 0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from landscape_gui.core.data.mlp import LOSSES as MLP_LOSSES

# The limits are declared once, in core/limits.py, the same wherever a value comes in (a scenario file, the
# window, the command line, the saved session); the declarations below use them (MAX_STARTS: read from here
# by the modules that check a scenario's start points).
from landscape_gui.core.limits import (
    MAX_DESCRIPTION,
    MAX_FRAMES,
    MAX_K,
    MAX_NOISE,
    MAX_RESTARTS,
    MAX_SEED,
    MAX_SIDE,
    MAX_STEPS,
    MAX_TITLE,
    MAX_TOL,
)
from landscape_gui.core.limits import MAX_STARTS as MAX_STARTS
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.scenario.declarations import (
    AutoBool,
    Bool,
    Choice,
    Float,
    Int,
    Names,
    Optional,
    SettingError,
    Size,
    Text,
    check_declared,
    declare,
)

if TYPE_CHECKING:
    from landscape_gui.core.analysis.simulation import Simulation
    from landscape_gui.core.landscapes.landscape import Landscape

FORMAT_VERSION = 1

#: The losses a trained network may have (``[training] loss``).
TRAINING_LOSSES = MLP_LOSSES

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
#: What an exported frame can show over its view ("caption": the lesson's title and description in a band
#: along the bottom; "step_caption": the last update of the first run in its optimizer's formulas, with the
#: numbers, see :mod:`landscape_gui.core.frames.captions`).
OVERLAYS = ("title", "legend", "step", "loss", "caption", "step_caption")
#: The overlays of an export that names none.
DEFAULT_OVERLAYS = ("title", "legend", "step", "loss")
#: Glyphs a view can draw on every ball (:mod:`landscape_gui.core.frames.glyphs`): arrows along −∇J, the
#: velocity buffer and the step taken, and a box whose half-widths are the per-axis effective step size.
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
    domain: tuple[tuple[float, ...], ...] | None = None

    def build(self) -> Landscape:
        """The :class:`~landscape_gui.core.landscapes.landscape.Landscape` this names (checked when it was read)."""
        if self.function is not None:
            from landscape_gui.core.landscapes.library import get_landscape

            landscape = get_landscape(self.function)
            return landscape.with_domain(self.domain) if self.domain is not None else landscape
        from landscape_gui.core.landscapes.formula_worker import build_formula

        assert self.expr is not None  # exactly one of function and expr is given (checked when read)
        return build_formula(self.expr, self.domain)

    def words(self) -> str:
        """The landscape as the file names it: its built-in id, or the formula typed."""
        return self.function if self.function is not None else str(self.expr)


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer of the scenario: its id, the hyperparameters the file sets, an optional legend label and
    an optional learning-rate schedule (None: constant)."""

    id: str
    params: Mapping[str, float] = field(default_factory=dict)
    label: str = ""
    schedule: Schedule | None = None

    def __post_init__(self) -> None:
        if self.schedule is not None and self.schedule.is_constant:
            object.__setattr__(self, "schedule", None)  # one way to say "constant"


@dataclass(frozen=True)
class Camera:
    """Orbit camera in scene coordinates, as pyqtgraph's ``GLViewWidget`` holds it (angles in degrees)."""

    distance: float = declare(
        8.0, Float(0.0, 1e9, open_low=True), "Distance from the centre", label="Distance"
    )
    elevation: float = declare(30.0, Float(-90.0, 90.0), "Degrees above the floor", label="Elevation")
    azimuth: float = declare(-60.0, Float(-1e9, 1e9), "Degrees around the vertical axis", label="Azimuth")
    center: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        check_declared(self)
        c = self.center
        if not (isinstance(c, list | tuple) and len(c) == 3 and all(_finite(v) and abs(v) <= 1e9 for v in c)):
            raise SettingError("center", f"expected [x, y, z] with finite numbers, got {c!r}")
        object.__setattr__(self, "center", tuple(float(v) for v in c))

    def as_dict(self) -> dict[str, Any]:
        return {"distance": self.distance, "elevation": self.elevation, "azimuth": self.azimuth,
                "center": self.center}  # fmt: skip


@dataclass(frozen=True)
class ViewSettings:
    """How the scene looks, in the window and in exports. ``camera=None``: the landscape's default camera."""

    colormap: str = declare(
        "viridis", Choice(COLORMAPS), "Colour scale of the heights", label="Colormap", option="--colormap"
    )
    log_height: bool | None = declare(
        None, AutoBool(),
        "Show log10(J − min J): for landscapes whose values span many orders of magnitude (auto: decided from "
        "the landscape's range)", label="Log height",
    )  # fmt: skip
    theme: str | None = declare(
        None, Optional(Choice(THEMES)),
        "Dark, or light for projectors (not set: the window keeps the user's; an export is dark)",
        label="Theme", option="--theme",
    )  # fmt: skip
    contours: bool = declare(True, Bool(), "Draw contour lines on the surface and the map", label="Contours")
    critical_points: bool = declare(
        True, Bool(), "Mark the minima, saddles and maxima (★ the global minimum)", label="Critical points"
    )
    trails: bool = declare(True, Bool(), "Draw the path each run has taken", label="Trails")
    trail_steps: int = declare(
        0,
        Int(0, MAX_STEPS),
        "Draw only the last N steps of each trail (0: the whole path)",
        label="Trail length",
        option="--trail-steps",
    )
    map_equal_aspect: bool = declare(
        False,
        Bool(),
        "Draw the map with one scale on both axes (a round bowl looks round)",
        label="Equal scales on the map",
    )
    log_loss: bool = declare(
        False, Bool(),
        "Plot J − J* on a logarithmic axis (J*: the global minimum's value where it is known, else the lowest "
        "loss reached): fast and slow convergence read apart", label="Log-scale loss plot",
    )  # fmt: skip
    distance_plot: bool = declare(
        False, Bool(), "Plot each run's distance to the nearest global minimum against the step (log scale)",
        label="Distance to the minimum plot",
    )  # fmt: skip
    glyphs: tuple[str, ...] = declare(
        (), Names(GLYPHS, "glyph"),
        "Arrows on every ball (−∇J, the velocity, the step taken) and boxes of the per-axis effective step size",
        label="Glyphs",
    )  # fmt: skip
    step_caption: bool = declare(
        False, Bool(), "Show the selected run's last update in its optimizer's formulas, with the numbers",
        label="Step captions",
    )  # fmt: skip
    batch_surface: bool | None = declare(
        None, AutoBool(),
        "Draw the current minibatch's loss faintly over the full-data surface (auto: whenever the batch is "
        "smaller than the data)", label="Minibatch loss surface",
    )  # fmt: skip
    speed: float = declare(
        1.0, Float(0.1, 10.0, log=True), "Animation speed: 1× = 40 steps per second", label="Speed"
    )
    fast: bool = declare(
        False, Bool(), "As fast as possible: step as much as the machine allows between frames", label="max"
    )
    camera: Camera | None = None

    def __post_init__(self) -> None:
        check_declared(self)

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

    view: str = declare(
        "3d", Choice(EXPORT_VIEWS),
        "What the clip shows: the 3D view, the 2-D map, or both with the loss curves (composite, for 16:9)",
        label="View", option="--view",
    )  # fmt: skip
    format: str = declare(
        "mp4", Choice(EXPORT_FORMATS), "H.264 MP4, VP9 WebM, looping GIF, or a folder of PNG frames",
        label="Format",
    )  # fmt: skip
    size: tuple[int, int] = declare(
        (1280, 720), Size(16, MAX_SIDE), "Frame size in pixels", label="Size", option="--size"
    )
    fps: int = declare(30, Int(1, 120), "Frames per second", label="Frames per second", option="--fps")
    duration: float | None = declare(
        6.0, Optional(Float(0.0, 3600.0, open_low=True)), "Length of the clip in seconds",
        label="Duration", option="--duration",
    )  # fmt: skip
    steps_per_frame: int | None = declare(
        None, Optional(Int(1, MAX_STEPS)), "Simulation steps per frame (instead of a duration)",
        label="Steps per frame", option="--steps-per-frame",
    )  # fmt: skip
    orbit: float = declare(
        0.0, Float(-36000.0, 36000.0),
        "Degrees the camera turns around the landscape over the clip (0: a fixed camera)",
        label="Camera orbit", option="--orbit",
    )  # fmt: skip
    overlays: tuple[str, ...] = declare(
        DEFAULT_OVERLAYS, Names(OVERLAYS, "overlay"), "What is drawn over the frames", label="Overlays",
        option="--overlays",
    )  # fmt: skip

    def __post_init__(self) -> None:
        # steps_per_frame, when given, decides the length: the duration follows from it
        if self.steps_per_frame is not None:
            object.__setattr__(self, "duration", None)
        elif self.duration is None:
            raise SettingError("duration", "give a duration or steps per frame")
        check_declared(self)

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

    def for_steps(self, steps: int) -> ExportSettings:
        """Itself, when a clip of ``steps`` steps has at most :data:`MAX_FRAMES` frames (else SettingError)."""
        frames = self.frame_count(steps)
        if frames > MAX_FRAMES:
            raise SettingError("frames", f"the clip would have {frames} frames; at most {MAX_FRAMES}")
        return self

    def with_length(
        self, *, duration: float | None = None, steps_per_frame: int | None = None
    ) -> ExportSettings:
        """The clip's length set one way (a duration replaces steps per frame and the other way round)."""
        if duration is not None and steps_per_frame is not None:
            raise SettingError("steps_per_frame", "give a duration or steps per frame, not both")
        if duration is not None:
            return replace(self, duration=duration, steps_per_frame=None)
        if steps_per_frame is not None:
            return replace(self, steps_per_frame=steps_per_frame, duration=None)
        return self


@dataclass(frozen=True)
class BasinSettings:
    """The basin view is on, with this grid of starts and tolerance."""

    grid: int = declare(200, Int(2, 1000), "Starts per axis of the grid (domain edges included)", label="Grid",
                        option="--grid")  # fmt: skip
    tol: float = declare(
        1e-3, Float(0.0, MAX_TOL, open_low=True, log=True),
        "An end point within this distance of a critical point has reached it", label="Tolerance",
        option="--tol",
    )  # fmt: skip
    optimizer: int = declare(
        0, Int(0, 63), "Whose basins: the optimizer's place in the list (0: the first)", label="Optimizer"
    )
    drape: bool = declare(True, Bool(), "Colour the 3D surface by outcome too", label="Drape on the surface")
    compare: int = declare(
        -1, Int(-1, 63),
        "Compare with another optimizer (its place in the list; -1: none): where its runs end in another "
        "outcome than the first's, the map is drawn in its outcome's colour, darker",
        label="Compare with",
    )  # fmt: skip

    def __post_init__(self) -> None:
        check_declared(self)


@dataclass(frozen=True)
class TrainingSettings:
    """The trained network (``[training]``): the network of ``mlp_slice`` trained in all its parameters by the
    scenario's optimizers, from one start θ₀ drawn from the scenario's seed, for its steps, on its batch size;
    drawn on the PCA plane of the paths (:mod:`landscape_gui.core.training`)."""

    loss: str = declare(
        "cross_entropy", Choice(TRAINING_LOSSES),
        "The network's loss: the mean cross-entropy, or the mean squared error of the outputs against one-hot "
        "labels (the edge of stability shows best with it)",
        label="Loss",
    )  # fmt: skip
    every: int = declare(
        0, Int(0, MAX_STEPS),
        "Steps between two sharpness points (λmax of the full Hessian, ~40 ms each); 0: about 50 in all",
        label="Sharpness every",
    )  # fmt: skip

    def __post_init__(self) -> None:
        check_declared(self)


@dataclass(frozen=True)
class RestartSettings:
    """Random restarts: ``n`` starts, outcomes within ``tol``, the success curve up to ``max_k``."""

    n: int = declare(1000, Int(1, MAX_RESTARTS), "Random start points, uniform over the domain", label="Restarts N",
                     option="--n")  # fmt: skip
    tol: float = declare(
        1e-3, Float(0.0, MAX_TOL, open_low=True, log=True),
        "An end point within this distance of a critical point has reached it", label="Tolerance",
        option="--tol",
    )  # fmt: skip
    max_k: int = declare(
        50, Int(1, MAX_K), "The success curve P(≥ 1 of k restarts reaches the global minimum) for k = 1 … max_k",
        label="Curve up to k",
    )  # fmt: skip

    def __post_init__(self) -> None:
        check_declared(self)


@dataclass(frozen=True)
class Scenario:
    """A whole demonstration — and the whole state of a session in the window. Compare two with ``==``; build its
    simulation with :meth:`build_simulation`.

    The ``[run]`` settings (steps, noise, seed, highlight_best) and the title and description are declared here;
    ``starts`` and ``batch_size`` depend on the landscape and are checked where it is known
    (:mod:`~landscape_gui.core.scenario.sections`).
    """

    landscape: LandscapeSpec
    optimizers: tuple[OptimizerSpec, ...]
    starts: tuple[tuple[float, ...], ...]
    title: str = declare("", Text(MAX_TITLE), "The lesson's title", label="Title")
    description: str = declare("", Text(MAX_DESCRIPTION), "What the lesson shows", label="Description")
    steps: int = declare(200, Int(0, MAX_STEPS), "Steps each run takes (runs stop there)", label="Max steps",
                         option="--steps", section="run")  # fmt: skip
    noise: float = declare(
        0.0, Float(0.0, MAX_NOISE),
        "σ of Gaussian noise added to every gradient (stochastic gradients); 0 = exact", label="Gradient noise σ",
        option="--noise", section="run",
    )  # fmt: skip
    seed: int = declare(
        0, Int(0, MAX_SEED), "Seed of the noise, the minibatches and random starts: the same seed replays the runs",
        label="Seed", option="--seed", section="run",
    )  # fmt: skip
    highlight_best: bool = declare(
        False, Bool(),
        "Mark the run with the lowest loss: ringed, the others dimmed, ★ in the runs table (for random restarts)",
        label="Highlight best run", section="run",
    )  # fmt: skip
    #: Minibatch size on a data landscape; None: the whole data.
    batch_size: int | None = None
    view: ViewSettings = field(default_factory=ViewSettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    #: The optional [basins] and [restarts] sections (None: absent).
    basins: BasinSettings | None = None
    restarts: RestartSettings | None = None
    training: TrainingSettings | None = None

    def __post_init__(self) -> None:
        check_declared(self)
        object.__setattr__(self, "optimizers", tuple(self.optimizers))
        object.__setattr__(self, "starts", tuple(tuple(float(c) for c in p) for p in self.starts))

    def build_landscape(self) -> Landscape:
        return self.landscape.build()

    def with_drawn_restarts(self, landscape: Landscape) -> Scenario:
        """The scenario whose runs are what it shows: with random restarts (``[restarts]``), its start points
        are the restarts' own, drawn from its seed over ``landscape``'s domain (the first
        :data:`~landscape_gui.core.limits.MAX_STARTS` of the n when there are more: run i is restart i, the
        summary counts all n); otherwise itself. The window and the export both run this scenario."""
        if self.restarts is None:
            return self
        from landscape_gui.core.analysis.restarts import random_starts

        starts = random_starts(landscape, self.restarts.n, self.seed)[:MAX_STARTS]
        return replace(self, starts=tuple(map(tuple, starts.tolist())))

    def build_simulation(
        self, *, max_points: int | None = 0, landscape: Landscape | None = None
    ) -> Simulation:
        """A fresh :class:`~landscape_gui.core.analysis.simulation.Simulation` at step 0 (run it ``steps`` steps),
        of the runs the scenario shows (:meth:`with_drawn_restarts`); ``landscape``: the scenario's landscape
        already built."""
        from landscape_gui.core.analysis.simulation import Simulation

        landscape = landscape if landscape is not None else self.build_landscape()
        return Simulation(
            landscape,
            [list(p) for p in self.with_drawn_restarts(landscape).starts],
            [(o.id, dict(o.params), o.schedule) for o in self.optimizers],
            noise=self.noise,
            seed=self.seed,
            max_points=max_points,
            batch_size=self.batch_size,
            step_limit=self.steps,
        )


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def differences(old: Scenario | None, new: Scenario) -> frozenset[str]:
    """What differs between two scenarios, in the words a view listens for: a field of the scenario by its name
    (``"landscape"``, ``"starts"``, ``"noise"``, …), a view setting as ``"view.colormap"``; ``"optimizers"`` when
    the list of optimizers changed, ``"optimizer_settings"`` when only their hyperparameters, schedules or labels
    did. Everything, for a first scenario.

    >>> from dataclasses import replace
    >>> s = Scenario(LandscapeSpec("booth"), (OptimizerSpec("gd"),), ((0.0, 0.0),))
    >>> sorted(differences(s, replace(s, noise=0.5, view=replace(s.view, theme="light"))))
    ['noise', 'view.theme']
    """
    if old is None:
        return frozenset(
            {f for f in new.__dataclass_fields__ if f not in ("view", "optimizers")}
            | {f"view.{f}" for f in new.view.__dataclass_fields__}
            | {"optimizers"}
        )
    out = set()
    for f in new.__dataclass_fields__:
        a, b = getattr(old, f), getattr(new, f)
        if a == b:
            continue
        if f == "view":
            out |= {f"view.{k}" for k in a.__dataclass_fields__ if getattr(a, k) != getattr(b, k)}
        elif f == "optimizers":
            same_ids = [o.id for o in a] == [o.id for o in b]
            out.add("optimizer_settings" if same_ids else "optimizers")
        else:
            out.add(f)
    return frozenset(out)
