"""File → Export animation… and File → Export image… dialogs.

The animation dialog offers the export's declared settings (:class:`~landscape_gui.core.scenario.model.ExportSettings`:
view, format, size with 720p/1080p/4K presets, frames per second, the clip's length as a duration or as steps
per frame, camera orbit, overlays): each field's range, choices, label and tooltip are its declaration's, so the
dialog accepts exactly what a scenario file and the command line do. An existing output is only replaced after
the user confirms; an export that fails says why in the window.

While exporting, a progress dialog with Cancel is shown. OpenGL can only draw on the GUI thread, so frames are
rendered one per turn of the event loop (a zero-delay QTimer): the window keeps repainting and Cancel answers
at once, while the frames are encoded on the writer's thread (and by the ffmpeg process for video). A cancelled
or failed export leaves no file behind.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from landscape_gui.core.scenario.declarations import Choice, Float, Int, Optional, Size, defaults, setting_of
from landscape_gui.core.scenario.model import ExportSettings, Scenario
from landscape_gui.export.writers import ExportCancelled, ExportError
from landscape_gui.gui.setting_widgets import tooltip

if TYPE_CHECKING:
    from landscape_gui.export.exporter import ExportJob

RESOLUTIONS = (("720p", (1280, 720)), ("1080p", (1920, 1080)), ("4K", (3840, 2160)))
#: Words for the declared choices (the choices themselves are the declaration's).
CHOICE_TEXT = {
    "mp4": "MP4 video (H.264)", "gif": "GIF (looping)", "webm": "WebM video (VP9)", "png": "PNG frames (folder)",
    "3d": "3D view", "map": "Map (2-D)", "composite": "3D view, map and loss curves",
}  # fmt: skip
OVERLAY_TEXT = (
    ("title", "Title"),
    ("legend", "Legend"),
    ("step", "Step counter"),
    ("loss", "Loss of each run"),
    ("caption", "Lesson caption (title and description)"),
    ("step_caption", "Step caption (the first run's update, with its numbers)"),
)


class _ResolutionRows:
    """A "Resolution" chooser (named sizes plus Custom) and the W × H spin boxes it fills, on a form."""

    def __init__(self, parent, form: QFormLayout, choices, size):
        declared = setting_of(ExportSettings, "size")
        assert isinstance(declared.kind, Size)  # as ExportSettings declares it
        self.combo = QComboBox(parent)
        self.combo.setToolTip(tooltip(declared))
        for text, s in choices:
            self.combo.addItem(f"{text} ({s[0]}×{s[1]})", s)
        self.combo.addItem("Custom", None)
        sizes = [tuple(s) for _, s in choices]
        self.combo.setCurrentIndex(sizes.index(tuple(size)) if tuple(size) in sizes else len(sizes))
        form.addRow(declared.label, self.combo)
        self.custom = QWidget(parent)
        lay = QHBoxLayout(self.custom)
        lay.setContentsMargins(0, 0, 0, 0)
        self.w, self.h = QSpinBox(self.custom), QSpinBox(self.custom)
        for box, v in ((self.w, size[0]), (self.h, size[1])):
            box.setRange(declared.kind.low, declared.kind.high)
            box.setToolTip(tooltip(declared))
            box.setValue(int(v))
            box.setSuffix(" px")
            lay.addWidget(box)
        form.addRow("Size", self.custom)
        self.combo.currentIndexChanged.connect(self._chosen)
        self._chosen()

    def _chosen(self) -> None:
        size = self.combo.currentData()
        if size is not None:
            self.w.setValue(size[0])
            self.h.setValue(size[1])
        self.custom.setEnabled(size is None)


def _confirm_overwrite(parent, path: Path) -> bool:
    if not path.exists():
        return True
    answer = QMessageBox.question(parent, "Replace?", f"{path.name} already exists. Replace it?")
    return answer == QMessageBox.StandardButton.Yes


def _message(e: BaseException) -> str:
    """One line saying why an export stopped."""
    if isinstance(e, ExportError):
        return str(e)
    if isinstance(e, OSError):
        return str(e.strerror or e)
    return f"{type(e).__name__}: {e}".splitlines()[0]


class ExportDialog(QDialog):
    """Export the scenario as an animation (see the module docstring); ``failed(message)`` when it cannot."""

    failed = Signal(str)
    exported = Signal(object)  # the path written

    def __init__(
        self, scenario: Scenario, parent=None, folder: Path | None = None, landscape=None, trained=None
    ):
        super().__init__(parent)
        self.setWindowTitle("Export animation")
        self.scenario = scenario
        #: ``trained(scenario)``: the window's trained network for it, if it has one (None: trained here)
        self.trained = trained
        self.landscape = landscape  # the scenario's landscape already built (a formula's takes a while)
        e = scenario.export
        form = QFormLayout(self)
        self.view = self._choice(form, "view", e.view)
        self.fmt = self._choice(form, "format", e.format)
        name = (scenario.title or "landscape").lower().replace(" ", "-")[:40] or "landscape"
        self.out = QLineEdit(str((folder or Path.home()) / name), self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        row = QWidget(self)
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.out)
        lay.addWidget(browse)
        form.addRow("Save to", row)
        self.resolution = rows = _ResolutionRows(self, form, RESOLUTIONS, e.size)  # kept: it owns the slot
        self.res, self.custom, self.w, self.h = rows.combo, rows.custom, rows.w, rows.h
        fps = setting_of(ExportSettings, "fps")
        assert isinstance(fps.kind, Int)  # the kinds as ExportSettings declares them
        self.fps = QSpinBox(self)
        self.fps.setRange(fps.kind.low, fps.kind.high)
        self.fps.setValue(e.fps)
        self.fps.setToolTip(tooltip(fps))
        form.addRow(fps.label, self.fps)
        self.steps = QSpinBox(self)
        self.steps.setRange(0, 1_000_000)
        self.steps.setValue(scenario.steps)
        form.addRow("Steps to simulate", self.steps)
        self.by_duration, self.by_steps = (
            QRadioButton("Duration", self),
            QRadioButton("Steps per frame", self),
        )
        group = QButtonGroup(self)
        group.addButton(self.by_duration)
        group.addButton(self.by_steps)
        duration = setting_of(ExportSettings, "duration")
        assert isinstance(duration.kind, Optional) and isinstance(duration.kind.kind, Float)
        self.duration = QDoubleSpinBox(self)
        self.duration.setRange(0.1, duration.kind.kind.high)
        self.duration.setSuffix(" s")
        self.duration.setValue(e.duration or defaults(ExportSettings)["duration"])
        self.duration.setToolTip(tooltip(duration))
        spf = setting_of(ExportSettings, "steps_per_frame")
        assert isinstance(spf.kind, Optional) and isinstance(spf.kind.kind, Int)
        self.spf = QSpinBox(self)
        self.spf.setRange(spf.kind.kind.low, spf.kind.kind.high)
        self.spf.setValue(e.steps_per_frame or 5)
        self.spf.setToolTip(tooltip(spf))
        (self.by_steps if e.steps_per_frame else self.by_duration).setChecked(True)
        for radio, spin in ((self.by_duration, self.duration), (self.by_steps, self.spf)):
            r = QWidget(self)
            lay = QHBoxLayout(r)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(radio)
            lay.addWidget(spin)
            form.addRow("" if radio is self.by_steps else "Length", r)
        orbit = setting_of(ExportSettings, "orbit")
        assert isinstance(orbit.kind, Float)
        self.orbit = QDoubleSpinBox(self)
        self.orbit.setRange(orbit.kind.low, orbit.kind.high)
        self.orbit.setSuffix("°")
        self.orbit.setValue(e.orbit)
        self.orbit.setToolTip(tooltip(orbit))
        form.addRow(orbit.label, self.orbit)
        self.overlays: dict[str, QCheckBox] = {}
        for key, text in OVERLAY_TEXT:
            box = QCheckBox(text, self)
            box.setChecked(key in e.overlays)
            self.overlays[key] = box
            box.setToolTip(setting_of(ExportSettings, "overlays").help)
            form.addRow("" if key != "title" else setting_of(ExportSettings, "overlays").label, box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.job: ExportJob | None = None

    def _choice(self, form: QFormLayout, name: str, value: str) -> QComboBox:
        """A chooser of a declared setting's choices, with its label and tooltip."""
        declared = setting_of(ExportSettings, name)
        assert isinstance(declared.kind, Choice)  # the choosers are of Choice settings
        combo = QComboBox(self)
        for key in declared.kind.choices:
            combo.addItem(CHOICE_TEXT.get(key, key), key)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        combo.setToolTip(tooltip(declared))
        form.addRow(declared.label, combo)
        return combo

    def _browse(self) -> None:
        key = self.fmt.currentData()
        if key == "png":
            path = QFileDialog.getExistingDirectory(self, "Folder for the PNG frames", self.out.text())
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export animation", self.out.text(), f"*.{key}")
        if path:
            self.out.setText(path)

    def output_path(self) -> Path:
        key = self.fmt.currentData()
        p = Path(self.out.text()).expanduser()
        if key != "png" and p.suffix.lower() != f".{key}":
            p = p.with_suffix(f".{key}")
        if key == "png" and p.suffix:
            p = p.with_suffix("")
        return p

    def settings(self) -> dict:
        return {
            "size": (self.w.value(), self.h.value()),
            "fps": self.fps.value(),
            "duration": self.duration.value() if self.by_duration.isChecked() else None,
            "steps_per_frame": self.spf.value() if self.by_steps.isChecked() else None,
            "orbit": self.orbit.value(),
            "overlays": tuple(k for k, box in self.overlays.items() if box.isChecked()),
            "view": self.view.currentData(),
        }

    def start(self) -> None:
        """Check, confirm an overwrite, then render frame by frame under a progress dialog."""
        from landscape_gui.export.exporter import ExportJob

        out = self.output_path()
        if not _confirm_overwrite(self, out):
            return
        scenario = replace(self.scenario, steps=self.steps.value())
        try:
            trained = self.trained(scenario) if self.trained is not None else None
            if scenario.training is not None and trained is None and self.trained is not None:
                # training here would freeze the window for tens of seconds: the dock trains in a child
                raise ValueError(
                    "the trained network for these settings is not ready: export once its dock shows the "
                    "finished training (with the same steps), or use landscape-gui export"
                )
            self.job = ExportJob(
                scenario,
                out,
                force=out.exists(),
                landscape=self.landscape,
                trained=trained,
                **self.settings(),
            )
        except Exception as e:  # noqa: BLE001 - whatever stops it, said in the window
            self.failed.emit(_message(e))
            QMessageBox.warning(self, "Cannot export", _message(e))
            return
        self.progress = QProgressDialog(f"Exporting {out.name}…", "Cancel", 0, self.job.total, self)
        self.progress.setWindowTitle("Export animation")
        self.progress.setMinimumDuration(0)
        self.progress.canceled.connect(self._cancel)
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        if self.progress.wasCanceled():
            self._cancel()
            return
        try:
            assert self.job is not None  # the timer runs while there is a job
            more = self.job.step()
            self.progress.setValue(self.job.done)
            if not more:
                self.timer.stop()
                # Done: closing the progress dialog emits canceled(), which is no cancel any more
                self.progress.canceled.disconnect(self._cancel)
                job, self.job = self.job, None
                path = job.finish()
                self.progress.close()
                self.exported.emit(path)
                QMessageBox.information(self, "Exported", f"Wrote {path}")
                self.accept()
        except Exception as e:  # noqa: BLE001 - whatever stops it, said in the window
            self._fail(_message(e))

    def _cancel(self) -> None:
        if self.job is not None:
            self.timer.stop()
            self.job.abort()
            self.job = None
            QMessageBox.information(self, "Export cancelled", str(ExportCancelled("nothing was written")))

    def _fail(self, message: str) -> None:
        self.failed.emit(message)
        self.timer.stop()
        if self.job is not None:
            self.job.abort()
            self.job = None
        self.progress.close()
        QMessageBox.warning(self, "Export failed", message)

    def reject(self) -> None:
        if self.job is not None:
            self._cancel()
        super().reject()


class ImageDialog(QDialog):
    """A PNG of the current view (camera, settings, runs at the current step) at any size."""

    def __init__(self, scenario: Scenario, parent=None, step: int | None = None, view_size=None):
        super().__init__(parent)
        self.setWindowTitle("Export image")
        self.scenario, self.step = scenario, step
        form = QFormLayout(self)
        size = (view_size.width(), view_size.height()) if view_size is not None else (1920, 1080)
        self.resolution = rows = _ResolutionRows(self, form, (("Window size", size), *RESOLUTIONS), size)
        self.res, self.custom, self.w, self.h = rows.combo, rows.custom, rows.w, rows.h
        self.out = QLineEdit(str(Path.home() / "landscape.png"), self)
        form.addRow("Save to", self.out)
        self.overlays = QCheckBox("Title, legend and step counter", self)
        form.addRow("", self.overlays)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        from landscape_gui.export.exporter import export_image

        out = Path(self.out.text()).expanduser()
        if out.suffix.lower() != ".png":
            out = out.with_suffix(".png")
        if not _confirm_overwrite(self, out):
            return
        overlays = ("title", "legend", "step", "loss") if self.overlays.isChecked() else ()
        try:
            export_image(self.scenario, out, (self.w.value(), self.h.value()), step=self.step, force=True,
                         overlays=overlays)  # fmt: skip
        except Exception as e:  # noqa: BLE001 - whatever stops it, said in the window
            QMessageBox.warning(self, "Cannot export", _message(e))
            return
        self.accept()
