"""The main window: 3D surface in the centre, linked map, control panel, plots and runs table in docks.

State lives in :class:`~landscape_gui.gui.controller.Controller` (``window.controller``); the views subscribe
to it. Runs are stepped by the worker thread; the window takes the newest frame from the mailbox and draws it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QVBoxLayout, QWidget

from landscape_gui.drawing.map_view import MapView
from landscape_gui.drawing.palette import CRITICAL_STYLE, optimizer_color, optimizer_color_f
from landscape_gui.drawing.plots import PlotsPanel
from landscape_gui.drawing.scene import auto_log_height
from landscape_gui.drawing.surface_view import SurfaceView, ViewLegend
from landscape_gui.drawing.theme import apply_theme, style_plot
from landscape_gui.gui import (
    accessibility,
    actions,
    analysis,
    data_views,
    presentation,
    scenario_actions,
    session,
    teaching,
)
from landscape_gui.gui.control_panel import ControlPanel
from landscape_gui.gui.controller import Controller, landscape_key
from landscape_gui.gui.labels import optimizer_labels
from landscape_gui.gui.lesson_panel import LessonPanel
from landscape_gui.gui.runs_table import RunsTable
from landscape_gui.gui.settings import open_settings
from landscape_gui.gui.worker import WorkerHandle

APP_NAME = "Landscape GUI"
# Seconds between plot/table refreshes while playing; the views update every frame. A refresh of the
# plots and the table costs ~50 ms in software GL, so more often would halve the frame rate.
SLOW_PANEL_INTERVAL = 0.5


class _CriticalFinder(QObject):
    """critical_points() off the GUI thread (it may take seconds); the newest request wins."""

    found = Signal(int, object)

    def __init__(self):
        super().__init__()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="critical")
        self.generation = 0
        #: A core ``SurfaceProcess`` searching the data landscapes in a child process (their search costs
        #: seconds of interpreter time that would stall the window's painting); None: all in this process.
        self.process = None

    def request(self, landscape) -> None:
        self.generation += 1
        gen = self.generation

        def work():
            from landscape_gui.core.analysis.critical import critical_points, remember_critical_points
            from landscape_gui.core.data.surface_process import can_compute

            try:
                if self.process is not None and self.process.available and can_compute(landscape.id):
                    try:
                        points = self.process.critical_points(landscape.id, landscape.domain)
                        remember_critical_points(landscape, points)  # the runs' statuses use them too
                        return points
                    except RuntimeError:
                        pass  # no child: searched here
                return critical_points(landscape)
            except Exception:  # noqa: BLE001 - no markers rather than a crash
                return []

        self.pool.submit(work).add_done_callback(lambda f: self.found.emit(gen, f.result()))


#: Cyclic garbage is collected on a timer in the GUI thread, never by the interpreter on whichever thread
#: happens to allocate (the simulation worker, the basins and restarts pools, the encoder): a window, dialog
#: or plot freed there destroys Qt widgets off the GUI thread, which deadlocks against it (seen as a hang).
_COLLECTOR: GarbageCollector | None = None


class MainWindow(QMainWindow):
    def __init__(self, *, restore_settings: bool = True, parent=None):
        global _COLLECTOR
        super().__init__(parent)
        if _COLLECTOR is None:
            _COLLECTOR = GarbageCollector(interval=1.0)
        try:
            self._build(restore_settings)
        except BaseException:
            self._abandon()  # a half-built window must not leave its threads running (abort at exit)
            raise

    def _abandon(self) -> None:
        self._shutting_down = True
        for part in ("worker", "panel"):
            obj = getattr(self, part, None)
            if obj is not None:
                (obj.shutdown if part == "worker" else obj.checker.shutdown)()
        if getattr(self, "critical", None) is not None:
            self.critical.pool.shutdown(wait=False, cancel_futures=True)

    def _build(self, restore_settings: bool) -> None:
        self.setObjectName("MainWindow")
        self.controller = Controller(self)
        self.settings = open_settings() if restore_settings else None
        self.theme = apply_theme(QApplication.instance(), "dark")
        self.frame = None  # newest frame drawn
        self._n_starts = 0
        self._colors: list = []
        self._last_slow = 0.0
        self._shutting_down = False

        self.surface = SurfaceView()
        self.scene3d = self.surface.scene3d
        self.lesson = LessonPanel()  # the open scenario's title and description, above the 3D view
        self._lesson_key = None
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.lesson)
        column.addWidget(self.surface, 1)
        self.setCentralWidget(central)
        self.legend3d = ViewLegend(self.surface)
        self.map = MapView()
        self.panel = ControlPanel(self.controller)
        self.plots = PlotsPanel()
        self.table = RunsTable()
        self.docks = {}
        for key, title, widget, area in (
            ("controls", "Controls", self.panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            ("map", "Map", self.map, Qt.DockWidgetArea.RightDockWidgetArea),
            ("plots", "Loss and gradient norm", self.plots, Qt.DockWidgetArea.RightDockWidgetArea),
            ("runs", "Runs", self.table, Qt.DockWidgetArea.BottomDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        # the controls take the whole height at the left (the runs table stays under the views): landscape,
        # optimizers and hyperparameters then fit 1280×720 without scrolling
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        # first launch (saved geometry, if any, is restored later): most of the screen, so the docks have room
        screen = QApplication.primaryScreen()
        if screen is not None:
            avail = screen.availableGeometry()
            self.resize(min(1600, int(avail.width() * 0.9)), min(1000, int(avail.height() * 0.9)))
        self.panel.setMinimumWidth(290)  # the controls stay readable however small the window
        self.resizeDocks([self.docks["controls"]], [330], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["map"]], [420], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["runs"]], [150], Qt.Orientation.Vertical)

        self.worker = WorkerHandle(self)
        # Frames are taken from a (single-shot) timer, not straight from the queued signal: a window slower
        # than the worker would otherwise go from one posted event to the next and starve Qt's timers.
        self._intake = QTimer(self, singleShot=True, interval=1)
        self._intake.timeout.connect(self._frame_ready)
        self.worker.worker.frameReady.connect(self._intake.start)
        self.worker.worker.playingChanged.connect(self._playing_changed)
        self.worker.worker.error.connect(self._worker_error)  # a slot of this (GUI-thread) object: queued
        self.critical = _CriticalFinder()
        self.critical.found.connect(self._critical_found)
        # The search for critical points starts once the landscape's first frame is drawn, so that it does not
        # compete with building and showing the window for the interpreter (it may take a few tenths of a
        # second); the timer starts it anyway when no frame comes (runs that cannot start).
        self._critical_pending = None
        self._critical_timer = QTimer(self, singleShot=True, interval=1000)
        self._critical_timer.timeout.connect(self._request_critical)
        self.actions = actions.install(self)
        view_menu = next(a.menu() for a in self.menuBar().actions() if a.text() == "&View")
        presentation.install(self, view_menu)
        scenario_actions.install(self)  # File: open/save/recent/export, Lecture presets, drag-and-drop
        session.install(self)  # the message banner, Help → Reset to first-run state
        teaching.install(self)  # View: glyphs on the balls, step captions; the lr in force and its curve
        data_views.install(self)  # model dock, surfaces computed in the background, minibatch surface
        analysis.install(self)  # basins of attraction, random restarts, Hessian inspector
        # last: tooltips on every dock's title buttons (the docks above included), accessible names
        accessibility.install(self)
        self._critical_shown = []  # the critical points drawn (drawn again when the surface is rebuilt)
        self._colors_f: list = []

        c = self.controller
        c.landscapeChanged.connect(lambda *_: self._rebuild_landscape())
        c.landscapeChanged.connect(self._lesson_still_true)
        c.startsChanged.connect(lambda *_: self._restart_runs())
        c.optimizersChanged.connect(self._restart_runs)
        c.seedChanged.connect(lambda *_: self._restart_runs())
        c.hyperparametersChanged.connect(self.worker.hyperparametersRequested)
        c.hyperparametersChanged.connect(lambda *_: self._update_legends())  # the legend shows the new lr
        c.scheduleChanged.connect(self.worker.scheduleRequested)
        c.scheduleChanged.connect(self.teaching.schedule_changed)
        c.noiseChanged.connect(self.worker.noiseRequested)
        c.speedChanged.connect(self.worker.speedRequested)
        c.maxStepsChanged.connect(self.worker.maxStepsRequested)
        c.viewChanged.connect(self._view_changed)
        self.surface.pointClicked.connect(self._add_start)
        self.map.pointClicked.connect(self._add_start)
        self.panel.reset_hint.clicked.connect(self.reset_runs)

        try:
            session.start(self)  # the last session, or the first-run demo
            self._applied_view = None
            self._view_changed(c.view)
            self._rebuild_landscape()
        except Exception as e:  # noqa: BLE001 - the saved session cannot be shown: start from defaults
            actions.discard_session(self, e)
            self._applied_view = None
            self._view_changed(c.view)
            self._rebuild_landscape()
        self.worker.speedRequested.emit(c.speed)
        self.worker.maxStepsRequested.emit(c.max_steps)
        if getattr(self, "session_message", None) is None:
            self.statusBar().showMessage(
                "Space: play/pause · →: step · R: reset · click the surface or map to add a start"
            )

    # -- state → views ------------------------------------------------------------------------------------
    def _log_height(self, grid=None) -> bool:
        setting = self.controller.view.get("log_height", "auto")
        if setting != "auto":
            return bool(setting)
        L = self.controller.landscape
        return auto_log_height(L) if grid is None else self.data_views.auto_log(L, grid)

    def _draw_landscape(self, L, grid) -> None:
        """Build the 3D surface and the map of ``L`` from ``grid`` (None: they compute it)."""
        view = self.controller.view
        log = self._log_height(grid)
        kw = {
            "colormap": view["colormap"],
            "log_height": log,
            "contours": view["contours"],
            "resolution": 200,
            "grid": grid,
        }
        self.scene3d.set_landscape(L, **kw)
        self.map.set_landscape(L, **kw)
        self.surface.critical = []
        self.actions["log_height"].blockSignals(True)  # showing the automatic choice is not the user's toggle
        self.actions["log_height"].setChecked(log)
        self.actions["log_height"].blockSignals(False)
        self._update_title()

    def surface_arrived(self, landscape, grid) -> None:
        """A grid computed in the background: rebuild the views with it, then draw what was on them."""
        c = self.controller
        if landscape is not c.landscape or self._shutting_down:
            return
        self._draw_landscape(landscape, grid)
        self.scene3d.set_starts(c.starts)
        self.map.set_starts(c.starts)
        self.scene3d.set_runs(self._colors_f, [], np.zeros((0, landscape.dim)))
        self.map.set_runs(self._colors, [], np.zeros((0, landscape.dim)))
        self.map.set_visibility(trails=c.view["trails"])
        if self._critical_shown:
            self._critical_found(self.critical.generation, self._critical_shown)
        if self.frame is not None:
            best = self._best_run(self.frame)
            f = self.frame
            self.scene3d.update_runs(f.paths, f.positions, f.path_values, f.values, best)
            self.map.update_runs(f.paths, f.positions, f.path_values, f.values, best)
        self.data_views.landscape_redrawn()

    def _rebuild_landscape(self) -> None:
        """Landscape, domain, colormap or log mode changed: build the surface and map once (a data
        landscape's surface is computed in the background and drawn when it comes)."""
        L = self.controller.landscape
        self._critical_shown = []
        self._draw_landscape(L, self.data_views.surface(L))
        self.critical.generation += 1  # markers still being searched for the previous landscape are stale
        self._critical_pending = L
        self._critical_timer.start()
        self._restart_runs()

    def _request_critical(self) -> None:
        if self._critical_pending is None or self._shutting_down:
            return
        landscape, self._critical_pending = self._critical_pending, None
        self._critical_timer.stop()
        self.critical.request(landscape)

    def _critical_found(self, gen: int, points) -> None:
        if gen != self.critical.generation or self._shutting_down:
            return
        self._critical_shown = points
        self.surface.set_critical_points(points)
        self.map.set_critical_points(points)
        self.map.set_visibility(markers=self.controller.view["markers"])
        self._update_legends()

    def _restart_runs(self) -> None:
        c = self.controller
        self._n_starts = len(c.starts)
        self._colors = [optimizer_color(g) for g, _ in enumerate(c.optimizers) for _ in range(self._n_starts)]
        colors_f = [optimizer_color_f(g) for g, _ in enumerate(c.optimizers) for _ in range(self._n_starts)]
        self._colors_f = colors_f
        empty = np.zeros((0, c.landscape.dim))
        self.scene3d.set_starts(c.starts)
        self.map.set_starts(c.starts)
        self.scene3d.set_runs(colors_f, [], empty)
        self.map.set_runs(self._colors, [], empty)
        self.map.set_visibility(trails=c.view["trails"])
        self.plots.set_runs(self._colors, self._n_starts)
        self.table.set_colors(self._colors)
        self.table.setRowCount(0)
        self.frame = None
        self.teaching.restart()
        self._update_legends()
        self.worker.configureRequested.emit(c.simulation_spec())

    def _view_changed(self, view: dict) -> None:
        prev = self._applied_view or {}
        self._applied_view = dict(view)
        if prev and (self.scene3d.colormap, self.scene3d.log_height) != (
            view["colormap"],
            self._log_height(),
        ):
            self._rebuild_landscape()  # compared with what is drawn: "auto" → the same choice costs nothing
        vis = {k: view[k] for k in ("contours", "markers", "trails")}
        self.scene3d.set_visibility(**vis)
        self.map.set_visibility(**vis)
        if prev.get("theme") != view["theme"]:
            self.theme = apply_theme(QApplication.instance(), view["theme"])
            self.scene3d.set_theme(view["theme"])
            for w in (self.map, self.plots.loss_plot, self.plots.grad_plot, self.plots.lr_plot):
                style_plot(w, view["theme"])
            self.map.set_undefined_style(QColor(self.theme["plot_fg"]).getRgb()[:3])
            self._update_legends()
            if self.frame is not None:  # text colours are made readable on the new background
                self.table.update_runs(self.frame.runs, self._best_run(self.frame))
        actions.sync_view_actions(self)
        self.teaching.view_changed(view)

    def _update_legends(self) -> None:
        c = self.controller
        runs = self.frame.runs if self.frame is not None else []
        entries, html = [], []
        labels = optimizer_labels(
            c.optimizers, getattr(getattr(self, "scenario_actions", None), "base", None)
        )
        for g, text in enumerate(labels):
            diverged = sum(1 for r in runs if r.group == g and r.status == "diverged")
            left = sum(1 for r in runs if r.group == g and r.outside and r.status != "diverged")
            schedule = c.schedules[g] if g < len(c.schedules) else None
            if (
                schedule is not None
                and not schedule.is_constant
                and text.endswith(")")
                and schedule.id not in text
            ):
                text = text[:-1] + f", {schedule.id} schedule)"
            text += f" — {diverged} diverged" if diverged else ""
            text += f" — {left} left the domain" if left else ""
            entries.append((optimizer_color(g), text))
            r, gg, b, _ = optimizer_color(g)
            html.append(f"<span style='color:rgb({r},{gg},{b})'>●</span> {text}")
        self.map.set_optimizer_legend(entries)
        crit = []
        for key, (color, _, label) in CRITICAL_STYLE.items():
            if c.view["markers"] and any(m.opts.get("name") == label for m in self.map.markers):
                sym = "★" if key == "global" else "●"
                crit.append(f"<span style='color:rgb({color[0]},{color[1]},{color[2]})'>{sym}</span> {label}")
        body = "<br>".join(html) + ("<br>" + " &nbsp;".join(crit) if crit else "")
        glyphs = self.teaching.legend_html()
        body += ("<br>" + glyphs) if glyphs else ""
        self.legend3d.show_legend(body, self.controller.view["theme"])

    # -- frames -------------------------------------------------------------------------------------------
    def _frame_ready(self) -> None:
        frame = self.worker.mailbox.take()
        if frame is None or self._shutting_down:
            return
        if len(frame.positions) != len(self._colors):
            return  # a frame of the previous configuration
        self.frame = frame
        best = self._best_run(frame)
        self.scene3d.update_runs(frame.paths, frame.positions, frame.path_values, frame.values, best)
        self.map.update_runs(frame.paths, frame.positions, frame.path_values, frame.values, best)
        self.data_views.frame_drawn(frame)
        now = time.perf_counter()
        slow = not frame.playing or now - self._last_slow > SLOW_PANEL_INTERVAL
        self.teaching.frame(frame, slow)
        if slow:
            self._last_slow = now
            diverged = [r.status == "diverged" for r in frame.runs]
            self.plots.update_runs(frame.history_steps, frame.path_values, frame.history_grad, diverged)
            marks_before = getattr(self, "_marks", (0, 0))
            self._marks = (sum(diverged), sum(r.outside for r in frame.runs))
            self.table.update_runs(frame.runs, best)
            if self._marks != marks_before:
                self._update_legends()
        if self._critical_pending is not None:
            QTimer.singleShot(0, self._request_critical)  # after this frame is painted

    # -- lesson and title ---------------------------------------------------------------------------------
    def set_lesson(self, title: str, description: str) -> None:
        """Show a scenario's title (window title) and description (the lesson banner)."""
        self.lesson.set_lesson(title, description)
        self._lesson_key = landscape_key(self.controller.landscape) if title or description else None
        self._update_title()

    def _lesson_still_true(self, landscape) -> None:
        """Another landscape: the scenario's lesson no longer describes the screen."""
        if self._lesson_key is not None and landscape_key(landscape) != self._lesson_key:
            self.set_lesson("", "")

    def _update_title(self) -> None:
        title = self.lesson.title.text() if self._lesson_key is not None else ""
        self.setWindowTitle(f"{APP_NAME} — {title or self.controller.landscape.name}")

    def _best_run(self, frame) -> int | None:
        """Index of the run with the lowest loss (diverged runs excluded), when the view highlights it."""
        if not self.controller.view.get("highlight_best") or len(frame.values) < 2:
            return None
        values = np.asarray(frame.values, dtype=np.float64)
        if len(frame.runs) == len(values):
            values = np.where([r.status != "diverged" for r in frame.runs], values, np.inf)
        losses = np.where(np.isfinite(values), values, np.inf)
        return int(np.argmin(losses)) if np.isfinite(losses).any() else None

    @Slot(str)
    def _worker_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _playing_changed(self, playing: bool) -> None:
        self.actions["play"].setChecked(playing)
        self.actions["play"].setText("Pause" if playing else "Play")

    # -- commands -----------------------------------------------------------------------------------------
    def _add_start(self, point) -> None:
        try:
            self.controller.add_start(point)
        except ValueError as e:
            self.statusBar().showMessage(str(e), 5000)

    def toggle_play(self) -> None:
        if self.actions["play"].isChecked():
            self.worker.playRequested.emit()
        else:
            self.worker.pauseRequested.emit()

    def play(self) -> None:
        self.actions["play"].setChecked(True)
        self.worker.playRequested.emit()

    def pause(self) -> None:
        self.actions["play"].setChecked(False)
        self.worker.pauseRequested.emit()

    def step(self) -> None:
        self.worker.stepRequested.emit()

    def reset_runs(self) -> None:
        self.worker.resetRequested.emit()

    def closeEvent(self, event) -> None:
        self._shutting_down = True
        self._critical_timer.stop()
        if self.settings is not None:
            actions.save_state(self)
        self.worker.shutdown()
        self.data_views.shutdown()
        self.analysis.shutdown()
        self.panel.checker.shutdown()
        if self.critical.process is not None:
            self.critical.process.close()  # ends a search in flight too
        # wait for a search in flight (its deadline bounds it): one that outlived the window would drop the
        # last reference to the window's objects on the pool's thread, and Qt widgets destroyed off the GUI
        # thread deadlock against the GUI thread (seen as a hang in a later test)
        self.critical.pool.shutdown(wait=True, cancel_futures=True)
        super().closeEvent(event)
