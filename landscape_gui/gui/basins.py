"""The basins view: the map (and, optionally, the surface) coloured by where a run from each point ends.

:class:`BasinsComputer` runs :func:`~landscape_gui.core.analysis.basins.iter_basin_maps` on a background thread
(coarse grid first, then finer, to the full grid), polled for cancellation before every step: a new request
makes the running one stop at its next step, and the maps of a superseded request are dropped on arrival
(each carries its generation). Its signals are emitted from that thread and delivered, queued, to
:class:`BasinsView`, a ``QObject`` of the GUI thread, so the animation keeps its own pace meanwhile.

:class:`BasinsView` owns the dock (the optimizer whose basins are shown, "drape on the surface", progress and
the legend of outcome shares) and restarts the computation, debounced, whenever the landscape, domain,
optimizers, hyperparameters, steps, noise or seed change.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from landscape_gui.core.analysis.basins import (
    BasinMap,
    BasinProblem,
    BasinsCancelled,
    iter_basin_maps,
    outcome_name,
)
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.drawing.basin_image import basin_rgba, outcome_palette
from landscape_gui.drawing.palette import optimizer_color

DEBOUNCE_MS = 150  # a slider drag restarts the computation once it rests, not at every value
PROGRESS_EVERY_S = 0.05


class BasinsComputer(QObject):
    """Basin maps computed on one background thread; the newest request wins (see the module docstring)."""

    mapReady = Signal(int, object)  # generation, BasinMap
    progressed = Signal(int, float)  # generation, fraction of the work done
    failed = Signal(int, str)  # generation, one-line message

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="basins")
        self.generation = 0

    def request(self, problem: BasinProblem, grid: int) -> int:
        """Start computing ``problem``'s maps (the running request, if any, stops at its next step)."""
        self.generation += 1
        gen = self.generation
        self.pool.submit(self._work, gen, problem, int(grid))
        return gen

    def cancel(self) -> None:
        self.generation += 1

    def shutdown(self) -> None:
        self.cancel()  # the job in flight stops at its next step
        # wait for it: a job that outlives the window would drop the last reference to the window's objects
        # on its own thread, and Qt widgets destroyed off the GUI thread deadlock against it
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _work(self, gen: int, problem: BasinProblem, grid: int) -> None:
        if gen != self.generation:
            return
        last = [0.0]

        def progress(fraction: float) -> None:
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_EVERY_S or fraction >= 1.0:
                last[0] = now
                self.progressed.emit(gen, float(fraction))

        try:
            maps = iter_basin_maps(problem, grid, cancel=lambda: gen != self.generation, progress=progress)
            for m in maps:  # every map is fresh arrays the thread never touches again
                self.mapReady.emit(gen, m)
        except BasinsCancelled:
            return
        except RuntimeError:  # the window (and this object) is gone
            return
        except Exception as e:  # noqa: BLE001 - a message, never a crash of the window
            with contextlib.suppress(RuntimeError):
                self.failed.emit(gen, f"basins: {e}".splitlines()[0])


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
        layout.addLayout(form)
        self.drape = QCheckBox("Drape the colours on the 3D surface")
        self.drape.setToolTip(
            "Colour the 3D surface by outcome too (each point: where a run started there ends)"
        )
        self.drape.setChecked(True)
        layout.addWidget(self.drape)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        layout.addWidget(self.progress)
        self.legend = QLabel("Basins of attraction: turn on with View → Basins of attraction (B)")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.legend.setToolTip(
            "Each start point of the grid is coloured by the critical point its run ends within tol of "
            "(one colour per minimum; grey: saddles and maxima; light grey: not settled; black: diverged)"
        )
        layout.addWidget(self.legend, 1)


class BasinsView(QObject):
    """The basins view of one main window (see the module docstring)."""

    def __init__(self, win, *, grid: int = 200, tol: float = 1e-3):
        super().__init__(win)
        self.win, self.c = win, win.controller
        self.enabled = False
        self.grid, self.tol = int(grid), float(tol)
        self.index = 0  # which of the controller's optimizers
        self.shown: BasinMap | None = None  # the map on screen
        self.computing = False
        self._drawn_on = None  # the surface item the basins were draped on
        self.computer = BasinsComputer(self)
        self.computer.mapReady.connect(self._map_ready)
        self.computer.progressed.connect(self._progressed)
        self.computer.failed.connect(self._failed)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.start)

        self.panel = BasinsPanel()
        self.dock = QDockWidget("Basins of attraction", win)
        self.dock.setObjectName("dock_basins")
        self.dock.setWidget(self.panel)
        win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        if "plots" in win.docks:
            win.tabifyDockWidget(win.docks["plots"], self.dock)
        self.dock.hide()
        self.status_bar = QProgressBar()
        self.status_bar.setRange(0, 1000)
        self.status_bar.setMaximumWidth(160)
        self.status_bar.setFormat("basins %p%")
        self.status_bar.setToolTip("Basins of attraction being computed (coarse grid first)")
        self.status_bar.hide()
        win.statusBar().addPermanentWidget(self.status_bar)

        self.panel.optimizer.activated.connect(self._optimizer_chosen)
        self.panel.drape.toggled.connect(lambda _=None: self._draw())
        c = self.c
        c.optimizersChanged.connect(self._optimizers_changed)
        for sig in (
            c.landscapeChanged,
            c.hyperparametersChanged,
            c.maxStepsChanged,
            c.noiseChanged,
            c.seedChanged,
        ):
            sig.connect(self.settings_changed)
        c.viewChanged.connect(self._view_changed)
        self._optimizers_changed()

    # -- settings -----------------------------------------------------------------------------------------
    def set_enabled(self, on: bool) -> None:
        on = bool(on)
        if on == self.enabled:
            return
        self.enabled = on
        if on:
            self.dock.show()
            self.dock.raise_()
            self.start()
        else:
            self._stop()
            self.shown = None
            self._draw()
            self.panel.legend.setText("Basins of attraction: off")
        action = getattr(self.win, "actions", {}).get("basins")
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)

    def configure(self, grid: int | None = None, tol: float | None = None) -> None:
        """Grid (starts per axis) and tolerance, e.g. from a scenario's [basins] section."""
        if grid is not None:
            self.grid = int(grid)
        if tol is not None:
            self.tol = float(tol)
        self.settings_changed()

    def settings_changed(self, *_) -> None:
        """Something the basins depend on changed: cancel now (its maps are dropped), restart shortly."""
        if not self.enabled:
            return
        self.computer.cancel()
        self.computing = True
        self.panel.legend.setText("updating…")
        self._debounce.start()

    def _optimizers_changed(self) -> None:
        combo = self.panel.optimizer
        combo.blockSignals(True)
        combo.clear()
        for g, (oid, _) in enumerate(self.c.optimizers):
            combo.addItem(get_optimizer(oid).name, g)
            combo.setItemData(g, optimizer_color_q(g), Qt.ItemDataRole.DecorationRole)
        self.index = min(self.index, max(0, len(self.c.optimizers) - 1))
        combo.setCurrentIndex(self.index)
        combo.blockSignals(False)
        self.settings_changed()

    def _optimizer_chosen(self, index: int) -> None:
        if index != self.index:
            self.index = index
            self.settings_changed()

    def problem(self) -> BasinProblem | None:
        """What the view shows now: the chosen optimizer on the current landscape, steps, noise and seed."""
        c = self.c
        if not c.optimizers:
            return None
        oid, hp = c.optimizers[min(self.index, len(c.optimizers) - 1)]
        return BasinProblem(
            c.landscape,
            oid,
            dict(hp),
            steps=int(c.max_steps),
            tol=self.tol,
            noise=float(c.noise),
            seed=int(c.seed),
        )

    # -- computing ----------------------------------------------------------------------------------------
    def start(self) -> None:
        self._debounce.stop()
        if not self.enabled:
            return
        try:
            problem = self.problem()
        except (KeyError, ValueError) as e:
            self._failed(self.computer.generation, f"basins: {e}")
            return
        if problem is None:
            self.computer.cancel()
            self.computing = False
            self.panel.legend.setText("Choose an optimizer to see its basins.")
            return
        self.computing = True
        self._progressed(self.computer.request(problem, self.grid), 0.0)

    def _stop(self) -> None:
        self._debounce.stop()
        self.computer.cancel()
        self.computing = False
        self.status_bar.hide()
        self.panel.progress.setValue(0)

    def _progressed(self, gen: int, fraction: float) -> None:
        if gen != self.computer.generation or not self.enabled:
            return
        value = round(1000 * fraction)
        self.panel.progress.setValue(value)
        self.status_bar.setValue(value)
        self.status_bar.setVisible(fraction < 1.0)

    def _failed(self, gen: int, message: str) -> None:
        if gen != self.computer.generation:
            return
        self._stop()
        self.panel.legend.setText(message)
        self.win.statusBar().showMessage(message, 8000)

    def _map_ready(self, gen: int, m: BasinMap) -> None:
        if gen != self.computer.generation or not self.enabled:
            return  # a superseded setting's map: dropped
        if m.problem.landscape is not self.c.landscape:
            return
        self.shown = m
        if m.final:
            self.computing = False
            self.status_bar.hide()
        self._draw()

    def _view_changed(self, *_) -> None:
        # a new colormap or log mode rebuilds the surface and the map: put the basins back on them
        if self.shown is not None and self.win.scene3d.surface is not self._drawn_on:
            self._draw()

    def _draw(self) -> None:
        m = self.shown
        scene, map_view = self.win.scene3d, self.win.map
        if m is None or m.problem.landscape is not self.c.landscape:
            map_view.set_basins(None)
            scene.set_surface_colors(None)
            return
        self._drawn_on = scene.surface
        rgba = basin_rgba(m.labels, m.points)
        map_view.set_basins(m.axes, rgba)
        scene.set_surface_colors(m.axes, rgba if self.panel.drape.isChecked() else None)
        self.panel.legend.setText(legend_html(m))

    def shutdown(self) -> None:
        self._debounce.stop()
        self.computer.shutdown()


def optimizer_color_q(index: int):
    from PySide6.QtGui import QColor

    return QColor(*optimizer_color(index))
