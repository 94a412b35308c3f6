"""Optimizer checklist (several at once, each in its run colour) and the selected one's hyperparameters and
learning-rate schedule, with the lr in force shown live under the lr slider.

The lr slider of an optimizer with a stability bound marks the largest stable lr at the landscape's global
minimum (:meth:`OptimizerPanel.set_curvature` gives the minimum's Hessian eigenvalues; the bound is the core's
:func:`~landscape_gui.core.analysis.curvature.stable_lr_for`, with the edited entry's μ, dampening and weight
decay).

An optimizer that runs more than once (a scenario may race SGD against itself with and without a schedule)
gets a chooser of which of its entries the editors change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from landscape_gui.core.analysis.curvature import stable_lr_for
from landscape_gui.core.frames.palette import optimizer_colors
from landscape_gui.core.optimizers.catalog import OPTIMIZER_IDS, get_optimizer
from landscape_gui.core.optimizers.schedules import CONSTANT
from landscape_gui.gui.hyperparameters import OptimizerHyperparameters
from landscape_gui.gui.schedule_panel import ScheduleEditor
from landscape_gui.gui.session_model import SessionModel

#: How each optimizer's largest stable lr is written under its lr slider.
LR_BOUNDS = {"gd": "2/λmax", "sgd": "2/λmax", "momentum": "2(1+μ)/λmax", "nesterov": "2(1+μ)/((1+2μ)λmax)"}


def _swatch(color) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(*color) if color else Qt.GlobalColor.transparent)
    return QIcon(pix)


class OptimizerPanel(QWidget):
    def __init__(self, session: SessionModel, parent=None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setToolTip(
            "Tick every optimizer to race; each runs from every start point. Select one to edit it."
        )
        self.list.setMaximumHeight(150)  # ~7 rows: room below for the selected one's hyperparameters
        for oid in OPTIMIZER_IDS:
            opt = get_optimizer(oid)
            item = QListWidgetItem(opt.name)
            item.setData(Qt.ItemDataRole.UserRole, oid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(f"<b>{opt.name}</b><br><span style='font-family:monospace'>{opt.summary}</span>")
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.editor_box = QVBoxLayout()
        layout.addLayout(self.editor_box)
        self.editor: OptimizerHyperparameters | None = None
        self.schedule_editor: ScheduleEditor | None = None
        self.entry = QComboBox()  # which entry of an optimizer that runs more than once
        self.entry.setToolTip("This optimizer runs more than once: choose the entry to edit")
        self.entry.hide()
        self.entry.activated.connect(lambda _: self._show_editor(keep_entry=True))
        self.editor_box.addWidget(self.entry)
        self._lrs: list[float] = []
        self._curvature = None  # (position, eigenvalues) of the landscape's sharpest global minimum
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")
        self.editor_box.addWidget(self.hint)
        self.list.itemChanged.connect(self._item_changed)
        self.list.currentItemChanged.connect(lambda *_: self._show_editor())
        session.changed.connect(self._session_changed)
        self.sync()
        for i in range(self.list.count()):
            if self.list.item(i).checkState() == Qt.CheckState.Checked:
                self.list.setCurrentRow(i)
                break

    def _index_of(self, oid: str) -> int | None:
        """The session's index of the first entry of ``oid`` (None when it is not running)."""
        indices = self._indices(oid)
        return indices[0] if indices else None

    def _indices(self, oid: str) -> list[int]:
        return [i for i, o in enumerate(self.session.optimizers) if o.id == oid]

    def _session_changed(self, what) -> None:
        if "optimizers" in what:
            self.sync()
        elif "optimizer_settings" in what:
            self._follow_settings()

    def edited_index(self) -> int | None:
        """The session's index of the optimizer entry the editors show (None: none)."""
        item = self.list.currentItem()
        if item is None:
            return None
        indices = self._indices(item.data(Qt.ItemDataRole.UserRole))
        if not indices:
            return None
        chosen = self.entry.currentData()
        return chosen if self.entry.count() == len(indices) and chosen in indices else indices[0]

    def sync(self) -> None:
        """Tick boxes and colour swatches follow the session's optimizer list."""
        self.list.blockSignals(True)
        colors = optimizer_colors(o.id for o in self.session.optimizers)
        for i in range(self.list.count()):
            item = self.list.item(i)
            idx = self._index_of(item.data(Qt.ItemDataRole.UserRole))
            item.setCheckState(Qt.CheckState.Checked if idx is not None else Qt.CheckState.Unchecked)
            item.setIcon(_swatch(colors[idx] if idx is not None else None))
        current = self.list.currentItem()
        if self.session.optimizers and (
            current is None or self._index_of(current.data(Qt.ItemDataRole.UserRole)) is None
        ):  # e.g. a scenario was opened: edit its first optimizer
            first = self.session.optimizers[0].id
            row = next(
                (
                    i
                    for i in range(self.list.count())
                    if self.list.item(i).data(Qt.ItemDataRole.UserRole) == first
                ),
                None,
            )
            if row is not None:
                self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._show_editor()

    def _item_changed(self, item: QListWidgetItem) -> None:
        oid = item.data(Qt.ItemDataRole.UserRole)
        self.session.set_optimizer_enabled(oid, item.checkState() == Qt.CheckState.Checked)
        self.list.setCurrentItem(item)

    def _show_editor(self, keep_entry: bool = False) -> None:
        for w in (self.editor, self.schedule_editor):
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        self.editor = self.schedule_editor = None
        item = self.list.currentItem()
        self._fill_entries(item.data(Qt.ItemDataRole.UserRole) if item is not None else None, keep_entry)
        if item is None:
            self.hint.setText("Select an optimizer to see its hyperparameters.")
            self.hint.show()
            return
        oid = item.data(Qt.ItemDataRole.UserRole)
        idx = self.edited_index()
        if idx is None:
            self.hint.setText(f"Tick {item.text()} to run it and edit its hyperparameters.")
            self.hint.show()
            return
        self.hint.hide()
        spec = self.session.optimizers[idx]
        self.editor = OptimizerHyperparameters(get_optimizer(oid), dict(spec.params))
        self.editor.changed.connect(lambda hp, o=oid: self._edited(o, hp))
        self.editor.changed.connect(lambda _: self._show_stable())
        self._show_stable()
        self.editor_box.addWidget(self.editor)
        self.schedule_editor = ScheduleEditor(spec.schedule or CONSTANT)
        self.schedule_editor.changed.connect(lambda s, o=oid: self._schedule_edited(o, s))
        self.editor_box.addWidget(self.schedule_editor)
        self.show_lrs(self._lrs)

    def _fill_entries(self, oid: str | None, keep: bool) -> None:
        """The entry chooser, shown when ``oid`` runs more than once."""
        indices = self._indices(oid) if oid is not None else []
        current = self.entry.currentIndex() if keep else 0
        self.entry.blockSignals(True)
        self.entry.clear()
        for k, i in enumerate(indices):
            spec = self.session.optimizers[i]
            # a file's entry holds only the values it sets: the lr is the declared default otherwise
            lr = get_optimizer(spec.id).resolve(dict(spec.params)).get("lr")
            text = f"#{k + 1}" + ("" if lr is None else f": lr {lr:.3g}")
            text += "" if spec.schedule is None else f", {spec.schedule.id} schedule"
            self.entry.addItem(text, i)
        self.entry.setCurrentIndex(min(max(current, 0), max(len(indices) - 1, 0)))
        self.entry.blockSignals(False)
        self.entry.setVisible(len(indices) > 1)

    def _schedule_edited(self, oid: str, schedule) -> None:
        idx = self.edited_index()
        if idx is not None:
            self.session.set_optimizer(idx, schedule=None if schedule.is_constant else schedule)
            self._fill_entries(oid, keep=True)  # the chooser names each entry's schedule

    def _follow_settings(self) -> None:
        """Hyperparameters or a schedule changed (here or elsewhere): the editors show the session's."""
        idx = self.edited_index()
        if idx is None or self.editor is None:
            return
        spec = self.session.optimizers[idx]
        if self.editor.values != dict(spec.params):
            self.editor.set_values(dict(spec.params), emit=False)
        schedule = spec.schedule or CONSTANT
        if self.schedule_editor is not None and self.schedule_editor.schedule != schedule:
            self.schedule_editor.set_schedule(schedule, emit=False)

    def set_curvature(self, curvature) -> None:
        """``(position, eigenvalues)`` of the landscape's global minimum (None: none known yet)."""
        self._curvature = curvature
        self._show_stable()

    def _show_stable(self) -> None:
        if self.editor is None:
            return
        value, where = None, ""
        if self._curvature is not None:
            position, ev = self._curvature
            value = stable_lr_for(self.editor.optimizer.id, self.editor.values, ev)
            at = ", ".join(f"{v:.3g}" for v in position)
            bound = LR_BOUNDS.get(self.editor.optimizer.id, "its bound")
            where = f"({bound}, λmax = {float(max(ev)):.4g} at the global minimum ({at}))"
        self.editor.show_stable_lr(value, where)

    def show_lrs(self, lrs) -> None:
        """Each optimizer's lr in force for its next step (a frame's ``lrs``): shown under the lr slider of the
        entry being edited when its schedule changes the lr."""
        self._lrs = list(lrs)
        idx = self.edited_index()
        if self.editor is None or idx is None:
            return
        opts = self.session.optimizers
        schedule = opts[idx].schedule if idx < len(opts) else None
        if schedule is None or idx >= len(self._lrs):
            self.editor.show_lr_in_force(None)
        else:
            self.editor.show_lr_in_force(f"lr now {self._lrs[idx]:.5g} ({schedule.id})")

    def _edited(self, oid: str, hp: dict) -> None:
        idx = self.edited_index()
        if idx is None:
            return
        try:
            self.session.set_optimizer(idx, params=hp)
            self._fill_entries(oid, keep=True)  # the chooser names each entry's lr
        except ValueError as e:
            self.hint.setText(str(e))
            self.hint.show()
