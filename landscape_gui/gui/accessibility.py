"""Keyboard and screen-reader finishing touches of the main window.

- The buttons Qt puts in each dock's title bar (float, close) get tooltips naming their panel.
- Each dock's widget gets an accessible name (its title), so a screen reader says which panel has focus.

Menus carry mnemonics (Alt+F, Alt+R, Alt+V, Alt+H, Alt+L), every tool-bar action is also in a menu, and Tab
goes through the panels in reading order (controls, map, plots, runs table);
``tests/gui/test_accessibility.py`` checks all of it, and that every control has a tooltip.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QDockWidget, QTabBar, QToolButton


def finish_accessibility(win) -> None:
    """Tooltips on the dock buttons and tab arrows Qt adds, accessible names on the docks' widgets."""
    for dock in win.findChildren(QDockWidget):
        title = dock.windowTitle()
        dock.widget().setAccessibleName(title)
        for name, tip in (
            ("qt_dockwidget_floatbutton", f"Detach the {title} panel into its own window"),
            ("qt_dockwidget_closebutton", f"Hide the {title} panel (View → {title} shows it again)"),
        ):
            button = dock.findChild(QAbstractButton, name)
            if button is not None:
                button.setToolTip(tip)
    # tabbed docks: the arrows Qt adds when the tabs do not fit
    for bar in win.findChildren(QTabBar):
        for name, tip in (
            ("ScrollLeftButton", "Earlier panel tabs"),
            ("ScrollRightButton", "Later panel tabs"),
        ):
            button = bar.findChild(QToolButton, name)
            if button is not None:
                button.setToolTip(tip)
