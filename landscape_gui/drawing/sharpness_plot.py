"""The sharpness plot: λmax along each run (solid, in its colour) and each optimizer's stability line (dashed,
labelled with its value): a run above its optimizer's line oscillates outward. It draws a
:class:`~landscape_gui.core.frames.sharpness.SharpnessCurves`; it decides nothing.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from landscape_gui.drawing.curves import line_width

TIP = (
    "Sharpness λmax (the Hessian's largest eigenvalue) along each run.<br>Dashed: the largest λmax each "
    "optimizer survives, 2/lr for gradient descent (2(1+μ)/lr with heavy-ball momentum): a run whose curve "
    "lies above its optimizer's line oscillates outward along the sharpest direction."
)


class SharpnessPlot(pg.PlotWidget):
    """See the module docstring."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip(TIP)
        self.curves: list[pg.PlotDataItem] = []
        self.lines: list[pg.PlotDataItem] = []
        self.labels: list[pg.TextItem] = []
        self.note = pg.TextItem(anchor=(0, 0))
        self.note.setZValue(30)
        self.addItem(self.note, ignoreBounds=True)
        self.line_scale = 1.0

    def show_curves(self, curves, run_colors, optimizer_colors) -> None:
        """Draw ``curves`` (a ``SharpnessCurves``); ``run_colors`` per run, ``optimizer_colors`` per optimizer."""
        width = line_width(len(curves.runs), self.line_scale)
        while len(self.curves) < len(curves.runs):
            item = pg.PlotDataItem(connect="finite")
            self.addItem(item)
            self.curves.append(item)
        for item, (steps, lam), color in zip(self.curves, curves.runs, run_colors, strict=False):
            item.setPen(pg.mkPen(tuple(int(v) for v in color[:3]), width=width))
            item.setData(np.asarray(steps), np.asarray(lam))
        for item in self.curves[len(curves.runs) :]:
            item.setData([], [])
        if curves.lines is not getattr(self, "_lines_shown", None):  # the same lines (a replay): kept
            self._lines_shown = curves.lines
            self._draw_lines(curves, optimizer_colors)
        self._set_y_range(curves)
        if self.note.toPlainText() != curves.note:
            self.note.setText(curves.note)
        (x0, _), (_, y1) = self.getPlotItem().vb.viewRange()
        self.note.setPos(x0, y1)

    def _draw_lines(self, curves, optimizer_colors) -> None:
        for item in self.lines + self.labels:
            self.removeItem(item)
        self.lines, self.labels = [], []
        tops = [
            float(np.nanmax(v)) if np.isfinite(v).any() else -np.inf for v in (l.values for l in curves.lines)
        ]
        highest = int(np.argmax(tops)) if tops else -1
        for k, line in enumerate(curves.lines):
            color = tuple(int(v) for v in optimizer_colors[line.group][:3])
            pen = pg.mkPen(color, width=2 * self.line_scale)
            pen.setDashPattern([6, 4])
            item = pg.PlotDataItem(line.steps, line.values, pen=pen, connect="finite")
            self.addItem(item)
            self.lines.append(item)
            ok = np.isfinite(line.values)
            if ok.any():
                # the highest line's label above it, the others below theirs: clear of the curves between them
                label = pg.TextItem(line.text, color=color, anchor=(1, 1 if k == highest else 0))
                label.setPos(float(line.steps[ok][-1]), float(line.values[ok][-1]))
                self.addItem(label, ignoreBounds=True)
                self.labels.append(label)

    def set_scale(self, scale: float) -> None:
        self.line_scale = float(scale)

    def _set_y_range(self, curves) -> None:
        """Every curve and line inside, with room for the lines' labels above and below."""
        values = [np.asarray(v, dtype=np.float64) for _, v in curves.runs]
        values += [np.asarray(line.values, dtype=np.float64) for line in curves.lines]
        values = [v[np.isfinite(v)] for v in values]
        values = [v for v in values if v.size]
        if not values:
            return
        lo = min(float(v.min()) for v in values)
        hi = max(float(v.max()) for v in values)
        span = max(hi - lo, 0.1 * max(abs(hi), abs(lo)), 1e-9)
        self.setYRange(lo - 0.8 * span, hi + 0.8 * span, padding=0)
