#!/usr/bin/env python3
"""mlp_slice playing in the window: 4 runs on the 2-D slice of the network's loss at 1280×720 (goal ≥ 30 frames/s).

Run under a display (software GL is fine):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python benchmarks/bench_mlp_slice_gui.py [--speed 1]

The window (every dock shown) is resized to 1280×720 and switched to ``mlp_slice`` (the network trained or read
from a temporary cache first; the surface, computed in the background, is waited for), with 4 start points and
Adam, and played at ``--speed`` (1: 40 steps/s; each step is a pass of the network over its data, and each
snapshot evaluates ‖∇J‖ at the new points). Measured over 6 s of playing, left to the window's event loop:

1. frames of the 3D view shown per second;
2. how late a 10 ms timer on the GUI thread fires (median and 95th percentile): how much the worker stepping the
   network starves the GUI thread (a worker holding the interpreter lock shows up here);
3. the steps taken per second.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import argparse
import os
import statistics
import tempfile
import time

SIZE = (1280, 720)
STARTS = [[-0.8, 0.6], [0.7, -0.5], [0.4, 0.8], [-0.6, -0.7]]
SECONDS = 6.0


def _wait(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speed", type=float, default=1.0, help="playing speed (1: 40 steps/s)")
    args = ap.parse_args()
    cache = tempfile.TemporaryDirectory()
    os.environ["XDG_CACHE_HOME"] = cache.name  # the network's cache: never the user's
    from PySide6.QtCore import QTimer

    from landscape_gui.core.landscapes.library import get_landscape
    from landscape_gui.core.scenario.model import OptimizerSpec
    from landscape_gui.drawing.qt_app import ensure_app

    _app = ensure_app()  # held for the whole run
    from landscape_gui.gui.main_window import MainWindow

    get_landscape("mlp_slice")  # trained (or read from the cache) before the window opens
    win = MainWindow(restore_settings=False)
    win.resize(*SIZE)
    win.show()
    s = win.session
    s.set_landscape("mlp_slice")
    s.set_optimizers([OptimizerSpec("adam", {"lr": 0.02})])
    s.set_starts(STARTS)
    s.set(steps=100000)
    s.set_view(speed=args.speed)
    deadline = time.perf_counter() + 300
    while (not win.settled() or win.frame is None or len(win.frame.snapshot.positions) != len(STARTS)) and (
        time.perf_counter() < deadline
    ):
        _wait(0.2)  # the surface, the critical points, the first frame of the 4 runs
    assert win.frame is not None and len(win.frame.snapshot.positions) == len(STARTS)

    painted: list[float] = []
    late: list[float] = []
    last = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        if last[0]:
            late.append(max(0.0, now - last[0] - 0.010))
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    win.surface.frameSwapped.connect(lambda: painted.append(time.perf_counter()))
    step0 = int(win.frame.snapshot.step)
    win.play()
    _wait(0.5)
    n0, t0, s0 = len(painted), time.perf_counter(), int(win.frame.snapshot.step)
    timer.start()
    _wait(SECONDS)
    timer.stop()
    frames = (len(painted) - n0) / (time.perf_counter() - t0)
    steps = (int(win.frame.snapshot.step) - s0) / (time.perf_counter() - t0)
    win.pause()
    view = (win.surface.width(), win.surface.height())
    L = win.session.landscape
    print(
        f"mlp_slice ({L.n_parameters} parameters, {L.n_samples} samples), {len(STARTS)} runs of Adam, "
        f"window {SIZE[0]}×{SIZE[1]}, 3D view {view[0]}×{view[1]}, speed {args.speed:g}× (from step {step0})"
    )
    print(f"frames shown: {frames:5.1f} /s  (goal ≥ 30)")
    print(f"steps taken:  {steps:5.1f} /s")
    q = statistics.quantiles(late, n=20) if len(late) > 1 else [0.0] * 19
    print(
        f"a 10 ms GUI-thread timer fired late by {1e3 * statistics.median(late):.1f} ms (median), "
        f"{1e3 * q[18]:.1f} ms (95th percentile), {len(late)} ticks"
    )
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    win.close()
    _wait(0.2)
    cache.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
