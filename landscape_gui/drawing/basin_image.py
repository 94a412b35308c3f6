"""A basin map as a legended image (QPainter), coloured by the core's outcome palette
(:func:`~landscape_gui.core.frames.palette.outcome_palette`). :func:`render_basin_image` draws the map
with its axes, the critical points (★ global minima, ● other minima, ✕ saddles, ▲ maxima, ◆ degenerate)
and a legend with each outcome's share onto a ``QImage``; it needs a ``QGuiApplication`` (any platform,
``offscreen`` included: no OpenGL is used).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF

from landscape_gui.core.analysis.basins import BasinMap, outcome_name
from landscape_gui.core.frames.palette import outcome_palette

__all__ = ["render_basin_image"]


# -- the image ---------------------------------------------------------------------------------------------
def _marker(painter: QPainter, kind: str, glob: bool, c: QPointF, r: float, fill: QColor) -> None:
    painter.setPen(QPen(QColor(0, 0, 0), 1.5))
    painter.setBrush(fill)
    if kind == "minimum" and glob:
        pts = []
        for i in range(10):
            rad = r * 1.6 if i % 2 == 0 else r * 0.7
            a = -math.pi / 2 + i * math.pi / 5
            pts.append(QPointF(c.x() + rad * math.cos(a), c.y() + rad * math.sin(a)))
        painter.setPen(QPen(QColor(255, 255, 255), 1.5))
        painter.drawPolygon(QPolygonF(pts))
    elif kind == "minimum":
        painter.setPen(QPen(QColor(255, 255, 255), 1.5))
        painter.drawEllipse(c, r, r)
    elif kind == "saddle":
        painter.setPen(QPen(QColor(0, 0, 0), 2.5))
        painter.drawLine(QPointF(c.x() - r, c.y() - r), QPointF(c.x() + r, c.y() + r))
        painter.drawLine(QPointF(c.x() - r, c.y() + r), QPointF(c.x() + r, c.y() - r))
    elif kind == "maximum":
        painter.drawPolygon(QPolygonF([QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y() + r),
                                       QPointF(c.x() - r, c.y() + r)]))  # fmt: skip
    else:
        painter.drawPolygon(QPolygonF([QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y()),
                                       QPointF(c.x(), c.y() + r), QPointF(c.x() - r, c.y())]))  # fmt: skip


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _rgba_image(rgba: np.ndarray) -> QImage:
    rgba = np.ascontiguousarray(rgba)
    h, w = rgba.shape[:2]
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


def render_basin_image(
    m: BasinMap, *, size: tuple[int, int] = (1000, 640), title: str | None = None, max_rows: int = 14
) -> QImage:
    """The map with axes, critical points and a legend of shares, as an RGB ``QImage`` of ``size``."""
    w, h = size
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor(255, 255, 255))
    palette = outcome_palette(m.points)
    L = m.problem.landscape
    p = QPainter(img)
    try:
        p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        font = QFont()
        font.setPixelSize(13)
        p.setFont(font)
        fm = p.fontMetrics()
        pr = m.problem
        params = ", ".join(f"{k}={v:g}" for k, v in pr.params.items())
        noise = f", noise σ={pr.noise:g} seed {pr.seed}" if pr.noise else ""
        # the hyperparameters last: they are what is cut off when the line is too long
        head = (
            title or f"Basins of {L.name}: {pr.optimizer}, {pr.steps} steps, tol {pr.tol:g}{noise} ({params})"
        )
        bold = QFont(font)
        bold.setBold(True)
        bold.setPixelSize(15)
        p.setFont(bold)
        p.setPen(QColor(0, 0, 0))
        head = p.fontMetrics().elidedText(head, Qt.TextElideMode.ElideRight, w - 20)
        p.drawText(
            QRectF(10, 6, w - 20, 24), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, head
        )
        p.setFont(font)
        legend_w = 330
        left, top, bottom = 64, 40, 46
        side = min(w - legend_w - left - 20, h - top - bottom)
        area = QRectF(left, top, side, side if L.dim == 2 else min(side, 320))
        (x0, x1) = L.domain[0]
        n = m.grid
        half = [(hi - lo) / (2 * (n - 1)) for lo, hi in L.domain]
        ex = (x0 - half[0], x1 + half[0])  # the cells around the samples, edges included
        if L.dim == 2:
            (y0, y1) = L.domain[1]
            ey = (y0 - half[1], y1 + half[1])
        else:
            vals = L.value(m.axes[0][:, None])
            fin = vals[np.isfinite(vals)]
            vlo, vhi = (float(fin.min()), float(fin.max())) if fin.size else (0.0, 1.0)
            pad = vhi - vlo or 1.0
            ey = (vlo - 0.2 * pad, vhi + 0.05 * pad)  # room for the band of outcomes under the curve

        def to_px(x: float, y: float) -> QPointF:
            return QPointF(
                area.left() + (x - ex[0]) / (ex[1] - ex[0]) * area.width(),
                area.bottom() - (y - ey[0]) / (ey[1] - ey[0]) * area.height(),
            )

        rgba = palette[m.labels]
        if L.dim == 2:
            p.drawImage(area, _rgba_image(rgba.transpose(1, 0, 2)[::-1]))  # rows: y from top to bottom
        else:
            band = QRectF(area.left(), area.bottom() - 28, area.width(), 28)
            p.drawImage(band, _rgba_image(np.repeat(rgba[None, :, :], 2, axis=0)))
            path = QPainterPath()
            for i, (x, v) in enumerate(zip(m.axes[0], vals, strict=True)):
                if np.isfinite(v):
                    pt = to_px(float(x), float(v))
                    path.moveTo(pt) if i == 0 else path.lineTo(pt)
            p.setPen(QPen(QColor(30, 30, 30), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        p.setPen(QPen(QColor(0, 0, 0), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(area)
        for t in _ticks(x0, x1):
            pt = to_px(t, ey[0])
            p.drawLine(pt, QPointF(pt.x(), pt.y() + 5))
            p.drawText(QRectF(pt.x() - 30, pt.y() + 6, 60, 16), Qt.AlignmentFlag.AlignHCenter, f"{t:g}")
        ylo, yhi = L.domain[1] if L.dim == 2 else ey
        for t in _ticks(ylo, yhi):
            pt = to_px(ex[0], t)
            p.drawLine(pt, QPointF(pt.x() - 5, pt.y()))
            p.drawText(QRectF(pt.x() - 60, pt.y() - 8, 52, 16), Qt.AlignmentFlag.AlignRight, f"{t:g}")
        names = L.variables
        p.drawText(
            QRectF(area.left(), area.bottom() + 22, area.width(), 18), Qt.AlignmentFlag.AlignHCenter, names[0]
        )
        p.save()
        p.translate(14, area.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-60, -8, 120, 16), Qt.AlignmentFlag.AlignHCenter, names[1] if L.dim == 2 else "J")
        p.restore()
        radius = 5.5 if len(m.points) <= 30 else 3.5
        for k, c in enumerate(m.points):
            y = c.position[1] if L.dim == 2 else c.value
            col = QColor(*palette[k].tolist())
            _marker(p, c.kind, c.is_global, to_px(c.position[0], y), radius, col)

        # legend: the outcomes that occur, largest first within their kind order; the rest summed
        outs = [o for o in m.outcomes() if o.count]
        lx, ly = area.right() + 24, top + 4
        p.setPen(QColor(0, 0, 0))
        p.drawText(
            QRectF(lx, ly, legend_w, 18),
            Qt.AlignmentFlag.AlignLeft,
            f"{n}×{n} starts" if L.dim == 2 else f"{n} starts",
        )
        ly += 24
        shown = outs if len(outs) <= max_rows else outs[: max_rows - 1]
        for o in shown:
            col = QColor(*palette[o.label].tolist())
            p.setPen(QPen(QColor(90, 90, 90), 1))
            p.setBrush(col)
            p.drawRect(QRectF(lx, ly + 2, 18, 14))
            if o.point is not None:
                _marker(p, o.kind, o.is_global, QPointF(lx + 9, ly + 9), 4.0, col)
            p.setPen(QColor(0, 0, 0))
            text = fm.elidedText(outcome_name(o), Qt.TextElideMode.ElideRight, legend_w - 100)
            p.drawText(QRectF(lx + 26, ly, legend_w - 100, 18), Qt.AlignmentFlag.AlignLeft, text)
            p.drawText(
                QRectF(lx + legend_w - 80, ly, 60, 18), Qt.AlignmentFlag.AlignRight, f"{100 * o.share:.1f} %"
            )
            ly += 22
        if len(outs) > len(shown):
            rest = outs[len(shown) :]
            p.drawText(
                QRectF(lx, ly, legend_w - 20, 18),
                Qt.AlignmentFlag.AlignLeft,
                f"… {len(rest)} more outcomes: {100 * sum(o.share for o in rest):.1f} %",
            )
            ly += 22
        glob = sum(o.share for o in outs if o.is_global)
        p.drawText(
            QRectF(lx, ly + 8, legend_w, 18),
            Qt.AlignmentFlag.AlignLeft,
            f"global minimum reached: {100 * glob:.1f} %",
        )
    finally:
        p.end()
    if L.dim == 1:  # no square map: crop the empty space under the plot and the legend
        return img.copy(0, 0, w, int(max(area.bottom() + bottom, ly + 40)))
    return img
