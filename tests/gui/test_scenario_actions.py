"""File → Open/Save/Recent, Lecture presets, drag-and-drop and the export dialog, in the real main window."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from landscape_gui import resources_dir
from landscape_gui.core.scenario.files import COLORMAPS, load_scenario
from landscape_gui.core.scenario.presets import LECTURE_ORDER, load_preset
from landscape_gui.gui.settings import open_settings


@pytest.fixture
def actions(window, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    files = window.files  # built by the main window itself
    files.warnings = warnings
    if files.settings is None:  # a window made without settings: recent files go to this test's own folder
        files.settings = open_settings()
    return files


def test_every_scenario_colormap_is_known_to_pyqtgraph():
    for name in COLORMAPS:
        assert pg.colormap.get(name) is not None


def test_menus_list_the_presets_and_file_actions(window, actions, qtbot, tmp_path):
    from landscape_gui.gui.app import open_on_window

    titles = {a.text().replace("&", "") for a in window.menuBar().actions()}
    assert "Lecture presets" in titles
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    for key in ("open", "save", "save_as", "export_anim", "export_image"):
        assert window.acts[key] in file_menu.actions()
    # the command line's scenario goes in through the same File → Open (its path, its recent entry)
    from landscape_gui.core.scenario.presets import preset_path

    path = preset_path("double-well")
    assert open_on_window(window, str(path))
    assert actions.path == path and actions.recent()[0] == str(path)
    # the presets are read when the menu first opens, as a user opens it
    assert not actions.presets_menu.actions()
    actions.presets_menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitUntil(lambda: len(actions.presets_menu.actions()) == len(LECTURE_ORDER), timeout=10000)
    actions.presets_menu.hide()
    shown = list(actions.presets_menu.actions())
    actions.fill_presets_menu()  # a second opening adds nothing
    assert actions.presets_menu.actions() == shown
    assert [a.statusTip() for a in shown] == [f"Open the lecture preset '{p}'" for p in LECTURE_ORDER]
    assert all(a.text() and a.text() != p for a, p in zip(shown, LECTURE_ORDER, strict=True))
    shown[LECTURE_ORDER.index("saddle-escape")].trigger()  # each entry opens its preset
    assert window.session.scenario.title == load_preset("saddle-escape").title


def test_preset_then_save_then_open_round_trips(window, actions, tmp_path):
    assert actions.open_preset("rosenbrock-race")
    c = window.session
    assert c.landscape.id == "rosenbrock" and [o.id for o in c.optimizers] == [
        "gd", "momentum", "nesterov", "rmsprop", "adam"
    ]  # fmt: skip
    preset = load_preset("rosenbrock-race")
    assert window.scene3d.camera()["elevation"] == pytest.approx(
        preset.view.camera.elevation
    )  # the preset's camera
    path = tmp_path / "race.toml"
    assert actions.save_to(path)
    saved = load_scenario(path)
    assert saved.title == preset.title and saved.starts == preset.starts and saved.steps == preset.steps
    assert [o.params["lr"] for o in saved.optimizers] == [o.params["lr"] for o in preset.optimizers]
    assert [o.label for o in saved.optimizers] == [o.label for o in preset.optimizers]
    actions.open_preset("double-well")
    assert window.session.landscape.id == "double_well"
    assert actions.open_path(path)
    assert window.session.landscape.id == "rosenbrock"
    assert actions.recent()[0] == str(path.resolve())


def test_bad_file_changes_nothing(window, actions, tmp_path):
    before, landscape = window.session.scenario, window.session.landscape
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[landscape]\nfunction = "booth"\n[[optimizers]]\nid = "adamm"\n[run]\nstarts = [[0, 0]]\n'
    )
    assert not actions.open_path(bad)
    assert actions.warnings and 'unknown optimizer "adamm"' in actions.warnings[-1]
    assert "\n" not in actions.warnings[-1]
    assert window.session.scenario == before and window.session.landscape is landscape


def test_failed_save_keeps_the_old_file(window, actions, tmp_path):
    target = tmp_path / "missing-folder" / "x.toml"
    assert not actions.save_to(target)
    assert actions.warnings and "cannot save x.toml" in actions.warnings[-1]


def test_dropping_a_toml_opens_it(window, actions, tmp_path):
    path = resources_dir() / "presets" / "saddle-escape.toml"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    assert actions.eventFilter(window, event)
    assert window.session.landscape.id == "saddle"


def test_export_dialog_exports_a_gif_with_progress(window, actions, tmp_path, qtbot, monkeypatch):
    from landscape_gui.gui.export_dialog import ExportDialog

    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, title, text: said.append((title, text)))
    actions.open_preset("double-well")
    dlg = ExportDialog(window.current_scenario(), window, folder=tmp_path)
    qtbot.addWidget(dlg)
    dlg.fmt.setCurrentIndex(dlg.fmt.findData("gif"))
    dlg.res.setCurrentIndex(dlg.res.count() - 1)  # custom
    dlg.w.setValue(200)
    dlg.h.setValue(120)
    dlg.fps.setValue(5)
    dlg.duration.setValue(1.0)
    dlg.out.setText(str(tmp_path / "clip"))
    dlg.start()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=30000)
    import imageio.v3 as iio

    assert not actions.warnings, actions.warnings
    frames = iio.imread(tmp_path / "clip.gif", index=None)
    assert frames.shape[:3] == (5, 120, 200)
    assert not np.array_equal(frames[0], frames[-1])
    # a successful export says so, and only that: no "Export cancelled" before it
    assert said == [("Exported", f"Wrote {tmp_path / 'clip.gif'}")]


def test_export_dialog_exports_the_chosen_view(window, actions, tmp_path, qtbot, monkeypatch):
    from dataclasses import replace

    from PIL import Image

    from landscape_gui.export.exporter import export_scenario
    from landscape_gui.gui.export_dialog import ExportDialog

    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    actions.open_preset("double-well")
    dlg = ExportDialog(window.current_scenario(), window, folder=tmp_path)
    qtbot.addWidget(dlg)
    assert dlg.view.currentData() == "3d"  # the scenario's view, 3d by default
    dlg.view.setCurrentIndex(dlg.view.findData("map"))
    dlg.fmt.setCurrentIndex(dlg.fmt.findData("png"))
    dlg.res.setCurrentIndex(dlg.res.count() - 1)  # custom
    dlg.w.setValue(200)
    dlg.h.setValue(120)
    dlg.fps.setValue(5)
    dlg.duration.setValue(0.4)
    dlg.out.setText(str(tmp_path / "frames"))
    dlg.start()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=30000)
    scenario = replace(dlg.scenario, steps=dlg.steps.value())
    ref = export_scenario(scenario, tmp_path / "ref", size=(200, 120), fps=5, duration=0.4, view="map")
    names = sorted(p.name for p in ref.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "frames").iterdir()) and len(names) == 2
    for n in names:
        assert np.array_equal(
            np.asarray(Image.open(ref / n)), np.asarray(Image.open(tmp_path / "frames" / n))
        )


def test_export_dialog_cancel_leaves_nothing(window, actions, tmp_path, qtbot, monkeypatch):
    from landscape_gui.gui.export_dialog import ExportDialog

    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, title, text: said.append(title))
    dlg = ExportDialog(window.current_scenario(), window, folder=tmp_path)
    qtbot.addWidget(dlg)
    dlg.res.setCurrentIndex(dlg.res.count() - 1)
    dlg.w.setValue(160)
    dlg.h.setValue(96)
    dlg.duration.setValue(20)
    dlg.out.setText(str(tmp_path / "long.mp4"))
    dlg.start()
    qtbot.waitUntil(lambda: dlg.job is not None and dlg.job.done >= 3, timeout=30000)
    dlg.progress.cancel()  # as the Cancel button: the next tick sees it
    qtbot.waitUntil(lambda: dlg.job is None, timeout=5000)
    assert list(tmp_path.iterdir()) == []
    assert said == ["Export cancelled"]


def test_export_image_dialog_sizes_and_saves_a_png(window, actions, tmp_path):
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage

    from landscape_gui.gui.export_dialog import ImageDialog

    dlg = ImageDialog(window.current_scenario(), window, step=20, view_size=QSize(640, 400))
    assert (dlg.w.value(), dlg.h.value()) == (640, 400) and not dlg.custom.isEnabled()  # window size first
    dlg.res.setCurrentIndex(1)  # 720p
    assert (dlg.w.value(), dlg.h.value()) == (1280, 720) and not dlg.custom.isEnabled()
    dlg.res.setCurrentIndex(dlg.res.count() - 1)  # Custom
    assert dlg.custom.isEnabled()
    dlg.w.setValue(400)
    dlg.h.setValue(300)
    dlg.out.setText(str(tmp_path / "view"))  # the .png suffix is added
    dlg.save()
    img = QImage(str(tmp_path / "view.png"))
    assert (img.width(), img.height()) == (400, 300)


def test_export_dialog_resolution_presets_fill_the_size(window, actions, tmp_path):
    import gc

    from landscape_gui.gui.export_dialog import ExportDialog

    dlg = ExportDialog(window.current_scenario(), window, folder=tmp_path)
    gc.collect()  # the chooser must survive its constructor
    dlg.res.setCurrentIndex(2)  # 4K
    assert (dlg.w.value(), dlg.h.value()) == (3840, 2160) and not dlg.custom.isEnabled()


def test_random_restarts_preset_highlights_the_best_run(window, actions, qtbot):
    assert actions.open_preset("random-restarts")
    assert window.session.scenario.highlight_best and window.acts["highlight_best"].isChecked()
    window.play()
    qtbot.waitUntil(
        lambda: window.frame is not None and window.frame.snapshot.steps.min() >= 10, timeout=30000
    )
    window.pause()
    # the frame the worker publishes as it pauses is drawn, panels included (they refresh on every paused frame)
    qtbot.waitUntil(lambda: not window.frame.snapshot.playing, timeout=10000)
    frame = window.frame
    best = int(np.argmin(frame.snapshot.values))
    assert frame.best == best
    table = window.table
    marked = [
        r for r in range(table.rowCount()) if table.item(r, table.columnCount() - 1).text().startswith("★")
    ]
    assert marked == [best]
    sizes = np.atleast_1d(window.scene3d.ball_item.size)
    assert sizes[best] > sizes[(best + 1) % len(sizes)]
    window.acts["highlight_best"].trigger()  # switched off from the View menu: the frame is drawn again
    assert not window.session.scenario.highlight_best and window.frame.best is None
    assert not any(
        table.item(r, table.columnCount() - 1).text().startswith("★") for r in range(table.rowCount())
    )
