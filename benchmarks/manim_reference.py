"""The manim Community Edition way of making the Rosenbrock race clip, as a baseline for
``bench_export_vs_manim.py``.

Run by manim's own command line in its own virtual environment (``benchmarks/.venv-manim``, made by the
benchmark), so this file imports nothing from landscape_gui: the optimizer paths are computed by the app's
simulation beforehand and read from the JSON file named by ``LANDSCAPE_MANIM_DATA`` (domain, paths), as the
matplotlib baseline does, so every side animates exactly the same paths.

The scene is what a lecturer would write: Rosenbrock's surface at 48×48 patches over the preset's domain,
heights on a log scale, coloured by height, with 3-D axes, and the five optimizers' paths traced on it with
``Create`` over 5 seconds::

    LANDSCAPE_MANIM_DATA=paths.json manim render --resolution 1920,1080 --frame_rate 30 --disable_caching \\
        -q h benchmarks/manim_reference.py RosenbrockRace
"""

from __future__ import annotations

import json
import os

import numpy as np
from manim import DEGREES, Create, Surface, ThreeDAxes, ThreeDScene, VGroup, VMobject, linear

RESOLUTION = (48, 48)  # surface patches
DURATION = 5.0  # seconds
COLORS = ("#e69f00", "#56b4e9", "#cc79a7", "#d55e00", "#0072b2")  # the app's first five optimizer colours


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def log_height(v):
    return np.log10(v + 1e-3)


class RosenbrockRace(ThreeDScene):
    def construct(self):
        with open(os.environ["LANDSCAPE_MANIM_DATA"], encoding="utf-8") as f:
            data = json.load(f)
        (x0, x1), (y0, y1) = data["domain"]
        z_lo, z_hi = -3.0, float(log_height(rosenbrock(x0, y1)))
        axes = ThreeDAxes(
            x_range=(x0, x1, 0.5), y_range=(y0, y1, 0.5), z_range=(z_lo, z_hi, 1.0),
            x_length=7, y_length=7, z_length=3.5,
        )  # fmt: skip
        surface = Surface(
            lambda u, v: axes.c2p(u, v, log_height(rosenbrock(u, v))),
            u_range=(x0, x1), v_range=(y0, y1), resolution=RESOLUTION,
            fill_opacity=0.85, stroke_width=0.3,
        )  # fmt: skip
        surface.set_fill_by_value(
            axes=axes, colorscale=["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"], axis=2
        )
        paths = VGroup()
        for color, path in zip(COLORS, data["paths"], strict=False):
            p = np.asarray(path, dtype=float)
            z = log_height(rosenbrock(p[:, 0], p[:, 1])) + 0.02
            line = VMobject(stroke_color=color, stroke_width=4)
            line.set_points_as_corners([axes.c2p(x, y, h) for (x, y), h in zip(p, z, strict=True)])
            paths.add(line)
        self.set_camera_orientation(phi=65 * DEGREES, theta=-95 * DEGREES, zoom=0.8)
        self.add(axes, surface)
        self.play(*(Create(line) for line in paths), run_time=DURATION, rate_func=linear)
