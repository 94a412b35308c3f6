"""GUI tests: real widgets on Xvfb (pytest-xvfb, GLX on) with Mesa's software OpenGL."""

import gc

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt

# Must be set before the QApplication exists (pytest-qt creates it lazily in the qapp fixture).
if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@pytest.fixture
def window(qtbot, tmp_path):
    from landscape_gui.gui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    win = MainWindow(restore_settings=False)
    win.resize(1280, 800)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.frame is not None, timeout=20000)
    yield win
    if win.worker.thread.isRunning():
        win.close()
    assert win.worker.thread.wait(5000)
    gc.collect()  # garbage of this test goes here, on the GUI thread, not in a later test's worker thread
