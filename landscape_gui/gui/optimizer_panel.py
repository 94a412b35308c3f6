"""Optimizer checklist (several at once, each in its run colour) and the selected one's hyperparameters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from landscape_gui.core.optimizers import OPTIMIZER_IDS, get_optimizer
from landscape_gui.drawing.palette import optimizer_color
from landscape_gui.gui.controller import Controller, demo_hyperparameters
from landscape_gui.gui.hyperparameters import OptimizerHyperparameters


def _swatch(color) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(*color) if color else Qt.GlobalColor.transparent)
    return QIcon(pix)


class OptimizerPanel(QWidget):
    def __init__(self, controller: Controller, parent=None):
        super().__init__(parent)
        self.controller = controller
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
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")
        self.editor_box.addWidget(self.hint)
        self.list.itemChanged.connect(self._item_changed)
        self.list.currentItemChanged.connect(lambda *_: self._show_editor())
        controller.optimizersChanged.connect(self.sync)
        controller.hyperparametersChanged.connect(self._hp_changed_elsewhere)
        self.sync()
        for i in range(self.list.count()):
            if self.list.item(i).checkState() == Qt.CheckState.Checked:
                self.list.setCurrentRow(i)
                break

    def _index_of(self, oid: str) -> int | None:
        ids = [o for o, _ in self.controller.optimizers]
        return ids.index(oid) if oid in ids else None

    def sync(self) -> None:
        """Tick boxes and colour swatches follow the controller's optimizer list."""
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            idx = self._index_of(item.data(Qt.ItemDataRole.UserRole))
            item.setCheckState(Qt.CheckState.Checked if idx is not None else Qt.CheckState.Unchecked)
            item.setIcon(_swatch(optimizer_color(idx) if idx is not None else None))
        current = self.list.currentItem()
        if current is None or self._index_of(current.data(Qt.ItemDataRole.UserRole)) is None:
            # a scenario without the selected optimizer: show the first one it runs, not "Tick … to run it"
            ticked = [
                i for i in range(self.list.count()) if self.list.item(i).checkState() == Qt.CheckState.Checked
            ]
            if ticked:
                self.list.setCurrentRow(ticked[0])
        self.list.blockSignals(False)
        self._show_editor()

    def _item_changed(self, item: QListWidgetItem) -> None:
        oid = item.data(Qt.ItemDataRole.UserRole)
        self.controller.set_optimizer_enabled(oid, item.checkState() == Qt.CheckState.Checked)
        self.list.setCurrentItem(item)

    def _show_editor(self) -> None:
        if self.editor is not None:
            self.editor.setParent(None)
            self.editor.deleteLater()
            self.editor = None
        item = self.list.currentItem()
        if item is None:
            self.hint.setText("Select an optimizer to see its hyperparameters.")
            self.hint.show()
            return
        oid = item.data(Qt.ItemDataRole.UserRole)
        idx = self._index_of(oid)
        if idx is None:
            self.hint.setText(f"Tick {item.text()} to run it and edit its hyperparameters.")
            self.hint.show()
            return
        self.hint.hide()
        self.editor = OptimizerHyperparameters(get_optimizer(oid), self.controller.optimizers[idx][1])
        self.editor.changed.connect(lambda hp, o=oid: self._edited(o, hp))
        self.editor_box.addWidget(self.editor)

    def _edited(self, oid: str, hp: dict) -> None:
        idx = self._index_of(oid)
        if idx is None:
            return
        try:
            self.controller.set_hyperparameters(idx, hp)
        except ValueError as e:
            self.hint.setText(str(e))
            self.hint.show()

    def _hp_changed_elsewhere(self, index: int, hp: dict) -> None:
        editor = self.editor
        if editor is not None and self._index_of(editor.optimizer.id) == index and editor.values != hp:
            editor.set_values(hp, emit=False)

    def demo_values(self, oid: str) -> dict:
        return demo_hyperparameters(oid)
