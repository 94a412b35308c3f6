#!/usr/bin/env python3
"""GUI speed figures: app frame time vs a bare GLViewWidget drawing the same scene, and launch time.

Run under a display (software GL is fine):

    xvfb-run -a -s "-screen 0 1920x1080x24" benchmarks/bench_gui.py

On its first run it makes benchmarks/.venv-compare (the app alone), never touching the app's .venv.

1. Frame time: the app animating 8 runs (4 start points × 2 optimizers) on a 200×200 surface with its 3D view
   at 1280×720 (taking the newest frame, updating trails/balls in both views, repainting), against a bare
   pyqtgraph GLViewWidget of the same size drawing the same scene (a copy of every item: surface, floor
   contours, axes, labels, critical-point markers, trails and balls) the plain way, updated with setData and
   repainted; same process, same run, interleaved. The app renders the static items once into a framebuffer
   object and per frame only blits it and draws what moves (see gui/surface_view.py::CachedGLView).
2. Live frame rate: frames painted per second in the 3D view while the app, left to its own event loop,
   plays the same runs in a 1280×720 and a 1600×900 window, with every dock shown (map, plots, runs table,
   controls) and with the 3D view alone. What a user sees, so it also pays for the map, the panels and the
   software composition of the whole window. Capped by the 1× speed (40 steps/s, one frame per step at most).
3. Launch: ``python -c "run the app until the window is shown"`` against ``python -c "import PySide6 widgets +
   pyqtgraph.opengl"`` (median of 3 each).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import os

import numpy as np

FRAMES = 60
LAUNCH = """
import time; t0 = time.perf_counter()
from landscape_gui.drawing.qt_app import ensure_app
app = ensure_app()
from landscape_gui.gui.main_window import MainWindow
w = MainWindow(restore_settings=False); w.show()
while not w.isVisible() or w.frame is None: app.processEvents()
w.surface.repaint()
print(time.perf_counter() - t0)
w.close(); w.deleteLater(); app.processEvents()
"""
IMPORT = """
import time; t0 = time.perf_counter()
import PySide6.QtWidgets, pyqtgraph.opengl
print(time.perf_counter() - t0)
"""


def _eight_runs(win) -> None:
    """The measured scene: 4 start points × 2 optimizers on the default landscape, playing without end."""
    from landscape_gui.core.scenario.model import OptimizerSpec

    s = win.session
    s.set_starts([[-1.8, 1.3], [1.8, 1.3], [-1.8, -1.3], [1.8, -1.3]])
    s.set_optimizers(
        [OptimizerSpec("sgd", {"lr": 0.01, "noise": 2.0}), OptimizerSpec("momentum", {"lr": 0.005})]
    )
    s.set(steps=10**6)


def _docks(win) -> list:
    from PySide6.QtWidgets import QDockWidget

    return win.findChildren(QDockWidget)


def _child(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return float(out.stdout.strip().splitlines()[-1])


def frame_times():
    from landscape_gui.drawing.qt_app import ensure_app

    app = ensure_app()
    import pyqtgraph.opengl as gl

    from landscape_gui.gui.main_window import MainWindow

    win = MainWindow(restore_settings=False)
    for dock in _docks(win):
        dock.hide()
    win.menuBar().hide()
    win.statusBar().hide()
    for bar in win.findChildren(type(win.addToolBar("x"))):
        bar.hide()
    win.show()
    win.resize(1280, 720)
    _eight_runs(win)
    for _ in range(50):
        app.processEvents()
        time.sleep(0.01)
    view_size = (win.surface.width(), win.surface.height())

    bare = gl.GLViewWidget()
    bare.resize(*view_size)
    # the same scene: a copy of every item the app draws (surface, floor contours, axes, labels, markers),
    # drawn the plain pyqtgraph way (everything rasterised at every frame)
    cached, overlay = win.scene3d.cached_items()
    for item in cached + overlay:
        if not item.visible():
            continue
        if isinstance(item, gl.GLSurfacePlotItem):
            bare.addItem(gl.GLMeshItem(meshdata=item.opts["meshdata"], smooth=True, glOptions="opaque"))
        elif isinstance(item, gl.GLLinePlotItem):
            bare.addItem(gl.GLLinePlotItem(pos=item.pos, color=item.color, width=item.width, mode=item.mode))
        elif isinstance(item, gl.GLScatterPlotItem):
            bare.addItem(gl.GLScatterPlotItem(pos=item.pos, color=item.color, size=item.size))
        elif isinstance(item, gl.GLTextItem):
            bare.addItem(gl.GLTextItem(pos=item.pos, text=item.text, color=item.color, font=item.font))
    line = gl.GLLinePlotItem(pos=np.zeros((0, 3)), mode="lines", width=2.5, glOptions="translucent")
    balls = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), size=15, glOptions="translucent")
    bare.addItem(line)
    bare.addItem(balls)
    bare.opts.update(win.surface.opts)
    bare.show()
    app.processEvents()

    win.play()
    app_times, bare_times = [], []
    for _ in range(FRAMES):
        # the app: wait for the worker's newest frame, then do exactly what a frame costs the GUI
        while win.worker.mailbox.empty():
            time.sleep(0.001)
        t = time.perf_counter()
        win._snapshot_ready()
        win.surface.repaint()
        app_times.append(time.perf_counter() - t)
        f = win.frame.snapshot
        # bare pyqtgraph: same scene data pushed with setData, same repaint
        t = time.perf_counter()
        seg = [np.asarray(win.scene3d.scene_xyz(p, v)) for p, v in zip(f.paths, f.path_values, strict=True)]
        pairs = np.concatenate([np.repeat(x, 2, axis=0)[1:-1] for x in seg if len(x) > 1])
        line.setData(pos=pairs, color=(1, 0.6, 0, 1))
        balls.setData(pos=win.scene3d.scene_xyz(f.positions, f.values), color=(1, 1, 1, 1))
        bare.repaint()
        bare_times.append(time.perf_counter() - t)
        app.processEvents()
    win.pause()
    steps = int(win.frame.snapshot.steps.max())
    win.close()
    bare.close()
    return view_size, statistics.median(app_times), statistics.median(bare_times), steps


def _wait(app, seconds: float) -> None:
    """Run the event loop (not a busy loop, which would starve the worker thread of the GIL)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def live_rate(hide_docks: bool, size=(1600, 900), seconds: float = 6.0) -> float:
    """Frames of the 3D view shown (composed into the window) per second while the app plays the same 8 runs, left to its own event
    loop: every view it shows repaints (the 3D view and map every frame, plots and table twice a second), and
    each repaint of a window holding an OpenGL view is composed in software GL."""
    from landscape_gui.drawing.qt_app import ensure_app
    from landscape_gui.gui.main_window import MainWindow

    app = ensure_app()
    win = MainWindow(restore_settings=False)
    win.resize(*size)
    win.show()
    _eight_runs(win)
    if hide_docks:
        for dock in _docks(win):
            dock.hide()
    _wait(app, 2.5)  # critical points found, first frame drawn
    painted = []
    win.surface.frameSwapped.connect(lambda: painted.append(time.perf_counter()))  # one per frame shown
    win.play()
    _wait(app, seconds)
    win.pause()
    rate = (len(painted) - 1) / (painted[-1] - painted[0])
    win.close()
    _wait(app, 0.2)
    return rate


SIZES = ((1280, 720), (1600, 900))  # the windows measured live
RUN_AS = 'xvfb-run -a -s "-screen 0 1920x1080x24" benchmarks/bench_gui.py'


def check_screen() -> None:
    """One line and exit status 1 on a screen the measurements cannot use: none at all, smaller than the
    largest window measured, or fewer than 24 bits of colour (no OpenGL visual: xvfb-run's default screen on
    some systems, 1280x1024x8, gave no frame at all and then a traceback)."""
    from landscape_gui.drawing.qt_app import ensure_app, has_display

    if not has_display():
        raise SystemExit(f"bench_gui.py needs a display: run it as  {RUN_AS}")
    screen = ensure_app().primaryScreen()
    g, depth = screen.geometry(), screen.depth()
    w, h = max(SIZES)
    if depth < 24 or g.width() < w or g.height() < h:
        raise SystemExit(
            f"bench_gui.py needs a screen of at least {w}x{h} with 24-bit colour, not {g.width()}x{g.height()}"
            f" with {depth}-bit: run it as  {RUN_AS}"
        )


def main() -> int:
    check_screen()
    size, app_t, bare_t, steps = frame_times()
    sizes = SIZES
    live = {(size, hide): live_rate(hide, size) for size in sizes for hide in (False, True)}
    imports, launches = [], []
    for _ in range(3):  # interleaved: a busy moment slows both alike
        imports.append(_child(IMPORT))
        launches.append(_child(LAUNCH))
    imp, launch = statistics.median(imports), statistics.median(launches)
    print(f"3D view {size[0]}×{size[1]}, 8 runs, 200×200 surface, {FRAMES} frames ({steps} steps)")
    print(f"app frame time   {app_t * 1e3:7.1f} ms  ({1 / app_t:5.1f} frames/s)")
    print(f"bare GLViewWidget {bare_t * 1e3:6.1f} ms  ({1 / bare_t:5.1f} frames/s)")
    print(f"ratio app/bare   {app_t / bare_t:7.2f}   (goal ≤ 1.15)")
    for w, h in sizes:
        print(
            f"live, {w}×{h} window playing at 1× (≤ 40 steps/s): {live[(w, h), False]:5.1f} frames/s with every"
            f" dock shown, {live[(w, h), True]:5.1f} with the 3D view alone"
        )
    print(
        f"launch to a complete window {launch:5.2f} s, import PySide6 + pyqtgraph.opengl {imp:.2f} s, ratio"
        f" {launch / imp:.2f} (goal ≤ 2; medians of 3, interleaved)"
    )
    print(f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
