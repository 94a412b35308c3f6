"""A trained network computed in a child process, so that the window's interpreter stays free.

Training is thousands of small numpy steps: in a thread of the app it holds the interpreter lock most of the
time, and the window (which paints through Python callbacks) was measured at 0.1 frames per second while the
"Edge of stability" trained in a thread. :func:`trained_plane_in_child` runs
:func:`~landscape_gui.core.training.session.trained_plane` in a fresh *spawn* child (one BLAS thread: small
matrices) and yields what it yields, the same objects; the calling thread only waits on a pipe.
``cancelled()`` (asked every 50 ms) ends the child at once and raises
:class:`~landscape_gui.core.training.train.TrainingCancelled`; ``progress(share)`` follows the child's.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from landscape_gui.core.training.projection import RESOLUTIONS
from landscape_gui.core.training.train import TrainingCancelled

if TYPE_CHECKING:
    from landscape_gui.core.scenario.model import Scenario
    from landscape_gui.core.training.projection import PlaneSurface
    from landscape_gui.core.training.session import TrainedPlane

__all__ = ["trained_plane_in_child"]

PROGRESS_INTERVAL_S = 0.05
START_TIMEOUT_S = 60.0


def _watch_parent() -> None:
    import multiprocessing
    import os
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(0)


def _child(conn: Connection, scenario: Scenario, resolutions: Sequence[int]) -> None:
    """Send ("progress", share)*, ("item", TrainedPlane or PlaneSurface)*, then ("done",) or ("error", line)."""
    import signal

    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, daemon=True).start()
    from landscape_gui.core.allocator import keep_freed_memory
    from landscape_gui.core.blas import blas_threads
    from landscape_gui.core.training.session import trained_plane

    keep_freed_memory()
    last = [0.0]

    def progress(share: float) -> None:
        now = time.perf_counter()
        if now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            conn.send(("progress", float(share)))

    try:
        with blas_threads(1):
            for item in trained_plane(scenario, resolutions, progress=progress):
                conn.send(("item", item))
        conn.send(("done",))
    except Exception as e:  # noqa: BLE001 - said to the parent in one line
        with contextlib.suppress(EOFError, OSError):
            conn.send(("error", f"{e}".splitlines()[0] if str(e) else type(e).__name__))


def trained_plane_in_child(
    scenario: Scenario,
    resolutions: Sequence[int] = RESOLUTIONS,
    *,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[TrainedPlane | PlaneSurface]:
    """What :func:`~landscape_gui.core.training.session.trained_plane` yields for ``scenario``, computed in a
    child process (see the module docstring). ``ValueError`` with the child's one-line message when the
    training cannot run; ``RuntimeError`` when the child stopped."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child,
        args=(child_conn, scenario, tuple(int(r) for r in resolutions)),
        name="training",
        daemon=True,
    )
    process.start()
    child_conn.close()
    try:
        while True:
            if cancelled is not None and cancelled():
                raise TrainingCancelled("training cancelled")
            if not parent_conn.poll(0.05):
                if not process.is_alive() and not parent_conn.poll(0):
                    raise RuntimeError("the training process stopped")
                continue
            msg = parent_conn.recv()
            if msg[0] == "progress":
                if progress is not None:
                    progress(msg[1])
            elif msg[0] == "item":
                yield msg[1]
            elif msg[0] == "done":
                return
            else:
                raise ValueError(msg[1])
    finally:
        parent_conn.close()
        if process.is_alive():
            process.terminate()
        process.join(2.0)
        if process.is_alive():
            process.kill()
            process.join()
