"""``landscape-gui`` with no subcommand: start the Qt application and show the main window."""

from __future__ import annotations

import os
import sys
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
    from PySide6.QtGui import QIcon

    app.setApplicationName("landscape-gui")
    app.setOrganizationName("landscape-gui")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))


def run_app(scenario_path: str | None = None) -> int:
    """Run the GUI until the window closes; returns the exit status (1 without a display)."""
    if not has_display():
        print(
            "landscape-gui: no display found (set DISPLAY or WAYLAND_DISPLAY, or run under xvfb-run)",
            file=sys.stderr,
        )
        return 1
    app = create_app()
    from landscape_gui.gui.main_window import MainWindow

    window = MainWindow()
    if scenario_path:
        _open_scenario(window, scenario_path)
    window.show()
    status = app.exec()
    # Delete the GL view and its items while the application still exists (else a crash at interpreter exit).
    window.deleteLater()
    app.processEvents()
    del window
    import gc

    gc.collect()
    return status


def _open_scenario(window, path: str) -> None:
    window.open_scenario(path)  # a bad file is reported in the window; the default session stays
