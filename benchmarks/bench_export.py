#!/usr/bin/env python3
"""Where the time of ``landscape-gui export`` goes: the split of one 1080p30 5 s export of the Rosenbrock race.

Runs the export in this process, as the command does (a private Xvfb when there is no display), with timers
around each stage: start-up (imports, the scenario), the renderer (Qt, the OpenGL context and widgets, the
surface; the critical points are searched for meanwhile on a thread), the first frame, then per frame the
simulation, the panels' update, the OpenGL render (until the GPU — Mesa's llvmpipe threads — is done), the
read-back, the overlays, and the hand-over to the writer (waiting while its queue is full); last the wait for
the encoder. The encoder's own CPU time is that of the ffmpeg process (MP4) or of the writer's threads (PNG).
The whole-process comparisons with manim and matplotlib are in ``bench_export_vs_manim.py``.

    python benchmarks/bench_export.py [OUT] [--view 3d|map|composite]    # OUT: x.mp4 (default) or a folder
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import time

T0 = time.perf_counter()

import argparse
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", help="x.mp4 (default) or a folder for PNG frames")
    ap.add_argument("--view", default="3d")
    args = ap.parse_args()
    from landscape_gui.core.allocator import keep_freed_memory

    keep_freed_memory()
    from landscape_gui.export.headless import private_display

    private_display()
    from landscape_gui.core.scenario.presets import load_preset
    from landscape_gui.export.exporter import ExportJob
    from landscape_gui.export.render import frame_pixels

    scenario = load_preset("rosenbrock-race")
    t_start = time.perf_counter()
    tmp = tempfile.TemporaryDirectory()
    out = args.out or str(Path(tmp.name) / "x.mp4")
    job = ExportJob(scenario, out, force=True, size=(1920, 1080), fps=30, duration=5, view=args.view)
    t_init = time.perf_counter()

    acc: dict[str, float] = {}

    def timer(obj, name: str, label: str) -> None:
        orig = getattr(obj, name)

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return orig(*a, **k)
            finally:
                acc[label] = acc.get(label, 0.0) + time.perf_counter() - t

        setattr(obj, name, timed)

    def render_and_grab(widget, kind: str) -> None:
        """The 3D view's OpenGL render (until llvmpipe is done) counted inside its grab, where the frame asks
        for it, apart from renders Qt runs on its own (a repaint the scene's update scheduled): subtracting
        those from the grab made the read-back negative."""
        paint, grab = widget.paintGL, widget.grabFramebuffer
        grabbing = [False]

        def timed_paint(*a, **k):
            t = time.perf_counter()
            try:
                return paint(*a, **k)
            finally:
                from OpenGL import GL

                GL.glFinish()
                label = f"{kind}: OpenGL render" if grabbing[0] else f"{kind}: render not grabbed"
                acc[label] = acc.get(label, 0.0) + time.perf_counter() - t

        def timed_grab(*a, **k):
            t = time.perf_counter()
            grabbing[0] = True
            try:
                return grab(*a, **k)
            finally:
                grabbing[0] = False
                label = f"{kind}: grab (render + read-back)"
                acc[label] = acc.get(label, 0.0) + time.perf_counter() - t

        widget.paintGL, widget.grabFramebuffer = timed_paint, timed_grab

    r = job.renderer
    timer(r.sim, "step", "simulation")
    timer(r, "describe", "simulation + snapshot + presenter")
    timer(r.overlay, "paint", "overlays")
    for panel in r.panels:
        kind = type(panel).__name__
        timer(panel, "update", f"{kind}: update")
        if hasattr(panel, "scene"):  # the 3D view: render (until llvmpipe is done), then read back
            render_and_grab(panel.widget, kind)
        else:
            timer(panel, "draw", f"{kind}: draw")
    first = None
    hand = 0.0
    while job.done < job.total:
        t = time.perf_counter()
        image = r.frame(job.done)
        t2 = time.perf_counter()
        job.writer.write(frame_pixels(image), copy=False)
        job.done += 1
        hand += time.perf_counter() - t2
        if first is None:
            first = time.perf_counter() - t
            acc.clear()  # the per-frame figures below are for frames 2 … n
            hand = 0.0
    t_frames = time.perf_counter()
    job.finish()
    t_end = time.perf_counter()
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    n = job.total - 1
    print(f"{Path(out).name}, view {args.view}, {job.total} frames of 1920×1080")
    print(f"  start-up (interpreter to scenario loaded)  {t_start - T0:6.2f} s")
    print(f"  renderer and writer ready                  {t_init - t_start:6.2f} s")
    print(f"  first frame                                {first:6.3f} s")
    print(f"  frames 2 … {job.total}                            {t_frames - t_init - first:6.2f} s "
          f"({(t_frames - t_init - first) / n * 1000:.1f} ms a frame), of which per frame:")  # fmt: skip
    grab = next((k for k in acc if k.endswith("grab (render + read-back)")), None)
    for label, total in acc.items():
        if label == grab:
            render = next((v for k, v in acc.items() if k.endswith(": OpenGL render")), 0.0)
            print(f"    {'read-back (grab − render)':36s} {(total - render) / n * 1000:6.1f} ms")
        else:
            print(f"    {label:36s} {total / n * 1000:6.1f} ms")
    print(f"    {'hand-over to the writer (queue wait)':36s} {hand / n * 1000:6.1f} ms")
    print(f"  waiting for the encoder at the end         {t_end - t_frames:6.2f} s")
    print(f"  total                                      {t_end - T0:6.2f} s")
    print(f"  CPU: this process {time.process_time():.2f} s (llvmpipe and writer threads included), "
          f"child processes (ffmpeg, Xvfb) {child.ru_utime + child.ru_stime:.2f} s")  # fmt: skip
    tmp.cleanup()


if __name__ == "__main__":
    main()
