"""Scene3D: everything the 3D view draws, on an existing pyqtgraph ``GLViewWidget``.

Shared by the main window and the exporter (which renders the same scene into video frames).

Coordinates. The domain is normalised to a box so that every landscape looks alike whatever its units:
x and y go to ``[-sx, sx] × [-sy, sy]`` (the longer side is 2 units wide, the aspect ratio is kept within
1:2), heights go to ``[0, HEIGHT]`` (linearly, or through ``log10(J − Jmin + ε)`` in log-height mode) and the
floor with its contour lines lies at ``FLOOR``. :meth:`Scene3D.height` gives the scene z of domain points,
:meth:`Scene3D.to_scene` / :meth:`Scene3D.to_domain` convert positions.

API::

    scene = Scene3D(view)                       # view: pyqtgraph.opengl.GLViewWidget
    scene.set_landscape(landscape, colormap="viridis", log_height=False, contours=True, resolution=200)
                                                # builds the surface once (never per frame), floor contours,
                                                # axes, tick labels; clears runs and markers
    scene.set_critical_points(points)           # core.critical.CriticalPoint list
    scene.set_starts(points)                    # (S, d) start points, drawn as small white dots
    scene.set_runs(colors, paths, positions)    # colors: [(r, g, b, a) floats], paths: [(K, d)], positions (R, d)
    scene.update_runs(paths, positions, path_values=None, values=None)
                                                # per-frame fast path: lines and dots only, no mesh upload;
                                                # values (J at the points) skip re-evaluating the landscape
    scene.set_visibility(contours=True, markers=True, trails=True)
    scene.set_theme("dark" | "light")
    scene.reset_camera(); scene.camera() -> dict(distance, elevation, azimuth, center); scene.set_camera(d)
    scene.height(points) -> z                   # scene z of (N, d) domain points (log mode and scaling included)

Nothing non-finite ever reaches a GL item: z is clipped to the visible range, x/y to a margin around the box.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QVector3D

from landscape_gui.core.frames.palette import CRITICAL_STYLE, critical_key
from landscape_gui.drawing.contours import contour_levels, contour_segments
from landscape_gui.drawing.curves import THIN_FROM, points_per_run, thinned
from landscape_gui.drawing.halos import BallHalos
from landscape_gui.drawing.sampling import nearest_samples
from landscape_gui.drawing.theme import THEMES, text_rgb

HEIGHT = 1.0
BALL_SIZE, BEST_SIZE, START_SIZE = 15.0, 28.0, 9.0  # pixels at scale 1 (presentation mode scales them)
TRAIL_WIDTH, LABEL_PT = 2.5, 9
FLOOR = -0.35
RIBBON = 0.12  # half-width of the 1-D ribbon
LIFT = 0.012  # balls and trails float this far above the surface
XY_LIMIT = 1.6  # displayed positions are clipped to this box (a run far outside the domain stays in view)
_TRANSLUCENT = "translucent"  # depth test on: trails behind hills stay hidden
_OVER = {  # alpha blending without the depth test: drawn over the surface
    GL.GL_DEPTH_TEST: False,
    GL.GL_BLEND: True,
    "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA),
}


def surface_with_gaps(xs, ys, zs, colors, defined) -> gl.GLMeshItem:
    """The surface as a mesh of the grid cells whose corners are all ``defined``: undefined parts are holes."""
    nx, ny = zs.shape
    verts = np.column_stack([np.repeat(xs, ny), np.tile(ys, nx), np.where(defined, zs, 0.0).ravel()]).astype(
        np.float32
    )
    idx = np.arange(nx * ny).reshape(nx, ny)
    a, b, c, d = idx[:-1, :-1], idx[1:, :-1], idx[1:, 1:], idx[:-1, 1:]
    ok = (defined[:-1, :-1] & defined[1:, :-1] & defined[1:, 1:] & defined[:-1, 1:]).ravel()
    faces = np.concatenate(
        [
            np.column_stack([a.ravel(), b.ravel(), c.ravel()])[ok],
            np.column_stack([a.ravel(), c.ravel(), d.ravel()])[ok],
        ]
    )
    return gl.GLMeshItem(
        vertexes=verts, faces=faces.astype(np.uint32), vertexColors=colors.reshape(-1, 4).astype(np.float32),
        smooth=True, computeNormals=False, glOptions="opaque",
    )  # fmt: skip


def axis_names(landscape) -> tuple[str, ...]:
    """The landscape's parameter names for its axes (slope/intercept, w1/w2, a/b), else x and y."""
    names = tuple(getattr(landscape, "variables", ()) or ())
    return names if len(names) == landscape.dim else ("x", "y")[: landscape.dim]


def _nice_ticks(lo: float, hi: float, count: int = 5) -> np.ndarray:
    step = (hi - lo) / max(1, count - 1)
    mag = 10 ** np.floor(np.log10(step)) if step > 0 else 1.0
    for m in (1, 2, 2.5, 5, 10):
        if step <= m * mag:
            step = m * mag
            break
    start = np.ceil(lo / step - 1e-9) * step
    ticks = np.arange(start, hi + step * 1e-9, step)
    return ticks[(ticks >= lo - 1e-12) & (ticks <= hi + 1e-12)]


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1e4 or abs(v) < 1e-2:
        return f"{v:.0e}".replace("e+0", "e").replace("e-0", "e-")
    return f"{v:.4g}" if abs(v) >= 1e3 else f"{v:.3g}"  # 2000, not 2e+03


class Scene3D:
    """The GL items of one landscape view (see the module docstring for the API)."""

    def __init__(self, view: gl.GLViewWidget):
        self.view = view
        self.landscape = None
        self.log_height = False
        self.colormap = "viridis"
        self.theme = "dark"
        self.scale = 1.0  # presentation mode: ball sizes, line widths and label fonts × scale
        self._visible = {"contours": True, "markers": True, "trails": True}
        self._lo = np.zeros(2)
        self._hi = np.ones(2)
        self._half = np.ones(2)  # sx, sy
        self._vmin, self._vmax, self._eps = 0.0, 1.0, 1e-12
        self._static: list = []  # surface, contours, axes, labels: rebuilt per landscape
        self._labels: list[gl.GLTextItem] = []
        self.surface = None
        self.contour_item = None
        self.axis_items: list[gl.GLLinePlotItem] = []
        self.marker_items: list = []
        self.star_labels: list[gl.GLTextItem] = []
        self.starts_item = gl.GLScatterPlotItem(
            pos=np.zeros((0, 3)), size=START_SIZE, color=(1, 1, 1, 0.9), glOptions=_TRANSLUCENT
        )
        self.trail_item = gl.GLLinePlotItem(
            pos=np.zeros((0, 3)), mode="lines", width=TRAIL_WIDTH, antialias=True, glOptions=_TRANSLUCENT
        )
        self.ball_item = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), size=15, glOptions=_TRANSLUCENT)
        self.halos = BallHalos()  # every ball again, translucent, over the surface; a ring on the best run
        for item in (self.starts_item, self.trail_item, self.ball_item, *self.halos.items):
            view.addItem(item)
        self._colors = np.zeros((0, 4))
        self.static_version = 0  # bumped whenever a cached (non-moving) item changes
        self.set_theme("dark")
        self.reset_camera()

    def cached_items(self) -> tuple[list, list]:
        """``(cached, overlay)``: GL items that only change with the landscape or the view settings, and the
        text labels among the static items (QPainter-drawn, so drawn over the cached image every frame)."""
        static = [*self._static, *self.marker_items, *self.star_labels]
        overlay = [i for i in static if isinstance(i, gl.GLTextItem)]
        return [i for i in static if not isinstance(i, gl.GLTextItem)], overlay

    def _static_changed(self) -> None:
        self.static_version += 1
        self.view.update()

    # -- coordinates --------------------------------------------------------------------------------------
    def to_scene(self, points) -> np.ndarray:
        """(N, d) domain points → (N, 2) scene x, y (1-D: y = 0), clipped to a margin around the box."""
        p = np.asarray(points, dtype=np.float64).reshape(-1, self.dim)
        mid = (self._lo + self._hi) / 2
        xy = (p - mid[: self.dim]) / ((self._hi - self._lo)[: self.dim] / 2) * self._half[: self.dim]
        if self.dim == 1:
            xy = np.column_stack([xy[:, 0], np.zeros(len(xy))])
        return np.clip(np.nan_to_num(xy, nan=0.0), -XY_LIMIT, XY_LIMIT)

    def to_domain(self, xy) -> np.ndarray:
        """(N, 2) scene x, y → (N, d) domain points."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)[:, : self.dim]
        mid = (self._lo + self._hi) / 2
        return mid[: self.dim] + xy / self._half[: self.dim] * ((self._hi - self._lo)[: self.dim] / 2)

    @property
    def dim(self) -> int:
        return self.landscape.dim if self.landscape is not None else 2

    @property
    def half_extent(self) -> tuple[float, float]:
        """Scene half-widths (sx, sy) of the domain box (1-D: sy is the ribbon half-width)."""
        return float(self._half[0]), float(self._half[1])

    def z_of_values(self, values) -> np.ndarray:
        """Scene z of landscape values (log mode included), clipped to the visible range; NaN → top."""
        v = np.asarray(values, dtype=np.float64)
        with np.errstate(all="ignore"):
            if self.log_height:
                lo, hi = np.log10(self._eps), np.log10(self._vmax - self._vmin + self._eps)
                t = (np.log10(np.maximum(v - self._vmin, 0) + self._eps) - lo) / (hi - lo)
            else:
                t = (v - self._vmin) / (self._vmax - self._vmin)
        z = np.nan_to_num(t * HEIGHT, nan=HEIGHT * 1.15, posinf=HEIGHT * 1.15, neginf=FLOOR)
        return np.clip(z, FLOOR, HEIGHT * 1.15)

    def height(self, points) -> np.ndarray:
        """Scene z of (N, d) domain points: the surface height there (clipped to the visible range)."""
        p = np.asarray(points, dtype=np.float64).reshape(-1, self.dim)
        if self.landscape is None or len(p) == 0:
            return np.zeros(len(p))
        return self.z_of_values(self.landscape.value(p))

    def _xyz(self, points, values=None) -> np.ndarray:
        p = np.asarray(points, dtype=np.float64).reshape(-1, self.dim)
        z = self.height(p) if values is None else self.z_of_values(values)
        return np.column_stack([self.to_scene(p), z + LIFT]).astype(np.float32)

    # -- landscape ----------------------------------------------------------------------------------------
    def set_landscape(
        self, landscape, *, colormap="viridis", log_height=False, contours=True, resolution=200, grid=None
    ):
        """Build the surface, floor contours and axes of ``landscape`` (once: never call this per frame);
        ``grid`` is its ``grid(resolution)`` when already computed (e.g. in the background)."""
        for item in self._static:
            self.view.removeItem(item)
        self._static, self._labels = [], []
        self.landscape, self.colormap, self.log_height = landscape, colormap, bool(log_height)
        self._visible["contours"] = bool(contours)
        dom = np.array(landscape.domain, dtype=np.float64)
        self._lo = np.array([dom[0, 0], dom[-1, 0]])
        self._hi = np.array([dom[0, 1], dom[-1, 1]])
        if landscape.dim == 2:
            ratio = float(np.clip((self._hi[1] - self._lo[1]) / (self._hi[0] - self._lo[0]), 0.5, 2.0))
            self._half = np.array([1.0, ratio]) if ratio <= 1 else np.array([1.0 / ratio, 1.0])
        else:
            self._half = np.array([1.0, RIBBON])
        grid = landscape.grid(int(resolution)) if grid is None else grid
        values = np.asarray(grid[-1], dtype=np.float64)
        finite = values[np.isfinite(values)]
        self._vmin = float(finite.min()) if finite.size else 0.0
        self._vmax = float(finite.max()) if finite.size else 1.0
        if self._vmax <= self._vmin:
            self._vmax = self._vmin + 1.0
        self._eps = max((self._vmax - self._vmin) * 1e-4, 1e-300)
        cmap = pg.colormap.get(colormap)
        if landscape.dim == 2:
            xs = self.to_scene(np.column_stack([grid[0], np.full(len(grid[0]), dom[1, 0])]))[:, 0]
            ys = self.to_scene(np.column_stack([np.full(len(grid[1]), dom[0, 0]), grid[1]]))[:, 1]
            zs = self.z_of_values(values)
        else:
            xs = self.to_scene(grid[0][:, None])[:, 0]
            ys = np.array([-RIBBON, RIBBON])
            zs = np.repeat(self.z_of_values(values)[:, None], 2, axis=1)
        colors = cmap.map(np.clip(zs / HEIGHT, 0, 1).ravel(), mode="float").reshape(*zs.shape, -1)
        shade = self._shade(xs, ys, zs)
        colors[..., :3] *= shade[..., None]
        # kept for recolouring the surface (basins draped on it) without rebuilding the mesh
        self._surface_axes = (grid[0], grid[1]) if landscape.dim == 2 else (grid[0],)
        self._surface_colors, self._surface_shade = colors.astype(np.float32), shade
        defined = np.isfinite(values) if landscape.dim == 2 else np.repeat(np.isfinite(values)[:, None], 2, 1)
        if defined.all():
            self.surface = gl.GLSurfacePlotItem(
                x=xs, y=ys, z=zs.astype(np.float32), colors=colors.astype(np.float32), computeNormals=False,
                smooth=True, glOptions="opaque",
            )  # fmt: skip
        else:  # J undefined somewhere (log(x), sqrt(x)): a gap there, not a plateau at the top
            self.surface = surface_with_gaps(xs, ys, zs, colors, defined)
        self._add_static(self.surface)
        if landscape.dim == 2:
            self._build_contours(xs, ys, np.where(defined, zs, np.nan), cmap)
        else:
            curve = np.column_stack([xs, np.zeros_like(xs), zs[:, 0] + LIFT * 0.5])
            ok = defined[:-1, 0] & defined[1:, 0]  # segments between defined neighbours only
            pairs = np.stack([curve[:-1][ok], curve[1:][ok]], axis=1).reshape(-1, 3)
            self._add_static(
                gl.GLLinePlotItem(pos=pairs, mode="lines", color=(1, 1, 1, 0.5), width=1.5, antialias=True)
            )
            self.contour_item = None
        self._build_axes(grid)
        self.set_critical_points([])
        self.set_runs([], [], np.zeros((0, landscape.dim)))
        self.set_starts(np.zeros((0, landscape.dim)))
        self.set_visibility(**self._visible)

    def _add_static(self, item) -> None:
        self.view.addItem(item)
        self._static.append(item)
        # runs and markers are drawn after the surface (translucent items need the depth buffer filled)
        for it in (self.starts_item, self.trail_item, self.ball_item, *self.halos.items, *self.marker_items):
            self.view.removeItem(it)
            self.view.addItem(it)

    @staticmethod
    def _shade(xs, ys, zs) -> np.ndarray:
        """Lambert shading baked into the vertex colours (a lit look without per-frame normal work)."""
        dzdx = np.gradient(zs, xs, axis=0) if len(xs) > 1 else np.zeros_like(zs)
        dzdy = np.gradient(zs, ys, axis=1) if len(ys) > 1 else np.zeros_like(zs)
        n = np.stack([-dzdx, -dzdy, np.ones_like(zs)], axis=-1)
        n /= np.linalg.norm(n, axis=-1, keepdims=True)
        light = np.array([-0.45, -0.35, 0.82])
        light /= np.linalg.norm(light)
        return 0.5 + 0.5 * np.clip(n @ light, 0, 1)

    def _build_contours(self, xs, ys, zs, cmap) -> None:
        levels = contour_levels(zs, 16)
        pos, cols = [], []
        for level in levels:
            seg = contour_segments(zs, [level])
            if not len(seg):
                continue
            p = seg.reshape(-1, 2)
            x = np.interp(p[:, 0], np.arange(len(xs)), xs)
            y = np.interp(p[:, 1], np.arange(len(ys)), ys)
            pos.append(np.column_stack([x, y, np.full(len(x), FLOOR)]))
            c = cmap.map(np.array([level / HEIGHT]), mode="float")[0]
            cols.append(np.tile(c, (len(x), 1)))
        if pos:
            self.contour_item = gl.GLLinePlotItem(
                pos=np.concatenate(pos).astype(np.float32), color=np.concatenate(cols).astype(np.float32),
                mode="lines", width=1.5, antialias=False, glOptions=_TRANSLUCENT,
            )  # fmt: skip
            self._add_static(self.contour_item)
        else:
            self.contour_item = None

    def _build_axes(self, grid) -> None:
        sx, sy = self._half
        f = FLOOR
        box = [(-sx, -sy), (sx, -sy), (sx, sy), (-sx, sy), (-sx, -sy)]
        seg = []
        for a, b in zip(box[:-1], box[1:], strict=True):
            seg += [(*a, f), (*b, f)]
        height = [(-sx, sy, f), (-sx, sy, HEIGHT)]  # z axis at the back-left corner
        x_ticks = _nice_ticks(self._lo[0], self._hi[0])
        tick = 0.04
        labels = []  # (position, text, alignment or None for pyqtgraph's left/bottom)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for t in x_ticks:
            x = self.to_scene(np.array([[t] + ([self._lo[1]] if self.dim == 2 else [])]))[0, 0]
            seg += [(x, -sy, f), (x, -sy - tick, f)]
            labels.append(((x, -sy - 0.12, f), _fmt(t), None))
        if self.dim == 2:
            for t in _nice_ticks(self._lo[1], self._hi[1]):
                y = self.to_scene(np.array([[self._lo[0], t]]))[0, 1]
                seg += [(sx, y, f), (sx + tick, y, f)]
                labels.append(((sx + 0.1, y, f), _fmt(t), None))
        for z, value in self._z_ticks():
            height += [(-sx, sy, z), (-sx - tick, sy, z)]
            labels.append(((-sx - 0.07, sy, z), _fmt(value), right))  # ends by its tick
        names = axis_names(self.landscape)
        name = f"J({', '.join(names)})"
        labels += [
            ((0, -sy - 0.28, f), names[0], None),
            ((-sx - 0.1, sy, HEIGHT * 1.12), name + (" (log)" * self.log_height), None),
        ]
        if self.dim == 2:
            labels.append(((sx + 0.3, 0, f), names[1], None))
        # Not pyqtgraph's default additive blending for lines, which turns the light theme's dark lines white.
        # The floor box is hidden where the surface stands in front of it; the height axis is drawn over
        # everything, as its labels are.
        self.axis_items = [
            gl.GLLinePlotItem(pos=np.array(s, dtype=np.float32), mode="lines", width=self.scale, glOptions=o)
            for s, o in ((seg, _TRANSLUCENT), (height, _OVER))
        ]
        for item in self.axis_items:
            self._add_static(item)
        font = QFont()
        font.setPointSizeF(LABEL_PT * self.scale)
        for pos, text, align in labels:
            item = gl.GLTextItem(pos=pos, text=text, font=font)
            if align is not None:
                item.setData(alignment=align)
            self._labels.append(item)
            self._add_static(item)
        self._apply_theme_colors()

    def _z_ticks(self) -> list[tuple[float, float]]:
        """(scene z, value) of the height axis's ticks: round values (0, 2, 4, …) on a linear axis, powers of
        ten on a log axis (above the lowest value when some are negative); none outside the surface's
        range, but a round value within 1% of it (0 under a grid minimum of 1e-5) is kept at the floor."""
        lo, hi = self._vmin, self._vmax
        if self.log_height:
            base = 0.0 if lo >= 0 else lo  # round values themselves where all are ≥ 0
            k0, k1 = np.ceil(np.log10(lo - base + self._eps)), np.floor(np.log10(hi - base))
            values = base + 10.0 ** np.arange(k0, k1 + 1)[:: max(1, int(np.ceil((k1 - k0 + 1) / 5)))]
        else:
            slack = 0.01 * (hi - lo)
            values = _nice_ticks(lo - slack, hi + slack)
        if len(values) < 2:  # a range too narrow for round values: its ends
            values = np.array([lo, hi])
        z = np.clip(self.z_of_values(values), 0.0, HEIGHT)
        return [(float(a), float(b)) for a, b in zip(z, values, strict=True)]

    # -- markers and runs ---------------------------------------------------------------------------------
    def set_critical_points(self, points) -> None:
        """Draw critical points (core ``CriticalPoint``s): one coloured dot per kind, ★ on global minima."""
        for item in self.marker_items + self.star_labels:
            self.view.removeItem(item)
        self.marker_items, self.star_labels = [], []
        if self.landscape is None:
            return
        groups: dict[str, list] = {}
        for p in points:
            groups.setdefault(critical_key(p.kind, p.is_global), []).append(p.position)
        for key, positions in groups.items():
            color, _, _ = CRITICAL_STYLE[key]
            xyz = self._xyz(np.array(positions, dtype=np.float64))
            xyz[:, 2] += LIFT
            item = gl.GLScatterPlotItem(
                pos=xyz, size=13 if key == "global" else 10, color=tuple(c / 255 for c in color) + (1.0,),
                glOptions=_TRANSLUCENT,
            )  # fmt: skip
            self.marker_items.append(item)
            self.view.addItem(item)
            if key == "global":
                for p in xyz:
                    star = gl.GLTextItem(pos=tuple(p + [0, 0, 0.05]), text="★", color=color)
                    self.star_labels.append(star)
                    self.view.addItem(star)
        self.set_visibility(**self._visible)

    def set_starts(self, points) -> None:
        pts = np.asarray(points, dtype=np.float64).reshape(-1, self.dim)
        self.starts_item.setData(pos=self._xyz(pts) if len(pts) else np.zeros((0, 3), np.float32))

    def set_runs(self, colors, paths, positions, path_values=None, values=None, best=None) -> None:
        """Set the runs' colours (one (r, g, b, a) float tuple per run), trails and current positions."""
        self._colors = np.asarray(colors, dtype=np.float32).reshape(-1, 4)
        self.update_runs(paths, positions, path_values, values, best)

    def set_surface_colors(self, axes=None, rgba=None) -> None:
        """Drape an RGBA image sampled on ``axes`` (``rgba[ix, iy]``, e.g. a basin map) over the surface, each
        vertex taking its nearest sample, with the surface's shading; ``None``: the colormap again. Uploads
        the colours only (the mesh stays), so call it per finished picture, never per frame."""
        if not isinstance(self.surface, gl.GLSurfacePlotItem):
            return  # no surface, or one with gaps where J is undefined (a mesh): it keeps its colormap
        if rgba is None:
            colors = self._surface_colors
        else:
            colors = nearest_samples(axes, rgba, self._surface_axes).astype(np.float32) / 255.0
            if self.dim == 1:
                colors = np.repeat(colors[:, None, :], 2, axis=1)  # both edges of the ribbon
            colors[..., :3] *= self._surface_shade[..., None]
        self.surface.setData(colors=colors)
        self.surface.meshDataChanged()
        self._static_changed()

    def update_runs(self, paths, positions, path_values=None, values=None, best: int | None = None) -> None:
        """Per-frame update of trails and balls: only line and dot buffers change, never the mesh.

        ``best`` (a run index) is drawn with a bigger ball.
        """
        pos = np.asarray(positions, dtype=np.float64).reshape(-1, self.dim)
        n = min(len(pos), len(self._colors))
        if n == 0:
            self.ball_item.setData(pos=np.zeros((0, 3), np.float32))
            self.trail_item.setData(pos=np.zeros((0, 3), np.float32))
            self.halos.update(np.zeros((0, 3)), self._colors, np.zeros(0), None)
            return
        size = np.full(n, (BALL_SIZE if n < 100 else 8.0) * self.scale)  # hundreds of restarts: smaller
        if best is not None and 0 <= best < n:
            size[best] = BEST_SIZE * self.scale
        balls = self._xyz(pos[:n], None if values is None else values[:n])
        self.ball_item.setData(pos=balls, color=self._colors[:n], size=size)
        self.halos.update(balls, self._colors[:n], size, best)
        # every trail in one pass: the paths of the runs that moved, end to end, as line-segment pairs
        runs, parts, vals = [], [], []
        keep = points_per_run(n)  # many runs: each trail thinned, the whole within a budget of points
        for i, path in enumerate(list(paths)[:n]):
            path = np.asarray(path, dtype=np.float64).reshape(-1, self.dim)
            if len(path) >= 2:
                index = thinned(len(path), keep)
                runs.append(i)
                parts.append(path[index])
                if path_values is not None:
                    vals.append(np.asarray(path_values[i], dtype=np.float64)[index])
        if not runs:
            self.trail_item.setData(pos=np.zeros((0, 3), np.float32))
            return
        lengths = np.array([len(p) for p in parts])
        xyz = self._xyz(np.concatenate(parts), np.concatenate(vals) if path_values is not None else None)
        first = np.delete(np.arange(len(xyz)), np.cumsum(lengths) - 1)  # every row but each run's last
        pairs = np.empty((2 * len(first), 3), np.float32)
        pairs[0::2], pairs[1::2] = xyz[first], xyz[first + 1]
        colors = self._colors[runs]
        if (colors == colors[0]).all():  # one optimizer: one colour, not one per vertex to upload
            color = tuple(float(c) for c in colors[0])
        else:
            color = np.repeat(colors, 2 * (lengths - 1), axis=0)
        # many runs: thin, aliased lines (wide antialiased ones cost llvmpipe ~3x as much, and merge anyway)
        many = n >= THIN_FROM
        width = (1.5 if many else TRAIL_WIDTH) * self.scale
        self.trail_item.setData(pos=pairs, color=color, width=width, antialias=not many)

    # -- view settings ------------------------------------------------------------------------------------
    def set_visibility(self, contours=None, markers=None, trails=None) -> None:
        for key, value in (("contours", contours), ("markers", markers), ("trails", trails)):
            if value is not None:
                self._visible[key] = bool(value)
        if self.contour_item is not None:
            self.contour_item.setVisible(self._visible["contours"])
        for item in self.marker_items + self.star_labels:
            item.setVisible(self._visible["markers"])
        self.trail_item.setVisible(self._visible["trails"])
        self._static_changed()

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r} (known: {', '.join(THEMES)})")
        self.theme = theme
        self.halos.set_theme(theme)
        self.view.setBackgroundColor(THEMES[theme]["scene_bg"])
        self._apply_theme_colors()

    def _apply_theme_colors(self) -> None:
        axis, text = THEMES[self.theme]["scene_axis"], text_rgb(self.theme)
        for item in self.axis_items:
            item.setData(color=axis)
        for label in self._labels:
            label.setData(color=text)
        self.starts_item.setData(color=(1, 1, 1, 0.95) if self.theme == "dark" else (0.1, 0.1, 0.1, 0.95))
        self._static_changed()

    def set_scale(self, scale: float) -> None:
        """Presentation mode: balls, start dots, trail and axis lines and label fonts × ``scale`` (1, 1.5, 2)."""
        self.scale = self.halos.scale = float(scale)
        self.starts_item.setData(size=START_SIZE * self.scale)
        self.trail_item.setData(width=TRAIL_WIDTH * self.scale)
        font = QFont()
        font.setPointSizeF(LABEL_PT * self.scale)
        for label in self._labels:
            label.setData(font=font)
        for item in self.axis_items:
            item.setData(width=self.scale)
        self._static_changed()

    def reset_camera(self) -> None:
        self.set_camera({"distance": 3.7, "elevation": 30.0, "azimuth": -62.0, "center": (0.0, 0.0, 0.15)})

    def camera(self) -> dict:
        c = self.view.opts["center"]
        return {
            "distance": float(self.view.opts["distance"]),
            "elevation": float(self.view.opts["elevation"]),
            "azimuth": float(self.view.opts["azimuth"]),
            "center": (float(c.x()), float(c.y()), float(c.z())),
        }

    def set_camera(self, camera: dict) -> None:
        center = camera.get("center")
        self.view.setCameraPosition(
            pos=QVector3D(*map(float, center)) if center is not None else None,
            distance=camera.get("distance"),
            elevation=camera.get("elevation"),
            azimuth=camera.get("azimuth"),
        )
