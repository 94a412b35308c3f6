"""Hyperparameter editors generated from the core's declarations (name, default, range, log scale, help).

Each hyperparameter gets a slider (logarithmic for learning rates and other log-scale values) and a spin box
that accepts any value in the declared range, not only slider positions or powers of ten.

For an optimizer with a stability bound (gradient descent, SGD, momentum, Nesterov) the lr slider marks the
largest stable learning rate at the landscape's global minimum (2/λmax for gradient descent; the window gives
it, :meth:`OptimizerHyperparameters.show_stable_lr`), and the line under it says whether lr is above it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPolygonF, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QVBoxLayout,
    QWidget,
)

SLIDER_STEPS = 1000


class NumberSpinBox(QDoubleSpinBox):
    """A spin box that shows numbers in ``%g`` form (1e-05, 0.003, 0.9) and steps multiplicatively on log scales."""

    def __init__(self, low: float, high: float, log: bool, parent=None):
        super().__init__(parent)
        self.log = log
        self.setDecimals(15)
        self.setRange(low, high)
        self.setKeyboardTracking(False)
        self.setSingleStep((high - low) / 100 if not log else 1.0)
        self.setMinimumWidth(92)

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        t = text.strip().replace(",", ".")
        try:
            v = float(t)
        except ValueError:
            ok = t == "" or all(ch in "0123456789.eE+-" for ch in t)
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos
        if self.minimum() <= v <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:
        if self.log and self.value() > 0:
            self.setValue(min(self.maximum(), max(self.minimum(), self.value() * 10 ** (0.1 * steps))))
        else:
            super().stepBy(steps)


STABLE_COLOR = "#2ca02c"
UNSTABLE_COLOR = "#e0443a"


class MarkedSlider(QSlider):
    """A slider that can mark one position (a ▼ and a line across its groove): the stable lr."""

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.mark: int | None = None
        self.mark_color = QColor(STABLE_COLOR)

    def set_mark(self, position: int | None, color: str = STABLE_COLOR) -> None:
        if (position, color) != (self.mark, self.mark_color.name()):
            self.mark, self.mark_color = position, QColor(color)
            self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.mark is None:
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
        )
        span = self.width() - handle.width()
        x = handle.width() / 2 + QStyle.sliderPositionFromValue(
            self.minimum(), self.maximum(), self.mark, span
        )
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(self.mark_color)
        p.setBrush(self.mark_color)
        p.drawLine(QPointF(x, 4), QPointF(x, self.height() - 1))
        p.drawPolygon(QPolygonF([QPointF(x - 5, 0), QPointF(x + 5, 0), QPointF(x, 6)]))
        p.end()


class OptimizerHyperparameters(QWidget):
    """The editors for one optimizer; emits ``changed(dict)`` with the full hyperparameter dict."""

    changed = Signal(object)

    def __init__(self, optimizer, values: dict[str, float], parent=None):
        super().__init__(parent)
        self.optimizer = optimizer
        self.values = dict(values)
        self.spins: dict[str, NumberSpinBox] = {}
        self.sliders: dict[str, QSlider] = {}
        self.checks: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        summary = QLabel(
            f"<b>{optimizer.name}</b>: <span style='font-family:monospace'>{optimizer.summary}</span>"
        )
        summary.setWordWrap(True)
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary.setToolTip(optimizer.summary)
        layout.addWidget(summary)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.lr_in_force = QLabel()  # under the lr slider: the schedule's lr for the next step
        self.lr_in_force.setObjectName("hint")
        self.lr_in_force.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.lr_in_force.setToolTip(
            "The learning rate the schedule gives the next step (lr above is its base)"
        )
        self.lr_in_force.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.lr_in_force.hide()
        self.stable_lr: float | None = None
        self.stable_where = ""
        self.stable_hint = QLabel()  # under the lr slider: the largest stable lr at the global minimum
        self.stable_hint.setObjectName("hint")
        self.stable_hint.setWordWrap(True)
        self.stable_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.stable_hint.hide()
        row = -1
        for hp in optimizer.hyperparameters:
            row += 1
            label = QLabel(hp.name)
            tip = f"<b>{hp.name}</b> (default {hp.default:g}, range {hp.low:g}–{hp.high:g}"
            tip += ", log scale)" if hp.log else ")"
            tip += f"<br>{hp.help}" if hp.help else ""
            label.setToolTip(tip)
            grid.addWidget(label, row, 0)
            if hp.integer and hp.low == 0 and hp.high == 1:
                check = QCheckBox()
                check.setChecked(bool(self.values.get(hp.name, hp.default)))
                check.setToolTip(tip)
                check.toggled.connect(lambda on, n=hp.name: self._set(n, 1.0 if on else 0.0))
                self.checks[hp.name] = check
                grid.addWidget(check, row, 1, 1, 2)
                continue
            slider = MarkedSlider()
            slider.setRange(0, SLIDER_STEPS)
            slider.setToolTip(tip)
            spin = NumberSpinBox(hp.low, hp.high, hp.log)
            if hp.integer:
                spin.setDecimals(0)
                spin.setSingleStep(1)
            spin.setToolTip(tip)
            spin.setAccessibleName(hp.name)
            self.sliders[hp.name], self.spins[hp.name] = slider, spin
            slider.valueChanged.connect(lambda pos, h=hp: self._slider_moved(h, pos))
            spin.valueChanged.connect(lambda v, n=hp.name: self._set(n, v))
            grid.addWidget(slider, row, 1)
            grid.addWidget(spin, row, 2)
            if hp.name == "lr":
                row += 1
                grid.addWidget(self.lr_in_force, row, 1, 1, 2)
                row += 1
                grid.addWidget(self.stable_hint, row, 0, 1, 3)
        buttons = QHBoxLayout()
        reset = QPushButton("Reset to defaults")
        reset.setToolTip(f"Restore the defaults the core declares for {optimizer.name}")
        reset.clicked.connect(self.reset_defaults)
        buttons.addStretch(1)
        buttons.addWidget(reset)
        layout.addLayout(buttons)
        self.set_values(self.values, emit=False)

    # slider position ↔ value
    @staticmethod
    def _to_slider(hp, v: float) -> int:
        if hp.log and hp.low > 0:
            t = (math.log10(max(v, hp.low)) - math.log10(hp.low)) / (math.log10(hp.high) - math.log10(hp.low))
        else:
            t = (v - hp.low) / (hp.high - hp.low)
        return round(min(1.0, max(0.0, t)) * SLIDER_STEPS)

    @staticmethod
    def _from_slider(hp, pos: int) -> float:
        t = pos / SLIDER_STEPS
        if hp.log and hp.low > 0:
            v = 10 ** (math.log10(hp.low) + t * (math.log10(hp.high) - math.log10(hp.low)))
            if hp.integer:
                return float(round(float(f"{v:.2g}")))  # whole numbers: 10, 20, …, 100, 200, …
            return float(f"{v:.3g}")  # round to 3 significant digits: 0.0316, not 0.031622776...
        v = hp.low + t * (hp.high - hp.low)
        return float(round(v)) if hp.integer else float(f"{v:.4g}")

    def _slider_moved(self, hp, pos: int) -> None:
        if self._to_slider(hp, self.values.get(hp.name, hp.default)) == pos:
            return  # the slider follows the spin box: do not round the typed value
        self.spins[hp.name].setValue(self._from_slider(hp, pos))

    def _set(self, name: str, value: float) -> None:
        if self.values.get(name) == value:
            return
        self.values[name] = float(value)
        hp = next(h for h in self.optimizer.hyperparameters if h.name == name)
        if name in self.sliders:
            self.sliders[name].blockSignals(True)
            self.sliders[name].setValue(self._to_slider(hp, value))
            self.sliders[name].blockSignals(False)
        if name == "lr":
            self._show_stable()
        self.changed.emit(dict(self.values))

    def set_values(self, values: dict[str, float], emit: bool = True) -> None:
        self.values = dict(values)
        for hp in self.optimizer.hyperparameters:
            v = float(self.values.get(hp.name, hp.default))
            self.values[hp.name] = v
            if hp.name in self.checks:
                self.checks[hp.name].blockSignals(True)
                self.checks[hp.name].setChecked(bool(v))
                self.checks[hp.name].blockSignals(False)
                continue
            for w, val in ((self.spins[hp.name], v), (self.sliders[hp.name], self._to_slider(hp, v))):
                w.blockSignals(True)
                w.setValue(val)
                w.blockSignals(False)
        self._show_stable()
        if emit:
            self.changed.emit(dict(self.values))

    def show_stable_lr(self, value: float | None, where: str = "") -> None:
        """Mark ``value``, the largest stable lr ``where`` (e.g. "at the global minimum (0, 0), 2/λmax"), on
        the lr slider and say it under it; None: no mark."""
        self.stable_lr, self.stable_where = value, where
        self._show_stable()

    def _show_stable(self) -> None:
        slider = self.sliders.get("lr")
        if slider is None:
            return
        value = self.stable_lr
        if value is None:
            slider.set_mark(None)
            self.stable_hint.hide()
            return
        hp = next(h for h in self.optimizer.hyperparameters if h.name == "lr")
        lr = self.values.get("lr", hp.default)
        above = lr > value
        color = UNSTABLE_COLOR if above else STABLE_COLOR
        slider.set_mark(self._to_slider(hp, value) if hp.low <= value <= hp.high else None, color)
        verdict = "above: a run oscillates outward there" if above else "below: a run can settle there"
        text = f"▼ stable for lr &lt; <b>{value:.4g}</b> {self.stable_where}<br>lr {lr:.4g} is {verdict}"
        self.stable_hint.setText(f"<span style='color:{color}'>{text}</span>")
        self.stable_hint.setToolTip(
            "Gradient descent converges to a minimum only while lr < 2/λmax (λmax: the Hessian's largest "
            "eigenvalue there; heavy-ball momentum μ: 2(1+μ)/λmax). The ▼ on the slider marks it."
        )
        self.stable_hint.show()

    def show_lr_in_force(self, text: str | None) -> None:
        """The text under the lr slider (the lr in force for the next step), hidden for None."""
        if text is None:
            self.lr_in_force.hide()
            return
        if self.lr_in_force.text() != text:
            self.lr_in_force.setText(text)
        self.lr_in_force.show()

    def reset_defaults(self) -> None:
        self.set_values(self.optimizer.defaults())
