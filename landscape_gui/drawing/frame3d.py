"""A :class:`~landscape_gui.core.frames.presenter.Frame` drawn in a :class:`~landscape_gui.drawing.scene.Scene3D`:
the runs (trails, balls, the best run's ring), the glyphs, the basins draped on the surface and the minibatch's
faint surface. The window's 3D view and the exporter's 3D panel both draw through one :class:`Frame3D`.
"""

from __future__ import annotations

import numpy as np

from landscape_gui.drawing.batch_surface import BatchSheet
from landscape_gui.drawing.curves import Trails
from landscape_gui.drawing.glyph_layers import GlyphLayer3D
from landscape_gui.drawing.scene import Scene3D


class Frame3D:
    """What moves in a 3D scene, drawn from frames (the surface itself is the scene's, built per landscape)."""

    def __init__(self, scene: Scene3D):
        self.scene = scene
        self.glyphs = GlyphLayer3D(scene)
        self.sheet = BatchSheet(scene)
        self._colors: list | None = None
        self._drape: tuple | None = None  # (basin map, drape, surface item) on the surface now

    def clear(self) -> None:
        """No runs (a new landscape, other starts or optimizers): nothing moving until the next frame."""
        self._colors = None
        self.scene.set_runs([], Trails.empty(), np.zeros((0, self.scene.dim)))
        self.glyphs.clear()
        self.sheet.clear()

    def show_frame(self, frame, theme: str) -> None:
        snap = frame.snapshot
        colors = frame.colors
        trails = Trails.of_frame(frame)
        if colors != self._colors:
            self._colors = colors
            rgba = np.array(colors, dtype=np.float64).reshape(-1, 4) / 255
            self.scene.set_runs(rgba, trails, snap.positions, snap.values, frame.best)
        else:
            self.scene.update_runs(trails, snap.positions, snap.values, frame.best)
        self.glyphs.update(frame.glyphs, theme)
        self.sheet.update(snap.batch_surface)
        self.show_basins(frame.basins)

    def show_basins(self, basins) -> None:
        """Drape the basin colours on the surface (or give it back its colormap); uploaded only on a change."""
        key = (
            *((None, None) if basins is None else basins.key),
            basins is not None and basins.drape,
            self.scene.surface,
        )
        if self._drape is not None and all(a is b for a, b in zip(key, self._drape, strict=True)):
            return
        self._drape = key
        if basins is not None and basins.drape:
            self.scene.set_surface_colors(basins.axes, basins.rgba)
        else:
            self.scene.set_surface_colors(None)
