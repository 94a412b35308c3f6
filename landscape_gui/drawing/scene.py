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
    scene.set_runs(colors, trails, positions)   # colors: (R, 4) floats, trails: curves.Trails, positions (R, d)
    scene.update_runs(trails, positions, values=None)
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
from PySide6.QtGui import QFont, QVector3D

from landscape_gui.core.frames.palette import CRITICAL_STYLE, critical_key
from landscape_gui.drawing.contours import contour_levels, contour_segments
from landscape_gui.drawing.curves import MARKED_STARTS, THIN_FROM, Trails, points_per_run
from landscape_gui.drawing.halos import BallHalos
from landscape_gui.drawing.sampling import nearest_samples
from landscape_gui.drawing.scene_axes import build_axes
from landscape_gui.drawing.scene_space import (
    CAMERA,
    ELEVATION,
    FLOOR,
    HEIGHT,
    LABEL_PT,
    LIFT,
    RIBBON,
    TRANSLUCENT,
    XY_LIMIT,
    floor_elevation,
)
from landscape_gui.drawing.theme import THEMES, text_rgb

BALL_SIZE, BEST_SIZE, START_SIZE = 15.0, 28.0, 9.0  # pixels at scale 1 (presentation mode scales them)
TRAIL_WIDTH = 2.5


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
            pos=np.zeros((0, 3)), size=START_SIZE, color=(1, 1, 1, 0.9), glOptions=TRANSLUCENT
        )
        self.trail_item = gl.GLLinePlotItem(
            pos=np.zeros((0, 3)), mode="lines", width=TRAIL_WIDTH, antialias=True, glOptions=TRANSLUCENT
        )
        self.ball_item = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), size=15, glOptions=TRANSLUCENT)
        self.halos = BallHalos()  # every ball again, translucent, over the surface; a ring on the best run
        for item in (self.starts_item, self.trail_item, self.ball_item, *self.halos.items):
            view.addItem(item)
        self._colors: np.ndarray = np.zeros((0, 4))
        self.static_version = 0  # bumped whenever a cached (non-moving) item changes
        self.set_theme("dark")
        self._elevation = ELEVATION[0]
        self.reset_camera()

    def _at_default(self) -> bool:
        now, default = self.camera(), self.default_camera()
        return all(np.allclose(now[k], default[k], atol=1e-6) for k in default)

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
        edge = self._half * XY_LIMIT  # the box's walls: a diverging run's trail ends there, not far beyond
        return np.clip(np.nan_to_num(xy, nan=0.0), -edge, edge)

    def to_domain(self, xy) -> np.ndarray:
        """(N, 2) scene x, y → (N, d) domain points."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)[:, : self.dim]
        mid = (self._lo + self._hi) / 2
        return mid[: self.dim] + xy / self._half[: self.dim] * ((self._hi - self._lo)[: self.dim] / 2)

    @property
    def dim(self) -> int:
        return self.landscape.dim if self.landscape is not None else 2

    @property
    def lo(self) -> np.ndarray:
        """The domain's low corner (x, and y or x again in 1-D)."""
        return self._lo

    @property
    def hi(self) -> np.ndarray:
        return self._hi

    @property
    def value_range(self) -> tuple[float, float]:
        """The lowest and highest finite value of the surface drawn."""
        return self._vmin, self._vmax

    @property
    def eps(self) -> float:
        """What log heights add to J − min J (so the minimum itself is finite)."""
        return self._eps

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
        top = HEIGHT * XY_LIMIT  # the box's lid, just above the highest value drawn
        z = np.nan_to_num(t * HEIGHT, nan=top, posinf=top, neginf=FLOOR)
        return np.clip(z, FLOOR, top)

    def height(self, points) -> np.ndarray:
        """Scene z of (N, d) domain points: the surface height there (clipped to the visible range)."""
        p = np.asarray(points, dtype=np.float64).reshape(-1, self.dim)
        if self.landscape is None or len(p) == 0:
            return np.zeros(len(p))
        return self.z_of_values(self.landscape.value(p))

    def scene_xyz(self, points, values=None) -> np.ndarray:
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
        at_default = self._at_default()
        if landscape.dim == 2:
            xs = self.to_scene(np.column_stack([grid[0], np.full(len(grid[0]), dom[1, 0])]))[:, 0]
            ys = self.to_scene(np.column_stack([np.full(len(grid[1]), dom[0, 0]), grid[1]]))[:, 1]
            zs = self.z_of_values(values)
        else:
            xs = self.to_scene(grid[0][:, None])[:, 0]
            ys = np.array([-RIBBON, RIBBON])
            zs = np.repeat(self.z_of_values(values)[:, None], 2, axis=1)
        self._elevation = (
            floor_elevation(xs, ys, zs, CAMERA["azimuth"]) if landscape.dim == 2 else ELEVATION[0]
        )
        if at_default:  # a camera nobody moved follows the landscape's default
            self.reset_camera()
        cmap = pg.colormap.get(colormap)
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
        self.set_runs([], Trails.empty(), np.zeros((0, landscape.dim)))
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
                mode="lines", width=1.5, antialias=False, glOptions=TRANSLUCENT,
            )  # fmt: skip
            self._add_static(self.contour_item)
        else:
            self.contour_item = None

    def _build_axes(self, grid) -> None:
        self.axis_items, labels = build_axes(self)
        for item in self.axis_items:
            self._add_static(item)
        for item in labels:
            self._labels.append(item)
            self._add_static(item)
        self._apply_theme_colors()

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
            xyz = self.scene_xyz(np.array(positions, dtype=np.float64))
            xyz[:, 2] += LIFT
            item = gl.GLScatterPlotItem(
                pos=xyz, size=13 if key == "global" else 10, color=tuple(c / 255 for c in color) + (1.0,),
                glOptions=TRANSLUCENT,
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
        shown = 0 < len(pts) < MARKED_STARTS
        self.starts_item.setData(pos=self.scene_xyz(pts) if shown else np.zeros((0, 3), np.float32))

    def set_runs(self, colors, trails: Trails, positions, values=None, best=None) -> None:
        """Set the runs' colours (one (r, g, b, a) float row per run), trails and current positions."""
        self._colors = np.asarray(colors, dtype=np.float32).reshape(-1, 4)
        self.update_runs(trails, positions, values, best)

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

    def update_runs(self, trails: Trails, positions, values=None, best: int | None = None) -> None:
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
        balls = self.scene_xyz(pos[:n], None if values is None else values[:n])
        self.ball_item.setData(pos=balls, color=self._colors[:n], size=size)
        self.halos.update(balls, self._colors[:n], size, best)
        # every trail in one pass: the paths of the runs that moved, end to end, as line-segment pairs
        keep = points_per_run(n)  # many runs: each trail thinned, the whole within a budget of points
        points, vals, counts = trails.all(keep)
        counts = counts[:n]
        moved = counts >= 2
        if not moved.any():
            self.trail_item.setData(pos=np.zeros((0, 3), np.float32))
            return
        rows = np.repeat(moved, counts)
        total = int(counts.sum())
        points, vals = points[:total][rows], None if vals is None else vals[:total][rows]
        lengths = counts[moved]
        xyz = self.scene_xyz(points, vals)
        first = np.delete(np.arange(len(xyz)), np.cumsum(lengths) - 1)  # every row but each run's last
        pairs = np.empty((2 * len(first), 3), np.float32)
        pairs[0::2], pairs[1::2] = xyz[first], xyz[first + 1]
        # one colour per vertex, always: pyqtgraph 0.14 handed a single colour after an array keeps the array's
        # flag and fails on every repaint (the trails vanished when one optimizer's runs lost their ring)
        color = np.repeat(self._colors[:n][moved], 2 * (lengths - 1), axis=0)
        # many runs: thin, aliased lines (wide antialiased ones cost llvmpipe ~3x as much, and merge anyway)
        many = n >= THIN_FROM
        width = (1.5 if many else TRAIL_WIDTH) * self.scale
        self.trail_item.setData(pos=pairs, color=color, width=width, antialias=not many)

    # -- view settings ------------------------------------------------------------------------------------
    def visible(self, layer: str) -> bool:
        """Whether a layer ("contours", "markers", "trails") is shown."""
        return self._visible[layer]

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

    def default_camera(self) -> dict:
        """The landscape's default camera: from the usual corner, as high as it takes to see its lowest point
        over the walls around it (:func:`~landscape_gui.drawing.scene_space.floor_elevation`)."""
        return {**CAMERA, "elevation": self._elevation}

    def reset_camera(self) -> None:
        self.set_camera(self.default_camera())

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
