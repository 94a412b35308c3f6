"""What a run is doing, in the lecture's words: every status text the app shows is defined here, once.

A :class:`~landscape_gui.core.analysis.simulation.Run` carries the facts (its status code, the step it is at, what it
reached or crawls by, whether it oscillates, whether it reached the step limit, whether it left the domain);
:func:`describe` turns them into the one text the runs table, the legend, ``trace`` and the tests read, and
:func:`tone` into the colour key the table paints it with.

Status codes (:data:`RUNNING`, :data:`CONVERGED`, :data:`DIVERGED`) are what the simulation decides step by
step; the texts add what a lecturer needs to know:

- ``ready``: step 0, before Play (a run that has not moved is not "running");
- ``running``: moving, nowhere in particular;
- near a critical point while still moving (see :attr:`Run.near`): ``stalled at a saddle``,
  ``stuck in a local minimum``, ``approaching the global minimum``;
- ``oscillating around the global minimum`` (``… in a local minimum``, or plain ``oscillating, not
  converging``): a noiseless run whose loss made no progress over the last :data:`WINDOW` steps (no new low
  and no lower peak than in the :data:`WINDOW` steps before) — it will not get there by going on;
- with gradient noise a run never settles: near a minimum it is ``jittering around the global minimum
  (noisy gradient)`` or ``jittering in a local minimum (noisy gradient)``;
- converged: ``reached the global minimum``, ``stuck in a local minimum``, ``stalled at a saddle``,
  ``stopped on a maximum``, ``stalled at a degenerate point``;
- ``diverged``;
- ``not moving (zero step)``: a running run whose last step did not move it at all (a learning rate of 0,
  e.g. a step schedule with gamma 0): it is neither converging nor oscillating;
- ``left the domain``: a running run outside the landscape's shown domain (a converged run out there keeps
  its text, with ``— outside the domain`` after it);
- once the simulation has taken its step limit, a run that has not converged says so: ``step limit
  reached``, or what it was doing followed by ``— step limit reached``.

>>> from types import SimpleNamespace as R
>>> describe(R(status="running", step=0))
'ready'
>>> describe(R(status="running", step=400, near="global_minimum", oscillating=True, at_limit=True))
'oscillating around the global minimum — step limit reached'
>>> describe(R(status="running", step=40, frozen=True))
'not moving (zero step)'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.types import BoolArray, FloatArray, IntArray

RUNNING, CONVERGED, DIVERGED = "running", "converged", "diverged"

READY = "ready"
STEP_LIMIT = "step limit reached"
LEFT_DOMAIN = "left the domain"
FROZEN = "not moving (zero step)"

#: What a converged run reached (keys: :attr:`Run.reached`).
CONVERGED_TEXT = {
    "global_minimum": "reached the global minimum",
    "local_minimum": "stuck in a local minimum",
    "saddle": "stalled at a saddle",
    "maximum": "stopped on a maximum",
    "degenerate": "stalled at a degenerate point",
}
#: What a running run crawls by (keys: :attr:`Run.near`).
NEAR_TEXT = {
    "saddle": "stalled at a saddle",
    "degenerate": "stalled at a degenerate point",
    "local_minimum": "stuck in a local minimum",
    "global_minimum": "approaching the global minimum",
}
OSCILLATING_TEXT = {
    "global_minimum": "oscillating around the global minimum",
    "local_minimum": "oscillating in a local minimum",
    None: "oscillating, not converging",
}
NOISY_TEXT = {
    "global_minimum": "jittering around the global minimum (noisy gradient)",
    "local_minimum": "jittering in a local minimum (noisy gradient)",
}

#: Steps in each of the two windows compared to decide that a run oscillates.
WINDOW = 50


def describe(run: Any) -> str:
    """The status text of a run (any object with the attributes of :class:`Run`; missing ones are off)."""
    status = run.status
    if status == DIVERGED:
        return "diverged"
    outside = getattr(run, "outside", False)
    if status == CONVERGED:
        text = CONVERGED_TEXT.get(getattr(run, "reached", None) or "", "converged")
        return f"{text} — outside the domain" if outside else text
    if run.step == 0 and not getattr(run, "at_limit", False):
        return READY
    near = getattr(run, "near", None)
    if outside:
        text = LEFT_DOMAIN
    elif getattr(run, "frozen", False):
        text = FROZEN
    elif getattr(run, "noisy", False) and near in NOISY_TEXT:
        text = NOISY_TEXT[near]
    elif getattr(run, "oscillating", False):
        text = OSCILLATING_TEXT.get(near, OSCILLATING_TEXT[None])
    else:
        text = NEAR_TEXT.get(near or "", RUNNING)
    if getattr(run, "at_limit", False):
        return STEP_LIMIT if text == RUNNING else f"{text} — {STEP_LIMIT}"
    return text


def tone(run: Any) -> str | None:
    """A colour key for the status: 'global', 'local', 'saddle', 'diverged', 'warning' or None (plain)."""
    status = run.status
    if status == DIVERGED:
        return "diverged"
    if getattr(run, "outside", False) or getattr(run, "oscillating", False) or getattr(run, "frozen", False):
        return "warning"
    kind = getattr(run, "reached", None) if status == CONVERGED else getattr(run, "near", None)
    if kind == "global_minimum":
        return "global"
    if kind == "local_minimum":
        return "local"
    if kind in ("saddle", "degenerate", "maximum"):
        return "saddle"
    return None


def not_improving(
    steps: IntArray, losses: FloatArray, t: int, ref: FloatArray, window: int = WINDOW
) -> BoolArray:
    """Which runs made no progress over the last ``window`` steps, from a recorded loss history.

    ``steps`` (K,) are the recorded steps (increasing), ``losses`` (K, N) the losses there, ``t`` the current
    step and ``ref`` (N,) the value each run is measured against (the critical point it is near, else 0). A
    run is *not improving* when, compared with the ``window`` steps before, the last ``window`` steps reach
    no lower loss and no lower peak (a record kept every k-th step needs a window of at least 2k steps). Runs within float precision of ``ref`` are improving (they are
    there), and so is every run while fewer than two recorded rows fall in either window. (A run that does
    not move at all is not improving either; :class:`Simulation` tells it apart: ``frozen``.)

    >>> s = np.arange(101); flat = np.where(s % 2, 1.0, 0.5)[:, None]  # a period-2 oscillation
    >>> bool(not_improving(s, flat, 100, np.zeros(1))[0])
    True
    >>> bool(not_improving(s, 0.9 ** s[:, None], 100, np.zeros(1))[0])
    False
    """
    n = losses.shape[1]
    last = steps > t - window
    prev = (steps > t - 2 * window) & ~last
    if last.sum() < 2 or prev.sum() < 2:
        return np.zeros(n, dtype=bool)
    with np.errstate(all="ignore"):
        e_last, e_prev = losses[last] - ref, losses[prev] - ref
        scale = np.maximum(np.abs(e_last).max(axis=0), np.abs(e_prev).max(axis=0))
        tol = 1e-9 * scale
        stuck = (e_last.min(axis=0) >= e_prev.min(axis=0) - tol) & (
            e_last.max(axis=0) >= e_prev.max(axis=0) - tol
        )
        there = scale <= 1e-12 * (1.0 + np.abs(ref))
    verdict: BoolArray = stuck & ~there & np.isfinite(scale)
    return verdict


def outside_domain(points: FloatArray, domain: Sequence[tuple[float, float]]) -> BoolArray:
    """Which rows of (N, d) ``points`` lie outside the rectangular ``domain`` ((low, high) per coordinate)."""
    out = np.zeros(len(points), dtype=bool)
    for j, (lo, hi) in enumerate(domain):
        slack = 1e-9 * (hi - lo)
        out |= (points[:, j] < lo - slack) | (points[:, j] > hi + slack)
    return out


#: Losses closer than this (relative to the larger magnitude, or absolutely below it) are a tie for the best run.
TIE = 1e-9


def best_run(values: ArrayLike, eligible: ArrayLike | None = None) -> int | None:
    """Index of the best run: the lowest finite loss among the ``eligible`` ones (all when None); None when
    no eligible run has a finite loss. Losses within :data:`TIE` of the lowest are a tie (many runs at a
    minimum of 0 end at 1e-20 or 1e-30 by chance), won by the lowest index.

    The one rule for "the best run" wherever it is shown (the ring in every view, the legend, an export, the
    restarts' summary); callers say which runs may be chosen: the window and the export those that did not
    diverge and are inside the domain, ``restarts`` those that reached a critical point and ended inside the
    domain.

    >>> best_run([3.0, 1e-25, 1e-31, 0.5], [True, True, True, False])
    1
    >>> best_run([3.0, 1.0, 1.0, 0.5], [True, True, True, False])
    1
    >>> best_run([float("nan"), 2.0], [True, False]) is None
    True
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if eligible is not None:
        v = np.where(np.asarray(eligible, dtype=bool).ravel(), v, np.inf)
    v = np.where(np.isfinite(v), v, np.inf)
    if not np.isfinite(v).any():
        return None
    low = v.min()
    tied = v <= low + TIE * max(1.0, abs(low))
    return int(np.flatnonzero(tied)[0])
