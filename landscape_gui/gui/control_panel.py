"""The control panel dock: landscape (built-in, formula, domain), optimizers, start points and run settings.

Every field edits the session (:class:`~landscape_gui.gui.session_model.SessionModel`) and follows it: a
scenario opened, a preset, an edit elsewhere all show here. The run settings' editors are generated from the
scenario's declarations (:mod:`~landscape_gui.gui.setting_widgets`); a typed formula is checked in the background
by the core's killable formula worker, through a :class:`~landscape_gui.gui.jobs.Job`.
"""

from __future__ import annotations

import math
from dataclasses import replace

from PySide6.QtCore import QSize, Qt
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

from landscape_gui.core.data.mlp_slice import MLP_SLICE_IDS
from landscape_gui.core.landscapes.defined import undefined_note
from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, describe
from landscape_gui.core.scenario.declarations import setting_of
from landscape_gui.core.scenario.model import Scenario, TrainingSettings, ViewSettings
from landscape_gui.gui.hyperparameters import NumberSpinBox
from landscape_gui.gui.jobs import Debounce, Job
from landscape_gui.gui.optimizer_panel import OptimizerPanel
from landscape_gui.gui.session_model import SessionModel
from landscape_gui.gui.setting_widgets import SettingEditor, tooltip
from landscape_gui.gui.starts_panel import StartsPanel

FORMULA_DEBOUNCE_MS = 250
CUSTOM = "__formula__"
#: The chooser's entry for the trained network: the network of mlp_slice trained in all its parameters by the
#: session's optimizers ([training], drawn in its own dock: gui/training_view.py); the main view keeps the slice.
TRAINED = "__trained_network__"
TRAINED_NAME = "Trained network (PCA plane)"
TRAINED_TIP = (
    "The session's optimizers train the whole 2–16–16–2 network (354 parameters) from one θ₀; its dock draws "
    "their paths on the plane of their first two principal components, with the loss on that plane. The main "
    "view shows mlp_slice, a fixed 2-D slice of the same network's loss."
)
#: The settings the Run box shows, in order, and the part of the scenario each belongs to (each declared once in
#: the core: its editor, label, range and tooltip come from the declaration).
RUN_SETTINGS = (("noise", Scenario), ("seed", Scenario), ("steps", Scenario), ("trail_steps", ViewSettings))
#: Their keys in the session's change signals ("steps", "view.trail_steps").
RUN_KEYS = {f"view.{name}" if owner is ViewSettings else name for name, owner in RUN_SETTINGS}


def _check_formula(text: str, *, cancelled, progress):
    """The landscape of a typed formula, or the reason it is refused (the core's 3 s deadline applies)."""
    from landscape_gui.core.landscapes.formula_worker import build_formula

    try:
        return build_formula(text)
    except Exception as e:  # noqa: BLE001 - any failure is shown as a message, never a crash
        return e


class ControlPanel(QScrollArea):
    def __init__(self, session: SessionModel, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.addWidget(self._landscape_box())
        # optimizers before the start points: the landscape, the optimizers and the selected one's
        # hyperparameters must fit a 1280×720 screen without scrolling
        opts = QGroupBox("Optimizers")
        self.optimizer_panel = OptimizerPanel(session)
        QVBoxLayout(opts).addWidget(self.optimizer_panel)
        layout.addWidget(opts)
        starts = QGroupBox("Start points")
        self.starts_panel = StartsPanel(session)
        QVBoxLayout(starts).addWidget(self.starts_panel)
        layout.addWidget(starts)
        layout.addWidget(self._run_box())
        layout.addStretch(1)
        for combo in body.findChildren(QComboBox):  # a long entry elides in the list, never widens the panel
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.formula_job = Job("formula", self)
        self.formula_job.finished.connect(self._formula_checked)
        self._debounce = Debounce(FORMULA_DEBOUNCE_MS, self._check_formula, self)
        self._checked_text = ""
        session.changed.connect(self._session_changed)
        self.sync_landscape()
        self.sync_run()

    def minimumSizeHint(self) -> QSize:
        """Never narrower than its controls and the scroll bar: the panel scrolls down, never sideways, and no
        control is cut at its right edge (the landscape chooser was, at 1366×768)."""
        hint = super().minimumSizeHint()
        inner = self.widget()
        assert inner is not None  # the controls, set in __init__
        width = inner.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), width + 2 * self.frameWidth()), hint.height())

    def _session_changed(self, what) -> None:
        if "landscape" in what or "training" in what:
            self.sync_landscape()
        if what & ({"landscape", "batch_size", "view.speed", "view.fast"} | RUN_KEYS):
            self.sync_run()

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
        self.landscape_combo.addItem(TRAINED_NAME, TRAINED)
        self.landscape_combo.setItemData(
            self.landscape_combo.count() - 1, TRAINED_TIP, Qt.ItemDataRole.ToolTipRole
        )
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
        self.formula_edit.textEdited.connect(lambda _: self._debounce())
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
        self.domain_to: list[QLabel] = []
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
            to = QLabel("to")
            grid.addWidget(to, row, 2)
            self.domain_spins.append(pair)
            self.domain_to.append(to)
        form.addLayout(grid)
        self.domain_message = QLabel()
        self.domain_message.setObjectName("error")
        self.domain_message.setWordWrap(True)
        self.domain_message.hide()
        form.addWidget(self.domain_message)
        return box

    def sync_landscape(self) -> None:
        s, L = self.session.scenario, self.session.landscape
        key = TRAINED if s.training is not None else s.landscape.function if s.landscape.function else CUSTOM
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
            label.setVisible(row < L.dim)  # a 1-D landscape has no y range
            self.domain_to[row].setVisible(row < L.dim)
        # the formula field shows the formula in use, and is empty under a built-in landscape
        formula = s.landscape.expr or ""
        if self.formula_edit.text() != formula and not self.formula_edit.hasFocus():
            self.formula_edit.setText(formula)
        if not s.landscape.expr:
            self._say("")
        for row, pair in enumerate(self.domain_spins):
            shown = row < L.dim
            for k, spin in enumerate(pair):
                spin.blockSignals(True)
                spin.setVisible(shown)
                if shown:
                    spin.setValue(L.domain[row][k])
                spin.blockSignals(False)
        self.domain_message.hide()

    def _say(self, text: str, kind: str = "hint") -> None:
        """The formula box's message (hidden when empty, so it takes no room)."""
        self.formula_message.setObjectName(kind)
        self.formula_message.setText(text)
        self.formula_message.setVisible(bool(text))
        self.formula_message.style().unpolish(self.formula_message)
        self.formula_message.style().polish(self.formula_message)

    def _combo_chosen(self, index: int) -> None:
        key = self.landscape_combo.itemData(index)
        if key == CUSTOM:
            self.formula_edit.setFocus()
            if self.formula_edit.text():
                self._check_formula()
            return
        self._say("")
        self.formula_job.cancel()
        s = self.session.scenario
        if key == TRAINED:
            if s.training is None:
                if s.landscape.function not in MLP_SLICE_IDS:
                    self.session.set_landscape("mlp_slice")  # the slice of the same network, in the main view
                self.session.replace(replace(self.session.scenario, training=TrainingSettings()))
            return
        if s.training is not None:  # another landscape: no trained network
            self.session.replace(replace(s, training=None))
        if key != self.session.scenario.landscape.function:
            self.session.set_landscape(key)

    def _check_formula(self) -> None:
        text = self.formula_edit.text().strip()
        if not text:
            self.formula_job.cancel()
            self._say("")
            return
        self._say("checking…")
        self._checked_text = text
        self.formula_job.request(_check_formula, text)

    def _formula_checked(self, result) -> None:
        text = self._checked_text
        if isinstance(result, Exception):
            self._say(f"✗ {result} — the landscape is unchanged", "error")
            return
        self._say(f"✓ {result.dim}-D formula in use", "ok")
        self.session.set_landscape(result, formula=text)
        self.landscape_combo.setCurrentIndex(self.landscape_combo.findData(CUSTOM))

    def _domain_edited(self) -> None:
        L = self.session.landscape
        dom = [(p[0].value(), p[1].value()) for p in self.domain_spins[: L.dim]]
        if tuple(dom) == tuple(L.domain):
            return
        try:
            self.session.set_domain(dom)
            self.domain_message.hide()
        except ValueError as e:
            self.domain_message.setText(f"Domain unchanged: {e}")
            self.domain_message.show()

    # -- run settings -------------------------------------------------------------------------------------
    def _run_box(self) -> QGroupBox:
        box = QGroupBox("Run")
        form = QFormLayout(box)
        self.run_editors: dict[str, SettingEditor] = {}
        for name, part in RUN_SETTINGS:
            setting = setting_of(part, name)
            editor = SettingEditor(setting, self._value(name, part))
            editor.edited.connect(lambda v, n=name, k=part: self._set(n, v, k))
            self.run_editors[name] = editor
            form.addRow(setting.label, editor)
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(0, 0)
        self.batch_spin.setKeyboardTracking(False)
        self.batch_spin.valueChanged.connect(self._batch_edited)
        form.insertRow(1, "Batch size", self.batch_spin)
        speed, fast = setting_of(ViewSettings, "speed"), setting_of(ViewSettings, "fast")
        speed_row = QHBoxLayout()
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(-100, 100)  # 10^(v/100): 0.1× … 10×
        self.speed_slider.setToolTip(tooltip(speed))
        self.speed_slider.setAccessibleName(speed.label)
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(44)
        self.fast_check = QCheckBox(fast.label)
        self.fast_check.setToolTip(fast.help)
        self.speed_slider.valueChanged.connect(self._speed_edited)
        self.fast_check.toggled.connect(self._speed_edited)
        speed_row.addWidget(self.speed_slider, 1)
        speed_row.addWidget(self.speed_label)
        speed_row.addWidget(self.fast_check)
        form.addRow(speed.label, speed_row)
        self.reset_button = QPushButton("Restart runs")
        self.reset_button.setToolTip("Back to step 0 from the start points (R)")
        form.addRow(self.reset_button)
        self.run_message = QLabel()
        self.run_message.setObjectName("error")
        self.run_message.setWordWrap(True)
        self.run_message.hide()
        form.addRow(self.run_message)
        return box

    def _value(self, name: str, part):
        s = self.session.scenario
        return getattr(s.view if part is ViewSettings else s, name)

    def _set(self, name: str, value, part=Scenario) -> None:
        try:
            (self.session.set_view if part is ViewSettings else self.session.set)(**{name: value})
            self.run_message.hide()
        except ValueError as e:
            self.run_message.setText(str(e))
            self.run_message.show()
            self.sync_run()

    def _batch_edited(self, value: int) -> None:
        self._set("batch_size", None if value <= 0 else value)

    def _speed_edited(self, *_) -> None:
        fast = self.fast_check.isChecked()
        self.speed_slider.setEnabled(not fast)
        speed = float(f"{10 ** (self.speed_slider.value() / 100):.3g}")
        self.speed_label.setText("max" if fast else f"{speed:.2g}×")
        self.session.set_view(speed=speed, fast=fast)

    def sync_run(self) -> None:
        """The run settings' fields show the session's values."""
        s = self.session.scenario
        for name, part in RUN_SETTINGS:
            self.run_editors[name].set_value(self._value(name, part))
        view = s.view
        for w, v in ((self.fast_check, view.fast), (self.speed_slider, round(100 * math.log10(view.speed)))):
            w.blockSignals(True)
            w.setChecked(bool(v)) if isinstance(w, QCheckBox) else w.setValue(v)
            w.blockSignals(False)
        self.speed_slider.setEnabled(not view.fast)
        self.speed_label.setText("max" if view.fast else f"{view.speed:.2g}×")
        self._sync_batch()

    def _sync_batch(self) -> None:
        """Range, text and tooltip of the batch size box for the current landscape."""
        s, spin = self.session.scenario, self.batch_spin
        n = int(getattr(self.session.landscape, "n_samples", 0) or 0)
        spin.blockSignals(True)
        spin.setRange(0, n)
        spin.setSpecialValueText(f"whole data ({n})" if n else "— (formula)")
        spin.setValue(0 if s.batch_size in (None, n) else s.batch_size)
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
                f"{self.session.landscape.name!r} is a formula, so there are no samples to draw minibatches from"
            )
