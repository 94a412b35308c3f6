"""Random restarts in the window: N random starts (uniform over the domain, seeded) replace the start points,
every chosen optimizer runs from each (animated like any runs, the best run highlighted), and a dock sums
them up per optimizer with :func:`~landscape_gui.core.analysis.restarts.run_restarts` (the same starts, steps and
seed): the shares of global minimum / other minima / saddle / not settled / diverged, the success
probability p, and P(at least one of k restarts reaches the global minimum) against k, measured by
resampling the runs, beside 1 − (1 − p)ᵏ.

The summary is computed on a background thread (the newest request wins, as for the basins) and follows
the optimizers, hyperparameters, steps and noise; a new seed draws new starts. Once the start points are
edited by hand they are no longer the random restarts, and the summary says so.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from landscape_gui.core.analysis.restarts import RestartSummary, run_restarts
from landscape_gui.core.frames.palette import optimizer_colors
from landscape_gui.core.frames.presenter import optimizer_label
from landscape_gui.core.scenario.model import RestartSettings
from landscape_gui.gui.jobs import Debounce, Job
from landscape_gui.gui.session_model import SessionModel

DEBOUNCE_MS = 200
#: What the summary depends on: a change of any of these summarizes again.
DEPENDS_ON = frozenset(
    {
        "landscape",
        "starts",
        "optimizers",
        "optimizer_settings",
        "steps",
        "noise",
        "seed",
        "batch_size",
        "restarts",
    }
)
CATEGORY_NAMES = {
    "global_minimum": "global minimum",
    "other_minimum": "other minima",
    "saddle": "saddle / maximum",
    "not_settled": "not settled",
    "diverged": "diverged",
}


class RestartsDialog(QDialog):
    """Run → Random restarts…: how many starts, and the seed they are drawn from."""

    def __init__(self, parent=None, n: int = 1000, seed: int = 0):
        super().__init__(parent)
        self.setWindowTitle("Random restarts")
        form = QFormLayout(self)
        self.n = QSpinBox()
        self.n.setRange(1, 100_000)
        self.n.setValue(int(n))
        self.n.setToolTip(
            "Start points drawn uniformly over the domain; every ticked optimizer runs from each"
        )
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(int(seed))
        self.seed.setToolTip("The same seed draws the same start points")
        form.addRow("Restarts N", self.n)
        form.addRow("Seed", self.seed)
        note = QLabel("The start points are replaced by N random ones, uniform over the domain.")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def _summaries(landscape, optimizers, *, cancelled, progress, **settings):
    """Every optimizer's restart summary (the core's; it checks ``cancelled`` between steps)."""
    return run_restarts(landscape, optimizers, cancel=cancelled, **settings)


def summary_html(s: RestartSummary, name: str, color, steps: int) -> str:
    """One optimizer's summary as rich text: shares per category, p, restarts needed, the best run."""
    r, g, b = color[:3]
    cats = s.categories()
    rows = "".join(
        f"<tr><td>{CATEGORY_NAMES[k]}</td><td align='right'>&nbsp;{100 * v:.1f} %</td></tr>"
        for k, v in cats.items()
    )

    def count(k) -> str:
        return "∞" if k == float("inf") else f"{int(k)}"

    need = [(c, s.restarts_needed(c), s.restarts_interval(c)) for c in (0.9, 0.99)]
    need_text = ", ".join(f"{int(100 * c)} %: {count(k)} ({count(a)} … {count(b)})" for c, k, (a, b) in need)
    lo, hi = s.p_interval()
    best = s.best()
    best_text = "every run diverged"
    if best is not None:
        st = s.settled
        start = ", ".join(f"{v:.3g}" for v in st.starts[best])
        end = ", ".join(f"{v:.3g}" for v in st.ends[best])
        best_text = f"from ({start}) to ({end}), J = {st.loss[best]:.4g}"
    return (
        f"<b><span style='color:rgb({r},{g},{b})'>●</span> {name}</b> — {s.runs} runs, {steps} steps"
        f"<table cellspacing='1'>{rows}</table>"
        f"success probability <b>p = {s.p:.4g}</b> (95 % interval {lo:.3g} … {hi:.3g})<br>"
        f"restarts needed for {need_text}<br>best run: {best_text}"
    )


class RestartsPanel(QScrollArea):
    """The dock's contents: one block (text + success plot) per optimizer."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        self.layout_ = QVBoxLayout(body)
        self.status = QLabel("Run → Random restarts… replaces the start points by N random ones.")
        self.status.setWordWrap(True)
        self.layout_.addWidget(self.status)
        self.blocks: list[tuple[QLabel, pg.PlotWidget]] = []
        self.layout_.addStretch(1)

    def show_summaries(self, summaries, names, steps: int, colors=()) -> None:
        for label, plot in self.blocks:
            label.deleteLater()
            plot.deleteLater()
        self.blocks = []
        for s, name, color in zip(summaries, names, colors, strict=True):
            label = QLabel(summary_html(s, name, color, steps))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            plot = pg.PlotWidget()
            plot.setMinimumHeight(110)
            plot.setMaximumHeight(200)
            plot.setLabel("bottom", "k restarts")
            plot.setLabel("left", "P(≥ 1 global)")
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setYRange(0, 1.02, padding=0)
            plot.setMouseEnabled(
                x=False, y=False
            )  # a probability: the wheel that scrolls the dock never zooms it
            plot.getPlotItem().vb.setLimits(yMin=0, yMax=1.02)
            plot.addLegend(offset=(-5, 5), labelTextSize="8pt")
            plot.plot(s.ks, s.measured, pen=pg.mkPen(color, width=2), name="measured (further runs)")
            dashed = pg.mkPen((235, 235, 235), width=1.5, style=Qt.PenStyle.DashLine)
            plot.plot(s.ks, s.formula(), pen=dashed, name="1 − (1 − p)ᵏ")
            plot.setToolTip(
                f"Measured: runs apart from the {s.runs} above, cut into groups of k (at least "
                f"{int(s.groups[-1])} groups at k = {int(s.ks[-1])}): the share of groups holding a run that "
                "reached the global minimum. Beside it the formula 1 − (1 − p)ᵏ with the p above: where the two "
                "part, p is off"
            )
            i = self.layout_.count() - 1  # before the stretch
            self.layout_.insertWidget(i, label)
            self.layout_.insertWidget(i + 1, plot)
            self.blocks.append((label, plot))


class RestartsView(QObject):
    """Random restarts of one session (see the module docstring)."""

    statusMessage = Signal(str)

    def __init__(self, session: SessionModel, parent=None):
        super().__init__(parent)
        self.session = session
        self.summaries: list[RestartSummary] = []
        self.job = Job("restarts", self)
        self.job.finished.connect(self._done)
        self.job.failed.connect(self._failed)
        self._debounce = Debounce(DEBOUNCE_MS, self.summarize, self)
        self.panel = RestartsPanel()
        self.dock = QDockWidget("Random restarts")
        self.dock.setObjectName("dock_restarts")
        self.dock.setWidget(self.panel)
        self._last = RestartSettings()
        session.changed.connect(self._session_changed)

    @property
    def active(self) -> RestartSettings | None:
        return self.session.scenario.restarts

    @property
    def computing(self) -> bool:
        return self.job.running or self._debounce.pending

    def open_dialog(self, parent=None) -> None:
        a = self.active or self._last
        dialog = RestartsDialog(parent, n=a.n, seed=self.session.scenario.seed)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.start(dialog.n.value(), dialog.seed.value())

    def start(self, n: int, seed: int, *, tol: float | None = None, max_k: int | None = None) -> None:
        """Replace the starts by ``n`` random ones from ``seed``, highlight the best run, summarize."""
        a = self.active or self._last
        settings = replace(
            a, n=int(n), tol=a.tol if tol is None else tol, max_k=a.max_k if max_k is None else max_k
        )
        self.session.start_restarts(settings, int(seed))

    def _session_changed(self, what) -> None:
        if not what & DEPENDS_ON:
            return
        a = self.active
        if a is None:
            if self.summaries or self.job.running:
                self._stop("The start points were changed: they are no longer the random restarts.")
            return
        self._last = a
        self.dock.show()
        self.dock.raise_()
        self.job.cancel()
        self.panel.status.setText("updating…")
        self._debounce()

    def _stop(self, reason: str) -> None:
        self.job.cancel()
        self._debounce.stop()
        self.summaries = []
        self.panel.show_summaries([], [], 0)
        self.panel.status.setText(reason)

    def summarize(self) -> None:
        a, s = self.active, self.session.scenario
        if a is None:
            return
        if not s.optimizers:
            self.panel.status.setText("Choose an optimizer.")
            return
        self.panel.status.setText(f"{a.n} random starts (seed {s.seed}): summarizing…")
        settings = {
            "n": a.n,
            "seed": s.seed,
            "steps": s.steps,
            "tol": a.tol,
            "noise": s.noise,
            "max_k": a.max_k,
            "batch_size": s.batch_size,
        }
        # Job.request passes positional arguments only: the settings are bound here
        self.job.request(
            partial(_summaries, **settings),
            self.session.landscape,
            [(o.id, dict(o.params), o.schedule) for o in s.optimizers],  # as the runs step: schedules too
        )

    def _done(self, summaries) -> None:
        a, s = self.active, self.session.scenario
        if a is None:
            return
        self.summaries = list(summaries)
        self.panel.status.setText(
            f"{a.n} random starts uniform over the domain (seed {s.seed}), outcomes within tol {a.tol:g}"
        )
        self.panel.show_summaries(
            self.summaries, [optimizer_label(o) for o in s.optimizers], s.steps,
            optimizer_colors(o.id for o in s.optimizers),
        )  # fmt: skip

    def _failed(self, message: str) -> None:
        self.panel.status.setText(message)
        self.statusMessage.emit(message)

    def shutdown(self) -> None:
        self._debounce.stop()
        self.job.shutdown()
