"""The real app, in a child process: closing while runs animate exits 0 with no thread warning."""

import subprocess
import sys

# The window plays once its first frame is drawn and closes once the runs have moved on while playing: told
# by the frames, not by the clock (a loaded machine only takes longer).
SCRIPT = """
from PySide6.QtCore import QTimer
from landscape_gui.gui import app as gui_app
from landscape_gui.gui import main_window

orig_init = main_window.MainWindow.__init__

def init(self, *a, **k):
    k["restore_settings"] = False
    orig_init(self, *a, **k)
    poll = QTimer(self, interval=50)

    def check():
        f = self.frame
        if f is None or not self.isVisible():
            return
        if not self.worker.worker.playing and f.snapshot.step == 0:
            self.play()
        elif f.snapshot.playing and f.snapshot.step >= 10:
            poll.stop()
            self.close()  # while the runs animate

    poll.timeout.connect(check)
    poll.start()

main_window.MainWindow.__init__ = init
raise SystemExit(gui_app.run_app(None))
"""


def test_closing_while_animating_exits_cleanly():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Destroyed while thread" not in proc.stderr
    assert "Traceback" not in proc.stderr
