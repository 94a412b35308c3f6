"""Menus, toolbar, keyboard shortcuts and QSettings persistence of the main window."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMessageBox

COLORMAPS = ("viridis", "plasma", "inferno", "magma", "cividis", "turbo")
SHORTCUTS = (
    ("Space", "Play / pause"),
    ("→", "One step"),
    ("C", "Step captions: the selected run's update with its numbers"),
    ("R", "Reset the runs to their start points"),
    ("Delete", "Clear the start points"),
    ("Home", "Reset the camera"),
    ("F11", "Full screen"),
    ("B", "Basins of attraction on the map and the surface"),
    ("I", "Inspect the Hessian under the mouse"),
    ("Ctrl+R", "Random restarts…"),
    ("Ctrl+Q", "Quit"),
    ("Left click (map)", "Add a start point exactly there"),
    ("Left click (3D)", "Add a start point where the ray meets the surface"),
    ("Drag / wheel (3D)", "Orbit / zoom the camera; Ctrl+drag pans"),
)


def install(win) -> dict[str, QAction]:
    """Create the actions, menus and toolbar; returns the actions by name."""
    acts: dict[str, QAction] = {}

    def act(name, text, shortcut, slot, tip, checkable=False):
        a = QAction(text, win)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
        a.setStatusTip(tip)
        a.setCheckable(checkable)
        if checkable:
            a.toggled.connect(slot)
        else:
            a.triggered.connect(slot)
        acts[name] = a
        return a

    c = win.controller
    play = act("play", "Play", "Space", lambda _=None: win.toggle_play(), "Play or pause the runs")
    play.setCheckable(True)
    play.triggered.disconnect()
    play.triggered.connect(lambda _=None: win.toggle_play())
    act("step", "Step", "Right", win.step, "Advance every run by one step")
    act("reset", "Reset", "R", win.reset_runs, "Put every run back at its start point")
    act("clear", "Clear start points", "Delete", c.clear_starts, "Remove every start point")
    act("camera", "Reset camera", "Home", win.scene3d.reset_camera, "Back to the default 3D view")
    act("fullscreen", "Full screen", "F11", lambda on: win.showFullScreen() if on else win.showNormal(),
        "Toggle full screen", checkable=True)  # fmt: skip
    act("quit", "Quit", "Ctrl+Q", win.close, "Quit Landscape GUI")
    act("log_height", "Log height", None, lambda on: c.set_view(log_height=bool(on)),
        "Show log10(J − min J): for landscapes whose values span many orders of magnitude", checkable=True)  # fmt: skip
    for key, text in (("contours", "Contours"), ("markers", "Critical points"), ("trails", "Trails")):
        act(key, text, None, lambda on, k=key: c.set_view(**{k: bool(on)}), f"Show or hide the {text.lower()}",
            checkable=True)  # fmt: skip
    act("highlight_best", "Highlight best run", None, lambda on: c.set_view(highlight_best=bool(on)),
        "Mark the run with the lowest loss: a bigger ball in both views and ★ in the runs table "
        "(for random restarts)", checkable=True)  # fmt: skip

    menu = win.menuBar().addMenu("&File")
    menu.addAction(acts["quit"])
    menu = win.menuBar().addMenu("&Run")
    for key in ("play", "step", "reset", "clear"):
        menu.addAction(acts[key])
    menu = win.menuBar().addMenu("&View")
    cmap_menu = menu.addMenu("Colormap")
    group = QActionGroup(win)
    for name in COLORMAPS:
        a = QAction(name, win, checkable=True)
        a.setToolTip(f"Colour the heights with {name}")
        a.triggered.connect(lambda _=None, n=name: c.set_view(colormap=n))
        group.addAction(a)
        cmap_menu.addAction(a)
        acts[f"cmap_{name}"] = a
    for key in ("log_height", "contours", "markers", "trails", "highlight_best"):
        menu.addAction(acts[key])
    menu.addSeparator()
    theme_group = QActionGroup(win)
    for name, text in (("dark", "Dark theme"), ("light", "Light theme (projectors)")):
        a = QAction(text, win, checkable=True)
        a.triggered.connect(lambda _=None, n=name: c.set_view(theme=n))
        theme_group.addAction(a)
        menu.addAction(a)
        acts[f"theme_{name}"] = a
    menu.addSeparator()
    for dock in win.docks.values():
        menu.addAction(dock.toggleViewAction())
    menu.addAction(acts["camera"])
    menu.addAction(acts["fullscreen"])
    menu = win.menuBar().addMenu("&Help")
    menu.addAction("Keyboard shortcuts", lambda: _show_shortcuts(win))
    menu.addAction("About", lambda: _show_about(win))

    bar = win.addToolBar("Run")
    bar.setObjectName("toolbar_run")
    for key in ("play", "step", "reset", "clear", "camera"):
        bar.addAction(acts[key])
    bar.addSeparator()
    for key in ("log_height", "contours", "markers", "trails"):
        bar.addAction(acts[key])
    return acts


def sync_view_actions(win) -> None:
    view = win.controller.view
    for key in ("contours", "markers", "trails", "highlight_best"):
        a = win.actions[key]
        a.blockSignals(True)
        a.setChecked(bool(view[key]))
        a.blockSignals(False)
    for prefix, value in (("cmap_", view["colormap"]), ("theme_", view["theme"])):
        a = win.actions.get(prefix + value)
        if a is not None:
            a.setChecked(True)


def _show_shortcuts(win) -> None:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in SHORTCUTS)
    QMessageBox.information(win, "Keyboard shortcuts", f"<table>{rows}</table>")


def _show_about(win) -> None:
    QMessageBox.about(
        win,
        "About Landscape GUI",
        "<b>Landscape GUI</b><br>See why gradient descent gets stuck: cost landscapes with minima, saddles "
        "and plateaus, and optimizers racing across them in real time.<br><br>Qt (PySide6), pyqtgraph, numpy, sympy.",
    )


def save_state(win) -> None:
    s = win.settings
    s.setValue("geometry", win.saveGeometry())
    s.setValue("windowState", win.saveState())
    s.setValue("camera", json.dumps(win.scene3d.camera()))
    state = win.controller.state()
    s.setValue("controller", json.dumps(state))


def restore_state(win) -> None:
    """Restore geometry, dock layout and the last choices. Choices that fail the checks a scenario file
    gets (a domain beyond ±1e6, say) are discarded with a message: never trusted."""
    s = win.settings
    geometry, layout = s.value("geometry"), s.value("windowState")
    if isinstance(geometry, QByteArray):
        win.restoreGeometry(geometry)
    if isinstance(layout, QByteArray):
        win.restoreState(layout)
    c = win.controller
    try:
        state = json.loads(s.value("controller", "") or "{}")
        if not isinstance(state, dict):
            raise ValueError(f"expected a table of settings, got {type(state).__name__}")
        c.blockSignals(True)
        try:
            c.apply(state)
        finally:
            c.blockSignals(False)
    except Exception as e:  # noqa: BLE001 - stale or hand-edited settings must not stop the app
        discard_session(win, e)
        return
    _sync_panel(win)
    try:
        cam = json.loads(s.value("camera", "") or "{}")
        if cam:
            win.scene3d.set_camera(_checked_camera(cam))
    except (ValueError, TypeError, AttributeError, KeyError) as e:
        _tell(win, f"previous session's camera ignored: {e}")
        s.remove("camera")


def _checked_camera(cam) -> dict:
    """A saved camera whose numbers are all finite and in range, else ValueError."""
    import math

    d, el, az = (float(cam[k]) for k in ("distance", "elevation", "azimuth"))
    center = [float(v) for v in cam.get("center", (0, 0, 0))]
    if not (0 < d <= 1e9 and -90 <= el <= 90 and math.isfinite(az)) or len(center) != 3:
        raise ValueError(f"distance {d:g}, elevation {el:g}, azimuth {az:g} out of range")
    if not all(math.isfinite(v) and abs(v) <= 1e9 for v in center):
        raise ValueError(f"centre {center} out of range")
    return {"distance": d, "elevation": el, "azimuth": az, "center": center}


def _sync_panel(win) -> None:
    win.panel.sync_landscape()
    win.panel.sync_run()
    win.panel.starts_panel.sync()
    win.panel.optimizer_panel.sync()


def _tell(win, message: str) -> None:
    """A message about the saved session: on stderr and in the status bar (kept over the start-up hint)."""
    import sys

    message = message.splitlines()[0] if message else message
    print(f"landscape-gui: {message}", file=sys.stderr)
    win.session_message = message
    win.statusBar().showMessage(message, 20000)


def discard_session(win, error: BaseException) -> None:
    """The saved session cannot be used: say why, forget it, and put the window's state back to defaults."""
    from landscape_gui.gui.controller import Controller

    _tell(win, f"previous session's settings ignored: {error}")
    if win.settings is not None:
        for key in ("controller", "camera"):
            win.settings.remove(key)
    c = win.controller
    defaults = Controller().state()
    c.blockSignals(True)
    try:
        c.apply(defaults)
    finally:
        c.blockSignals(False)
    _sync_panel(win)
