"""The linked 2D map: heatmap + contour lines (2-D) or the curve J(θ) (1-D), with the same start points,
trails, balls and critical points as the 3D view. A left click places a start point exactly where clicked.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from landscape_gui.core.frames.palette import CRITICAL_STYLE, critical_key
from landscape_gui.drawing.batch_surface import BatchContours
from landscape_gui.drawing.contours import contour_levels, contour_segments
from landscape_gui.drawing.curves import (
    MARKED_STARTS,
    THIN_FROM,
    ChunkedCurve,
    Trails,
    connected,
    line_width,
    nan_joined,
    points_per_run,
)
from landscape_gui.drawing.glyph_layers import GlyphLayerMap
from landscape_gui.drawing.legend import legend_html
from landscape_gui.drawing.scene_axes import axis_names
from landscape_gui.drawing.surface_view import critical_tooltip

MANY_RUNS = 100  # from this many runs (or starts) on, balls and start markers are drawn smaller


def _log_scale(values: np.ndarray) -> tuple[float, float]:
    """``(lo, eps)`` of the log display of these values: log10(v − lo + eps)."""
    v = np.asarray(values, dtype=np.float64)
    finite = v[np.isfinite(v)]
    lo = finite.min() if finite.size else 0.0
    eps = max((finite.max() - lo) * 1e-4, 1e-300) if finite.size else 1.0
    return float(lo), float(eps)


def _display_values(values: np.ndarray, log: bool, scale: tuple[float, float] | None = None) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    if not log:
        return v
    lo, eps = _log_scale(v) if scale is None else scale
    with np.errstate(all="ignore"):
        return np.log10(np.maximum(v - lo, 0) + eps)


def slice_title(landscape) -> str:
    """The map's title: for a slice through a bigger loss, what it is a slice of."""
    p = int(getattr(landscape, "n_parameters", landscape.dim))
    if p > landscape.dim:
        return f"2-D slice of a {p}-D loss"
    return ""


def set_title(plot_item, text: str, size: str = "9pt") -> None:
    """A plot title that never widens its plot: pyqtgraph makes the text's width the plot's minimum, so a
    long title in a narrow dock would push the right of the plot out of sight (the text is clipped instead)."""
    label = plot_item.titleLabel
    if not text:
        label.setText("")  # setTitle(None) hides the title but keeps its old text
    plot_item.setTitle(text or None, size=size)
    label.setMinimumWidth(0)
    # pyqtgraph's LabelItem has no API for its minimum size hint
    hint = label._sizeHint  # noqa: SLF001
    hint[Qt.SizeHint.MinimumSize] = (0, hint[Qt.SizeHint.MinimumSize][1])
    label.updateGeometry()


#: The edge of trails drawn over a basin map.
OUTLINE = (20, 20, 24, 230)


class MapView(pg.PlotWidget):
    pointClicked = Signal(object)  # (d,) domain point

    def __init__(self, parent=None):
        super().__init__(parent)
        self.landscape = None
        self.scale = 1.0
        self.display_scale = (False, (0.0, 1.0))  # (log, (lo, eps)) of the heatmap
        self.levels = np.zeros(0)  # the contour levels drawn (display values)
        self.setMinimumSize(200, 150)
        self.plot_item = self.getPlotItem()
        self.plot_item.showGrid(x=False, y=False)
        self.legend = None  # the legend is the overlay on the 3D view (the map is too small for one)
        self.image = pg.ImageItem()
        self.contours = pg.PlotDataItem(connect="pairs", pen=pg.mkPen((255, 255, 255, 90), width=1))
        self.curve = pg.PlotDataItem(pen=pg.mkPen((200, 200, 210), width=2))
        # one trail item per optimizer (its runs' paths, NaN-separated) and one for the best run, over them
        self.trails: list[ChunkedCurve] = []
        self.edges: list[ChunkedCurve] = []  # their dark edges, shown over basins
        self._outlined = False
        self._trail_runs: list[np.ndarray] = []  # the runs each trail item draws
        self._n_runs = 0
        self._trails_visible = True
        self.ball_items: list[pg.ScatterPlotItem] = []  # one per optimizer: one brush, no per-ball styles
        self._best_trail: list[ChunkedCurve] = []  # the best run's trail and its edge
        self.best_ball = pg.ScatterPlotItem(pen=pg.mkPen("w", width=1.5))
        self.starts = pg.ScatterPlotItem(
            size=11, symbol="x", pen=pg.mkPen("w", width=1), brush=pg.mkBrush(255, 255, 255, 230)
        )
        self.markers: list[pg.ScatterPlotItem] = []
        # hatching where J is undefined (log(x) for x ≤ 0): seen through the heatmap's transparent pixels
        self.undefined = QGraphicsPathItem()
        self.undefined.setPen(QPen(Qt.PenStyle.NoPen))
        self.undefined.setZValue(-20)
        self.undefined.setToolTip("J is undefined here (not a real number)")
        self.plot_item.addItem(self.undefined, ignoreBounds=True)
        self.set_undefined_style((128, 128, 128))
        # basins of attraction: an image over the heatmap, under contours and runs (a band of dots in 1-D)
        self.basins = pg.ImageItem()
        self.basin_dots = pg.ScatterPlotItem(size=7, pen=None)
        # the best run (random restarts): a ring around its ball
        self.best = pg.ScatterPlotItem(size=30, brush=None, pen=pg.mkPen((255, 255, 255), width=3))
        for item in (
            self.image,
            self.basins,
            self.basin_dots,
            self.contours,
            self.curve,
            self.starts,
            self.best_ball,
        ):
            self.plot_item.addItem(item)
        self.plot_item.addItem(self.best)
        self.image.setZValue(-10)
        self.basins.setZValue(-9)
        self.basins.hide()
        self.best.setZValue(11)
        # The heatmap and the contour lines change only with the landscape or the view: Qt keeps them as
        # pixmaps in device coordinates, so a frame repaints the moving balls and trails over two blits
        # instead of rescaling the image and stroking every contour segment again.
        for static in (
            self.image,
            self.basins,
            self.contours.curve,
            *(self.plot_item.getAxis(a) for a in ("left", "bottom")),
        ):
            static.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.best_ball.setZValue(10.5)
        self.starts.setZValue(9)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.setToolTip("")
        self._frame_colors: object = None  # the runs' colours of the last frame shown
        self._basin_map = None  # the basin map shown
        self.glyph_layer = GlyphLayerMap(self)
        self.batch_contours = BatchContours(self)

    def set_scale(self, scale: float) -> None:
        """Presentation mode: ball and start sizes, trail widths and axis fonts × ``scale``."""
        from PySide6.QtGui import QFont

        self.scale = float(scale)
        font = QFont()
        font.setPointSizeF(9 * self.scale)
        for a in ("left", "bottom"):
            self.plot_item.getAxis(a).setStyle(tickFont=font)
            self.plot_item.getAxis(a).label.setFont(font)
        self.starts.setSize(11 * self.scale)
        for t in self.trails + self._best_trail[:1]:
            pen = pg.mkPen(t.opts["pen"])
            pen.setWidthF(line_width(self._n_runs, self.scale))
            t.setPen(pen)

    def set_landscape(
        self, landscape, *, colormap="viridis", log_height=False, contours=True, resolution=200, grid=None
    ):
        """Heatmap and contours (2-D) or the curve (1-D); ``grid`` is ``landscape.grid(resolution)`` when
        already computed. Axis labels are the landscape's parameter names."""
        self.landscape = landscape
        cmap = pg.colormap.get(colormap)
        self.clear_runs()
        (x_lo, x_hi) = landscape.domain[0]
        names = axis_names(landscape)
        self.plot_item.setLabel("bottom", names[0])
        set_title(self.plot_item, slice_title(landscape))
        if landscape.dim == 2:
            xs, ys, z = landscape.grid(int(resolution)) if grid is None else grid
            self.display_scale = (bool(log_height), _log_scale(z))
            d = _display_values(z, log_height)
            finite = d[np.isfinite(d)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            defined = np.isfinite(z)
            rgba = cmap.map(
                np.clip((np.nan_to_num(d, nan=lo) - lo) / (hi - lo + 1e-300), 0, 1).ravel(), "byte"
            )
            rgba = rgba.reshape(*d.shape, 4)
            rgba[..., 3] = np.where(defined, 255, 0)  # undefined: transparent over the hatching
            self.image.setImage(rgba, levels=None)
            (y_lo, y_hi) = landscape.domain[1]
            self.image.setRect(x_lo, y_lo, x_hi - x_lo, y_hi - y_lo)
            self._hatch(xs, ys, ~defined)
            self.image.show()
            self.levels = contour_levels(d, 16)
            seg = contour_segments(d, self.levels)
            if len(seg):
                p = seg.reshape(-1, 2)
                self.contours.setData(
                    np.interp(p[:, 0], np.arange(len(xs)), xs), np.interp(p[:, 1], np.arange(len(ys)), ys)
                )
            else:
                self.contours.setData([], [])
            self.contours.setVisible(contours)
            self.curve.setData([], [])
            self.plot_item.setLabel("left", names[1])
            self.plot_item.setLogMode(False, False)
            self.plot_item.setAspectLocked(False)
            self.plot_item.setRange(xRange=(x_lo, x_hi), yRange=(y_lo, y_hi), padding=0.02)
        else:
            xs, v = landscape.grid(int(resolution) * 4) if grid is None else grid
            self.image.hide()
            self.contours.setData([], [])
            defined = np.isfinite(v)
            self.curve.setData(xs, np.where(defined, v, np.nan), connect="finite")  # a gap where undefined
            self._hatch(xs, None, ~defined)
            self.plot_item.setLabel("left", f"J({names[0]})")
            self.plot_item.setRange(xRange=(x_lo, x_hi), padding=0.03)
            self.plot_item.enableAutoRange(axis="y")
        self.set_critical_points([])
        self.set_basins(None)
        self._basin_map = None

    def set_basins(self, axes=None, rgba=None) -> None:
        """Colour the map by an RGBA image sampled on ``axes`` (``rgba[ix, iy]``: a basin map, each sample's
        cell around it); ``None`` hides it. In 1-D the samples are dots along the curve."""
        if rgba is None or self.landscape is None:
            self.basins.hide()
            self.basin_dots.setData([], [])
            return
        rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
        if self.landscape.dim == 2:
            (xs, ys) = axes
            hx = (xs[-1] - xs[0]) / (2 * max(1, len(xs) - 1))
            hy = (ys[-1] - ys[0]) / (2 * max(1, len(ys) - 1))
            self.basins.setImage(rgba, autoLevels=False)  # column-major: image[ix, iy]
            self.basins.setRect(xs[0] - hx, ys[0] - hy, xs[-1] - xs[0] + 2 * hx, ys[-1] - ys[0] + 2 * hy)
            self.basins.show()
        else:
            x, y = self.map_xy(np.asarray(axes[0])[:, None])
            self.basin_dots.setData(x, y, brush=[pg.mkBrush(*c) for c in rgba.tolist()])

    def _hatch(self, xs, ys, undefined: np.ndarray) -> None:
        """Hatch the grid cells (2-D) or x intervals (1-D, full height) where J is undefined."""
        path = QPainterPath()
        if undefined.any():
            dx = (xs[-1] - xs[0]) / max(1, len(xs) - 1)
            if ys is None:
                for i in np.flatnonzero(undefined):
                    path.addRect(QRectF(xs[i] - dx / 2, -1e9, dx, 2e9))
            else:
                dy = (ys[-1] - ys[0]) / max(1, len(ys) - 1)
                for i in np.flatnonzero(undefined.any(axis=1)):  # one rectangle per run of cells in a column
                    col = np.concatenate([[False], undefined[i], [False]]).astype(np.int8)
                    edges = np.flatnonzero(np.diff(col))
                    for j0, j1 in zip(edges[0::2], edges[1::2], strict=True):
                        path.addRect(QRectF(xs[i] - dx / 2, ys[j0] - dy / 2, dx, (j1 - j0) * dy))
            path = path.simplified()
        self.undefined.setPath(path)
        self.undefined.setVisible(bool(undefined.any()))

    def set_undefined_style(self, color) -> None:
        """Colour of the hatching and of the 1-D curve J(x) (the theme's foreground: the curve's old pale
        grey vanished on the light theme's white)."""
        brush = QBrush(QColor(*color), Qt.BrushStyle.BDiagPattern)
        self.undefined.setBrush(brush)
        self.curve.setPen(pg.mkPen((*color[:3], 200), width=2))

    def display_values(self, values) -> np.ndarray:
        """Values as the heatmap shows them (the same log scale as the landscape's surface)."""
        log, scale = getattr(self, "display_scale", (False, (0.0, 1.0)))
        return _display_values(values, log, scale)

    def map_xy(self, points, values=None) -> tuple[np.ndarray, np.ndarray]:
        assert self.landscape is not None  # the map shows a landscape
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
            x, y = self.map_xy([p.position for p in pts], [p.value for p in pts])
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
        x, y = self.map_xy(points)
        if len(x) >= MARKED_STARTS:  # random restarts: where the runs end is the lesson (as the 3D view)
            x, y = x[:0], y[:0]
        self.starts.setData(x, y, size=11 if len(x) < MANY_RUNS else 5)

    def clear_runs(self) -> None:
        self._frame_colors = None
        for t in self.trails + self.edges + self.ball_items + self._best_trail:
            self.plot_item.removeItem(t)
        self.trails, self.edges, self.ball_items, self._trail_runs, self._n_runs = [], [], [], [], 0
        self._best_trail = []  # the best run's trail and its edge
        self._groups: list[np.ndarray] = []
        self.best_ball.setData([], [])
        self.best.setData([], [])

    def set_runs(self, colors, trails: Trails, positions, values=None, best: int | None = None) -> None:
        """One (r, g, b, a) byte colour per optimizer, then per run (the runs of optimizer g follow each other,
        ``trails.sizes[g]`` of them). Each optimizer's trails are one item, its balls another (one item per run
        cost ~15 ms per frame at 32 runs in pyqtgraph's per-item bookkeeping; one brush per ball, ~50 ms at
        1000); the best run's trail and ball are drawn over them in its own colour."""
        self.clear_runs()
        self._group_colors, self._run_colors = list(colors[0]), list(colors[1])
        width = line_width(len(self._run_colors), self.scale)
        offsets = np.cumsum([0, *trails.sizes])
        for g, key in enumerate(self._group_colors):
            self._groups.append(np.arange(offsets[g], offsets[g + 1]))
            self._add_trail(key, width, 5, (self.trails, self.edges))
            balls = pg.ScatterPlotItem(pen=pg.mkPen("w", width=1.5), brush=pg.mkBrush(*key))
            balls.setZValue(10)
            self.plot_item.addItem(balls)
            self.ball_items.append(balls)
        self._add_trail(
            (0, 0, 0, 0), width, 5.2, (self._best_trail, self._best_trail)
        )  # recoloured per frame
        self._n_runs = len(self._run_colors)
        self.update_runs(trails, positions, values, best)

    def _add_trail(self, color, width: float, z: float, lists) -> None:
        t = ChunkedCurve(pen=pg.mkPen(color, width=width), connect="finite")
        t.setZValue(z)
        t.setVisible(self._trails_visible)
        self.plot_item.addItem(t)
        lists[0].append(t)
        # a dark edge under the trail, shown over a basin map (pale colours under a coloured trail)
        edge = ChunkedCurve(pen=pg.mkPen(OUTLINE, width=width + 2.5 * self.scale), connect="finite")
        edge.setZValue(z - 0.5)
        edge.setVisible(self._trails_visible and self._outlined)
        self.plot_item.addItem(edge)
        lists[1].append(edge)

    def update_runs(self, trails: Trails, positions, values=None, best: int | None = None) -> None:
        """Trails and balls; ``best`` (a run index) gets a bigger ball, over the others."""
        if self.landscape is None or not self.trails:
            return
        keep = points_per_run(self._n_runs)  # many runs: each trail thinned (drawing/curves.py)
        n = min(self._n_runs, len(positions))
        pos = np.asarray(positions)[:n]
        vals = None if values is None else np.asarray(values)[:n]
        x, y = self.map_xy(pos, vals) if n else (np.empty(0), np.empty(0))
        size = (13.0 if n < MANY_RUNS else 7.0) * self.scale  # hundreds of restarts: smaller
        best = -1 if best is None else int(best)
        has_best = 0 <= best < n
        self._trail_runs = []
        best_piece = None
        for g, runs in enumerate(self._groups):
            points, pvals, counts = trails.block(g, keep) if g < len(trails.first) else (None, None, None)
            shown = runs < n
            if has_best:
                shown &= runs != best
            self._trail_runs.append(runs[shown])
            self.ball_items[g].setData(x[runs[shown]], y[runs[shown]], size=size)
            if points is None:
                self._set_trail(self.trails[g], self.edges[g], np.empty(0), np.empty(0))
                continue
            assert counts is not None  # a block comes with its counts
            tx, ty = self.map_xy(points, pvals)
            if has_best and best in runs:
                k = int(np.searchsorted(runs, best))
                lo = int(counts[:k].sum())
                best_piece = (tx[lo : lo + counts[k]], ty[lo : lo + counts[k]])
            if not shown.all():
                mask = np.repeat(shown[: len(counts)], counts)
                tx, ty, counts = tx[mask], ty[mask], counts[shown[: len(counts)]]
            if self._n_runs >= THIN_FROM:  # 1 px lines: where each run starts said by a connect array
                self._set_trail(self.trails[g], self.edges[g], tx, ty, connected(counts))
            else:
                self._set_trail(self.trails[g], self.edges[g], nan_joined(tx, counts), nan_joined(ty, counts))
        line, edge = self._best_trail
        if has_best:
            color = self._run_colors[best]
            if line.opts["pen"].color().getRgb() != tuple(color):
                pen = pg.mkPen(line.opts["pen"])
                pen.setColor(pg.mkColor(color))
                line.setPen(pen)
            self._set_trail(line, edge, *(best_piece or (np.empty(0), np.empty(0))))
            self.best_ball.setData(
                x[best : best + 1], y[best : best + 1], size=24.0 * self.scale, brush=color
            )
            self.best.setData(x[best : best + 1], y[best : best + 1])
        else:
            self._set_trail(line, edge, np.empty(0), np.empty(0))
            self.best_ball.setData([], [])
            self.best.setData([], [])

    def _set_trail(self, line, edge, x: np.ndarray, y: np.ndarray, connect=None) -> None:
        """``connect``: pyqtgraph's array (0 where a run starts), else NaNs separate the runs in ``x``, ``y``.
        (pyqtgraph draws a NaN-separated curve one piece at a time when under 2 % of it are NaNs: ~15 ms a
        frame for 1000 restarts, against one vectorised path from a connect array)."""
        connect = "finite" if connect is None else connect
        line.setData(x, y, connect=connect)
        if self._outlined:
            edge.setData(x, y, connect=connect)

    def set_visibility(self, contours=None, markers=None, trails=None) -> None:
        if contours is not None:
            self.contours.setVisible(bool(contours))
        if markers is not None:
            for m in self.markers:
                m.setVisible(bool(markers))
        if trails is not None:
            self._trails_visible = bool(trails)
            for t in self.trails + self._best_trail[:1]:
                t.setVisible(self._trails_visible)
            for edge in self.edges + self._best_trail[1:]:
                edge.setVisible(self._trails_visible and self._outlined)

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

    def set_equal_aspect(self, on: bool) -> None:
        """One scale on both axes (a round bowl looks round), or the map filling its panel."""
        self.plot_item.vb.setAspectLocked(bool(on) and (self.landscape is None or self.landscape.dim == 2))

    def show_frame(self, frame, theme: str) -> None:
        """Draw a :class:`~landscape_gui.core.frames.presenter.Frame`: runs, glyphs, basins, minibatch contours."""
        snap = frame.snapshot
        run_colors = frame.colors
        # each optimizer's colour: that of its runs other than the best (all its runs share it)
        first = np.cumsum([0, *(t.runs for t in snap.tracks)])[:-1]
        group_colors = [
            run_colors[k + 1 if k == frame.best and t.runs > 1 else k] if t.runs else (0, 0, 0, 0)
            for k, t in zip(first.tolist(), snap.tracks, strict=True)
        ]
        trails = Trails.of_frame(frame)
        key = (group_colors, len(run_colors))
        if key != self._frame_colors:
            self.set_runs((group_colors, run_colors), trails, snap.positions, snap.values, frame.best)
            self._frame_colors = key
        else:
            self._run_colors = run_colors
            self.update_runs(trails, snap.positions, snap.values, best=frame.best)
        self.glyph_layer.update(frame.glyphs, theme)
        self.batch_contours.update(snap.batch_surface)
        basins = frame.basins
        basin_key = (None, None) if basins is None else basins.key
        if self._basin_map is None or any(
            a is not b for a, b in zip(basin_key, self._basin_map, strict=True)
        ):
            self._basin_map = basin_key
            self.set_basins(None) if basins is None else self.set_basins(basins.axes, basins.rgba)
            self._outlined = basins is not None
            self.set_visibility(trails=self._trails_visible)
            self.update_runs(trails, snap.positions, snap.values, best=frame.best)
        self.setToolTip(legend_html(frame.legend, theme))
