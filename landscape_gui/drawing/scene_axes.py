"""The 3D scene's axes: the floor box with its ticks, the height axis, their labels (linear or log heights)."""

from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from landscape_gui.drawing.scene_space import FLOOR, HEIGHT, LABEL_PT, OVER, TRANSLUCENT


def axis_names(landscape) -> tuple[str, ...]:
    """The landscape's parameter names for its axes (slope/intercept, w1/w2, a/b), else x and y."""
    names = tuple(getattr(landscape, "variables", ()) or ())
    return names if len(names) == landscape.dim else ("x", "y")[: landscape.dim]


def nice_ticks(lo: float, hi: float, count: int = 5) -> np.ndarray:
    step = (hi - lo) / max(1, count - 1)
    mag = 10 ** np.floor(np.log10(step)) if step > 0 else 1.0
    for m in (1, 2, 2.5, 5, 10):
        if step <= m * mag:
            step = m * mag
            break
    start = np.ceil(lo / step - 1e-9) * step
    ticks = np.arange(start, hi + step * 1e-9, step)
    return ticks[(ticks >= lo - 1e-12) & (ticks <= hi + 1e-12)]


def tick_text(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1e4 or abs(v) < 1e-2:
        return f"{v:.0e}".replace("e+0", "e").replace("e-0", "e-")
    return f"{v:.4g}" if abs(v) >= 1e3 else f"{v:.3g}"  # 2000, not 2e+03


def build_axes(scene) -> tuple[list, list]:
    """The floor box, the height axis, their ticks and labels of ``scene`` (its landscape just set): the
    line items and the text items, for the scene to add as static items."""
    sx, sy = scene.half_extent
    f = FLOOR
    box = [(-sx, -sy), (sx, -sy), (sx, sy), (-sx, sy), (-sx, -sy)]
    seg = []
    for a, b in zip(box[:-1], box[1:], strict=True):
        seg += [(*a, f), (*b, f)]
    height = [(-sx, sy, f), (-sx, sy, HEIGHT)]  # z axis at the back-left corner
    x_ticks = nice_ticks(scene.lo[0], scene.hi[0])
    tick = 0.04
    # (position, text, alignment or None for pyqtgraph's left/bottom)
    labels: list[tuple[tuple[float, float, float], str, Qt.AlignmentFlag | None]] = []
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for t in x_ticks:
        x = scene.to_scene(np.array([[t] + ([scene.lo[1]] if scene.dim == 2 else [])]))[0, 0]
        seg += [(x, -sy, f), (x, -sy - tick, f)]
        labels.append(((x, -sy - 0.12, f), tick_text(t), None))
    if scene.dim == 2:
        for t in nice_ticks(scene.lo[1], scene.hi[1]):
            y = scene.to_scene(np.array([[scene.lo[0], t]]))[0, 1]
            seg += [(sx, y, f), (sx + tick, y, f)]
            labels.append(((sx + 0.1, y, f), tick_text(t), None))
    for z, value in z_ticks(scene):
        height += [(-sx, sy, z), (-sx - tick, sy, z)]
        labels.append(((-sx - 0.07, sy, z), tick_text(value), right))  # ends by its tick
    names = axis_names(scene.landscape)
    name = f"J({', '.join(names)})"
    labels += [
        ((0, -sy - 0.28, f), names[0], None),
        ((-sx - 0.1, sy, HEIGHT * 1.12), name + (" (log)" * scene.log_height), None),
    ]
    if scene.dim == 2:
        labels.append(((sx + 0.3, 0, f), names[1], None))
    # Not pyqtgraph's default additive blending for lines, which turns the light theme's dark lines white.
    # The floor box is hidden where the surface stands in front of it; the height axis is drawn over
    # everything, as its labels are.
    lines = [
        gl.GLLinePlotItem(pos=np.array(s, dtype=np.float32), mode="lines", width=scene.scale, glOptions=o)
        for s, o in ((seg, TRANSLUCENT), (height, OVER))
    ]
    font = QFont()
    font.setPointSizeF(LABEL_PT * scene.scale)
    texts = []
    for pos, text, align in labels:
        item = gl.GLTextItem(pos=pos, text=text, font=font)
        if align is not None:
            item.setData(alignment=align)
        texts.append(item)
    return lines, texts


def z_ticks(scene) -> list[tuple[float, float]]:
    """(scene z, value) of the height axis's ticks: round values (0, 2, 4, …) on a linear axis, powers of
    ten on a log axis (above the lowest value when some are negative); none outside the surface's
    range, but a round value within 1% of it (0 under a grid minimum of 1e-5) is kept at the floor."""
    lo, hi = scene.value_range
    if scene.log_height:
        base = 0.0 if lo >= 0 else lo  # round values themselves where all are ≥ 0
        k0, k1 = np.ceil(np.log10(lo - base + scene.eps)), np.floor(np.log10(hi - base))
        values = base + 10.0 ** np.arange(k0, k1 + 1)[:: max(1, int(np.ceil((k1 - k0 + 1) / 5)))]
    else:
        slack = 0.01 * (hi - lo)
        values = nice_ticks(lo - slack, hi + slack)
    if len(values) < 2:  # a range too narrow for round values: its ends
        values = np.array([lo, hi])
    z = np.clip(scene.z_of_values(values), 0.0, HEIGHT)
    return [(float(a), float(b)) for a, b in zip(z, values, strict=True)]
