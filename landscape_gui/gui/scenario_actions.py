"""File → Open / Save / Save As / Recent files, drag-and-drop of ``.toml``, the Lecture presets menu, and
File → Export animation… / Export image…, installed into the main window through its controller.

``install(win)`` needs ``win.controller`` (:class:`~landscape_gui.gui.controller.Controller`), ``win.scene3d``
(camera) and, optionally, ``win.frame`` (the newest worker frame, for the current step). It also sets
``win.open_scenario`` so that ``landscape-gui SCENARIO.toml`` opens the file at start-up.

A scenario file holds more than the controller (title, description, optimizer labels, "highlight best", export
settings): those are kept from the last file opened or saved and written back on save. Opening a bad file
shows its one-line message and changes nothing; if applying a valid file still fails, the previous session
is restored.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from landscape_gui.gui.labels import optimizer_labels
from landscape_gui.gui.settings import open_settings

if TYPE_CHECKING:  # the scenario module (TOML reading and writing) is imported when a file is first used
    from landscape_gui.core.scenario.files import Scenario

MAX_RECENT = 8
FILTER = "Scenario files (*.toml);;All files (*)"


def scenario_from_window(win, base: Scenario | None = None) -> Scenario:
    """The window's current session as a Scenario (extras such as the title taken from ``base``)."""
    from landscape_gui.core.scenario.files import Camera, LandscapeSpec, OptimizerSpec, Scenario, ViewSettings
    from landscape_gui.gui.controller import schedule_of

    st = win.controller.state()
    labels = optimizer_labels(win.controller.optimizers, base)
    base = base or Scenario(landscape=LandscapeSpec(function="booth"), optimizers=(), starts=())
    if st["landscape"]:
        land = LandscapeSpec(function=st["landscape"], domain=tuple(tuple(b) for b in st["domain"]))
    else:
        land = LandscapeSpec(expr=st["formula"], domain=tuple(tuple(b) for b in st["domain"]))
    optimizers = []
    for o, label in zip(st["optimizers"], labels, strict=True):
        schedule = schedule_of(o.get("schedule"))
        optimizers.append(
            OptimizerSpec(
                o["id"],
                {k: float(v) for k, v in o["hp"].items()},
                label,
                None if schedule.is_constant else schedule,
            )
        )
    view = st["view"]
    cam = win.scene3d.camera()
    log = view.get("log_height", "auto")
    return replace(
        base,
        landscape=land,
        optimizers=tuple(optimizers),
        starts=tuple(tuple(float(c) for c in p) for p in st["starts"]),
        steps=int(st["max_steps"]),
        noise=float(st["noise"]),
        seed=int(st["seed"]),
        batch_size=st.get("batch_size"),
        view=ViewSettings(
            camera=Camera(cam["distance"], cam["elevation"], cam["azimuth"], tuple(cam["center"])),
            colormap=view.get("colormap", "viridis"),
            log_height=None if log == "auto" else bool(log),
            theme=view.get("theme", "dark"),
            contours=bool(view.get("contours", True)),
            critical_points=bool(view.get("markers", True)),
            trails=bool(view.get("trails", True)),
            glyphs=tuple(view.get("glyphs", ())),
        ),
        highlight_best=bool(view.get("highlight_best", False)),
        **(win.analysis.scenario_sections() if hasattr(win, "analysis") else {}),
    )


def state_of(s: Scenario) -> dict:
    """The controller state (:meth:`Controller.apply`) of a scenario."""
    domain = [list(b) for b in s.landscape.domain] if s.landscape.domain else None
    v = s.view
    return {
        "landscape": s.landscape.function,
        "formula": s.landscape.expr,
        "domain": domain,
        "starts": [list(p) for p in s.starts],
        "optimizers": [{"id": o.id, "hp": dict(o.params), "schedule": o.schedule} for o in s.optimizers],
        "noise": s.noise,
        "batch_size": s.batch_size,
        "seed": s.seed,
        "max_steps": max(1, s.steps),
        "view": {
            "colormap": v.colormap,
            "log_height": "auto" if v.log_height is None else v.log_height,
            "contours": v.contours,
            "markers": v.critical_points,
            "trails": v.trails,
            "highlight_best": s.highlight_best,
            # a scenario without a theme leaves the user's (the room's) choice alone
            **({"theme": v.theme} if v.theme is not None else {}),
            "glyphs": tuple(v.glyphs),
        },
    }


class ScenarioActions(QObject):
    """The file and preset actions of one main window (see the module docstring)."""

    def __init__(self, win):
        super().__init__(win)
        self.win = win
        self.path: Path | None = None
        self.base: Scenario | None = None
        self.settings = open_settings()
        #: ``report(title, message)`` replaces the error dialog while set (the command line's file is
        #: reported on the window's banner instead of in a dialog before the window is up)
        self.report = None
        self.last_error: str | None = None  # the message of the last file or preset that could not be opened
        self.acts: dict[str, QAction] = {}
        self._build_menus()
        win.setAcceptDrops(True)
        win.installEventFilter(self)
        win.open_scenario = self.open_path

    # -- menus ----------------------------------------------------------------------------------------------
    def _act(self, name, text, shortcut, slot, tip) -> QAction:
        a = QAction(text, self.win)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setStatusTip(tip)
        a.triggered.connect(lambda _=None: slot())
        self.acts[name] = a
        return a

    def _file_menu(self):
        for a in self.win.menuBar().actions():
            if a.menu() is not None and a.text().replace("&", "") == "File":
                return a.menu()
        return self.win.menuBar().addMenu("&File")

    def _build_menus(self) -> None:
        menu = self._file_menu()
        first = menu.actions()[0] if menu.actions() else None
        items = [
            self._act("open", "Open scenario…", "Ctrl+O", self.open_dialog, "Open a scenario file (.toml)"),
            self._act("save", "Save scenario", "Ctrl+S", self.save, "Save the session to its scenario file"),
            self._act("save_as", "Save scenario as…", "Ctrl+Shift+S", self.save_as, "Save to a new file"),
        ]
        for a in items:
            menu.insertAction(first, a)
        self.recent_menu = menu.addMenu("Recent scenarios")
        menu.insertMenu(first, self.recent_menu)
        menu.insertSeparator(first)
        exports = [
            self._act(
                "export_anim",
                "Export animation…",
                "Ctrl+E",
                self.export_animation,
                "MP4, GIF, WebM or PNG frames of this scenario",
            ),  # fmt: skip
            self._act(
                "export_image",
                "Export image…",
                "Ctrl+Shift+E",
                self.export_image,
                "A PNG of the current view at any resolution",
            ),  # fmt: skip
        ]
        for a in exports:
            menu.insertAction(first, a)
        menu.insertSeparator(first)
        self._refresh_recent()
        self.presets_menu = self.win.menuBar().addMenu("&Lecture presets")
        # filled when first opened: reading the preset files and importing the scenario code costs ~40 ms
        # of start-up, and a lecturer opens this menu later if at all
        self.presets_menu.aboutToShow.connect(self.fill_presets_menu)

    def fill_presets_menu(self) -> None:
        """One action per lecture preset, in lecture order (once)."""
        from landscape_gui.core.scenario.presets import list_presets

        if self.presets_menu.actions():
            return
        for pid, title in list_presets():
            a = QAction(title, self.win)
            a.setStatusTip(f"Open the lecture preset '{pid}'")
            a.triggered.connect(lambda _=None, p=pid: self.open_preset(p))
            self.presets_menu.addAction(a)
            self.acts[f"preset_{pid}"] = a

    def _recent(self) -> list[str]:
        value = self.settings.value("recent_scenarios", [])
        return [v for v in ([value] if isinstance(value, str) else list(value or [])) if v]

    def _remember(self, path: Path) -> None:
        items = [str(path)] + [p for p in self._recent() if p != str(path)]
        self.settings.setValue("recent_scenarios", items[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for p in recent:
            a = self.recent_menu.addAction(Path(p).name)
            a.setStatusTip(p)
            a.triggered.connect(lambda _=None, q=p: self.open_path(q))
        self.recent_menu.setEnabled(bool(recent))

    # -- open -----------------------------------------------------------------------------------------------
    def _error(self, title: str, message: str) -> None:
        self.last_error = message
        if self.report is not None:
            self.report(title, message)
        else:
            QMessageBox.warning(self.win, title, message)

    def open_dialog(self) -> None:
        start = str(self.path.parent) if self.path else ""
        path, _ = QFileDialog.getOpenFileName(self.win, "Open scenario", start, FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path) -> bool:
        """Open a scenario file; a bad one is refused with its one-line message and changes nothing."""
        from landscape_gui.core.scenario.files import ScenarioError, load_scenario

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
        from landscape_gui.core.scenario.files import ScenarioError
        from landscape_gui.core.scenario.presets import load_preset

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
        """Put a scenario into the window; on failure restore the previous session and say why."""
        c = self.win.controller
        before, camera = c.state(), self.win.scene3d.camera()
        try:
            c.apply(state_of(scenario))
        except Exception as e:  # noqa: BLE001 - any failure: back to the session as it was
            try:
                c.apply(before)
            finally:
                self.win.scene3d.set_camera(camera)
            self._error("Cannot open scenario", f"{type(e).__name__}: {e}".splitlines()[0])
            return False
        if scenario.view.camera is not None:
            self.win.scene3d.set_camera(scenario.view.camera.as_dict())
        else:
            self.win.scene3d.reset_camera()
        self.base = scenario
        self.win.set_lesson(scenario.title, scenario.description)
        for hook in getattr(self.win, "scenario_opened", ()):  # e.g. [basins] and [restarts] turn those on
            hook(scenario)
        return True

    def current(self) -> Scenario:
        return scenario_from_window(self.win, self.base)

    # -- save -----------------------------------------------------------------------------------------------
    def save(self) -> bool:
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        start = str(self.path) if self.path else "scenario.toml"
        path, _ = QFileDialog.getSaveFileName(self.win, "Save scenario", start, FILTER)
        if not path:
            return False
        if not path.endswith(".toml"):
            path += ".toml"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Write atomically; on failure the previous file is intact and the reason is shown."""
        from landscape_gui.core.scenario.files import save_scenario

        scenario = self.current()
        try:
            save_scenario(scenario, path)
        except OSError as e:
            self._error("Cannot save scenario", f"cannot save {Path(path).name}: {e.strerror or e}")
            return False
        self.path, self.base = Path(path).resolve(), scenario
        self._remember(self.path)
        return True

    # -- export ---------------------------------------------------------------------------------------------
    def export_animation(self) -> None:
        from landscape_gui.gui.export_dialog import ExportDialog

        ExportDialog(self.current(), self.win, folder=self.path.parent if self.path else None).exec()

    def export_image(self) -> None:
        from landscape_gui.gui.export_dialog import ImageDialog

        frame = getattr(self.win, "frame", None)
        step = int(frame.steps.max()) if frame is not None and len(getattr(frame, "steps", ())) else None
        ImageDialog(self.current(), self.win, step=step, view_size=self.win.scene3d.view.size()).exec()

    # -- drag and drop --------------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
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


def install(win) -> ScenarioActions:
    """Add the scenario, preset and export actions to ``win`` (see the module docstring)."""
    win.scenario_actions = ScenarioActions(win)
    return win.scenario_actions
