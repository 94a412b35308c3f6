"""What the command line needs around an export: a display for OpenGL, and a progress bar.

OpenGL needs a real display: Qt's ``offscreen`` platform has no usable OpenGL. On Linux with no
``DISPLAY``/``WAYLAND_DISPLAY`` (and no ``QT_QPA_PLATFORM`` chosen), :func:`private_display` starts a private
``Xvfb`` (with GLX, rendered by Mesa) when one is installed, and stops it on exit (it also dies with this
process when that is killed: a parent-death signal); otherwise it says in one
line how to get one. ``xvfb-run landscape-gui export ...`` works too, and is what CI uses.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time

NO_DISPLAY = "no display: run it under xvfb-run (apt-get install xvfb), or install Xvfb"


class DisplayError(Exception):
    """No display can be had; ``str(error)`` says what to do, in one line."""


def needs_display() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    )


def _stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        proc.terminate()
        proc.wait(timeout=5)


PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """A ``preexec_fn`` that makes the child get SIGTERM when this process dies, however it dies (even by
    SIGKILL): Linux's ``prctl(PR_SET_PDEATHSIG)``. None where there is no such call."""
    if not sys.platform.startswith("linux"):
        return None

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call: nobody would be told
            os._exit(1)

    return preexec


def system_env() -> dict[str, str]:
    """The environment for a system program such as Xvfb: inside a PyInstaller bundle, without the bundle's
    own library folder (``LD_LIBRARY_PATH``), which would make Xvfb load the bundle's copies of libGL & co.
    and crash once the export's OpenGL context talks to it."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        original = env.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            env.pop("LD_LIBRARY_PATH", None)
        else:
            env["LD_LIBRARY_PATH"] = original
    return env


def private_display() -> None:
    """Make sure Qt will find an OpenGL-capable display (see the module docstring); raise DisplayError."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal")):
        raise DisplayError(
            f"QT_QPA_PLATFORM={platform} has no OpenGL: unset it (with no screen, use xvfb-run)"
        )
    if not needs_display():
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise DisplayError(NO_DISPLAY)
    read, write = os.pipe()
    args = [xvfb, "-displayfd", str(write), "-screen", "0", "1920x1080x24", "-nolisten", "tcp",
            "+extension", "GLX", "+render", "-noreset"]  # fmt: skip
    preexec = _die_with_parent()
    try:
        proc = subprocess.Popen(
            args,
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=system_env(),
            preexec_fn=preexec,
            start_new_session=True,  # the terminal's Ctrl+C goes to the export, which then stops it
        )
    except OSError as e:
        raise DisplayError(f"cannot start Xvfb: {e.strerror or e}") from None
    finally:
        os.close(write)
    number = b""
    deadline = time.monotonic() + 15
    with os.fdopen(read, "rb") as r:
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = r.read(1)
            if not chunk:
                break
            number += chunk
    if not number.strip().isdigit():
        proc.kill()
        raise DisplayError("Xvfb did not start: " + NO_DISPLAY)

    if preexec is None:  # no prctl: stop it at exit (Qt may still hold its connection then)
        atexit.register(_stop, proc)
    os.environ["DISPLAY"] = f":{number.decode().strip()}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"


class ProgressBar:
    """A one-line bar on stderr when stderr is a terminal; nothing otherwise (the caller prints a summary)."""

    def __init__(self, label: str, stream=None):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label = label
        self.start = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = round(width * done / max(1, total))
        elapsed = now - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        bar = "█" * filled + "·" * (width - filled)
        self.stream.write(f"\r{self.label} {bar} {done}/{total} frames  {rate:4.1f} fps  ETA {eta:4.0f} s ")
        self.stream.flush()

    def end(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start
