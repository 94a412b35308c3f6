"""The simulation worker: steps the session's runs in its own QThread and hands snapshots to the GUI.

It is the one stateful background worker (the runs live between frames); one-off computations go through
:class:`~landscape_gui.gui.jobs.Job`. Pattern (DESIGN.md, pitfalls): the worker's QTimer is created in a slot
connected to ``thread.started``; commands arrive as queued signals; each snapshot is the core's
(:class:`~landscape_gui.core.frames.snapshot.Snapshotter`: the exporter takes its snapshots the same way), put
in a one-slot :class:`Mailbox`. The GUI takes the newest one when it has time to draw, so snapshots never
queue up, and the worker skips taking snapshots nobody would look at.

The worker follows the session: :meth:`SimulationWorker.follow` gets each new scenario and the core's
:class:`~landscape_gui.core.analysis.session_runs.SessionRuns` decides whether that means new runs or an edit
applied from the next step. Every snapshot carries the ``config`` it belongs to, so the window can drop one of
runs it has already replaced.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from landscape_gui.core.analysis.session_runs import SessionRuns
from landscape_gui.core.frames.snapshot import DISPLAY_POINTS, Detail, Snapshot, Snapshotter

STEPS_PER_SECOND = 40.0  # at speed 1×
TICK_MS = 16
FAST_BUDGET_S = 0.012  # "as fast as possible": step for this long per tick, then show a frame


class Mailbox:
    """Holds only the newest snapshot; ``put`` says whether the slot was empty (the GUI must be told)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._item: tuple[int, Snapshot] | None = None

    def put(self, item: tuple[int, Snapshot]) -> bool:
        with self._lock:
            was_empty = self._item is None
            self._item = item
            return was_empty

    def take(self) -> tuple[int, Snapshot] | None:
        with self._lock:
            item, self._item = self._item, None
            return item

    def empty(self) -> bool:
        with self._lock:
            return self._item is None


class SimulationWorker(QObject):
    """Lives in a QThread; all slots run there."""

    snapshotReady = Signal()
    playingChanged = Signal(bool)
    error = Signal(str)

    def __init__(self, mailbox: Mailbox):
        super().__init__()
        self.mailbox = mailbox
        self.runs = SessionRuns(max_points=DISPLAY_POINTS)
        self.shots: Snapshotter | None = None
        self.config = 0  # the session change the runs follow (snapshots carry it)
        self.timer: QTimer | None = None
        self.playing = False
        self.speed = 1.0  # multiplier; 0 = as fast as possible
        self.detail = Detail()
        self._credit = 0.0
        self._last = time.perf_counter()
        self._stopped = False

    @property
    def sim(self):
        return self.runs.sim

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
    @Slot(int, object, object)
    def follow(self, config: int, scenario, landscape) -> None:
        """The session is now ``scenario`` over ``landscape``: new runs, or the edit applied from the next step."""
        self.config = config
        view = scenario.view
        self.speed = 0.0 if view.fast else view.speed
        try:
            if self.runs.follow(scenario, landscape):
                self.shots = Snapshotter(self.runs.sim)
        except (ValueError, KeyError) as e:
            self.shots = None
            self.error.emit(f"cannot start the runs: {e}")
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

    @Slot(int)
    def step(self, n: int = 1) -> None:
        """``n`` steps now (paused), never past the step limit."""
        self._set_playing(False)
        if self.sim is not None and self._can_continue():
            self.sim.step(min(int(n), self._remaining()))
        self._publish(force=True)

    @Slot()
    def reset(self) -> None:
        if self.sim is not None:
            self.sim.reset()
            self.shots.reset()
        self._set_playing(False)
        self._publish(force=True)

    @Slot(object)
    def set_detail(self, detail: Detail) -> None:
        """What snapshots carry beyond the runs (glyphs, a caption, the minibatch surface)."""
        self.detail = detail
        self._publish(force=True)

    # -- stepping -----------------------------------------------------------------------------------------
    def _set_playing(self, playing: bool) -> None:
        if self.timer is not None and not self._stopped:
            self.timer.start() if playing else self.timer.stop()
        if playing != self.playing:
            self.playing = playing
            self.playingChanged.emit(playing)

    def _can_continue(self) -> bool:
        sim = self.sim
        if sim is None or not sim.groups or self._remaining() == 0:
            return False
        return any((sim.statuses(g) == "running").any() for g in range(len(sim.groups)))

    def _remaining(self) -> int:
        limit = self.runs.scenario.steps if self.runs.scenario is not None else 0
        return max(0, limit - int(max((g.t for g in self.sim.groups), default=0)))

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
        if not self._can_continue():
            self._set_playing(False)
            self._publish(force=True)
        elif n:
            self._publish()

    def _publish(self, force: bool = False) -> None:
        """Put a fresh snapshot in the mailbox (only when the GUI took the last one, unless ``force``)."""
        if self.shots is None or (not force and not self.mailbox.empty()):
            return
        if self.mailbox.put((self.config, self.shots.take(self.detail, playing=self.playing))):
            self.snapshotReady.emit()


class WorkerHandle(QObject):
    """The GUI side: owns the thread and the worker and sends commands as queued signals."""

    followRequested = Signal(int, object, object)
    playRequested = Signal()
    pauseRequested = Signal()
    stepRequested = Signal(int)
    resetRequested = Signal()
    detailRequested = Signal(object)
    stopRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mailbox = Mailbox()
        self.config = 0
        self.thread = QThread()
        self.thread.setObjectName("simulation-worker")
        self.worker = SimulationWorker(self.mailbox)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)
        self.followRequested.connect(self.worker.follow)
        self.playRequested.connect(self.worker.play)
        self.pauseRequested.connect(self.worker.pause)
        self.stepRequested.connect(self.worker.step)
        self.resetRequested.connect(self.worker.reset)
        self.detailRequested.connect(self.worker.set_detail)
        self.stopRequested.connect(self.worker.stop)
        self.thread.start()

    def follow(self, scenario, landscape) -> int:
        """Send the session's scenario; returns the config its snapshots will carry."""
        self.config += 1
        self.followRequested.emit(self.config, scenario, landscape)
        return self.config

    def take(self) -> Snapshot | None:
        """The newest snapshot of the newest config (an older one is dropped)."""
        item = self.mailbox.take()
        if item is None or item[0] != self.config:
            return None
        return item[1]

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the timer in the worker's thread, end its event loop and wait for it (idempotent)."""
        if not self.thread.isRunning():
            return True
        self.stopRequested.emit()
        ok = self.thread.wait(timeout_ms)
        if not ok:  # the worker is stuck in a long step: nothing else to do but wait once more
            ok = self.thread.wait(timeout_ms)
        return ok
