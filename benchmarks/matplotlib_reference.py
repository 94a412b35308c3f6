"""The approach of the popular optimizer-animation scripts, as a baseline for ``bench_export_vs_manim.py``.

A matplotlib 3D surface of Rosenbrock with each optimizer's path drawn by ``FuncAnimation`` (lines and
current points updated per frame with ``set_data``/``set_3d_properties``, the surface drawn once, as
those scripts do), saved with ``FFMpegWriter`` through the ffmpeg binary imageio-ffmpeg carries, at the
same size, frame count and codec (H.264, yuv420p) as ``landscape-gui export``. It runs in the baselines'
environment (``benchmarks/.venv-manim``, made by the benchmark), so it imports nothing from landscape_gui: the
paths, computed by the app's own simulation, come from the JSON file the benchmark writes (``PATHS``).

    python benchmarks/matplotlib_reference.py PATHS.json OUT.mp4 [--size 1920x1080] [--frames 150] [--fps 30]
"""

from __future__ import annotations

import argparse
import json

import imageio_ffmpeg
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation

matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths")
    ap.add_argument("out")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--frames", type=int, default=150)
    ap.add_argument("--fps", type=int, default=30)
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    with open(args.paths, encoding="utf-8") as f:
        data = json.load(f)

    paths = [np.asarray(p, dtype=float) for p in data["paths"]]
    zs = [rosenbrock(p[:, 0], p[:, 1]) for p in paths]
    (x0, x1), (y0, y1) = data["domain"]
    xs, ys = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    zz = rosenbrock(xs, ys)

    dpi = 100
    fig = plt.figure(figsize=(w / dpi, h / dpi), dpi=dpi)
    ax = fig.add_subplot(projection="3d", elev=50, azim=-125)
    ax.plot_surface(xs, ys, np.log10(zz + 1e-3), cmap="viridis", rstride=2, cstride=2,
                    edgecolor="none", alpha=0.8)  # fmt: skip
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("log10 J")
    colors = ["#e69f00", "#56b4e9", "#cc79a7", "#d55e00", "#0072b2"]
    names = data["names"]
    lines = [ax.plot([], [], [], color=c, lw=2, label=n)[0] for c, n in zip(colors, names, strict=False)]
    dots = [ax.plot([], [], [], "o", color=c, ms=8)[0] for c in colors]
    ax.legend(loc="upper right")
    title = ax.set_title(data["title"])
    steps = np.linspace(0, data["steps"], args.frames).round().astype(int)

    def update(k):
        s = steps[k]
        for line, dot, p, z in zip(lines, dots, paths, zs, strict=False):
            line.set_data(p[: s + 1, 0], p[: s + 1, 1])
            line.set_3d_properties(np.log10(z[: s + 1] + 1e-3))
            dot.set_data(p[s : s + 1, 0], p[s : s + 1, 1])
            dot.set_3d_properties(np.log10(z[s : s + 1] + 1e-3))
        title.set_text(f"{data['title']} — step {s}")
        return [*lines, *dots, title]

    anim = animation.FuncAnimation(fig, update, frames=args.frames, blit=False)
    writer = animation.FFMpegWriter(fps=args.fps, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
    anim.save(args.out, writer=writer, dpi=dpi)


if __name__ == "__main__":
    main()
