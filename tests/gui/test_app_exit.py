"""The real app, in a child process: closing while runs animate exits 0 with no thread warning."""

import subprocess
import sys

SCRIPT = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from landscape_gui.gui import app as gui_app
from landscape_gui.gui import main_window

orig_init = main_window.MainWindow.__init__

def init(self, *a, **k):
    k["restore_settings"] = False
    orig_init(self, *a, **k)
    QTimer.singleShot(1500, self.play)
    QTimer.singleShot(4000, self.close)

main_window.MainWindow.__init__ = init
raise SystemExit(gui_app.run_app(None))
"""


def test_closing_while_animating_exits_cleanly():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Destroyed while thread" not in proc.stderr
    assert "Traceback" not in proc.stderr
