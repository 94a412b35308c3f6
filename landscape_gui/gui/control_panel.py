"""The control panel dock: landscape (built-in, formula, domain), start points, optimizers, run settings."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from landscape_gui.core.landscapes.defined import undefined_note
from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, describe
from landscape_gui.gui.controller import Controller, samples_of
from landscape_gui.gui.hyperparameters import NumberSpinBox
from landscape_gui.gui.optimizer_panel import OptimizerPanel
from landscape_gui.gui.starts_panel import StartsPanel

FORMULA_DEBOUNCE_MS = 250
CUSTOM = "__formula__"


class _FormulaChecker(QObject):
    """Checks formulas off the GUI thread; results come back as a signal.

    The sympy work runs in the core's killable formula worker (a warm child process, started here in the
    background): a formula that would keep sympy busy for minutes is refused after 3 s instead of blocking
    every later check and the app's exit. The worker starts with the first check (about a second, shown
    as "checking…"), not at launch: start-up stays free of sympy.
    """

    done = Signal(int, str, object)  # generation, text, Landscape or FormulaError/ValueError

    def __init__(self):
        super().__init__()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formula")
        self.generation = 0

    def submit(self, text: str, domain) -> int:
        self.generation += 1
        gen = self.generation

        def work():
            from landscape_gui.core.landscapes.formula_worker import build_formula

            try:
                return build_formula(text, domain=domain)
            except Exception as e:  # noqa: BLE001 - any failure is shown as a message, never a crash
                return e

        future = self.pool.submit(work)
        future.add_done_callback(lambda f: self.done.emit(gen, text, f.result()))
        return gen

    def shutdown(self) -> None:
        # wait for a check in flight (bounded by the formula worker's timeout): a job that outlived the window
        # would drop the last reference to the window's objects off the GUI thread (a deadlock in Qt)
        self.pool.shutdown(wait=True, cancel_futures=True)


class ControlPanel(QScrollArea):
    def __init__(self, controller: Controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.addWidget(self._landscape_box())
        # optimizers before the start points: the landscape, the optimizers and the selected one's
        # hyperparameters must fit a 1280×720 screen without scrolling
        opts = QGroupBox("Optimizers")
        self.optimizer_panel = OptimizerPanel(controller)
        QVBoxLayout(opts).addWidget(self.optimizer_panel)
        layout.addWidget(opts)
        starts = QGroupBox("Start points")
        QVBoxLayout(starts).addWidget(StartsPanel(controller))
        self.starts_panel = starts.layout().itemAt(0).widget()
        layout.addWidget(starts)
        layout.addWidget(self._run_box())
        layout.addStretch(1)
        self.checker = _FormulaChecker()
        self.checker.done.connect(self._formula_checked)
        self._debounce = QTimer(self, singleShot=True, interval=FORMULA_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._check_formula)
        controller.landscapeChanged.connect(lambda *_: self.sync_landscape())
        for signal in (
            controller.noiseChanged,
            controller.seedChanged,
            controller.maxStepsChanged,
            controller.speedChanged,
        ):  # a scenario opened sets them: the fields show the values in use
            signal.connect(lambda *_: self.sync_run())
        self.sync_landscape()

    # -- landscape ----------------------------------------------------------------------------------------
    def _landscape_box(self) -> QGroupBox:
        box = QGroupBox("Landscape")
        form = QVBoxLayout(box)
        self.landscape_combo = QComboBox()
        self.landscape_combo.setToolTip("The cost function J the optimizers descend")
        for i, lid in enumerate(LANDSCAPE_IDS):
            name, description = describe(lid)
            self.landscape_combo.addItem(name, lid)
            self.landscape_combo.setItemData(i, description, Qt.ItemDataRole.ToolTipRole)
        self.landscape_combo.addItem("Custom formula", CUSTOM)
        self.landscape_combo.activated.connect(self._combo_chosen)
        form.addWidget(self.landscape_combo)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("hint")
        form.addWidget(self.description)
        self.formula_edit = QLineEdit()
        self.formula_edit.setPlaceholderText("J(x, y) = e.g. (x**2 - 1)**2 + 0.5*y**2")
        self.formula_edit.setToolTip(
            "Type a cost formula in x (1-D) or x and y (2-D): + - * / ** sin cos exp log sqrt abs ...<br>"
            "It is checked as you type; the landscape changes as soon as the formula is valid."
        )
        self.formula_edit.setClearButtonEnabled(True)
        self.formula_edit.textEdited.connect(lambda _: self._debounce.start())
        self.formula_edit.returnPressed.connect(self._check_formula)
        form.addWidget(self.formula_edit)
        self.formula_message = QLabel()
        self.formula_message.setWordWrap(True)
        self.formula_message.setObjectName("hint")
        self.formula_message.hide()
        form.addWidget(self.formula_message)
        self.formula_note = QLabel()  # where the formula is undefined (drawn as a gap)
        self.formula_note.setWordWrap(True)
        self.formula_note.setObjectName("error")
        self.formula_note.hide()
        form.addWidget(self.formula_note)
        grid = QGridLayout()
        self.domain_spins = []
        self.domain_labels = []
        for row, axis in enumerate(("x", "y")):
            self.domain_labels.append(QLabel(f"{axis} from"))
            grid.addWidget(self.domain_labels[-1], row, 0)
            pair = []
            for col in (1, 3):
                spin = NumberSpinBox(-1e6, 1e6, False)
                spin.setSingleStep(0.5)
                spin.setToolTip(f"Domain of {axis} shown and sampled (the optimizers may still leave it)")
                spin.editingFinished.connect(self._domain_edited)
                grid.addWidget(spin, row, col)
                pair.append(spin)
            grid.addWidget(QLabel("to"), row, 2)
            self.domain_spins.append(pair)
        form.addLayout(grid)
        self.domain_message = QLabel()
        self.domain_message.setObjectName("error")
        self.domain_message.setWordWrap(True)
        self.domain_message.hide()
        form.addWidget(self.domain_message)
        return box

    def sync_landscape(self) -> None:
        c = self.controller
        L = c.landscape
        key = c.landscape_id if c.landscape_id else CUSTOM
        self.landscape_combo.setCurrentIndex(max(0, self.landscape_combo.findData(key)))
        text = L.description or ""
        p = int(getattr(L, "n_parameters", L.dim))
        if p > L.dim:  # a slice through a bigger loss: say so plainly
            a, b = L.variables
            text = (
                f"<b>A 2-D slice of a {p}-dimensional loss</b> (P = {p} network parameters): only {a} and "
                f"{b}, the steps along two fixed random directions, move.<br>{text}"
            )
        self.description.setText(f"{text}<br><span style='font-family:monospace'>J = {L.formula}</span>")
        self.description.setToolTip(L.source or L.description)
        note = undefined_note(L)
        self.formula_note.setText(f"{note}: drawn as a gap; starts there are refused" if note else "")
        self.formula_note.setVisible(bool(note))
        names = tuple(L.variables) if len(L.variables) == L.dim else ("x", "y")[: L.dim]
        for row, label in enumerate(self.domain_labels):
            label.setText(f"{names[row] if row < len(names) else ('x', 'y')[row]} from")
        if c.formula and self.formula_edit.text() != c.formula:
            self.formula_edit.setText(c.formula)
        for row, pair in enumerate(self.domain_spins):
            enabled = row < L.dim
            for k, spin in enumerate(pair):
                spin.blockSignals(True)
                spin.setEnabled(enabled)
                spin.setValue(L.domain[row][k] if enabled else 0.0)
                spin.blockSignals(False)

    def _say(self, text: str) -> None:
        """The formula box's message (hidden when empty, so it takes no room)."""
        self.formula_message.setText(text)
        self.formula_message.setVisible(bool(text))

    def _combo_chosen(self, index: int) -> None:
        key = self.landscape_combo.itemData(index)
        if key == CUSTOM:
            self.formula_edit.setFocus()
            if self.formula_edit.text():
                self._check_formula()
            return
        self._say("")
        if key != self.controller.landscape_id or self.controller.formula:
            self.controller.set_landscape(key)

    def _check_formula(self) -> None:
        text = self.formula_edit.text().strip()
        if not text:
            self._say("")
            return
        self._say("checking…")
        self.checker.submit(text, None)

    def _formula_checked(self, gen: int, text: str, result) -> None:
        if gen != self.checker.generation:
            return  # the user typed on: an older formula's result
        if isinstance(result, Exception):
            self.formula_message.setObjectName("error")
            self._say(f"✗ {result} — the landscape is unchanged")
        else:
            self.formula_message.setObjectName("ok")
            self._say(f"✓ {result.dim}-D formula in use")
            self.controller.set_landscape(result)
            self.controller.formula = text
            self.landscape_combo.setCurrentIndex(self.landscape_combo.findData(CUSTOM))
        self.formula_message.style().unpolish(self.formula_message)
        self.formula_message.style().polish(self.formula_message)

    def _domain_edited(self) -> None:
        L = self.controller.landscape
        dom = [(p[0].value(), p[1].value()) for p in self.domain_spins[: L.dim]]
        if tuple(dom) == tuple(L.domain):
            return
        try:
            formula = self.controller.formula
            self.controller.set_domain(dom)
            if formula:
                self.controller.formula = formula
            self.domain_message.hide()
        except ValueError as e:
            self.domain_message.setText(f"Domain unchanged: {e}")
            self.domain_message.show()

    # -- run settings -------------------------------------------------------------------------------------
    def _run_box(self) -> QGroupBox:
        c = self.controller
        box = QGroupBox("Run")
        form = QFormLayout(box)
        self.noise_spin = NumberSpinBox(0.0, 1e6, False)
        self.noise_spin.setSingleStep(0.1)
        self.noise_spin.setValue(c.noise)
        self.noise_spin.setToolTip(
            "σ of Gaussian noise added to every gradient (stochastic gradients); 0 = exact"
        )
        self.noise_spin.valueChanged.connect(c.set_noise)
        form.addRow("Gradient noise σ", self.noise_spin)
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(0, 0)
        self.batch_spin.valueChanged.connect(self._batch_edited)
        form.addRow("Batch size", self.batch_spin)
        self.controller.batchSizeChanged.connect(lambda *_: self.sync_batch())
        self.controller.landscapeChanged.connect(lambda *_: self.sync_batch())
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setValue(c.seed)
        self.seed_spin.setToolTip("Seed of the noise: the same seed replays the same noisy runs")
        self.seed_spin.valueChanged.connect(c.set_seed)
        form.addRow("Seed", self.seed_spin)
        speed_row = QHBoxLayout()
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(-100, 100)  # 10^(v/100): 0.1× … 10×
        self.speed_slider.setToolTip("Animation speed: 1× = 40 steps per second, from 0.1× to 10×")
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(44)
        self.fast_check = QCheckBox("max")
        self.fast_check.setToolTip("As fast as possible: step as much as the machine allows between frames")
        self.speed_slider.valueChanged.connect(self._speed_edited)
        self.fast_check.toggled.connect(self._speed_edited)
        speed_row.addWidget(self.speed_slider, 1)
        speed_row.addWidget(self.speed_label)
        speed_row.addWidget(self.fast_check)
        form.addRow("Speed", speed_row)
        self.max_steps_spin = QSpinBox()
        self.max_steps_spin.setRange(1, 10_000_000)
        self.max_steps_spin.setSingleStep(100)
        self.max_steps_spin.setValue(c.max_steps)
        self.max_steps_spin.setToolTip("Runs stop after this many steps")
        self.max_steps_spin.valueChanged.connect(c.set_max_steps)
        form.addRow("Max steps", self.max_steps_spin)
        self.reset_hint = QPushButton("Restart runs")
        self.reset_hint.setToolTip("Back to step 0 from the start points (R)")
        form.addRow(self.reset_hint)
        self.sync_run()
        return box

    def _batch_edited(self, value: int) -> None:
        n = samples_of(self.controller.landscape)
        try:
            self.controller.set_batch_size(None if value <= 0 or value >= n else value)
        except ValueError:  # a formula landscape: the box is disabled, nothing to do
            self.sync_batch()

    def sync_batch(self) -> None:
        """Range, text and tooltip of the batch size box for the current landscape."""
        c, spin = self.controller, self.batch_spin
        n = samples_of(c.landscape)
        spin.blockSignals(True)
        spin.setRange(0, n)
        spin.setSpecialValueText(f"whole data ({n})" if n else "— (formula)")
        spin.setValue(0 if c.batch_size in (None, n) else c.batch_size)
        spin.setEnabled(n > 0)
        spin.blockSignals(False)
        if n:
            spin.setToolTip(
                f"Samples per minibatch: each step every optimizer sees the mean gradient over this many of "
                f"the {n} samples, reshuffled each epoch like a shuffling data loader (seeded by Seed). "
                "'whole data': exact gradient descent on the loss drawn."
            )
        else:
            spin.setToolTip(
                f"Only for landscapes made of data (the '(data)' entries): "
                f"{c.landscape.name!r} is a formula, so there are no samples to draw minibatches from"
            )

    def _speed_edited(self, *_):
        fast = self.fast_check.isChecked()
        self.speed_slider.setEnabled(not fast)
        speed = 10 ** (self.speed_slider.value() / 100)
        self.speed_label.setText("max" if fast else f"{speed:.2g}×")
        self.controller.set_speed(0.0 if fast else speed)

    def sync_run(self) -> None:
        c = self.controller
        for w, v in (
            (self.noise_spin, c.noise), (self.seed_spin, c.seed), (self.max_steps_spin, c.max_steps),
            (self.fast_check, c.speed <= 0),
            (self.speed_slider, round(100 * math.log10(c.speed)) if c.speed > 0 else self.speed_slider.value()),
        ):  # fmt: skip
            w.blockSignals(True)
            w.setChecked(v) if isinstance(w, QCheckBox) else w.setValue(v)
            w.blockSignals(False)
        self.speed_slider.setEnabled(c.speed > 0)
        self.speed_label.setText("max" if c.speed <= 0 else f"{c.speed:.2g}×")
        self.sync_batch()
