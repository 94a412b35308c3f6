"""The simulation worker: steps every run in its own QThread and hands frames to the GUI through a mailbox.

Pattern (see DESIGN.md, pitfalls): the worker's QTimer is created in a slot connected to ``thread.started``;
commands (configure, play, pause, step, reset, hyperparameters, noise, speed) arrive as queued signals; each
frame is a fresh copy of the arrays, put in a one-slot :class:`Mailbox`. The GUI takes the newest frame when it
has time to draw, so frames never queue up, and the worker skips building frames nobody would look at.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.optimizers.captions import Caption, step_caption
from landscape_gui.core.optimizers.glyphs import Glyphs, glyphs

STEPS_PER_SECOND = 40.0  # at speed 1×
TICK_MS = 16
FAST_BUDGET_S = 0.012  # "as fast as possible": step for this long per tick, then show a frame
TRAIL_POINTS = 2000  # trajectory rows kept per run (the core decimates beyond this)
LR_POINTS = 2000  # points of each optimizer's learning-rate curve sent per frame


@dataclass
class Frame:
    """One snapshot of every run, optimizer-major (run r = group r // S, start r % S). Arrays are copies."""

    serial: int
    positions: np.ndarray  # (R, d)
    values: np.ndarray  # (R,)
    steps: np.ndarray  # (R,)
    grad_norms: np.ndarray  # (R,)
    paths: list[np.ndarray]  # R × (K, d)
    path_values: list[np.ndarray]  # R × (K,)
    history_steps: list[np.ndarray]  # R × (K,)
    history_grad: list[np.ndarray]  # R × (K,)  ‖∇J‖ along the recorded path
    runs: list = field(default_factory=list)  # core Run objects
    playing: bool = False
    lrs: list[float] = field(default_factory=list)  # per optimizer: the lr in force for its next step
    lr_history: list[tuple[np.ndarray, np.ndarray]] = field(
        default_factory=list
    )  # per optimizer: (steps, lr)
    glyphs: list[Glyphs] | None = None  # per optimizer, when asked for (:meth:`SimulationWorker.set_detail`)
    caption: Caption | None = None  # the last step of the run asked for, once it has taken one
    caption_run: int | None = None  # the run the caption is about
    batch: np.ndarray | None = None  # sample indices of the last step's minibatch (None: the whole data)
    batch_surface: tuple | None = None  # (xs, ys, Z) of that minibatch's loss, when asked for


class Mailbox:
    """Holds only the newest frame; ``put`` says whether the slot was empty (the GUI must be told)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._frame: Frame | None = None

    def put(self, frame: Frame) -> bool:
        with self._lock:
            was_empty = self._frame is None
            self._frame = frame
            return was_empty

    def take(self) -> Frame | None:
        with self._lock:
            frame, self._frame = self._frame, None
            return frame

    def empty(self) -> bool:
        with self._lock:
            return self._frame is None


class SimulationWorker(QObject):
    """Lives in a QThread; all slots run there."""

    frameReady = Signal()
    playingChanged = Signal(bool)
    error = Signal(str)

    def __init__(self, mailbox: Mailbox):
        super().__init__()
        self.mailbox = mailbox
        self.sim: Simulation | None = None
        self.timer: QTimer | None = None
        self.playing = False
        self.speed = 1.0  # multiplier; 0 = as fast as possible
        self.max_steps = 2000
        self._credit = 0.0
        self._last = time.perf_counter()
        self._serial = 0
        self._stopped = False
        self.want_glyphs = False
        self.caption_run: int | None = None
        self._norms_of, self._norms = None, {}  # ‖∇J‖ along the paths: (group, run) → (steps, norms)
        self.batch_surface_resolution = 0  # 0: no minibatch surface in the frames
        self._batch_surface: tuple | None = None  # (batch, resolution, (xs, ys, Z)) last computed

    # -- lifecycle ----------------------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """Connected to ``thread.started``: the timer must belong to the worker's thread."""
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    @Slot()
    def stop(self) -> None:
        self._stopped = True
        if self.timer is not None:
            self.timer.stop()
        QThread.currentThread().quit()

    # -- commands -----------------------------------------------------------------------------------------
    @Slot(object)
    def configure(self, spec: dict) -> None:
        """Build a new simulation: ``spec`` has landscape, starts, optimizers [(id, hp, schedule)], noise,
        seed."""
        try:
            starts = np.asarray(spec["starts"], dtype=np.float64).reshape(-1, spec["landscape"].dim)
            self.sim = Simulation(
                spec["landscape"], starts, spec["optimizers"], noise=spec.get("noise", 0.0),
                seed=spec.get("seed", 0), max_points=TRAIL_POINTS,
                step_limit=int(spec.get("max_steps", self.max_steps)), batch_size=spec.get("batch_size"),
            )  # fmt: skip
        except (ValueError, KeyError) as e:
            self.sim = None
            self.error.emit(f"cannot start the runs: {e}")
        self.max_steps = int(spec.get("max_steps", self.max_steps))
        self._publish(force=True)
        if self.playing and not self._can_continue():
            self._set_playing(False)

    @Slot()
    def play(self) -> None:
        if self.sim is None or not self._can_continue():
            self._set_playing(False)
            return
        self._last = time.perf_counter()
        self._credit = 0.0
        self._set_playing(True)

    @Slot()
    def pause(self) -> None:
        self._set_playing(False)
        self._publish(force=True)

    @Slot()
    def step_once(self) -> None:
        self._set_playing(False)
        if self.sim is not None and self._can_continue():
            self.sim.step(1)
        self._publish(force=True)

    @Slot()
    def reset(self) -> None:
        self._norms = {}
        if self.sim is not None:
            self.sim.reset()
        self._set_playing(False)
        self._publish(force=True)

    @Slot(int, object)
    def set_hyperparameters(self, group: int, hp: dict) -> None:
        if self.sim is None or not 0 <= group < len(self.sim.groups):
            return
        try:
            self.sim.set_hyperparameters(group, hp)
        except ValueError as e:
            self.error.emit(str(e))
        if not self.playing:
            self._publish(force=True)  # the lr in force may have changed

    @Slot(int, object)
    def set_schedule(self, group: int, schedule) -> None:
        if self.sim is None or not 0 <= group < len(self.sim.groups):
            return
        try:
            self.sim.set_schedule(group, schedule)
        except ValueError as e:
            self.error.emit(str(e))
        if not self.playing:
            self._publish(force=True)  # the lr in force changed

    @Slot(bool, object)
    def set_detail(self, want_glyphs: bool, caption_run) -> None:
        """Put the glyph vectors (every ball) and the caption of run ``caption_run`` (None: none) in frames."""
        self.want_glyphs = bool(want_glyphs)
        self.caption_run = None if caption_run is None else int(caption_run)
        self._publish(force=True)

    @Slot(float)
    def set_noise(self, sigma: float) -> None:
        if self.sim is not None:
            try:
                self.sim.set_noise(sigma)
            except ValueError as e:
                self.error.emit(str(e))

    @Slot(object)
    def set_batch_size(self, batch_size) -> None:
        """Minibatches of this size from the next step on (None: the whole data)."""
        if self.sim is not None:
            try:
                self.sim.set_batch_size(batch_size)
            except ValueError as e:
                self.error.emit(str(e))
            self._publish(force=True)

    @Slot(int)
    def set_batch_surface(self, resolution: int) -> None:
        """Put the loss of the current minibatch, on a ``resolution``² grid, in every frame (0: don't)."""
        self.batch_surface_resolution = max(0, int(resolution))
        self._publish(force=True)

    @Slot(float)
    def set_speed(self, speed: float) -> None:
        self.speed = max(0.0, float(speed))

    @Slot(int)
    def set_max_steps(self, steps: int) -> None:
        self.max_steps = max(1, int(steps))
        if self.sim is not None:
            self.sim.step_limit = self.max_steps  # the runs that reach it say so

    # -- stepping -----------------------------------------------------------------------------------------
    def _set_playing(self, playing: bool) -> None:
        if self.timer is not None and not self._stopped:
            self.timer.start() if playing else self.timer.stop()
        if playing != self.playing:
            self.playing = playing
            self.playingChanged.emit(playing)

    def _can_continue(self) -> bool:
        sim = self.sim
        if sim is None or not sim.groups:
            return False
        if self._remaining() == 0:
            return False
        return any((sim.statuses(g) == "running").any() for g in range(len(sim.groups)))

    def _remaining(self) -> int:
        return max(0, self.max_steps - int(max((g.t for g in self.sim.groups), default=0)))

    @Slot()
    def _tick(self) -> None:
        if self.sim is None or not self.playing:
            return
        now = time.perf_counter()
        dt, self._last = min(now - self._last, 0.25), now
        if self.speed <= 0:
            n = 0
            while time.perf_counter() - now < FAST_BUDGET_S and self._remaining() > 0:
                chunk = min(10, self._remaining())
                self.sim.step(chunk)
                n += chunk
        else:
            self._credit += dt * STEPS_PER_SECOND * self.speed
            n = min(int(self._credit), self._remaining())
            self._credit -= int(self._credit)
            if n:
                self.sim.step(n)
        if not self._can_continue() or self._remaining() == 0:
            self._set_playing(False)
            self._publish(force=True)
        elif n:
            self._publish()

    def _publish(self, force: bool = False) -> None:
        """Put a fresh frame in the mailbox (only when the GUI took the last one, unless ``force``)."""
        if not force and not self.mailbox.empty():
            return
        frame = self.build_frame()
        if frame is not None and self.mailbox.put(frame):
            self.frameReady.emit()

    def build_frame(self) -> Frame | None:
        sim = self.sim
        if sim is None:
            return None
        self._serial += 1
        d = sim.landscape.dim
        pos = sim.positions().reshape(-1, d).copy()
        paths, pvals, hsteps, hgrad = [], [], [], []
        if self._norms_of is not sim:  # a new simulation: the norms known so far belong to another
            self._norms_of, self._norms = sim, {}
        for g in range(len(sim.groups)):
            runs = sim.histories(g)
            if not runs:
                continue
            # ‖∇J‖ along the paths: only at the steps not seen in an earlier frame (a data landscape's
            # gradient costs a pass over the data per point: mlp_slice, 600 points, 0.3 s), in one evaluation
            known = [self._norms.get((g, r), (np.empty(0, np.int64), np.empty(0))) for r in range(len(runs))]
            hits, fresh = [], []
            for (path, steps, _), (k_steps, _) in zip(runs, known, strict=True):
                idx = np.clip(np.searchsorted(k_steps, steps), 0, max(0, len(k_steps) - 1))
                hit = (
                    (idx < len(k_steps)) & (k_steps[idx] == steps)
                    if len(k_steps)
                    else np.zeros(len(steps), bool)
                )
                hits.append((idx, hit))
                fresh.append(path[~hit])
            with np.errstate(all="ignore"):
                todo = np.concatenate(fresh)
                gn = np.linalg.norm(sim.landscape.grad(todo), axis=1) if len(todo) else np.empty(0)
            gn = np.nan_to_num(gn, nan=0.0, posinf=1e300)
            ends = np.cumsum([len(f) for f in fresh])
            parts = np.split(gn, ends[:-1])
            for r, ((path, steps, losses), (_, k_norms), (idx, hit), new) in enumerate(
                zip(runs, known, hits, parts, strict=True)
            ):
                norms = np.empty(len(steps))
                norms[hit] = k_norms[idx[hit]]
                norms[~hit] = new
                self._norms[(g, r)] = (np.asarray(steps).copy(), norms)
                paths.append(path)
                pvals.append(losses)
                hsteps.append(steps)
                hgrad.append(norms.copy())
        groups = range(len(sim.groups))
        caption, run = None, self.caption_run
        if run is not None and 0 <= run < len(pos) and len(sim.starts):
            caption = _copy_caption(step_caption(sim, *divmod(run, len(sim.starts))))
        batch = getattr(sim, "batch", None)
        return Frame(
            serial=self._serial, positions=pos, values=sim.losses().ravel().copy(),
            steps=sim.step_counts().ravel().copy(), grad_norms=sim.grad_norms().ravel().copy(),
            paths=paths, path_values=pvals, history_steps=hsteps, history_grad=hgrad, runs=sim.runs(),
            playing=self.playing, lrs=[sim.lr(g) for g in groups],
            lr_history=[_decimated(sim.lr_history(g)) for g in groups],
            glyphs=[glyphs(sim, g) for g in groups] if self.want_glyphs else None,
            caption=caption, caption_run=run if caption is not None else None,
            batch=None if batch is None else batch.copy(),
            batch_surface=self._minibatch_surface(batch),
        )  # fmt: skip

    def _minibatch_surface(self, batch) -> tuple | None:
        """(xs, ys, Z) of the minibatch's loss at the coarse resolution asked for; computed once per batch
        (only for frames the GUI takes, so at most once per drawn frame)."""
        res = self.batch_surface_resolution
        if res <= 0 or batch is None or not hasattr(self.sim.landscape, "batch_grid"):
            return None
        cached = self._batch_surface
        if cached is None or cached[0] is not batch or cached[1] != res:
            grid = self.sim.landscape.batch_grid(batch, res)
            self._batch_surface = cached = (batch, res, grid)
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


class WorkerHandle(QObject):
    """The GUI side: owns the thread and the worker and sends commands as queued signals."""

    configureRequested = Signal(object)
    playRequested = Signal()
    pauseRequested = Signal()
    stepRequested = Signal()
    resetRequested = Signal()
    hyperparametersRequested = Signal(int, object)
    scheduleRequested = Signal(int, object)
    detailRequested = Signal(bool, object)
    noiseRequested = Signal(float)
    batchSizeRequested = Signal(object)
    batchSurfaceRequested = Signal(int)
    speedRequested = Signal(float)
    maxStepsRequested = Signal(int)
    stopRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mailbox = Mailbox()
        self.thread = QThread()
        self.thread.setObjectName("simulation-worker")
        self.worker = SimulationWorker(self.mailbox)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self.configureRequested.connect(self.worker.configure)
        self.playRequested.connect(self.worker.play)
        self.pauseRequested.connect(self.worker.pause)
        self.stepRequested.connect(self.worker.step_once)
        self.resetRequested.connect(self.worker.reset)
        self.hyperparametersRequested.connect(self.worker.set_hyperparameters)
        self.scheduleRequested.connect(self.worker.set_schedule)
        self.detailRequested.connect(self.worker.set_detail)
        self.noiseRequested.connect(self.worker.set_noise)
        self.batchSizeRequested.connect(self.worker.set_batch_size)
        self.batchSurfaceRequested.connect(self.worker.set_batch_surface)
        self.speedRequested.connect(self.worker.set_speed)
        self.maxStepsRequested.connect(self.worker.set_max_steps)
        self.stopRequested.connect(self.worker.stop)
        self.thread.start()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the timer in the worker's thread, end its event loop and wait for it (idempotent)."""
        if not self.thread.isRunning():
            return True
        self.stopRequested.emit()
        ok = self.thread.wait(timeout_ms)
        if not ok:  # the worker is stuck in a long step: nothing else to do but wait once more
            ok = self.thread.wait(timeout_ms)
        return ok
