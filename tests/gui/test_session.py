"""First run, later runs and the reset: the first start opens the local-vs-global preset with a hint, the
next restores the session, Help → Reset goes back; a bad scenario from the command line is reported on the
window, not in a dialog."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from landscape_gui.gui import session
from landscape_gui.gui.app import open_on_window
from landscape_gui.gui.settings import FIRST_RUN_HINT, FIRST_RUN_PRESET, open_settings


@pytest.fixture
def make_window(qtbot, tmp_path, monkeypatch):
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"a dialog popped up: {a[1:]}"))
    windows = []

    def make():
        from landscape_gui.gui.main_window import MainWindow

        win = MainWindow()
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        qtbot.waitUntil(lambda: win.frame is not None, timeout=20000)
        windows.append(win)
        return win

    yield make
    for win in windows:
        if win.worker.thread.isRunning():
            win.close()
        assert win.worker.thread.wait(5000)


def test_first_run_opens_the_lecture_point_with_a_hint_and_the_next_run_restores(make_window, tmp_path):
    assert FIRST_RUN_PRESET == "local-vs-global"
    win = make_window()
    assert win.controller.landscape_id == "seed_curve"  # the preset's landscape: local vs global minimum
    assert [o for o, _ in win.controller.optimizers] == ["gd"]
    assert win.banner.isVisible() and win.banner.text() == FIRST_RUN_HINT
    win.controller.set_landscape("himmelblau")
    win.close()
    assert open_settings().fileName().startswith(str(tmp_path))
    again = make_window()
    assert again.controller.landscape_id == "himmelblau"
    assert not again.banner.isVisible()


def test_reset_returns_to_the_first_run_state(make_window):
    win = make_window()
    win.controller.set_landscape("rosenbrock")
    win.close()
    win = make_window()
    assert win.controller.landscape_id == "rosenbrock"
    assert "reset_settings" in win.actions and win.actions["reset_settings"].text().startswith("&")
    assert session.reset_to_first_run(win, confirm=False)
    assert not open_settings().contains("controller")
    assert win.controller.landscape_id == "seed_curve" and win.banner.text() == FIRST_RUN_HINT


def test_a_missing_scenario_from_the_command_line_is_reported_on_the_window(make_window, tmp_path):
    win = make_window()
    before = win.controller.state()
    assert not open_on_window(win, str(tmp_path / "lecture.toml"))
    assert win.banner.isVisible() and win.banner.kind == "error"
    assert "lecture.toml: cannot read" in win.banner.text()
    assert "lecture.toml" in win.statusBar().currentMessage()
    assert win.controller.state() == before
    broken = tmp_path / "broken.toml"
    broken.write_text('version = 1\n[landscape]\nfunction = "nope"\n')
    assert not open_on_window(win, str(broken))
    assert "broken.toml" in win.banner.text() and "nope" in win.banner.text()
    assert win.scenario_actions.report is None  # menus report in dialogs again


def test_a_preset_id_from_the_command_line_opens_the_window_on_that_preset(make_window, monkeypatch):
    from landscape_gui import cli
    from landscape_gui.core.scenario.presets import load_preset

    seen = []
    monkeypatch.setattr(cli, "cmd_gui", lambda source, preset=False: seen.append((source, preset)) or 0)
    assert cli.main(["sgd-noise"]) == 0 and cli.main(["lecture.toml"]) == 0
    assert seen == [("sgd-noise", True), ("lecture.toml", False)]  # a preset id, as export and trace take

    win = make_window()
    assert open_on_window(win, "sgd-noise", preset=True)
    preset = load_preset("sgd-noise")
    assert win.controller.landscape_id == preset.landscape.function
    assert win.windowTitle() == f"Landscape GUI — {preset.title}"
    assert win.scenario_actions.path is None  # Save asks where: the preset's own file is never overwritten
