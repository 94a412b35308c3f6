"""Presentation mode (View → Presentation mode, F5): everything the room reads, scaled up.

Fonts of the whole window, the lesson banner, the 3D legend and axis labels, plot text, line widths and ball
sizes grow by the chosen scale (150 % or 200 %); F5 toggles between normal size and that scale.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

SCALES = (1.5, 2.0)
DEFAULT_SCALE = 1.5


class Presentation:
    """The scale of one window's text, lines and balls (1 = normal), applied to the parts that draw them."""

    def __init__(self, *, panel, stage, map_view, plots, table):
        self.panel, self.stage, self.map, self.plots, self.table = panel, stage, map_view, plots, table
        self.scale = 1.0
        self.choice = DEFAULT_SCALE  # the scale F5 goes to

    def release(self) -> None:
        """The application's font back to its size before this window scaled it (the window is closing: the
        font is the application's, and the next window starts at 100 %)."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        base = app.property("landscape_base_pt")
        if self.scale != 1 and base is not None:
            font = QFont(app.font())
            font.setPointSizeF(float(base))
            app.setFont(font)
            self.scale = 1.0

    def apply(self, scale: float) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # the window runs under a QApplication
        base = app.property("landscape_base_pt")
        if base is None:
            base = app.font().pointSizeF()
            app.setProperty("landscape_base_pt", base)
        font = QFont(app.font())
        font.setPointSizeF(float(base) * scale)
        app.setFont(font)
        app.setStyleSheet(app.styleSheet())  # widgets under a style sheet rule (the docks) take the new font
        app.processEvents()  # let the font change reach every widget before measuring rows below
        self.scale = scale
        # the controls are the lecturer's, not the room's: they grow half as much, so the views keep their room
        panel = 1 + 0.5 * (scale - 1)
        # (a style sheet: under the application's style sheet a widget's own font does not reach its children)
        self.panel.setStyleSheet("" if scale == 1 else f"* {{ font-size: {float(base) * panel:.1f}pt; }}")
        self.panel.updateGeometry()  # its minimum width follows its fonts (ControlPanel.minimumSizeHint)
        self.stage.lesson.set_scale(panel)  # several lines of it: it must leave the 3D view room
        self.stage.legend.set_scale(scale)
        self.stage.scene3d.set_scale(scale)
        self.map.set_scale(scale)
        self.plots.set_scale(scale)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(round(QFontMetrics(font).height() * 1.4))
        for r in range(self.table.rowCount()):
            rows.resizeSection(r, rows.defaultSectionSize())
