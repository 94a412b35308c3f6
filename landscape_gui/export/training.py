"""Frames of a trained network: the exports of a scenario with a ``[training]`` section (issue 27).

Such a scenario's subject is the network trained in all its parameters, not the 2-D slice its landscape draws;
so its export shows what the window's "Trained network" dock shows, drawn by the same widgets:
:func:`~landscape_gui.core.training.session.trained_plane` is computed in-process (training, then the loss on
the plane at its finest resolution), and frame ``k`` shows step :meth:`ExportSettings.step_at` ``(k)`` of it.

- ``map``: the PCA plane (:class:`~landscape_gui.drawing.training_plane.TrainingPlane`: the loss on it, each
  run's path projected, replayed step by step, its ball at the step shown);
- ``composite``: the plane beside the full-data loss of each run
  (:class:`~landscape_gui.drawing.training_loss.TrainingLossPlot`) over the sharpness λmax against 2/lr
  (:class:`~landscape_gui.drawing.sharpness_plot.SharpnessPlot`, from
  :func:`~landscape_gui.core.frames.sharpness.training_sharpness`);
- ``3d``: the same as ``map`` (the plane is not drawn as a 3D surface).

Every view has, along its bottom, the lines of :func:`~landscape_gui.core.training.session.plane_caption`
(the network, the share of the paths' variance the plane explains, each run's loss, accuracy and largest
distance from the plane), each run's line after a swatch of its colour; the "title" and "step" overlays are
painted on the plane. Fonts and line widths scale with the frame height as in the other views.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from landscape_gui.core.frames.palette import optimizer_colors
from landscape_gui.core.frames.presenter import optimizer_label
from landscape_gui.core.frames.sharpness import sharpness_until, training_sharpness
from landscape_gui.core.scenario.files import ExportSettings, Scenario
from landscape_gui.core.training.projection import PlaneSurface
from landscape_gui.core.training.session import TrainedPlane, plane_caption, trained_plane
from landscape_gui.core.training.train import TrainingCancelled
from landscape_gui.drawing.overlays import OverlayPainter, body_unit, frame_scale
from landscape_gui.drawing.qt_app import ensure_app
from landscape_gui.drawing.sharpness_plot import SharpnessPlot
from landscape_gui.drawing.theme import THEMES, text_rgb
from landscape_gui.drawing.training_loss import TrainingLossPlot
from landscape_gui.drawing.training_plane import TrainingPlane
from landscape_gui.export.views import _offscreen, _style_2d, font_px
from landscape_gui.export.writers import ExportCancelled

__all__ = ["TrainingRenderer", "training_rects"]

#: The most of the frame's height the caption's band takes (its text is cut beyond).
MAX_BAND_SHARE = 0.4
#: The least height of the plots above the band, in pixels.
MIN_PLOTS = 60


def training_rects(view: str, size: tuple[int, int], band: int) -> dict[str, QRect]:
    """The rectangle of each panel of ``view`` in a frame of ``size`` with a caption ``band`` along its
    bottom: ``plane`` (all views), ``loss`` and ``sharpness`` (composite, right of the plane when the frame is
    wider than tall, below it otherwise)."""
    w, h = size[0], max(1, size[1] - band)
    if view in ("3d", "map"):
        return {"plane": QRect(0, 0, w, h)}
    if view != "composite":
        raise ValueError(f"unknown view {view!r}")
    if w >= h:
        left, half = w // 2, h // 2
        return {
            "plane": QRect(0, 0, left, h),
            "loss": QRect(left, 0, w - left, half),
            "sharpness": QRect(left, half, w - left, h - half),
        }
    a, b = round(h * 0.5), round(h * 0.75)
    return {"plane": QRect(0, 0, w, a), "loss": QRect(0, a, w, b - a), "sharpness": QRect(0, b, w, h - b)}


class TrainingRenderer:
    """The frames of a scenario with ``[training]``, as :class:`~landscape_gui.export.render.FrameRenderer`
    gives them: ``total``, :meth:`frame` (an opaque ``QImage`` of the export's size), :meth:`render`,
    :meth:`frames`, :meth:`close`. ``landscape`` is unused (the trained network is not a landscape)."""

    def __init__(
        self,
        scenario: Scenario,
        export: ExportSettings | None = None,
        *,
        landscape=None,
        cancel: Callable[[], bool] | None = None,
        trained: tuple[TrainedPlane, PlaneSurface] | None = None,
    ):
        """``trained``: the scenario's plane and its finest surface when the window has them already;
        otherwise the network trains here, and ``cancel()`` turning True stops it (:class:`ExportCancelled`)."""
        if scenario.training is None:
            raise ValueError("the scenario has no [training] section")
        ensure_app()
        self.scenario = scenario
        self.export = export or scenario.export
        self.size = (self.export.size[0], self.export.size[1])
        self.total = self.export.frame_count(scenario.steps)
        self.next_frame = 0
        self.plane: TrainedPlane | None = None
        self.surface: PlaneSurface | None = None
        if trained is not None:
            self.plane, self.surface = trained
        else:  # the training, then the plane's loss coarse to fine: the finest kept
            try:
                for item in trained_plane(scenario, cancelled=cancel):
                    if isinstance(item, TrainedPlane):
                        self.plane = item
                    else:
                        self.surface = item
            except TrainingCancelled:
                raise ExportCancelled("export cancelled: nothing was written") from None
        assert self.plane is not None and self.surface is not None  # trained_plane yields both
        self.colors = list(optimizer_colors(o.id for o in scenario.optimizers))
        self.names = [optimizer_label(o) for o in scenario.optimizers]
        #: The caption's lines, exactly as the core words them (the window shows the same).
        self.caption = plane_caption(self.plane, self.names)
        self.theme = scenario.view.theme_or_default()
        self.unit = body_unit(self.size[1])
        self.font = QFont("DejaVu Sans")
        self.font.setPixelSize(round(self.unit * 0.9))
        self.band = self._band_height()
        self._build_panels()

    # -- layout -----------------------------------------------------------------------------------------------
    def _caption_layout(self, painter: QPainter | None = None, top: float = 0.0) -> float:
        """Lay the caption's lines out (and draw them with ``painter``) from ``top``; their height."""
        w = self.size[0]
        margin, swatch = self.unit * 0.8, self.unit * 1.4
        metrics = QFontMetricsF(self.font)
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
        y = top + margin * 0.5
        runs = len(self.caption) - len(self.plane.training.runs) if self.plane is not None else 0
        for i, text in enumerate(self.caption):
            indent = swatch if i >= runs else 0.0
            box = QRectF(margin + indent, y, w - 2 * margin - indent, 10 * metrics.height())
            rect = metrics.boundingRect(box, flags, text)
            if painter is not None:
                if i >= runs:
                    r, g, b = (int(v) for v in self.colors[i - runs][:3])
                    bar = QRectF(margin, y + metrics.height() * 0.4, swatch * 0.7, metrics.height() * 0.25)
                    painter.fillRect(bar, QColor(r, g, b))
                painter.setPen(QColor(*text_rgb(self.theme)))
                painter.setFont(self.font)
                painter.drawText(box, flags, text)
            y += rect.height()
        return y + margin * 0.5 - top

    def _band_height(self) -> int:
        limit = max(0, min(round(self.size[1] * MAX_BAND_SHARE), self.size[1] - MIN_PLOTS))
        return min(limit, round(self._caption_layout()))

    def _build_panels(self) -> None:
        assert self.plane is not None and self.surface is not None
        height = self.size[1]
        scale, px = frame_scale(height), font_px(height)
        self.rects = training_rects(self.export.view, self.size, self.band)
        self.widgets: dict[str, QWidget] = {}
        plane = TrainingPlane()
        _offscreen(plane, self.rects["plane"])
        p = self.plane.projection
        plane.set_paths(p.paths, self.colors, p.explained)
        plane.set_surface(self.surface.a, self.surface.b, self.surface.loss)
        for item, color in zip(plane.paths, self.colors, strict=False):
            item.setPen(color=tuple(int(v) for v in color[:3]), width=2 * scale)
        plane.balls.setSize(12 * scale)
        for marker in (plane.start, plane.origin):
            marker.setSize(13 * scale)
        _style_2d(plane, self.theme, px)
        self.widgets["plane"] = plane
        self.plane_widget = plane
        if "loss" in self.rects:
            loss = TrainingLossPlot()
            loss.set_scale(scale)
            _offscreen(loss, self.rects["loss"])
            loss.set_training(self.plane.training, self.colors)
            _style_2d(loss, self.theme, px)
            sharp = SharpnessPlot()
            sharp.set_scale(scale)
            sharp.setLabel("left", "λmax")
            sharp.setLabel("bottom", "step")
            _offscreen(sharp, self.rects["sharpness"])
            sharp.setXRange(0, max(1, self.plane.training.steps), padding=0.02)
            _style_2d(sharp, self.theme, px)
            self.widgets["loss"], self.widgets["sharpness"] = loss, sharp
        self.sharpness = training_sharpness(self.plane.training)
        overlays = tuple(o for o in self.export.overlays if o in ("title", "step"))
        self.overlay = OverlayPainter(self.size, self.theme, overlays)
        QApplication.sendPostedEvents()
        self.show_step(0)  # drawn once off the frame: pyqtgraph lays its axes out while drawing
        scratch = QImage(*self.size, QImage.Format.Format_RGB32)
        painter = QPainter(scratch)
        try:
            self._draw(painter)
        finally:
            painter.end()
        QApplication.sendPostedEvents()

    # -- frames -----------------------------------------------------------------------------------------------
    def show_step(self, step: int) -> None:
        """Every panel as the training stood at ``step``."""
        self.plane_widget.show_step(step)
        if "loss" in self.widgets:
            loss, sharp = self.widgets["loss"], self.widgets["sharpness"]
            assert isinstance(loss, TrainingLossPlot) and isinstance(sharp, SharpnessPlot)
            loss.show_step(step)
            sharp.show_curves(sharpness_until(self.sharpness, step), self.colors, self.colors)
        QApplication.sendPostedEvents()

    def _draw(self, painter: QPainter) -> None:
        for name, widget in self.widgets.items():
            QWidget.render(widget, painter, self.rects[name].topLeft())
        if self.band:
            painter.save()
            painter.setClipRect(QRectF(0, self.size[1] - self.band, self.size[0], self.band))
            self._caption_layout(painter, self.size[1] - self.band)
            painter.restore()

    def _plot_area(self) -> QRectF:
        """The plane's plotting area in frame pixels (inside its axes): where the title and step go."""
        widget = self.plane_widget
        box = widget.mapFromScene(widget.getPlotItem().vb.sceneBoundingRect()).boundingRect()
        return QRectF(box.translated(self.rects["plane"].topLeft()))

    def frame(self, k: int) -> QImage:
        """Frame ``k`` as an opaque ``QImage`` (``Format_RGB32``) of exactly the export's size. Frames go in
        increasing order."""
        if k < self.next_frame - 1 or not 0 <= k < self.total:
            raise ValueError(f"frame {k}: frames are rendered in order, 0 … {self.total - 1}")
        step = self.export.step_at(k, self.scenario.steps)
        self.show_step(step)
        image = QImage(*self.size, QImage.Format.Format_RGB32)
        image.fill(QColor(THEMES[self.theme]["plot_bg"]))
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        try:
            self._draw(painter)
        finally:
            painter.end()
        self.overlay.paint(
            image,
            area=self._plot_area(),
            title=self.scenario.title,
            rows=[],
            step=step,
            steps=self.scenario.steps,
        )
        self.next_frame = k + 1
        return image

    def render(self, k: int) -> np.ndarray:
        """Frame ``k`` as an RGB ``uint8`` array of shape (height, width, 3)."""
        from pyqtgraph.functions import ndarray_from_qimage

        rgb = self.frame(k).convertToFormat(QImage.Format.Format_RGB888)
        return ndarray_from_qimage(rgb)[..., :3].copy()

    def frames(self):
        """Every frame, in order."""
        for k in range(self.next_frame, self.total):
            yield self.render(k)

    def close(self) -> None:
        for widget in self.widgets.values():
            widget.close()
            widget.deleteLater()
        self.widgets = {}
