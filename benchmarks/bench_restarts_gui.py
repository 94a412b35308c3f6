#!/usr/bin/env python3
"""Random restarts in the window: 1000 runs playing at 1280×720 in software GL (goal ≥ 20 frames/s).

Run under a display (software GL is fine):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python benchmarks/bench_restarts_gui.py

The window (every dock shown: controls, map, plots, runs table, restarts summary) is resized to 1280×720 and
given 1000 random restarts (Run → Random restarts…, N = 1000, seed 0) on Rastrigin, the rastrigin-restarts
preset's lesson, of SGD (lr 0.002, noise σ 5): noisy runs never settle, so every run moves all along. Measured:

1. live: frames of the 3D view shown per second while the app plays at 1× (40 steps/s, at most one frame
   per step), left to its own event loop: what a user sees;
2. the GUI's cost of one frame (take the newest frame, update trails and balls in the 3D view and the map,
   repaint the 3D view), median over 40 frames, and the same plus the twice-a-second refresh of the plots
   and the runs table.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import os
import statistics
import sys
import time

RUNS = 1000
#: The step limit: more than the ~9 s of playing reach (40 steps/s), so every run moves throughout. The restarts
#: summary (a background job over the same steps) is waited for: it is not what is measured.
STEPS = 2000
SIZE = (1280, 720)


def _wait(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def main() -> int:
    from landscape_gui.core.scenario.model import OptimizerSpec
    from landscape_gui.drawing.qt_app import ensure_app

    _app = ensure_app()  # held for the whole run
    from landscape_gui.gui.main_window import MainWindow

    win = MainWindow(restore_settings=False)
    win.resize(*SIZE)
    win.show()
    assert win.files.open_preset("rastrigin-restarts")  # 1000 random restarts of seed 0 on Rastrigin
    for dock in (win.restarts.dock,):
        dock.show()
    s = win.session
    # noisy gradients: the runs never settle, so all 1000 keep moving (and their trails growing) throughout
    s.set_optimizers([OptimizerSpec("sgd", {"lr": 0.002, "noise": 5.0})])
    s.set(steps=STEPS)
    deadline = time.perf_counter() + 60
    while (win.frame is None or len(win.frame.snapshot.positions) != RUNS) and time.perf_counter() < deadline:
        _wait(0.2)  # the first frame of the 1000 runs
    assert win.frame is not None and len(win.frame.snapshot.positions) == RUNS
    t0 = time.perf_counter()
    while (not win.settled() or win.restarts.computing) and time.perf_counter() - t0 < 300:
        _wait(0.2)  # critical points, the restarts summary
    background = time.perf_counter() - t0

    painted: list[float] = []
    win.surface.frameSwapped.connect(lambda: painted.append(time.perf_counter()))
    win.play()
    _wait(6.0)
    win.pause()
    live = (len(painted) - 1) / (painted[-1] - painted[0]) if len(painted) > 1 else 0.0
    steps = int(win.frame.snapshot.steps.max())

    wall: dict[bool, list[float]] = {False: [], True: []}  # by whether the slow panels were refreshed
    cpu: dict[bool, list[float]] = {False: [], True: []}
    win.play()
    for k in range(40):
        while win.worker.mailbox.empty():
            assert win.worker.worker.playing, "the runs stopped"
            time.sleep(0.001)
        slow = k % 2 == 0
        win._last_slow = 0.0 if slow else time.perf_counter()  # every other frame refreshes the slow panels
        t, c0 = time.perf_counter(), time.thread_time()
        win._snapshot_ready()
        win.surface.repaint()
        win.map.repaint()
        wall[slow].append(time.perf_counter() - t)
        cpu[slow].append(time.thread_time() - c0)
    win.pause()
    view = (win.surface.width(), win.surface.height())
    med = {k: (1e3 * statistics.median(wall[k]), 1e3 * statistics.median(cpu[k])) for k in wall}
    print(
        f"{RUNS} runs (sgd on Rastrigin, random restarts), window {SIZE[0]}×{SIZE[1]}, 3D view {view[0]}×{view[1]}"
    )
    print(f"live, playing at 1× (≤ 40 steps/s): {live:5.1f} frames/s over 6 s (to step {steps})  (goal ≥ 20)")
    print(
        f"GUI cost of a frame (3D view + map): {med[False][0]:6.1f} ms wall, {med[False][1]:6.1f} ms GUI-thread CPU"
    )
    print(
        f"  with the plots and runs table (twice a second): {med[True][0]:6.1f} ms wall, {med[True][1]:6.1f} ms CPU"
    )
    print(f"(the critical points and the restarts summary of {STEPS} steps took {background:.1f} s before)")
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    win.close()
    _wait(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
