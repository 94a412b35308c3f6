"""``landscape-gui`` with no subcommand: start the Qt application and show the main window."""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path

ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "landscape-gui.svg"


def has_display() -> bool:
    """False on Linux with neither an X11 nor a Wayland display and no QT_QPA_PLATFORM chosen."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def create_app(argv: list[str] | None = None):
    """The QApplication, created with shared GL contexts (needed by a second GL view, e.g. the exporter)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
        app.setApplicationName("landscape-gui")
        app.setApplicationDisplayName("Landscape GUI")
        app.setOrganizationName("landscape-gui")
        if ICON.exists():
            app.setWindowIcon(QIcon(str(ICON)))
    return app


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
    app = create_app()
    from landscape_gui.gui import actions, lifecycle
    from landscape_gui.gui.main_window import MainWindow

    signals = lifecycle.QuitOnSignals(app)
    window = _build_window(MainWindow)
    lifecycle.on_lost_display(partial(_save_session, window, actions))
    if scenario_path:
        _open_scenario(window, scenario_path)
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
    import gc

    gc.collect()
    return status


def _build_window(main_window_class):
    """The main window; if building it from the saved session fails, the session is forgotten and the
    window opens on defaults (the failure is said on stderr and in the status bar)."""
    from PySide6.QtCore import QSettings

    try:
        return main_window_class()
    except Exception as e:  # noqa: BLE001 - the app must open whatever the saved settings hold
        message = f"previous session's settings ignored: {type(e).__name__}: {e}".splitlines()[0]
        print(f"landscape-gui: {message}", file=sys.stderr)
        settings = QSettings("landscape-gui", "landscape-gui")
        for key in ("controller", "camera", "geometry", "windowState"):
            settings.remove(key)
        settings.sync()
        window = main_window_class()
        window.session_message = message
        window.statusBar().showMessage(message, 20000)
        return window


def _save_session(window, actions) -> None:
    """What closing the window saves, without touching the display (it is gone)."""
    window._shutting_down = True  # noqa: SLF001 - no more frames
    if window.settings is not None:
        actions.save_state(window)
        window.settings.sync()
    window.worker.shutdown(2000)


def _open_scenario(window, path: str) -> None:
    """Open the file named on the command line; a bad one is reported in the window (the default session
    stays) and, since the user typed its name in a terminal, on stderr too."""
    if not window.open_scenario(path):
        error = getattr(window.scenario_actions, "last_error", None)
        if error:
            print(f"landscape-gui: error: {error}", file=sys.stderr)
