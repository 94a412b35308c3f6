"""The one definition of a usable domain: where every domain enters (scenario files, the window's domain
fields, ``--domain`` on the command line, a restored session), it is checked here.

A domain is one ``(low, high)`` interval per variable. Each interval must be

- finite, with ``low < high``;
- within ``±MAX_BOUND`` (1e6): the surface, the map, the axis ticks and the optimizers' tolerances are all
  computed in float64 from the bounds, and far beyond this they overflow or lose every digit (a domain of
  ±1e154 made the 3D view's tick code fail and, saved in the session, stopped every later launch);
- at least ``MIN_REL_WIDTH × max(1, |low|, |high|)`` wide (1e-9): a narrower interval has too few distinct
  float64 values for a 200-point grid (``[0, 5e-324]`` holds a single one).

>>> check_domain([(-2, 2), (-1, 3)], 2)
((-2.0, 2.0), (-1.0, 3.0))
>>> check_domain([(1, 1)], 1)
Traceback (most recent call last):
...
landscape_gui.core.landscapes.domain.DomainError: x: low 1 must be below high 1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

#: Largest magnitude of a domain bound.
MAX_BOUND = 1e6
#: Narrowest interval, relative to the magnitude of its bounds (and absolute below 1).
MIN_REL_WIDTH = 1e-9

AXES = ("x", "y")


class DomainError(ValueError):
    """A domain that cannot be drawn or sampled; ``str(error)`` is one line naming the axis."""


def _num(v: float) -> str:
    """A bound as short as it reads back exactly (``1``, ``1e+06``, ``1.0000000001``)."""
    short = f"{v:g}"
    return short if float(short) == v else repr(v)


def _axis(i: int, dim: int) -> str:
    return AXES[i] if dim <= len(AXES) else f"variable {i + 1}"


def check_interval(low: Any, high: Any, axis: str = "x") -> tuple[float, float]:
    """``(low, high)`` as floats, or :class:`DomainError` saying what is wrong with this axis."""
    try:
        lo, hi = float(low), float(high)
    except (TypeError, ValueError):
        raise DomainError(f"{axis}: expected two numbers (low, high), got {low!r}, {high!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise DomainError(f"{axis}: bounds must be finite numbers, got {_num(lo)}, {_num(hi)}")
    if not lo < hi:
        raise DomainError(f"{axis}: low {_num(lo)} must be below high {_num(hi)}")
    if max(abs(lo), abs(hi)) > MAX_BOUND:
        raise DomainError(f"{axis}: bounds must lie within ±{MAX_BOUND:g}, got {_num(lo)} … {_num(hi)}")
    if hi - lo < MIN_REL_WIDTH * max(1.0, abs(lo), abs(hi)):
        raise DomainError(
            f"{axis}: interval {_num(lo)} … {_num(hi)} is too narrow (at least {MIN_REL_WIDTH:g} × its magnitude)"
        )
    return lo, hi


def check_domain(domain: Sequence[Sequence[float]], dim: int) -> tuple[tuple[float, float], ...]:
    """``domain`` as ``dim`` checked float intervals; raises :class:`DomainError` (one line) otherwise."""
    try:
        intervals = [tuple(iv) for iv in domain]
    except TypeError:
        raise DomainError(f"expected {dim} intervals (low, high), got {domain!r}") from None
    if len(intervals) != dim or any(len(iv) != 2 for iv in intervals):
        raise DomainError(f"expected {dim} interval{'s' if dim > 1 else ''} (low, high), got {domain!r}")
    return tuple(check_interval(lo, hi, _axis(i, dim)) for i, (lo, hi) in enumerate(intervals))
