"""Check user formulas in a warm, killable child process, so that a hung sympy call cannot hang the app.

:func:`~landscape_gui.core.landscapes.expressions.landscape_from_formula` bounds what a formula may contain, but
sympy's automatic simplification can, rarely, run for minutes inside one ``sympy.diff`` call (for example
``arccosh(tanh(((y - (x*pi*0.5)**(min(e,pi)))^2)^50))``: sympy asks whether ``tanh(...)`` is real and
expands the 50th power), and such a call cannot be interrupted from inside. Here the build runs in a child
process that is killed when it takes too long:

* :func:`check_formula` raises :class:`FormulaError` with the same message and column as
  ``landscape_from_formula`` would, or ``formula is too complex to differentiate in time (over 3 s)``
  when the child has not answered within ``timeout_s`` (the child is then killed, and a fresh one is
  started on the next call);
* :func:`build_formula` checks first, then builds the :class:`Landscape` in this process (the build is
  deterministic: a formula that built in time in the child builds in about the same time here);
* :func:`start` begins starting the child without waiting (e.g. when the app opens), :func:`shutdown`
  kills it (also registered with :mod:`atexit`), :func:`worker_pid` says which process it is.

Parsing errors (the usual case while someone types) are found in this process by
:func:`~landscape_gui.core.landscapes.expressions.parse_formula`, without a round trip; only formulas that parse go
to the child. Calls are thread-safe and serialised (one child, one request at a time).

The child is a ``multiprocessing`` *spawn* child (not fork: the parent is a multi-threaded Qt app) whose
target is :func:`_serve` in this module. As for any spawn child, a script that calls this module must keep
its top-level work under ``if __name__ == "__main__":`` (``python -m landscape_gui``, the console script
and ``python -c`` are fine). The child never outlives the parent: it is a daemon process, it exits when
the pipe closes, and a watchdog thread ends it when the parent process dies even while sympy is busy.
It ignores SIGINT (Ctrl+C in a terminal is the parent's business).

Measured (2-core machine, Python 3.11, sympy 1.14): the first call, which starts the child and imports
numpy + sympy + this package there, takes 1.0 to 1.8 s (waiting for a starting child is not counted
against ``timeout_s``; :func:`start` lets it happen in the background); a fresh child after a kill is
ready in about 0.6 s. A warm round trip for a typical formula (``x^2 + 3*sin(y)``: parse here, then
parse + derivatives + lambdify + the grid check in the child) takes about 8 ms, against 6 ms for
``landscape_from_formula`` in-process (``x^2``: 3-4 ms; Rosenbrock: 14 ms); a parsing error is answered
here in about 0.01 ms. A script whose top level is not guarded by ``if __name__ == "__main__":`` is
re-run by the spawn child, which then fails to start: checks fall back to this process (with a warning).

If the child cannot be started at all (a frozen app without ``freeze_support``, a sandbox without
processes), the check falls back to building in this process, as before this module existed.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection

from landscape_gui.core.landscapes.expressions import FormulaError, landscape_from_formula, parse_formula
from landscape_gui.core.landscapes.landscape import Landscape

__all__ = ["build_formula", "check_formula", "shutdown", "start", "worker_pid"]

log = logging.getLogger(__name__)

#: How long to wait for a starting child to import sympy and say it is ready (not part of ``timeout_s``).
START_TIMEOUT_S = 60.0
#: How long a terminated child gets to exit before it is killed.
_TERMINATE_GRACE_S = 1.0

_lock = threading.RLock()
_process = None  # multiprocessing process of the child, or None
_conn = None  # the parent's end of the pipe
_ready = False  # whether the child has said it is ready
_unavailable = False  # the child could not be started: build in this process


# -- the child ----------------------------------------------------------------------------------------------
def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return f"the formula cannot be built ({type(err).__name__}{': ' + text if text else ''})"


def _watch_parent() -> None:
    """End this (child) process as soon as the parent dies, even while sympy is busy."""
    import multiprocessing
    import os
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        wait([parent.sentinel])
    else:  # pragma: no cover - spawn children always know their parent
        ppid = os.getppid()
        while os.getppid() == ppid:
            time.sleep(1.0)
    os._exit(0)


def _serve(conn: Connection) -> None:
    """The child's loop: receive (text, domain), answer None or (message, column), until the pipe closes."""
    import contextlib
    import signal

    with contextlib.suppress(ValueError, OSError):  # Ctrl+C in a terminal is the parent's business
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, name="formula-worker-watchdog", daemon=True).start()
    conn.send("ready")  # the imports (numpy, sympy, expressions) happened when this module was unpickled
    while True:
        try:
            text, domain = conn.recv()
        except (EOFError, OSError):
            return
        try:
            landscape_from_formula(text, domain)
            reply = None
        except FormulaError as err:
            reply = (str(err), err.column)
        except Exception as err:  # noqa: BLE001 - anything else is still a formula the app cannot use
            reply = (_one_line(err), None)
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


# -- the parent ---------------------------------------------------------------------------------------------
def _start_locked() -> None:
    global _process, _conn, _ready, _unavailable
    if _process is not None or _unavailable:
        return
    try:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_serve, args=(child_conn,), name="formula-worker", daemon=True)
        process.start()
    except Exception as err:  # noqa: BLE001 - no processes here: fall back to building in this process
        log.warning("formula worker cannot start (%s); formulas are built in this process", err)
        _unavailable = True
        return
    child_conn.close()  # so that recv() sees EOF when the child dies
    _process, _conn, _ready = process, parent_conn, False


def _stop_locked() -> None:
    global _process, _conn, _ready
    process, conn = _process, _conn
    _process, _conn, _ready = None, None, False
    if conn is not None:
        conn.close()
    if process is None:
        return
    if process.is_alive():
        process.terminate()
        process.join(_TERMINATE_GRACE_S)
        if process.is_alive():
            process.kill()
    process.join()
    process.close()


def _wait_ready_locked() -> bool:
    """Wait for a starting child's 'ready'; False (and the fallback from now on) if it never comes."""
    global _ready, _unavailable
    if _ready:
        return True
    assert _conn is not None  # _start_locked made it (or set _unavailable, which the callers test first)
    try:
        if _conn.poll(START_TIMEOUT_S) and _conn.recv() == "ready":
            _ready = True
            return True
        why = "it did not answer"
    except (EOFError, OSError) as err:
        why = f"it stopped ({type(err).__name__})"
    log.warning("formula worker failed to start (%s); formulas are built in this process", why)
    _stop_locked()
    _unavailable = True
    return False


def start() -> None:
    """Start the child now (without waiting for it), so that the first check does not wait for sympy."""
    with _lock:
        _start_locked()


def worker_pid() -> int | None:
    """The process id of the child, or None when none is running (does not wait for a check in progress)."""
    process = _process
    return process.pid if process is not None else None


def shutdown() -> None:
    """Kill the child (a later call starts a fresh one)."""
    with _lock:
        _stop_locked()


def _shutdown_at_exit() -> None:
    """Kill the child and start no other: a check still running on a thread while the interpreter exits
    builds in this process instead (a child started now would outlive the app until its watchdog ran)."""
    global _unavailable
    with _lock:
        _stop_locked()
        _unavailable = True


def _timeout_message(timeout_s: float) -> str:
    return f"formula is too complex to differentiate in time (over {timeout_s:g} s)"


def check_formula(text: str, domain: Sequence[Sequence[float]] | None = None, timeout_s: float = 3.0) -> None:
    """Raise :class:`FormulaError` if ``landscape_from_formula(text, domain)`` would, or takes over ``timeout_s``.

    Parsing errors are found here; the sympy build (derivatives, compiled code, the grid check) runs in
    the child. The time to start the child is not counted in ``timeout_s``.
    """
    parse_formula(text)  # the fast path: most errors while typing are parsing errors
    with _lock:
        _start_locked()
        if _unavailable or not _wait_ready_locked():
            landscape_from_formula(text, domain)
            return
        try:
            sent = None if domain is None else [(float(lo), float(hi)) for lo, hi in domain]
        except (TypeError, ValueError):
            landscape_from_formula(text, domain)  # says what is wrong with the domain (quickly)
            return
        assert _conn is not None  # a ready child has its pipe
        try:
            _conn.send((text, sent))
        except (EOFError, OSError):  # the child died since the last call: start a fresh one
            _stop_locked()
            return check_formula(text, domain, timeout_s)
        started = time.perf_counter()
        try:
            answered = _conn.poll(timeout_s)
            reply = _conn.recv() if answered else None
        except (EOFError, OSError):
            _stop_locked()
            raise FormulaError("the formula could not be checked (the checking process stopped)") from None
        if not answered:
            log.info("formula %r took over %.3g s; killing the worker", text, time.perf_counter() - started)
            _stop_locked()
            raise FormulaError(_timeout_message(timeout_s))
    if reply is not None:
        message, column = reply
        raise FormulaError(message, column)


def build_formula(
    text: str, domain: Sequence[Sequence[float]] | None = None, timeout_s: float = 3.0
) -> Landscape:
    """The :class:`Landscape` of ``text``, after :func:`check_formula` found that it builds in time."""
    check_formula(text, domain, timeout_s)
    return landscape_from_formula(text, domain)


atexit.register(_shutdown_at_exit)
