"""``landscape-gui`` with no subcommand: start the Qt application and show the main window."""

from __future__ import annotations

import gc
import sys
from functools import partial

from landscape_gui.drawing.qt_app import ensure_app, has_display


def run_app(scenario_path: str | None = None) -> int:
    """Run the GUI until the window closes; returns the exit status (1 without a display).

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
    from landscape_gui.gui import lifecycle
    from landscape_gui.gui.main_window import MainWindow

    signals = lifecycle.QuitOnSignals(app)
    window = _build_window(MainWindow)
    lifecycle.on_lost_display(partial(_save_session, window))
    if scenario_path:
        open_on_window(window, scenario_path)
    window.show()
    watcher = lifecycle.watch_destroyed(app, window)
    status = app.exec()
    if watcher is not None:
        app.removeNativeEventFilter(watcher)
    signals.uninstall()
    lifecycle.default_message_handler()
    # Delete the GL view and its items while the application still exists (else a crash at interpreter exit).
    window.deleteLater()
    app.processEvents()
    del window
    gc.collect()
    return status


def open_on_window(window, path: str) -> bool:
    """Open the command line's scenario before the window is shown: a missing or bad file is reported on the
    window's banner and status bar (the session stays as it was), and in the terminal the name was typed in."""
    opened = window.files.open_path(path)
    if not opened and window.files.last_error:
        print(f"landscape-gui: error: {window.files.last_error}", file=sys.stderr)
    return opened


def _build_window(main_window_class):
    """The main window; if building it from the saved session fails, the session is forgotten and the
    window opens on defaults (the failure is said on stderr and in the status bar)."""
    from landscape_gui.gui.settings import GEOMETRY, LAYOUT, SESSION, open_settings

    try:
        return main_window_class()
    except Exception as e:  # noqa: BLE001 - the app must open whatever the saved settings hold
        message = f"previous session's settings ignored: {type(e).__name__}: {e}".splitlines()[0]
        settings = open_settings()
        for key in (SESSION, GEOMETRY, LAYOUT):
            settings.remove(key)
        settings.sync()
        window = main_window_class()
        window.tell(message)
        return window


def _save_session(window) -> None:
    """What closing the window saves, without touching the display (it is gone)."""
    window.save_session()
    window.worker.shutdown(2000)
