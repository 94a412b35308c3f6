"""Many runs drawn as one pyqtgraph curve (their (x, y) pieces joined with a NaN between them), stroked in pieces;
every run's trail thinned at once from the frame's dense tracks (:class:`Trails`), with no Python loop over runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtOpenGLWidgets import QOpenGLWidget


def joined(pieces) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate ``(x, y)`` pieces with a NaN between them: a gap for a curve with ``connect='finite'``.

    pyqtgraph's cost per item (bounds, a path, a stroke) made one item per run the cost of a frame with many
    runs; one item per style holds all the runs drawn in it.
    """
    pieces = list(pieces)
    if not pieces:
        return np.empty(0), np.empty(0)
    gap = np.array([np.nan])
    xs = [a for x, _ in pieces for a in (np.asarray(x, dtype=np.float64), gap)][:-1]
    ys = [a for _, y in pieces for a in (np.asarray(y, dtype=np.float64), gap)][:-1]
    return np.concatenate(xs), np.concatenate(ys)


def grouped(keys: Iterable[Any]) -> list[tuple[Any, np.ndarray]]:
    """``(key, runs)`` for each distinct style key, in order of first appearance; ``runs`` in run order."""
    keys = list(keys)
    return [
        (k, np.array([i for i, key in enumerate(keys) if key == k], dtype=np.intp))
        for k in dict.fromkeys(keys)
    ]


THIN_FROM = 17  # runs: from this many on, trails and plot curves are 1 px wide
#: Start points: from this many on (random restarts) they are not marked: a cross at each of 1000 starts hid the
#: map and the surface, and where the runs end is the lesson.
MARKED_STARTS = 200


def line_width(n_runs: int, scale: float = 1.0) -> float:
    """Pen width of the 2D trails and plot curves: 2 px × ``scale`` (presentation mode), or a 1 px hairline
    whatever the scale when there are so many runs that wide lines would merge into a band (stroking them,
    antialiased and dashed, took ~100 ms per plot refresh at 100 runs in the raster engine, against ~25 ms at
    1 px; and Qt's stroker crashed on a thousand runs' joined curve at 1.5 px in presentation mode)."""
    return 2.0 * scale if n_runs < THIN_FROM else 1.0


#: Trail points drawn per view, all runs together: past it each run's trail is thinned (hundreds of random
#: restarts would otherwise push hundreds of thousands of points through every frame).
TRAIL_BUDGET = 60_000
MIN_TRAIL_POINTS = 24


def points_per_run(n_runs: int) -> int:
    """How many points of each run's trail are drawn when ``n_runs`` are shown."""
    return max(MIN_TRAIL_POINTS, TRAIL_BUDGET // max(1, n_runs))


_thin_cache: dict[tuple[int, int], np.ndarray] = {}


def thinned(length: int, keep: int) -> np.ndarray | slice:
    """Indices of at most about ``keep`` of ``length`` trail points: every s-th from the first, and the last.

    The stride s is a power of two, so as a trail grows its drawn points stay where they were until the
    stride doubles (a stride that followed the length exactly would make the trails shimmer).

    >>> thinned(5, 10)
    slice(None, None, None)
    >>> thinned(10, 4).tolist()
    [0, 4, 8, 9]
    """
    if length <= keep:
        return slice(None)
    key = (int(length), int(keep))
    index = _thin_cache.get(key)
    if index is None:
        stride = 1 << int(np.ceil(np.log2((length - 1) / max(1, keep - 1))))
        index = np.arange(0, length, stride)
        if index[-1] != length - 1:
            index = np.append(index, length - 1)
        if len(_thin_cache) > 4096:
            _thin_cache.clear()
        _thin_cache[key] = index
    return index


#: Points per stroked piece of a :class:`ChunkedCurve`.
CHUNK = 64


class ChunkedCurve(pg.PlotCurveItem):
    """A ``PlotCurveItem`` that strokes a long solid curve in pieces of :data:`CHUNK` points.

    Qt's antialiased rasteriser slows down far more than linearly with the length of a wide pen's outline (it
    renders in bands that must fit a small cell pool, and splits them until they do): the five 1000-step loss
    curves of a 1080p export took ~19 ms to stroke 2 px wide as single paths, ~3.5 ms in pieces of 64 points.
    The pieces share their end points; where they meet, the pen's caps overlap instead of being joined, which
    changes a few edge pixels at sharp turns. Dashed pens, fills, shadows, OpenGL viewports and 1 px pens (Qt
    strokes those with its cosmetic stroker, whose cost grows only linearly; 1000 restarts' trails made ~940
    pieces, ~45 ms a frame) take pyqtgraph's own single path.
    """

    _pieces_of: tuple | None = None
    _pieces: list = []

    def paint(self, p, opt, widget):
        x, y, pen = self.xData, self.yData, self.opts["pen"]
        if (
            x is None
            or len(x) <= CHUNK + 1
            or self.opts["fillLevel"] is not None
            or self.opts["shadowPen"] is not None
            or self.opts["stepMode"]
            or pen is None
            or pen.style() != Qt.PenStyle.SolidLine
            or (pen.isCosmetic() and pen.widthF() <= 1)  # Qt's cosmetic stroker: linear in the length already
            or self._shouldUseDrawLineSegments(pen)
            or isinstance(widget, QOpenGLWidget)
        ):
            return super().paint(p, opt, widget)
        if self._pieces_of is None or self._pieces_of[0] is not x or self._pieces_of[1] is not y:
            self._pieces = [
                pg.arrayToQPath(x[i : i + CHUNK + 1], y[i : i + CHUNK + 1], connect=self.opts["connect"])
                for i in range(0, len(x) - 1, CHUNK)
            ]
            self._pieces_of = (x, y)
        aa = (
            self._exportOpts.get("antialias", True)
            if self._exportOpts is not False
            else self.opts["antialias"]
        )
        p.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        if self.opts["compositionMode"] is not None:
            p.setCompositionMode(self.opts["compositionMode"])
        p.setPen(pen)
        for piece in self._pieces:
            p.drawPath(piece)
        return None


def _index(length: int, keep: int) -> np.ndarray:
    """:func:`thinned` as an index array."""
    index = thinned(length, keep)
    return np.arange(length) if isinstance(index, slice) else index


@dataclass(frozen=True)
class Trails:
    """Every run's trail, one dense block per optimizer: run ``r`` of block ``g`` is rows ``first[g][r]`` …
    ``end[g][r] − 1`` of column ``r`` of ``points[g]`` (K, d, R) and ``values[g]`` (K, R) (see
    :class:`~landscape_gui.core.frames.snapshot.Track`). Runs are numbered block after block."""

    points: tuple[np.ndarray, ...]
    values: tuple[np.ndarray, ...] | None
    first: tuple[np.ndarray, ...]
    end: tuple[np.ndarray, ...]

    @classmethod
    def of_frame(cls, frame) -> Trails:
        """The trails a :class:`~landscape_gui.core.frames.presenter.Frame` shows."""
        tracks = frame.snapshot.tracks
        return cls(
            tuple(t.points for t in tracks),
            tuple(t.values for t in tracks),
            tuple(np.asarray(f, np.intp) for f in frame.trail_first),
            tuple(np.asarray(t.lengths, np.intp) for t in tracks),
        )

    @classmethod
    def of_paths(cls, paths, values=None, dim: int = 2) -> Trails:
        """Trails of a list of (L, d) paths (and their values): one block per path."""
        pts = [np.asarray(p, dtype=np.float64).reshape(-1, dim) for p in paths]
        return cls(
            tuple(p[:, :, None] for p in pts),
            None if values is None else tuple(np.asarray(v, np.float64).reshape(-1, 1) for v in values),
            tuple(np.zeros(1, np.intp) for _ in pts),
            tuple(np.array([len(p)], np.intp) for p in pts),
        )

    @classmethod
    def empty(cls) -> Trails:
        return cls((), (), (), ())

    @property
    def sizes(self) -> list[int]:
        """Runs per block."""
        return [len(f) for f in self.first]

    @property
    def n_runs(self) -> int:
        return sum(self.sizes)

    def block(self, g: int, keep: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Block ``g``'s trails, each thinned to about ``keep`` points (:func:`thinned`): ``(points (N, d),
        values (N,) or None, counts (R,))``, the runs one after another."""
        first, end = self.first[g], self.end[g]
        length = np.maximum(end - first, 0)
        key = first * (int(length.max(initial=0)) + 1) + length
        uniq, where, inverse = np.unique(key, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        index = [first[w] + _index(int(length[w]), keep) for w in where]
        counts_u = np.array([len(i) for i in index], dtype=np.intp)
        counts = counts_u[inverse]
        flat = np.concatenate(index) if index else np.empty(0, np.intp)
        starts_u = np.cumsum(counts_u) - counts_u
        out_starts = np.cumsum(counts) - counts
        total = int(counts.sum())
        src = np.repeat(starts_u[inverse] - out_starts, counts) + np.arange(total)
        rows, cols = flat[src], np.repeat(np.arange(len(first)), counts)
        pts = self.points[g][rows, :, cols]
        vals = None if self.values is None else self.values[g][rows, cols]
        return pts, vals, counts

    def all(self, keep: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """:meth:`block` of every block, one after another."""
        parts = [self.block(g, keep) for g in range(len(self.first))]
        if not parts:
            return np.empty((0, 0)), None, np.empty(0, np.intp)
        pts = np.concatenate([p for p, _, _ in parts])
        vals = None if self.values is None else np.concatenate([v for _, v, _ in parts])
        return pts, vals, np.concatenate([c for _, _, c in parts])


def nan_joined(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The pieces of ``x`` (``counts`` values each, one after another) with a NaN between them, as :func:`joined`
    joins them (pieces of no values are left out)."""
    counts = np.asarray(counts, np.intp)
    counts = counts[counts > 0]
    if not len(counts):
        return np.empty(0)
    out = np.full(len(x) + len(counts) - 1, np.nan)
    out[np.arange(len(x)) + np.repeat(np.arange(len(counts)), counts)] = x
    return out


def connected(counts: np.ndarray) -> np.ndarray:
    """pyqtgraph's ``connect`` array for runs of ``counts`` points one after another: 1 where a point joins the
    next one (pyqtgraph's meaning), 0 at each run's last point.

    >>> connected(np.array([3, 1, 2])).tolist()
    [1, 1, 0, 0, 1, 0]
    """
    counts = np.asarray(counts, np.intp)
    out = np.ones(int(counts.sum()), dtype=np.int32)
    out[(np.cumsum(counts) - 1)[counts > 0]] = 0
    return out
