"""The real app in a child process (``landscape-gui`` through ``cli.main``), for tests where a signal, a lost
display or a crash is the point. The child prints ``READY <window id>`` once its window shows a frame."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HARNESS = """
import faulthandler, os, signal, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
from landscape_gui.gui import main_window

faulthandler.register(signal.SIGUSR1, all_threads=True)  # a hung app: kill -USR1 shows where
options = set(os.environ.get("REAL_APP_TEST", "").split(","))
if "print-dialogs" in options:  # a modal message box would wait for a click nobody makes
    def warning(parent, title, text, *a, **k):
        print("DIALOG", text, flush=True)
        return QMessageBox.StandardButton.Ok
    QMessageBox.warning = warning
if "fail-first-surface" in options:  # an exception while the window is being built
    from landscape_gui.drawing.scene import Scene3D
    first_set = Scene3D.set_landscape
    failed = []
    def set_landscape(self, *a, **k):
        if not failed:
            failed.append(1)
            raise RuntimeError("injected failure while drawing the surface")
        return first_set(self, *a, **k)
    Scene3D.set_landscape = set_landscape

orig = main_window.MainWindow.__init__

def init(self, *a, **k):
    orig(self, *a, **k)

    def ready():
        if self.frame is None or not self.isVisible():
            QTimer.singleShot(100, ready)
            return
        print("READY", int(self.winId()), flush=True)
        print("STATUS", self.statusBar().currentMessage(), flush=True)
        if "close" in options:
            QTimer.singleShot(300, self.close)

    QTimer.singleShot(100, ready)

main_window.MainWindow.__init__ = init
from landscape_gui.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def app_env(config: Path, display: str | None = None, *options: str) -> dict:
    """The app's environment: its own settings folder, a display, and harness options (see HARNESS)."""
    env = dict(os.environ)
    env["REAL_APP_TEST"] = ",".join(options)
    env["XDG_CONFIG_HOME"] = str(config)
    env.pop("QT_QPA_PLATFORM", None)
    if display is not None:
        env["DISPLAY"] = display
    return env


def launch(*args: str, env: dict) -> subprocess.Popen:
    """Start the app; its stderr goes to a temporary file (never a pipe nobody reads): :func:`finish`."""
    err = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - read back and closed by finish()
    proc = subprocess.Popen(
        [sys.executable, "-c", HARNESS, *args], stdout=subprocess.PIPE, stderr=err, text=True, env=env
    )
    proc.err_file = err
    return proc


def finish(proc: subprocess.Popen, timeout: float = 20.0) -> tuple[int | None, str]:
    """Wait for the app to end (killing it after ``timeout``: status None) and return (status, stderr)."""
    try:
        status = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        status = None
    proc.err_file.seek(0)
    err = proc.err_file.read()
    proc.err_file.close()
    return status, err


def wait_ready(proc: subprocess.Popen, timeout: float = 60.0) -> tuple[int, str, list[str]]:
    """The window id, the status-bar text and the message boxes shown (option ``print-dialogs``) once the
    app is up (AssertionError if it ends first)."""
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    wid, status, dialogs = None, None, []
    while status is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if line is None:
            break
        if line.startswith("DIALOG "):
            dialogs.append(line[len("DIALOG ") :].rstrip("\n"))
        elif line.startswith("READY "):
            wid = int(line.split()[1])
        elif line.startswith("STATUS"):
            status = line[len("STATUS ") :].rstrip("\n")
    if status is None:
        status, err = finish(proc, 0)
        raise AssertionError(f"the app did not come up (rc {status}): {err[-2000:]}")
    return wid, status, dialogs


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private Xvfb (with GLX) and its display name."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp",
         "+extension", "GLX", "+render", "-noreset"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as r:
        while not number.endswith(b"\n"):
            chunk = r.read(1)
            if not chunk:
                break
            number += chunk
    return proc, f":{number.decode().strip()}"


def saved_session(config: Path) -> str:
    path = config / "landscape-gui" / "landscape-gui.conf"
    return path.read_text() if path.exists() else ""
