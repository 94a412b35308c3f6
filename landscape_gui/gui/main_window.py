"""The main window: it builds its parts and connects them, here, in one place.

The session is a :class:`~landscape_gui.gui.session_model.SessionModel` (the core's scenario behind a thin Qt
adapter); the panels edit it and every view follows its ``changed`` signal. The runs are stepped by the
simulation worker, which hands snapshots over; for each, the core's presenter decides what the frame shows
(:func:`~landscape_gui.core.frames.presenter.present`, the exporter's too) and the views draw it. Computations
in the background (critical points, basins, restarts, formulas, data surfaces) are
:class:`~landscape_gui.gui.jobs.Job` s.

Parts: the stage (lesson, 3D view, legend, step caption), the map, the control panel, the plots, the runs
table (docks), the model, basins, restarts and inspector docks, the banner, the menus (:class:`Actions`), the
scenario files, the presentation mode and the settings store.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from landscape_gui.core.analysis.curvature import SharpnessHistory, global_minimum_curvature
from landscape_gui.core.analysis.session_runs import restarts_runs
from landscape_gui.core.frames.presenter import Frame, batch_surface_shown, log_height, present
from landscape_gui.core.frames.sharpness import sharpness_curves
from landscape_gui.core.frames.snapshot import BATCH_SURFACE_RESOLUTION, Detail
from landscape_gui.core.scenario.declarations import SettingError
from landscape_gui.core.scenario.model import COLORMAPS, GLYPHS, THEMES, Camera, Scenario, differences
from landscape_gui.drawing.map_view import MapView
from landscape_gui.drawing.plots import PlotsPanel
from landscape_gui.drawing.theme import apply_theme, style_plot
from landscape_gui.gui import wheel
from landscape_gui.gui.accessibility import finish_accessibility
from landscape_gui.gui.banner import Banner
from landscape_gui.gui.basins import BasinsView
from landscape_gui.gui.control_panel import ControlPanel
from landscape_gui.gui.critical_search import CriticalSearch
from landscape_gui.gui.data_views import DataViews, samples_of
from landscape_gui.gui.export_dialog import ExportDialog, ImageDialog
from landscape_gui.gui.files import ScenarioFiles
from landscape_gui.gui.inspector import Inspector
from landscape_gui.gui.menus import VIEW_TOGGLES, Actions
from landscape_gui.gui.presentation import SCALES, Presentation
from landscape_gui.gui.restarts import RestartsView
from landscape_gui.gui.runs_table import RunsTable
from landscape_gui.gui.session_model import SessionModel
from landscape_gui.gui.settings import FIRST_RUN_HINT, FIRST_RUN_PRESET, SessionStore, open_settings
from landscape_gui.gui.stage import Stage
from landscape_gui.gui.stage_layout import StageLayout
from landscape_gui.gui.training_view import TrainingView
from landscape_gui.gui.window_layout import lay_out_docks, size_docks
from landscape_gui.gui.worker import WorkerHandle

APP_NAME = "Landscape GUI"
# Seconds between plot/table refreshes while playing; the views update every frame. A refresh of the
# plots and the table costs ~50 ms in software GL, so more often would halve the frame rate.
SLOW_PANEL_INTERVAL = 0.5
#: View settings that change how the surface itself is built.
SURFACE_KEYS = frozenset({"view.colormap", "view.log_height"})
STATUS_HINT = "Space: play/pause · →: step · R: reset · click the surface or map to add a start"


#: Cyclic garbage is collected on a timer in the GUI thread, never by the interpreter on whichever thread
#: happens to allocate (the simulation worker, a job, the encoder): a window, dialog or plot freed there
#: destroys Qt widgets off the GUI thread, which deadlocks against it (seen as a hang).
_COLLECTOR: GarbageCollector | None = None


class MainWindow(QMainWindow):
    def __init__(self, *, restore_settings: bool = True, parent=None):
        global _COLLECTOR
        super().__init__(parent)
        if _COLLECTOR is None:
            _COLLECTOR = GarbageCollector(interval=1.0)
        self._shutting_down = False
        self.session_message: str | None = None
        try:
            self._build(restore_settings)
        except BaseException:
            self._shutdown_parts()  # a half-built window must not leave its threads running (abort at exit)
            raise

    # -- the parts ----------------------------------------------------------------------------------------
    def _build(self, restore_settings: bool) -> None:
        self.setObjectName("MainWindow")
        self.settings = open_settings() if restore_settings else None
        self.store = SessionStore(self.settings) if self.settings is not None else None
        self.theme = "dark"
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # a window runs under a QApplication
        apply_theme(app, self.theme)
        wheel.install(app)
        self.session = SessionModel(self)
        self.worker = WorkerHandle(self)
        self.frame: Frame | None = None  # the newest frame drawn (the presenter's description)
        self._layout_restored = False
        self._docks_sized = False  # a first show sizes them (window_layout.size_docks)
        self._shown: Scenario | None = None  # the scenario the views show
        self._last_slow = 0.0
        self.sharpness = SharpnessHistory()  # λmax along the runs' paths, for the sharpness plot

        self.stage = Stage()
        self.surface, self.scene3d = self.stage.surface, self.stage.scene3d
        self.map = MapView()
        self.panel = ControlPanel(self.session)
        self.plots = PlotsPanel()
        self.table = RunsTable()
        self.data = DataViews(self)
        self.basins = BasinsView(self.session, self)
        self.restarts = RestartsView(self.session, self)
        self.inspector = Inspector(self.session, self.surface, self.map, self)
        self.critical_search = CriticalSearch(self.data.process, self)
        self.training_view = TrainingView(self)
        self.banner = Banner(self)
        self.acts = Actions(self)
        self.files = ScenarioFiles(self.session, self, self.settings, self.current_scenario)
        self.presentation = Presentation(
            panel=self.panel, stage=self.stage, map_view=self.map, plots=self.plots, table=self.table
        )
        self._lay_out()
        self.stage_layout = StageLayout(self, self.docks["map"], self.stage.lesson)
        self._connect()
        self._start(restore_settings)

    def _lay_out(self) -> None:
        self.setCentralWidget(self.stage)
        self.docks = lay_out_docks(self)
        # the trained network: under the views, the whole width, tabbed with the runs table
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.training_view.dock)
        self.training_view.dock.hide()  # shown with a scenario's [training]
        self.training_view.shown.connect(self._training_shown)
        self.training_view.edited.connect(
            lambda t: self.session.replace(replace(self.session.scenario, training=t), self.session.landscape)
        )
        self.docks["training"] = self.training_view.dock
        menus = self.acts.build_menus(list(self.docks.values()), SCALES)
        self.acts[f"presentation_{round(self.presentation.choice * 100)}"].setChecked(True)
        self.files.attach_menus(menus["recent"], menus["presets"])
        for widget in (self.data.progress, self.basins.status_bar):
            self.statusBar().addPermanentWidget(widget)
        self.first_layout = self.saveState()  # the docks as a first run lays them out
        finish_accessibility(self)

    def _connect(self) -> None:
        """Every connection between the parts."""
        s, a = self.session, self.acts
        s.changed.connect(self._session_changed)
        self.worker.worker.snapshotReady.connect(self._intake_later)
        self.worker.worker.playingChanged.connect(self._playing_changed)
        self.worker.worker.error.connect(self._worker_error)
        # Snapshots are taken from a (single-shot) timer, not straight from the queued signal: a window slower
        # than the worker would otherwise go from one posted event to the next and starve Qt's timers.
        self._intake = QTimer(self, singleShot=True, interval=1)
        self._intake.timeout.connect(self._snapshot_ready)
        self.critical_search.found.connect(self._critical_found)
        self.basins.shownChanged.connect(self._redraw)
        self.data.surfaceArrived.connect(self._surface_arrived)
        for part in (self.basins, self.restarts, self.data, self.training_view):
            part.statusMessage.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.files.opened.connect(self._opened)
        self.files.error.connect(self._file_error)
        self.surface.pointClicked.connect(self._add_start)
        self.map.pointClicked.connect(self._add_start)
        self.panel.reset_button.clicked.connect(self.reset_runs)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        # the menus and the tool bar
        for name, slot in (
            ("open", self.files.open_dialog), ("save", self.files.save), ("save_as", self.files.save_as),
            ("export_anim", self.export_animation), ("export_image", self.export_image), ("quit", self.close),
            ("step", self.step), ("reset", self.reset_runs), ("clear", s.clear_starts),
            ("restarts", lambda: self.restarts.open_dialog(self)), ("camera", self.scene3d.reset_camera),
            ("shortcuts", a.show_shortcuts), ("about", a.show_about), ("reset_settings", self.reset_to_first_run),
        ):  # fmt: skip
            a[name].triggered.connect(lambda _=None, f=slot: f())
        a["play"].triggered.connect(lambda on: self.play() if on else self.pause())
        for name in VIEW_TOGGLES:
            a[name].triggered.connect(lambda on, n=name: self._set_view(**{n: bool(on)}))
        a["highlight_best"].triggered.connect(lambda on: s.set(highlight_best=bool(on)))
        for kind in GLYPHS:
            a[f"glyph_{kind}"].triggered.connect(lambda on, k=kind: self._toggle_glyph(k, on))
        for name in COLORMAPS:
            a[f"cmap_{name}"].triggered.connect(lambda _=None, n=name: self._set_view(colormap=n))
        for name in THEMES:
            a[f"theme_{name}"].triggered.connect(lambda _=None, n=name: self._set_view(theme=n))
        a["basins"].triggered.connect(self.basins.set_enabled)
        a["inspect"].toggled.connect(self._inspect)
        a["eigen_critical"].toggled.connect(self.inspector.set_at_critical)
        a["presentation"].toggled.connect(
            lambda on: self.presentation.apply(self.presentation.choice if on else 1.0)
        )
        for scale in SCALES:
            a[f"presentation_{round(scale * 100)}"].triggered.connect(
                lambda _=None, v=scale: self._choose_scale(v)
            )
        a["fullscreen"].toggled.connect(lambda on: self.showFullScreen() if on else self.showNormal())
        a["stage"].toggled.connect(self._stage)

    def _start(self, restore: bool) -> None:
        """The session to start on: the last one, the first-run demo, or (no settings) the default.

        The views are built from it by a direct call, not through the ``changed`` signal: an exception in a slot
        is only printed, and a window that failed to draw its first session must fail to build (the app then
        starts it afresh without the saved settings, see :func:`~landscape_gui.gui.app._build_window`)."""
        message = None
        self.session.changed.disconnect(self._session_changed)
        try:
            if self.store is not None and self.store.is_first_run():
                self.files.open_preset(FIRST_RUN_PRESET)
                self.banner.show_message(FIRST_RUN_HINT)
            elif self.store is not None:
                scenario, message = self.store.load()
                self._layout_restored = self.store.restore_layout(self)
                self.banner.hide()  # a banner left open when the window closed has no message now
                if scenario is not None:
                    try:
                        self.session.replace(scenario)
                        self._apply_camera(scenario)
                    except Exception as e:  # noqa: BLE001 - a session that cannot be shown: the default
                        message = (
                            f"previous session's settings ignored: {type(e).__name__}: {e}".splitlines()[0]
                        )
        finally:
            self.session.changed.connect(self._session_changed)
        self._session_changed(differences(None, self.session.scenario))
        if message:
            self.tell(message)
        else:
            self.statusBar().showMessage(STATUS_HINT)

    def tell(self, message: str) -> None:
        """A message about the session (on stderr too: the user may have started the app from a terminal)."""
        self.session_message = message
        print(f"landscape-gui: {message}", file=sys.stderr)
        self.statusBar().showMessage(message, 20000)

    # -- the session → the views --------------------------------------------------------------------------
    def current_scenario(self):
        """The session as it would be saved: with the camera the 3D view shows now."""
        s = self.session.scenario
        try:
            camera = Camera(**self.scene3d.camera())
        except (SettingError, TypeError):
            camera = None  # a camera dragged beyond what a file may hold: the landscape's default
        return replace(s, view=replace(s.view, camera=camera))

    def _session_changed(self, what) -> None:
        if self._shutting_down:
            return
        s, L = self.session.scenario, self.session.landscape
        old, self._shown = self._shown, s
        if "view.theme" in what or old is None:
            self._apply_theme(s.view.theme or self.theme)
        if "landscape" in what or restarts_runs(old, s):
            self._clear_runs()
        if "landscape" in what:
            self._rebuild_landscape(find_critical=True)
            if s.view.camera is None:
                self.scene3d.reset_camera()
        elif what & SURFACE_KEYS:
            self._rebuild_landscape(find_critical=False)
        if what & {"starts", "landscape"}:
            self.scene3d.set_starts(self.session.starts)
            self.map.set_starts(self.session.starts)
        visibility = {"contours": s.view.contours, "markers": s.view.critical_points, "trails": s.view.trails}
        self.scene3d.set_visibility(**visibility)
        self.map.set_visibility(**visibility)
        self.map.set_equal_aspect(s.view.map_equal_aspect)
        self.worker.follow(s, L)
        self.training_view.follow(s)
        self._send_detail()
        self.acts.sync_view(s, self.scene3d.log_height, batch_surface_shown(s, L))
        self.acts["batch_surface"].setEnabled(samples_of(L) > 0)  # a minibatch needs a landscape made of data
        if what & {"title", "description", "landscape"}:
            self.stage.lesson.set_lesson(s.title, s.description)
            self.setWindowTitle(f"{APP_NAME} — {s.title or L.name}")
        if what & {"optimizer_settings", "highlight_best", "basins"} or any(
            k.startswith("view.") for k in what
        ):
            self._redraw()  # what the frame shows depends on the view settings: the presenter decides how

    def _apply_theme(self, name: str) -> None:
        self.theme = name
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # a window runs under a QApplication
        colors = apply_theme(app, name)
        self.scene3d.set_theme(name)
        for w in (
            self.map,
            self.plots.loss_plot,
            self.plots.grad_plot,
            self.plots.lr_plot,
            self.plots.sharp_plot,
            self.data.model_plot,
            self.data.spectrum_plot,
        ):
            style_plot(w, name)
        self.map.set_undefined_style(QColor(colors["plot_fg"]).getRgb()[:3])  # type: ignore[index]  # PySide6 stub: getRgb() is typed object, returns a tuple
        for key in THEMES:
            self.acts[f"theme_{key}"].setChecked(key == name)
        self._redraw()

    def _rebuild_landscape(self, find_critical: bool) -> None:
        """Build the 3D surface and the map of the landscape (a data landscape's surface is computed in the
        background and drawn when it comes); the critical points are searched for again when asked."""
        L = self.session.landscape
        if find_critical:  # before drawing: the landscape before's points are not drawn on this one
            self.critical_search.restart(L)
            self.inspector.set_critical_points([])
        self._draw_landscape(L, self.data.surface(L))
        self.panel.optimizer_panel.set_curvature(global_minimum_curvature(L, self.critical))

    def _draw_landscape(self, L, grid) -> None:
        s = self.session.scenario
        if s.view.log_height is None and grid is not None:  # a data landscape: decided on its first real grid
            log = self.data.auto_log(L, grid)
        else:
            log = log_height(s, L)
        kw = {"colormap": s.view.colormap, "log_height": log, "contours": s.view.contours, "resolution": 200}
        self.scene3d.set_landscape(L, grid=grid, **kw)
        self.map.set_landscape(L, grid=grid, **kw)
        self.surface.critical = []
        self.scene3d.set_starts(self.session.starts)
        self.map.set_starts(self.session.starts)
        self.stage.clear_runs()
        self._show_critical()
        if self.frame is not None:
            self._redraw()

    def _surface_arrived(self, landscape, grid) -> None:
        """A grid computed in the background: rebuild the views with it, then draw what was on them."""
        if landscape is self.session.landscape and not self._shutting_down:
            self._draw_landscape(landscape, grid)

    def _clear_runs(self) -> None:
        """New runs: the views drop the old ones' trails until the first frame of the new ones."""
        self.frame = None
        self.stage.clear_runs()
        self.map.clear_runs()
        self.table.clear_runs()
        if self.scene3d.landscape is self.session.landscape:  # else the new landscape's views get them
            self.scene3d.set_starts(self.session.starts)
            self.map.set_starts(self.session.starts)

    # -- critical points ----------------------------------------------------------------------------------
    @property
    def critical(self) -> list:
        """The critical points of the landscape shown (none until the search found them)."""
        return self.critical_search.points

    def _critical_found(self) -> None:
        if self._shutting_down:
            return
        self.inspector.set_critical_points(self.critical)
        self.panel.optimizer_panel.set_curvature(
            global_minimum_curvature(self.session.landscape, self.critical)
        )
        self._show_critical()
        self._redraw()

    def _show_critical(self) -> None:
        self.surface.set_critical_points(self.critical)
        self.map.set_critical_points(self.critical)
        self.map.set_visibility(markers=self.session.view.critical_points)

    # -- frames -------------------------------------------------------------------------------------------
    def _intake_later(self) -> None:
        self._intake.start()

    def _snapshot_ready(self) -> None:
        snapshot = self.worker.take()
        if snapshot is None or self._shutting_down:
            return
        self._draw(snapshot)
        self.critical_search.frame_drawn()

    def _redraw(self) -> None:
        """The same runs, presented again (a label, the basins, the critical points or the theme changed)."""
        if self.frame is not None and not self._shutting_down:
            self._draw(self.frame.snapshot, slow=True)

    def _draw(self, snapshot, slow: bool = False) -> None:
        s = self.session.scenario
        frame = present(
            snapshot,
            s,
            self.session.landscape,
            critical_points=self.critical,
            basin_map=self.basins.shown,
            compare_map=self.basins.compared,
        )
        self.frame = frame
        self.stage.show_frame(frame, self.theme)
        self.map.show_frame(frame, self.theme)
        self.data.show_frame(frame, self.selected_run())
        self.panel.optimizer_panel.show_lrs(snapshot.lrs)
        now = time.perf_counter()
        if slow or not snapshot.playing or now - self._last_slow > SLOW_PANEL_INTERVAL:
            self._last_slow = now
            self.plots.show_frame(frame)
            self.plots.show_sharpness(
                sharpness_curves(self.sharpness, snapshot, s, self.session.landscape), frame
            )
            self.table.show_frame(frame)

    def settled(self) -> bool:
        """Nothing the frames show is still being computed in the background (critical points, basins, a data
        landscape's surface): what tests and benchmarks wait for."""
        return (
            not self.critical_search.busy
            and not self.basins.computing
            and not self.data.computing
            and not self.training_view.computing
        )

    def selected_run(self) -> int:
        """The run the runs table has selected (the first when none is)."""
        row = self.table.currentRow()
        return row if row >= 0 else 0

    def _selection_changed(self) -> None:
        self._send_detail()
        if self.frame is not None:
            self.data.show_frame(self.frame, self.selected_run())

    def _send_detail(self) -> None:
        s, L = self.session.scenario, self.session.landscape
        detail = Detail(
            glyphs=bool(s.view.glyphs),
            caption_run=self.selected_run() if s.view.step_caption else None,
            batch_surface=BATCH_SURFACE_RESOLUTION if batch_surface_shown(s, L) else 0,
        )
        if detail != getattr(self, "_detail", None):
            self._detail = detail
            self.worker.detailRequested.emit(detail)

    @Slot(str)
    def _worker_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _playing_changed(self, playing: bool) -> None:
        self.acts["play"].setChecked(playing)
        self.acts["play"].setText("Pause" if playing else "Play")

    # -- commands -----------------------------------------------------------------------------------------
    def _set_view(self, **changes) -> None:
        try:
            self.session.set_view(**changes)
        except ValueError as e:
            self.statusBar().showMessage(str(e), 8000)

    def _toggle_glyph(self, kind: str, on: bool) -> None:
        shown = self.session.view.glyphs
        self._set_view(glyphs=tuple(k for k in GLYPHS if (k == kind and on) or (k != kind and k in shown)))

    def _training_shown(self) -> None:
        """The trained network's dock: a tab beside the runs table, half the window's height."""
        dock = self.training_view.dock
        if dock not in self.tabifiedDockWidgets(self.docks["runs"]):
            self.tabifyDockWidget(self.docks["runs"], dock)
        dock.raise_()
        self.resizeDocks([dock], [round(0.5 * self.height())], Qt.Orientation.Vertical)

    def _inspect(self, on: bool) -> None:
        self.inspector.set_enabled(on)
        if on:
            self.inspector.dock.show()
            self.inspector.dock.raise_()

    def _stage(self, on: bool) -> None:
        self.stage_layout.set(on)
        self.acts.toolbars[1].setVisible(not on)  # the view's toggles: in the View menu (and their keys)

    def _choose_scale(self, scale: float) -> None:
        self.presentation.choice = scale
        self.presentation.apply(scale)
        self.acts["presentation"].blockSignals(True)
        self.acts["presentation"].setChecked(True)
        self.acts["presentation"].blockSignals(False)

    def _add_start(self, point) -> None:
        try:
            self.session.add_start(point)
        except ValueError as e:
            self.statusBar().showMessage(str(e), 5000)

    def _opened(self, scenario) -> None:
        """A file or preset opened: its camera, and the instruments it does not use put away."""
        self._apply_camera(scenario)
        if scenario.basins is None:
            self.basins.dock.hide()
        if scenario.restarts is None:
            self.restarts.dock.hide()
        if self.stage_layout.on:  # its docks stay folded: the room keeps the 3D view
            self.stage_layout.fold()

    def _apply_camera(self, scenario) -> None:
        if scenario.view.camera is not None:
            self.scene3d.set_camera(scenario.view.camera.as_dict())
        else:
            self.scene3d.reset_camera()

    def _file_error(self, title: str, message: str) -> None:
        if self.isVisible():
            QMessageBox.warning(self, title, message)
        else:  # the command line's file, before the window is up: on the banner
            self.banner.show_message(f"{title}: {message}", "error")
            self.statusBar().showMessage(message)

    def play(self) -> None:
        self.acts["play"].setChecked(True)
        self.worker.playRequested.emit()

    def pause(self) -> None:
        self.acts["play"].setChecked(False)
        self.worker.pauseRequested.emit()

    def step(self, n: int = 1) -> None:
        self.worker.stepRequested.emit(int(n))

    def reset_runs(self) -> None:
        self.worker.resetRequested.emit()

    def export_animation(self) -> None:
        folder = self.files.path.parent if self.files.path else None
        dialog = ExportDialog(
            self.current_scenario(),
            self,
            folder=folder,
            landscape=self.session.landscape,
            trained=self.training_view.trained_for,
        )
        dialog.failed.connect(lambda m: self.statusBar().showMessage(f"Export failed: {m}", 20000))
        dialog.exec()

    def export_image(self) -> None:
        step = self.frame.step if self.frame is not None else None
        ImageDialog(self.current_scenario(), self, step=step, view_size=self.surface.size()).exec()

    def reset_to_first_run(self, *, confirm: bool = True) -> bool:
        """Help → Reset to first-run state: forget every saved setting and reopen the first-run demo."""
        if confirm:
            answer = QMessageBox.question(
                self,
                "Reset to first-run state",
                "Forget the saved window layout, last session and recent scenarios, and open the first-run demo?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        if self.store is not None:
            self.store.forget()
        self.files.refresh_recent()
        self.restoreState(self.first_layout)
        for key in ("controls", "map", "plots", "runs"):
            self.docks[key].show()
        ok = self.files.open_preset(FIRST_RUN_PRESET)
        self.banner.show_message(FIRST_RUN_HINT)
        return ok

    def showEvent(self, event) -> None:
        """The window never grows past its screen (docks with tall contents used to push it to 1229×825 on a
        1366×768 screen); they share what the screen has instead."""
        screen = self.screen()
        if screen is not None:
            self.setMaximumSize(screen.availableGeometry().size())
        if not self._docks_sized and not self._layout_restored:
            self._docks_sized = True
            size_docks(self)
        super().showEvent(event)

    # -- closing ------------------------------------------------------------------------------------------
    @property
    def closing(self) -> bool:
        """The window is closing (or closed): it draws nothing more."""
        return self._shutting_down

    def save_session(self) -> None:
        if self.store is not None:
            self.store.save(self.current_scenario(), self)

    def closeEvent(self, event) -> None:
        if not self._shutting_down:
            self._shutting_down = True
            self.save_session()
        self._shutdown_parts()
        super().closeEvent(event)

    def _shutdown_parts(self) -> None:
        """Stop the worker and every job; nothing here waits for a computation (see gui/jobs.py)."""
        self._shutting_down = True
        parts = {name: getattr(self, name, None) for name in
                 ("_intake", "worker", "critical_search", "basins", "restarts", "data", "panel", "training_view")}  # fmt: skip
        for name, part in parts.items():
            if part is None:
                continue  # a window that failed half-way through being built
            if name.startswith("_"):
                part.stop()
            elif name == "panel":
                part.formula_job.shutdown()
            else:
                part.shutdown()
        if getattr(self, "presentation", None) is not None:
            self.presentation.release()
