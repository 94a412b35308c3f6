"""The 3D view: a GLViewWidget that turns clicks (not drags) into start points by casting a ray.

GL picking is unusable (legacy GL_SELECT, pyqtgraph #2650), so a click is unprojected at depth −1 and +1,
and the ray is marched then bisected against the surface z = height(x, y) of :class:`Scene3D`.
Hovering a critical point shows its value and Hessian eigenvalues.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QEvent, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QVector3D, QVector4D
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat
from PySide6.QtWidgets import QLabel, QToolTip, QWidget

from landscape_gui.core.frames.presenter import LegendRow
from landscape_gui.drawing.legend import legend_html
from landscape_gui.drawing.scene import LIFT, Scene3D
from landscape_gui.drawing.theme import THEMES

CLICK_SLOP = 4  # pixels a press may move and still count as a click


def critical_tooltip(p) -> str:
    kind = "global minimum" if p.kind == "minimum" and p.is_global else p.kind
    pos = ", ".join(f"{c:.4g}" for c in p.position)
    eig = ", ".join(f"{e:.4g}" for e in p.eigenvalues)
    return f"<b>{kind}</b> at ({pos})<br>J = {p.value:.6g}<br>Hessian eigenvalues: {eig}"


class ViewLegend(QLabel):
    """The 3D view's legend, on a translucent panel in the view's top-right corner.

    Top right, because the camera's default azimuth stands the height axis and its labels at the top left,
    where the legend used to cover them in a 1280×720 window; the panel keeps it readable wherever the
    user turns the surface under it. It follows the view's size and ignores the mouse.
    """

    MARGIN = 10
    PANEL_ALPHA = {"dark": 170, "light": 190}  # over the 3D view's own background colour

    def __init__(self, view):
        super().__init__(view)
        self.setObjectName("legend3d")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.scale = 1.0  # presentation mode: font size × scale
        self._shown = ("", "dark")
        self._fitted_key, self._fitted = None, 0
        self.hide()  # until there is something to show
        view.installEventFilter(self)

    #: The legend takes at most this share of the view's width (its text wraps) and grows half as much as the
    #: presentation scale: at 150 % on 1366×768 it used to cover the view.
    MAX_WIDTH_SHARE = 0.42
    #: ... and at most this share of its height: the rows past it are counted in a last row (a basin map's
    #: eight rows ran off the bottom of a 350 px view).
    MAX_HEIGHT_SHARE = 0.62

    def _view(self) -> QWidget:
        view = self.parentWidget()
        assert view is not None  # made as a child of its view
        return view

    def show_rows(self, rows, theme: str) -> None:
        """Show a frame's legend rows: as many as fit :data:`MAX_HEIGHT_SHARE` of the view, then one row saying
        how many more there are (the map's tooltip and the docks list them all)."""
        rows = list(rows)
        key = ([r.text for r in rows], theme, self.scale, self._view().size().toTuple())
        if key != self._fitted_key:  # which rows fit changes with them and the view, not every frame
            self._fitted_key, self._fitted = key, self._fitting(rows, theme)
        n = self._fitted
        if n < len(rows):
            more = LegendRow((0, 0, 0, 0), f"… {len(rows) - n} more: hover the map, or see the docks")
            rows = [*rows[:n], more]
        self.show_legend(legend_html(rows, theme), theme)

    def _fitting(self, rows, theme: str) -> int:
        """How many of ``rows`` (with the "more" row) fit the height the legend may take."""
        limit = self._view().height() * self.MAX_HEIGHT_SHARE
        n = len(rows)
        while n > 1:
            shown = (
                rows if n == len(rows) else [*rows[:n], LegendRow((0, 0, 0, 0), "… 99 more: hover the map")]
            )
            self.show_legend(legend_html(shown, theme), theme)
            if self.height() <= limit:
                break
            n -= 1
        return n

    def show_legend(self, html: str, theme: str) -> None:
        """Show ``html`` on the ``theme``'s panel; hide the panel when empty."""
        if (html, theme) == self._shown and self.isVisible() == bool(html):
            return
        self._shown = (html, theme)
        r, g, b = THEMES[theme]["scene_bg"]
        size = 10 * (1 + 0.5 * (self.scale - 1))
        self.setStyleSheet(
            f"QLabel#legend3d {{ background: rgba({r}, {g}, {b}, {self.PANEL_ALPHA[theme]});"
            f" color: {THEMES[theme]['text']};"
            f" border-radius: 6px; padding: 4px 8px; font-size: {size:.0f}pt; }}"
        )
        self.setText(html)
        self._fit()
        self.setVisible(bool(html))

    def _fit(self) -> None:
        view = self._view()
        self.setMaximumWidth(max(230, round(view.width() * self.MAX_WIDTH_SHARE)))
        self.setWordWrap(True)
        # the width it wants up to the maximum, and the height its wrapped rows take at that width (adjustSize
        # kept the unwrapped height: the last rows were cut off)
        width = min(self.sizeHint().width(), self.maximumWidth())
        self.resize(width, self.heightForWidth(width))
        self._place()

    def set_scale(self, scale: float) -> None:
        self.scale = float(scale)
        self.show_legend(*self._shown)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _place(self) -> None:
        view = self._view()
        self.move(max(self.MARGIN, view.width() - self.width() - self.MARGIN), self.MARGIN)


#: pyqtgraph's horizontal field of view, kept as it is up to this width-to-height ratio.
FOV, FOV_ASPECT = 60.0, 4 / 3


def fitted_fov(aspect: float) -> float:
    """The horizontal field of view (degrees) that shows, at ``aspect`` = width/height, at least what a 4:3 view
    with pyqtgraph's 60° shows: the same height when wider, the same width when narrower.

    >>> round(fitted_fov(4 / 3), 6), round(fitted_fov(16 / 9), 1)
    (60.0, 75.2)
    """
    if aspect <= FOV_ASPECT:
        return FOV
    half = math.atan(math.tan(math.radians(FOV / 2)) / FOV_ASPECT)  # the 4:3 view's vertical half-angle
    return math.degrees(2 * math.atan(math.tan(half) * aspect))


class CachedGLView(gl.GLViewWidget):
    """A GLViewWidget that draws the static part of its :class:`Scene3D` once, not at every frame.

    The surface mesh, floor contours, axes and markers change only with the landscape, the view settings or
    the camera, yet rasterising a 200×200 mesh costs ~30 ms per frame in software OpenGL. They are rendered
    into a framebuffer object (colour and depth) when the scene's ``static_version``, the camera or the size
    changes; every frame blits that image and its depth back, then draws only the moving items (trails,
    balls), depth-tested against the cached depth so trails behind hills stay hidden. Text labels are drawn
    with QPainter, which always targets the widget's own framebuffer, so they are drawn after the blit, all
    with one painter. Tiled renders (``renderToArray``) and multisampled contexts take pyqtgraph's plain path.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scene3d = Scene3D(self)
        self._fbo: QOpenGLFramebufferObject | None = None
        self._cache_key = None

    def resizeEvent(self, event) -> None:
        """A camera frames the same part of the scene whatever the view's shape: pyqtgraph's 60° field of view
        is horizontal, so in a wide view (a 16:9 export, the stage layout) the height shrank and the top of a
        surface was cut off. Wider than 4:3, the field widens to keep a 4:3 view's height."""
        w, h = max(1, self.width()), max(1, self.height())
        self.opts["fov"] = fitted_fov(w / h)
        super().resizeEvent(event)

    def paint(self, *, region, viewport, useItemNames=False):
        cached, overlay = self.scene3d.cached_items()
        if useItemNames or tuple(region) != tuple(viewport) or not cached or self.format().samples() > 1:
            return super().paint(region=region, viewport=viewport, useItemNames=useItemNames)
        self.setProjection(region, viewport)
        self.setModelview()
        # ``viewport`` is in logical pixels (pyqtgraph's getViewport); OpenGL works in device pixels, twice as
        # many each way on a 200 % screen, where logical sizes drew the scene into the bottom-left quarter.
        dpr = self.devicePixelRatioF()
        x, y, w, h = (round(v * dpr) for v in viewport)
        target = self.defaultFramebufferObject()
        key = (
            self.scene3d.static_version,
            (x, y, w, h),
            tuple(self.opts["bgcolor"]),
            tuple(self.projectionMatrix(region, viewport).data()),
            tuple(self.viewMatrix().data()),
        )
        if self._fbo is None or self._fbo.size() != QSize(w, h):
            fmt = QOpenGLFramebufferObjectFormat()
            fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            self._fbo = QOpenGLFramebufferObject(QSize(w, h), fmt)
            self._cache_key = None
        if key != self._cache_key:
            self._fbo.bind()
            GL.glViewport(0, 0, w, h)
            GL.glClearColor(*self.opts["bgcolor"])
            GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
            self._draw(cached)
            self._cache_key = key
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self._fbo.handle())
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
        # Depth *and* stencil, although stencil is unused: Mesa copies a whole depth-stencil buffer as memory
        # (~1 ms at 1080p, and exact), but depth alone through a shader (~11 ms, depths rounded).
        bits = GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT | GL.GL_STENCIL_BUFFER_BIT
        GL.glBlitFramebuffer(0, 0, w, h, x, y, x + w, y + h, bits, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        GL.glViewport(x, y, w, h)
        skip = {id(i) for i in cached}
        self._draw(
            [i for i in self.items if i.parentItem() is None and id(i) not in skip and i not in overlay]
        )
        self._draw_labels(overlay)

    def _draw_labels(self, labels) -> None:
        """Draw text items as GLTextItem.paint does, with one QPainter for all of them (a QPainter opened on
        the GL widget costs ~0.2 ms, one per label and frame added ~3 ms to a frame)."""
        shown = [i for i in labels if i.visible() and i.text]
        if not shown:
            return
        at = []
        for item in shown:
            self._modelViewStack.append(self.currentModelView() * item.transform())
            try:
                at.append(item.align_text(item.compute_projection().map(QVector3D(*item.pos)).toPointF()))
            finally:
                self._modelViewStack.pop()
        painter = QPainter(self)
        try:
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
            for item, pos in zip(shown, at, strict=True):
                painter.setPen(item.color)
                painter.setFont(item.font)
                painter.drawText(pos, item.text)
        finally:
            painter.end()

    def _draw(self, items) -> None:
        """Draw top-level items as pyqtgraph's drawItemTree does (sorted by depth value, with transforms)."""
        for item in sorted(items, key=lambda a: a.depthValue()):
            if not item.visible():
                continue
            self._modelViewStack.append(self.currentModelView() * item.transform())
            try:
                self.drawItemTree(item)
            finally:
                self._modelViewStack.pop()


class SurfaceView(CachedGLView):
    pointClicked = Signal(object)  # (d,) domain point where the click ray meets the surface
    mouseMoved = Signal(float, float)  # logical pixel of the mouse hovering (no button pressed)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.critical = []
        self._press: QPointF | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(320, 240)
        self.setToolTip("")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # -- ray casting --------------------------------------------------------------------------------------
    def ray(self, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
        """Near and far points (scene coordinates) of the view ray through logical pixel (x, y)."""
        w, h = max(1, self.width()), max(1, self.height())
        mvp = self.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * self.viewMatrix()
        inv, ok = mvp.inverted()
        if not ok:
            return np.zeros(3), np.zeros(3)
        ndc_x, ndc_y = 2 * x / w - 1, 1 - 2 * y / h
        out = []
        for depth in (-1.0, 1.0):
            v = inv.map(QVector4D(ndc_x, ndc_y, depth, 1.0))
            out.append(np.array([v.x(), v.y(), v.z()]) / v.w())
        return out[0], out[1]

    def pick(self, x: float, y: float) -> np.ndarray | None:
        """The domain point where the ray through pixel (x, y) first meets the surface, or None."""
        scene = self.scene3d
        if scene.landscape is None:
            return None
        near, far = self.ray(x, y)
        direction = far - near
        sx, sy = scene.half_extent
        # march from the camera until the ray drops below the surface inside the box
        t = np.linspace(0, 1, 4001) ** 2 * min(1.0, 30 * self.opts["distance"] / np.linalg.norm(direction))
        pts = near + t[:, None] * direction
        inside = (np.abs(pts[:, 0]) <= sx) & (np.abs(pts[:, 1]) <= sy)
        if not inside.any():
            return None
        # height above the surface along the ray; NaN outside the box and where J is undefined (no surface)
        f = np.full(len(t), np.nan)
        f[inside] = pts[inside, 2] - self._surface_z(pts[inside, :2])
        # Only a ray that crosses the surface sheet places a start: one that enters the box through its side
        # below the surface's edge (a click on the floor under the surface) never crosses it.
        ok = np.isfinite(f[:-1]) & np.isfinite(f[1:])
        cross = np.flatnonzero(ok & ((f[:-1] > 0) != (f[1:] > 0)))
        if cross.size == 0:
            return None
        k = cross[0]
        above = f[k] > 0
        lo, hi = t[k], t[k + 1]
        for _ in range(40):
            mid = (lo + hi) / 2
            p = near + mid * direction
            z = self._surface_z(p[None, :2])[0]
            if not np.isfinite(z):
                break
            if (p[2] - z > 0) == above:
                lo = mid
            else:
                hi = mid
        hit = near + hi * direction
        return self.scene3d.to_domain(hit[None, :2])[0]

    def _surface_z(self, xy: np.ndarray) -> np.ndarray:
        """Scene z of the surface above scene (x, y); NaN where J is undefined (a gap in the surface)."""
        scene = self.scene3d
        assert scene.landscape is not None  # a surface is shown
        points = scene.to_domain(xy)
        with np.errstate(all="ignore"):
            values = np.asarray(scene.landscape.value(points), dtype=np.float64).reshape(-1)
        return np.where(np.isfinite(values), scene.z_of_values(values), np.nan)

    def project(self, xyz: np.ndarray) -> np.ndarray:
        """Scene points (N, 3) → logical pixel coordinates (N, 2)."""
        w, h = max(1, self.width()), max(1, self.height())
        mvp = self.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * self.viewMatrix()
        m = np.array(mvp.data(), dtype=np.float64).reshape(4, 4).T
        hom = np.column_stack([xyz, np.ones(len(xyz))]) @ m.T
        ndc = hom[:, :2] / hom[:, 3:4]
        return np.column_stack([(ndc[:, 0] + 1) * w / 2, (1 - ndc[:, 1]) * h / 2])

    # -- mouse ----------------------------------------------------------------------------------------------
    def mousePressEvent(self, ev):
        self._press = ev.position() if ev.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(ev)

    def mouseReleaseEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton and self._press is not None:
            d = ev.position() - self._press
            if abs(d.x()) + abs(d.y()) <= CLICK_SLOP:
                point = self.pick(ev.position().x(), ev.position().y())
                if point is not None:
                    self.pointClicked.emit(point)
        self._press = None
        super().mouseReleaseEvent(ev)

    def mouseMoveEvent(self, ev):
        super().mouseMoveEvent(ev)
        if ev.buttons() == Qt.MouseButton.NoButton:
            self.mouseMoved.emit(ev.position().x(), ev.position().y())
        if (
            ev.buttons() != Qt.MouseButton.NoButton
            or not self.critical
            or not self.scene3d.visible("markers")
        ):
            return
        pts = np.array([p.position for p in self.critical], dtype=np.float64)
        xyz = np.column_stack([self.scene3d.to_scene(pts), self.scene3d.height(pts) + LIFT])
        px = self.project(xyz)
        d = np.hypot(px[:, 0] - ev.position().x(), px[:, 1] - ev.position().y())
        i = int(np.argmin(d))
        if d[i] < 10:
            QToolTip.showText(ev.globalPosition().toPoint(), critical_tooltip(self.critical[i]), self)
        else:
            QToolTip.hideText()

    def set_critical_points(self, points) -> None:
        self.critical = list(points)
        self.scene3d.set_critical_points(self.critical)
