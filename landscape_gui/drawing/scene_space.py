"""The 3D scene's space and blending, shared by everything drawn in it: heights go to ``[0, HEIGHT]``, the floor
with its contour lines lies at ``FLOOR``, balls and trails float ``LIFT`` above the surface; ``TRANSLUCENT`` items
are depth-tested (a trail behind a hill stays hidden), ``OVER`` items are blended over everything."""

from __future__ import annotations

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
