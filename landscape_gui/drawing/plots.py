"""The plots dock: loss against iteration and gradient norm (log scale) for every run.

The two plots share the step axis. pyqtgraph links x axes by screen position, so both left axes have the same
fixed width: with the gradient plot's wider labels (10⁻¹⁰) its first ~25 steps used to fall left of the view.
A diverged run is drawn in curves that do not count for the automatic range (one run at 1e30 would flatten all
the others to a line) and marked with a ▲ at the top of the plot, at the step where it left the finite range.

The third plot shows the learning rate each optimizer used at each step (shown when a schedule changes it).
The sharpness plot (:class:`~landscape_gui.drawing.sharpness_plot.SharpnessPlot`) shows λmax along each run
against each optimizer's stability line 2/lr; the window fills it (:meth:`PlotsPanel.show_sharpness`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from landscape_gui.drawing.curves import ChunkedCurve, grouped, joined, line_width, points_per_run, thinned
from landscape_gui.drawing.sharpness_plot import SharpnessPlot

START_STYLES = (None, (6, 3), (2, 3), (8, 3, 2, 3))
AXIS_WIDTH = 62  # px at scale 1: room for "1e-10" or "-8000" at the left of both plots
TICK_PT, LABEL_PT = 9, 10
MIN_LOG_SPAN = 3.0  # decades the gradient plot shows at least: fewer labelled 2, 3, … 9 on top of each other


#: Each plot's least height: the plots share their dock, which shares the window with the others (taller minimums
#: added up past a 768-pixel screen and made the window grow past it).
MIN_PLOT_HEIGHT = 48


class PlotsPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.loss_plot = pg.PlotWidget()
        self.loss_plot.setToolTip("Loss of every run against its step (▲: a run that diverged)")
        self.grad_plot = pg.PlotWidget()
        self.grad_plot.setLogMode(False, True)
        self.grad_plot.setToolTip("Gradient norm (log scale): a dip that lingers means a saddle or a plateau")
        self.grad_plot.setXLink(self.loss_plot)
        self.grad_plot.getPlotItem().vb.setLimits(minYRange=MIN_LOG_SPAN)
        self.lr_plot = pg.PlotWidget()
        self.lr_plot.setLabel("left", "lr")
        self.lr_plot.setLabel("bottom", "step")
        self.lr_plot.setToolTip("The learning rate each optimizer used at each step (its schedule's)")
        self.lr_plot.setXLink(self.loss_plot)
        self.dist_plot = pg.PlotWidget()
        self.dist_plot.setLogMode(False, True)
        self.dist_plot.setToolTip("Each run's distance to the nearest global minimum (log scale)")
        self.dist_plot.setXLink(self.loss_plot)
        self.dist_plot.getPlotItem().vb.setLimits(minYRange=MIN_LOG_SPAN)
        self.sharp_plot = SharpnessPlot()
        self.sharp_plot.setXLink(self.loss_plot)
        self.sharp_plot.hide()  # until the window shows sharpness (the export's loss panel never does)
        self.scale = 1.0
        self.log_loss = False
        for p in (self.loss_plot, self.grad_plot, self.dist_plot, self.lr_plot, self.sharp_plot):
            p.showGrid(x=True, y=True, alpha=0.15)
            for axis in ("bottom", "left"):  # no "loss J (x0.001)" cut off at the axis' end: plain numbers
                p.getAxis(axis).enableAutoSIPrefix(False)
            # no negative steps, and at least 10 steps wide (not 0.2, 0.4, … before the first step)
            p.getPlotItem().vb.setLimits(xMin=0, minXRange=10)
            p.setMinimumHeight(MIN_PLOT_HEIGHT)
            layout.addWidget(p)
        # the fifth plot: a smaller least height, so that all five still fit a 720-pixel screen
        self.sharp_plot.setMinimumHeight(MIN_PLOT_HEIGHT // 2)
        # One curve per (optimizer colour, start's line style), holding its runs NaN-separated: one item per
        # run made pyqtgraph's per-item bookkeeping the cost of a refresh with many runs. Each has a twin for
        # its diverged runs, outside the automatic range.
        self.loss_curves: list[ChunkedCurve] = []
        self.grad_curves: list[pg.PlotDataItem] = []
        self.diverged_curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []
        self.curve_runs: list[np.ndarray] = []  # the runs each pair of curves draws, in run order
        self.diverged_marks = pg.ScatterPlotItem(symbol="t1", size=14, pen=pg.mkPen("w", width=1))
        self.diverged_marks.setZValue(20)
        self.loss_plot.addItem(self.diverged_marks, ignoreBounds=True)
        self._brushes: list = []
        self.lr_curves: list[pg.PlotDataItem] = []  # one per optimizer
        self.lr_plot.setMaximumHeight(150)
        self.lr_plot.hide()
        self.dist_plot.hide()
        self.dist_curves: list[pg.PlotDataItem] = []
        self._frame_key: tuple = ([], 0)  # the runs' colours and starts of the last frame shown
        self._lr_colors: list = []
        self.set_scale(1.0)

    def set_scale(self, scale: float) -> None:
        """Presentation mode: axis fonts, axis width, line widths and markers × ``scale``."""
        self.scale = float(scale)
        tick = QFont()
        tick.setPointSizeF(TICK_PT * self.scale)
        size = {"font-size": f"{LABEL_PT * self.scale:.0f}pt"}
        loss = "J − J* (log)" if self.log_loss else "loss J"
        for p, name in ((self.loss_plot, loss), (self.grad_plot, "‖∇J‖"), (self.dist_plot, "‖θ − θ*‖"),
                        (self.lr_plot, "lr"), (self.sharp_plot, "λmax")):  # fmt: skip
            for a, text in (("left", name), ("bottom", "step")):
                p.setLabel(a, text, **{**p.getAxis(a).labelStyle, **size})  # keeps the theme's colour
            for a in ("left", "bottom"):
                p.getAxis(a).setStyle(tickFont=tick)
            p.getAxis("left").setWidth(round(AXIS_WIDTH * self.scale))
        self.diverged_marks.setSize(14 * self.scale)
        self.sharp_plot.set_scale(self.scale)
        width = line_width(len(self._brushes), self.scale)
        for item in self.loss_curves + self.grad_curves + [c for pair in self.diverged_curves for c in pair]:
            pen = pg.mkPen(item.opts["pen"])
            pen.setWidthF(width)
            item.setPen(pen)

    def show_frame(self, frame, *, grads: bool = True, lr: bool = True) -> None:
        """Draw a :class:`~landscape_gui.core.frames.presenter.Frame`: every run's loss (and ‖∇J‖ unless
        ``grads`` is False), and (unless ``lr`` is False) each optimizer's learning rate when one follows a
        schedule."""
        snap = frame.snapshot
        colors = [look.color for look in frame.runs]
        if (colors, frame.n_starts) != self._frame_key:
            self._frame_key = (colors, frame.n_starts)
            self.set_runs(colors, frame.n_starts)
        diverged = [r.status == "diverged" for r in snap.runs]
        log = frame.loss_floor is not None
        if log != self.log_loss:  # J − J* on a log axis, or J
            self.log_loss = log
            self.loss_plot.getAxis("left").setLogMode(log)
            self.set_scale(self.scale)
        losses = snap.path_values
        if log:  # log10 of the excess over J*, round-off above J* shown at the floor of the axis
            floor, tiny = frame.loss_floor, 1e-12 * max(1.0, frame.loss_scale)
            with np.errstate(all="ignore"):
                losses = [np.log10(np.maximum(v - floor, tiny)) for v in losses]
        self.update_runs(snap.history_steps, losses, snap.history_grad if grads else None, diverged)
        self._show_distances(frame)
        if not lr:
            return
        if list(frame.optimizer_colors) != self._lr_colors:
            self._lr_colors = list(frame.optimizer_colors)
            self.set_lr_curves(frame.optimizer_colors, frame.scheduled)
        self.show_lr(frame.scheduled)
        if frame.scheduled:
            self.update_lr(snap.lr_history)

    def _show_distances(self, frame) -> None:
        """The distance plot: shown while the frame has distances, one curve per run in its colour."""
        shown = frame.distances is not None
        if self.dist_plot.isVisibleTo(self) != shown:
            self.dist_plot.setVisible(shown)
        if not shown:
            return
        if len(self.dist_curves) != len(frame.runs):
            for c in self.dist_curves:
                self.dist_plot.removeItem(c)
            width = line_width(len(frame.runs), self.scale)
            self.dist_curves = [pg.PlotDataItem(pen=pg.mkPen(r.color, width=width)) for r in frame.runs]
            for c in self.dist_curves:
                self.dist_plot.addItem(c)
        keep = points_per_run(len(frame.runs))
        for curve, steps, d in zip(
            self.dist_curves, frame.snapshot.history_steps, frame.distances, strict=True
        ):
            index = thinned(len(d), keep)
            curve.setData(np.asarray(steps)[index], np.clip(d[index], 1e-16, 1e300))

    def show_sharpness(self, curves, frame) -> None:
        """The sharpness plot of ``frame`` (a ``SharpnessCurves``; None hides the plot)."""
        shown = curves is not None
        if self.sharp_plot.isVisibleTo(self) != shown:
            self.sharp_plot.setVisible(shown)
        if shown:
            self.sharp_plot.show_curves(curves, [r.color for r in frame.runs], frame.optimizer_colors)

    def set_lr_curves(self, colors, shown: bool) -> None:
        """One learning-rate curve per optimizer (``colors``: its colour); the plot is shown when ``shown``."""
        for c in self.lr_curves:
            self.lr_plot.removeItem(c)
        self.lr_curves = []
        for color in colors:
            item = pg.PlotDataItem(pen=pg.mkPen(tuple(int(v) for v in color), width=2), connect="finite")
            self.lr_plot.addItem(item)
            self.lr_curves.append(item)
        self.show_lr(shown)

    def show_lr(self, shown: bool) -> None:
        """Show or hide the learning-rate plot (the others give it room within the same height)."""
        if self.lr_plot.isVisibleTo(self) != bool(shown):
            self.lr_plot.setVisible(bool(shown))

    def update_lr(self, histories) -> None:
        """``histories``: per optimizer, ``(steps, lr)`` of the steps taken."""
        for item, (steps, lrs) in zip(self.lr_curves, histories, strict=False):
            item.setData(np.asarray(steps), np.asarray(lrs))

    def set_runs(self, colors, n_starts: int) -> None:
        for p, curves in ((self.loss_plot, self.loss_curves), (self.grad_plot, self.grad_curves)):
            for c in curves:
                p.removeItem(c)
            curves.clear()
        for loss, grad in self.diverged_curves:
            self.loss_plot.removeItem(loss)
            self.grad_plot.removeItem(grad)
        self.diverged_curves = []
        keys = [
            (tuple(int(v) for v in color), START_STYLES[(i % max(1, n_starts)) % len(START_STYLES)])
            for i, color in enumerate(colors)
        ]
        self.curve_runs = []
        self._brushes = [pg.mkBrush(*c) for c in colors]
        width = line_width(len(colors), self.scale)
        for (color, style), runs in grouped(keys):
            pair = []
            for p, curves in ((self.loss_plot, self.loss_curves), (self.grad_plot, self.grad_curves)):
                pen = pg.mkPen(color, width=width)
                if style:
                    pen.setDashPattern(list(style))
                # the loss axis is linear: a curve stroked in pieces; the gradient plot's log axis needs a
                # PlotDataItem (which maps the data to it)
                kind = ChunkedCurve if p is self.loss_plot else pg.PlotDataItem
                item = kind(pen=pen, connect="finite")
                p.addItem(item)
                curves.append(item)
                twin = pg.PlotDataItem(pen=pg.mkPen(pen), connect="finite")
                p.addItem(twin, ignoreBounds=True)
                pair.append(twin)
            self.diverged_curves.append(tuple(pair))
            self.curve_runs.append(runs)
        self.diverged_marks.setData([], [])

    def update_runs(self, steps, losses, grads=None, diverged=None) -> None:
        """Every run's loss (and ‖∇J‖) against its step; ``grads=None`` leaves the gradient plot alone (the
        export's composite view draws the loss only). ``diverged`` (bool per run) moves a run out of the
        automatic range and marks it ▲."""
        n_runs = min(len(steps), len(losses), len(steps if grads is None else grads))
        gone = np.zeros(n_runs, bool) if diverged is None else np.asarray(diverged, bool)[:n_runs]
        marks = []
        keep = points_per_run(sum(len(r) for r in self.curve_runs))  # many runs: thinned curves
        for loss_curve, grad_curve, (loss_twin, grad_twin), runs in zip(
            self.loss_curves, self.grad_curves, self.diverged_curves, self.curve_runs, strict=True
        ):
            kept: dict[
                bool, tuple[list[tuple[np.ndarray, np.ndarray]], list[tuple[np.ndarray, np.ndarray]]]
            ] = {False: ([], []), True: ([], [])}
            for i in runs:
                if i >= n_runs:
                    continue
                s, v = steps[i], losses[i]
                g = None if grads is None else grads[i]
                n = min(len(s), len(v), len(s) if g is None else len(g))
                index = thinned(n, keep)
                s, v = np.asarray(s)[:n][index], np.asarray(v)[:n][index]
                ok = np.isfinite(v)
                loss_xy, grad_xy = kept[bool(gone[i])]
                loss_xy.append((s[ok], v[ok]))
                if g is not None:
                    g = np.asarray(g)[:n][index]
                    grad_xy.append((s, np.clip(g, 1e-16, 1e300)))
                if gone[i]:
                    marks.append((i, s[ok][-1] if ok.any() else (s[0] if len(s) else 0)))
            loss_curve.setData(*joined(kept[False][0]))
            loss_twin.setData(*joined(kept[True][0]))
            if grads is not None:
                grad_curve.setData(*joined(kept[False][1]))
                grad_twin.setData(*joined(kept[True][1]))
        self._mark_diverged(marks, [losses[i] for i in range(n_runs) if not gone[i]])

    def _mark_diverged(self, marks, finite_losses) -> None:
        """▲ at the top of the finite runs' range, at the last finite step of each diverged run."""
        if not marks:
            self.diverged_marks.setData([], [])
            return
        values = [v[np.isfinite(v)] for v in finite_losses]
        values = [v for v in values if len(v)]
        top = max(float(v.max()) for v in values) if values else 1.0
        self.diverged_marks.setData(
            [float(s) for _, s in marks], [top] * len(marks), brush=[self._brushes[i] for i, _ in marks]
        )
