"""Nothing in the window changes behind the lecturer's back (issue 24, "No silent changes"): the wheel turns a
control only when it has focus, and fields that belong to a landscape follow it or clear."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from landscape_gui.core.landscapes.formula_worker import build_formula
from landscape_gui.core.landscapes.library import get_landscape


def _wheel(widget, notches: int = -1) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_an_unfocused_chooser_scrolls_the_panel_and_changes_nothing(window, qtbot):
    combo = window.panel.landscape_combo
    before = combo.currentIndex()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.setFocus()
    assert not combo.hasFocus()
    _wheel(combo)
    assert combo.currentIndex() == before
    assert window.session.landscape.name == get_landscape(window.session.scenario.landscape.function).name
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=5000)
    _wheel(combo)  # focused: now it is the lecturer's choice
    assert combo.currentIndex() != before


def test_the_formula_field_empties_under_a_built_in_landscape(window, qtbot):
    window.session.set_landscape(build_formula("x**2 - y**2"), formula="x**2 - y**2")
    qtbot.waitUntil(lambda: window.panel.formula_edit.text() == "x**2 - y**2", timeout=5000)
    window.setFocus()
    assert window.files.open_preset("saddle-escape")
    qtbot.waitUntil(lambda: window.panel.formula_edit.text() == "", timeout=5000)
    assert not window.panel.formula_message.isVisible()  # no "✓ formula in use" under a built-in


def test_a_one_variable_landscape_hides_the_y_range(window, qtbot):
    assert window.files.open_preset("double-well")
    assert window.session.landscape.dim == 1
    qtbot.waitUntil(lambda: not window.panel.domain_to[1].isVisible(), timeout=5000)
    assert not any(spin.isVisible() for spin in window.panel.domain_spins[1])
    assert window.panel.domain_spins[0][0].isVisible()
    assert window.files.open_preset("saddle-escape")
    qtbot.waitUntil(lambda: window.panel.domain_spins[1][0].isVisible(), timeout=5000)


def test_the_inspector_forgets_the_previous_landscape(window, qtbot):
    window.inspector.set_enabled(True)
    window.inspector.inspect(np.array([0.5, 0.5]))
    assert window.inspector.current is not None and "Hessian" in window.inspector.label.text()
    assert window.files.open_preset("himmelblau-basins")
    qtbot.waitUntil(lambda: window.inspector.current is None, timeout=5000)
    assert "Hessian" not in window.inspector.label.text()
