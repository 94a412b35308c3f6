"""One way to compute in the background: a :class:`Job` per kind of computation, where the newest request wins.

``job.request(work, *args)`` runs ``work(*args, cancelled=..., progress=...)`` on a fresh daemon thread; a new
request (or :meth:`Job.cancel`) makes ``cancelled()`` true for the one before, which stops at its next check, and
whatever it still returns is dropped. The result of the newest request arrives in the GUI thread by the
``finished`` signal (``progressed`` and ``failed`` likewise), so views update there and nothing Qt is touched
off it. A ``work`` that is a generator delivers each value it yields by ``partial`` (a coarse picture first),
and the last one by ``finished``. :meth:`Job.shutdown` never waits: a thread still winding down is a daemon holding only numbers, and
work that cannot check ``cancelled()`` (sympy, a network surface) runs in a killable child process in the core
(:mod:`landscape_gui.core.data.surface_process`, :mod:`landscape_gui.core.landscapes.formula_worker`), so
closing the window never hangs on a computation.

:class:`Debounce` runs a callback once a burst of calls has rested (a slider dragged, a formula typed).
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

#: Progress is reported at most this often (seconds).
PROGRESS_EVERY_S = 0.05


class Job(QObject):
    """A kind of background computation (see the module docstring)."""

    finished = Signal(object)  # the newest request's result
    partial = Signal(object)  # a value a generator ``work`` yielded before its last
    progressed = Signal(float)  # its share done, 0 … 1
    failed = Signal(str)  # its one-line error
    _done = Signal(int, object)
    _partial = Signal(int, object)
    _progress = Signal(int, float)
    _error = Signal(int, str)

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.generation = 0
        self.running = False
        self._closed = False
        # emitted from the worker thread, received by this GUI-thread object: queued to the GUI thread
        self._done.connect(self._on_done)
        self._partial.connect(self._on_partial)
        self._progress.connect(self._on_progress)
        self._error.connect(self._on_error)

    def request(self, work: Callable, *args, **kwargs) -> int:
        """Start ``work(*args, **kwargs, cancelled=..., progress=...)``; the request before it is cancelled."""
        self.generation += 1
        gen = self.generation
        self.running = True
        last = [0.0]

        def cancelled() -> bool:
            return gen != self.generation or self._closed

        def progress(fraction: float) -> None:
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_EVERY_S or fraction >= 1.0:
                last[0] = now
                self._emit(self._progress, gen, float(fraction))

        def run() -> None:
            try:
                result = work(*args, **kwargs, cancelled=cancelled, progress=progress)
                if inspect.isgenerator(result):  # each value but the last as it comes, the last as the result
                    values, last = iter(result), None
                    for k, value in enumerate(values):
                        if cancelled():
                            return
                        if k:
                            self._emit(self._partial, gen, last)
                        last = value
                    result = last
            except Cancelled:
                return
            except Exception as e:  # noqa: BLE001 - said in the window, never a crash
                if not cancelled():
                    self._emit(self._error, gen, f"{self.name}: {e}".splitlines()[0])
                return
            if not cancelled():
                self._emit(self._done, gen, result)

        threading.Thread(target=run, name=f"job-{self.name}", daemon=True).start()
        return gen

    def _emit(self, signal, *args) -> None:
        with contextlib.suppress(RuntimeError):  # the window (and this object) is gone
            signal.emit(*args)

    def cancel(self) -> None:
        """Drop the request in flight (it stops at its next check; its result never comes)."""
        self.generation += 1
        self.running = False

    def shutdown(self) -> None:
        """Cancel, and deliver nothing more (the window is closing)."""
        self._closed = True
        self.cancel()

    def _on_done(self, gen: int, result) -> None:
        if gen == self.generation and not self._closed:
            self.running = False
            self.finished.emit(result)

    def _on_partial(self, gen: int, value) -> None:
        if gen == self.generation and not self._closed:
            self.partial.emit(value)

    def _on_progress(self, gen: int, fraction: float) -> None:
        if gen == self.generation and not self._closed:
            self.progressed.emit(fraction)

    def _on_error(self, gen: int, message: str) -> None:
        if gen == self.generation and not self._closed:
            self.running = False
            self.failed.emit(message)


class Cancelled(Exception):
    """Raised by work that noticed ``cancelled()`` (any exception of the core's for it is fine too)."""


class Debounce(QObject):
    """Calls ``callback`` ``interval_ms`` after the last of a burst of :meth:`__call__` s."""

    def __init__(self, interval_ms: int, callback: Callable[[], None], parent=None):
        super().__init__(parent)
        self._callback = callback
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(callback)

    def __call__(self, *_) -> None:
        self._timer.start()

    @property
    def pending(self) -> bool:
        """A call is waiting for the burst to rest."""
        return self._timer.isActive()

    def flush(self) -> None:
        """Run the callback now if a call is pending."""
        if self._timer.isActive():
            self._timer.stop()
            self._callback()

    def stop(self) -> None:
        self._timer.stop()
