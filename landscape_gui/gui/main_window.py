"""The main window: 3D surface in the centre, linked map, control panel, plots and runs table in docks.

State lives in :class:`~landscape_gui.gui.controller.Controller` (``window.controller``); the views subscribe
to it. Runs are stepped by the worker thread; the window takes the newest frame from the mailbox and draws it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow

from landscape_gui.core.optimizers import get_optimizer
from landscape_gui.drawing.map_view import MapView
from landscape_gui.drawing.palette import CRITICAL_STYLE, optimizer_color, optimizer_color_f
from landscape_gui.drawing.plots import PlotsPanel
from landscape_gui.drawing.scene import auto_log_height
from landscape_gui.drawing.surface_view import SurfaceView, ViewLegend
from landscape_gui.drawing.theme import apply_theme, style_plot
from landscape_gui.gui import actions, scenario_actions
from landscape_gui.gui.control_panel import ControlPanel
from landscape_gui.gui.controller import Controller
from landscape_gui.gui.runs_table import RunsTable
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

    def request(self, landscape) -> None:
        self.generation += 1
        gen = self.generation

        def work():
            from landscape_gui.core.critical import critical_points

            try:
                return critical_points(landscape)
            except Exception:  # noqa: BLE001 - no markers rather than a crash
                return []

        self.pool.submit(work).add_done_callback(lambda f: self.found.emit(gen, f.result()))


class MainWindow(QMainWindow):
    def __init__(self, *, restore_settings: bool = True, parent=None):
        super().__init__(parent)
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
        self.settings = QSettings("landscape-gui", "landscape-gui") if restore_settings else None
        self.theme = apply_theme(QApplication.instance(), "dark")
        self.frame = None  # newest frame drawn
        self._n_starts = 0
        self._colors: list = []
        self._last_slow = 0.0
        self._shutting_down = False

        self.surface = SurfaceView()
        self.scene3d = self.surface.scene3d
        self.setCentralWidget(self.surface)
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
        scenario_actions.install(self)  # File: open/save/recent/export, Lecture presets, drag-and-drop

        c = self.controller
        c.landscapeChanged.connect(lambda *_: self._rebuild_landscape())
        c.startsChanged.connect(lambda *_: self._restart_runs())
        c.optimizersChanged.connect(self._restart_runs)
        c.seedChanged.connect(lambda *_: self._restart_runs())
        c.hyperparametersChanged.connect(self.worker.hyperparametersRequested)
        c.noiseChanged.connect(self.worker.noiseRequested)
        c.speedChanged.connect(self.worker.speedRequested)
        c.maxStepsChanged.connect(self.worker.maxStepsRequested)
        c.viewChanged.connect(self._view_changed)
        self.surface.pointClicked.connect(self._add_start)
        self.map.pointClicked.connect(self._add_start)
        self.panel.reset_hint.clicked.connect(self.reset_runs)

        try:
            if self.settings is not None:
                actions.restore_state(self)
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
    def _log_height(self) -> bool:
        setting = self.controller.view.get("log_height", "auto")
        return auto_log_height(self.controller.landscape) if setting == "auto" else bool(setting)

    def _rebuild_landscape(self) -> None:
        """Landscape, domain, colormap or log mode changed: build the surface and map once."""
        L, view = self.controller.landscape, self.controller.view
        log = self._log_height()
        kw = {
            "colormap": view["colormap"],
            "log_height": log,
            "contours": view["contours"],
            "resolution": 200,
        }
        self.scene3d.set_landscape(L, **kw)
        self.map.set_landscape(L, **kw)
        self.surface.critical = []
        self.actions["log_height"].setChecked(log)
        self.setWindowTitle(f"{APP_NAME} — {L.name}")
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
        self.surface.set_critical_points(points)
        self.map.set_critical_points(points)
        self.map.set_visibility(markers=self.controller.view["markers"])
        self._update_legends()

    def _restart_runs(self) -> None:
        c = self.controller
        self._n_starts = len(c.starts)
        self._colors = [optimizer_color(g) for g, _ in enumerate(c.optimizers) for _ in range(self._n_starts)]
        colors_f = [optimizer_color_f(g) for g, _ in enumerate(c.optimizers) for _ in range(self._n_starts)]
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
        self._update_legends()
        self.worker.configureRequested.emit(c.simulation_spec())

    def _view_changed(self, view: dict) -> None:
        prev = self._applied_view or {}
        self._applied_view = dict(view)
        if prev and (prev.get("colormap"), prev.get("log_height")) != (view["colormap"], view["log_height"]):
            self._rebuild_landscape()
        vis = {k: view[k] for k in ("contours", "markers", "trails")}
        self.scene3d.set_visibility(**vis)
        self.map.set_visibility(**vis)
        if prev.get("theme") != view["theme"]:
            self.theme = apply_theme(QApplication.instance(), view["theme"])
            self.scene3d.set_theme(view["theme"])
            for w in (self.map, self.plots.loss_plot, self.plots.grad_plot):
                style_plot(w, view["theme"])
            self._update_legends()
        actions.sync_view_actions(self)

    def _update_legends(self) -> None:
        c = self.controller
        runs = self.frame.runs if self.frame is not None else []
        entries, html = [], []
        for g, (oid, hp) in enumerate(c.optimizers):
            diverged = sum(1 for r in runs if r.group == g and r.status == "diverged")
            text = (
                f"{get_optimizer(oid).name} (lr {hp.get('lr', 0):.3g})"
                if "lr" in hp
                else get_optimizer(oid).name
            )
            text += f" — {diverged} diverged" if diverged else ""
            entries.append((optimizer_color(g), text))
            r, gg, b, _ = optimizer_color(g)
            html.append(f"<span style='color:rgb({r},{gg},{b})'>●</span> {text}")
        self.map.set_optimizer_legend(entries)
        crit = []
        for key, (color, _, label) in CRITICAL_STYLE.items():
            if any(m.opts.get("name") == label for m in self.map.markers):
                sym = "★" if key == "global" else "●"
                crit.append(f"<span style='color:rgb({color[0]},{color[1]},{color[2]})'>{sym}</span> {label}")
        body = "<br>".join(html) + ("<br>" + " &nbsp;".join(crit) if crit else "")
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
        now = time.perf_counter()
        if not frame.playing or now - self._last_slow > SLOW_PANEL_INTERVAL:
            self._last_slow = now
            self.plots.update_runs(frame.history_steps, frame.path_values, frame.history_grad)
            diverged_before = getattr(self, "_diverged", 0)
            self._diverged = sum(r.status == "diverged" for r in frame.runs)
            self.table.update_runs(frame.runs, best)
            if self._diverged != diverged_before:
                self._update_legends()
        if self._critical_pending is not None:
            QTimer.singleShot(0, self._request_critical)  # after this frame is painted

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
        self.panel.checker.shutdown()
        self.critical.pool.shutdown(wait=False, cancel_futures=True)
        super().closeEvent(event)
