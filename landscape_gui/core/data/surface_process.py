"""Loss surfaces of the built-in data landscapes computed in a warm child process.

A data landscape's surface is thousands of model evaluations over the dataset (``mlp_slice``: 40 000
network evaluations over 200 samples, ~4 s). Computed in a thread of the app, it holds the interpreter lock
for most of that time, and a window that paints through hundreds of Python callbacks per frame (pyqtgraph)
waits for the lock at each of them: measured, the window froze for 1.5 to 2.5 s at a time while a thread
computed. In a child process it uses the other core and the app's interpreter stays free.

:class:`SurfaceProcess` keeps one *spawn* child (not fork: the parent is a multi-threaded Qt app) that
rebuilds the landscape from its id and domain (``get_landscape(id).with_domain(domain)``: the same numbers
as the app's, the network of ``mlp_slice`` read from its disk cache) and computes ``grid(resolution)``,
sending progress every 50 ms and stopping between chunks when the parent asks (a message waiting on the
pipe). :meth:`SurfaceProcess.compute` blocks its calling thread (waiting on the pipe, not holding the lock),
calls ``progress(done, total)``, raises :class:`SurfaceCancelled` when ``cancelled()`` turns true and
``RuntimeError`` when the child cannot run (the caller then computes in-process).

>>> from landscape_gui.core.data.surface_process import can_compute
>>> can_compute("linreg"), can_compute("rosenbrock")
(True, False)
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from landscape_gui.core.data.landscapes import DataLandscape, SurfaceCancelled
from landscape_gui.core.types import FloatArray

if TYPE_CHECKING:
    from landscape_gui.core.analysis.critical import CriticalPoint
    from landscape_gui.core.landscapes.landscape import Landscape

__all__ = ["SurfaceProcess", "can_compute"]

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05
START_TIMEOUT_S = 60.0


def can_compute(landscape_id: str | None) -> bool:
    """Whether the child can rebuild this landscape: the built-in data landscapes."""
    from landscape_gui.core.landscapes.library import DATA_LANDSCAPE_IDS

    return landscape_id in DATA_LANDSCAPE_IDS


# -- the child ----------------------------------------------------------------------------------------------
def _watch_parent() -> None:
    import multiprocessing
    import os
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(0)


def _serve(conn: Connection) -> None:
    """Receive ("grid", id, domain, resolution); answer ("progress", done, total)*, then ("grid", xs, ys,
    Z), ("cancelled",) or ("error", message). A "cancel" with nothing in flight is ignored."""
    import signal

    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, daemon=True).start()
    from landscape_gui.core.allocator import keep_freed_memory
    from landscape_gui.core.landscapes.library import get_landscape

    # a spawn child is a fresh interpreter: it gets the allocator settings the app's entry point gave the
    # parent (without them mlp_slice's critical-point search faults ~1.1 million pages, 4x slower)
    keep_freed_memory()

    conn.send(("ready",))
    reply: tuple[Any, ...]
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg[0] == "critical":
            try:
                from landscape_gui.core.analysis.critical import critical_points

                reply = ("critical", critical_points(_landscape(get_landscape, msg[1], msg[2])))
            except Exception as e:  # noqa: BLE001 - said to the parent in one line
                reply = _error(e)
            if not _send(conn, reply):
                return
            continue
        if msg[0] != "grid":
            continue  # a late "cancel"
        _, landscape_id, domain, resolution = msg
        last = [0.0]

        def progress(done: int, total: int, last: list[float] = last) -> None:
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_INTERVAL_S or done == total:
                last[0] = now
                conn.send(("progress", int(done), int(total)))

        try:
            landscape = _landscape(get_landscape, landscape_id, domain)
            if not isinstance(landscape, DataLandscape):  # can_compute: the parent sends only these
                raise TypeError(f"{landscape_id} is not a data landscape")
            xs, ys, z = landscape.grid(resolution, progress=progress, cancelled=conn.poll)
            reply = ("grid", xs, ys, z)
        except SurfaceCancelled:
            reply = ("cancelled",)
        except Exception as e:  # noqa: BLE001 - said to the parent in one line
            reply = _error(e)
        if not _send(conn, reply):
            return


def _error(e: Exception) -> tuple[str, str]:
    return ("error", f"{type(e).__name__}: {e}".splitlines()[0])


def _send(conn: Connection, reply: object) -> bool:
    """Send ``reply`` to the parent; False when the parent is gone."""
    try:
        conn.send(reply)
    except (EOFError, OSError):
        return False
    return True


def _landscape(
    get_landscape: Callable[[str], Landscape], landscape_id: str, domain: Sequence[Sequence[float]] | None
) -> Landscape:
    landscape = get_landscape(landscape_id)
    if domain is not None and tuple(map(tuple, domain)) != tuple(landscape.domain):
        landscape = landscape.with_domain(domain)
    return landscape


# -- the parent ---------------------------------------------------------------------------------------------
class SurfaceProcess:
    """One warm child computing surfaces (see the module docstring). Thread-safe; one request at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._starting: BaseProcess | None = None  # a child started but not ready yet
        self._conn: Connection | None = None
        self.available = True

    def _start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_serve, args=(child_conn,), name="surface-worker", daemon=True)
        process.start()
        child_conn.close()
        self._starting = process  # close() kills it while it starts (importing numpy takes a second or two)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not parent_conn.poll(0.05):
                if not self.available or not process.is_alive() or time.monotonic() > deadline:
                    break
            ready = self.available and parent_conn.poll(0) and parent_conn.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        finally:
            self._starting = None
        if not ready:
            process.kill()
            process.join()
            parent_conn.close()
            raise RuntimeError("the surface process did not start")
        self._process, self._conn = process, parent_conn

    @contextlib.contextmanager
    def _session(self) -> Iterator[Connection]:
        """The pipe to a running child, one request at a time. A broken child is stopped for good: from then
        on :attr:`available` is False and the callers compute in this process."""
        with self._lock:
            if not self.available:
                raise RuntimeError("the surface process is not available")
            try:
                if self._process is None or not self._process.is_alive():
                    self._start()
                assert self._conn is not None  # set with the running process
                yield self._conn
            except (EOFError, OSError, RuntimeError) as e:
                self._stop()
                if self.available:  # not closed on purpose: say it once (packaging/build-bundle looks)
                    log.warning(
                        "the surface process stopped (%s: %s); computing in this process", type(e).__name__, e
                    )
                self.available = False
                raise RuntimeError(f"the surface process stopped ({type(e).__name__})") from e

    @staticmethod
    def _domain(domain: Sequence[Sequence[float]] | None) -> list[list[float]] | None:
        return None if domain is None else [list(map(float, b)) for b in domain]

    def compute(
        self,
        landscape_id: str,
        domain: Sequence[Sequence[float]] | None,
        resolution: int,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``(xs, ys, Z)`` of ``get_landscape(landscape_id)`` over ``domain`` at ``resolution``."""
        with self._session() as conn:
            conn.send(("grid", landscape_id, self._domain(domain), int(resolution)))
            asked_to_stop = False
            while True:
                if not asked_to_stop and cancelled is not None and cancelled():
                    conn.send(("cancel",))
                    asked_to_stop = True
                if not conn.poll(0.02):
                    continue
                msg = conn.recv()
                if msg[0] == "progress":
                    if progress is not None and not asked_to_stop:
                        progress(msg[1], msg[2])
                elif msg[0] == "grid":
                    if asked_to_stop:
                        raise SurfaceCancelled("surface computation cancelled")
                    return msg[1], msg[2], msg[3]
                elif msg[0] == "cancelled":
                    raise SurfaceCancelled("surface computation cancelled")
                else:
                    raise ValueError(msg[1])

    def critical_points(
        self, landscape_id: str, domain: Sequence[Sequence[float]] | None
    ) -> list[CriticalPoint]:
        """``core.critical.critical_points`` of the landscape, found in the child (not interruptible)."""
        with self._session() as conn:
            conn.send(("critical", landscape_id, self._domain(domain)))
            msg = conn.recv()
        if msg[0] != "critical":
            raise ValueError(msg[1])
        points: list[CriticalPoint] = msg[1]
        return points

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.is_alive():
                process.terminate()
                process.join(1.0)
                if process.is_alive():
                    process.kill()
            process.join()
            process.close()

    def close(self) -> None:
        """End the child now, even in the middle of a request (that request then raises RuntimeError)."""
        self.available = False
        for process in (self._process, self._starting):
            with contextlib.suppress(Exception):
                if process is not None and process.is_alive():
                    process.terminate()
        if self._lock.acquire(timeout=5.0):
            try:
                self._stop()
            finally:
                self._lock.release()
