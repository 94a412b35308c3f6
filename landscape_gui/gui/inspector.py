"""The Hessian inspector: in inspect mode (I), hovering over the map or the surface shows J, ∇J, the Hessian,
its eigenvalues and eigenvectors at that point (the core's :func:`~landscape_gui.core.analysis.inspector.inspect_point`)
in a dock, and draws the eigenvector directions there in both views, coloured by curving up or down. At a
critical point it names the kind; at a minimum it states the largest stable learning rate there (2/λmax for
gradient descent, and the bound of each optimizer of the session that has one). A view option draws the directions at every critical point permanently.

Hover events are coalesced: the newest position is inspected on a short timer, so moving the mouse never
queues work behind it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QScrollArea

from landscape_gui.core.analysis.curvature import stable_lr, stable_lr_for
from landscape_gui.core.analysis.inspector import Inspection, inspect_point, inspect_points
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.drawing.eigen_items import CURVATURE_COLORS, EigenMapItems, EigenSceneItems, eigen_lines

HOVER_MS = 30
LINE_FRACTION = 0.07  # each eigen-direction line reaches this share of the domain's largest side each way
PICK_PIXELS = 4  # a critical point within this many map pixels is the point inspected


def _num(v: float) -> str:
    return f"{v:.4g}" if np.isfinite(v) else "—"


def stable_lr_html(i: Inspection, optimizers=()) -> str:
    """At a minimum, the largest stable lr there: gradient descent's 2/λmax, then the bound of each of
    ``optimizers`` (scenario specs) that has one other than plain gradient descent's; "" elsewhere."""
    if i.critical is None or i.critical.kind != "minimum":
        return ""
    gd = stable_lr(i.eigenvalues)
    if gd is None:
        return ""
    rows = [f"gradient descent settles here only for lr &lt; 2/λmax = <b>{gd:.4g}</b>"]
    seen = set()
    for spec in optimizers:
        opt = get_optimizer(spec.id)
        hp = opt.resolve(spec.params)
        value = stable_lr_for(spec.id, hp, i.eigenvalues)
        key = (spec.id, round(value, 12) if value is not None else None)
        if value is None or key in seen or (spec.id in ("gd", "sgd") and value == gd):
            continue
        seen.add(key)
        mu = f", μ = {hp['momentum']:g}" if "momentum" in hp else ""
        rows.append(f"{opt.name}{mu}: lr &lt; {value:.4g}")
    return "<br><b>Stable learning rate</b>: " + "<br>".join(rows)


def inspection_html(i: Inspection, variables, optimizers=()) -> str:
    """The dock's text for one inspection (``optimizers``: the session's, for the stable lr at a minimum)."""
    d = len(i.point)
    at = ", ".join(f"{v:.4g}" for v in i.point)
    kind = ""
    if i.critical is not None:
        name = "global minimum" if i.critical.kind == "minimum" and i.critical.is_global else i.critical.kind
        kind = f"<br><b>critical point: {name}</b>"
    grad = ", ".join(_num(v) for v in i.grad)
    norm = float(np.linalg.norm(i.grad)) if np.isfinite(i.grad).all() else float("nan")
    rows = "".join(
        "<tr>" + "".join(f"<td align='right'>&nbsp;{_num(v)}</td>" for v in row) + "</tr>"
        for row in i.hessian
    )
    eig = []
    for k in range(d):
        r, g, b, _ = CURVATURE_COLORS[i.curvature[k]]
        vec = ", ".join(f"{v:.3f}" for v in i.eigenvectors[:, k])
        word = {"up": "curves up", "down": "curves down", "flat": "flat", "undefined": "undefined"}[
            i.curvature[k]
        ]
        eig.append(
            f"<span style='color:rgb({r},{g},{b})'>━</span> λ{k + 1} = {_num(i.eigenvalues[k])} ({word}) along ({vec})"
        )
    return (
        f"<b>at ({at})</b>{kind}<br>J = {_num(i.value)}<br>∇J = ({grad}), ‖∇J‖ = {_num(norm)}"
        f"<br>Hessian:<table>{rows}</table>" + "<br>".join(eig) + stable_lr_html(i, optimizers)
    )


class Inspector(QObject):
    """Inspect mode and the permanent eigen-directions at critical points, over a 3D view and a map."""

    def __init__(self, session, surface, map_view, parent=None):
        super().__init__(parent)
        self.session, self.surface, self.map = session, surface, map_view
        self.enabled = False
        self.at_critical = False
        self.current: Inspection | None = None
        self._pending = None  # newest hovered domain point, inspected on the timer
        self._timer = QTimer(self, singleShot=True, interval=HOVER_MS)
        self._timer.timeout.connect(self._inspect_pending)
        self.map_items = EigenMapItems(map_view)
        self.scene_items = EigenSceneItems(surface.scene3d)
        self.crit_map = EigenMapItems(map_view, z=7.5)
        self.crit_scene = EigenSceneItems(surface.scene3d)
        self._critical: list = []

        self.label = QLabel("Inspect mode (I): hover over the map or the surface.")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setMargin(6)
        self.dock = QDockWidget("Hessian inspector")
        self.dock.setObjectName("dock_inspector")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.label)
        self.dock.setWidget(scroll)

        map_view.scene().sigMouseMoved.connect(self._map_moved)
        surface.mouseMoved.connect(self._surface_moved)
        session.changed.connect(lambda what: self._landscape_changed() if "landscape" in what else None)

    # -- modes --------------------------------------------------------------------------------------------
    def set_enabled(self, on: bool) -> None:
        self.enabled = bool(on)
        if self.enabled:
            self.dock.show()
            self.dock.raise_()
        else:
            self._timer.stop()
            self.current = None
            self.map_items.clear()
            self.scene_items.clear()

    def set_at_critical(self, on: bool) -> None:
        self.at_critical = bool(on)
        self._draw_critical()

    # -- hovering -----------------------------------------------------------------------------------------
    def _map_moved(self, scene_pos) -> None:
        m = self.map
        if not self.enabled or m.landscape is None:
            return
        vb = m.plot_item.vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return
        p = vb.mapSceneToView(scene_pos)
        self._hover(np.array([p.x(), p.y()][: m.landscape.dim]), self._map_pixel())

    def _map_pixel(self) -> float:
        """Domain units per map pixel (along x)."""
        vb = self.map.plot_item.vb
        (x0, x1), _ = vb.viewRange()
        return (x1 - x0) / max(1.0, vb.width())

    def _surface_moved(self, x: float, y: float) -> None:
        if not self.enabled:
            return
        point = self.surface.pick(x, y)
        if point is not None:
            lo, hi = self.session.landscape.domain[0]
            self._hover(point, (hi - lo) / max(1, self.surface.width()))

    def _hover(self, point, pixel: float) -> None:
        if np.isfinite(point).all():
            self._pending = (np.asarray(point, dtype=np.float64), pixel)
            if not self._timer.isActive():
                self._timer.start()

    def _inspect_pending(self) -> None:
        if self._pending is None or not self.enabled:
            return
        point, pixel = self._pending
        self._pending = None
        self.inspect(point, radius=PICK_PIXELS * pixel)

    def inspect(self, point, radius: float | None = None) -> Inspection:
        """Inspect ``point`` (a domain point): the dock's numbers and the lines in both views."""
        L = self.session.landscape
        i = inspect_point(L, point, radius)
        if i.critical is not None:  # at a critical point: show it exactly there
            i = inspect_point(L, i.critical.position, radius)
        self.current = i
        self.label.setText(inspection_html(i, L.variables, self.session.optimizers))
        r = {k: np.asarray(v)[None] for k, v in (
            ("eigenvalues", i.eigenvalues), ("eigenvectors", i.eigenvectors), ("curvature", np.array(i.curvature, dtype=object)),
        )}  # fmt: skip
        lines = eigen_lines(i.point[None], r, self._half_length())
        self.map_items.set_lines(i.point[None], lines)
        self.scene_items.set_lines(i.point[None], lines)
        return i

    def _half_length(self) -> float:
        return LINE_FRACTION * max(hi - lo for lo, hi in self.session.landscape.domain)

    # -- critical points ----------------------------------------------------------------------------------
    def _landscape_changed(self) -> None:
        """Another landscape: nothing inspected, no matrix of the one before (the dock says so)."""
        self.current = None
        for items in (self.map_items, self.scene_items, self.crit_map, self.crit_scene):
            items.clear()
        self._critical = []
        self.label.setText("Inspect mode (I): hover over the map or the surface.")

    def set_critical_points(self, points) -> None:
        """The landscape's critical points (found in the background), for the permanent eigen-directions."""
        self._critical = list(points)
        self._draw_critical()

    def _draw_critical(self) -> None:
        points = self._critical if self.at_critical else []
        if not points:
            self.crit_map.clear()
            self.crit_scene.clear()
            return
        pos = np.array([p.position for p in points], dtype=np.float64)
        lines = eigen_lines(pos, inspect_points(self.session.landscape, pos), 0.6 * self._half_length())
        self.crit_map.set_lines(pos, lines)
        self.crit_scene.set_lines(pos, lines)
