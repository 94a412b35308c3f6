"""The glyphs a frame shows on its balls: the core's glyph vectors (:mod:`landscape_gui.core.frames.glyphs`) and the
scale each kind is drawn at (decided here once; the 3D view, the map and the export draw what this says).

Scales. A vector is drawn ``scale`` times its size, in the landscape's own units, starting at its ball.
−∇J and the velocity buffer are in the same units (the momentum buffer sums gradients), so they share one
scale and their lengths compare directly: a velocity arrow ten times the gradient arrow means what it says.
The step taken has its own scale, and so has the effective step size (a box centred on the ball whose
half-width along each axis is ``scale × lr_eff`` of that axis). Each scale is the largest 1-2-5 number
(…, 0.1, 0.2, 0.5, 1, 2, 5, …) that keeps the longest glyph of its kind, over every ball, within
:data:`ARROW_SHARE` (:data:`BOX_SHARE` for boxes) of the domain's larger side, so the legend can say
"drawn ×0.5" in round numbers.

>>> nice_scale(0.37), nice_scale(3.0), nice_scale(12.0)
(0.2, 2.0, 10.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.frames.palette import GLYPH_STYLE
from landscape_gui.core.types import FloatArray, IntArray

if TYPE_CHECKING:
    from landscape_gui.core.frames.glyphs import Glyphs

#: The longest arrow of a kind: this share of the domain's larger side.
ARROW_SHARE = 0.2
#: The widest box (its half-width): this share of the domain's larger side.
BOX_SHARE = 0.08
#: Kinds that share one scale (their vectors have the same units).
SHARED = ("gradient", "velocity")


def nice_scale(x: float) -> float:
    """The largest 1-2-5 number (…, 0.1, 0.2, 0.5, 1, 2, …) not above ``x`` (``x`` > 0)."""
    k = math.floor(math.log10(x))
    for m in (5.0, 2.0, 1.0):
        v = m * 10.0**k
        if v <= x * (1 + 1e-12):
            return float(f"{v:.12g}")
    return 10.0**k  # not reached: 10**k ≤ x


@dataclass(frozen=True)
class GlyphSet:
    """One kind of glyph on the balls that have one: ``starts`` and ``vectors`` (M, d) in domain units,
    ``runs`` their run indices; a glyph is drawn ``scale × vector`` from its start (a box: that half-width)."""

    kind: str
    starts: FloatArray
    vectors: FloatArray
    runs: IntArray
    scale: float

    @property
    def ends(self) -> FloatArray:
        return self.starts + self.scale * self.vectors

    def legend(self, velocity_buffer: str | None = None) -> str:
        """What the glyph shows and its scale: ``−∇J, arrow ×0.5`` or, for the boxes, ``effective step size
        box half-widths: lr_eff per axis ×10``."""
        text = GLYPH_STYLE[self.kind][2]
        if self.kind == "velocity" and velocity_buffer:
            text = f"−velocity = −{velocity_buffer}"
        if self.kind == "effective_lr":
            return f"box half-widths: lr_eff per axis ×{self.scale:g}"
        return f"{text}, arrow ×{self.scale:g}"


def per_run(glyph_list: Sequence[Glyphs], kind: str, n_starts: int, dim: int) -> FloatArray:
    """(R, d) vectors of ``kind`` for every run, optimizer-major (NaN rows where an optimizer has none)."""
    rows = []
    for g in glyph_list:
        field = "neg_gradient" if kind == "gradient" else kind
        v = getattr(g, field)
        rows.append(np.full((n_starts, dim), np.nan) if v is None else np.asarray(v, dtype=np.float64))
    return np.concatenate(rows) if rows else np.zeros((0, dim))


def glyph_sets(
    glyph_list: Sequence[Glyphs],
    positions: ArrayLike,
    kinds: Iterable[str],
    domain: Sequence[tuple[float, float]],
) -> dict[str, GlyphSet]:
    """The glyphs of ``kinds`` for every ball: ``glyph_list`` holds one core ``Glyphs`` per optimizer, in
    order; ``positions`` (R, d) the balls, optimizer-major; ``domain`` the landscape's ``((lo, hi), ...)``.

    Balls whose vector is zero or missing get no glyph of that kind; a kind no ball has is left out.
    """
    pos = np.asarray(positions, dtype=np.float64)
    dim = pos.shape[1] if pos.ndim == 2 else 1
    pos = pos.reshape(-1, dim)
    n_starts = len(pos) // max(1, len(glyph_list))
    side = max(hi - lo for lo, hi in domain)
    vectors = {k: per_run(glyph_list, k, n_starts, dim) for k in kinds if k in GLYPH_STYLE}
    longest = {k: _longest(v, k) for k, v in vectors.items()}
    shared = max((longest[k] for k in SHARED if k in longest), default=0.0)
    out = {}
    for kind, v in vectors.items():
        size = shared if kind in SHARED else longest[kind]
        if size <= 0:
            continue
        share = BOX_SHARE if kind == "effective_lr" else ARROW_SHARE
        scale = nice_scale(share * side / size)
        ok = np.isfinite(v).all(axis=1) & (np.abs(v).max(axis=1, initial=0.0) > 0)
        out[kind] = GlyphSet(kind, pos[ok], v[ok], np.flatnonzero(ok), scale)
    return out


def _longest(v: FloatArray, kind: str) -> float:
    ok = np.isfinite(v).all(axis=1)
    if not ok.any():
        return 0.0
    size = np.abs(v[ok]).max(axis=1) if kind == "effective_lr" else np.linalg.norm(v[ok], axis=1)
    return float(size.max())
