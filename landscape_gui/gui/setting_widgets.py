"""Widgets generated from the core's setting declarations (:mod:`landscape_gui.core.scenario.declarations`): the
range, the choices, the label and the tooltip come from the declaration, so the window offers exactly what a
scenario file accepts.

>>> from landscape_gui.core.scenario.model import Scenario
>>> from landscape_gui.core.scenario.declarations import setting_of
>>> editor = SettingEditor(setting_of(Scenario, "seed"), 3)        # doctest: +SKIP
>>> editor.value()                                                 # doctest: +SKIP
3
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QSpinBox, QWidget

from landscape_gui.core.scenario.declarations import (
    AutoBool,
    Bool,
    Choice,
    Float,
    Int,
    Optional,
    Setting,
    Size,
)
from landscape_gui.gui.hyperparameters import NumberSpinBox

#: Largest value a Qt spin box holds.
QT_INT_MAX = 2**31 - 1


def tooltip(setting: Setting) -> str:
    """The tooltip of a setting's widget: its help, and what it takes."""
    words = setting.kind.words()
    return f"{setting.help} ({words})" if words else setting.help


class SettingEditor(QWidget):
    """The editor of one declared setting; ``edited(value)`` on every change the user makes."""

    edited = Signal(object)

    def __init__(self, setting: Setting, value, parent=None):
        super().__init__(parent)
        self.setting = setting
        kind = setting.kind.kind if isinstance(setting.kind, Optional) else setting.kind
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # a QSpinBox, NumberSpinBox, QCheckBox or QComboBox (two spin boxes for a Size): value() tells them apart
        self.widgets: list[Any] = []
        w: Any
        if isinstance(kind, Int):
            w = QSpinBox()
            w.setRange(max(kind.low, -QT_INT_MAX), min(kind.high, QT_INT_MAX))
            w.setKeyboardTracking(False)
            w.valueChanged.connect(lambda v: self.edited.emit(int(v)))
        elif isinstance(kind, Float):
            w = NumberSpinBox(kind.low, kind.high, kind.log)
            w.valueChanged.connect(lambda v: self.edited.emit(float(v)))
        elif isinstance(kind, Bool):
            w = QCheckBox()
            w.toggled.connect(lambda on: self.edited.emit(bool(on)))
        elif isinstance(kind, AutoBool):
            w = QComboBox()
            for text, v in (("auto", None), ("on", True), ("off", False)):
                w.addItem(text, v)
            w.activated.connect(lambda i: self.edited.emit(w.itemData(i)))
        elif isinstance(kind, Choice):
            w = QComboBox()
            for c in kind.choices:
                w.addItem(c, c)
            w.activated.connect(lambda i: self.edited.emit(w.itemData(i)))
        elif isinstance(kind, Size):
            boxes = []
            for _ in range(2):
                b = QSpinBox()
                b.setRange(kind.low, kind.high)
                b.setSuffix(" px")
                b.setKeyboardTracking(False)
                b.valueChanged.connect(lambda _v: self.edited.emit(self.value()))
                boxes.append(b)
            self.widgets = boxes
            w = None
        else:
            raise TypeError(f"no editor for {type(kind).__name__}")
        if w is not None:
            self.widgets = [w]
        for box in self.widgets:
            box.setToolTip(tooltip(setting))
            box.setAccessibleName(setting.label)
            layout.addWidget(box)
        self.kind = kind
        self.set_value(value)

    def value(self):
        w = self.widgets[0]
        if isinstance(self.kind, Size):
            return (self.widgets[0].value(), self.widgets[1].value())
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData()
        return w.value()

    def set_value(self, value) -> None:
        """Show ``value`` without emitting ``edited``."""
        for w in self.widgets:
            w.blockSignals(True)
        try:
            w = self.widgets[0]
            if isinstance(self.kind, Size):
                self.widgets[0].setValue(int(value[0]))
                self.widgets[1].setValue(int(value[1]))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
            elif value is not None:
                w.setValue(value)
        finally:
            for w in self.widgets:
                w.blockSignals(False)


def setting_action(setting: Setting, parent) -> QAction:
    """A checkable menu action for a boolean (or automatic boolean) setting: its label, help and status tip."""
    a = QAction(setting.label, parent, checkable=True)
    a.setToolTip(setting.help)
    a.setStatusTip(setting.help)
    return a
