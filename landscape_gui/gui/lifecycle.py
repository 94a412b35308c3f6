"""How the app ends when it is not closed from its own window: signals, a lost display, a window destroyed
from outside. Each ends it cleanly, saving the session as a normal quit does.

- **Ctrl+C in its terminal, SIGTERM, SIGHUP.** While Qt's event loop runs (C++), Python never gets to run
  its signal handlers. :class:`QuitOnSignals` has the C-level handler write to a socket
  (``signal.set_wakeup_fd``) that a ``QSocketNotifier`` watches, so Qt wakes up, runs a Python slot, and the
  Python handler (which only records the signal) runs with it. The slot then closes every window (the main
  window's ``closeEvent`` saves the session and stops the worker) and leaves the event loop with status
  128 + the signal number (130, 143, 129), as a shell reports a command ended by that signal. While the
  app is still starting (the window being built, the command line's scenario read: reading a data landscape
  may train its network for seconds), the handler raises :class:`Interrupted` instead, so the start-up stops
  at once; :func:`~landscape_gui.gui.app.run_app` then closes what was built (saving its session) and returns
  the same status. A signal that came before the event loop ran is reported with that status too.
- **A lost X connection** (the X server died, or ``xkill``): Qt's xcb plugin prints "The X11 connection
  broke" and calls ``exit(1)`` from inside the event loop; C++ static destructors then meet the still running
  worker thread and abort (status 134). The message passes through Qt's message handler first: there the
  session is saved, the worker thread stopped, and the process ends with status 1 and one line on stderr.
- **The window destroyed from outside** (``XDestroyWindow`` by another client, e.g. ``xdotool
  windowclose``): Qt does not notice and the process would run on with no window. A native event filter
  sees the ``DestroyNotify`` of the main window and closes the app as above (status 0).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys

from PySide6.QtCore import (
    QAbstractNativeEventFilter,
    QObject,
    QSocketNotifier,
    QThread,
    QTimer,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

QUIT_SIGNALS = tuple(
    s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None
)
XCB_DESTROY_NOTIFY = 17
LOST_DISPLAY = "The X11 connection broke"


class Interrupted(BaseException):
    """A quit signal came while the app was starting (see :class:`QuitOnSignals`): not an ``Exception``, so
    that nothing on the way (``except Exception`` while the window is built) takes it for a failure."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class QuitOnSignals(QObject):
    """SIGINT/SIGTERM/SIGHUP close every window and end the event loop with 128 + the signal number.

    Within :meth:`interruptible` (start-up work, before the event loop runs) a signal raises
    :class:`Interrupted` in the main thread, as Ctrl+C raises ``KeyboardInterrupt`` in any Python program:
    nothing waits for the start-up's work."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.app = app
        self.signum: int | None = None
        self._interruptible = False  # inside interruptible(): a signal raises Interrupted
        self._read, self._write = socket.socketpair()
        for s in (self._read, self._write):
            s.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._previous = {s: signal.signal(s, self._handler) for s in QUIT_SIGNALS}
        # raised inside a slot that Qt called (Qt prints what a slot raises): that slot stops, quietly, and the
        # event loop acts on the signal as soon as it runs
        self._previous_hook = sys.excepthook
        sys.excepthook = self._excepthook
        self.notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._woken)
        # a signal that came before the event loop started is acted on as soon as it starts
        QTimer.singleShot(0, self._check)

    def _handler(self, signum, _frame) -> None:  # records; it may run in the middle of any Python code
        if self.signum is None:
            self.signum = signum
            if self._interruptible and QThread.currentThread().loopLevel() == 0:  # no loop to act on it
                self._interruptible = False  # raised once: the clean-up that follows runs to its end
                raise Interrupted(signum)

    @contextlib.contextmanager
    def interruptible(self):
        """Start-up work (outside the event loop) that a quit signal stops at once by :class:`Interrupted`;
        a signal that came before it raises on entry."""
        if self.signum is not None:
            raise Interrupted(self.signum)
        self._interruptible = True
        try:
            yield
        finally:
            self._interruptible = False

    def _excepthook(self, kind, value, traceback) -> None:
        if not issubclass(kind, Interrupted):
            self._previous_hook(kind, value, traceback)

    def status(self, status: int) -> int:
        """The exit status: 128 + the signal when one came (even before the loop ran), else ``status``."""
        return status if self.signum is None else 128 + self.signum

    def _woken(self, *_) -> None:
        with contextlib.suppress(OSError):
            while self._read.recv(64):
                pass
        self._check()

    def _check(self) -> None:
        if self.signum is None:
            return
        self.notifier.setEnabled(False)
        QApplication.closeAllWindows()  # the main window saves the session and stops its worker
        self.app.exit(128 + self.signum)

    def uninstall(self) -> None:
        for s, previous in self._previous.items():
            signal.signal(s, previous)
        signal.set_wakeup_fd(self._previous_fd)
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook
        self.notifier.setEnabled(False)
        self._read.close()
        self._write.close()


class _DestroyWatcher(QAbstractNativeEventFilter):
    """Calls ``on_destroyed`` when the X window ``window_id`` gets a DestroyNotify."""

    def __init__(self, window_id: int, on_destroyed):
        super().__init__()
        self.window_id = int(window_id)
        self.on_destroyed = on_destroyed

    def nativeEventFilter(self, event_type, message):
        address = int(message)  # a shiboken VoidPtr: its truth value is not the address's
        if address and bytes(event_type) == b"xcb_generic_event_t":
            kind = ctypes.c_uint8.from_address(address).value & 0x7F
            if (
                kind == XCB_DESTROY_NOTIFY
                and ctypes.c_uint32.from_address(address + 8).value == self.window_id
            ):
                QTimer.singleShot(0, self.on_destroyed)
        return False, 0


def watch_destroyed(app: QApplication, window) -> _DestroyWatcher | None:
    """Quit (saving the session) when ``window``'s X window is destroyed from outside; None off X11."""
    if app.platformName() != "xcb":
        return None

    def destroyed() -> None:
        if not window.isVisible() or window.closing:
            return  # the app closed it itself
        print("landscape-gui: the window was closed from outside; the session was saved", file=sys.stderr)
        QApplication.closeAllWindows()
        app.exit(0)

    watcher = _DestroyWatcher(window.winId(), destroyed)
    app.installNativeEventFilter(watcher)
    return watcher


def on_lost_display(save) -> None:
    """Install a Qt message handler that runs ``save()`` and ends the process when the display is lost.

    Other messages are printed as Qt's default handler prints them (``category: message``).
    """

    def handler(_mode, context, message: str) -> None:
        if LOST_DISPLAY in message:
            try:
                save()
                print(
                    "landscape-gui: lost the connection to the display; the session was saved",
                    file=sys.stderr,
                )
            except Exception as e:  # noqa: BLE001 - end cleanly whatever happens
                print(f"landscape-gui: lost the connection to the display ({e})", file=sys.stderr)
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(1)  # Qt would exit(1) next, from inside the event loop, and abort in its destructors
        category = getattr(context, "category", None)
        prefix = f"{category}: " if category and category != "default" else ""
        print(f"{prefix}{message}", file=sys.stderr)

    qInstallMessageHandler(handler)


def default_message_handler() -> None:
    """Back to Qt's own message handler (after the event loop ended)."""
    qInstallMessageHandler(None)
