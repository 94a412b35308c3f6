"""Scenario files in the window: File → Open / Save / Save As / Recent scenarios, drag-and-drop of ``.toml``,
the Lecture presets menu, and File → Export animation… / Export image….

A scenario file is the session itself (:class:`~landscape_gui.core.scenario.model.Scenario`): opening one
replaces the session (:meth:`SessionModel.replace`), saving writes the session (with the camera the window
shows, asked of ``current()``). A bad file is refused with its one-line message (``error`` signal) and changes
nothing; saving writes a temporary file and replaces the old one only once it is complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from landscape_gui.core.scenario.files import ScenarioError, load_scenario, save_scenario
from landscape_gui.core.scenario.model import Scenario
from landscape_gui.core.scenario.presets import list_presets, load_preset
from landscape_gui.gui.session_model import SessionModel

MAX_RECENT = 8
FILTER = "Scenario files (*.toml);;All files (*)"


class ScenarioFiles(QObject):
    """Open, save, recent files, presets and drops of one window (see the module docstring)."""

    opened = Signal(object)  # the Scenario now in the session (a file or a preset)
    error = Signal(str, str)  # title, one-line message

    def __init__(self, session: SessionModel, window, settings, current: Callable[[], Scenario]):
        super().__init__(window)
        self.session, self.window, self.settings, self.current = session, window, settings, current
        self.path: Path | None = None
        self.last_error: str | None = None  # the message of the last file or preset that could not be opened
        self.recent_menu: QMenu | None = None
        self.presets_menu: QMenu | None = None
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def attach_menus(self, recent: QMenu, presets: QMenu) -> None:
        self.recent_menu, self.presets_menu = recent, presets
        self.refresh_recent()
        # filled when first opened: reading the preset files costs ~40 ms of start-up
        presets.aboutToShow.connect(self.fill_presets_menu)

    def fill_presets_menu(self) -> None:
        """One action per lecture preset, in lecture order (once)."""
        assert self.presets_menu is not None  # attach_menus connected this to it
        if self.presets_menu.actions():
            return
        for pid, title in list_presets():
            a = QAction(title, self.window)
            a.setStatusTip(f"Open the lecture preset '{pid}'")
            a.triggered.connect(lambda _=None, p=pid: self.open_preset(p))
            self.presets_menu.addAction(a)

    # -- recent files -------------------------------------------------------------------------------------
    def recent(self) -> list[str]:
        if self.settings is None:
            return []
        value = self.settings.value("recent_scenarios", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [v for v in items if isinstance(v, str) and v][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        if self.settings is not None:
            items = [str(path)] + [p for p in self.recent() if p != str(path)]
            self.settings.setValue("recent_scenarios", items[:MAX_RECENT])
        self.refresh_recent()

    def refresh_recent(self) -> None:
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        recent = self.recent()
        for p in recent:
            a = self.recent_menu.addAction(Path(p).name)
            a.setStatusTip(p)
            a.triggered.connect(lambda _=None, q=p: self.open_path(q))
        self.recent_menu.setEnabled(bool(recent))

    # -- open -----------------------------------------------------------------------------------------------
    def _error(self, title: str, message: str) -> None:
        self.last_error = message
        self.error.emit(title, message)

    def open_dialog(self) -> None:
        start = str(self.path.parent) if self.path else ""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open scenario", start, FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path) -> bool:
        """Open a scenario file; a bad one is refused with its one-line message and changes nothing."""
        try:
            scenario = load_scenario(path)
        except ScenarioError as e:
            self._error("Cannot open scenario", str(e))
            return False
        if self.apply(scenario):
            self.path = Path(path).resolve()
            self._remember(self.path)
            return True
        return False

    def open_preset(self, preset_id: str) -> bool:
        try:
            scenario = load_preset(preset_id)
        except (KeyError, ScenarioError) as e:
            self._error("Cannot open preset", e.args[0] if e.args else str(e))
            return False
        ok = self.apply(scenario)
        if ok:
            self.path = None  # Save asks where: a preset is not overwritten by accident
        return ok

    def apply(self, scenario: Scenario) -> bool:
        """Make ``scenario`` the session; on failure the session stays as it was and the reason is said. A file
        that sets no theme keeps the one on screen (a lecturer's light theme), in the session as in its exports."""
        if scenario.view.theme is None and self.session.view.theme is not None:
            scenario = replace(scenario, view=replace(scenario.view, theme=self.session.view.theme))
        try:
            self.session.replace(scenario)
        except Exception as e:  # noqa: BLE001 - any failure: the session as it was, and why
            self._error("Cannot open scenario", f"{type(e).__name__}: {e}".splitlines()[0])
            return False
        self.opened.emit(scenario)
        return True

    # -- save -----------------------------------------------------------------------------------------------
    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        start = str(self.path) if self.path else "scenario.toml"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save scenario", start, FILTER)
        if not path:
            return False
        if not path.endswith(".toml"):
            path += ".toml"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Write atomically; on failure the previous file is intact and the reason is said."""
        try:
            save_scenario(self.current(), path)
        except OSError as e:
            self._error("Cannot save scenario", f"cannot save {Path(path).name}: {e.strerror or e}")
            return False
        self.path = Path(path).resolve()
        self._remember(self.path)
        return True

    # -- drag and drop --------------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and self._dropped(event):
            event.acceptProposedAction()
            return True
        if kind == QEvent.Type.Drop and self._dropped(event):
            event.acceptProposedAction()
            self.open_path(self._dropped(event))
            return True
        return super().eventFilter(obj, event)

    @staticmethod
    def _dropped(event) -> str | None:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(".toml"):
                return url.toLocalFile()
        return None
