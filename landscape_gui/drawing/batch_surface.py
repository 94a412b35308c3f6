"""The loss of the current minibatch, drawn faintly over the full-data surface.

With minibatches the optimizer does not descend the surface drawn (the loss of the whole data) but, at each
step, the loss of that step's batch, a different surface every step. :class:`BatchSheet` draws it in the 3D
view as a translucent sheet on the same height scale; :class:`BatchContours` draws it on the map as a faint
dotted contour set at the same levels as the map's own contours, so the lines visibly jump from step to
step. Both take the ``(xs, ys, Z)`` of a coarse grid (see ``DataLandscape.batch_grid``), or None to hide.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL

from landscape_gui.drawing.contours import contour_segments
from landscape_gui.drawing.scene import Scene3D

SHEET_COLOR = (1.0, 0.93, 0.8, 0.28)  # warm white, mostly transparent
CONTOUR_PEN = ((255, 205, 140, 150), 1.2)


class _Sheet(gl.GLSurfacePlotItem):
    """A translucent surface that is depth-tested but writes no depth: balls and trails behind it, drawn
    after it, still show through."""

    def paint(self):
        GL.glDepthMask(GL.GL_FALSE)
        try:
            super().paint()
        finally:
            GL.glDepthMask(GL.GL_TRUE)


class BatchSheet:
    """The minibatch's loss as a translucent second surface in a :class:`Scene3D`'s view."""

    def __init__(self, scene: Scene3D):
        self.scene = scene
        self.item: _Sheet | None = None

    def update(self, grid) -> None:
        if grid is None or self.scene.landscape is None or self.scene.dim != 2:
            self.clear()
            return
        xs, ys, z = grid
        sx = self.scene.to_scene(np.column_stack([xs, np.full(len(xs), self.scene.landscape.domain[1][0])]))
        sy = self.scene.to_scene(np.column_stack([np.full(len(ys), self.scene.landscape.domain[0][0]), ys]))
        zs = self.scene.z_of_values(z).astype(np.float32)
        if self.item is None:
            self.item = _Sheet(computeNormals=False, smooth=False, color=SHEET_COLOR, glOptions="translucent")
            self.scene.view.addItem(self.item)  # added last: drawn after the balls and trails
        self.item.setData(x=sx[:, 0], y=sy[:, 1], z=zs)
        self.item.setVisible(True)

    def clear(self) -> None:
        if self.item is not None:
            self.item.setVisible(False)


class BatchContours:
    """The minibatch's loss as faint dotted contours on a :class:`~landscape_gui.drawing.map_view.MapView`."""

    def __init__(self, map_view):
        self.map = map_view
        color, width = CONTOUR_PEN
        self.item = pg.PlotDataItem(
            connect="pairs", pen=pg.mkPen(color, width=width, style=pg.QtCore.Qt.PenStyle.DotLine)
        )
        self.item.setZValue(4)  # over the map's contours, under the trails
        map_view.plot_item.addItem(self.item)

    def update(self, grid) -> None:
        if grid is None or self.map.landscape is None or self.map.landscape.dim != 2:
            self.clear()
            return
        xs, ys, z = grid
        seg = contour_segments(self.map.display_values(z), self.map.levels)
        if not len(seg):
            self.clear()
            return
        p = seg.reshape(-1, 2)
        self.item.setData(
            np.interp(p[:, 0], np.arange(len(xs)), xs), np.interp(p[:, 1], np.arange(len(ys)), ys)
        )
        self.item.setVisible(True)

    def clear(self) -> None:
        self.item.setData([], [])
        self.item.setVisible(False)
