"""What a frame shows, decided once for the window and the export: :func:`present` turns a
:class:`~landscape_gui.core.frames.snapshot.Snapshot` of the runs, the scenario and what was computed in the
background (critical points, a basin map) into a :class:`Frame` — per run its label, colour, opacity, ring and
status text; the legend rows; the glyphs with their scales; the step caption; the basins' colours and shares.
The window's views and the exporter's panels draw a :class:`Frame`; they decide nothing about its content.

>>> from landscape_gui.core.scenario.files import loads_scenario
>>> from landscape_gui.core.frames.snapshot import Snapshotter
>>> s = loads_scenario('''
... [landscape]
... function = "saddle"
... [[optimizers]]
... id = "adam"
... lr = 0.05
... [run]
... starts = [[-1.0, 0.1]]
... ''')
>>> sim = s.build_simulation()
>>> sim.step(10)
>>> frame = present(Snapshotter(sim).take(), s, sim.landscape)
>>> frame.runs[0].label, frame.runs[0].status
('Adam (lr 0.05)', 'running')
>>> [row.text for row in frame.legend]
['Adam (lr 0.05)']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from landscape_gui.core.analysis.basins import (
    BasinDifference,
    BasinMap,
    BasinProblem,
    compare_basins,
    outcome_name,
)
from landscape_gui.core.analysis.status import best_run
from landscape_gui.core.analysis.status import tone as status_tone
from landscape_gui.core.frames.captions import format_value
from landscape_gui.core.frames.glyph_sets import GlyphSet, glyph_sets
from landscape_gui.core.frames.palette import (
    CRITICAL_STYLE,
    DIFFERS_SWATCH,
    GLYPH_STYLE,
    basin_rgba,
    critical_key,
    difference_rgba,
    glyph_color,
    optimizer_colors,
    outcome_palette,
)
from landscape_gui.core.frames.snapshot import Snapshot
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.core.scenario.model import OptimizerSpec, Scenario

if TYPE_CHECKING:
    from landscape_gui.core.analysis.critical import CriticalPoint
    from landscape_gui.core.analysis.simulation import Run
    from landscape_gui.core.landscapes.landscape import Landscape

__all__ = [
    "DIMMED",
    "MAX_BASIN_ROWS",
    "MAX_RUN_ROWS",
    "Basins",
    "Frame",
    "LegendRow",
    "RunLook",
    "auto_log_height",
    "basin_problem",
    "batch_surface_shown",
    "best_run",
    "log_height",
    "loss_text",
    "optimizer_label",
    "present",
]

#: Most start points a single optimizer's legend lists one by one; beyond it the legend gives its best loss.
MAX_RUN_ROWS = 8
#: Legend rows of basin outcomes at most (the rest summed in one row).
MAX_BASIN_ROWS = 6
#: Opacity of the runs that are not the best one, when the best is highlighted (they stay readable).
DIMMED = 0.6
#: Symbols of the critical points in legends, as the map draws them.
CRITICAL_SYMBOL = {"global": "★", "minimum": "●", "saddle": "▲", "maximum": "◆", "degenerate": "■"}


@dataclass(frozen=True)
class LegendRow:
    """One row of a legend: a colour swatch (or ``symbol`` drawn in that colour), the text, a loss (or None)."""

    color: tuple[int, int, int, int]
    text: str
    loss: float | None = None
    highlight: bool = False
    symbol: str = ""


@dataclass(frozen=True)
class RunLook:
    """How one run is drawn and named."""

    group: int
    index: int
    #: Its optimizer's legend text (the scenario's label, else the optimizer and its learning rate).
    label: str
    color: tuple[int, int, int, int]
    opacity: float
    #: The best run (ringed).
    ring: bool
    status: str
    tone: str | None

    @property
    def rgba(self) -> tuple[int, int, int, int]:
        """The colour with the opacity as its alpha byte."""
        return (*self.color[:3], round(255 * self.opacity))


@dataclass(frozen=True)
class Basins:
    """A basin map ready to draw: its sample axes, RGBA per sample (``rgba[ix, iy]``), legend rows, and whether
    the colours are draped on the surface too."""

    map: BasinMap
    axes: tuple[np.ndarray, ...]
    rgba: np.ndarray
    rows: tuple[LegendRow, ...]
    drape: bool
    #: Where the optimizer compared with ends elsewhere (``[basins] compare``), drawn in the rgba already.
    difference: BasinDifference | None = None

    @property
    def key(self) -> tuple[BasinMap, BasinMap | None]:
        """What the colours are made of: a view uploads them again only when these maps change."""
        return (self.map, None if self.difference is None else self.difference.other)


@dataclass
class Frame:
    """Everything a view draws for one moment (see the module docstring)."""

    snapshot: Snapshot
    runs: tuple[RunLook, ...]
    best: int | None
    legend: tuple[LegendRow, ...]
    glyphs: dict[str, GlyphSet] = field(default_factory=dict)
    #: The step caption: its title line first; None when no caption is asked for.
    caption: tuple[str, ...] | None = None
    basins: Basins | None = None
    title: str = ""
    description: str = ""
    #: The scenario's step limit (the clip's last step).
    steps: int = 0
    #: Start points per optimizer (runs are optimizer-major).
    n_starts: int = 0
    #: One colour per optimizer, in order.
    optimizer_colors: tuple[tuple[int, int, int, int], ...] = ()
    #: Some optimizer follows a learning-rate schedule (the lr plot is worth showing).
    scheduled: bool = False
    #: The losses' scale: the largest finite loss seen along the paths (numbers far below it are round-off).
    loss_scale: float = 1.0
    #: Per optimizer (as ``snapshot.tracks``): the first row of each run's trail, (R,) (0: the whole path; else
    #: the first point of its last ``trail_steps`` steps).
    trail_first: list[np.ndarray] = field(default_factory=list)
    #: With a log-scale loss plot, the J* it subtracts (None: a linear plot of J).
    loss_floor: float | None = None
    #: Each run's distance to the nearest global minimum along its path, when that plot is asked for and a
    #: global minimum is known; else None.
    distances: list[np.ndarray] | None = None

    @property
    def step(self) -> int:
        return self.snapshot.step

    @cached_property
    def trails(self) -> list[np.ndarray]:
        """The part of each run's path its trail shows (views; see :attr:`trail_first`)."""
        return [
            t.points[f:n, :, r]
            for t, first in zip(self.snapshot.tracks, self.trail_first, strict=True)
            for r, (f, n) in enumerate(zip(first.tolist(), t.lengths.tolist(), strict=True))
        ]

    @cached_property
    def trail_values(self) -> list[np.ndarray]:
        """J along each trail."""
        return [
            t.values[f:n, r]
            for t, first in zip(self.snapshot.tracks, self.trail_first, strict=True)
            for r, (f, n) in enumerate(zip(first.tolist(), t.lengths.tolist(), strict=True))
        ]

    @property
    def colors(self) -> list[tuple[int, int, int, int]]:
        """Every run's colour with its opacity, as bytes."""
        return [r.rgba for r in self.runs]


#: A number this small next to the losses' scale is round-off: printed as 0 (not −2.22e-16 at a minimum of 0).
ROUND_OFF = 1e-12


def loss_text(v: float, scale: float = 1.0) -> str:
    """A number as the legend and the runs table print it: 4 significant digits, scientific far from 1, 0 below
    :data:`ROUND_OFF` × ``scale`` (the losses' own scale), "—" when not a number.

    >>> loss_text(0.123456), loss_text(2.5e-07), loss_text(-2.22e-16), loss_text(float("nan"))
    ('0.1235', '2.500e-07', '0', '—')
    """
    if v != v or v in (float("inf"), float("-inf")):
        return "—"
    if abs(v) < ROUND_OFF * max(1.0, abs(scale)):
        return "0"
    return f"{v:.4g}" if 1e-3 <= abs(v) < 1e5 else f"{v:.3e}"


def optimizer_label(spec: OptimizerSpec) -> str:
    """The legend text of an optimizer: its label, else its name with the learning rate (and the schedule).

    >>> optimizer_label(OptimizerSpec("adam", {"lr": 0.05}))
    'Adam (lr 0.05)'
    >>> optimizer_label(OptimizerSpec("gd", {"lr": 0.1}, label="GD, large step"))
    'GD, large step'
    """
    if spec.label:
        return spec.label
    opt = get_optimizer(spec.id)
    hp = opt.resolve(dict(spec.params))
    settings = [f"lr {hp['lr']:.3g}"] if "lr" in hp else []
    if spec.schedule is not None:
        settings.append(f"{spec.schedule.id} schedule")
    return f"{opt.name} ({', '.join(settings)})" if settings else opt.name


def auto_log_height(
    landscape: Landscape, resolution: int = 100, grid: Sequence[np.ndarray] | None = None
) -> bool:
    """Whether heights span so many orders of magnitude that a linear surface would look flat (judged on
    ``grid``, the landscape's ``grid()`` output, when given). Never for a curve: log10(J − min J) turns the
    minima of a 1-D landscape such as x⁴ − 5x² + 4 into cusps that are not there."""
    if landscape.dim == 1:
        return False
    grid = landscape.grid(resolution) if grid is None else grid
    v = np.asarray(grid[-1], dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size < 4:
        return False
    spread = v.max() - v.min()
    k = v.size // 10
    low = np.partition(v, k)[k] - v.min()  # the 10th percentile (np.percentile's first call costs ~20 ms)
    return bool(spread > 0 and low > 0 and spread / low > 200) or bool(spread > 0 and low == 0)


def log_height(scenario: Scenario, landscape: Landscape, grid: Sequence[np.ndarray] | None = None) -> bool:
    """Whether the surface and the map show log10(J − min J): the scenario's choice, else decided from the
    landscape's values (:func:`auto_log_height`)."""
    chosen = scenario.view.log_height
    return chosen if chosen is not None else auto_log_height(landscape, grid=grid)


def batch_surface_shown(scenario: Scenario, landscape: Landscape) -> bool:
    """Whether the current minibatch's loss is drawn: the view's setting, or automatically whenever the runs
    see minibatches smaller than the data (never on a formula)."""
    n = int(getattr(landscape, "n_samples", 0) or 0)
    if n == 0:
        return False
    if scenario.view.batch_surface is None:
        return scenario.batch_size is not None and scenario.batch_size < n
    return scenario.view.batch_surface


def basin_problem(scenario: Scenario, landscape: Landscape, *, compare: bool = False) -> BasinProblem | None:
    """The basins a scenario shows: its ``[basins]`` optimizer (with ``compare``, the one it is compared with)
    with its learning-rate schedule, the scenario's steps, noise, seed and minibatches, the noise drawn from that
    optimizer's stream — each start ends where the scenario's own run (and ``trace``, ``basins SCENARIO``) ends
    it. None without [basins], optimizers or (with ``compare``) another optimizer to compare with."""
    b = scenario.basins
    if b is None or not scenario.optimizers:
        return None
    group = min(b.optimizer, len(scenario.optimizers) - 1)
    if compare:
        if not 0 <= b.compare < len(scenario.optimizers) or b.compare == group:
            return None
        group = b.compare
    o = scenario.optimizers[group]
    return BasinProblem(
        landscape,
        o.id,
        dict(o.params),
        steps=scenario.steps,
        tol=b.tol,
        noise=scenario.noise,
        seed=scenario.seed,
        schedule=o.schedule,
        batch_size=scenario.batch_size,
        group=group,
    )


def present(
    snapshot: Snapshot,
    scenario: Scenario,
    landscape: Landscape,
    *,
    critical_points: Sequence[CriticalPoint] | None = None,
    basin_map: BasinMap | None = None,
    compare_map: BasinMap | None = None,
) -> Frame:
    """The frame of ``snapshot`` (see the module docstring). ``critical_points``: those found so far (their
    legend rows, when the view marks them); ``basin_map``: the basins computed for the scenario's [basins];
    ``compare_map``: those of the optimizer it compares with (``[basins] compare``), of the same grid."""
    labels = [optimizer_label(o) for o in scenario.optimizers]
    colors = optimizer_colors(o.id for o in scenario.optimizers)
    n_runs = len(snapshot.values)
    n_groups = max(1, len(labels))
    n_starts = n_runs // n_groups if n_runs else 0
    best = None
    if scenario.highlight_best and n_runs >= 2:
        eligible = [r.status != "diverged" and not r.outside for r in snapshot.runs]
        best = best_run(snapshot.values, eligible)
    looks = tuple(
        RunLook(
            group=r.group,
            index=r.index,
            label=labels[r.group] if r.group < len(labels) else r.optimizer,
            color=colors[r.group],
            opacity=1.0 if best is None or k == best else DIMMED,
            ring=k == best,
            status=r.label,
            tone=status_tone(r),
        )  # fmt: skip
        for k, r in enumerate(snapshot.runs)
    )
    view = scenario.view
    sets = {}
    if view.glyphs and snapshot.glyphs is not None and len(snapshot.glyphs) == len(labels):
        sets = glyph_sets(snapshot.glyphs, snapshot.positions, view.glyphs, landscape.domain)
    basins = _basins(basin_map, scenario, labels, compare_map) if basin_map is not None else None
    scale = _loss_scale(snapshot)
    legend = _run_rows(snapshot, looks, labels, colors, n_starts, best, scale)
    if view.critical_points and critical_points:
        legend += _critical_rows(critical_points)
    legend += basins.rows if basins is not None else ()
    legend += _glyph_rows(snapshot, sets, view.theme_or_default())
    return Frame(
        snapshot=snapshot, runs=looks, best=best, legend=legend, glyphs=sets,
        caption=_caption(snapshot, looks, n_starts), basins=basins,
        title=scenario.title, description=scenario.description, steps=scenario.steps, n_starts=n_starts,
        optimizer_colors=tuple(colors),
        scheduled=any(o.schedule is not None for o in scenario.optimizers), loss_scale=scale,
        trail_first=_trail_first(snapshot, view.trail_steps),
        loss_floor=_loss_floor(snapshot, critical_points) if view.log_loss else None,
        distances=_distances(snapshot, critical_points) if view.distance_plot else None,
    )  # fmt: skip


def _trail_first(snapshot: Snapshot, last: int) -> list[np.ndarray]:
    """Per optimizer, the first row of each run's trail: 0 (the whole path), or the first point of its last
    ``last`` steps."""
    out = []
    for t in snapshot.tracks:
        if last <= 0:
            out.append(np.zeros(t.runs, np.intp))
            continue
        # rows before a run's last are the shared recorded steps; its last row is always in its trail
        first = np.searchsorted(t.row_steps, t.last_steps - last, side="left")
        out.append(np.minimum(first, t.lengths - 1))
    return out


def _global_minima(points: Sequence[CriticalPoint] | None) -> list[CriticalPoint]:
    return [p for p in points or () if p.kind == "minimum" and p.is_global]


def _loss_floor(snapshot: Snapshot, points: Sequence[CriticalPoint] | None) -> float:
    """J*: the global minimum's value where it is known, else the lowest finite loss of any path."""
    minima = _global_minima(points)
    if minima:
        return float(min(p.value for p in minima))
    finite = [v[np.isfinite(v)].min() for v in snapshot.path_values if np.isfinite(v).any()]
    return float(min(finite, default=0.0))


def _distances(snapshot: Snapshot, points: Sequence[CriticalPoint] | None) -> list[np.ndarray] | None:
    """‖θ − θ*‖ along each path, θ* the global minimum nearest to the point (None: none is known yet)."""
    minima = _global_minima(points)
    if not minima:
        return None
    centres = np.array([p.position for p in minima], dtype=np.float64)
    out = []
    for path in snapshot.paths:
        d = np.linalg.norm(path[:, None, :] - centres[None, :, :], axis=2)
        out.append(d.min(axis=1))
    return out


def _loss_scale(snapshot: Snapshot) -> float:
    """The largest finite |J| along the paths (1 when there is none)."""
    best = -np.inf
    for t in snapshot.tracks:
        v = np.abs(t.values)
        ok = np.isfinite(v)
        if (t.lengths < len(v)).any():  # rows past a run's end are not its own
            ok &= np.arange(len(v))[:, None] < t.lengths[None, :]
        v = v[ok]
        if v.size:
            best = max(best, float(v.max()))
    return best if best > -np.inf else 1.0


def _run_rows(
    snapshot: Snapshot,
    looks: Sequence[RunLook],
    labels: Sequence[str],
    colors: Sequence[tuple[int, int, int, int]],
    n_starts: int,
    best: int | None,
    scale: float,
) -> tuple[LegendRow, ...]:
    """One row per optimizer (with its best loss when it runs from several starts); one per run instead when a
    single optimizer runs from a few starts; the best run last."""
    values = np.where(np.abs(snapshot.values) < ROUND_OFF * scale, 0.0, snapshot.values)  # round-off: 0
    per_run = len(labels) == 1 and 1 < n_starts <= MAX_RUN_ROWS
    rows = []
    for g, name in enumerate(labels):
        members = [k for k, r in enumerate(looks) if r.group == g]
        if not members:
            rows.append(LegendRow(colors[g], name))
            continue
        if per_run or n_starts == 1:
            for k in members:
                text = name + (f" from ({_point(snapshot.runs[k].start)})" if per_run else "")
                rows.append(LegendRow(colors[g], text + _fate(snapshot.runs[k]), float(values[k])))
            continue
        runs = [snapshot.runs[k] for k in members]
        counts = [f"{len(runs)} runs"]
        diverged = sum(r.status == "diverged" for r in runs)
        left = sum(r.outside and r.status != "diverged" for r in runs)
        counts += [f"{diverged} diverged"] if diverged else []
        counts += [f"{left} left the domain"] if left else []
        finite = values[members][np.isfinite(values[members])]
        loss = float(finite.min()) if finite.size else float("nan")
        rows.append(LegendRow(colors[g], f"{name} ({', '.join(counts)}, best)", loss))
    if best is not None:
        r = snapshot.runs[best]
        rows.append(
            LegendRow(colors[r.group], f"best run: from ({_point(r.start)})", float(values[best]), True)
        )
    return tuple(rows)


def _fate(run: Run) -> str:
    if run.status == "diverged":
        return " — diverged"
    return " — left the domain" if run.outside else ""


def _point(p: Sequence[float]) -> str:
    return ", ".join(f"{c:.3g}" for c in p)


def _critical_rows(points: Sequence[CriticalPoint]) -> tuple[LegendRow, ...]:
    """One row per kind of critical point found, in the order of :data:`CRITICAL_STYLE`."""
    present_keys = {critical_key(p.kind, p.is_global) for p in points}
    return tuple(
        LegendRow((*color, 255), label, symbol=CRITICAL_SYMBOL[key])
        for key, (color, _, label) in CRITICAL_STYLE.items()
        if key in present_keys
    )


def _glyph_rows(snapshot: Snapshot, sets: dict[str, GlyphSet], theme: str) -> tuple[LegendRow, ...]:
    buffer = next((g.velocity_buffer for g in snapshot.glyphs or () if g.velocity_buffer), None)
    return tuple(
        LegendRow((*glyph_color(kind, theme), 255), s.legend(buffer), symbol=GLYPH_STYLE[kind][1])
        for kind, s in sets.items()
    )


def _caption(snapshot: Snapshot, looks: Sequence[RunLook], n_starts: int) -> tuple[str, ...] | None:
    """The step caption of the run the snapshot was asked for (None: none was): its last update with the
    numbers, or where it starts."""
    r = snapshot.caption_run
    if r is None or not 0 <= r < len(snapshot.runs):
        return None
    run, look = snapshot.runs[r], looks[r]
    opt = get_optimizer(run.optimizer)
    who = f" · {look.label}" if look.label != opt.name else ""
    which = f" · from ({_point(run.start)})" if n_starts > 1 else ""
    if snapshot.caption is None:
        return (
            f"{opt.name} — before the first step{who}{which}",
            f"θ = {format_value(np.asarray(run.start))}",
        )
    lines = snapshot.caption.text_lines(4)
    return (lines[0] + who + which, *lines[1:])


def _basins(
    m: BasinMap, scenario: Scenario, labels: Sequence[str], compare: BasinMap | None = None
) -> Basins:
    palette = outcome_palette(m.points)
    shown = [x for x in m.outcomes() if x.count]
    keep = shown if len(shown) <= MAX_BASIN_ROWS else shown[: MAX_BASIN_ROWS - 1]
    b = scenario.basins
    index = min(b.optimizer, len(labels) - 1) if b is not None and labels else 0
    name = labels[index] if labels else m.problem.optimizer
    rows = [LegendRow((0, 0, 0, 0), f"basins of {name}:")]
    for x in keep:
        star = "★ " if x.is_global else ""
        rows.append(
            LegendRow(tuple(palette[x.label].tolist()), f"{star}{outcome_name(x)}: {100 * x.share:.1f} %")
        )
    rest = shown[len(keep) :]
    if rest:
        share = 100 * sum(x.share for x in rest)
        rows.append(LegendRow((128, 128, 128, 255), f"{len(rest)} more outcomes: {share:.1f} %"))
    rows.append(LegendRow((0, 0, 0, 0), f"global minimum reached: {100 * m.global_share:.1f} %"))
    drape = b.drape if b is not None else True
    rgba = basin_rgba(m.labels, m.points)
    difference = None
    if compare is not None and compare.grid == m.grid and compare.labels.shape == m.labels.shape:
        difference = compare_basins(m, compare)
        rgba = difference_rgba(rgba, difference.other_labels, m.points, difference.differs)
        other = (
            labels[compare.problem.group]
            if compare.problem.group < len(labels)
            else compare.problem.optimizer
        )
        rows.append(
            LegendRow(DIFFERS_SWATCH, f"darker, {100 * difference.share:.1f} %: {other} ends elsewhere")
        )
    return Basins(m, m.axes, rgba, tuple(rows), drape, difference)
