"""The plots dock: loss against iteration and gradient norm (log scale) for every run, and the learning rate
each optimizer used at each step (shown when a schedule changes it)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from landscape_gui.drawing.curves import grouped, joined, line_width

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
        self.lr_plot = pg.PlotWidget()
        self.lr_plot.setLabel("left", "lr")
        self.lr_plot.setLabel("bottom", "step")
        self.lr_plot.setToolTip("The learning rate each optimizer used at each step (its schedule's)")
        self.lr_plot.setXLink(self.loss_plot)
        for p in (self.loss_plot, self.grad_plot, self.lr_plot):
            p.showGrid(x=True, y=True, alpha=0.15)
            p.getAxis("bottom").enableAutoSIPrefix(False)  # steps are counts: no "(x0.001)"
            p.getPlotItem().vb.setLimits(xMin=0)  # no negative steps when a plot is still empty
            p.setMinimumHeight(120)
            layout.addWidget(p)
        # One curve per (optimizer colour, start's line style), holding its runs NaN-separated: one item per
        # run made pyqtgraph's per-item bookkeeping the cost of a refresh with many runs.
        self.loss_curves: list[pg.PlotDataItem] = []
        self.grad_curves: list[pg.PlotDataItem] = []
        self.curve_runs: list[np.ndarray] = []  # the runs each pair of curves draws, in run order
        self.lr_curves: list[pg.PlotDataItem] = []  # one per optimizer
        self.lr_plot.setMinimumHeight(70)
        self.lr_plot.setMaximumHeight(150)
        self.lr_plot.getAxis("left").enableAutoSIPrefix(False)  # lr 0.3, not "300 (x0.001)"
        self.lr_plot.hide()

    def set_lr_curves(self, colors, shown: bool) -> None:
        """One learning-rate curve per optimizer (``colors``: its colour); the plot is shown when ``shown``."""
        for c in self.lr_curves:
            self.lr_plot.removeItem(c)
        self.lr_curves = []
        for color in colors:
            item = pg.PlotDataItem(pen=pg.mkPen(tuple(int(v) for v in color), width=2), connect="finite")
            self.lr_plot.addItem(item)
            self.lr_curves.append(item)
        self.show_lr(shown)

    def show_lr(self, shown: bool) -> None:
        """Show or hide the learning-rate plot (the other two give it room within the same height)."""
        self.lr_plot.setVisible(bool(shown))
        for p in (self.loss_plot, self.grad_plot):
            p.setMinimumHeight(90 if shown else 120)

    def update_lr(self, histories) -> None:
        """``histories``: per optimizer, ``(steps, lr)`` of the steps taken."""
        for item, (steps, lrs) in zip(self.lr_curves, histories, strict=False):
            item.setData(np.asarray(steps), np.asarray(lrs))

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
                item = pg.PlotDataItem(pen=pen, connect="finite")
                p.addItem(item)
                curves.append(item)
            self.curve_runs.append(runs)

    def update_runs(self, steps, losses, grads) -> None:
        for loss_curve, grad_curve, runs in zip(
            self.loss_curves, self.grad_curves, self.curve_runs, strict=True
        ):
            loss_xy, grad_xy = [], []
            for i in runs:
                if i >= min(len(steps), len(losses), len(grads)):
                    continue
                s, v, g = steps[i], losses[i], grads[i]
                ok = np.isfinite(v)
                loss_xy.append((s[ok], v[ok]))
                n = min(len(s), len(g))
                grad_xy.append((s[:n], np.clip(g[:n], 1e-16, 1e300)))
            loss_curve.setData(*joined(loss_xy))
            grad_curve.setData(*joined(grad_xy))
