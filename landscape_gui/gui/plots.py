"""The plots dock: loss against iteration and gradient norm (log scale) for every run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

START_STYLES = (None, (6, 3), (2, 3), (8, 3, 2, 3))


class PlotsPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.loss_plot = pg.PlotWidget()
        self.loss_plot.setLabel("left", "loss J")
        self.loss_plot.setLabel("bottom", "step")
        self.loss_plot.setToolTip("Loss of every run against its step")
        self.grad_plot = pg.PlotWidget()
        self.grad_plot.setLabel("left", "‖∇J‖")
        self.grad_plot.setLabel("bottom", "step")
        self.grad_plot.setLogMode(False, True)
        self.grad_plot.setToolTip("Gradient norm (log scale): a dip that lingers means a saddle or a plateau")
        self.grad_plot.setXLink(self.loss_plot)
        for p in (self.loss_plot, self.grad_plot):
            p.showGrid(x=True, y=True, alpha=0.15)
            p.getAxis("bottom").enableAutoSIPrefix(False)  # steps are counts: no "(x0.001)"
            p.getPlotItem().vb.setLimits(xMin=0)  # no negative steps when a plot is still empty
            p.setMinimumHeight(120)
            layout.addWidget(p)
        self.loss_curves: list[pg.PlotDataItem] = []
        self.grad_curves: list[pg.PlotDataItem] = []

    def set_runs(self, colors, n_starts: int) -> None:
        for p, curves in ((self.loss_plot, self.loss_curves), (self.grad_plot, self.grad_curves)):
            for c in curves:
                p.removeItem(c)
            curves.clear()
            for i, color in enumerate(colors):
                style = START_STYLES[(i % max(1, n_starts)) % len(START_STYLES)]
                pen = pg.mkPen(color, width=2)
                if style:
                    pen.setDashPattern(list(style))
                item = pg.PlotDataItem(pen=pen)
                p.addItem(item)
                curves.append(item)

    def update_runs(self, steps, losses, grads) -> None:
        for curve, s, v in zip(self.loss_curves, steps, losses, strict=False):
            ok = np.isfinite(v)
            curve.setData(s[ok], v[ok])
        for curve, s, g in zip(self.grad_curves, steps, grads, strict=False):
            n = min(len(s), len(g))
            curve.setData(s[:n], np.clip(g[:n], 1e-16, 1e300))
