"""The lesson banner above the 3D view: the open scenario's title and description in large type.

A lecturer's audience reads it from the back of the room, so the text is large (and grows with the
presentation scale). The ▾/▸ button folds the description away, leaving the title line; the banner hides
itself when the scenario has no description (the title alone is in the window title). The description scrolls
within at most :data:`MAX_SHARE` of the window's height, so a long lesson never squeezes the 3D view (it used to
take a third of a 1366×768 window and still be cut off); where the window has less room than that (docks below
and beside the view at 150 %), it gives way down to one line rather than make the window grow.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QToolButton, QVBoxLayout

from landscape_gui.drawing.rich_text import marks_html

TITLE_PT = 16
BODY_PT = 12
#: Most of the window's height the description takes before it scrolls.
MAX_SHARE = 0.2


class _Scroll(QScrollArea):
    """The description's scroll area: it asks for :attr:`wanted` pixels of height (what the text needs, within
    the share) and can be given as little as one line, so the banner never sets the window's minimum height
    (a fixed height did: the window grew from 720 to 763 when adam-sgd-train's training dock appeared)."""

    wanted = 0

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.wanted)


class LessonPanel(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lesson")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.scale = 1.0
        self.title = QLabel()
        self.title.setObjectName("lesson_title")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setObjectName("lesson_body")
        self.body.setWordWrap(True)
        for label in (self.title, self.body):
            label.setTextFormat(Qt.TextFormat.RichText)  # m̂, v̂ with their hats on (marks_html)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.scroll = _Scroll()
        self.scroll.setObjectName("lesson_scroll")
        self.scroll.setWidget(self.body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fold = QToolButton()
        self.fold.setObjectName("lesson_fold")
        self.fold.setCheckable(True)
        self.fold.setChecked(True)
        self.fold.setAutoRaise(True)
        self.fold.toggled.connect(self.set_expanded)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.fold, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.scroll)
        self.set_scale(1.0)
        self.set_expanded(True)
        self.set_lesson("", "")

    def set_lesson(self, title: str, description: str) -> None:
        """Show a scenario's lesson; hidden when there is no description."""
        self.title.setText(marks_html(title or ""))
        self.body.setText(marks_html(" ".join((description or "").split())))
        self.setVisible(bool((description or "").strip()))
        self._fit()

    def set_expanded(self, expanded: bool) -> None:
        """Show or fold away the description (the title line stays)."""
        self.fold.blockSignals(True)
        self.fold.setChecked(expanded)
        self.fold.blockSignals(False)
        self.fold.setText("▾" if expanded else "▸")
        self.fold.setToolTip("Fold the lesson text away" if expanded else "Show the lesson text")
        self.scroll.setVisible(expanded)
        self._fit()

    @property
    def expanded(self) -> bool:
        return self.fold.isChecked()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The description's height: what it needs, up to :data:`MAX_SHARE` of the window (then it scrolls)."""
        window = self.window()
        limit = max(3 * self.body.fontMetrics().lineSpacing(), round(window.height() * MAX_SHARE))
        need = self.body.heightForWidth(max(100, self.scroll.viewport().width())) + 4
        line = self.body.fontMetrics().lineSpacing()
        wanted = min(limit, max(need, line))
        if wanted != self.scroll.wanted:
            self.scroll.wanted = wanted
            self.scroll.setMinimumHeight(min(wanted, line + 4))
            self.scroll.setMaximumHeight(wanted)
            self.scroll.updateGeometry()

    def set_scale(self, scale: float) -> None:
        """Text size: 1 = normal, 1.5 and 2 for presentation mode."""
        self.scale = float(scale)
        # a style sheet, not setFont: the application's style sheet (the theme) set again resets a font set by
        # hand on a label inside a scroll area
        title, body = TITLE_PT * self.scale, BODY_PT * self.scale
        self.setStyleSheet(
            f"QLabel#lesson_title, QToolButton#lesson_fold {{ font-size: {title:.1f}pt; font-weight: bold; }}"
            f" QLabel#lesson_body {{ font-size: {body:.1f}pt; }}"
        )
        for widget in (self.title, self.body, self.fold):
            widget.ensurePolished()
        self._fit()
