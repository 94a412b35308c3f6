"""What a simulation looks like at one moment, as arrays a frame can be drawn from: a :class:`Snapshot`.

The window's simulation worker and the exporter take their snapshots with the same :class:`Snapshotter`, so the
numbers behind a window frame and a video frame are the same numbers. A snapshot owns its arrays (copies: a
worker thread may step the simulation on while a view draws it). Runs are optimizer-major: run ``r`` is start
``r % S`` of optimizer ``r // S``.

Each optimizer's paths travel as one dense :class:`Track` (rows × runs, as the simulation records them), so a
frame of 1000 random restarts is a handful of array copies, not thousands of small arrays; ``paths`` and the
other per-run lists are views into the tracks, made when first asked for.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> from landscape_gui.core.analysis.simulation import Simulation
>>> sim = Simulation(get_landscape("booth"), [[0.0, 0.0], [1.0, 1.0]], [("gd", {"lr": 0.05})])
>>> shots = Snapshotter(sim)
>>> sim.step(3)
>>> s = shots.take()
>>> s.step, s.positions.shape, len(s.paths), s.paths[0].shape
(3, (2, 2), 2, (4, 2))
>>> t = s.tracks[0]
>>> t.points.shape, t.lengths.tolist()
((4, 2, 2), [4, 4])
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from landscape_gui.core.analysis.simulation import Run, Simulation
from landscape_gui.core.frames.captions import Caption, step_caption
from landscape_gui.core.frames.glyphs import Glyphs, glyphs
from landscape_gui.core.landscapes.landscape import Landscape

__all__ = [
    "BATCH_SURFACE_RESOLUTION",
    "DISPLAY_POINTS",
    "LR_POINTS",
    "Detail",
    "Snapshot",
    "Snapshotter",
    "Track",
]

#: Trajectory rows a displayed simulation keeps per run (the core decimates beyond this), window and export alike.
DISPLAY_POINTS = 2000
#: Points of each optimizer's learning-rate curve in a snapshot.
LR_POINTS = 2000
#: Grid of the minibatch's faint loss surface: 40 × 40 = 1 600 points (mlp_slice, batch of 10: ~8 ms a snapshot).
BATCH_SURFACE_RESOLUTION = 40


@dataclass(frozen=True)
class Detail:
    """What a snapshot carries beyond the runs: the glyph vectors, the caption of one run, the minibatch's loss
    on a ``batch_surface``² grid (0: none)."""

    glyphs: bool = False
    caption_run: int | None = None
    batch_surface: int = 0


@dataclass(frozen=True)
class Track:
    """The recorded paths of one optimizer's runs, dense: run ``r`` is rows ``0 … lengths[r] − 1`` of column
    ``r`` (its current position last); rows past a run's length are not part of it."""

    #: (K, d, R) positions.
    points: np.ndarray
    #: (K, R) J at those points.
    values: np.ndarray
    #: (K, R) ‖∇J‖ at those points.
    grad_norms: np.ndarray
    #: (K − 1,) the step of each recorded row before the last (shared by all runs).
    row_steps: np.ndarray
    #: (R,) the step each run is at (its last row's step).
    last_steps: np.ndarray
    #: (R,) rows in each run's path.
    lengths: np.ndarray

    @property
    def runs(self) -> int:
        return int(self.points.shape[2])

    def path(self, r: int) -> np.ndarray:
        """(L, d) path of run ``r`` (a view)."""
        return self.points[: self.lengths[r], :, r]

    def path_steps(self, r: int) -> np.ndarray:
        """(L,) the steps of run ``r``'s path rows."""
        k = int(self.lengths[r]) - 1
        return np.append(self.row_steps[:k], self.last_steps[r])


@dataclass
class Snapshot:
    """Every run at one moment (arrays are the snapshot's own)."""

    serial: int
    #: The simulation's step (the most steps any run has taken).
    step: int
    positions: np.ndarray  # (R, d)
    values: np.ndarray  # (R,)
    steps: np.ndarray  # (R,)
    grad_norms: np.ndarray  # (R,)
    #: Per optimizer: its runs' paths, dense.
    tracks: list[Track] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)  # per optimizer: the lr in force for its next step
    lr_history: list[tuple[np.ndarray, np.ndarray]] = field(
        default_factory=list
    )  # per optimizer: (steps, lr)
    glyphs: list[Glyphs] | None = None  # per optimizer, when asked for
    caption: Caption | None = None  # the last step of the run asked for, once it has taken one
    caption_run: int | None = None  # the run asked for
    batch: np.ndarray | None = None  # sample indices of the last step's minibatch (None: the whole data)
    batch_surface: tuple[np.ndarray, np.ndarray, np.ndarray] | None = (
        None  # (xs, ys, Z) of that minibatch's loss, when asked for
    )
    #: Whether the runs were playing when it was taken (the window refreshes slow panels less often then).
    playing: bool = False

    @cached_property
    def paths(self) -> list[np.ndarray]:
        """R × (K, d): each run's path, start first (views into :attr:`tracks`)."""
        return [t.path(r) for t in self.tracks for r in range(t.runs)]

    @cached_property
    def path_values(self) -> list[np.ndarray]:
        """R × (K,): J along each path."""
        return [t.values[: t.lengths[r], r] for t in self.tracks for r in range(t.runs)]

    @cached_property
    def history_steps(self) -> list[np.ndarray]:
        """R × (K,): the step of each path point."""
        return [t.path_steps(r) for t in self.tracks for r in range(t.runs)]

    @cached_property
    def history_grad(self) -> list[np.ndarray]:
        """R × (K,): ‖∇J‖ along each path."""
        return [t.grad_norms[: t.lengths[r], r] for t in self.tracks for r in range(t.runs)]


class Snapshotter:
    """Takes snapshots of one simulation, remembering ‖∇J‖ at the path points already seen (a data landscape's
    gradient costs a pass over the data per point: mlp_slice, 600 points, 0.3 s) and the last minibatch
    surface."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.serial = 0
        # per optimizer: (steps of the recorded rows seen, ‖∇J‖ at them for every run)
        self._norms: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        # (batch, resolution, grid) last computed
        self._batch_surface: tuple[np.ndarray, int, tuple[np.ndarray, ...]] | None = None
        self._current = np.empty(0)  # ‖∇J‖ at the runs' current points, from the last _row_norms

    def reset(self) -> None:
        """The simulation went back to step 0: the norms known so far are stale."""
        self._norms = {}

    def take(self, detail: Detail = Detail(), *, playing: bool = False) -> Snapshot:
        sim = self.sim
        self.serial += 1
        d = sim.landscape.dim
        groups = range(len(sim.groups))
        pos = sim.positions().reshape(-1, d).copy()
        caption, run = None, detail.caption_run
        if run is not None and 0 <= run < len(pos) and len(sim.starts):
            caption = _copy_caption(step_caption(sim, *divmod(run, len(sim.starts))))
        batch = getattr(sim, "batch", None)
        return Snapshot(
            serial=self.serial, step=int(max((g.t for g in sim.groups), default=0)), positions=pos,
            values=sim.losses().ravel().copy(), steps=sim.step_counts().ravel().copy(),
            grad_norms=sim.grad_norms().ravel().copy(), tracks=[self._track(g) for g in groups],
            runs=sim.runs(), lrs=[sim.lr(g) for g in groups],
            lr_history=[_decimated(sim.lr_history(g)) for g in groups],
            glyphs=[glyphs(sim, g) for g in groups] if detail.glyphs else None,
            caption=caption, caption_run=run if run is not None and 0 <= run < len(pos) else None,
            batch=None if batch is None else batch.copy(),
            batch_surface=self._minibatch_surface(batch, detail.batch_surface), playing=playing,
        )  # fmt: skip

    def _track(self, gi: int) -> Track:
        """The dense paths of optimizer ``gi``'s runs: the recorded rows before each run's last step, then where
        it is now. ‖∇J‖ is evaluated once per recorded row (kept across snapshots) and at the current points."""
        g = self.sim.groups[gi]
        n_runs, d = g.params.shape
        rows = np.asarray(g.rec_steps[: g.n_rec], dtype=np.int64)
        n = len(rows)
        kept = np.searchsorted(rows, g.steps, side="left")  # rows recorded before each run's last good step
        points = np.empty((n + 1, d, n_runs))
        values = np.empty((n + 1, n_runs))
        if n:
            assert g.rec_pos is not None and g.rec_loss is not None  # rows were recorded
            points[:n] = g.rec_pos[:n]
            values[:n] = g.rec_loss[:n]
        cols = np.arange(n_runs)
        points[kept, :, cols] = g.params
        values[kept, cols] = g.loss
        norms = np.empty((n + 1, n_runs))
        norms[:n] = self._row_norms(gi, rows, points[:n], g.params)
        norms[kept, cols] = self._current
        k = int(kept.max(initial=-1)) + 1  # the current row follows the last recorded one, or replaces it
        return Track(points[:k], values[:k], norms[:k], rows, g.steps.copy(), kept + 1)

    def _row_norms(self, gi: int, rows: np.ndarray, points: np.ndarray, current: np.ndarray) -> np.ndarray:
        """(n, R) ‖∇J‖ at the recorded rows ``points`` (n, d, R) of steps ``rows``, only the rows not seen before
        evaluated, in one evaluation with the runs' ``current`` (R, d) points (their norms: ``self._current``;
        a data landscape's evaluation is a pass over the data)."""
        n, d, n_runs = points.shape
        k_steps, k_norms = self._norms.get(gi, (np.empty(0, np.int64), np.empty((0, n_runs))))
        out = np.empty((n, n_runs))
        m = len(k_steps)
        if m and k_norms.shape[1] == n_runs and m <= n and np.array_equal(rows[:m], k_steps):
            idx, hit = np.arange(n), np.arange(n) < m  # rows only added since: the known ones come first
            idx[m:] = 0
        elif m and k_norms.shape[1] == n_runs:  # decimated: rows dropped in between
            idx = np.clip(np.searchsorted(k_steps, rows), 0, m - 1)
            hit = k_steps[idx] == rows
        else:
            idx, hit = np.zeros(n, np.intp), np.zeros(n, bool)
        out[hit] = k_norms[idx[hit]]
        fresh = ~hit
        pts = points[fresh].transpose(0, 2, 1).reshape(-1, d)  # row-major: row, then run
        gn = _grad_norms(self.sim.landscape, np.concatenate([pts, current]))
        out[fresh] = gn[: len(pts)].reshape(-1, n_runs)
        self._current = gn[len(pts) :]
        self._norms[gi] = (rows.copy(), out.copy())
        return out

    def _minibatch_surface(
        self, batch: np.ndarray | None, resolution: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(xs, ys, Z) of the minibatch's loss at ``resolution``; computed once per batch."""
        if resolution <= 0 or batch is None or not hasattr(self.sim.landscape, "batch_grid"):
            return None
        cached = self._batch_surface
        if cached is None or cached[0] is not batch or cached[1] != resolution:
            grid = self.sim.landscape.batch_grid(batch, resolution)
            self._batch_surface = cached = (batch, resolution, grid)
        xs, ys, z = cached[2]
        return xs.copy(), ys.copy(), z.copy()


def _grad_norms(landscape: Landscape, points: np.ndarray) -> np.ndarray:
    """‖∇J‖ at (N, d) points, non-numbers as 0 and overflow as 1e300."""
    if not len(points):
        return np.empty(0)
    with np.errstate(all="ignore"):
        gn = np.linalg.norm(landscape.grad(np.ascontiguousarray(points)), axis=1)
    out: np.ndarray = np.nan_to_num(gn, nan=0.0, posinf=1e300)
    return out


def _decimated(lrs: np.ndarray, points: int = LR_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """(steps, lr) of a learning-rate history, at most ``points`` of them (the first and last kept)."""
    steps = np.arange(1, len(lrs) + 1)
    if len(lrs) > points:
        keep = np.unique(np.linspace(0, len(lrs) - 1, points).round().astype(int))
        return steps[keep], lrs[keep]
    return steps, lrs


def _copy_caption(caption: Caption | None) -> Caption | None:
    """The caption with its own copies of the values (they may be views of the simulation's state)."""
    if caption is None:
        return None
    lines = tuple(replace(line, value=np.array(line.value, copy=True)) for line in caption.lines)
    return replace(caption, lines=lines)
