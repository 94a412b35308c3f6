"""The glyphs on the balls, drawn: in the 3D scene (:class:`GlyphLayer3D`) and on the map (:class:`GlyphLayerMap`).

Both draw the :class:`~landscape_gui.core.frames.glyph_sets.GlyphSet` s of a frame: arrows from each ball
along ``scale × vector`` (−∇J, −velocity, the step taken) and boxes whose half-widths are ``scale × lr_eff``.
In 3D the glyphs lie flat at the ball's height and are drawn over the surface (no depth test), so a hill in
front never hides them; on the map (2-D landscapes) they sit in the plane, and for a 1-D landscape they are
horizontal at the ball's height J(x). Each layer keeps what it drew in ``drawn`` (kind → (starts, ends) in
domain units), for the legend and for tests.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl

from landscape_gui.core.frames.glyph_sets import GlyphSet
from landscape_gui.core.frames.palette import glyph_color
from landscape_gui.drawing.glyph_geometry import arrow_segments, box_segments, shaft_segments
from landscape_gui.drawing.scene_space import LIFT, OVER


def _corners(kset: GlyphSet) -> tuple[np.ndarray, np.ndarray]:
    """(M, 2) centres and half-widths of the boxes of an ``effective_lr`` set (1-D: no height)."""
    half = kset.scale * np.abs(kset.vectors)
    if half.shape[1] == 1:
        half = np.column_stack([half[:, 0], np.zeros(len(half))])
    return kset.starts, half


class GlyphLayer3D:
    """The glyphs in a :class:`~landscape_gui.drawing.scene.Scene3D`: one line item, coloured per vertex."""

    def __init__(self, scene):
        self.scene = scene
        self.theme = "dark"
        self.drawn: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.item = gl.GLLinePlotItem(
            pos=np.zeros((0, 3), np.float32), mode="lines", width=2.5, antialias=True, glOptions=OVER
        )
        self.item.setDepthValue(10)  # after the surface and the runs
        scene.view.addItem(self.item)

    def clear(self) -> None:
        self.drawn = {}
        self.item.setData(pos=np.zeros((0, 3), np.float32))

    def update(self, sets: dict[str, GlyphSet], theme: str = "dark") -> None:
        """Draw ``sets`` (kind → GlyphSet); an empty dict clears the layer."""
        self.theme = theme
        scene = self.scene
        parts, colors = [], []
        self.drawn = {}
        for kind, kset in sets.items():
            if not len(kset.starts):
                continue
            z = scene.height(kset.starts) + 2 * LIFT
            rgba = (*(c / 255 for c in glyph_color(kind, theme)), 0.95)
            if kind == "effective_lr":
                centers, half = _corners(kset)
                xy = scene.to_scene(centers)
                # half-widths in scene units: the scene scales each axis by half-extent / half-domain
                sx, sy = scene.half_extent
                span = np.array([hi - lo for lo, hi in scene.landscape.domain] + [1.0])[:2]
                half_xy = half * np.array([2 * sx, 2 * sy]) / span
                seg = box_segments(xy, half_xy)
                zz = np.repeat(z, 8)
                self.drawn[kind] = (centers, centers + half[:, : kset.starts.shape[1]])
            else:
                a, b = scene.to_scene(kset.starts), scene.to_scene(kset.ends)
                seg = np.concatenate([shaft_segments(a, b), arrow_segments(a, b, max_head=0.06)])
                zz = np.concatenate([np.repeat(z, 2), np.repeat(z, 4)])
                self.drawn[kind] = (kset.starts, kset.ends)
            parts.append(np.column_stack([seg, zz]))
            colors.append(np.tile(rgba, (len(seg), 1)))
        if not parts:
            self.item.setData(pos=np.zeros((0, 3), np.float32))
            return
        self.item.setData(
            pos=np.concatenate(parts).astype(np.float32), color=np.concatenate(colors).astype(np.float32)
        )


class GlyphLayerMap:
    """The glyphs on a :class:`~landscape_gui.drawing.map_view.MapView`: a shaft and a head item per kind."""

    def __init__(self, map_view):
        self.map = map_view
        self.items: dict[str, tuple[pg.PlotCurveItem, pg.PlotCurveItem]] = {}
        self.drawn: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _pair(self, kind: str, theme: str) -> tuple[pg.PlotCurveItem, pg.PlotCurveItem]:
        if kind not in self.items:
            pair = tuple(pg.PlotCurveItem(connect="pairs") for _ in range(2))
            for item in pair:
                item.setZValue(11)  # over the balls' trails, under nothing
                self.map.plot_item.addItem(item)
            self.items[kind] = pair
        pen = pg.mkPen(glyph_color(kind, theme), width=2)
        for item in self.items[kind]:
            item.setPen(pen)
        return self.items[kind]

    def clear(self) -> None:
        self.drawn = {}
        for shaft, head in self.items.values():
            shaft.setData([], [])
            head.setData([], [])

    def _plane(self, points: np.ndarray) -> np.ndarray:
        """(M, 2) map coordinates of (M, d) domain points: (x, y), or (x, J(x)) for a 1-D landscape."""
        p = np.asarray(points, dtype=np.float64)
        if p.shape[1] == 2:
            return p
        v = self.map.landscape.value(p)
        return np.column_stack([p[:, 0], np.nan_to_num(v, nan=0.0, posinf=1e12, neginf=-1e12)])

    def update(self, sets: dict[str, GlyphSet], theme: str = "dark") -> None:
        """Draw ``sets`` (kind → GlyphSet); kinds not in ``sets`` are cleared."""
        self.drawn = {}
        for kind in [k for k in self.items if k not in sets]:
            for item in self.items[kind]:
                item.setData([], [])
        if self.map.landscape is None:
            return
        xr, yr = self.map.plot_item.vb.viewRange()
        unit = (max(xr[1] - xr[0], 1e-300), max(yr[1] - yr[0], 1e-300))
        for kind, kset in sets.items():
            shaft, head = self._pair(kind, theme)
            if not len(kset.starts):
                shaft.setData([], [])
                head.setData([], [])
                continue
            base = self._plane(kset.starts)
            if kind == "effective_lr":
                centers, half = _corners(kset)
                seg = box_segments(base, half)
                shaft.setData(seg[:, 0], seg[:, 1])
                head.setData([], [])
                self.drawn[kind] = (centers, centers + half[:, : kset.starts.shape[1]])
                continue
            vec = kset.scale * kset.vectors
            if vec.shape[1] == 1:
                vec = np.column_stack([vec[:, 0], np.zeros(len(vec))])
            tips = base + vec
            seg = shaft_segments(base, tips)
            shaft.setData(seg[:, 0], seg[:, 1])
            heads = arrow_segments(base, tips, unit=unit, max_head=0.035)
            head.setData(heads[:, 0], heads[:, 1])
            self.drawn[kind] = (kset.starts, kset.ends)
