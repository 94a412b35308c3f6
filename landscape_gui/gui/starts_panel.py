"""The list of start points: edit coordinates numerically, delete, clear, add."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from landscape_gui.gui.session_model import SessionModel


class StartsPanel(QWidget):
    def __init__(self, session: SessionModel, parent=None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(
            "Left-click the map or the surface to add a start point; double-click a cell to edit it."
        )
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.table = QTableWidget(0, 2)
        self.table.setToolTip(
            "Start points: every ticked optimizer runs from each of them. Edit to move one."
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        self.table.itemChanged.connect(self._edited)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add a start point at the centre of the domain")
        self.add_button.clicked.connect(self._add_centre)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected start points")
        self.delete_button.clicked.connect(self.delete_selected)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Remove every start point (Delete key)")
        self.clear_button.clicked.connect(session.clear_starts)
        for b in (self.add_button, self.delete_button, self.clear_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        session.changed.connect(lambda what: self.sync() if what & {"starts", "landscape"} else None)
        self.sync()

    def sync(self) -> None:
        pts = self.session.starts
        dim = self.session.landscape.dim
        self.table.blockSignals(True)
        self.table.setColumnCount(dim)
        self.table.setHorizontalHeaderLabels(list(self.session.landscape.variables))
        self.table.setRowCount(len(pts))
        for i, p in enumerate(pts):
            for j in range(dim):
                self.table.setItem(i, j, QTableWidgetItem(f"{p[j]:.6g}"))
        self.table.blockSignals(False)

    def _edited(self, item: QTableWidgetItem) -> None:
        i, j = item.row(), item.column()
        try:
            v = float(item.text().replace(",", "."))
            if not np.isfinite(v):
                raise ValueError
        except ValueError:
            self.message.setText(f"'{item.text()}' is not a number: start point {i + 1} unchanged")
            self.message.show()
            self.sync()
            return
        p = self.session.starts[i]
        p[j] = v
        try:
            self.session.move_start(i, p)
        except ValueError as e:
            self.message.setText(f"{e}: start point {i + 1} unchanged")
            self.message.show()
            self.sync()
            return
        self.message.hide()

    def _add_centre(self) -> None:
        dom = self.session.landscape.domain
        try:
            self.session.add_start([(lo + hi) / 2 for lo, hi in dom])
        except ValueError as e:  # J undefined at the centre (log(x) on [-2, 2])
            self.message.setText(str(e))
            self.message.show()

    def delete_selected(self) -> None:
        rows = sorted({idx.row() for idx in self.table.selectedIndexes()}, reverse=True)
        if rows:
            self.session.remove_starts(rows)
