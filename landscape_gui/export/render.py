"""Frames of a scenario: its simulation stepped frame by frame and drawn by the app's own widgets.

:class:`FrameRenderer` builds the panels of the export's view (:mod:`.views`: the 3D view, the 2-D map, or both
with the loss curves), each an offscreen widget of the drawing layer at exactly its size in the frame, feeds
them the runs at every frame and paints the overlays (:mod:`~landscape_gui.drawing.overlays`) over the whole
frame with QPainter. Nothing depends on any window's size.

Frame ``k`` shows the simulation after :meth:`ExportSettings.step_at` ``(k)`` steps; the 3D camera starts at the
scenario's camera (or the scene's default) and turns ``orbit × k / frames`` degrees in azimuth, so a
360° orbit loops seamlessly. Everything is deterministic: the same scenario gives the same frames.

GL needs the GUI thread: render frames there (the exporter feeds them to a writer thread that encodes).
A QApplication is created if there is none, with ``AA_ShareOpenGLContexts`` so that this widget and the
main window's view can coexist.
"""

from __future__ import annotations

import sys

import numpy as np

from landscape_gui.core.frames.ahead import whole_run_losses
from landscape_gui.core.scenario.files import ExportSettings, Scenario
from landscape_gui.drawing.qt_app import ensure_app

__all__ = ["FRAME_PIXELS", "FrameRenderer", "frame_pixels"]

#: How :func:`frame_pixels` lays a frame out: Qt's ``Format_RGB32`` is B, G, R, 0xFF in a little-endian
#: machine's memory, which the writers take as it is ("bgrx"); elsewhere frames are converted to RGB.
FRAME_PIXELS = "bgrx" if sys.byteorder == "little" else "rgb"


class _ImageMemory:
    """A QImage's pixel memory shown to numpy: every array made from it (views included, whose ``base`` numpy
    collapses to the object owning the memory) keeps this object, and so the image, alive."""

    def __init__(self, image, shape: tuple[int, ...]):
        self.image = image
        address = np.frombuffer(image.constBits(), dtype=np.uint8).ctypes.data
        self.__array_interface__ = {"shape": shape, "typestr": "|u1", "data": (address, True), "version": 3}


def frame_pixels(image) -> np.ndarray:
    """The pixels of a frame from :meth:`FrameRenderer.frame`, laid out as :data:`FRAME_PIXELS`, without a
    copy where they can be taken as they are. The array keeps the image alive; neither may change after."""
    from pyqtgraph.functions import ndarray_from_qimage
    from PySide6.QtGui import QImage

    h, w = image.height(), image.width()
    if FRAME_PIXELS == "rgb" or image.bytesPerLine() != 4 * w:
        rgb_image = image.convertToFormat(QImage.Format.Format_RGB888)
        return ndarray_from_qimage(rgb_image)[..., :3].copy()  # a copy: the view dies with rgb_image
    return np.asarray(_ImageMemory(image, (h, w, 4)))


class FrameRenderer:
    """Render a scenario's frames in order: ``for k in range(r.total): frame = r.render(k)``.

    Each frame is described by the core's presenter (:func:`~landscape_gui.core.frames.presenter.present`) from
    a snapshot of the simulation, exactly as the window describes its frames; :meth:`describe` gives that
    description without drawing it.
    """

    def __init__(self, scenario: Scenario, export: ExportSettings | None = None, *, landscape=None):
        from concurrent.futures import ThreadPoolExecutor

        from landscape_gui.core.analysis.basins import basin_map
        from landscape_gui.core.analysis.critical import critical_points
        from landscape_gui.core.frames.presenter import basin_problem, batch_surface_shown
        from landscape_gui.core.frames.snapshot import (
            BATCH_SURFACE_RESOLUTION,
            DISPLAY_POINTS,
            Detail,
            Snapshotter,
        )

        self.scenario = scenario
        self.export = export or scenario.export
        self.size = (self.export.size[0], self.export.size[1])  # (width, height), as declared
        self.total = self.export.frame_count(scenario.steps)
        self.sim = scenario.build_simulation(max_points=DISPLAY_POINTS, landscape=landscape)
        self.landscape = self.sim.landscape
        self.shots = Snapshotter(self.sim)
        view = scenario.view
        self.detail = Detail(
            glyphs=bool(view.glyphs),
            caption_run=0 if "step_caption" in self.export.overlays else None,
            batch_surface=BATCH_SURFACE_RESOLUTION if batch_surface_shown(scenario, self.landscape) else 0,
        )
        self.next_frame = 0
        self.critical = []
        # The critical points (~0.5 s, plus sympy's import for a polynomial) and the basins are computed while
        # Qt, OpenGL and the widgets start; they are set before the first frame, exactly as if set first.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="export-analysis") as pool:
            critical = pool.submit(critical_points, self.landscape) if view.critical_points else None
            grid = scenario.basins.grid if scenario.basins is not None else 0  # a problem only with [basins]
            maps = [
                pool.submit(basin_map, problem, grid) if problem is not None else None
                for problem in (basin_problem(scenario, self.landscape, compare=c) for c in (False, True))
            ]  # the basins, and those of the optimizer they are compared with
            # the composite's curves take their axes from the whole clip, simulated ahead: meanwhile too
            self._losses = (
                pool.submit(whole_run_losses, scenario, self.landscape)
                if self.export.view == "composite"
                else None
            )
            self._build_panels()
            if critical is not None:
                self.critical = critical.result()
                for panel in self.panels:
                    panel.set_critical_points(self.critical)
            self.basins, self.compared = (m.result() if m is not None else None for m in maps)
        for panel in self.panels:
            panel.settle()

    def _build_panels(self) -> None:
        ensure_app()

        from PySide6.QtCore import QRectF

        from landscape_gui.core.frames.presenter import log_height
        from landscape_gui.drawing.caption import caption_height
        from landscape_gui.drawing.overlays import OverlayPainter, body_unit
        from landscape_gui.export.views import make_panels

        view, s = self.scenario.view, self.scenario
        band = 0
        if (
            self.export.view == "composite"
            and "caption" in self.export.overlays
            and (s.title or s.description)
        ):
            heading = "" if "title" in self.export.overlays else s.title  # as the overlay paints it
            band = round(caption_height(self.size, body_unit(self.size[1]), heading, s.description))
        self.band = band
        self.panels, column = make_panels(
            self.export.view,
            self.size,
            s,
            self.sim,
            log_height=log_height(s, self.landscape),
            band=band,
            legend="legend" in self.export.overlays,
            losses=self._losses,
        )
        self.legend_area = None if column is None else QRectF(column)
        self.overlay = OverlayPainter(self.size, view.theme_or_default(), self.export.overlays)
        self.area = (
            None  # where the overlays go: the whole frame, a map's plotting area, the composite's 3D view
        )

    # -- one frame ------------------------------------------------------------------------------------------
    def describe(self, k: int):
        """What frame ``k`` shows (:class:`~landscape_gui.core.frames.presenter.Frame`), the simulation stepped
        to its step. Frames go in increasing order."""
        from landscape_gui.core.frames.presenter import present

        if k < self.next_frame - 1 or not 0 <= k < self.total:
            raise ValueError(f"frame {k}: frames are rendered in order, 0 … {self.total - 1}")
        target = self.export.step_at(k, self.scenario.steps)
        current = int(self.sim.groups[0].t) if self.sim.groups else 0
        if target > current:
            self.sim.step(target - current)
        snapshot = self.shots.take(self.detail)
        return present(
            snapshot,
            self.scenario,
            self.landscape,
            critical_points=self.critical,
            basin_map=self.basins,
            compare_map=self.compared,
        )

    def frame(self, k: int):
        """Frame ``k`` as an opaque ``QImage`` (``Format_RGB32``) of exactly the export's size, overlays
        included. Frames go in increasing order."""
        from PySide6.QtGui import QColor, QImage, QPainter
        from PySide6.QtWidgets import QApplication

        from landscape_gui.drawing.theme import THEMES
        from landscape_gui.export.views import SurfacePanel

        frame = self.describe(k)
        turn = self.export.orbit * k / self.total
        for panel in self.panels:
            panel.update(frame, turn)
            panel.drop_repaints()
        # whatever the widgets posted (layout, view-range updates) is handled now, not whenever an event loop
        # turns: an export from the window's dialog and one from the command line draw the same frames
        QApplication.sendPostedEvents()
        if len(self.panels) == 1 and isinstance(self.panels[0], SurfacePanel):
            image = self.panels[0].image()  # the 3D view fills the frame: its own grab is the frame
        else:
            image = QImage(*self.size, QImage.Format.Format_RGB32)
            if self.band or self.legend_area is not None:  # the caption's band, the legend's column
                image.fill(QColor(THEMES[self.scenario.view.theme_or_default()]["plot_bg"]))
            painter = QPainter(image)
            try:
                for panel in self.panels:
                    panel.draw(painter)
            finally:
                painter.end()
        if self.area is None:  # once, the panels laid out
            self.area = self._overlay_area()
        self.overlay.paint(
            image,
            area=self.area,
            legend_area=self.legend_area,
            title=frame.title,
            rows=list(frame.legend),
            step=frame.step,
            steps=frame.steps,
            description=frame.description,
            step_caption=list(frame.caption) if frame.caption else None,
        )
        self.next_frame = k + 1
        return image

    def _overlay_area(self):
        """Where the title, legend and step counter go: inside the map's axes on a map frame, on the 3D view in a
        composite (never over the map's ticks or the loss curves), the whole frame otherwise."""
        from PySide6.QtCore import QRectF

        from landscape_gui.export.views import MapPanel, SurfacePanel

        if self.export.view == "map":
            return next(p for p in self.panels if isinstance(p, MapPanel)).plot_area()
        if self.export.view == "composite":
            return QRectF(next(p for p in self.panels if isinstance(p, SurfacePanel)).rect)
        return None

    def render(self, k: int) -> np.ndarray:
        """Frame ``k`` as an RGB ``uint8`` array of shape (height, width, 3). Frames go in increasing order."""
        from pyqtgraph.functions import ndarray_from_qimage
        from PySide6.QtGui import QImage

        rgb_image = self.frame(k).convertToFormat(QImage.Format.Format_RGB888)
        return ndarray_from_qimage(rgb_image)[..., :3].copy()  # a copy: the view dies with rgb_image

    def frames(self):
        """Every frame, in order."""
        for k in range(self.next_frame, self.total):
            yield self.render(k)

    def close(self) -> None:
        for panel in self.panels:
            panel.close()
        self.panels = []
