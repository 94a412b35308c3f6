"""``landscape-gui`` with no subcommand: start the Qt application and show the main window."""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
from functools import partial

from landscape_gui.drawing.qt_app import ensure_app, has_display

#: Qt platform plugins that draw widgets in software only: no QOpenGLWidget ("offscreen" creates a GLX
#: context when DISPLAY is set, yet its widgets still cannot render OpenGL).
RASTER_ONLY_PLATFORMS = ("offscreen", "minimal", "linuxfb", "vnc")


def opengl_problem(app) -> str | None:
    """Why the window cannot draw (one line), or None: the platform must give OpenGL widgets."""
    from PySide6.QtGui import QOpenGLContext

    if app.platformName() not in RASTER_ONLY_PLATFORMS and QOpenGLContext().create():
        return None
    chosen = os.environ.get("QT_QPA_PLATFORM")
    hint = f"unset QT_QPA_PLATFORM (it is {chosen!r}) or " if chosen else ""
    return (
        f"the window needs OpenGL, which Qt's {app.platformName()!r} platform cannot give: "
        f"{hint}run it on a desktop or under Xvfb (xvfb-run -a landscape-gui)"
    )


def run_app(scenario_path: str | None = None, *, preset: bool = False) -> int:
    """Run the GUI until the window closes; returns the exit status (1 without a display). ``scenario_path``
    is opened on the window: a scenario file, or with ``preset`` a preset id.

    Ctrl+C in the terminal, SIGTERM and SIGHUP close it as File → Quit does (status 128 + the signal); a
    lost display or a window destroyed from outside save the session too (see :mod:`.lifecycle`).
    """
    if not has_display():
        print(
            "landscape-gui: no display found (set DISPLAY or WAYLAND_DISPLAY, or run under xvfb-run)",
            file=sys.stderr,
        )
        return 1
    app = ensure_app(sys.argv[:1])
    problem = opengl_problem(app)
    if problem:  # before any GL widget: they would each print "Failed to create context", again and again
        print(f"landscape-gui: {problem}", file=sys.stderr)
        return 1
    from landscape_gui.gui import lifecycle
    from landscape_gui.gui.main_window import MainWindow

    signals = lifecycle.QuitOnSignals(app)
    window = watcher = None
    try:
        with signals.interruptible():  # reading a data landscape may train its network for seconds
            window = _build_window(MainWindow)
        lifecycle.on_lost_display(partial(_save_session, window))
        if scenario_path:
            with signals.interruptible():
                open_on_window(window, scenario_path, preset=preset)
        window.show()
        watcher = lifecycle.watch_destroyed(app, window)
        status = app.exec()
    except lifecycle.Interrupted:  # a quit signal while starting: what was built closes (saving its session)
        if window is not None:
            window.close()
        status = 0
    status = signals.status(status)
    if watcher is not None:
        app.removeNativeEventFilter(watcher)
    signals.uninstall()
    lifecycle.default_message_handler()
    # Delete the GL view and its items while the application still exists (else a crash at interpreter exit).
    if window is not None:
        window.deleteLater()
    app.processEvents()
    del window
    gc.collect()
    return status


def end_process(status: int) -> int:
    """After :func:`run_app`: end the process with ``status`` now when only daemon threads are left (a job's
    computation winding down, see :mod:`.jobs`): the exit handlers run (they kill the child processes), the
    output is flushed, and the interpreter is not torn down around threads still inside numpy (once in 300
    closes during a job, ``benchmarks/stress_close.py`` saw the process hang there after the session was
    saved). With any other thread left, returns ``status`` for an ordinary exit."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if not others or not all(t.daemon for t in others):
        return status
    atexit._run_exitfuncs()  # noqa: SLF001 - atexit has no public way to run its handlers before os._exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


def open_on_window(window, path: str, *, preset: bool = False) -> bool:
    """Open the command line's scenario before the window is shown (with ``preset``, ``path`` is a preset id,
    opened as the Lecture presets menu opens it): a missing or bad file is reported on the window's banner and
    status bar (the session stays as it was), and in the terminal the name was typed in."""
    opened = window.files.open_preset(path) if preset else window.files.open_path(path)
    if not opened and window.files.last_error:
        print(f"landscape-gui: error: {window.files.last_error}", file=sys.stderr)
    return opened


def _build_window(main_window_class):
    """The main window; if building it from the saved session fails, the session is forgotten and the
    window opens on defaults (the failure is said on stderr and in the status bar). A settings file that was
    not read at all (not a regular file, too large: :func:`~landscape_gui.gui.settings.open_settings`) is said
    the same way."""
    from landscape_gui.gui.settings import GEOMETRY, LAYOUT, SESSION, open_settings, take_discarded

    try:
        window = main_window_class()
    except Exception as e:  # noqa: BLE001 - the app must open whatever the saved settings hold
        message = f"previous session's settings ignored: {type(e).__name__}: {e}".splitlines()[0]
        settings = open_settings()
        for key in (SESSION, GEOMETRY, LAYOUT):
            settings.remove(key)
        settings.sync()
        window = main_window_class()
        window.tell(message)
    for message in take_discarded():
        window.tell(message)
    return window


def _save_session(window) -> None:
    """What closing the window saves, without touching the display (it is gone)."""
    window.save_session()
    window.worker.shutdown(2000)
