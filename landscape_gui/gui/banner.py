"""A one-line message across the top of the window: errors from the command line, the first-run hint.

A :class:`Banner` is a fixed tool bar on its own row under the main tool bar, hidden until a message comes;
its ✕ button (or Esc while it has focus) hides it. Unlike a dialog it never blocks the window, and unlike a
status-bar message it is not wiped by the next status tip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar

STYLES = {
    "info": "QLabel { padding: 4px 8px; }",
    "error": "QLabel { padding: 4px 8px; color: #ffffff; background: #b3261e; border-radius: 3px; }",
}


class Banner(QToolBar):
    """See the module docstring; ``show_message(text, kind)`` with ``kind`` "info" or "error"."""

    def __init__(self, win):
        super().__init__("Message", win)
        self.setObjectName("banner")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # not offered in the tool bars' context menu
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label.setAccessibleName("Message")
        self.addWidget(self.label)
        self.close_action = QAction("✕", self)
        self.close_action.setToolTip("Hide this message")
        self.close_action.triggered.connect(self.hide)
        self.addAction(self.close_action)
        self.kind = "info"
        win.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        win.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        self.label.setStyleSheet(STYLES[kind])
        self.label.setText(text)
        self.label.setToolTip(text)
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
        else:
            super().keyPressEvent(event)
