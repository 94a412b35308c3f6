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

import contextlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
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

from landscape_gui.core.analysis.basins import BasinsCancelled
from landscape_gui.core.analysis.restarts import RestartSummary, random_starts, run_restarts
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.drawing.palette import optimizer_color

DEBOUNCE_MS = 200
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


class _Summarizer(QObject):
    """run_restarts on a background thread; signals go to the GUI thread's RestartsView."""

    done = Signal(int, object)  # generation, list[RestartSummary]
    failed = Signal(int, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="restarts")
        self.generation = 0

    def request(self, **kwargs) -> int:
        self.generation += 1
        gen = self.generation
        self.pool.submit(self._work, gen, kwargs)
        return gen

    def cancel(self) -> None:
        self.generation += 1

    def _work(self, gen: int, kwargs: dict) -> None:
        if gen != self.generation:
            return
        try:
            out = run_restarts(**kwargs, cancel=lambda: gen != self.generation)
            self.done.emit(gen, out)
        except (BasinsCancelled, RuntimeError):  # superseded, or the window is gone
            return
        except Exception as e:  # noqa: BLE001 - a message, never a crash
            with contextlib.suppress(RuntimeError):
                self.failed.emit(gen, f"restarts: {e}".splitlines()[0])


def summary_html(s: RestartSummary, name: str, color, steps: int) -> str:
    """One optimizer's summary as rich text: shares per category, p, restarts needed, the best run."""
    r, g, b = color[:3]
    cats = s.categories()
    rows = "".join(
        f"<tr><td>{CATEGORY_NAMES[k]}</td><td align='right'>&nbsp;{100 * v:.1f} %</td></tr>"
        for k, v in cats.items()
    )
    need = [(c, s.restarts_needed(c)) for c in (0.9, 0.99)]
    need_text = ", ".join(f"{int(100 * c)} %: {'∞' if k == float('inf') else int(k)}" for c, k in need)
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
        f"success probability <b>p = {s.p:.4g}</b><br>"
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

    def show_summaries(self, summaries, names, steps: int) -> None:
        for label, plot in self.blocks:
            label.deleteLater()
            plot.deleteLater()
        self.blocks = []
        for g, (s, name) in enumerate(zip(summaries, names, strict=True)):
            color = optimizer_color(g)
            label = QLabel(summary_html(s, name, color, steps))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            plot = pg.PlotWidget()
            plot.setMinimumHeight(150)
            plot.setMaximumHeight(200)
            plot.setLabel("bottom", "k restarts")
            plot.setLabel("left", "P(≥ 1 global)")
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setYRange(0, 1.02, padding=0)
            plot.addLegend(offset=(-5, 5), labelTextSize="8pt")
            plot.plot(s.ks, s.measured, pen=pg.mkPen(color, width=2), name="measured (resampled)")
            dashed = pg.mkPen((235, 235, 235), width=1.5, style=Qt.PenStyle.DashLine)
            plot.plot(s.ks, s.formula(), pen=dashed, name="1 − (1 − p)ᵏ")
            plot.setToolTip(
                f"Share of {s.samples} draws of k runs (with replacement) holding at least one that reached "
                "the global minimum, beside the formula 1 − (1 − p)ᵏ"
            )
            i = self.layout_.count() - 1  # before the stretch
            self.layout_.insertWidget(i, label)
            self.layout_.insertWidget(i + 1, plot)
            self.blocks.append((label, plot))


class RestartsView(QObject):
    """Random restarts of one main window (see the module docstring)."""

    def __init__(self, win):
        super().__init__(win)
        self.win, self.c = win, win.controller
        self.active: dict | None = None  # n, seed, tol, max_k while the starts are the random restarts
        self._starts: np.ndarray | None = None
        self._applying = False
        self.summaries: list[RestartSummary] = []
        self.computing = False
        self.summarizer = _Summarizer(self)
        self.summarizer.done.connect(self._done)
        self.summarizer.failed.connect(self._failed)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.summarize)

        self.panel = RestartsPanel()
        self.dock = QDockWidget("Random restarts", win)
        self.dock.setObjectName("dock_restarts")
        self.dock.setWidget(self.panel)
        win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        if "plots" in win.docks:
            win.tabifyDockWidget(win.docks["plots"], self.dock)
        self.dock.hide()

        c = self.c
        c.startsChanged.connect(self._starts_changed)
        c.seedChanged.connect(self._seed_changed)
        for sig in (c.optimizersChanged, c.hyperparametersChanged, c.maxStepsChanged, c.noiseChanged):
            sig.connect(self.settings_changed)

    def open_dialog(self) -> None:
        a = self.active or {}
        dialog = RestartsDialog(self.win, n=a.get("n", 1000), seed=a.get("seed", self.c.seed))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.start(dialog.n.value(), dialog.seed.value())

    def start(self, n: int, seed: int, *, tol: float = 1e-3, max_k: int = 50) -> None:
        """Replace the starts by ``n`` random ones from ``seed``, highlight the best run, summarize."""
        starts = random_starts(self.c.landscape, n, seed)  # ValueError for a bad n
        self.active = {"n": int(n), "seed": int(seed), "tol": float(tol), "max_k": int(max_k)}
        self._starts = starts
        self._applying = True
        try:
            if self.c.seed != int(seed):
                self.c.set_seed(int(seed))  # the runs' gradient noise, as run_restarts draws it
            self.c.set_starts(starts)
            if not self.c.view.get("highlight_best"):
                self.c.set_view(highlight_best=True)
        finally:
            self._applying = False
        self.dock.show()
        self.dock.raise_()
        self.summarize()

    def stop(self, reason: str = "") -> None:
        self.active, self._starts = None, None
        self.summarizer.cancel()
        self.computing = False
        self._debounce.stop()
        self.summaries = []
        self.panel.show_summaries([], [], 0)
        self.panel.status.setText(
            reason or "Run → Random restarts… replaces the start points by N random ones."
        )

    def _starts_changed(self, *_) -> None:
        if self.active is None or self._applying:
            return
        same = self._starts is not None and np.array_equal(self.c.starts, self._starts)
        if not same:
            self.stop("The start points were changed: they are no longer the random restarts.")

    def _seed_changed(self, seed: int) -> None:
        if self.active is not None and not self._applying and int(seed) != self.active["seed"]:
            a = self.active
            self.start(a["n"], int(seed), tol=a["tol"], max_k=a["max_k"])

    def settings_changed(self, *_) -> None:
        if self.active is None:
            return
        self.summarizer.cancel()
        self.computing = True
        self.panel.status.setText("updating…")
        self._debounce.start()

    def summarize(self) -> None:
        self._debounce.stop()
        a = self.active
        if a is None:
            return
        c = self.c
        if not c.optimizers:
            self.panel.status.setText("Choose an optimizer.")
            return
        self.computing = True
        self.panel.status.setText(f"{a['n']} random starts (seed {a['seed']}): summarizing…")
        self.summarizer.request(
            landscape=c.landscape, optimizers=[(o, dict(hp)) for o, hp in c.optimizers], n=a["n"],
            seed=a["seed"], steps=int(c.max_steps), tol=a["tol"], noise=float(c.noise), max_k=a["max_k"],
        )  # fmt: skip

    def _done(self, gen: int, summaries) -> None:
        if gen != self.summarizer.generation or self.active is None:
            return  # superseded
        self.computing = False
        self.summaries = list(summaries)
        a = self.active
        names = [
            f"{get_optimizer(oid).name} (lr {hp['lr']:.3g})" if "lr" in hp else get_optimizer(oid).name
            for oid, hp in self.c.optimizers
        ]
        self.panel.status.setText(
            f"{a['n']} random starts uniform over the domain (seed {a['seed']}), outcomes within tol {a['tol']:g}"
        )
        self.panel.show_summaries(self.summaries, names, int(self.c.max_steps))

    def _failed(self, gen: int, message: str) -> None:
        if gen != self.summarizer.generation:
            return
        self.computing = False
        self.panel.status.setText(message)
        self.win.statusBar().showMessage(message, 8000)

    def shutdown(self) -> None:
        self._debounce.stop()
        self.summarizer.cancel()  # the job in flight stops at its next step
        self.summarizer.pool.shutdown(wait=True, cancel_futures=True)  # see basins.BasinsComputer.shutdown
