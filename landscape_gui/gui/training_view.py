"""The trained network in the window: a dock where the scenario's optimizers train the whole network (issue 27).

A scenario with a ``[training]`` section (the landscape chooser's "Trained network (PCA plane)" entry adds
one) is trained in the background (:func:`~landscape_gui.core.training.process.trained_plane_in_child`, a
child process, waited on by a :class:`~landscape_gui.gui.jobs.Job`: cancelled by a newer request; the
window's interpreter stays free, so it keeps animating): every
optimizer from one seeded θ₀, in all 354 parameters. When the training is done the dock shows

- the text of :func:`~landscape_gui.core.training.session.plane_caption`: the plane's explained share and each
  path's largest distance from it;
- the plane (:class:`~landscape_gui.drawing.training_plane.TrainingPlane`): the loss on it, coarse then fine,
  and each path projected, replayed step by step;
- the full-data loss of each run against its step (log scale), and the sharpness λmax of the full Hessian
  against 2/lr (:class:`~landscape_gui.drawing.sharpness_plot.SharpnessPlot`).

The main view meanwhile shows the scenario's landscape (``mlp_slice`` for the chooser's entry): the same
optimizers on a fixed 2-D slice, which is not training.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from landscape_gui.core.frames.palette import optimizer_colors
from landscape_gui.core.frames.presenter import optimizer_label
from landscape_gui.core.frames.sharpness import sharpness_until, training_sharpness
from landscape_gui.core.scenario.declarations import declared
from landscape_gui.core.scenario.model import TrainingSettings
from landscape_gui.core.training.process import trained_plane_in_child
from landscape_gui.core.training.projection import RESOLUTIONS, PlaneSurface
from landscape_gui.core.training.session import TrainedPlane, plane_caption
from landscape_gui.drawing.sharpness_plot import SharpnessPlot
from landscape_gui.drawing.training_loss import TrainingLossPlot
from landscape_gui.drawing.training_plane import TrainingPlane
from landscape_gui.gui.jobs import Debounce, Job
from landscape_gui.gui.setting_widgets import SettingEditor, tooltip

#: Replay: frames per second, and the seconds a whole training takes to replay.
REPLAY_MS = 100
REPLAY_SECONDS = 8.0


def training_key(scenario):
    """What a training depends on (a change of anything else keeps it)."""
    if scenario is None or scenario.training is None:
        return None
    return (scenario.training, scenario.optimizers, scenario.steps, scenario.seed, scenario.batch_size)


class TrainingView(QObject):
    """See the module docstring."""

    statusMessage = Signal(str)
    #: The dock was shown for a new trained network (the window gives it room).
    shown = Signal()
    #: The user edited the ``[training]`` settings: the new :class:`TrainingSettings`.
    edited = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plane: TrainedPlane | None = None
        self.surface: PlaneSurface | None = None
        self.step = 0
        self._key = None
        self._scenario = None
        self.colors: list = []
        self.names: list[str] = []

        self.caption = QLabel("")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plane_plot = TrainingPlane()
        self.loss_plot = TrainingLossPlot()
        self.sharp_plot = SharpnessPlot()
        self.sharp_plot.setLabel("left", "λmax")
        self.sharp_plot.setLabel("bottom", "step")
        self.sharp_plot.setXLink(self.loss_plot)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFormat("training the network: %p%")
        self.progress.hide()
        self.replay_button = QPushButton("Replay")
        self.replay_button.setToolTip("Replay the training from step 0")
        self.replay_button.clicked.connect(self.replay)

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = (
            QWidget()
        )  # the caption and the settings scroll together: the column's least height stays small
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 0, 0)
        inner_layout.addWidget(self.caption)
        scroll.setWidget(inner)
        column.addWidget(scroll, 1)
        form = QFormLayout()  # the [training] settings, generated from their declarations
        self.editors: dict[str, SettingEditor] = {}
        for name, setting, default in declared(TrainingSettings):
            editor = SettingEditor(setting, default)
            editor.setToolTip(tooltip(setting))
            editor.edited.connect(lambda v, n=name: self._edit(n, v))
            self.editors[name] = editor
            form.addRow(setting.label, editor)
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.replay_button)
        row.addWidget(self.progress, 1)
        column.addLayout(row)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # small least sizes: the dock shares a 768-pixel screen with the others (it must never grow the window)
        scroll.setMinimumHeight(24)
        self.plane_plot.setMinimumSize(120, 60)
        for plot in (self.loss_plot, self.sharp_plot):
            plot.setMinimumHeight(40)
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.sharp_plot)
        body = QSplitter(Qt.Orientation.Horizontal)
        for widget, stretch in ((left, 2), (self.plane_plot, 3), (plots, 3)):
            body.addWidget(widget)
            body.setStretchFactor(body.count() - 1, stretch)
        left.setMinimumWidth(240)
        body.setSizes([340, 420, 380])
        self.dock = QDockWidget("Trained network (PCA plane)")
        self.dock.setObjectName("dock_training")
        self.dock.setWidget(body)
        self.dock.setToolTip(
            "The whole network trained by the scenario's optimizers, on the plane its paths used"
        )

        self.job = Job("training", self)
        self.job.partial.connect(self._arrived)
        self.job.finished.connect(self._arrived)
        self.job.progressed.connect(lambda f: self.progress.setValue(round(100 * f)))
        self.job.failed.connect(self._failed)
        self._debounce = Debounce(300, self._request, self)
        self._timer = QTimer(self, interval=REPLAY_MS)
        self._timer.timeout.connect(self._advance)

    # -- the session ------------------------------------------------------------------------------------------
    @property
    def computing(self) -> bool:
        return self.job.running or self._debounce.pending

    def follow(self, scenario) -> None:
        """Train ``scenario``'s ``[training]`` (after a short rest: sliders), or put the dock away without one."""
        key = training_key(scenario)
        if key == self._key:
            return
        self._key, self._scenario = key, scenario
        if key is None:
            self._debounce.stop()
            self.job.cancel()
            self._timer.stop()
            self.progress.hide()
            self.dock.hide()
            return
        for name, editor in self.editors.items():
            editor.blockSignals(True)
            editor.set_value(getattr(scenario.training, name))
            editor.blockSignals(False)
        if not self.dock.isVisible():
            self.dock.show()
            self.shown.emit()
        self.dock.raise_()
        self.progress.setValue(0)
        self.progress.show()
        self._debounce()

    def trained_for(self, scenario) -> tuple[TrainedPlane, PlaneSurface] | None:
        """The plane and finest surface this dock holds, when they are ``scenario``'s training (an export takes
        them instead of training the network again on the window's thread)."""
        if (
            self.plane is None
            or self.surface is None
            or self.surface.resolution < max(RESOLUTIONS)
            or training_key(scenario) != training_key(self._scenario)
        ):
            return None
        return self.plane, self.surface

    def _edit(self, name: str, value) -> None:
        s = self._scenario
        if s is not None and s.training is not None and getattr(s.training, name) != value:
            self.edited.emit(replace(s.training, **{name: value}))

    def _request(self) -> None:
        s = self._scenario
        if s is None or s.training is None:
            return
        self.colors = list(optimizer_colors(o.id for o in s.optimizers))
        self.names = [optimizer_label(o) for o in s.optimizers]
        self.plane, self.surface = None, None
        self._timer.stop()
        self.job.request(trained_plane_in_child, s)

    def _arrived(self, item) -> None:
        if isinstance(item, TrainedPlane):
            self.plane = item
            self._show_training()
            self.replay()
        elif isinstance(item, PlaneSurface):
            self.surface = item
            self.plane_plot.set_surface(item.a, item.b, item.loss)
            if item.resolution >= 200 or not self.job.running:
                self.progress.hide()
                self.statusMessage.emit(
                    f"trained network: loss on its plane, {item.resolution}×{item.resolution}"
                )

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self.caption.setText(f"<span style='color:#e0443a'>The network cannot be trained: {message}</span>")
        self.statusMessage.emit(message)

    # -- drawing ----------------------------------------------------------------------------------------------
    def _show_training(self) -> None:
        assert self.plane is not None  # shown once a plane arrived
        p, t = self.plane.projection, self.plane.training
        lines = plane_caption(self.plane, self.names)
        rows = [lines[0], f"<b>{lines[1]}</b>"] + [
            f"<span style='color:rgb{tuple(int(v) for v in c[:3])}'>━</span> {text}"
            for c, text in zip(self.colors, lines[2:], strict=True)
        ]
        self.caption.setText("<br>".join(rows))
        self.plane_plot.set_paths(p.paths, self.colors, p.explained)
        self.loss_plot.set_training(t, self.colors)
        self._sharpness = training_sharpness(t)

    def replay(self) -> None:
        """Show the training from step 0, a few steps per frame (``REPLAY_SECONDS`` for the whole)."""
        if self.plane is None:
            return
        self.step = 0
        self._show_step()
        self._timer.start()

    def _advance(self) -> None:
        t = self.plane.training if self.plane is not None else None
        if t is None:
            self._timer.stop()
            return
        per_frame = max(1, round(t.steps * REPLAY_MS / (1000 * REPLAY_SECONDS)))
        self.step = min(t.steps, self.step + per_frame)
        self._show_step()
        if self.step >= t.steps:
            self._timer.stop()

    def show_step(self, step: int) -> None:
        """Show the training as it was at ``step`` (the replay stops)."""
        self._timer.stop()
        self.step = int(step)
        if self.plane is not None:
            self._show_step()

    def _show_step(self) -> None:
        assert self.plane is not None  # steps are shown once a plane arrived
        k = self.step
        self.plane_plot.show_step(k)
        self.loss_plot.show_step(k)
        self.sharp_plot.show_curves(sharpness_until(self._sharpness, k), self.colors, self.colors)

    def shutdown(self) -> None:
        self._timer.stop()
        self._debounce.stop()
        self.job.shutdown()
