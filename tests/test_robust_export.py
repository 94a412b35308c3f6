"""Exports under signals, kills and races (issue 12, items 2, 6, 10).

- A Ctrl+C or SIGTERM that lands *inside* GL drawing code (sent from within a pyqtgraph item's ``paint``) stops
  the export between frames: exit 130/143, the one-line message, nothing left behind.
- SIGKILL leaves a partial file: the private Xvfb dies with the export, and the next export to the same name
  removes the stale file (never that of an export still running).
- Without ``--force`` the final move never replaces a file or folder that appeared during the export.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.export.formats import open_writer
from landscape_gui.export.writers import ExportError

W, H = 64, 48

# -- 10. no replace -------------------------------------------------------------------------------------------


def frames(n=3):
    rng = np.random.default_rng(0)
    return [rng.integers(0, 255, (H, W, 3), dtype=np.uint8) for _ in range(n)]


@pytest.mark.parametrize("name", ["clip.gif", "clip.mp4", "frames"])
def test_the_final_move_never_replaces_what_appeared_meanwhile(tmp_path, name):
    out = tmp_path / name
    w = open_writer(out, (W, H), 10)
    w.start()
    for f in frames():
        w.write(f)
    if name == "frames":  # another export's folder of frames arrived first
        out.mkdir()
        (out / "frame_00000.png").write_bytes(b"theirs")
    else:
        out.write_bytes(b"theirs")
    with pytest.raises(ExportError, match="appeared while exporting|changed while exporting"):
        w.close()
    kept = out / "frame_00000.png" if name == "frames" else out
    assert kept.read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no partial file left
    # with force the newer export wins, as asked
    w = open_writer(out, (W, H), 10, force=True)
    with w:
        for f in frames():
            w.write(f)
    assert (out / "frame_00000.png" if name == "frames" else out).read_bytes() != b"theirs"


def test_four_exports_at_once_to_one_new_name_one_wins_three_are_told(tmp_path):
    out = tmp_path / "race.gif"
    writers = [open_writer(out, (W, H), 10) for _ in range(4)]  # all checked while the name is free
    for w in writers:
        w.start()
        for f in frames(2):
            w.write(f)
    results: list = [None] * 4
    barrier = threading.Barrier(4)

    def finish(i):
        barrier.wait()
        try:
            results[i] = writers[i].close()
        except ExportError as e:
            results[i] = e

    threads = [threading.Thread(target=finish, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, Path) for r in results) == 1, results
    assert all("appeared while exporting" in str(r) for r in results if isinstance(r, ExportError))
    assert [p.name for p in tmp_path.iterdir()] == ["race.gif"]


# -- 6. stale partial files ---------------------------------------------------------------------------------
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_partials_of_the_same_name_are_removed_and_live_ones_kept(tmp_path):
    out = tmp_path / "clip.gif"
    stale = tmp_path / f".clip.gif.partial-{dead_pid()}-abc123.gif"
    stale.write_bytes(b"x")
    stale_dir = tmp_path / f".frames.partial-{dead_pid()}-zz"
    stale_dir.mkdir()
    (stale_dir / "frame_00000.png").write_bytes(b"x")
    live = tmp_path / f".clip.gif.partial-{os.getppid()}-def456.gif"  # a running process's
    live.write_bytes(b"x")
    other = tmp_path / f".other.gif.partial-{dead_pid()}-x.gif"  # another name: not ours to clean
    other.write_bytes(b"x")
    with open_writer(out, (W, H), 10) as w:
        for f in frames(2):
            w.write(f)
    assert not stale.exists() and live.exists() and other.exists() and out.exists()
    from landscape_gui.export.atomic import remove_stale_partials

    assert remove_stale_partials(tmp_path / "frames") == [stale_dir]


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_sigkill_leaves_no_xvfb_and_the_next_export_cleans_up(tmp_path):
    from shutil import which

    if which("Xvfb") is None:
        pytest.skip("no Xvfb")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    args = [
        sys.executable,
        "-m",
        "landscape_gui",
        "export",
        "double-well",
        "-o",
        "k.mp4",
        "--size",
        "160x120",
    ]
    proc = subprocess.Popen([*args, "--fps", "10", "--duration", "60"], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    xvfb = []
    while time.monotonic() < deadline and not (
        xvfb and any(p.name.startswith(".k.mp4.partial-") for p in tmp_path.iterdir())
    ):
        xvfb = [
            c for c in _children(proc.pid) if "Xvfb" in Path(f"/proc/{c}/cmdline").read_text(errors="replace")
        ]
        time.sleep(0.05)
    assert xvfb, "the export did not start its own Xvfb"
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not _gone(xvfb[0]):
        time.sleep(0.05)
    assert _gone(xvfb[0]), "the private Xvfb outlived the export"
    assert any(p.name.startswith(".k.mp4.partial-") for p in tmp_path.iterdir())
    r = subprocess.run([*args, "--fps", "5", "--duration", "0.4"], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["k.mp4"]


# -- 2. signals inside GL drawing -------------------------------------------------------------------------
HARNESS = """
import os, signal, sys
from pyqtgraph.opengl import GLLinePlotItem

sig, at = int(sys.argv[1]), int(sys.argv[2])
paint = GLLinePlotItem.paint
calls = [0]

def interrupted_paint(self, *a, **k):
    calls[0] += 1
    if calls[0] == at:
        os.kill(os.getpid(), sig)  # lands inside pyqtgraph's drawing of an item
    return paint(self, *a, **k)

GLLinePlotItem.paint = interrupted_paint
from landscape_gui.cli import main
raise SystemExit(main(sys.argv[3:]))
"""


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (pytest-xvfb gives one)")
@pytest.mark.parametrize(
    ("sig", "status", "out"),
    [
        (signal.SIGINT, 130, "i.gif"),
        (signal.SIGTERM, 143, "i.mp4"),
        (signal.SIGINT, 130, "frames"),
        (signal.SIGHUP, 129, "h.mp4"),  # issue 28, item 5: the terminal closed
    ],
)
def test_a_signal_inside_gl_drawing_stops_the_export_between_frames(tmp_path, sig, status, out):
    r = subprocess.run(
        [sys.executable, "-c", HARNESS, str(int(sig)), "6", "export", "double-well", "-o", out,
         "--size", "160x120", "--fps", "10", "--duration", "2"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == status, (r.returncode, r.stderr[-3000:])
    assert r.stderr == "landscape-gui: export interrupted: nothing was written\n", r.stderr[-3000:]
    assert r.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_sighup_is_noted_like_sigterm_not_fatal():
    """Issue 28, item 5: SIGHUP (the terminal closed) only sets the flag, exit status 129; by default it
    kills the process at once, leaving the temporary output behind."""
    code = (
        "import os, signal\n"
        "from landscape_gui.export.interrupt import InterruptFlag\n"
        "with InterruptFlag() as stop:\n"
        "    os.kill(os.getpid(), signal.SIGHUP)\n"
        "    print(bool(stop), stop.exit_status)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stdout) == (0, "True 129\n"), (r.returncode, r.stderr[-2000:])
