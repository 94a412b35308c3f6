"""The learning-rate schedule of one optimizer: a chooser of the core's schedule kinds and their parameters.

Generated from the declarations in :mod:`landscape_gui.core.optimizers.schedules` as the hyperparameter editors are from
an optimizer's: every kind is offered, with torch's name in its tooltip, and each parameter gets a slider and
a spin box (:class:`~landscape_gui.gui.hyperparameters.OptimizerHyperparameters`). Whole-number parameters
that span decades (``T_max``, ``step_size``) get a logarithmic slider, so 10 and 1000 are both in reach.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from landscape_gui.core.optimizers.schedules import CONSTANT, SCHEDULES, Schedule, ScheduleKind
from landscape_gui.gui.hyperparameters import OptimizerHyperparameters


class _Declared:
    """A schedule kind seen as the hyperparameter editor sees an optimizer (name, summary, hyperparameters)."""

    def __init__(self, kind: ScheduleKind):
        self.id = kind.id
        self.name = kind.name
        self.summary = f"{kind.torch_name}: {kind.summary}"
        self.hyperparameters = tuple(
            replace(h, log=True) if h.integer and h.low >= 1 and h.high / h.low > 1000 else h
            for h in kind.parameters
        )

    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hyperparameters}


class ScheduleEditor(QWidget):
    """Chooser and parameters of one schedule; emits ``changed(Schedule)`` on every edit."""

    changed = Signal(object)

    def __init__(self, schedule: Schedule = CONSTANT, parent=None):
        super().__init__(parent)
        self.schedule = schedule
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        title = QLabel("lr schedule")
        title.setToolTip(
            "How the learning rate changes from step to step (torch.optim.lr_scheduler, stepped once after "
            "every optimizer step); the lr above is the base it starts from"
        )
        row.addWidget(title)
        self.combo = QComboBox()
        for i, kind in enumerate(SCHEDULES.values()):
            self.combo.addItem(kind.name, kind.id)
            self.combo.setItemData(i, f"{kind.torch_name}: {kind.summary}", Qt.ItemDataRole.ToolTipRole)
        self.combo.setAccessibleName("lr schedule")
        self.combo.setToolTip(
            "The learning-rate schedule of this optimizer: constant, step decay, exponential, cosine annealing "
            "or linear warm-up (torch.optim.lr_scheduler's rules)"
        )
        row.addWidget(self.combo, 1)
        layout.addLayout(row)
        self.params: OptimizerHyperparameters | None = None
        self.combo.currentIndexChanged.connect(self._kind_chosen)
        self.set_schedule(schedule, emit=False)

    def set_schedule(self, schedule: Schedule, emit: bool = True) -> None:
        """Show ``schedule`` (its kind in the chooser, its parameters in the editors)."""
        self.schedule = schedule
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, self.combo.findData(schedule.id)))
        self.combo.blockSignals(False)
        self._build_params()
        if emit:
            self.changed.emit(schedule)

    def _build_params(self) -> None:
        if self.params is not None:
            self.params.setParent(None)
            self.params.deleteLater()
            self.params = None
        kind = self.schedule.kind
        if not kind.parameters:
            return
        self.params = OptimizerHyperparameters(_Declared(kind), self.schedule.resolved())
        self.params.changed.connect(self._params_edited)
        layout = self.layout()
        assert layout is not None  # set in __init__
        layout.addWidget(self.params)

    def _kind_chosen(self, index: int) -> None:
        kind_id = self.combo.itemData(index)
        if kind_id == self.schedule.id:
            return
        self.set_schedule(Schedule(kind_id), emit=True)

    def _params_edited(self, values: dict) -> None:
        kind = self.schedule.kind
        defaults = {h.name: h.default for h in kind.parameters}
        # keep the parameters the user set (or that differ from the defaults): the file stays short
        params = {k: v for k, v in values.items() if k in self.schedule.params or v != defaults.get(k)}
        try:
            schedule = Schedule(kind.id, params)
        except ValueError:
            return  # the spin boxes only take values in range; nothing else can be wrong
        self.schedule = schedule
        self.changed.emit(schedule)
