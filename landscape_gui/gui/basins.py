"""The basins view: the map (and, optionally, the surface) coloured by where a run from each point ends.

The session's ``[basins]`` section turns it on (:attr:`Scenario.basins`: grid, tolerance, whose basins, draped
or not); the basins are those of :func:`~landscape_gui.core.frames.presenter.basin_problem` — the same problem the
exporter computes — on a :class:`~landscape_gui.gui.jobs.Job` (coarse grid first, then finer, to the full grid),
restarted, debounced, whenever the landscape, the optimizers, the steps, the noise or the seed change. The map
shown is :attr:`BasinsView.shown`; the window puts it in its frames (``shownChanged``), so the map, the surface
and the legend draw it as the export does. The dock holds the optimizer chooser, "drape on the surface",
progress and each outcome's share.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from landscape_gui.core.analysis.basins import BasinMap, iter_basin_maps, outcome_name
from landscape_gui.core.frames.palette import optimizer_colors, outcome_palette
from landscape_gui.core.frames.presenter import basin_problem, optimizer_label
from landscape_gui.core.scenario.model import BasinSettings
from landscape_gui.gui.jobs import Debounce, Job
from landscape_gui.gui.session_model import SessionModel
from landscape_gui.gui.window_layout import scrolled

DEBOUNCE_MS = 150  # a slider drag restarts the computation once it rests, not at every value
#: What the basins depend on: a change of any of these computes them again.
DEPENDS_ON = frozenset(
    {"landscape", "optimizers", "optimizer_settings", "steps", "noise", "seed", "batch_size", "basins"}
)
OFF_TEXT = "Basins of attraction: off — turn on with View → Basins of attraction (B)"


def _maps(problem, grid: int, compare=None, *, cancelled, progress):
    """The basin maps of ``problem``, coarse first (a generator: the job shows each as it comes); then, with a
    ``compare`` problem, ``(map, compared)``: the full map and that of the optimizer it is compared with."""
    share = 0.5 if compare is not None else 1.0  # of the progress bar
    last = None
    for last in iter_basin_maps(problem, grid, cancel=cancelled, progress=lambda f: progress(share * f)):
        yield last
    if compare is not None and last is not None:
        (other,) = iter_basin_maps(
            compare, grid, levels=[grid], cancel=cancelled, progress=lambda f: progress(0.5 + 0.5 * f)
        )
        yield last, other


def legend_html(m: BasinMap) -> str:
    """The legend of a basin map: a swatch, the outcome (★ on global minima) and its share, per outcome."""
    palette = outcome_palette(m.points)
    rows = []
    for o in m.outcomes():
        if not o.count:
            continue
        r, g, b = palette[o.label][:3].tolist()
        star = "★ " if o.is_global else ""
        rows.append(
            f"<tr><td><span style='color:rgb({r},{g},{b})'>■</span></td>"
            f"<td>{star}{outcome_name(o)}</td><td align='right'>&nbsp;{100 * o.share:.1f} %</td></tr>"
        )
    side = f"{m.grid}×{m.grid}" if m.problem.landscape.dim == 2 else f"{m.grid}"
    state = "" if m.final else " — refining…"
    return (
        f"<b>{side} starts</b>, {m.problem.steps} steps, tol {m.problem.tol:g}{state}"
        f"<table cellspacing='2'>{''.join(rows)}</table>"
        f"global minimum reached: <b>{100 * m.global_share:.1f} %</b>"
    )


class BasinsPanel(QWidget):
    """The dock's contents: which optimizer, drape on the surface, progress, legend."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.optimizer = QComboBox()
        self.optimizer.setToolTip("The optimizer (with its current hyperparameters) whose basins are shown")
        form.addRow("Optimizer", self.optimizer)
        self.compare = QComboBox()
        self.compare.setToolTip(
            "Another optimizer of the session: where its run from a start ends in another outcome than the "
            "first's, the map shows its outcome's colour, darker (Himmelblau: momentum ends elsewhere for 18 %)"
        )
        form.addRow("Compare with", self.compare)
        layout.addLayout(form)
        self.drape = QCheckBox("Drape the colours on the 3D surface")
        self.drape.setToolTip(
            "Colour the 3D surface by outcome too (each point: where a run started there ends)"
        )
        layout.addWidget(self.drape)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        layout.addWidget(self.progress)
        self.legend = QLabel(OFF_TEXT)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.legend.setToolTip(
            "Each start point of the grid is coloured by the critical point its run ends within tol of "
            "(one colour per minimum; grey: saddles and maxima; light grey: not settled; black: diverged)"
        )
        scroll = QScrollArea()  # a long list of outcomes scrolls: it never makes the window taller
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.legend)
        layout.addWidget(scroll, 1)


class BasinsView(QObject):
    """The basins of one session (see the module docstring)."""

    shownChanged = Signal()
    statusMessage = Signal(str)

    def __init__(self, session: SessionModel, parent=None):
        super().__init__(parent)
        self.session = session
        self.shown: BasinMap | None = None  # the map on screen
        self.compared: BasinMap | None = None  # the compared optimizer's map, of the same grid as shown
        self.job = Job("basins", self)
        self.job.partial.connect(self._map_ready)
        self.job.finished.connect(self._map_ready)
        self.job.progressed.connect(self._progressed)
        self.job.failed.connect(self._failed)
        self._debounce = Debounce(DEBOUNCE_MS, self.start, self)
        self.panel = BasinsPanel()
        self.dock = QDockWidget("Basins of attraction")
        self.dock.setObjectName("dock_basins")
        self.dock.setWidget(scrolled(self.panel))  # on a 720-pixel screen at 150 %: it scrolls
        self.status_bar = QProgressBar()
        self.status_bar.setRange(0, 1000)
        self.status_bar.setMaximumWidth(160)
        self.status_bar.setFormat("basins %p%")
        self.status_bar.setToolTip("Basins of attraction being computed (coarse grid first)")
        self.status_bar.hide()
        self.panel.optimizer.activated.connect(self._optimizer_chosen)
        self.panel.compare.activated.connect(self._compare_chosen)
        self.panel.drape.toggled.connect(self._drape_toggled)
        self._last = BasinSettings()  # the settings the basins had when last on (the toggle turns them back)
        session.changed.connect(self._session_changed)
        self._fill_optimizers()

    @property
    def enabled(self) -> bool:
        return self.session.scenario.basins is not None

    @property
    def computing(self) -> bool:
        return self.job.running or self._debounce.pending

    def set_enabled(self, on: bool) -> None:
        """View → Basins of attraction: on with the settings they had, or off."""
        b = self.session.scenario.basins
        if bool(on) != (b is not None):
            self.session.set_basins(self._last if on else None)

    def _session_changed(self, what) -> None:
        if "optimizers" in what or "optimizer_settings" in what or "basins" in what:
            self._fill_optimizers()
        if not what & DEPENDS_ON:
            return
        b = self.session.scenario.basins
        if b is None:
            self._stop()
            self.panel.legend.setText(OFF_TEXT)
            self._show(None)
            return
        self._last = b
        self.dock.show()
        self.job.cancel()  # its maps are stale now
        self.panel.legend.setText("computing…")
        self._debounce()

    def _fill_optimizers(self) -> None:
        s = self.session.scenario
        combo = self.panel.optimizer
        combo.blockSignals(True)
        combo.clear()
        for g, (o, color) in enumerate(
            zip(s.optimizers, optimizer_colors(o.id for o in s.optimizers), strict=True)
        ):
            combo.addItem(optimizer_label(o), g)
            combo.setItemData(g, QColor(*color), Qt.ItemDataRole.DecorationRole)
        b = s.basins or self._last
        combo.setCurrentIndex(min(b.optimizer, max(0, len(s.optimizers) - 1)))
        combo.blockSignals(False)
        other = self.panel.compare
        other.blockSignals(True)
        other.clear()
        other.addItem("none", -1)
        for g, o in enumerate(s.optimizers):
            other.addItem(optimizer_label(o), g)
        other.setCurrentIndex(max(0, other.findData(b.compare if b.compare < len(s.optimizers) else -1)))
        other.setEnabled(len(s.optimizers) > 1)
        other.blockSignals(False)
        self.panel.drape.blockSignals(True)
        self.panel.drape.setChecked(b.drape)
        self.panel.drape.blockSignals(False)

    def _optimizer_chosen(self, index: int) -> None:
        b = self.session.scenario.basins
        if b is not None and index != b.optimizer:
            self.session.set_basins(replace(b, optimizer=index))

    def _compare_chosen(self, index: int) -> None:
        b, group = self.session.scenario.basins, self.panel.compare.itemData(index)
        if b is not None and group != b.compare:
            self.session.set_basins(replace(b, compare=int(group)))

    def _drape_toggled(self, on: bool) -> None:
        b = self.session.scenario.basins
        if b is not None and b.drape != on:
            self.session.set_basins(replace(b, drape=bool(on)))
        elif b is None:
            self._last = replace(self._last, drape=bool(on))

    # -- computing ----------------------------------------------------------------------------------------
    def start(self) -> None:
        s = self.session.scenario
        if s.basins is None:
            return
        problem = basin_problem(s, self.session.landscape)
        if problem is None:
            self.job.cancel()
            self.panel.legend.setText("Choose an optimizer to see its basins.")
            return
        self.compared = None
        self.job.request(
            _maps, problem, s.basins.grid, basin_problem(s, self.session.landscape, compare=True)
        )
        self._progressed(0.0)

    def _stop(self) -> None:
        self._debounce.stop()
        self.job.cancel()
        self.status_bar.hide()
        self.panel.progress.setValue(0)

    def _progressed(self, fraction: float) -> None:
        value = round(1000 * fraction)
        self.panel.progress.setValue(value)
        self.status_bar.setValue(value)
        self.status_bar.setVisible(fraction < 1.0)

    def _failed(self, message: str) -> None:
        self._stop()
        self.panel.legend.setText(message)
        self.statusMessage.emit(message)

    def _map_ready(self, m) -> None:
        m, compared = m if isinstance(m, tuple) else (m, None)
        if m is None or m.problem.landscape is not self.session.landscape:
            return
        waiting = basin_problem(self.session.scenario, m.problem.landscape, compare=True) is not None
        if m.final and (compared is not None or not waiting):
            self.status_bar.hide()
        self._show(m, compared)

    def _show(self, m: BasinMap | None, compared: BasinMap | None = None) -> None:
        if m is self.shown and compared is self.compared:
            return
        self.shown, self.compared = m, compared
        if m is not None:
            self.panel.legend.setText(legend_html(m))
        self.shownChanged.emit()

    def shutdown(self) -> None:
        self._debounce.stop()
        self.job.shutdown()
