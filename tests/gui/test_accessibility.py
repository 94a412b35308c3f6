"""Keyboard and tooltips: menus with mnemonics, every tool-bar action in a menu, Tab through the panels in
reading order, and a tooltip on every control of the main window."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QLineEdit,
    QMainWindow,
    QSlider,
    QToolBar,
    QWidget,
)

INTERACTIVE = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QSlider, QAbstractItemView)
#: Qt's own overflow chevrons, shown only when a bar is too narrow: they say "more" themselves
QT_CHEVRONS = {"qt_toolbar_ext_button", "qt_menubar_ext_button"}


def _tooltip(widget: QWidget) -> str:
    """The widget's tooltip, or that of the control it is part of (a spin box's line edit, a table's header)."""
    w = widget
    while w is not None and not isinstance(w, QDockWidget | QMainWindow | QToolBar):
        if w.toolTip():
            return w.toolTip()
        w = w.parentWidget()
    if isinstance(w, QToolBar) and isinstance(widget, QAbstractButton) and widget.toolTip():
        return widget.toolTip()
    return ""


def test_every_control_of_the_window_has_a_tooltip(window):
    missing = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.objectName() in QT_CHEVRONS:
            continue
        if not _tooltip(widget):
            owner = widget.parentWidget()
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(owner).__name__}")
    assert not missing, "controls without a tooltip:\n" + "\n".join(missing)
    assert (
        len([w for w in window.findChildren(QWidget) if isinstance(w, INTERACTIVE)]) > 30
    )  # the walk saw them


def test_menus_have_unique_mnemonics_and_hold_every_toolbar_action(window):
    titles = [a.text() for a in window.menuBar().actions()]
    keys = []
    for title in titles:
        assert "&" in title, f"menu {title!r} has no mnemonic"
        keys.append(title[title.index("&") + 1].lower())
    assert len(set(keys)) == len(keys), titles
    assert {"File", "Run", "View", "Help"} <= {t.replace("&", "") for t in titles}

    def menu_actions(menu):
        for a in menu.actions():
            yield a
            if a.menu() is not None:
                yield from menu_actions(a.menu())

    in_menus = {a for top in window.menuBar().actions() for a in menu_actions(top.menu())}
    for bar in window.findChildren(QToolBar):
        for a in bar.actions():
            if a.isSeparator() or bar.objectName() == "banner":
                continue
            assert a in in_menus or not a.shortcut().isEmpty(), f"tool-bar action {a.text()!r} is in no menu"


def test_alt_letter_opens_the_menu(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view_menu.isVisible, timeout=5000)
    qtbot.keyClick(view_menu, Qt.Key.Key_Escape)


def test_tab_goes_through_the_panels_in_reading_order(window):
    def dock_of(w):
        while w is not None and not isinstance(w, QDockWidget):
            w = w.parentWidget()
        return w.objectName() if w is not None else None

    order, w = [], window
    for _ in range(1000):
        w = w.nextInFocusChain()
        if w is window:
            break
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible() and w.isEnabled():
            dock = dock_of(w)
            if dock and (not order or order[-1] != dock):
                order.append(dock)
    if len(order) > 1 and order[0] == order[-1]:
        order.pop()  # the chain is a circle
    first = order.index("dock_controls")
    assert order[first:] + order[:first] == ["dock_controls", "dock_map", "dock_plots", "dock_runs"]


def test_the_shortcut_list_names_every_key_the_window_answers(window):
    rows = dict(window.acts.shortcut_rows())
    keys = {k for row in rows for k in row.split(" or ")}
    # the keys a lecturer asked for by name (issue 24), and every action's own shortcuts
    assert {"F5", "F6", "Ctrl+O", "Ctrl+S", "Ctrl+E", "Space"} <= keys, sorted(keys)
    for a in window.findChildren(QAction):
        assert all(k.toString() in keys for k in a.shortcuts()), a.text()
    # every menu's Alt key, read from the menu bar's own titles
    for menu in window.menuBar().actions():
        letter = menu.text()[menu.text().index("&") + 1].upper()
        assert rows[f"Alt+{letter}"] == f"Open the {menu.text().replace('&', '')} menu"
