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

from landscape_gui.core.analysis.status import outside_domain
from landscape_gui.core.scenario.files import ExportSettings, Scenario

__all__ = ["FRAME_PIXELS", "FrameRenderer", "ensure_app", "frame_pixels"]

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


def ensure_app():
    """The running QApplication, or a new one set up for OpenGL rendering."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(["landscape-gui"])
    return app


class FrameRenderer:
    """Render a scenario's frames in order: ``for k in range(r.total): frame = r.render(k)``."""

    def __init__(self, scenario: Scenario, export: ExportSettings | None = None):
        from concurrent.futures import ThreadPoolExecutor

        from landscape_gui.core.analysis.critical import critical_points

        self.scenario = scenario
        self.export = export or scenario.export
        self.size = tuple(self.export.size)
        self.total = self.export.frame_count(scenario.steps)
        self.sim = scenario.build_simulation()
        self.landscape = self.sim.landscape
        self.next_frame = 0
        view = scenario.view
        # The critical points (~0.5 s, plus sympy's import for a polynomial) are searched for while Qt, OpenGL
        # and the widgets start; their markers are set before the first frame, exactly as if set first.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="critical") as pool:
            critical = pool.submit(critical_points, self.landscape) if view.critical_points else None
            self._build_panels()
            if critical is not None:
                points = critical.result()
                for panel in self.panels:
                    panel.set_critical_points(points)
        for panel in self.panels:
            panel.settle()

    def _build_panels(self) -> None:
        ensure_app()

        from landscape_gui.drawing.overlays import OverlayPainter
        from landscape_gui.drawing.palette import optimizer_color
        from landscape_gui.drawing.scene import auto_log_height
        from landscape_gui.export.analysis_layers import basin_layer
        from landscape_gui.export.views import MapPanel, SurfacePanel, make_panels

        view = self.scenario.view
        log = view.log_height if view.log_height is not None else auto_log_height(self.landscape)
        n_starts = len(self.sim.starts)
        opaque = [optimizer_color(g) for g in range(len(self.sim.groups)) for _ in range(n_starts)]
        self.panels = make_panels(
            self.export.view, self.size, self.scenario, self.sim, log_height=log, colors=opaque
        )
        self.overlay = OverlayPainter(self.size, view.theme_or_default(), self.export.overlays)
        self._names = [o.display_name() for o in self.scenario.optimizers]
        surface = next((p for p in self.panels if isinstance(p, SurfacePanel)), None)
        map_panel = next((p for p in self.panels if isinstance(p, MapPanel)), None)
        self.basins = basin_layer(self.scenario, self.landscape)  # [basins]: draped, coloured, in the legend
        if self.basins is not None:
            if surface is not None:
                surface.scene.set_surface_colors(self.basins.axes, self.basins.rgba)
            if map_panel is not None:
                map_panel.map.set_basins(self.basins.axes, self.basins.rgba)
        self.glyph_layer = None  # the [view] glyphs, when the scenario asks for some (drawn in 3D)
        if view.glyphs and surface is not None:
            from landscape_gui.drawing.glyph_layers import GlyphLayer3D

            self.glyph_layer = GlyphLayer3D(surface.scene)

    # -- one frame ------------------------------------------------------------------------------------------
    def _runs(self, step: int):
        """Every run at this frame (:class:`~landscape_gui.export.views.FrameRuns`) and the best run (or -1)."""
        from landscape_gui.drawing.palette import optimizer_color_f
        from landscape_gui.export.views import FrameRuns

        sim = self.sim
        n_groups, n_starts = len(sim.groups), len(sim.starts)
        losses = sim.losses().reshape(-1)
        best = int(np.nanargmin(losses)) if self.scenario.highlight_best and losses.size else -1
        runs = FrameRuns(step, [], [], [], [], sim.positions().reshape(n_groups * n_starts, -1), losses)
        for g in range(n_groups):
            for i, (path, steps, values) in enumerate(sim.histories(g)):
                r, gr, b, a = optimizer_color_f(g)
                if best >= 0 and g * n_starts + i != best:
                    a = 0.6  # the others stay readable; the best one is opaque and ringed in the legend
                runs.colors.append((r, gr, b, a))
                runs.colors_bytes.append(tuple(round(c * 255) for c in (r, gr, b, a)))
                runs.paths.append(path)
                runs.path_values.append(values)
                runs.history_steps.append(steps)
        return runs, best

    def _legend(self, losses: np.ndarray, best: int):
        from landscape_gui.drawing.overlays import MAX_RUN_ROWS, LegendRow
        from landscape_gui.drawing.palette import optimizer_color

        n_starts = len(self.sim.starts)
        per_run = n_starts > 1 and len(self._names) * n_starts <= MAX_RUN_ROWS
        # runs that left the shown domain are marked, not silently drawn in the void
        gone = outside_domain(self.sim.positions().reshape(-1, self.landscape.dim), self.landscape.domain)
        rows = []
        for g, name in enumerate(self._names):
            group_losses = losses[g * n_starts : (g + 1) * n_starts]
            group_gone = gone[g * n_starts : (g + 1) * n_starts]
            if per_run:
                for i in range(n_starts):
                    start = ", ".join(f"{c:.3g}" for c in self.sim.starts[i])
                    text = f"{name} from ({start})" + (" — left the domain" if group_gone[i] else "")
                    rows.append(LegendRow(optimizer_color(g), text, float(group_losses[i])))
            elif n_starts == 1:
                text = name + (" — left the domain" if group_gone[0] else "")
                rows.append(LegendRow(optimizer_color(g), text, float(group_losses[0])))
            else:
                left = f", {int(group_gone.sum())} left the domain" if group_gone.any() else ""
                rows.append(
                    LegendRow(
                        optimizer_color(g), f"{name} ({n_starts} runs{left}, best)", float(group_losses.min())
                    )
                )
        if best >= 0:
            g, i = divmod(best, n_starts)
            start = ", ".join(f"{c:.3g}" for c in self.sim.starts[i])
            rows.append(LegendRow(optimizer_color(g), f"best run: from ({start})", float(losses[best]), True))
        return rows + (self.basins.rows if self.basins is not None else [])

    def frame(self, k: int):
        """Frame ``k`` as an opaque ``QImage`` (``Format_RGB32``) of exactly the export's size, overlays
        included. Frames go in increasing order."""
        from PySide6.QtGui import QImage, QPainter
        from PySide6.QtWidgets import QApplication

        from landscape_gui.export.views import SurfacePanel

        if k < self.next_frame - 1 or not 0 <= k < self.total:
            raise ValueError(f"frame {k}: frames are rendered in order, 0 … {self.total - 1}")
        target = self.export.step_at(k, self.scenario.steps)
        current = int(self.sim.groups[0].t) if self.sim.groups else 0
        if target > current:
            self.sim.step(target - current)
        from landscape_gui.export.frame_extras import caption_lines, glyph_legend, glyph_sets_of

        runs, best = self._runs(target)
        runs.best = best if best >= 0 else None
        turn = self.export.orbit * k / self.total
        for panel in self.panels:
            panel.update(runs, turn)
        rows = self._legend(runs.losses, best)
        theme = self.scenario.view.theme_or_default()
        if self.glyph_layer is not None:
            sets = glyph_sets_of(self.sim, self.scenario.view.glyphs)
            self.glyph_layer.update(sets, theme)
            rows += glyph_legend(self.sim, sets, theme)
        caption = None
        if "step_caption" in self.export.overlays:
            caption = caption_lines(self.sim, self._names[0] if self._names else "")
        # whatever the widgets posted (layout, view-range updates) is handled now, not whenever an event loop
        # turns: an export from the window's dialog and one from the command line draw the same frames
        QApplication.sendPostedEvents()
        if len(self.panels) == 1 and isinstance(self.panels[0], SurfacePanel):
            image = self.panels[0].image()  # the 3D view fills the frame: its own grab is the frame
        else:
            image = QImage(*self.size, QImage.Format.Format_RGB32)
            painter = QPainter(image)
            try:
                for panel in self.panels:
                    panel.draw(painter)
            finally:
                painter.end()
        self.overlay.paint(
            image,
            title=self.scenario.title,
            rows=rows,
            step=target,
            steps=self.scenario.steps,
            description=self.scenario.description,
            step_caption=caption,
        )
        self.next_frame = k + 1
        return image

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
