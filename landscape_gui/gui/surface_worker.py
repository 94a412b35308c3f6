"""The loss surface of a data landscape, computed in a background thread with progress.

The surface of a landscape made of data costs one evaluation of the model over the whole dataset per grid
point: ``mlp_slice``'s 200 × 200 grid is 40 000 network evaluations over 200 samples (about 4 s here). The
window asks :class:`SurfaceComputer` for it and keeps drawing meanwhile: a coarse grid first (a fraction of a
second, so the shape shows at once), then the full one, each delivered by ``ready`` to a slot of a GUI-thread
object. A new request (the landscape changed again) cancels the one in flight through the core's
``cancelled()`` check, between chunks of the computation.

The numbers are computed in a child process (:mod:`landscape_gui.core.data.surface_process`) for the built-in
data landscapes: in a thread they would hold the interpreter lock that pyqtgraph's painting needs hundreds
of times per frame (measured: the window froze 1.5–2.5 s at a time). This thread only waits on the pipe.

Pattern (DESIGN.md, pitfalls): the computer lives in its own ``QThread``; requests arrive as queued signals;
the generation counter it polls is a plain int written by the GUI thread (the computation runs inside one
slot, so a queued "cancel" could not be seen before it ends); every grid sent is a fresh array.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QThread, Signal, Slot

from landscape_gui.core.data.landscapes import SurfaceCancelled
from landscape_gui.core.data.surface_process import SurfaceProcess, can_compute

COARSE = 40  # first pass: 1 600 points
PROGRESS_INTERVAL_S = 0.05  # at most 20 progress signals a second


class _Computer(QObject):
    """Lives in the surface thread; ``compute`` runs there."""

    ready = Signal(int, int, object)  # generation, resolution, (xs, ys, Z)
    progress = Signal(int, int, int, int)  # generation, resolution, points done, points in all
    failed = Signal(int, str)

    def __init__(self):
        super().__init__()
        self.latest = 0  # written by the GUI thread: the generation still wanted
        self.process = SurfaceProcess()
        self.in_process = 0  # grids computed in this process (no child available, or not a built-in)

    def _grid(self, landscape, res: int, progress, cancelled):
        """In the child process when it can rebuild the landscape (the window's interpreter stays free),
        else in this thread."""
        if self.process.available and can_compute(landscape.id):
            try:
                return self.process.compute(
                    landscape.id, landscape.domain, res, progress=progress, cancelled=cancelled
                )
            except RuntimeError:
                pass  # no child: computed here
        self.in_process += 1
        return landscape.grid(res, progress=progress, cancelled=cancelled)

    @Slot(int, object, object)
    def compute(self, generation: int, landscape, resolutions) -> None:
        for res in resolutions:
            if generation != self.latest:
                return  # a newer request is queued behind this one
            last = [0.0]

            def progress(done: int, total: int, res=res, last=last) -> None:
                now = time.perf_counter()
                if now - last[0] >= PROGRESS_INTERVAL_S or done == total:
                    last[0] = now
                    self.progress.emit(generation, res, done, total)

            try:
                grid = self._grid(landscape, res, progress, lambda: generation != self.latest)
            except SurfaceCancelled:
                return
            except Exception as e:  # noqa: BLE001 - said in the status bar, never a crash
                self.failed.emit(generation, f"cannot compute the surface of {landscape.name}: {e}")
                return
            self.ready.emit(generation, res, tuple(a.copy() for a in grid))


class SurfaceComputer(QObject):
    """The GUI side: ``request(landscape)`` returns the generation that its ``ready`` signals will carry."""

    requested = Signal(int, object, object)
    ready = Signal(int, int, object)
    progress = Signal(int, int, int, int)
    failed = Signal(int, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.generation = 0
        self.thread = QThread()
        self.thread.setObjectName("surface-worker")
        self.computer = _Computer()
        self.computer.moveToThread(self.thread)
        self.requested.connect(self.computer.compute)
        # forwarded through this GUI-thread object: queued, so the slots below run in the GUI thread
        self.computer.ready.connect(self.ready)
        self.computer.progress.connect(self.progress)
        self.computer.failed.connect(self.failed)
        self.thread.start()

    def request(self, landscape, resolutions=(COARSE, 200)) -> int:
        """Compute ``landscape.grid(r)`` for each resolution in turn; any earlier request is cancelled."""
        self.generation += 1
        self.computer.latest = self.generation
        self.requested.emit(self.generation, landscape, tuple(int(r) for r in resolutions))
        return self.generation

    def cancel(self) -> None:
        """Drop whatever is in flight (its results will not come)."""
        self.generation += 1
        self.computer.latest = self.generation

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        self.cancel()
        self.computer.process.close()  # a computation in flight ends at once
        self.thread.quit()
        return self.thread.wait(timeout_ms)
