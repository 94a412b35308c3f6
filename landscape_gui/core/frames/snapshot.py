"""What a simulation looks like at one moment, as arrays a frame can be drawn from: a :class:`Snapshot`.

The window's simulation worker and the exporter take their snapshots with the same :class:`Snapshotter`, so the
numbers behind a window frame and a video frame are the same numbers. A snapshot owns its arrays (copies: a
worker thread may step the simulation on while a view draws it). Runs are optimizer-major: run ``r`` is start
``r % S`` of optimizer ``r // S``.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> from landscape_gui.core.analysis.simulation import Simulation
>>> sim = Simulation(get_landscape("booth"), [[0.0, 0.0], [1.0, 1.0]], [("gd", {"lr": 0.05})])
>>> shots = Snapshotter(sim)
>>> sim.step(3)
>>> s = shots.take()
>>> s.step, s.positions.shape, len(s.paths), s.paths[0].shape
(3, (2, 2), 2, (4, 2))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from landscape_gui.core.analysis.simulation import Run, Simulation
from landscape_gui.core.frames.captions import Caption, step_caption
from landscape_gui.core.frames.glyphs import Glyphs, glyphs

__all__ = ["BATCH_SURFACE_RESOLUTION", "DISPLAY_POINTS", "LR_POINTS", "Detail", "Snapshot", "Snapshotter"]

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
    paths: list[np.ndarray]  # R × (K, d)
    path_values: list[np.ndarray]  # R × (K,)
    history_steps: list[np.ndarray]  # R × (K,)
    history_grad: list[np.ndarray]  # R × (K,)  ‖∇J‖ along the recorded path
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


class Snapshotter:
    """Takes snapshots of one simulation, remembering ‖∇J‖ at the path points already seen (a data landscape's
    gradient costs a pass over the data per point: mlp_slice, 600 points, 0.3 s) and the last minibatch
    surface."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.serial = 0
        self._norms: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._batch_surface: tuple[np.ndarray, int, tuple[np.ndarray, ...]] | None = (
            None  # (batch, resolution, grid) last computed
        )

    def reset(self) -> None:
        """The simulation went back to step 0: the norms known so far are stale."""
        self._norms = {}

    def take(self, detail: Detail = Detail(), *, playing: bool = False) -> Snapshot:
        sim = self.sim
        self.serial += 1
        d = sim.landscape.dim
        paths, pvals, hsteps, hgrad = [], [], [], []
        for g in range(len(sim.groups)):
            for path, steps, losses, norms in self._with_norms(g):
                paths.append(path)
                pvals.append(losses)
                hsteps.append(steps)
                hgrad.append(norms)
        groups = range(len(sim.groups))
        pos = sim.positions().reshape(-1, d).copy()
        caption, run = None, detail.caption_run
        if run is not None and 0 <= run < len(pos) and len(sim.starts):
            caption = _copy_caption(step_caption(sim, *divmod(run, len(sim.starts))))
        batch = getattr(sim, "batch", None)
        return Snapshot(
            serial=self.serial, step=int(max((g.t for g in sim.groups), default=0)), positions=pos,
            values=sim.losses().ravel().copy(), steps=sim.step_counts().ravel().copy(),
            grad_norms=sim.grad_norms().ravel().copy(), paths=paths, path_values=pvals, history_steps=hsteps,
            history_grad=hgrad, runs=sim.runs(), lrs=[sim.lr(g) for g in groups],
            lr_history=[_decimated(sim.lr_history(g)) for g in groups],
            glyphs=[glyphs(sim, g) for g in groups] if detail.glyphs else None,
            caption=caption, caption_run=run if run is not None and 0 <= run < len(pos) else None,
            batch=None if batch is None else batch.copy(),
            batch_surface=self._minibatch_surface(batch, detail.batch_surface), playing=playing,
        )  # fmt: skip

    def _with_norms(self, g: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """``(path, steps, losses, ‖∇J‖)`` of every run of optimizer ``g``; the norms are computed in one
        evaluation, only at the steps not seen in an earlier snapshot."""
        sim = self.sim
        runs = sim.histories(g)
        if not runs:
            return []
        empty = (np.empty(0, np.int64), np.empty(0))
        known = [self._norms.get((g, r), empty) for r in range(len(runs))]
        hits, fresh = [], []
        for (path, steps, _), (k_steps, _) in zip(runs, known, strict=True):
            idx = np.clip(np.searchsorted(k_steps, steps), 0, max(0, len(k_steps) - 1))
            hit = (
                (idx < len(k_steps)) & (k_steps[idx] == steps) if len(k_steps) else np.zeros(len(steps), bool)
            )
            hits.append((idx, hit))
            fresh.append(path[~hit])
        with np.errstate(all="ignore"):
            todo = np.concatenate(fresh)
            gn = np.linalg.norm(sim.landscape.grad(todo), axis=1) if len(todo) else np.empty(0)
        gn = np.nan_to_num(gn, nan=0.0, posinf=1e300)
        parts = np.split(gn, np.cumsum([len(f) for f in fresh])[:-1])
        out = []
        for r, ((path, steps, losses), (_, k_norms), (idx, hit), new) in enumerate(
            zip(runs, known, hits, parts, strict=True)
        ):
            norms = np.empty(len(steps))
            norms[hit] = k_norms[idx[hit]]
            norms[~hit] = new
            self._norms[(g, r)] = (np.asarray(steps).copy(), norms)
            out.append((path, steps, losses, norms.copy()))
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
