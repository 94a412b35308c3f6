"""Random restarts: how likely is one run to reach the global minimum, and how many runs do you need?

``n`` start points drawn uniformly over the domain (``numpy.random.default_rng(seed)``) are stepped by each
optimizer, exactly as :func:`landscape_gui.core.analysis.basins.settle` steps a basin map's starts (so the outcomes
are the same: the critical point within ``tol`` of the end point, ``not_settled`` or ``diverged``).

Per optimizer the summary gives the shares of five categories (``global_minimum``, ``other_minimum``,
``saddle`` (saddles, maxima and degenerate points: critical points that are not minima), ``not_settled``,
``diverged``), the success probability ``p`` (the share reaching a global minimum), the best run
(:func:`~landscape_gui.core.analysis.status.best_run`: the lowest final loss among the runs that reached a
critical point and ended inside the domain, losses within 1e-9 a tie won by the lowest index; its end point is where ``trace`` ends that
start), and the curve P(at least one of k restarts reaches the global minimum) against k, **measured** by
resampling: ``samples`` sequences of runs drawn out of the n with replacement (from
``default_rng([seed, 1])``), each sequence's first success found, and for each k the share of sequences whose
first success came within k runs. In a sequence of uniform draws with replacement the position of the first
success is geometric with p = successes / n, so each sequence is drawn as that one number: the curve costs
O(samples + max_k), not samples × max_k², and is non-decreasing in k. Beside it the formula 1 − (1 − p)ᵏ,
the exact expectation of that measurement.

Every optimizer steps through :func:`~landscape_gui.core.analysis.basins.settle` with its own learning-rate
schedule and the scenario's minibatches, its noise from the stream of its place in the list (as a
:class:`~landscape_gui.core.analysis.simulation.Simulation` of those optimizers draws it). Memory is linear in
n and holds no trajectory: the positions, the optimizer's state and per-start results (about 300 MB for a
million starts in 2-D, measured), and the work (starts × steps) is bounded by
:func:`~landscape_gui.core.limits.check_work`.

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
from landscape_gui.core.analysis.status import best_run, outside_domain
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.limits import MAX_K, MAX_RESTARTS, check_count
from landscape_gui.core.optimizers.schedules import Schedule

__all__ = ["CATEGORIES", "RestartSummary", "random_starts", "run_restarts", "success_curve"]

CATEGORIES = ("global_minimum", "other_minimum", "saddle", "not_settled", "diverged")


def random_starts(landscape: Landscape, n: int, seed: int) -> np.ndarray:
    """``n`` points uniform over the domain, shape (n, d), from ``numpy.random.default_rng(seed)``."""
    if isinstance(n, bool) or int(n) != n or not 1 <= n <= MAX_RESTARTS:
        raise ValueError(f"the number of runs must be a whole number 1 … {MAX_RESTARTS}, not {n}")
    lo = np.array([a for a, _ in landscape.domain])
    hi = np.array([b for _, b in landscape.domain])
    return lo + (hi - lo) * np.random.default_rng(seed).random((int(n), landscape.dim))


def success_curve(success: np.ndarray, ks: Sequence[int], samples: int, seed: int) -> np.ndarray:
    """P(at least one success among k runs drawn with replacement from ``success``) at each k of ``ks``,
    measured on ``samples`` sequences of draws (``default_rng([seed, 1])``): the share of the sequences whose
    first success comes within k draws. The first success of a sequence is drawn as the geometric number it
    is (p = successes / runs), so the cost is O(samples + max k) (see the module docstring).

    >>> success_curve(np.array([True, True]), [1, 5], 10, 0).tolist(), success_curve([False], [1, 5], 10, 0)
    ([1.0, 1.0], array([0., 0.]))
    """
    success = np.asarray(success, dtype=bool).ravel()
    ks = np.asarray(ks, dtype=np.int64)
    hits, runs = int(np.count_nonzero(success)), success.size
    if hits == 0 or ks.size == 0:
        return np.zeros(ks.size)
    rng = np.random.default_rng([seed, 1])
    first = rng.geometric(hits / runs, size=int(samples))  # draws up to and including the first success
    top = int(ks.max())
    counts = np.bincount(np.minimum(first, top + 1), minlength=top + 2)
    within = np.cumsum(counts)  # within[k]: sequences whose first success came by draw k
    return within[np.clip(ks, 0, top)] / samples


@dataclass(frozen=True)
class RestartSummary:
    """The restarts of one optimizer (see the module docstring): its hyperparameters, learning-rate
    ``schedule`` and minibatch size (None: the whole data) as they were run."""

    optimizer: str
    params: Mapping[str, float]
    settled: Settled
    ks: np.ndarray
    measured: np.ndarray
    samples: int
    schedule: Schedule | None = None
    batch_size: int | None = None
    #: Per run: whether its end lies outside the landscape's domain (it cannot be the best run).
    outside: np.ndarray | None = None

    @property
    def runs(self) -> int:
        return int(self.settled.labels.size)

    def outcomes(self) -> list[Outcome]:
        return self.settled.outcomes()

    def categories(self) -> dict[str, float]:
        """Share of the runs in each of :data:`CATEGORIES` (summing to 1), each from its count (so that
        every runs reaching one category gives exactly 1.0)."""
        pts = self.settled.points
        counts = dict.fromkeys(CATEGORIES, 0)
        for o in self.outcomes():
            if o.label == NOT_SETTLED:
                key = "not_settled"
            elif o.label == DIVERGED:
                key = "diverged"
            elif pts[o.label].kind == "minimum":
                key = "global_minimum" if o.is_global else "other_minimum"
            else:
                key = "saddle"
            counts[key] += o.count
        n = max(1, self.runs)
        return {k: c / n for k, c in counts.items()}

    @property
    def success(self) -> np.ndarray:
        """Per run: whether it reached a global minimum."""
        glob = np.array([p.is_global for p in self.settled.points] + [False, False])
        return glob[self.settled.labels]  # labels −1, −2 index the two False at the end

    @property
    def p(self) -> float:
        """The share of the runs that reached a global minimum (their count over the runs)."""
        return int(np.count_nonzero(self.success)) / max(1, self.runs)

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
        """Index of the best run (:func:`~landscape_gui.core.analysis.status.best_run`, the rule the views'
        ring follows too): the lowest final loss among the runs that reached a critical point and ended inside
        the domain, losses within 1e-9 a tie won by the lowest index (None if no run qualifies)."""
        s = self.settled
        inside = np.ones(s.labels.size, dtype=bool) if self.outside is None else ~self.outside
        return best_run(s.loss, (s.labels >= 0) & inside)


def run_restarts(
    landscape: Landscape,
    optimizers: Sequence[tuple],
    *,
    n: int,
    seed: int,
    steps: int,
    tol: float = 1e-3,
    noise: float = 0.0,
    max_k: int = 50,
    samples: int = 2000,
    cancel: Callable[[], bool] | None = None,
    batch_size: int | None = None,
) -> list[RestartSummary]:
    """The same ``n`` random starts (from ``seed``) run by every optimizer; one summary per optimizer.

    ``optimizers`` holds ``(id, hyperparameters)`` pairs or ``(id, hyperparameters, schedule)`` triples, as
    :class:`~landscape_gui.core.analysis.simulation.Simulation` takes them; ``batch_size`` the minibatches of a
    data landscape (None: the whole data). ``ValueError`` when the work is over the limit.
    """
    problem = check_count(max_k, 1, MAX_K, "max_k")
    if problem:
        raise ValueError(problem)
    starts = random_starts(landscape, n, seed)
    ks = np.arange(1, int(max_k) + 1)
    out = []
    for group, (oid, hp, *rest) in enumerate(optimizers):
        problem = BasinProblem(
            landscape, oid, hp, steps=steps, tol=tol, noise=noise, seed=seed,
            schedule=rest[0] if rest else None, batch_size=batch_size, group=group,
        )  # fmt: skip
        s = settle(problem, starts, cancel=cancel)
        outside = outside_domain(s.ends, landscape.domain)
        glob = np.array([p.is_global for p in s.points] + [False, False])
        measured = success_curve(glob[s.labels], ks, samples, seed)
        summary = RestartSummary(
            oid, problem.params, s, ks, measured, samples, problem.schedule, batch_size, outside
        )
        _finish_best(summary, problem, cancel)
        out.append(summary)
    return out


def _finish_best(summary: RestartSummary, problem: BasinProblem, cancel) -> None:
    """A best run that retired (its outcome decided early, see :mod:`.basins`) is stepped on to the end, alone,
    so that its end point and loss are the ones ``trace`` gives for that start (retiring happens only without
    noise or minibatches, so one start alone steps exactly as among all)."""
    s = summary.settled
    b = summary.best()
    if b is None or not s.retired[b]:
        return
    alone = settle(problem, s.starts[b : b + 1], retire=False, cancel=cancel)
    s.ends[b], s.loss[b], s.steps[b], s.retired[b] = alone.ends[0], alone.loss[0], alone.steps[0], False
