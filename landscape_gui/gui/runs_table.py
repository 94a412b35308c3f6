"""The runs table: optimizer (its legend label), start, step, loss, gradient norm and status of every run, as a
frame (:class:`~landscape_gui.core.frames.presenter.Frame`) names and colours them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from landscape_gui.core.frames.palette import readable_text
from landscape_gui.core.frames.presenter import loss_text

VISIBLE_ONLY_FROM = 100  # runs: from this many on, only the rows in sight are filled
COLUMNS = ("optimizer", "start", "step", "loss", "‖∇J‖", "status")
#: Status colours by the core's tone (core/analysis/status.py); the text itself is the core's ``Run.label``.
STATUS_COLORS = {
    "global": (46, 204, 64),
    "local": (235, 90, 70),
    "saddle": (255, 190, 40),
    "warning": (230, 140, 30),
    "diverged": (255, 60, 60),
}


class RunsTable(QTableWidget):
    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        # Column widths are set when the runs change, not at every frame: with ResizeToContents each
        # changed cell made the header measure its whole column (60 runs: 0.27 s per frame, 2 frames/s).
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.setToolTip("Every (optimizer, start point) run and what it reached")
        self._last = None  # the frame shown
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Widths that fit the names and starts shown, and any number the step, loss and ‖∇J‖ columns take."""
        self.resizeColumnsToContents()
        fm = self.fontMetrics()
        pad = 4 * fm.horizontalAdvance(" ")
        widest = {2: "0000000", 3: "-8.888e+88", 4: "8.888e+88"}
        for col in range(len(COLUMNS) - 1):
            sample = max(fm.horizontalAdvance(widest.get(col, "")), fm.horizontalAdvance(COLUMNS[col]))
            self.setColumnWidth(col, max(self.columnWidth(col), sample + pad))

    def _readable(self, color) -> QBrush:
        """``color`` as a text brush with a 4.5 : 1 contrast on the table's background (either theme)."""
        base = self.palette().color(QPalette.ColorRole.Base)
        return QBrush(QColor(*readable_text(color, (base.red(), base.green(), base.blue()))))

    def _scrolled(self, _=None) -> None:
        frame = self._last
        if frame is not None and len(frame.runs) == self.rowCount() > VISIBLE_ONLY_FROM:
            self.show_frame(frame)

    def clear_runs(self) -> None:
        self._last = None
        self.setRowCount(0)

    def show_frame(self, frame) -> None:
        """One row per run, its status in the core's words (a run outside the shown domain says so); the
        frame's best run is marked ★ and bold.

        With many runs (random restarts) only the rows in sight are filled (1000 rows took ~0.3 s); the
        others are filled when scrolled to, from the runs kept here.
        """
        self._last = frame
        runs, looks, best = frame.snapshot.runs, frame.runs, frame.best
        resized = self.rowCount() != len(runs)
        if resized:
            self.setRowCount(len(runs))
        rows = range(len(runs))
        if len(runs) > VISIBLE_ONLY_FROM:
            top = max(0, self.rowAt(0))
            bottom = self.rowAt(self.viewport().height() - 1)
            bottom = len(runs) - 1 if bottom < 0 else bottom
            rows = range(top, min(len(runs), bottom + 2))
        for row in rows:
            run, look = runs[row], looks[row]
            shown = f"★ best · {look.status}" if row == best else look.status
            start = "(" + ", ".join(f"{c:.3g}" for c in run.start) + ")"
            loss, grad = loss_text(run.loss, frame.loss_scale), loss_text(run.grad_norm, frame.loss_scale)
            values = (look.label, start, str(run.step), loss, grad, shown)
            for col, text in enumerate(values):
                item = self.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    if col in (2, 3, 4):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.setItem(row, col, item)
                if item.text() != text:  # every change repaints its cell: change only what changed
                    item.setText(text)
            first, status = self.item(row, 0), self.item(row, len(COLUMNS) - 1)
            assert first is not None and status is not None  # every cell was set above
            _set_foreground(first, self._readable(look.color))
            color = STATUS_COLORS.get(look.tone)
            font = status.font()
            if font.bold() != (row == best):
                font.setBold(row == best)
                status.setFont(font)
            _set_foreground(status, self._readable(color) if color else QBrush())
        if resized:
            self._fit_columns()


def _set_foreground(item: QTableWidgetItem, brush: QBrush) -> None:
    if item.foreground() != brush:
        item.setForeground(brush)
