"""The one place the application is made: whether there is a display, the QApplication (with shared OpenGL
contexts, so the window's view and an exporter's can coexist), its names and its icon. The window, the
exporter and the command line's painting all get their application here.
"""

from __future__ import annotations

import os
import sys

from landscape_gui import resources_dir

ICONS = resources_dir() / "icons"
ICON = ICONS / "landscape-gui.svg"


def has_display() -> bool:
    """False on Linux with neither an X11 nor a Wayland display and no QT_QPA_PLATFORM chosen."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def app_icon():
    """The window icon: the PNGs rendered for each size (packaging/render_icons.py), the SVG for the rest."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for png in sorted(ICONS.glob("hicolor/*/apps/landscape-gui.png")):
        icon.addFile(str(png))
    if ICON.exists():
        icon.addFile(str(ICON))
    return icon


def ensure_app(argv: list[str] | None = None):
    """The running QApplication, or a new one set up for OpenGL (shared contexts), named and with its icon."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(list(argv if argv is not None else ["landscape-gui"]))
        configure_app(app)
    return app


def configure_app(app) -> None:
    """Names and icon. No ``applicationDisplayName``: Qt would append it to every window title ("Landscape
    GUI — Two wells — Landscape GUI"); the main window writes "Landscape GUI — <what is shown>" itself."""
    app.setApplicationName("landscape-gui")
    app.setOrganizationName("landscape-gui")
    app.setWindowIcon(app_icon())


def painting_app(argv: list[str] | None = None):
    """An application for QPainter's fonts: the OpenGL one when there is a display (the same process can open
    views afterwards), else a QGuiApplication on the offscreen platform (painting a QImage needs no OpenGL)."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        return QGuiApplication.instance()
    if has_display():
        return ensure_app(argv)
    return QGuiApplication([*(argv or ["landscape-gui"]), "-platform", "offscreen"])
