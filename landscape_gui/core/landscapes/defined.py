"""Where a landscape is defined: ``log(x)`` or ``sqrt(x)`` give no real number for x < 0.

The views draw a gap there instead of a fake plateau, the formula box says where it is, and start points
placed there are refused.

>>> from landscape_gui.core.landscapes.expressions import landscape_from_formula
>>> L = landscape_from_formula("sqrt(x) + y**2", domain=[(-2, 2), (-2, 2)])
>>> defined_at(L, [[1.0, 0.0], [-1.0, 0.0]]).tolist()
[True, False]
>>> undefined_note(L)
'J is undefined (not a real number) on 50 % of the domain: x from -2 to -0.04'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.types import BoolArray

if TYPE_CHECKING:
    from landscape_gui.core.landscapes.landscape import Landscape


def defined_at(landscape: Landscape, points: ArrayLike) -> BoolArray:
    """Whether J is a finite real number at each of the (N, d) ``points``."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, landscape.dim)
    if not len(pts):
        return np.zeros(0, bool)
    with np.errstate(all="ignore"):
        return np.isfinite(np.asarray(landscape.value(pts), dtype=np.float64).reshape(-1))


def undefined_note(landscape: Landscape, resolution: int = 101) -> str | None:
    """One line saying where over its domain J is undefined (None where it is defined everywhere).

    Sampled on a ``resolution``-point grid per axis; an axis is named only where the undefined points do not
    span the whole of it.
    """
    grid = landscape.grid(resolution)
    with np.errstate(all="ignore"):
        bad = ~np.isfinite(np.asarray(grid[-1], dtype=np.float64))
    if not bad.any():
        return None
    share = bad.mean()
    parts = []
    for axis, (name, samples) in enumerate(zip(landscape.variables, grid[:-1], strict=False)):
        hit = bad.any(axis=1 - axis) if landscape.dim == 2 else bad
        lo, hi = samples[hit].min(), samples[hit].max()
        if hit.all():
            continue
        parts.append(f"{name} from {lo:.3g} to {hi:.3g}")
    where = f": {', '.join(parts)}" if parts else ""
    amount = "all" if share == 1 else f"{max(1, round(100 * share))} %"
    return f"J is undefined (not a real number) on {amount} of the domain{where}"
