"""The linked 2D map: heatmap + contour lines (2-D) or the curve J(θ) (1-D), with the same start points,
trails, balls and critical points as the 3D view. A left click places a start point exactly where clicked.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGraphicsItem

from landscape_gui.drawing.contours import contour_levels, contour_segments
from landscape_gui.drawing.curves import ChunkedCurve, grouped, joined, line_width
from landscape_gui.drawing.palette import CRITICAL_STYLE, critical_key
from landscape_gui.drawing.surface_view import critical_tooltip


def _display_values(values: np.ndarray, log: bool) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    if not log:
        return v
    finite = v[np.isfinite(v)]
    lo = finite.min() if finite.size else 0.0
    eps = max((finite.max() - lo) * 1e-4, 1e-300) if finite.size else 1.0
    with np.errstate(all="ignore"):
        return np.log10(np.maximum(v - lo, 0) + eps)


class MapView(pg.PlotWidget):
    pointClicked = Signal(object)  # (d,) domain point

    def __init__(self, parent=None):
        super().__init__(parent)
        self.landscape = None
        self.setMinimumSize(240, 200)
        self.plot_item = self.getPlotItem()
        self.plot_item.showGrid(x=False, y=False)
        self.legend = None  # the legend is the overlay on the 3D view (the map is too small for one)
        self.image = pg.ImageItem()
        self.contours = pg.PlotDataItem(connect="pairs", pen=pg.mkPen((255, 255, 255, 90), width=1))
        self.curve = pg.PlotDataItem(pen=pg.mkPen((200, 200, 210), width=2))
        self.trails: list[ChunkedCurve] = []  # one per run colour: its runs' paths, NaN-separated
        self._trail_runs: list[np.ndarray] = []  # the runs each trail item draws
        self._n_runs = 0
        self._trails_visible = True
        self.balls = pg.ScatterPlotItem(size=13, pen=pg.mkPen("w", width=1.5))
        self.starts = pg.ScatterPlotItem(
            size=11, symbol="x", pen=pg.mkPen("w", width=1), brush=pg.mkBrush(255, 255, 255, 230)
        )
        self.markers: list[pg.ScatterPlotItem] = []
        for item in (self.image, self.contours, self.curve, self.starts, self.balls):
            self.plot_item.addItem(item)
        self.image.setZValue(-10)
        # The heatmap and the contour lines change only with the landscape or the view: Qt keeps them as
        # pixmaps in device coordinates, so a frame repaints the moving balls and trails over two blits
        # instead of rescaling the image and stroking every contour segment again.
        for static in (
            self.image,
            self.contours.curve,
            *(self.plot_item.getAxis(a) for a in ("left", "bottom")),
        ):
            static.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.balls.setZValue(10)
        self.starts.setZValue(9)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.setToolTip("")

    def set_landscape(
        self, landscape, *, colormap="viridis", log_height=False, contours=True, resolution=200
    ):
        self.landscape = landscape
        cmap = pg.colormap.get(colormap)
        self.clear_runs()
        (x_lo, x_hi) = landscape.domain[0]
        self.plot_item.setLabel("bottom", "x")
        if landscape.dim == 2:
            xs, ys, z = landscape.grid(int(resolution))
            d = _display_values(z, log_height)
            finite = d[np.isfinite(d)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            self.image.setImage(np.nan_to_num(d, nan=hi, posinf=hi, neginf=lo), levels=(lo, hi + 1e-300))
            self.image.setColorMap(cmap)
            (y_lo, y_hi) = landscape.domain[1]
            self.image.setRect(x_lo, y_lo, x_hi - x_lo, y_hi - y_lo)
            self.image.show()
            seg = contour_segments(d, contour_levels(d, 16))
            if len(seg):
                p = seg.reshape(-1, 2)
                self.contours.setData(
                    np.interp(p[:, 0], np.arange(len(xs)), xs), np.interp(p[:, 1], np.arange(len(ys)), ys)
                )
            else:
                self.contours.setData([], [])
            self.contours.setVisible(contours)
            self.curve.setData([], [])
            self.plot_item.setLabel("left", "y")
            self.plot_item.setLogMode(False, False)
            self.plot_item.setAspectLocked(False)
            self.plot_item.setRange(xRange=(x_lo, x_hi), yRange=(y_lo, y_hi), padding=0.02)
        else:
            xs, v = landscape.grid(int(resolution) * 4)
            self.image.hide()
            self.contours.setData([], [])
            self.curve.setData(xs, np.nan_to_num(v))
            self.plot_item.setLabel("left", "J(x)")
            self.plot_item.setRange(xRange=(x_lo, x_hi), padding=0.03)
            self.plot_item.enableAutoRange(axis="y")
        self.set_critical_points([])

    def _xy(self, points, values=None) -> tuple[np.ndarray, np.ndarray]:
        p = np.asarray(points, dtype=np.float64).reshape(-1, self.landscape.dim)
        if self.landscape.dim == 2:
            return p[:, 0], p[:, 1]
        v = self.landscape.value(p) if values is None else np.asarray(values, dtype=np.float64)
        return p[:, 0], np.nan_to_num(v, nan=0.0, posinf=1e12, neginf=-1e12)

    def set_critical_points(self, points) -> None:
        for item in self.markers:
            self.plot_item.removeItem(item)
        self.markers = []
        groups: dict[str, list] = {}
        for p in points:
            groups.setdefault(critical_key(p.kind, p.is_global), []).append(p)
        for key in CRITICAL_STYLE:
            if key not in groups:
                continue
            color, symbol, label = CRITICAL_STYLE[key]
            pts = groups[key]
            x, y = self._xy([p.position for p in pts], [p.value for p in pts])
            item = pg.ScatterPlotItem(
                x=x, y=y, symbol=symbol, size=17 if key == "global" else 12, brush=pg.mkBrush(*color),
                pen=pg.mkPen(20, 20, 20, width=1), name=label, hoverable=True, data=pts,
                tip=lambda x, y, data: critical_tooltip(data).replace("<br>", "\n").replace("<b>", "").replace("</b>", ""),
            )  # fmt: skip
            item.setZValue(8)
            self.plot_item.addItem(item)
            self.markers.append(item)

    def set_starts(self, points) -> None:
        if self.landscape is None:
            return
        x, y = self._xy(points)
        self.starts.setData(x, y)

    def clear_runs(self) -> None:
        for t in self.trails:
            self.plot_item.removeItem(t)
        self.trails, self._trail_runs, self._n_runs = [], [], 0
        self.balls.setData([], [])

    def set_runs(self, colors, paths, positions, path_values=None, values=None) -> None:
        """Colours (r, g, b, a) bytes per run. The runs of one colour (one optimizer) share a trail item:
        one item per run cost ~15 ms per frame at 32 runs in pyqtgraph's per-item bookkeeping."""
        self.clear_runs()
        width = line_width(len(colors))
        for key, runs in grouped(tuple(int(v) for v in c) for c in colors):
            t = ChunkedCurve(pen=pg.mkPen(key, width=width), connect="finite")
            t.setZValue(5)
            t.setVisible(self._trails_visible)
            self.plot_item.addItem(t)
            self.trails.append(t)
            self._trail_runs.append(runs)
        self._n_runs = len(colors)
        self._brushes = [pg.mkBrush(*c) for c in colors]
        self.update_runs(paths, positions, path_values, values)

    def update_runs(self, paths, positions, path_values=None, values=None, best: int | None = None) -> None:
        """Trails and balls; ``best`` (a run index) gets a bigger ball."""
        if self.landscape is None:
            return
        for t, runs in zip(self.trails, self._trail_runs, strict=True):
            t.setData(
                *joined(
                    self._xy(paths[i], None if path_values is None else path_values[i])
                    for i in runs
                    if i < len(paths)
                )
            )
        n = min(self._n_runs, len(positions))
        if n:
            x, y = self._xy(np.asarray(positions)[:n], None if values is None else np.asarray(values)[:n])
            size = np.full(n, 13.0)
            if best is not None and 0 <= best < n:
                size[best] = 24.0
            self.balls.setData(x, y, brush=self._brushes[:n], size=size)
        else:
            self.balls.setData([], [])

    def set_visibility(self, contours=None, markers=None, trails=None) -> None:
        if contours is not None:
            self.contours.setVisible(bool(contours))
        if markers is not None:
            for m in self.markers:
                m.setVisible(bool(markers))
        if trails is not None:
            self._trails_visible = bool(trails)
            for t in self.trails:
                t.setVisible(self._trails_visible)

    def _clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double() or self.landscape is None:
            return
        vb = self.plot_item.vb
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        p = vb.mapSceneToView(ev.scenePos())
        point = np.array([p.x(), p.y()][: self.landscape.dim], dtype=np.float64)
        if np.isfinite(point).all():
            ev.accept()
            self.pointClicked.emit(point)

    def set_optimizer_legend(self, entries) -> None:
        """The optimizers' legend as the map's tooltip: ``[(rgba bytes, text), ...]``."""
        self.setToolTip(
            "<br>".join(f"<span style='color:rgb{tuple(c[:3])}'>●</span> {t}" for c, t in entries)
        )
