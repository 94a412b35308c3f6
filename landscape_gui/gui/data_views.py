"""What the window adds for landscapes made of data: the model dock, the surface computed in the background,
the minibatch's own loss drawn faintly, and the batch size sent to the runs.

``install(win)`` (after the window's worker, docks and actions exist) gives ``win.data_views``:

- **Model dock** (:class:`~landscape_gui.drawing.model_plot.ModelPlot`): the samples and the model of the
  selected run's current parameters (the first run when none is selected in the runs table), redrawn with
  the frames drawn (so at most once per frame, and only when the parameters or the batch changed). Shown
  when a data landscape is chosen, hidden on formula landscapes.
- **Background surface**: :meth:`DataViews.surface` gives the grid the 3D view and the map are built from: for
  a formula landscape None (the views compute it, it is fast); for a data landscape the grid already computed,
  or a flat placeholder while :class:`~landscape_gui.gui.surface_worker.SurfaceComputer` computes a coarse
  then the full 200 × 200 grid in its thread, with a progress bar in the status bar. Each grid that arrives
  rebuilds the views (``win.surface_arrived``).
- **Minibatch surface** (View → Minibatch loss surface; "auto": on whenever the batch is smaller than the
  data): the worker puts the loss of the current minibatch on a coarse grid in each frame, drawn as a
  translucent sheet in 3D and dotted contours on the map.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QProgressBar

from landscape_gui.core.data.surface_process import SurfaceProcess
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.drawing.batch_surface import BatchContours, BatchSheet
from landscape_gui.drawing.model_plot import ModelPlot
from landscape_gui.drawing.scene import auto_log_height
from landscape_gui.drawing.theme import style_plot
from landscape_gui.gui.controller import batch_surface_shown, samples_of
from landscape_gui.gui.surface_worker import COARSE, SurfaceComputer

SURFACE_RESOLUTION = 200  # as the formula landscapes' surfaces
#: Grid of the minibatch surface: 40 × 40 = 1 600 points (mlp_slice, batch of 10: ~8 ms per frame).
BATCH_SURFACE_RESOLUTION = 40


class DataViews(QObject):
    """See the module docstring."""

    def __init__(self, win):
        super().__init__(win)
        self.win = win
        c = win.controller
        self.model_plot = ModelPlot()
        dock = QDockWidget("Model", win)
        dock.setObjectName("dock_model")
        dock.setWidget(self.model_plot)
        dock.setToolTip("The data and the model of the selected run's current parameters")
        win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        win.splitDockWidget(win.docks["map"], dock, Qt.Orientation.Horizontal)  # parameters | model
        win.docks["model"] = dock
        win.resizeDocks([win.docks["map"], dock], [260, 260], Qt.Orientation.Horizontal)
        self.dock = dock
        self.sheet = BatchSheet(win.scene3d)
        self.contours = BatchContours(win.map)
        self.surfaces = SurfaceComputer(self)
        win.critical.process = SurfaceProcess()  # its own child: a search cannot be interrupted
        self.surfaces.ready.connect(self._surface_ready)
        self.surfaces.progress.connect(self._surface_progress)
        self.surfaces.failed.connect(self._surface_failed)
        self._grids: dict[int, tuple] = {}  # id(landscape) → (landscape, resolution, grid): the best so far
        self._log: dict[int, bool] = {}  # id(landscape) → automatic log-height decision (first real grid)
        self._pending = None  # (generation, landscape) being computed
        self.progress = QProgressBar()
        self.progress.setFixedWidth(380)  # a size that never changes: no relayout of the window per update
        self.progress.setTextVisible(True)
        self.progress.hide()
        win.statusBar().addPermanentWidget(self.progress)
        self.batch_action = QAction("Minibatch loss surface", win, checkable=True)
        self.batch_action.setToolTip(
            "Draw the loss of the current minibatch faintly with the full-data surface: the surface the "
            "optimizer actually feels, which jumps from step to step (on by default with minibatches)"
        )
        self.batch_action.toggled.connect(lambda on: c.set_view(batch_surface=bool(on)))
        self._add_to_view_menu()
        self._shown_batch = False
        c.batchSizeChanged.connect(win.worker.batchSizeRequested)
        c.batchSizeChanged.connect(lambda *_: self.sync_batch_surface())
        c.viewChanged.connect(self._view_changed)
        win.table.itemSelectionChanged.connect(lambda: self.frame_drawn(win.frame))
        self._view_changed(c.view)

    def _add_to_view_menu(self) -> None:
        for a in self.win.menuBar().actions():
            if a.menu() is not None and a.text().replace("&", "") == "View":
                menu = a.menu()
                docks = [d.toggleViewAction() for d in self.win.docks.values()]
                before = next((x for x in menu.actions() if x in docks), None)
                menu.insertAction(before, self.batch_action)
                menu.insertAction(before, self.dock.toggleViewAction())
                return

    # -- landscape and surface ----------------------------------------------------------------------------
    def _landscape_changed(self, landscape) -> None:
        if landscape is self.model_plot.landscape:
            return
        is_data = samples_of(landscape) > 0
        was = self.model_plot.landscape is not None
        self.model_plot.set_landscape(landscape)
        if not is_data:
            self.dock.hide()
        elif not was:
            self.dock.show()
        self.batch_action.setEnabled(is_data)
        self.sync_batch_surface()

    def surface(self, landscape):
        """The grid to build the views from now (see the module docstring); starts the computation.
        Called by the window whenever it rebuilds the landscape's views."""
        self._landscape_changed(landscape)
        if samples_of(landscape) == 0:
            self._cancel()
            return None
        have = self._grids.get(id(landscape))
        if have is not None and have[0] is landscape:
            if have[1] < SURFACE_RESOLUTION and (self._pending is None or self._pending[1] is not landscape):
                self._request(landscape, (SURFACE_RESOLUTION,))
            return have[2]
        if self._pending is None or self._pending[1] is not landscape:
            self._request(landscape, (COARSE, SURFACE_RESOLUTION))
        (x_lo, x_hi), (y_lo, y_hi) = landscape.domain
        return np.array([x_lo, x_hi]), np.array([y_lo, y_hi]), np.zeros((2, 2))  # flat, until the grid comes

    def is_placeholder(self, landscape, grid) -> bool:
        return grid is not None and samples_of(landscape) > 0 and np.shape(grid[-1]) == (2, 2)

    def auto_log(self, landscape, grid) -> bool:
        """The automatic log-height choice for a data landscape: decided on its first real grid, kept."""
        if self.is_placeholder(landscape, grid):
            return False
        key = id(landscape)
        if key not in self._log:
            self._log[key] = auto_log_height(landscape, grid=grid)
        return self._log[key]

    def _request(self, landscape, resolutions) -> None:
        gen = self.surfaces.request(landscape, resolutions)
        self._pending = (gen, landscape)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat("loss surface: %p%")
        self.progress.show()

    def _cancel(self) -> None:
        if self._pending is not None:
            self.surfaces.cancel()
            self._pending = None
        self.progress.hide()

    def _surface_ready(self, gen: int, resolution: int, grid) -> None:
        if self._pending is None or gen != self._pending[0]:
            return  # a landscape left meanwhile
        landscape = self._pending[1]
        self._grids = {id(landscape): (landscape, resolution, grid)}  # one landscape's grids kept
        if resolution >= SURFACE_RESOLUTION:
            self._pending = None
            self.progress.hide()
            self.win.statusBar().showMessage(
                f"{landscape.name}: surface {resolution}×{resolution} drawn", 4000
            )
        self.win.surface_arrived(landscape, grid)

    def _surface_progress(self, gen: int, resolution: int, done: int, total: int) -> None:
        if self._pending is None or gen != self._pending[0]:
            return
        landscape = self._pending[1]
        evals = f"{total:,}".replace(",", " ")
        what = "network evaluations" if int(getattr(landscape, "n_parameters", 2)) > 2 else "loss evaluations"
        text = f"surface {resolution}×{resolution} ({evals} {what}): %p%"
        if self.progress.format() != text:
            self.progress.setFormat(text)
        self.progress.setValue(round(100 * done / max(1, total)))

    def _surface_failed(self, gen: int, message: str) -> None:
        if self._pending is not None and gen == self._pending[0]:
            self._pending = None
            self.progress.hide()
            self.win.statusBar().showMessage(message, 10000)

    # -- minibatch surface --------------------------------------------------------------------------------
    def _view_changed(self, view) -> None:
        style_plot(self.model_plot, view["theme"])
        self.sync_batch_surface()

    def sync_batch_surface(self) -> None:
        """Ask the worker for the minibatch surface when it is to be shown; tick the View action."""
        c = self.win.controller
        shown = batch_surface_shown(c.view, c.landscape, c.batch_size)
        self.batch_action.blockSignals(True)
        self.batch_action.setChecked(shown)
        self.batch_action.blockSignals(False)
        if shown != self._shown_batch:
            self._shown_batch = shown
            self.win.worker.batchSurfaceRequested.emit(BATCH_SURFACE_RESOLUTION if shown else 0)
        if not shown:
            self.sheet.clear()
            self.contours.clear()

    def landscape_redrawn(self) -> None:
        """The 3D view and map were rebuilt (a new scale): the minibatch surface is redrawn on them."""
        self.sheet.clear()
        self.contours.clear()
        self.frame_drawn(self.win.frame)

    # -- per frame ----------------------------------------------------------------------------------------
    def selected_run(self, frame) -> int:
        rows = self.win.table.selectionModel().selectedRows() if self.win.table.selectionModel() else []
        row = rows[0].row() if rows else 0
        return row if 0 <= row < len(frame.positions) else 0

    def frame_drawn(self, frame) -> None:
        """A frame was drawn: the minibatch surface and the model follow it."""
        if frame is None:
            return
        if self._shown_batch and frame.batch_surface is not None:
            self.sheet.update(frame.batch_surface)
            self.contours.update(frame.batch_surface)
        elif not self._shown_batch or frame.batch is None:
            self.sheet.clear()
            self.contours.clear()
        if self.model_plot.landscape is None or not self.dock.isVisible() or not len(frame.positions):
            return
        i = self.selected_run(frame)
        label = ""
        if i < len(frame.runs):
            run = frame.runs[i]
            label = f"run {i + 1} ({get_optimizer(run.optimizer).name}, step {run.step})"
        self.model_plot.show_model(frame.positions[i], frame.batch, label)

    def shutdown(self) -> None:
        self.surfaces.shutdown()


def install(win) -> DataViews:
    win.data_views = DataViews(win)
    return win.data_views
