"""Balls that stay visible behind hills: a translucent copy of every run's ball drawn over the surface, and a
ring around the best run.

The balls themselves are depth-tested (a ball behind a hill is hidden, as it should be in 3D), so on Rastrigin
the restarts' end points and on the saddle the escaping runs vanished behind the surface. The halo item draws
the same balls again without the depth test, translucent: a ball in plain view looks as before (its halo
covers it with its own colour), a hidden one shows through the surface as a paler disc. The best run
(random restarts) gets an opaque ring in the theme's contrast colour, also drawn over everything.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl

from landscape_gui.drawing.scene_space import OVER

HALO_ALPHA = 0.7
RING_WIDTH = 5.0  # pixels of ring around the best ball, at scale 1


class BallHalos:
    """The halo and best-ring items of one view (add ``items`` to the view after the balls)."""

    def __init__(self):
        self.ring = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), size=1, glOptions=OVER)
        self.halo = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), size=1, glOptions=OVER)
        self.ring.setDepthValue(10)  # drawn after every depth-tested item, the ring under the halo
        self.halo.setDepthValue(11)
        self.ring_color = (1.0, 1.0, 1.0, 0.95)
        self.scale = 1.0

    @property
    def items(self) -> list:
        return [self.ring, self.halo]

    def set_theme(self, theme: str) -> None:
        self.ring_color = (1.0, 1.0, 1.0, 0.95) if theme == "dark" else (0.05, 0.05, 0.08, 0.95)

    def update(self, xyz: np.ndarray, colors: np.ndarray, sizes: np.ndarray, best: int | None) -> None:
        """``xyz`` (n, 3) ball positions, ``colors`` (n, 4) floats, ``sizes`` (n,) pixels, ``best`` a run or None."""
        n = len(xyz)
        if n == 0:
            self.halo.setData(pos=np.zeros((0, 3), np.float32))
            self.ring.setData(pos=np.zeros((0, 3), np.float32))
            return
        color = np.array(colors[:n], dtype=np.float32, copy=True)
        color[:, 3] = HALO_ALPHA
        if best is not None and 0 <= best < n:
            color[best, 3] = 1.0  # the best ball is never dimmed
            ring_size = sizes[best] + 2 * RING_WIDTH * self.scale
            self.ring.setData(pos=xyz[best : best + 1], color=self.ring_color, size=ring_size)
        else:
            self.ring.setData(pos=np.zeros((0, 3), np.float32))
        self.halo.setData(pos=xyz, color=color, size=np.asarray(sizes, dtype=np.float32))
