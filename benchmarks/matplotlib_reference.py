#!/usr/bin/env python3
"""The approach of the popular optimizer-animation scripts, as a baseline for ``bench_export.py``.

A matplotlib 3D surface of Rosenbrock with each optimizer's path drawn by ``FuncAnimation`` (lines and
current points updated per frame with ``set_data``/``set_3d_properties``, the surface drawn once, as
those scripts do), saved with ``FFMpegWriter`` through the same ffmpeg binary imageio-ffmpeg carries, at the
same size, frame count and codec (H.264, yuv420p) as ``landscape-gui export``. The trajectories are
computed up front with the app's own simulation, so both sides animate exactly the same paths.

    benchmarks/matplotlib_reference.py OUT.mp4 [--size 1920x1080] [--frames 150] [--fps 30]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, ["matplotlib"])

import imageio_ffmpeg
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import animation  # noqa: E402

from landscape_gui.core.presets import load_preset  # noqa: E402

matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--frames", type=int, default=150)
    ap.add_argument("--fps", type=int, default=30)
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))

    scenario = load_preset("rosenbrock-race")
    sim = scenario.build_simulation(max_points=None)
    sim.step(scenario.steps)
    paths = [sim.path(g, 0) for g in range(len(sim.groups))]
    zs = [sim.loss_history(g, 0)[1] for g in range(len(sim.groups))]
    names = [o.display_name() for o in scenario.optimizers]
    landscape = sim.landscape
    (x0, x1), (y0, y1) = landscape.domain
    xs, ys = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    zz = landscape.value(np.column_stack([xs.ravel(), ys.ravel()])).reshape(xs.shape)

    dpi = 100
    fig = plt.figure(figsize=(w / dpi, h / dpi), dpi=dpi)
    ax = fig.add_subplot(projection="3d", elev=50, azim=-125)
    ax.plot_surface(xs, ys, np.log10(zz + 1e-3), cmap="viridis", rstride=2, cstride=2,
                    edgecolor="none", alpha=0.8)  # fmt: skip
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("log10 J")
    colors = ["#e69f00", "#56b4e9", "#cc79a7", "#d55e00", "#0072b2"]
    lines = [ax.plot([], [], [], color=c, lw=2, label=n)[0] for c, n in zip(colors, names, strict=False)]
    dots = [ax.plot([], [], [], "o", color=c, ms=8)[0] for c in colors]
    ax.legend(loc="upper right")
    title = ax.set_title(scenario.title)
    steps = np.linspace(0, scenario.steps, args.frames).round().astype(int)

    def update(k):
        s = steps[k]
        for line, dot, p, z in zip(lines, dots, paths, zs, strict=False):
            line.set_data(p[: s + 1, 0], p[: s + 1, 1])
            line.set_3d_properties(np.log10(z[: s + 1] + 1e-3))
            dot.set_data(p[s : s + 1, 0], p[s : s + 1, 1])
            dot.set_3d_properties(np.log10(z[s : s + 1] + 1e-3))
        title.set_text(f"{scenario.title} — step {s}")
        return [*lines, *dots, title]

    anim = animation.FuncAnimation(fig, update, frames=args.frames, blit=False)
    writer = animation.FFMpegWriter(fps=args.fps, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
    anim.save(args.out, writer=writer, dpi=dpi)


if __name__ == "__main__":
    main()
