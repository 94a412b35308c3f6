"""The trained network's loss plot: each run's full-data loss against its step (log scale), grown step by step,
and a line at the step shown. It draws a :class:`~landscape_gui.core.training.train.Training`; the numbers
come from the core."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

#: Points of each curve drawn at most (a 3000-step path thinned evenly, its last point kept).
SHOWN_POINTS = 600
#: Decades the loss axis shows at least: under one, pyqtgraph labels 0.2, 0.3, … on top of each other.
MIN_DECADES = 1.3


def shown(n: int) -> np.ndarray:
    """Indices of at most ~:data:`SHOWN_POINTS` of ``n`` points, the last included."""
    stride = max(1, -(-n // SHOWN_POINTS))
    index = np.arange(0, n, stride)
    return index if index[-1] == n - 1 else np.append(index, n - 1)


class TrainingLossPlot(pg.PlotWidget):
    """See the module docstring."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setLogMode(False, True)
        self.setLabel("left", "full-data loss")
        self.setLabel("bottom", "step")
        self.setToolTip("Each run's loss over the whole data at every step (log scale)")
        self.getAxis("left").enableAutoSIPrefix(False)
        self.curves: list[pg.PlotDataItem] = []
        self.step_line = pg.InfiniteLine(0, angle=90, pen=pg.mkPen(200, 200, 200, 120))
        self.addItem(self.step_line, ignoreBounds=True)
        self.line_scale = 1.0
        self._runs: list = []

    def set_scale(self, scale: float) -> None:
        """Line widths relative to the window's (an export's frame height)."""
        self.line_scale = float(scale)

    def set_training(self, training, colors) -> None:
        """One curve per run of ``training`` in ``colors``; the axes span its steps and losses."""
        for item in self.curves:
            self.removeItem(item)
        self.curves = []
        self._runs = list(training.runs)
        for color in colors[: len(self._runs)]:
            item = pg.PlotDataItem(pen=pg.mkPen(tuple(int(v) for v in color[:3]), width=2 * self.line_scale))
            self.addItem(item)
            self.curves.append(item)
        self.setXRange(0, max(1, training.steps), padding=0.02)
        losses = np.concatenate([r.loss[np.isfinite(r.loss) & (r.loss > 0)] for r in self._runs])
        if losses.size:
            lo, hi = np.log10(losses.min()), np.log10(losses.max())
            pad = max(0.0, MIN_DECADES - (hi - lo)) / 2
            self.setYRange(lo - pad, hi + pad, padding=0.05)

    def show_step(self, step: int) -> None:
        """Each curve up to ``step`` (as far as its run went), the line at ``step``."""
        for item, run in zip(self.curves, self._runs, strict=True):
            index = shown(min(step, run.steps) + 1)
            item.setData(index, np.maximum(run.loss[index], 1e-16))
        self.step_line.setValue(step)
