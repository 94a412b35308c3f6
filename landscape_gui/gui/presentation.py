"""Presentation mode (View → Presentation mode, F5): everything the room reads, scaled up.

Fonts of the whole window, the lesson banner, the 3D legend and axis labels, plot text, line widths and ball
sizes grow by the chosen scale (150 % or 200 %); F5 toggles between normal size and that scale.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication

SCALES = (1.5, 2.0)
DEFAULT_SCALE = 1.5


def apply_scale(win, scale: float) -> None:
    """Scale the window's text, lines and balls (1 = normal)."""
    app = QApplication.instance()
    base = app.property("landscape_base_pt")
    if base is None:
        base = app.font().pointSizeF()
        app.setProperty("landscape_base_pt", base)
    font = QFont(app.font())
    font.setPointSizeF(float(base) * scale)
    app.setFont(font)
    app.setStyleSheet(app.styleSheet())  # widgets under a style sheet rule (the docks) take the new font
    app.processEvents()  # let the font change reach every widget before measuring rows below
    win.presentation_scale = scale
    # the controls are the lecturer's, not the room's: they grow half as much, so the views keep their room
    panel = 1 + 0.5 * (scale - 1)
    # (a style sheet: under the application's style sheet a widget's own font does not reach its children)
    win.panel.setStyleSheet("" if scale == 1 else f"* {{ font-size: {float(base) * panel:.1f}pt; }}")
    win.panel.setMinimumWidth(round(290 * panel))
    win.lesson.set_scale(1 + 0.5 * (scale - 1))  # several lines of it: it must leave the 3D view room
    win.legend3d.set_scale(scale)
    win.scene3d.set_scale(scale)
    win.map.set_scale(scale)
    win.plots.set_scale(scale)
    rows = win.table.verticalHeader()
    rows.setDefaultSectionSize(round(QFontMetrics(font).height() * 1.4))
    for r in range(win.table.rowCount()):
        rows.resizeSection(r, rows.defaultSectionSize())
    acts = win.actions
    acts["presentation"].blockSignals(True)
    acts["presentation"].setChecked(scale != 1.0)
    acts["presentation"].blockSignals(False)
    if scale != 1.0:
        acts[f"presentation_{round(scale * 100)}"].setChecked(True)


def install(win, view_menu) -> None:
    """The View menu's presentation actions (in ``win.actions``)."""
    win.presentation_scale = 1.0
    win.presentation_choice = DEFAULT_SCALE
    toggle = QAction("Presentation mode", win, checkable=True)
    toggle.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+Shift+P")])
    toggle.setStatusTip("Large text, thick lines and big balls for a projector (F5)")
    toggle.toggled.connect(lambda on: apply_scale(win, win.presentation_choice if on else 1.0))
    win.actions["presentation"] = toggle
    menu = view_menu.addMenu("Presentation scale")
    group = QActionGroup(win)
    for scale in SCALES:
        a = QAction(f"{round(scale * 100)} %", win, checkable=True)
        a.setChecked(scale == DEFAULT_SCALE)
        a.triggered.connect(lambda _=None, s=scale: _choose(win, s))
        group.addAction(a)
        menu.addAction(a)
        win.actions[f"presentation_{round(scale * 100)}"] = a
    view_menu.insertAction(menu.menuAction(), toggle)


def _choose(win, scale: float) -> None:
    win.presentation_choice = scale
    apply_scale(win, scale)
