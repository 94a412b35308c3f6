"""The plots dock: loss against iteration and gradient norm (log scale) for every run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from landscape_gui.drawing.curves import ChunkedCurve, grouped, joined, line_width

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
        # One curve per (optimizer colour, start's line style), holding its runs NaN-separated: one item per
        # run made pyqtgraph's per-item bookkeeping the cost of a refresh with many runs.
        self.loss_curves: list[ChunkedCurve] = []
        self.grad_curves: list[pg.PlotDataItem] = []
        self.curve_runs: list[np.ndarray] = []  # the runs each pair of curves draws, in run order

    def set_runs(self, colors, n_starts: int) -> None:
        for p, curves in ((self.loss_plot, self.loss_curves), (self.grad_plot, self.grad_curves)):
            for c in curves:
                p.removeItem(c)
            curves.clear()
        keys = [
            (tuple(int(v) for v in color), START_STYLES[(i % max(1, n_starts)) % len(START_STYLES)])
            for i, color in enumerate(colors)
        ]
        self.curve_runs = []
        width = line_width(len(colors))
        for (color, style), runs in grouped(keys):
            for p, curves in ((self.loss_plot, self.loss_curves), (self.grad_plot, self.grad_curves)):
                pen = pg.mkPen(color, width=width)
                if style:
                    pen.setDashPattern(list(style))
                # the loss axis is linear: a curve stroked in pieces; the gradient plot's log axis needs a
                # PlotDataItem (which maps the data to it)
                kind = ChunkedCurve if p is self.loss_plot else pg.PlotDataItem
                item = kind(pen=pen, connect="finite")
                p.addItem(item)
                curves.append(item)
            self.curve_runs.append(runs)

    def update_runs(self, steps, losses, grads=None) -> None:
        """Every run's loss (and ‖∇J‖) against its step; ``grads=None`` leaves the gradient plot alone."""
        for loss_curve, grad_curve, runs in zip(
            self.loss_curves, self.grad_curves, self.curve_runs, strict=True
        ):
            loss_xy, grad_xy = [], []
            for i in runs:
                if i >= min(len(steps), len(losses), len(steps if grads is None else grads)):
                    continue
                s, v = steps[i], losses[i]
                ok = np.isfinite(v)
                loss_xy.append((s[ok], v[ok]))
                if grads is not None:
                    n = min(len(s), len(grads[i]))
                    grad_xy.append((s[:n], np.clip(grads[i][:n], 1e-16, 1e300)))
            loss_curve.setData(*joined(loss_xy))
            if grads is not None:
                grad_curve.setData(*joined(grad_xy))
