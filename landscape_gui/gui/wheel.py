"""The mouse wheel changes a control only when it has focus: scrolling the Controls panel over a chooser, a spin
box or a slider scrolls the panel, and never turns the lr schedule from Constant to Step decay behind the
lecturer's back. Click (or Tab to) a control first, then the wheel changes it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QSlider, QWidget

CONTROLS = (QComboBox, QAbstractSpinBox, QSlider)


class WheelNeedsFocus(QObject):
    """An application-wide event filter (see the module docstring)."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(obj, CONTROLS) or obj.hasFocus():
            return False
        if obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel does not give it focus either
        area = _scroll_area(obj)
        if area is not None:  # the panel scrolls instead
            QApplication.sendEvent(area.verticalScrollBar(), event)
        return True


def _scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    w = widget.parentWidget()
    while w is not None and not isinstance(w, QAbstractScrollArea):
        w = w.parentWidget()
    return w


_FILTER: WheelNeedsFocus | None = None


def install(app) -> WheelNeedsFocus:
    """Install the filter on ``app`` (once, whatever the number of windows)."""
    global _FILTER
    if _FILTER is None:
        _FILTER = WheelNeedsFocus(app)
        app.installEventFilter(_FILTER)
    return _FILTER
