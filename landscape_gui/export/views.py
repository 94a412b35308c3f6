"""What an exported frame shows, the scenario's ``[export] view``: ``3d``, ``map`` or ``composite``.

A view is one or more *panels*, each a widget of the window's own drawing layer made offscreen (never shown on
screen: ``WA_DontShowOnScreen``) at exactly the size of its rectangle in the frame and fed the same runs at
every frame, so nothing is drawn by a second implementation:

- :class:`SurfacePanel`: the 3D view (:class:`~landscape_gui.drawing.surface_view.CachedGLView` with its
  :class:`~landscape_gui.drawing.scene.Scene3D`), captured with ``grabFramebuffer()``;
- :class:`MapPanel`: the 2-D map (:class:`~landscape_gui.drawing.map_view.MapView`: heatmap, contour lines,
  critical points, start points, trails and balls; for 1-D landscapes the curve with the balls on it);
- :class:`CurvesPanel`: the loss plot of :class:`~landscape_gui.drawing.plots.PlotsPanel` (its gradient-norm
  plot hidden), its axes fixed to the whole clip's steps and losses (the scenario is simulated once ahead,
  cheap next to drawing it), so the curves grow into a still frame and the axes are drawn once.

``composite`` (:func:`panel_rects`) puts the 3D view and the map side by side over the curves when the frame is
wider than tall (16:9: 3D and map 960×691 each over a 1920×389 band at 1080p), and stacks the three otherwise;
the legend gets a column right of the curves, the lesson caption a band along the bottom.
The 2-D panels take the scenario's theme colours (:func:`~landscape_gui.drawing.theme.style_plot`, as the window
does on a theme switch) and fonts scaled with the frame height like the overlays', so a 4K map reads like a
720p one. The overlays (title, legend, step, ...) are painted afterwards (:mod:`~landscape_gui.drawing.overlays`).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QPixmapCache
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsView, QWidget

from landscape_gui.core.frames.ahead import whole_run_losses
from landscape_gui.drawing.frame3d import Frame3D
from landscape_gui.drawing.map_view import MapView
from landscape_gui.drawing.overlays import body_unit, frame_scale
from landscape_gui.drawing.plots import PlotsPanel
from landscape_gui.drawing.surface_view import CachedGLView
from landscape_gui.drawing.theme import THEMES, style_plot

__all__ = ["CurvesPanel", "MapPanel", "SurfacePanel", "make_panels", "panel_rects"]

#: Share of a wide composite frame's height taken by the 3D view and the map (the curves get the rest).
TOP_SHARE = 0.64
#: Share of a composite frame's width kept for the legend, right of the curves.
LEGEND_SHARE = 0.3
#: Samples per axis of the surface and the map (the drawing layer's default).
GRID = 200


def panel_rects(view: str, size: tuple[int, int], band: int = 0, legend: bool = False) -> dict[str, QRect]:
    """The rectangle of each panel of ``view`` in a frame of ``size``; together they cover it exactly, but for a
    ``band`` of pixels kept free along the bottom of a composite (the lesson caption's: it covered the loss
    curves). With ``legend``, a composite keeps a ``"legend"`` column right of the curves: there the legend
    covers neither the 3D view nor the map nor a curve."""
    w, h = size
    if view == "composite" and band:
        return panel_rects(view, (w, max(16, h - band)), legend=legend)
    if view == "3d":
        return {"surface": QRect(0, 0, w, h)}
    if view == "map":
        return {"map": QRect(0, 0, w, h)}
    if view != "composite":
        raise ValueError(f"unknown view {view!r}")
    if w >= h:
        top, left = round(h * TOP_SHARE), w // 2
        rects = {
            "surface": QRect(0, 0, left, top),
            "map": QRect(left, 0, w - left, top),
            "curves": QRect(0, top, w, h - top),
        }
    else:
        a, b = round(h * 0.4), round(h * 0.75)
        rects = {"surface": QRect(0, 0, w, a), "map": QRect(0, a, w, b - a), "curves": QRect(0, b, w, h - b)}
    if legend:
        curves = rects["curves"]
        column = round(w * LEGEND_SHARE)
        rects["curves"] = QRect(curves.x(), curves.y(), curves.width() - column, curves.height())
        rects["legend"] = QRect(curves.right() + 1 - column, curves.y(), column, curves.height())
    return rects


def _offscreen(widget: QWidget, rect: QRect) -> None:
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.setMinimumSize(0, 0)  # a small frame's panel may be smaller than the window's minimum
    widget.resize(rect.width(), rect.height())
    widget.show()


def _style_2d(widget: pg.PlotWidget, theme: str, font_px: int) -> None:
    """Theme colours as the window sets them, and axis fonts of ``font_px`` pixels."""
    style_plot(widget, theme)
    font = QFont("DejaVu Sans")
    font.setPixelSize(font_px)
    for name in ("left", "bottom"):
        axis = widget.getPlotItem().getAxis(name)
        axis.setTickFont(font)
        axis.setLabel(axis.labelText, **{**axis.labelStyle, "font-size": f"{font_px}px"})


def font_px(height: int) -> int:
    """Axis text height for a frame ``height`` pixels tall (13 px at 720p, in proportion to the overlays')."""
    return round(body_unit(height) * 0.8)


class SurfacePanel:
    """The 3D view at its rectangle's size (see the module docstring)."""

    def __init__(self, rect: QRect, scenario, sim, *, log_height: bool, frame_height: int, grid=None):
        self.rect = rect
        self.theme = scenario.view.theme_or_default()
        self.widget = CachedGLView()  # a fixed camera rasterises the static scene once, not per frame
        _offscreen(self.widget, rect)
        dpr = self.widget.devicePixelRatioF()
        if dpr != 1.0:  # the framebuffer has device pixels: ask for (about) the frame size in them
            self.widget.resize(math.ceil(rect.width() / dpr), math.ceil(rect.height() / dpr))
        view = scenario.view
        self.scene = self.widget.scene3d
        self.scene.set_scale(frame_scale(frame_height))  # a 1080p trail as visible as the window's
        self.scene.set_theme(view.theme_or_default())
        self.scene.set_landscape(
            sim.landscape, colormap=view.colormap, log_height=log_height, contours=view.contours, grid=grid
        )
        self.scene.set_visibility(contours=view.contours, markers=view.critical_points, trails=view.trails)
        self.scene.set_starts(sim.starts)
        if view.camera is not None:
            self.scene.set_camera(view.camera.as_dict())
        else:
            self.scene.reset_camera()
        self.camera = self.scene.camera()
        self.markers = view.critical_points
        self.moving = Frame3D(self.scene)
        # Only grabFramebuffer() renders: every item's setData asks the widget for a repaint, which the frame's
        # sendPostedEvents() ran as a second full render (~8 ms of ~25 ms a 1080p frame) nobody looked at.
        self.widget.setUpdatesEnabled(False)

    def set_critical_points(self, points) -> None:
        """Mark ``points`` (when the scenario shows critical points)."""
        if self.markers:
            self.scene.set_critical_points(points)

    def update(self, frame, turn: float) -> None:
        """Draw ``frame``; the camera turned ``turn`` degrees in azimuth from the scenario's."""
        self.moving.show_frame(frame, self.theme)
        cam = dict(self.camera)
        cam["azimuth"] = self.camera["azimuth"] + turn
        self.scene.set_camera(cam)

    def image(self) -> QImage:
        """The panel's pixels, exactly its size, as an opaque ``Format_RGB32`` image."""
        image = self.widget.grabFramebuffer()
        w, h = self.rect.width(), self.rect.height()
        if (image.width(), image.height()) != (w, h):
            image = image.scaled(
                w, h, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        return image.convertToFormat(QImage.Format.Format_RGB32)

    def draw(self, painter: QPainter) -> None:
        painter.drawImage(self.rect.topLeft(), self.image())

    def settle(self) -> None:
        """Nothing to settle: the 3D view lays nothing out."""

    def drop_repaints(self) -> None:
        """Nothing to drop: the 3D view's own updates are off (only its grab renders)."""

    def close(self) -> None:
        self.widget.close()
        self.widget.deleteLater()


class _WidgetPanel:
    """A QWidget panel drawn with ``QWidget.render`` at its rectangle's top-left corner."""

    rect: QRect
    widget: QWidget

    def draw(self, painter: QPainter) -> None:
        QWidget.render(self.widget, painter, self.rect.topLeft())

    def settle(self) -> None:
        """Draw once, off the frame: pyqtgraph sizes its axes to their labels while drawing and lays the plot
        out again afterwards, so the first frame would otherwise depend on whether an event loop (the window's)
        had drawn the widget before."""
        scratch = QImage(self.rect.width(), self.rect.height(), QImage.Format.Format_RGB32)
        painter = QPainter(scratch)
        try:
            self.draw(painter)
        finally:
            painter.end()
        QApplication.sendPostedEvents()
        # the scene's changes no longer ask the views to repaint (they asked during the frame's
        # sendPostedEvents, and were painted there, before draw() painted them again); render() draws as before
        views = [self.widget] if isinstance(self.widget, QGraphicsView) else []
        for view in views + self.widget.findChildren(QGraphicsView):
            view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.NoViewportUpdate)

    def drop_repaints(self) -> None:
        """Forget the repaint the widget asked for: it is painted only into the frame (:meth:`draw`). Its own
        repaints, which every frame's ``sendPostedEvents()`` ran, painted it a second time (~8 ms a 1080p
        composite frame) into a backing store nobody shows. (Qt posts no new request while one is pending, so
        once dropped none comes; ``setUpdatesEnabled(False)`` would blank ``render()`` too.)"""
        QCoreApplication.removePostedEvents(self.widget.window(), QEvent.Type.UpdateRequest)

    def close(self) -> None:
        self.widget.close()
        self.widget.deleteLater()


class MapPanel(_WidgetPanel):
    """The 2-D map at its rectangle's size (see the module docstring)."""

    widget: MapView

    def __init__(self, rect: QRect, scenario, sim, *, log_height: bool, frame_height: int, grid=None):
        self.rect = rect
        self.widget = MapView()
        _offscreen(self.widget, rect)
        view = scenario.view
        self.theme = view.theme_or_default()
        self.widget.set_scale(frame_scale(frame_height))
        _style_2d(self.widget, self.theme, font_px(frame_height))
        self.widget.set_landscape(
            sim.landscape, colormap=view.colormap, log_height=log_height, contours=view.contours, grid=grid
        )
        self.widget.set_visibility(contours=view.contours, markers=view.critical_points, trails=view.trails)
        self.widget.set_starts(sim.starts)
        self.widget.set_equal_aspect(view.map_equal_aspect)
        self.markers = view.critical_points

    def set_critical_points(self, points) -> None:
        """Mark ``points`` (when the scenario shows critical points)."""
        if self.markers:
            self.widget.set_critical_points(points)
            self.widget.set_visibility(markers=True)

    def update(self, frame, turn: float) -> None:
        self.widget.show_frame(frame, self.theme)

    def plot_area(self) -> QRectF:
        """The map's plotting area in frame pixels (inside its axes): where overlays may go."""
        vb = self.widget.getPlotItem().vb
        box = self.widget.mapFromScene(vb.sceneBoundingRect()).boundingRect()
        return QRectF(box.translated(self.rect.topLeft()))

    def pixels(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Frame pixel coordinates (N, 2) of plot coordinates: the domain (2-D), or (x, J(x)) (1-D).

        Through the plot's own view-box mapping, at the state the last frame was drawn in.
        """
        vb = self.widget.getPlotItem().vb
        out = []
        for px, py in zip(np.ravel(x), np.ravel(y), strict=True):
            scene = vb.mapViewToScene(QPointF(float(px), float(py)))
            at = self.widget.mapFromScene(scene)
            out.append((self.rect.x() + at.x(), self.rect.y() + at.y()))
        return np.array(out, dtype=np.float64).reshape(-1, 2)


def _value_range(v: np.ndarray) -> tuple[float, float]:
    if not v.size:
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


class CurvesPanel(_WidgetPanel):
    """The loss of every run against the step (see the module docstring)."""

    widget: PlotsPanel

    def __init__(self, rect: QRect, scenario, sim, *, frame_height: int, losses=None):
        """``losses``: :func:`whole_run_losses` of the scenario, or a future of them (computed meanwhile)."""
        self.rect = rect
        self.widget = PlotsPanel()
        bg = THEMES[scenario.view.theme_or_default()]["plot_bg"]
        palette = self.widget.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(bg))
        self.widget.setPalette(palette)
        self.widget.setAutoFillBackground(True)
        layout = self.widget.layout()
        assert layout is not None  # PlotsPanel lays out its plots
        layout.setContentsMargins(0, 0, 0, 0)
        self.widget.grad_plot.hide()  # the loss alone: a second plot would halve its width
        self.widget.loss_plot.setMinimumHeight(0)
        self.widget.set_scale(frame_scale(frame_height))
        _style_2d(self.widget.loss_plot, scenario.view.theme_or_default(), font_px(frame_height))
        _offscreen(self.widget, rect)
        self.widget.loss_plot.setXRange(0, max(1, scenario.steps), padding=0.02)
        # the axes are fixed at the first frame
        self._losses = whole_run_losses(scenario, sim.landscape) if losses is None else losses
        self._ranged = False
        for axis in (
            "left",
            "bottom",
        ):  # still axes: their ticks and grid as pixmaps (~4 ms a frame less at 1080p)
            self.widget.loss_plot.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_critical_points(self, points) -> None:
        """The plots mark none."""

    def update(self, frame, turn: float) -> None:
        self.widget.show_frame(frame, grads=False, lr=False)
        if not self._ranged:  # the whole clip's range, in the frame's own terms (J, or log10(J − J*))
            self._ranged = True
            v = self._losses if isinstance(self._losses, np.ndarray) else self._losses.result()
            if frame.loss_floor is not None:
                v = np.log10(np.maximum(v - frame.loss_floor, 1e-12 * max(1.0, frame.loss_scale)))
            self.widget.loss_plot.setYRange(*_value_range(v))


def make_panels(
    view: str, size, scenario, sim, *, log_height: bool, band: int = 0, legend: bool = False, losses=None
):
    """The panels of ``view``, in drawing order, and the legend's column or ``None`` (``band``, ``legend``: see
    :func:`panel_rects`; ``losses``: for the curves, see :class:`CurvesPanel`)."""
    rects = panel_rects(view, size, band, legend)
    column = rects.pop("legend", None)
    pg.setConfigOptions(antialias=True)  # as the window's theme sets it, before any 2-D item exists
    if "map" in rects:
        # The 2-D panels keep their still layers (heatmap, contour lines, axes with their grids) as pixmaps of
        # about their size, up to four each; Qt's 10 MB pixmap cache would hold few of them at 1080p and so
        # redraw them all every frame.
        area = sum(r.width() * r.height() for name, r in rects.items() if name != "surface")
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 4 * 4 * area // 1024 + 10240))
    # one grid for the surface and the map of a 2-D landscape (a data landscape's costs seconds): both draw
    # it at the same resolution
    grid = (
        sim.landscape.grid(GRID) if "surface" in rects and "map" in rects and sim.landscape.dim == 2 else None
    )
    panels: list[SurfacePanel | MapPanel | CurvesPanel] = []
    for name, rect in rects.items():
        if name == "surface":
            panels.append(
                SurfacePanel(rect, scenario, sim, log_height=log_height, frame_height=size[1], grid=grid)
            )
        elif name == "map":
            panels.append(
                MapPanel(rect, scenario, sim, log_height=log_height, frame_height=size[1], grid=grid)
            )
        else:
            panels.append(CurvesPanel(rect, scenario, sim, frame_height=size[1], losses=losses))
    QApplication.sendPostedEvents()  # layouts and view ranges settle before the first frame
    return panels, column
