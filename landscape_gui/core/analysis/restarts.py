"""Random restarts: how likely is one run to reach the global minimum, and how many runs do you need?

``n`` start points drawn uniformly over the domain (``numpy.random.default_rng(seed)``) are stepped by each
optimizer, exactly as :func:`landscape_gui.core.analysis.basins.settle` steps a basin map's starts (so the outcomes
are the same: the critical point within ``tol`` of the end point, ``not_settled`` or ``diverged``).

Per optimizer the summary gives the shares of five categories (``global_minimum``, ``other_minimum``,
``saddle`` (saddles, maxima and degenerate points: critical points that are not minima), ``not_settled``,
``diverged``), the success probability ``p`` (the share reaching a global minimum), the best run (lowest
final loss of the runs that did not diverge), and the curve P(at least one of k restarts reaches the global
minimum) against k, **measured** by resampling: for each k, ``samples`` draws of k runs out of the n (with
replacement, from ``default_rng([seed, 1])``), the share of draws holding a success; beside it the formula
1 − (1 − p)ᵏ, which is the exact expectation of that measurement.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> r = run_restarts(get_landscape("two_wells"), [("gd", {"lr": 0.05})], n=200, seed=1, steps=300)[0]
>>> 0.2 < r.p < 0.8, r.restarts_needed(0.99) > 1
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from landscape_gui.core.analysis.basins import DIVERGED, NOT_SETTLED, BasinProblem, Outcome, Settled, settle
from landscape_gui.core.landscapes.landscape import Landscape

__all__ = ["CATEGORIES", "RestartSummary", "random_starts", "run_restarts", "success_curve"]

CATEGORIES = ("global_minimum", "other_minimum", "saddle", "not_settled", "diverged")


def random_starts(landscape: Landscape, n: int, seed: int) -> np.ndarray:
    """``n`` points uniform over the domain, shape (n, d), from ``numpy.random.default_rng(seed)``."""
    if int(n) != n or n < 1:
        raise ValueError(f"the number of runs must be a whole number ≥ 1, not {n}")
    lo = np.array([a for a, _ in landscape.domain])
    hi = np.array([b for _, b in landscape.domain])
    return lo + (hi - lo) * np.random.default_rng(seed).random((int(n), landscape.dim))


def success_curve(success: np.ndarray, ks: Sequence[int], samples: int, seed: int) -> np.ndarray:
    """P(at least one success among k runs drawn with replacement from ``success``), measured with
    ``samples`` draws per k (``default_rng([seed, 1])``)."""
    success = np.asarray(success, dtype=bool)
    rng = np.random.default_rng([seed, 1])
    out = np.empty(len(ks))
    for i, k in enumerate(ks):
        draws = rng.integers(0, success.size, size=(samples, int(k)))
        out[i] = success[draws].any(axis=1).mean()
    return out


@dataclass(frozen=True)
class RestartSummary:
    """The restarts of one optimizer (see the module docstring)."""

    optimizer: str
    params: Mapping[str, float]
    settled: Settled
    ks: np.ndarray
    measured: np.ndarray
    samples: int

    @property
    def runs(self) -> int:
        return int(self.settled.labels.size)

    def outcomes(self) -> list[Outcome]:
        return self.settled.outcomes()

    def categories(self) -> dict[str, float]:
        """Share of the runs in each of :data:`CATEGORIES` (summing to 1)."""
        pts = self.settled.points
        out = dict.fromkeys(CATEGORIES, 0.0)
        for o in self.outcomes():
            if o.label == NOT_SETTLED:
                key = "not_settled"
            elif o.label == DIVERGED:
                key = "diverged"
            elif pts[o.label].kind == "minimum":
                key = "global_minimum" if o.is_global else "other_minimum"
            else:
                key = "saddle"
            out[key] += o.share
        return out

    @property
    def success(self) -> np.ndarray:
        """Per run: whether it reached a global minimum."""
        glob = np.array([p.is_global for p in self.settled.points] + [False, False])
        return glob[self.settled.labels]  # labels −1, −2 index the two False at the end

    @property
    def p(self) -> float:
        return float(self.success.mean())

    def formula(self) -> np.ndarray:
        """1 − (1 − p)ᵏ at :attr:`ks`."""
        return 1.0 - (1.0 - self.p) ** self.ks

    def restarts_needed(self, confidence: float = 0.9) -> int | float:
        """The fewest restarts k (an int) with 1 − (1 − p)ᵏ ≥ ``confidence``, that inequality evaluated as
        :meth:`formula` evaluates it; ``math.inf`` when p = 0 (no number of restarts is enough)."""
        p = self.p
        if p <= 0:
            return math.inf
        if p >= 1:
            return 1
        k = max(
            1, math.ceil(math.log1p(-confidence) / math.log1p(-p))
        )  # the estimate; rounding can be ±1 off
        while k > 1 and 1.0 - (1.0 - p) ** (k - 1) >= confidence:
            k -= 1
        while 1.0 - (1.0 - p) ** k < confidence:
            k += 1
        return int(k)

    def best(self) -> int | None:
        """Index of the run with the lowest final loss among those that did not diverge (None if all did)."""
        s = self.settled
        ok = (s.labels != DIVERGED) & np.isfinite(s.loss)
        if not ok.any():
            return None
        return int(np.flatnonzero(ok)[np.argmin(s.loss[ok])])


def run_restarts(
    landscape: Landscape,
    optimizers: Sequence[tuple[str, Mapping[str, float]]],
    *,
    n: int,
    seed: int,
    steps: int,
    tol: float = 1e-3,
    noise: float = 0.0,
    max_k: int = 50,
    samples: int = 2000,
    cancel: Callable[[], bool] | None = None,
) -> list[RestartSummary]:
    """The same ``n`` random starts (from ``seed``) run by every optimizer; one summary per optimizer."""
    starts = random_starts(landscape, n, seed)
    if int(max_k) != max_k or max_k < 1:
        raise ValueError(f"max_k must be a whole number ≥ 1, not {max_k}")
    ks = np.arange(1, int(max_k) + 1)
    out = []
    for oid, hp in optimizers:
        problem = BasinProblem(landscape, oid, hp, steps=steps, tol=tol, noise=noise, seed=seed)
        s = settle(problem, starts, cancel=cancel)
        glob = np.array([p.is_global for p in s.points] + [False, False])
        measured = success_curve(glob[s.labels], ks, samples, seed)
        out.append(RestartSummary(oid, problem.params, s, ks, measured, samples))
    return out
