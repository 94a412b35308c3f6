"""What the window remembers between runs, and its first run.

On start the last session is restored (:func:`landscape_gui.gui.actions.restore_state`); when nothing was
saved (a first run, or after ``landscape-gui --reset``) the window opens on the lecture preset that makes
the lecture's main point, local vs global minimum, with a one-line hint on placing start points. Help →
Reset to first-run state forgets the saved settings and puts the window back in that state. Where the
settings live: :mod:`landscape_gui.gui.settings`.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from landscape_gui.gui import actions
from landscape_gui.gui.banner import Banner
from landscape_gui.gui.settings import FIRST_RUN_HINT, FIRST_RUN_PRESET, is_first_run


def install(win) -> None:
    """Add the message banner and Help → Reset to first-run state (after the menus exist)."""
    win.banner = Banner(win)
    win.first_layout = win.saveState()  # the docks as a first run lays them out
    reset = QAction("&Reset to first-run state…", win)
    reset.setToolTip("Forget the saved layout, last session and recent files, and open the first-run demo")
    reset.setStatusTip(reset.toolTip())
    reset.triggered.connect(lambda _=None: reset_to_first_run(win))
    win.actions["reset_settings"] = reset
    for a in win.menuBar().actions():
        if a.menu() is not None and a.text().replace("&", "") == "Help":
            a.menu().addSeparator()
            a.menu().addAction(reset)


def start(win) -> None:
    """Restore the last session, or open the first-run demo when nothing was saved."""
    if win.settings is None:
        return
    if is_first_run(win.settings):
        open_first_run_demo(win)
    else:
        actions.restore_state(win)
        win.banner.hide()  # a banner left open when the window closed has no message now


def open_first_run_demo(win) -> bool:
    """The first-run preset with the start-point hint in the banner (the views are rebuilt by the caller)."""
    from landscape_gui.core.scenario.presets import load_preset

    c = win.controller
    c.blockSignals(True)
    try:
        ok = win.scenario_actions.apply(load_preset(FIRST_RUN_PRESET))
    finally:
        c.blockSignals(False)
    win.panel.sync_landscape()
    win.panel.sync_run()
    win.panel.starts_panel.sync()
    win.panel.optimizer_panel.sync()
    win.banner.show_message(FIRST_RUN_HINT)
    return ok


def reset_to_first_run(win, *, confirm: bool = True) -> bool:
    """Help → Reset to first-run state: forget every saved setting and reopen the first-run demo."""
    if confirm:
        answer = QMessageBox.question(
            win,
            "Reset to first-run state",
            "Forget the saved window layout, last session and recent scenarios, and open the first-run demo?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
    for settings in (win.settings, win.scenario_actions.settings):
        if settings is not None:
            settings.clear()
            settings.sync()
    win.scenario_actions._refresh_recent()  # noqa: SLF001 - the recent list is empty now
    win.restoreState(win.first_layout)
    for dock in win.docks.values():
        dock.show()
    ok = win.scenario_actions.open_preset(FIRST_RUN_PRESET)  # through the signals: the views follow
    win.banner.show_message(FIRST_RUN_HINT)
    return ok
