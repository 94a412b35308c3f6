"""Where the main window's docks go, and the proportions a first run gives them.

The controls take the whole height at the left (landscape, optimizers and hyperparameters fit 1280×720 without
scrolling), the map and the plots at the right, the runs table under the views; the basins and restarts docks
are tabs beside the plots, the inspector under the controls, the model dock beside the map (shown only with a
data landscape). On a first show the 3D view, the window's centre, keeps the largest share whatever the size.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QFrame, QScrollArea, QWidget

LEFT, RIGHT, BOTTOM = (
    Qt.DockWidgetArea.LeftDockWidgetArea,
    Qt.DockWidgetArea.RightDockWidgetArea,
    Qt.DockWidgetArea.BottomDockWidgetArea,
)


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that gives it the whole room when it fits: a dock whose contents'
    least height adds to the others' past a 720-pixel screen at 150 % scrolls instead of growing the window
    (the plots' five minimums, while a preset's lr plot was still shown, grew it from 720 to 763)."""
    holder = QScrollArea()
    holder.setWidgetResizable(True)
    holder.setFrameShape(QFrame.Shape.NoFrame)
    holder.setWidget(widget)
    return holder


def lay_out_docks(window) -> dict[str, QDockWidget]:
    """Dock the window's parts (its ``panel``, ``map``, ``plots``, ``table`` and the instruments' own docks);
    the docks by name."""
    docks: dict[str, QDockWidget] = {}
    for key, title, widget, area in (
        ("controls", "Controls", window.panel, LEFT),
        ("map", "Map", window.map, RIGHT),
        ("plots", "Loss and gradient norm", scrolled(window.plots), RIGHT),
        ("runs", "Runs", window.table, BOTTOM),
    ):
        dock = QDockWidget(title, window)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        window.addDockWidget(area, dock)
        docks[key] = dock
    window.addDockWidget(RIGHT, window.data.dock)
    window.splitDockWidget(docks["map"], window.data.dock, Qt.Orientation.Horizontal)  # parameters | model
    for dock in (window.basins.dock, window.restarts.dock):
        window.addDockWidget(RIGHT, dock)
        window.tabifyDockWidget(docks["plots"], dock)
        dock.hide()
    window.addDockWidget(LEFT, window.inspector.dock)
    window.inspector.dock.hide()
    docks.update(model=window.data.dock, basins=window.basins.dock, restarts=window.restarts.dock,
                 inspector=window.inspector.dock)  # fmt: skip
    window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    screen = QApplication.primaryScreen()
    if screen is not None:  # a first launch (a saved geometry is restored later): most of the screen
        avail = screen.availableGeometry()
        window.resize(min(1600, int(avail.width() * 0.9)), min(1000, int(avail.height() * 0.9)))
    # the model dock shows only with a data landscape: without it the map keeps its own width, not the model's
    # too (the 3D view would lose it)
    window.data.dock.hide()
    return docks


def size_docks(window) -> None:
    """A first run's proportions: the 3D view keeps the largest share whatever the window's size."""
    w, h = window.width(), window.height()
    docks = window.docks
    controls = max(window.panel.minimumSizeHint().width(), min(340, round(0.22 * w)))
    window.resizeDocks([docks["controls"]], [controls], Qt.Orientation.Horizontal)
    window.resizeDocks([docks["map"], window.data.dock], [round(0.27 * w), 260], Qt.Orientation.Horizontal)
    window.resizeDocks([docks["runs"]], [max(110, round(0.17 * h))], Qt.Orientation.Vertical)
