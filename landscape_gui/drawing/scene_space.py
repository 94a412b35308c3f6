"""The 3D scene's space and blending, shared by everything drawn in it: heights go to ``[0, HEIGHT]``, the floor
with its contour lines lies at ``FLOOR``, balls and trails float ``LIFT`` above the surface; ``TRANSLUCENT`` items
are depth-tested (a trail behind a hill stays hidden), ``OVER`` items are blended over everything."""

from __future__ import annotations

from typing import Any

from OpenGL import GL

HEIGHT = 1.0
FLOOR = -0.35
RIBBON = 0.12  # half-width of the 1-D ribbon
LIFT = 0.012  # balls and trails float this far above the surface
XY_LIMIT = (
    1.04  # runs are drawn within the box (this share of it): one far outside stays on its wall, in view
)
LABEL_PT = 9  # axis labels, points at scale 1
TRANSLUCENT = "translucent"  # depth test on: trails behind hills stay hidden
OVER = {  # alpha blending without the depth test: drawn over the surface
    GL.GL_DEPTH_TEST: False,
    GL.GL_BLEND: True,
    "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA),
}

#: The default camera but for its elevation (:func:`floor_elevation`): from this corner, at this distance.
CAMERA: dict[str, Any] = {"distance": 3.7, "azimuth": -62.0, "center": (0.0, 0.0, 0.15)}
#: The default camera's elevation range (degrees): 30 shows a bowl's shape; past 65 the surface looks flat.
ELEVATION = (30.0, 65.0)


def floor_elevation(xs, ys, zs, azimuth: float) -> float:
    """The camera elevation (degrees, within :data:`ELEVATION`) from which the lowest point of the surface
    ``zs[i, j]`` over ``(xs[i], ys[j])`` (scene coordinates) is seen over everything between it and a camera at
    ``azimuth``, with 3° to spare: the floor of a narrow valley, not its near wall. Only a valley's floor: where
    the lowest point is on the box's edge (a saddle) or the surface does not rise steadily from it towards the
    camera (an egg crate, whose hollows no camera short of overhead shows) the usual 30°.

    A valley z = 3y² in a box |y| ≤ 0.5 seen along y rises 0.75 over 0.5: from its floor the wall's top is at
    atan(0.75 / 0.5) = 56.3°:

    >>> import numpy as np
    >>> xs, ys = np.linspace(-1, 1, 81), np.linspace(-0.5, 0.5, 201)
    >>> abs(floor_elevation(xs, ys, 3 * ys[None, :] ** 2 + 0 * xs[:, None], -90.0) - 59.3) < 0.3
    True
    >>> floor_elevation(xs, ys, 0 * ys[None, :] + 0 * xs[:, None], -90.0)  # a flat floor: the usual view
    30.0
    """
    import numpy as np

    xs, ys, zs = (np.asarray(a, dtype=np.float64) for a in (xs, ys, zs))
    finite = np.isfinite(zs)
    if not finite.any() or len(xs) < 2 or len(ys) < 2:
        return ELEVATION[0]
    low = np.where(finite, zs, np.inf)
    floor = low <= low.min() + 1e-9 * (np.nanmax(zs[finite]) - low.min())  # a flat floor: its middle
    centre = np.hypot(xs[:, None] - xs.mean(), ys[None, :] - ys.mean())
    i, j = np.unravel_index(np.argmin(np.where(floor, centre, np.inf)), zs.shape)
    if i in (0, len(xs) - 1) or j in (0, len(ys) - 1):
        return ELEVATION[0]
    step = min(xs[1] - xs[0], ys[1] - ys[0])
    d = np.arange(1, 4 * max(len(xs), len(ys))) * step
    a = np.radians(azimuth)
    px, py = xs[i] + d * np.cos(a), ys[j] + d * np.sin(a)
    inside = (px >= xs[0]) & (px <= xs[-1]) & (py >= ys[0]) & (py <= ys[-1])
    d, px, py = d[inside], px[inside], py[inside]
    if not len(d):
        return ELEVATION[0]
    ii = np.clip(np.rint((px - xs[0]) / (xs[1] - xs[0])).astype(int), 0, len(xs) - 1)
    jj = np.clip(np.rint((py - ys[0]) / (ys[1] - ys[0])).astype(int), 0, len(ys) - 1)
    rise = zs[ii, jj] - zs[i, j]
    tolerance = 0.02 * (np.nanmax(zs) - zs[i, j])
    if (np.diff(rise[np.isfinite(rise)]) < -tolerance).any():
        return ELEVATION[0]  # hills and hollows between the floor and the camera: not a valley
    angle = np.degrees(np.arctan2(rise, d))  # NaN where J is undefined: no wall there
    need = float(np.nanmax(angle)) if np.isfinite(angle).any() else 0.0
    return float(np.clip(need + 3.0, *ELEVATION))
