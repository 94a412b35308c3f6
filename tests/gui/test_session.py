"""First run, later runs and the reset: the first start opens the local-vs-global preset with a hint, the
next restores the session, Help → Reset goes back; a bad scenario from the command line is reported on the
window, not in a dialog."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from landscape_gui.gui.app import open_on_window
from landscape_gui.gui.settings import FIRST_RUN_HINT, FIRST_RUN_PRESET, SESSION, open_settings


@pytest.fixture
def make_window(qtbot, tmp_path, monkeypatch):
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"a dialog popped up: {a[1:]}"))
    windows = []

    def make(show: bool = True):
        from landscape_gui.gui.main_window import MainWindow

        win = MainWindow()
        qtbot.addWidget(win)
        windows.append(win)
        if show:
            win.show()
            qtbot.waitExposed(win)
        qtbot.waitUntil(lambda: win.frame is not None, timeout=20000)
        return win

    yield make
    for win in windows:
        if win.worker.thread.isRunning():
            win.close()
        assert win.worker.thread.wait(5000)


def landscape_of(win) -> str:
    return win.session.scenario.landscape.function


def test_first_run_opens_the_lecture_point_with_a_hint_and_the_next_run_restores(make_window, tmp_path):
    assert FIRST_RUN_PRESET == "local-vs-global"
    win = make_window()
    assert landscape_of(win) == "seed_curve"  # the preset's landscape: local vs global minimum
    assert [o.id for o in win.session.optimizers] == ["gd"]
    assert win.banner.isVisible() and win.banner.text() == FIRST_RUN_HINT
    win.session.set_landscape("himmelblau")
    win.close()
    assert open_settings().fileName().startswith(str(tmp_path))
    again = make_window()
    assert landscape_of(again) == "himmelblau"
    assert not again.banner.isVisible()


def test_reset_returns_to_the_first_run_state(make_window):
    win = make_window()
    win.session.set_landscape("rosenbrock")
    win.close()
    win = make_window()
    assert landscape_of(win) == "rosenbrock"
    assert win.acts.get("reset_settings") is not None and win.acts["reset_settings"].text().startswith("&")
    assert win.reset_to_first_run(confirm=False)
    assert not open_settings().contains(SESSION)
    assert landscape_of(win) == "seed_curve" and win.banner.text() == FIRST_RUN_HINT


def test_a_missing_scenario_from_the_command_line_is_reported_on_the_window(
    make_window, tmp_path, qtbot, monkeypatch
):
    def launched_with(path):
        """A window as `landscape-gui PATH` makes it: the file is opened before the window shows."""
        win = make_window(show=False)
        before = win.session.scenario
        assert not open_on_window(win, str(path))
        assert win.session.scenario == before
        win.show()
        qtbot.waitExposed(win)
        assert win.banner.isVisible() and win.banner.kind == "error"
        assert path.name in win.statusBar().currentMessage()
        return win

    win = launched_with(tmp_path / "lecture.toml")
    assert "lecture.toml: cannot read" in win.banner.text()
    broken = tmp_path / "broken.toml"
    broken.write_text('version = 1\n[landscape]\nfunction = "nope"\n')
    win = launched_with(broken)
    assert "broken.toml" in win.banner.text() and "nope" in win.banner.text()
    # once the window is up, the menus report in dialogs again
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    before = win.session.scenario
    assert not win.files.open_path(str(broken))
    assert len(shown) == 1 and "broken.toml" in shown[0] and "nope" in shown[0]
    assert win.session.scenario == before


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
    assert win.session.scenario.landscape.function == preset.landscape.function
    assert win.windowTitle() == f"Landscape GUI — {preset.title}"
    assert win.files.path is None  # Save asks where: the preset's own file is never overwritten
