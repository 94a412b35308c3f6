"""What the window adds for landscapes made of data: the model dock, and the loss surface computed in the
background.

- **Model dock** (:class:`~landscape_gui.drawing.model_plot.ModelPlot`): the samples and the model of the
  selected run's current parameters (the first run when none is selected in the runs table), redrawn with the
  frames drawn. Shown when a data landscape is chosen, hidden on formula landscapes.
- **Hessian spectrum** (:class:`~landscape_gui.drawing.spectrum_plot.SpectrumPlot`), a tab beside the model for the
  network landscapes (``mlp_slice`` and its variants): every eigenvalue of the network's full Hessian at θ*
  (:func:`~landscape_gui.core.data.mlp_slice.network_spectrum`, of the loss the variant plots), λmax and the
  stable lr 2/λmax stated above it.
- **Background surface**: :meth:`DataViews.surface` gives the grid the 3D view and the map are built from: for
  a formula landscape None (the views compute it, it is fast); for a data landscape the grid already computed,
  or a flat placeholder while a :class:`~landscape_gui.gui.jobs.Job` computes a coarse then the full 200 × 200
  grid, in the core's surface child process (:mod:`landscape_gui.core.data.surface_process`: a thread would hold
  the interpreter lock the painting needs), with a progress bar. Each grid that arrives is sent by
  ``surfaceArrived`` and the window rebuilds its views with it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QProgressBar, QTabWidget

from landscape_gui.core.analysis.curvature import stable_lr
from landscape_gui.core.data.mlp_slice import VARIANTS, network_spectrum
from landscape_gui.core.data.surface_process import SurfaceProcess, can_compute
from landscape_gui.core.frames.presenter import auto_log_height
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.drawing.model_plot import ModelPlot
from landscape_gui.drawing.spectrum_plot import SpectrumPlot
from landscape_gui.gui.jobs import Job

SURFACE_RESOLUTION = 200  # as the formula landscapes' surfaces
COARSE = 40  # first pass: 1 600 points


def samples_of(landscape) -> int:
    """The number of samples of a data landscape; 0 for a formula."""
    return int(getattr(landscape, "n_samples", 0) or 0)


def _grids(process: SurfaceProcess, landscape, resolutions, *, cancelled, progress):
    """``(resolution, grid)`` for each resolution in turn: in the child when it can rebuild the landscape
    (the window's interpreter stays free), else here."""
    for k, res in enumerate(resolutions):
        share = (k, len(resolutions))

        def step(done: int, total: int, share=share) -> None:
            progress((share[0] + done / max(1, total)) / share[1])

        grid = None
        if process.available and can_compute(landscape.id):
            try:
                grid = process.compute(
                    landscape.id, landscape.domain, res, progress=step, cancelled=cancelled
                )
            except RuntimeError:
                grid = None  # no child: computed here
        if grid is None:
            grid = landscape.grid(res, progress=step, cancelled=cancelled)
        yield res, tuple(np.array(a, copy=True) for a in grid)


class DataViews(QObject):
    """See the module docstring."""

    surfaceArrived = Signal(object, object)  # landscape, (xs, ys, Z)
    statusMessage = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model_plot = ModelPlot()
        self.dock = QDockWidget("Model")
        self.dock.setObjectName("dock_model")
        self.spectrum_plot = SpectrumPlot()
        self.spectrum_plot.hide()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.model_plot, "Model")
        self.tabs.setTabToolTip(0, "The data and the model of the selected run's current parameters")
        self.tabs.currentChanged.connect(self._fill_spectrum)
        self.dock.setWidget(self.tabs)
        self.dock.setToolTip("The data and the model of the selected run's current parameters")
        #: One warm child for the data landscapes' surfaces and critical points (their search costs seconds of
        #: interpreter time that would stall the window's painting).
        self.process = SurfaceProcess()
        self.job = Job("surface", self)
        self.job.partial.connect(self._grid_ready)
        self.job.finished.connect(self._grid_ready)
        self.job.progressed.connect(self._progressed)
        self.job.failed.connect(self._failed)
        self._grids: dict[int, tuple] = {}  # id(landscape) → (landscape, resolution, grid): the best so far
        self._log: dict[int, bool] = {}  # id(landscape) → automatic log-height decision (first real grid)
        self._pending = None  # the landscape being computed
        self.progress = QProgressBar()
        self.progress.setFixedWidth(380)  # a size that never changes: no relayout of the window per update
        self.progress.setTextVisible(True)
        self.progress.hide()

    @property
    def computing(self) -> bool:
        """A data landscape's surface is being computed."""
        return self._pending is not None

    # -- landscape and surface ----------------------------------------------------------------------------
    def landscape_changed(self, landscape) -> None:
        if landscape is self.model_plot.landscape:
            return
        is_data = samples_of(landscape) > 0
        was = self.model_plot.landscape is not None
        self.model_plot.set_landscape(landscape)
        self._show_spectrum(landscape)
        if not is_data:
            self.dock.hide()
        elif not was:
            self.dock.show()

    def _show_spectrum(self, landscape) -> None:
        """The Hessian-spectrum tab for a network landscape; filled when it is shown (the first spectrum costs
        ~0.3 s of this thread: not on every switch to a slice)."""
        variant = VARIANTS.get(getattr(landscape, "id", None) or "")
        self._spectrum_variant = variant
        index = self.tabs.indexOf(self.spectrum_plot)
        if variant is None:
            if index >= 0:
                self.tabs.removeTab(index)
            return
        self._spectrum_shown = None
        if index < 0:
            self.tabs.addTab(self.spectrum_plot, "Hessian spectrum")
            self.tabs.setTabToolTip(1, "Every eigenvalue of the network's full Hessian at θ*")
        self._fill_spectrum()

    def _fill_spectrum(self, *_) -> None:
        variant = getattr(self, "_spectrum_variant", None)
        if variant is None or self.tabs.currentWidget() is not self.spectrum_plot:
            return
        if getattr(self, "_spectrum_shown", None) == variant.weight_decay_term:
            return
        self._spectrum_shown = variant.weight_decay_term
        s = network_spectrum(variant.weight_decay_term)
        ev = s.eigenvalues
        negative = int((ev < 0).sum())
        self.spectrum_plot.show_spectrum(
            ev,
            f"Hessian at θ*: {s.parameters} eigenvalues, {negative} negative<br>λmax = {ev[-1]:.4g}, "
            f"λ₂ = {ev[-2]:.4g}: GD stable for lr &lt; 2/λmax = {stable_lr(ev):.4g}",
        )

    def surface(self, landscape):
        """The grid to build the views from now (see the module docstring); starts the computation."""
        self.landscape_changed(landscape)
        if samples_of(landscape) == 0:
            self._cancel()
            return None
        have = self._grids.get(id(landscape))
        if have is not None and have[0] is landscape:
            if have[1] < SURFACE_RESOLUTION and self._pending is not landscape:
                self._request(landscape, (SURFACE_RESOLUTION,))
            return have[2]
        if self._pending is not landscape:
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
        self._pending = landscape
        self.job.request(_grids, self.process, landscape, resolutions)
        evals = f"{len(resolutions) and resolutions[-1] ** 2:,}".replace(",", " ")
        what = "network evaluations" if int(getattr(landscape, "n_parameters", 2)) > 2 else "loss evaluations"
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat(f"loss surface ({evals} {what}): %p%")
        self.progress.show()

    def _cancel(self) -> None:
        self.job.cancel()
        self._pending = None
        self.progress.hide()

    def _grid_ready(self, item) -> None:
        landscape = self._pending
        if landscape is None:
            return
        res, grid = item
        self._grids = {id(landscape): (landscape, res, grid)}  # one landscape's grids kept
        if res >= SURFACE_RESOLUTION:
            self._pending = None
            self.progress.hide()
            self.statusMessage.emit(f"{landscape.name}: surface {res}×{res} drawn")
        self.surfaceArrived.emit(landscape, grid)

    def _progressed(self, fraction: float) -> None:
        self.progress.setValue(round(100 * fraction))

    def _failed(self, message: str) -> None:
        self._pending = None
        self.progress.hide()
        self.statusMessage.emit(message)

    # -- per frame ----------------------------------------------------------------------------------------
    def show_frame(self, frame, run: int) -> None:
        """The model of run ``run`` of ``frame`` (when the dock is shown)."""
        snap = frame.snapshot
        if self.model_plot.landscape is None or not self.dock.isVisible() or not len(snap.positions):
            return
        i = run if 0 <= run < len(snap.positions) else 0
        label = ""
        if i < len(snap.runs):
            r = snap.runs[i]
            label = f"run {i + 1} ({get_optimizer(r.optimizer).name}, step {r.step})"
        self.model_plot.show_model(snap.positions[i], snap.batch, label)

    def shutdown(self) -> None:
        self.job.shutdown()
        self.process.close()  # a computation in flight ends at once
