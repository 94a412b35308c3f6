"""The model plot: the data of a data landscape and the model of one run's current parameters.

Beside the map (parameter space) it shows model space: for one input feature the samples (x, y) and the
model's curve (the regression line of ``linreg``/``two_lines``, the tanh curve of ``tanh_neuron``); for two
features the samples coloured by class over the model's probability P(y = 1) and its decision boundary
P = 0.5 (``logreg``: a straight line through the origin; ``mlp_slice``: the network's decision regions).
The samples of the current minibatch are ringed.

API::

    plot = ModelPlot()
    plot.set_landscape(landscape)          # a DataLandscape; anything else clears the plot (returns False)
    plot.show_model(params, batch=None, label="")   # (p, q) of one run; redraws only when something changed
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from landscape_gui.drawing.contours import contour_segments
from landscape_gui.drawing.map_view import set_title

#: Class colours (label 0, label 1) and the probability colormap between them (P = 0.5 is neutral grey).
CLASS_COLORS = ((235, 125, 50), (60, 135, 235))
CURVE_POINTS = 200  # one-feature models: points along the curve
REGION_GRID = 70  # two-feature models: P(y = 1) on a 70 × 70 grid over the data (4 900 model evaluations)


def _probability_map() -> pg.ColorMap:
    a, b = CLASS_COLORS
    return pg.ColorMap([0.0, 0.5, 1.0], [(*a, 255), (128, 128, 128, 255), (*b, 255)])


def _fmt(v: float) -> str:
    return f"{v:.3g}".replace("-", "−")


class ModelPlot(pg.PlotWidget):
    """Samples and model (see the module docstring)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(150, 100)  # shares a 720-pixel screen with the map, plots and basins
        self.landscape = None
        self._shown = None  # (params, batch id) last drawn
        self.draws = 0  # models drawn (tests, measurements)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        self.image = pg.ImageItem()
        self.image.setOpacity(0.55)
        self.image.setColorMap(_probability_map())
        self.image.setZValue(-10)
        self.boundary = pg.PlotDataItem(connect="pairs", pen=pg.mkPen((255, 255, 255), width=2))
        self.curve = pg.PlotDataItem(pen=pg.mkPen((255, 210, 70), width=2.5))
        self.samples = pg.ScatterPlotItem(size=6, pen=pg.mkPen(20, 20, 20, 160, width=0.5))
        # class 0 of a classifier in an item of its own: one brush per item is ~20× faster to build than a
        # brush per sample
        self.samples0 = pg.ScatterPlotItem(size=6, pen=pg.mkPen(20, 20, 20, 160, width=0.5))
        self.batch = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen("w", width=1.6))
        for it in (self.image, self.boundary, self.curve, self.samples0, self.samples, self.batch):
            item.addItem(it)
        self.batch.setZValue(5)

    # -- the data -----------------------------------------------------------------------------------------
    def set_landscape(self, landscape) -> bool:
        """Draw the samples of a data landscape (True); for a formula landscape clear everything (False)."""
        data = getattr(landscape, "dataset", None)
        self._shown = None
        self.image.clear()
        for it in (self.boundary, self.curve, self.samples0, self.samples, self.batch):
            it.setData([], [])
        item = self.getPlotItem()
        if data is None:
            self.landscape = None
            set_title(item, "")
            return False
        self.landscape = landscape
        (x_lo, x_hi), *rest = data.bounds()
        if data.features == 1:
            self.samples.setData(data.x, data.y, brush=pg.mkBrush(210, 210, 220, 200))
            y_lo, y_hi = float(np.min(data.y)), float(np.max(data.y))
            pad = 0.15 * (y_hi - y_lo or 1.0)
            item.setLabel("bottom", "x")
            item.setLabel("left", "y")
            item.setRange(xRange=(x_lo, x_hi), yRange=(y_lo - pad, y_hi + pad), padding=0)
        else:
            (y_lo, y_hi) = rest[0]
            for it, label in ((self.samples0, 0), (self.samples, 1)):
                pts = data.x[data.y == label]
                it.setData(pts[:, 0], pts[:, 1], brush=pg.mkBrush(*CLASS_COLORS[label], 230))
            self._rect = (x_lo, y_lo, x_hi - x_lo, y_hi - y_lo)
            item.setLabel("bottom", "x1")
            item.setLabel("left", "x2")
            item.setRange(xRange=(x_lo, x_hi), yRange=(y_lo, y_hi), padding=0)
        return True

    # -- the model ----------------------------------------------------------------------------------------
    def show_model(self, params, batch=None, label: str = "") -> bool:
        """Draw the model at ``params`` (and ring the samples of ``batch``); False when nothing changed."""
        L = self.landscape
        if L is None:
            return False
        p = tuple(float(c) for c in np.asarray(params, dtype=np.float64).ravel()[:2])
        key = (p, None if batch is None else np.asarray(batch).tobytes(), label)
        if key == self._shown:
            return False
        self._shown = key
        data = L.dataset
        if not all(np.isfinite(p)):
            self.curve.setData([], [])
            self.boundary.setData([], [])
            self.image.clear()
        elif data.features == 1:
            xs, ys = L.model_grid(p, CURVE_POINTS)
            ok = np.isfinite(ys)
            self.curve.setData(xs[ok], ys[ok])
        else:
            x1, x2, prob = L.model_grid(p, REGION_GRID)
            prob = np.nan_to_num(prob, nan=0.5)
            self.image.setImage(prob, levels=(0.0, 1.0), autoLevels=False)
            self.image.setRect(*self._rect)  # after the image: the scale depends on its size
            seg = contour_segments(prob, [0.5])
            if len(seg):
                s = seg.reshape(-1, 2)
                self.boundary.setData(
                    np.interp(s[:, 0], np.arange(len(x1)), x1), np.interp(s[:, 1], np.arange(len(x2)), x2)
                )
            else:
                self.boundary.setData([], [])
        if batch is not None and len(batch):
            idx = np.asarray(batch, dtype=np.intp)
            xb = data.x[idx]
            if data.features == 1:
                self.batch.setData(xb, data.y[idx])
            else:
                self.batch.setData(xb[:, 0], xb[:, 1])
        else:
            self.batch.setData([], [])
        names = ", ".join(f"{n} = {_fmt(v)}" for n, v in zip(L.variables, p, strict=True))
        set_title(self.getPlotItem(), names)
        self.setToolTip(f"The model at {label}: {names}" if label else f"The model at {names}")
        self.draws += 1
        return True
