"""Ctrl+C, SIGTERM and SIGHUP during a command-line export: noted, then acted on between frames.

Python runs a signal handler between two bytecodes of the main thread, wherever that thread is: the default
SIGINT handler raises ``KeyboardInterrupt`` there, which can be inside pyqtgraph's drawing code (which
catches and prints it: the interrupt is lost and the export finishes) or inside a Qt virtual called from
``grabFramebuffer`` (the GL state is left half-changed: a segfault). :class:`InterruptFlag` replaces the
handlers with one that only records the signal; the exporter looks at the flag between frames, before the
encoder is waited for and before the final move, and stops there, leaving nothing behind.

>>> with InterruptFlag() as stop:
...     bool(stop)
False
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, Literal

#: The signals an export stops on: Ctrl+C in a terminal, what ``timeout``, CI runners and systemd send, and
#: SIGHUP, which the terminal's processes get when the terminal is closed (its default action kills the
#: process at once, leaving the temporary output behind).
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class InterruptFlag:
    """Context manager: while inside, SIGINT/SIGTERM/SIGHUP only set the flag (``bool(flag)``, :attr:`signum`).

    Outside the main thread (where handlers cannot be installed) it does nothing and stays False. The
    previous handlers are restored on exit.
    """

    def __init__(self, signals=SIGNALS):
        self.signals = tuple(signals)
        self.signum: int | None = None
        self._previous: dict[int, Callable[[int, FrameType | None], Any] | int | signal.Handlers | None] = {}

    def _handler(self, signum, _frame) -> None:
        if self.signum is None:
            self.signum = signum

    def __bool__(self) -> bool:
        return self.signum is not None

    def is_set(self) -> bool:
        return self.signum is not None

    @property
    def exit_status(self) -> int:
        """128 + the signal number, as a shell reports a command ended by that signal (130, 143, 129)."""
        return 128 + (self.signum or 0)

    def __enter__(self) -> InterruptFlag:
        if threading.current_thread() is threading.main_thread():
            for s in self.signals:
                self._previous[s] = signal.signal(s, self._handler)
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        for s, previous in self._previous.items():
            signal.signal(s, previous)
        self._previous.clear()
        return False
