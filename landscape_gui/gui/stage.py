"""The centre of the window: the lesson banner over the 3D view, with the legend and the step caption drawn over
the view. It draws a :class:`~landscape_gui.core.frames.presenter.Frame` (the runs through a
:class:`~landscape_gui.drawing.frame3d.Frame3D`, the legend's rows, the caption's lines) and decides nothing.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from landscape_gui.drawing.frame3d import Frame3D
from landscape_gui.drawing.surface_view import SurfaceView, ViewLegend
from landscape_gui.drawing.theme import THEMES
from landscape_gui.gui.lesson_panel import LessonPanel

CAPTION_POINT_SIZE = 13
CAPTION_HINT = "→: next step · select another run in the Runs table · C: hide"


class StepCaptionPanel(QLabel):
    """The caption of one update, monospace and large, on a translucent panel in the 3D view's lower left."""

    MARGIN = 10

    def __init__(self, view):
        super().__init__(view)
        self.setObjectName("step_caption")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.lines: list[str] = []  # the caption's lines, as shown
        self.hide()
        view.installEventFilter(self)

    def show_caption(self, lines, color, theme: str) -> None:
        """Lines of a frame's caption (its title first), with a swatch of the run's colour."""
        r, g, b = THEMES[theme]["scene_bg"]
        self.setStyleSheet(
            f"QLabel#step_caption {{ background: rgba({r}, {g}, {b}, 205); color: {THEMES[theme]['text']};"
            " border-radius: 6px; padding: 6px 10px; }"
        )
        self.lines = list(lines)
        red, green, blue = color[:3]
        title = f"<span style='color:rgb({red},{green},{blue})'>●</span> <b>{html.escape(lines[0])}</b>"
        body = "<br>".join(html.escape(line) for line in lines[1:])
        self.setText(
            f'<div style=\'font-family:"DejaVu Sans Mono", monospace; font-size:{CAPTION_POINT_SIZE}pt;'
            f" white-space:pre-wrap'>{title}<br>{body}</div>"
            f"<div style='font-size:9pt; opacity:0.8'>{html.escape(CAPTION_HINT)}</div>"
        )
        self._fit()
        self.show()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        """Wrapped to the view's width (a long line such as "step 667 · run 3 of 30, from …" was clipped)."""
        view = self.parentWidget()
        assert view is not None  # made as a child of its view
        self.setWordWrap(True)
        self.setMaximumWidth(max(160, view.width() - 2 * self.MARGIN))
        self.adjustSize()
        self._place()

    def _place(self) -> None:
        view = self.parentWidget()
        assert view is not None  # made as a child of its view
        self.move(self.MARGIN, max(self.MARGIN, view.height() - self.height() - self.MARGIN))


class Stage(QWidget):
    """Lesson banner, 3D view, legend and step caption (see the module docstring)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lesson = LessonPanel()
        self.surface = SurfaceView()
        self.scene3d = self.surface.scene3d
        self.legend = ViewLegend(self.surface)
        self.caption = StepCaptionPanel(self.surface)
        self.moving = Frame3D(self.scene3d)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.lesson)
        column.addWidget(self.surface, 1)

    def show_frame(self, frame, theme: str) -> None:
        self.moving.show_frame(frame, theme)
        self.legend.show_rows(frame.legend, theme)
        if frame.caption and frame.snapshot.caption_run is not None:
            color = frame.runs[frame.snapshot.caption_run].color
            self.caption.show_caption(frame.caption, color, theme)
        else:
            self.caption.hide()

    def clear_runs(self) -> None:
        """New runs: nothing moving until their first frame."""
        self.moving.clear()
        self.caption.hide()
