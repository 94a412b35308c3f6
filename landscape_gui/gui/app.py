"""``landscape-gui`` with no subcommand: start the Qt application and show the main window."""

from __future__ import annotations

import os
import sys
from functools import partial

from landscape_gui import resources_dir

ICONS = resources_dir() / "icons"
ICON = ICONS / "landscape-gui.svg"


def app_icon():
    """The window icon: the PNGs rendered for each size (packaging/render_icons.py), the SVG for the rest."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for png in sorted(ICONS.glob("hicolor/*/apps/landscape-gui.png")):
        icon.addFile(str(png))
    if ICON.exists():
        icon.addFile(str(ICON))
    return icon


def has_display() -> bool:
    """False on Linux with neither an X11 nor a Wayland display and no QT_QPA_PLATFORM chosen."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def create_app(argv: list[str] | None = None):
    """The QApplication, created with shared GL contexts (needed by a second GL view, e.g. the exporter)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(list(argv if argv is not None else sys.argv[:1]))
        configure_app(app)
    return app


def configure_app(app) -> None:
    """Names and icon. No ``applicationDisplayName``: Qt would append it to every window title ("Landscape
    GUI — Two wells — Landscape GUI"); the main window writes "Landscape GUI — <what is shown>" itself."""
    app.setApplicationName("landscape-gui")
    app.setOrganizationName("landscape-gui")
    app.setWindowIcon(app_icon())


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
    app = create_app()
    problem = opengl_problem(app)
    if problem:  # before any GL widget: they would each print "Failed to create context", again and again
        print(f"landscape-gui: {problem}", file=sys.stderr)
        return 1
    from landscape_gui.gui import actions, lifecycle
    from landscape_gui.gui.main_window import MainWindow

    signals = lifecycle.QuitOnSignals(app)
    window = _build_window(MainWindow)
    lifecycle.on_lost_display(partial(_save_session, window, actions))
    window.show()
    if scenario_path:
        open_on_window(window, scenario_path, preset=preset)
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


def open_on_window(window, path: str, *, preset: bool = False) -> bool:
    """Open the command line's scenario (with ``preset``, ``path`` is a preset id, opened as the Lecture
    presets menu opens it); a missing or bad file is reported on the window's banner and status bar (the
    session stays as it was), not in a dialog before the window is up."""

    def report(title: str, message: str) -> None:
        window.banner.show_message(f"{title}: {message}", "error")
        window.statusBar().showMessage(message)

    window.scenario_actions.report = report
    try:
        opened = window.scenario_actions.open_preset(path) if preset else window.open_scenario(path)
    finally:
        window.scenario_actions.report = None
    if not opened:  # the user typed the name in a terminal: say it there too
        error = getattr(window.scenario_actions, "last_error", None)
        if error:
            print(f"landscape-gui: error: {error}", file=sys.stderr)
    return opened


def _build_window(main_window_class):
    """The main window; if building it from the saved session fails, the session is forgotten and the
    window opens on defaults (the failure is said on stderr and in the status bar)."""
    from landscape_gui.gui.settings import open_settings

    try:
        return main_window_class()
    except Exception as e:  # noqa: BLE001 - the app must open whatever the saved settings hold
        message = f"previous session's settings ignored: {type(e).__name__}: {e}".splitlines()[0]
        print(f"landscape-gui: {message}", file=sys.stderr)
        settings = open_settings()
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
