"""Stage layout (View → Stage layout, F6): the room gets the 3D view and the map.

The controls, the runs table, the plots and the instruments' docks fold away and the lesson shrinks to its title
line (its ▸ button shows the text again); F6 again puts every dock back where it was. It fits 1280×720 and
1366×768, in normal and presentation mode, with the 3D view taking at least half the window.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

#: Share of the window's width the map takes beside the 3D view.
MAP_SHARE = 0.34


class StageLayout:
    """Folds a window's docks away and back (see the module docstring)."""

    def __init__(self, window: QMainWindow, map_dock: QDockWidget, lesson):
        self.window, self.map_dock, self.lesson = window, map_dock, lesson
        self.on = False
        self._saved: QByteArray | None = None
        self._expanded = True

    def set(self, on: bool) -> None:
        if bool(on) == self.on:
            return
        self.on = bool(on)
        w = self.window
        if self.on:
            self._saved = w.saveState()
            self._expanded = self.lesson.expanded
            self.fold()
            w.resizeDocks([self.map_dock], [round(w.width() * MAP_SHARE)], Qt.Orientation.Horizontal)
        else:
            if self._saved is not None:
                w.restoreState(self._saved)
            self.lesson.set_expanded(self._expanded)

    def fold(self) -> None:
        """Every dock but the map away and the lesson to its title line; again after a preset opened its
        instruments' docks while the stage layout is on."""
        for dock in self.window.findChildren(QDockWidget):
            if dock is not self.map_dock:
                dock.hide()
        self.map_dock.show()
        self.lesson.set_expanded(False)
