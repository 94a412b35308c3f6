"""Frames of a scenario: its simulation stepped frame by frame and drawn by the app's own 3D scene.

:class:`FrameRenderer` owns a hidden :class:`~landscape_gui.drawing.surface_view.CachedGLView` (never shown on screen:
``WA_DontShowOnScreen``) sized to the asked frame size, with a :class:`~landscape_gui.drawing.scene.Scene3D` on
it, and captures each frame with ``grabFramebuffer()`` (which renders the whole scene, text labels included,
into the widget's own framebuffer object at exactly that size; on a HiDPI screen the grab is resampled to
the asked size). Nothing depends on any window's size. The overlays (:mod:`.overlays`) are painted on top
with QPainter.

Frame ``k`` shows the simulation after :meth:`ExportSettings.step_at` ``(k)`` steps; the camera starts at the
scenario's camera (or the scene's default) and turns ``orbit × k / frames`` degrees in azimuth, so a
360° orbit loops seamlessly. Everything is deterministic: the same scenario gives the same frames.

GL needs the GUI thread: render frames there (the exporter feeds them to a writer thread that encodes).
A QApplication is created if there is none, with ``AA_ShareOpenGLContexts`` so that this widget and the
main window's view can coexist.
"""

from __future__ import annotations

import math

import numpy as np

from landscape_gui.core.scenario import ExportSettings, Scenario
from landscape_gui.core.status import outside_domain

__all__ = ["FrameRenderer", "ensure_app"]


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
        from PySide6.QtCore import Qt

        ensure_app()

        from landscape_gui.core.critical import critical_points
        from landscape_gui.drawing.overlays import OverlayPainter
        from landscape_gui.drawing.scene import auto_log_height
        from landscape_gui.drawing.surface_view import CachedGLView
        from landscape_gui.export.analysis_layers import basin_layer

        self.scenario = scenario
        self.export = export or scenario.export
        self.size = tuple(self.export.size)
        self.total = self.export.frame_count(scenario.steps)
        self.sim = scenario.build_simulation()
        self.landscape = self.sim.landscape
        self.next_frame = 0

        self.widget = CachedGLView()  # a fixed camera rasterises the static scene once, not per frame
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.widget.resize(*self.size)
        self.widget.show()
        dpr = self.widget.devicePixelRatioF()
        if dpr != 1.0:
            self.widget.resize(math.ceil(self.size[0] / dpr), math.ceil(self.size[1] / dpr))

        view = scenario.view
        log = view.log_height if view.log_height is not None else auto_log_height(self.landscape)
        self.scene = self.widget.scene3d
        self.scene.set_theme(view.theme_or_default())
        self.scene.set_landscape(
            self.landscape, colormap=view.colormap, log_height=log, contours=view.contours
        )
        if view.critical_points:
            self.scene.set_critical_points(critical_points(self.landscape))
        self.scene.set_visibility(contours=view.contours, markers=view.critical_points, trails=view.trails)
        self.scene.set_starts(self.sim.starts)
        if view.camera is not None:
            self.scene.set_camera(view.camera.as_dict())
        else:
            self.scene.reset_camera()
        self.camera = self.scene.camera()
        self.basins = basin_layer(scenario, self.landscape)  # [basins]: draped on the surface, in the legend
        if self.basins is not None:
            self.scene.set_surface_colors(self.basins.axes, self.basins.rgba)
        self.overlay = OverlayPainter(self.size, view.theme_or_default(), self.export.overlays)
        self._names = [o.display_name() for o in scenario.optimizers]
        self.glyph_layer = None  # the [view] glyphs, when the scenario asks for some
        if view.glyphs:
            from landscape_gui.drawing.glyph_layers import GlyphLayer3D

            self.glyph_layer = GlyphLayer3D(self.scene)

    # -- one frame ------------------------------------------------------------------------------------------
    def _runs(self):
        """Colours, paths, path values and current positions/values of every run (optimizer-major)."""
        from landscape_gui.drawing.palette import optimizer_color_f

        sim = self.sim
        n_groups, n_starts = len(sim.groups), len(sim.starts)
        losses = sim.losses().reshape(-1)
        best = int(np.nanargmin(losses)) if self.scenario.highlight_best and losses.size else -1
        colors, paths, path_values = [], [], []
        for g in range(n_groups):
            for i in range(n_starts):
                r, gr, b, a = optimizer_color_f(g)
                if best >= 0 and g * n_starts + i != best:
                    a = 0.6  # the others stay readable; the best one is opaque and ringed in the legend
                colors.append((r, gr, b, a))
                paths.append(sim.path(g, i))
                path_values.append(sim.loss_history(g, i)[1])
        positions = sim.positions().reshape(n_groups * n_starts, -1)
        return colors, paths, path_values, positions, losses, best

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

    def render(self, k: int) -> np.ndarray:
        """Frame ``k`` as an RGB ``uint8`` array of shape (height, width, 3). Frames go in increasing order."""
        from pyqtgraph.functions import ndarray_from_qimage
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QImage

        if k < self.next_frame - 1 or not 0 <= k < self.total:
            raise ValueError(f"frame {k}: frames are rendered in order, 0 … {self.total - 1}")
        target = self.export.step_at(k, self.scenario.steps)
        current = int(self.sim.groups[0].t) if self.sim.groups else 0
        if target > current:
            self.sim.step(target - current)
        from landscape_gui.export.frame_extras import caption_lines, glyph_legend, glyph_sets_of

        colors, paths, path_values, positions, losses, best = self._runs()
        self.scene.set_runs(colors, paths, positions, path_values, losses, best if best >= 0 else None)
        rows = self._legend(losses, best)
        if self.glyph_layer is not None:
            sets = glyph_sets_of(self.sim, self.scenario.view.glyphs)
            self.glyph_layer.update(sets, self.scenario.view.theme)
            rows += glyph_legend(self.sim, sets, self.scenario.view.theme)
        caption = None
        if "step_caption" in self.export.overlays:
            caption = caption_lines(self.sim, self._names[0] if self._names else "")
        cam = dict(self.camera)
        cam["azimuth"] = self.camera["azimuth"] + self.export.orbit * k / self.total
        self.scene.set_camera(cam)

        image = self.widget.grabFramebuffer()
        w, h = self.size
        if (image.width(), image.height()) != (w, h):
            image = image.scaled(
                w, h, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        self.overlay.paint(
            image,
            title=self.scenario.title,
            rows=rows,
            step=target,
            steps=self.scenario.steps,
            description=self.scenario.description,
            step_caption=caption,
        )
        rgb_image = image.convertToFormat(QImage.Format.Format_RGB888)
        rgb = ndarray_from_qimage(rgb_image)[..., :3].copy()  # a copy: the view dies with rgb_image
        self.next_frame = k + 1
        return rgb

    def frames(self):
        """Every frame, in order."""
        for k in range(self.next_frame, self.total):
            yield self.render(k)

    def close(self) -> None:
        if self.widget is not None:
            self.widget.close()
            self.widget.deleteLater()
            self.widget = None
