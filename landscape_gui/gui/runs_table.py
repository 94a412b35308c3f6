"""The runs table: optimizer, start, step, loss, gradient norm and status of every run."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from landscape_gui.core.optimizers import get_optimizer

COLUMNS = ("optimizer", "start", "step", "loss", "‖∇J‖", "status")
STATUS_COLORS = {
    "reached the global minimum": (46, 204, 64),
    "approaching the global minimum": (120, 200, 120),
    "stuck in a local minimum": (235, 90, 70),
    "stalled at a saddle": (255, 190, 40),
    "diverged": (255, 60, 60),
}


def _fmt(v: float) -> str:
    if not math.isfinite(v):
        return "—"  # e.g. the gradient norm before the first step
    return f"{v:.4g}" if abs(v) < 1e5 else f"{v:.3e}"


class RunsTable(QTableWidget):
    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.setToolTip("Every (optimizer, start point) run and what it reached")
        self._colors: list[tuple] = []

    def set_colors(self, colors) -> None:
        self._colors = list(colors)

    def update_runs(self, runs, best: int | None = None) -> None:
        """One row per run; the ``best`` run (an index) is marked ★ and bold."""
        if self.rowCount() != len(runs):
            self.setRowCount(len(runs))
        for row, run in enumerate(runs):
            label = run.label
            shown = f"★ best · {label}" if row == best else label
            start = "(" + ", ".join(f"{c:.3g}" for c in run.start) + ")"
            name = get_optimizer(run.optimizer).name
            values = (name, start, str(run.step), _fmt(run.loss), _fmt(run.grad_norm), shown)
            for col, text in enumerate(values):
                item = self.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
                    if col in (2, 3, 4):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if row < len(self._colors):
                self.item(row, 0).setForeground(QBrush(QColor(*self._colors[row])))
            color = STATUS_COLORS.get(label)
            status = self.item(row, len(COLUMNS) - 1)
            font = status.font()
            if font.bold() != (row == best):
                font.setBold(row == best)
                status.setFont(font)
            status.setForeground(QBrush(QColor(*color)) if color else QBrush())
