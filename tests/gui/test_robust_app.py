"""The window under hostile input, signals and a vanishing display (issue 12, items 1, 3, 9, 11).

Where a start-up, a signal or a crash is the point, the real app runs in a child process (:mod:`real_app`);
the rest drives a window in this process.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_app import app_env, finish, launch, saved_session, start_xvfb, wait_ready

#: A saved session (the scenario document the window saves) whose domain reaches 1e154.
HUGE = """[landscape]
function = "booth"
domain = [[-1e154, 1e154], [-1e154, 1e154]]

[[optimizers]]
id = "gd"
lr = 0.01

[run]
starts = [[0.0, 0.0]]
steps = 100
"""


def write_session(config: Path, text: str) -> None:
    from PySide6.QtCore import QSettings

    from landscape_gui.gui.settings import SESSION

    s = QSettings(str(config / "landscape-gui" / "landscape-gui.conf"), QSettings.Format.IniFormat)
    s.setValue(SESSION, text)
    s.sync()


# -- 1. a poisoned session, a failure while building the window, the domain fields -------------------------
def test_a_saved_session_with_a_huge_domain_is_discarded_not_trusted(tmp_path):
    write_session(tmp_path, HUGE)
    proc = launch(env=app_env(tmp_path, None, "close"))
    _, status, _ = wait_ready(proc)
    code, err = finish(proc)
    assert code == 0, err[-3000:]
    message = (
        "previous session's settings ignored: saved session line 3: [landscape] domain: "
        "x: bounds must lie within ±1e+06, got -1e+154 … 1e+154"
    )
    assert status == message and err == f"landscape-gui: {message}\n"
    assert "1e+154" not in saved_session(tmp_path) and "two_wells" in saved_session(tmp_path)
    proc = launch(env=app_env(tmp_path, None, "close"))  # and the next launch is an ordinary one
    _, status, _ = wait_ready(proc)
    code, err = finish(proc)
    assert code == 0 and err == "" and "ignored" not in status


def test_an_exception_while_building_the_window_does_not_abort_the_app(tmp_path):
    proc = launch(env=app_env(tmp_path, None, "close", "fail-first-surface"))
    _, status, _ = wait_ready(proc)
    code, err = finish(proc)
    assert code == 0, err[-3000:]
    assert "injected failure while drawing the surface" in status
    assert err.count("\n") == 1 and "Traceback" not in err and "QThread" not in err


def test_the_domain_fields_refuse_a_domain_too_narrow_to_draw(window, qtbot):
    before, scenario = window.session.landscape.domain, window.session.scenario
    lo, hi = window.panel.domain_spins[0]
    lo.setValue(1.0)
    hi.setValue(1.0 + 1e-12)
    hi.editingFinished.emit()
    assert window.session.landscape.domain == before and window.session.scenario == scenario
    assert "x: interval 1 … 1.000000000001 is too narrow" in window.panel.domain_message.text()


# -- 3. deeply nested arrays, every way a scenario is opened ----------------------------------------------
@pytest.fixture
def deep_file(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    return path


EXPECTED = "deep.toml: arrays or tables nested more than 32 levels deep"


def test_deep_nesting_gives_one_line_from_every_way_in(window, deep_file, monkeypatch, qtbot):
    from PySide6.QtWidgets import QFileDialog

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    from landscape_gui.gui.settings import open_settings

    actions = window.files
    if actions.settings is None:  # a window made without settings: recent files go to this test's own folder
        actions.settings = open_settings()
    before = window.session.scenario

    assert actions.open_path(str(deep_file)) is False  # what the command line's file goes through
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(deep_file), ""))
    window.acts["open"].trigger()  # File → Open
    actions.settings.setValue("recent_scenarios", [str(deep_file)])
    actions.refresh_recent()
    actions.recent_menu.actions()[0].trigger()  # File → Recent scenarios
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(deep_file))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)  # fmt: skip
    assert actions.eventFilter(window, drop)  # drag-and-drop
    assert shown == [EXPECTED] * 4, shown
    assert window.session.scenario == before


def test_launching_with_a_deeply_nested_file_says_so_and_opens(tmp_path, deep_file):
    proc = launch(str(deep_file), env=app_env(tmp_path, None, "close", "print-dialogs"))
    _, _, dialogs = wait_ready(proc)
    code, err = finish(proc)
    assert code == 0, err[-3000:]
    assert dialogs == []  # the command line's file is reported on the window's banner, not in a dialog
    assert err == f"landscape-gui: error: {EXPECTED}\n"


# -- 9. the worker's errors reach the window in the GUI thread --------------------------------------------
@pytest.fixture
def widget_calls_off_the_gui_thread(monkeypatch):
    """Every method of every Qt widget class, wrapped to note the calls made from another thread than the
    GUI thread (as ``Class.method (thread name)``). Calls that Qt makes from C++ are not seen: only ours."""
    from PySide6 import QtWidgets

    calls: list[str] = []

    def wrap(cls, name, method):
        def checked(self, *args, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                calls.append(f"{cls.__name__}.{name} ({threading.current_thread().name})")
            return method(self, *args, **kwargs)

        return checked

    for cls_name in dir(QtWidgets):
        cls = getattr(QtWidgets, cls_name)
        if isinstance(cls, type) and issubclass(cls, QWidget):
            for name, method in list(vars(cls).items()):
                if type(method).__name__ == "method_descriptor" and not name.startswith("_"):
                    monkeypatch.setattr(cls, name, wrap(cls, name, method))
    return calls


def test_worker_errors_touch_widgets_only_from_the_gui_thread(window, qtbot, widget_calls_off_the_gui_thread):
    from dataclasses import replace

    from landscape_gui.core.scenario.model import OptimizerSpec

    s = window.session.scenario
    first = s.optimizers[0]
    # scenarios the session's setters would refuse, sent to the worker as they are: the simulation refuses
    # them in the worker thread (an edit of the runs, then new runs)
    bad_lr = replace(s, optimizers=(replace(first, params={**first.params, "lr": -5.0}), *s.optimizers[1:]))
    unknown = replace(s, optimizers=(OptimizerSpec("nope", {}),))
    for scenario, word in ((bad_lr, "lr"), (unknown, "nope")):
        with qtbot.waitSignal(window.worker.worker.error, timeout=10000):
            window.worker.follow(scenario, window.session.landscape)
        qtbot.waitUntil(lambda w=word: w in window.statusBar().currentMessage(), timeout=10000)
    assert widget_calls_off_the_gui_thread == []


# -- 11. signals, a lost display, a window destroyed from outside -----------------------------------------
@pytest.mark.parametrize(
    ("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_ends_the_app_cleanly_saving_the_session(tmp_path, sig, status):
    proc = launch(env=app_env(tmp_path))
    wait_ready(proc)
    assert saved_session(tmp_path) == ""
    proc.send_signal(sig)
    code, err = finish(proc, 20)
    assert code == status, (code, err[-3000:])
    assert err == ""
    assert "session=" in saved_session(tmp_path)


def test_losing_the_display_saves_the_session_and_exits_without_abort(tmp_path):
    xvfb, display = start_xvfb()
    try:
        proc = launch(env=app_env(tmp_path, display))
        wait_ready(proc)
    finally:
        xvfb.kill()
        xvfb.wait()
    code, err = finish(proc, 20)
    assert code == 1, (code, err[-3000:])
    assert err == "landscape-gui: lost the connection to the display; the session was saved\n"
    assert "session=" in saved_session(tmp_path)


def _destroy_window(display: str, window_id: int) -> None:
    """XDestroyWindow from another client (what ``xdotool windowclose`` does)."""
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    for name in ("xcb_connection_has_error", "xcb_flush", "xcb_disconnect"):
        getattr(xcb, name).argtypes = [ctypes.c_void_p]
    xcb.xcb_destroy_window_checked.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    xcb.xcb_destroy_window_checked.restype = ctypes.c_uint
    xcb.xcb_request_check.argtypes = [ctypes.c_void_p, ctypes.c_uint]
    xcb.xcb_request_check.restype = ctypes.c_void_p
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        assert xcb.xcb_connection_has_error(conn) == 0
        assert xcb.xcb_request_check(conn, xcb.xcb_destroy_window_checked(conn, window_id)) is None
    finally:
        xcb.xcb_disconnect(conn)


def test_a_window_destroyed_from_outside_ends_the_process(tmp_path):
    xvfb, display = start_xvfb()
    try:
        proc = launch(env=app_env(tmp_path, display))
        window_id, _, _ = wait_ready(proc)
        _destroy_window(display, window_id)
        code, err = finish(proc, 20)
    finally:
        xvfb.kill()
        xvfb.wait()
    assert code == 0, (code, err[-3000:])
    assert err == "landscape-gui: the window was closed from outside; the session was saved\n"
    assert "session=" in saved_session(tmp_path)
