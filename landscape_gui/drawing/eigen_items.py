"""The Hessian's eigenvector directions drawn at points, in the map and on the 3D surface.

Through each point, one short line per eigenvector, coloured by the curvature along it: blue where the
surface curves up (λ > 0), red where it curves down (λ < 0), grey where it is flat. On the map the lines are
straight (the direction in the domain); on the surface each follows the surface along that direction, so
the section itself bends up or down.

:func:`eigen_lines` computes the lines from the core's :func:`~landscape_gui.core.analysis.inspector.inspect_points`
output; :class:`EigenMapItems` and :class:`EigenSceneItems` draw them on a
:class:`~landscape_gui.drawing.map_view.MapView` and a :class:`~landscape_gui.drawing.scene.Scene3D`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl

from landscape_gui.drawing.curves import joined
from landscape_gui.drawing.scene import LIFT

#: Colours by curvature, (r, g, b, a) bytes.
CURVATURE_COLORS = {
    "up": (60, 160, 255, 255),
    "down": (255, 70, 60, 255),
    "flat": (170, 170, 170, 255),
    "undefined": (120, 120, 120, 255),
}
SAMPLES = 25  # points along each line (the 3D section follows the surface through them)


@dataclass(frozen=True)
class EigenLine:
    """One eigen-direction at one point: its domain samples (SAMPLES, d), the curvature and eigenvalue."""

    points: np.ndarray
    curvature: str
    eigenvalue: float


def eigen_lines(points, inspection: dict, half_length: float) -> list[EigenLine]:
    """Lines of ``half_length`` (domain units) each side of every point, along each eigenvector.

    ``inspection`` is :func:`~landscape_gui.core.analysis.inspector.inspect_points` at ``points``; directions that are
    not finite (a Hessian that is not) are left out.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(len(inspection["eigenvalues"]), -1)
    t = np.linspace(-half_length, half_length, SAMPLES)[:, None]
    out = []
    for i, p in enumerate(pts):
        vec, lam, curv = (
            inspection["eigenvectors"][i],
            inspection["eigenvalues"][i],
            inspection["curvature"][i],
        )
        for k in range(vec.shape[1]):
            v = vec[:, k]
            if np.isfinite(v).all():
                out.append(EigenLine(p + t * v, str(curv[k]), float(lam[k])))
    return out


class EigenMapItems:
    """The lines on a map view: one curve item per curvature colour, and a dot at each point."""

    def __init__(self, map_view, z: float = 12):
        self.map = map_view
        self.curves = {}
        for key, color in CURVATURE_COLORS.items():
            item = pg.PlotCurveItem(pen=pg.mkPen(color, width=3), connect="finite")
            item.setZValue(z)
            map_view.plot_item.addItem(item)
            self.curves[key] = item
        self.dots = pg.ScatterPlotItem(size=8, brush=pg.mkBrush(255, 255, 255), pen=pg.mkPen(0, 0, 0))
        self.dots.setZValue(z + 1)
        map_view.plot_item.addItem(self.dots)

    def set_lines(self, points, lines: list[EigenLine]) -> None:
        if self.map.landscape is None or not len(np.atleast_1d(points)):
            self.clear()
            return
        for key, item in self.curves.items():
            item.setData(*joined(self.map.map_xy(line.points) for line in lines if line.curvature == key))
        self.dots.setData(*self.map.map_xy(points))

    def clear(self) -> None:
        for item in self.curves.values():
            item.setData([], [])
        self.dots.setData([], [])

    def data(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The (x, y) drawn in one colour (NaN between lines), for tests."""
        x, y = self.curves[key].getData()
        return (np.asarray(x), np.asarray(y)) if x is not None else (np.empty(0), np.empty(0))


class EigenSceneItems:
    """The lines on the 3D surface: one line item (segment pairs, per-vertex colours) and a dot per point."""

    def __init__(self, scene):
        self.scene = scene
        self.lines = gl.GLLinePlotItem(
            pos=np.zeros((0, 3)), mode="lines", width=3.0, antialias=True, glOptions="translucent"
        )
        self.dots = gl.GLScatterPlotItem(
            pos=np.zeros((0, 3)), size=10, color=(1, 1, 1, 1), glOptions="translucent"
        )
        scene.view.addItem(self.lines)
        scene.view.addItem(self.dots)

    def set_lines(self, points, lines: list[EigenLine]) -> None:
        s = self.scene
        if s.landscape is None or not lines:
            self.clear()
            return
        pos, col = [], []
        for line in lines:
            xyz = s.scene_xyz(line.points)
            xyz[:, 2] += LIFT
            pos.append(np.repeat(xyz, 2, axis=0)[1:-1])  # consecutive samples as segment pairs
            c = np.array(CURVATURE_COLORS[line.curvature], dtype=np.float32) / 255
            col.append(np.tile(c, (2 * (len(xyz) - 1), 1)))
        self.lines.setData(pos=np.concatenate(pos).astype(np.float32), color=np.concatenate(col))
        dots = s.scene_xyz(points)
        dots[:, 2] += LIFT
        self.dots.setData(pos=dots)
        s.view.update()

    def clear(self) -> None:
        self.lines.setData(pos=np.zeros((0, 3), np.float32))
        self.dots.setData(pos=np.zeros((0, 3), np.float32))
        self.scene.view.update()

    def segments(self) -> np.ndarray:
        """The segment pairs drawn (scene coordinates), for tests."""
        return np.asarray(self.lines.pos)
