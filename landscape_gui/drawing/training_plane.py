"""The trained network's plane: the loss on the PCA plane of the training paths (a colour image, log scale,
with contour lines), each run's path projected on it in its colour, revealed step by step, its ball at the
step shown, θ₀ (×) and the origin θ_final (+). It draws what it is given; the numbers come from the core
(:mod:`landscape_gui.core.training`)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

TIP = (
    "The loss on the plane of the first two principal components of the training paths (Li et al. 2018): "
    "each path is drawn projected on it. The plane holds only part of a path (see the text above): the "
    "loss under a path's point is not the loss the network had there."
)


#: Points of each path drawn at most (thinned evenly, the point shown kept).
MAX_POINTS = 600


class TrainingPlane(pg.PlotWidget):
    """See the module docstring."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip(TIP)
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        self.addItem(self.image)
        self.contours: list[pg.IsocurveItem] = []
        self.paths: list[pg.PlotDataItem] = []
        self.balls = pg.ScatterPlotItem(size=12, pen=pg.mkPen("w", width=1.5))
        self.balls.setZValue(20)
        self.start = pg.ScatterPlotItem(
            symbol="x", size=13, pen=pg.mkPen("w", width=2), brush=pg.mkBrush("w")
        )
        self.origin = pg.ScatterPlotItem(
            symbol="+", size=13, pen=pg.mkPen("w", width=2), brush=pg.mkBrush("w")
        )
        for item in (self.balls, self.start, self.origin):
            self.addItem(item)
        self.getPlotItem().setAspectLocked(False)
        self._coords: list[np.ndarray] = []

    def set_paths(self, coords, colors, explained) -> None:
        """Each run's projected path ((T + 1, 2), drawn as far as :meth:`show_step` says) in ``colors``."""
        for item in self.paths:
            self.removeItem(item)
        self.paths = []
        self._coords = [np.asarray(c, dtype=np.float64) for c in coords]
        self._colors = [tuple(int(v) for v in c[:3]) for c in colors]
        for color in self._colors:
            item = pg.PlotDataItem(pen=pg.mkPen(color, width=2))
            item.setZValue(10)
            self.addItem(item)
            self.paths.append(item)
        a, b = explained
        self.setLabel("bottom", f"PC1 ({100 * a:.1f} % of the variance)")
        self.setLabel("left", f"PC2 ({100 * b:.1f} %)")
        self.start.setData([c[0, 0] for c in self._coords[:1]], [c[0, 1] for c in self._coords[:1]])
        self.origin.setData([0.0], [0.0])

    def show_step(self, step: int) -> None:
        """The paths up to ``step`` (each as far as it went), the balls there."""
        xs, ys, brushes = [], [], []
        for item, c, color in zip(self.paths, self._coords, self._colors, strict=True):
            k = min(int(step), len(c) - 1)
            stride = max(1, -(-(k + 1) // MAX_POINTS))
            index = np.arange(0, k + 1, stride)
            index = index if index[-1] == k else np.append(index, k)
            item.setData(c[index, 0], c[index, 1])
            xs.append(c[k, 0])
            ys.append(c[k, 1])
            brushes.append(pg.mkBrush(color))
        self.balls.setData(xs, ys, brush=brushes)

    def set_surface(self, a, b, loss, colormap: str = "viridis") -> None:
        """The loss on the plane, ``loss[i, j]`` at (``a[i]``, ``b[j]``): log-scaled colours, 12 contours."""
        z = np.log10(np.maximum(np.asarray(loss, dtype=np.float64), 1e-12))
        finite = z[np.isfinite(z)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.image.setImage(z, levels=(lo, hi))
        self.image.setColorMap(pg.colormap.get(colormap))
        da = (a[-1] - a[0]) / max(1, len(a) - 1)
        db = (b[-1] - b[0]) / max(1, len(b) - 1)
        self.image.setRect(float(a[0] - da / 2), float(b[0] - db / 2), float(a[-1] - a[0] + da),
                           float(b[-1] - b[0] + db))  # fmt: skip
        for item in self.contours:
            scene = item.scene()
            item.setParentItem(None)
            if scene is not None:
                scene.removeItem(item)
        self.contours = []
        for level in np.linspace(lo, hi, 14)[1:-1]:
            iso = pg.IsocurveItem(data=z, level=float(level), pen=pg.mkPen(255, 255, 255, 70))
            iso.setParentItem(self.image)
            self.contours.append(iso)
        self.setXRange(float(a[0]), float(a[-1]), padding=0)
        self.setYRange(float(b[0]), float(b[-1]), padding=0)
