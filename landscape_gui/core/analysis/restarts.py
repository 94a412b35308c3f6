"""Random restarts: how likely is one run to reach the global minimum, and how many runs do you need?

``n`` start points drawn uniformly over the domain (``numpy.random.default_rng(seed)``) are stepped by each
optimizer, exactly as :func:`landscape_gui.core.analysis.basins.settle` steps a basin map's starts (so the outcomes
are the same: the critical point within ``tol`` of the end point, ``not_settled`` or ``diverged``).

Per optimizer the summary gives the shares of five categories (``global_minimum``, ``other_minimum``,
``saddle`` (saddles, maxima and degenerate points: critical points that are not minima), ``not_settled``,
``diverged``), the success probability ``p`` (the share reaching a global minimum), the best run
(:func:`~landscape_gui.core.analysis.status.best_run`: the lowest final loss among the runs that reached a
critical point and ended inside the domain, losses within 1e-9 a tie won by the lowest index; its end point is where ``trace`` ends that
start), and the curve P(at least one of k restarts reaches the global minimum) against k, **measured** on
runs of their own: a pool of ``trials × max_k`` further starts (from ``default_rng([seed, 1])``, their noise
from seed + 1), none of them among the n, cut into consecutive groups of k; at each k the share of groups
holding a run that reached the global minimum (at least ``trials`` groups, more at smaller k). Those groups are
independent draws of k restarts, so the curve checks the formula 1 − (1 − p)ᵏ beside it rather than restating
it (a bootstrap of the n runs reproduces the formula by construction). p comes with its 95 % Wilson interval
(:meth:`RestartSummary.p_interval`), and the restarts needed for a chance with the interval that follows from
it (:meth:`RestartSummary.restarts_interval`).

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
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np

from landscape_gui.core.analysis.basins import DIVERGED, NOT_SETTLED, BasinProblem, Outcome, Settled, settle
from landscape_gui.core.analysis.status import best_run, outside_domain
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.limits import MAX_K, MAX_RESTARTS, MAX_SEED, check_count
from landscape_gui.core.optimizers.schedules import Schedule

__all__ = [
    "CATEGORIES",
    "TRIALS",
    "RestartSummary",
    "random_starts",
    "restarts_work",
    "run_restarts",
    "success_curve",
    "wilson",
]

CATEGORIES = ("global_minimum", "other_minimum", "saddle", "not_settled", "diverged")

#: Groups of k independent runs the measured success curve counts at its largest k (more at smaller k).
TRIALS = 20
#: z of a two-sided 95 % normal interval.
Z95 = 1.959963984540054


def wilson(successes: int, runs: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a success probability from ``successes`` of ``runs`` (95 % by default):
    unlike p̂ ± z·√(p̂(1 − p̂)/n) it never leaves [0, 1] and is not empty at 0 successes.

    >>> [round(v, 4) for v in wilson(6, 1000)]  # Rastrigin seed 0: p̂ = 0.006
    [0.0028, 0.013]
    >>> wilson(0, 10)[0], round(wilson(0, 10)[1], 3)
    (0.0, 0.278)
    """
    if runs <= 0:
        return 0.0, 1.0
    p, n, z2 = successes / runs, runs, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    lo = 0.0 if successes <= 0 else max(0.0, centre - half)  # exactly 0 (and 1), not a rounding away from it
    hi = 1.0 if successes >= runs else min(1.0, centre + half)
    return lo, hi


def restarts_for(p: float, confidence: float) -> int | float:
    """The fewest restarts k (an int) with 1 − (1 − p)ᵏ ≥ ``confidence``, that inequality evaluated in floating
    point as written; ``math.inf`` when p = 0 (no number of restarts is enough).

    >>> restarts_for(0.0096, 0.9), restarts_for(0.5, 0.9), restarts_for(0.0, 0.9), restarts_for(1e-18, 0.9)
    (239, 4, inf, 2302585092994045696)
    """
    if p <= 0:
        return math.inf
    if p >= 1:
        return 1
    k = max(1, math.ceil(math.log1p(-confidence) / math.log1p(-p)))  # the estimate; rounding can be ±1 off
    if 1.0 - p == 1.0 or (1.0 - p) ** k == 1.0:
        return k  # 1 − p rounds to 1: the formula cannot be evaluated as written, the estimate stands
    while k > 1 and 1.0 - (1.0 - p) ** (k - 1) >= confidence:
        k -= 1
    while 1.0 - (1.0 - p) ** k < confidence:
        k += 1
    return int(k)


def random_starts(landscape: Landscape, n: int, seed: int) -> np.ndarray:
    """``n`` points uniform over the domain, shape (n, d), from ``numpy.random.default_rng(seed)``."""
    if isinstance(n, bool) or int(n) != n or not 1 <= n <= MAX_RESTARTS:
        raise ValueError(f"the number of runs must be a whole number 1 … {MAX_RESTARTS}, not {n}")
    lo = np.array([a for a, _ in landscape.domain])
    hi = np.array([b for _, b in landscape.domain])
    result: np.ndarray = lo + (hi - lo) * np.random.default_rng(seed).random((int(n), landscape.dim))
    return result


def success_curve(success: np.ndarray, ks: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(at least one success among k runs) at each k of ``ks``, measured on ``success``, a pool of independent
    runs: the pool cut into consecutive disjoint groups of k, the share of the groups holding a success; and the
    number of groups at each k (0 where the pool is shorter than k: the share is then 0). O(pool + Σ groups).

    >>> measured, groups = success_curve(np.array([False, True, False, False]), [1, 2, 3])
    >>> measured.tolist(), groups.tolist()
    ([0.25, 0.5, 1.0], [4, 2, 1])
    """
    success = np.asarray(success, dtype=bool).ravel()
    ks = np.maximum(np.asarray(ks, dtype=np.int64), 1)
    n = success.size
    at = np.where(success, np.arange(n), n)
    next_hit = np.append(np.minimum.accumulate(at[::-1])[::-1], n)  # the first success at or after i
    groups = n // ks
    measured = np.zeros(ks.size)
    for i, (k, g) in enumerate(zip(ks.tolist(), groups.tolist(), strict=True)):
        if g:
            first = np.arange(g, dtype=np.int64) * k
            measured[i] = np.count_nonzero(next_hit[first] < first + k) / g
    return measured, groups


@dataclass(frozen=True)
class RestartSummary:
    """The restarts of one optimizer (see the module docstring): its hyperparameters, learning-rate
    ``schedule`` and minibatch size (None: the whole data) as they were run."""

    optimizer: str
    params: Mapping[str, float]
    settled: Settled
    ks: np.ndarray
    measured: np.ndarray
    #: At each k, the groups of k independent runs :attr:`measured` counts (see the module docstring).
    groups: np.ndarray
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
        result: np.ndarray = glob[self.settled.labels]  # labels −1, −2 index the two False at the end
        return result

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
        return restarts_for(self.p, confidence)

    def p_interval(self) -> tuple[float, float]:
        """The 95 % Wilson interval of p (:func:`wilson`): where the success probability of one restart lies,
        given the n runs (Rastrigin's p̂ over seeds 0–19 ranged 0.004 … 0.016 around its true 0.0096)."""
        return wilson(int(np.count_nonzero(self.success)), self.runs)

    def restarts_interval(self, confidence: float = 0.9) -> tuple[int | float, int | float]:
        """The restarts needed for ``confidence`` at the two ends of :meth:`p_interval`: (fewest, most; the most
        is ``math.inf`` when the interval reaches 0)."""
        lo, hi = self.p_interval()
        return restarts_for(hi, confidence), restarts_for(lo, confidence)

    def best(self) -> int | None:
        """Index of the best run (:func:`~landscape_gui.core.analysis.status.best_run`, the rule the views'
        ring follows too): the lowest final loss among the runs that reached a critical point and ended inside
        the domain, losses within 1e-9 a tie won by the lowest index (None if no run qualifies)."""
        s = self.settled
        inside = np.ones(s.labels.size, dtype=bool) if self.outside is None else ~self.outside
        return best_run(s.loss, (s.labels >= 0) & inside)


def pool_starts(landscape: Landscape, n: int, seed: int) -> np.ndarray:
    """The success curve's own ``n`` starts, uniform over the domain from ``default_rng([seed, 1])``: a stream
    apart from the restarts' ``default_rng(seed)``."""
    lo = np.array([a for a, _ in landscape.domain])
    hi = np.array([b for _, b in landscape.domain])
    result: np.ndarray = lo + (hi - lo) * np.random.default_rng([seed, 1]).random((int(n), landscape.dim))
    return result


def restarts_work(problem: BasinProblem, n: int, max_k: int, trials: int = TRIALS) -> str | None:
    """Why ``n`` restarts of ``problem`` with a success curve up to ``max_k`` (``trials`` × ``max_k`` runs of
    its own) are too much work (:func:`~landscape_gui.core.limits.check_work`), or None.

    >>> from landscape_gui.core.landscapes.library import get_landscape
    >>> restarts_work(BasinProblem(get_landscape("booth"), "gd", steps=500), n=1, max_k=100_000)
    'n 1 + 20 × max_k 100000 runs: 2000001 start points × 500 steps is too much work: at most 1000000000 (start points × steps)'
    """
    too_much = problem.check_work(int(n) + int(trials) * int(max_k))
    return None if too_much is None else f"n {n} + {trials} × max_k {max_k} runs: {too_much}"


def run_restarts(
    landscape: Landscape,
    optimizers: Sequence[tuple[Any, ...]],
    *,
    n: int,
    seed: int,
    steps: int,
    tol: float = 1e-3,
    noise: float = 0.0,
    max_k: int = 50,
    trials: int = TRIALS,
    cancel: Callable[[], bool] | None = None,
    batch_size: int | None = None,
) -> list[RestartSummary]:
    """The same ``n`` random starts (from ``seed``) run by every optimizer; one summary per optimizer.

    ``optimizers`` holds ``(id, hyperparameters)`` pairs or ``(id, hyperparameters, schedule)`` triples, as
    :class:`~landscape_gui.core.analysis.simulation.Simulation` takes them; ``batch_size`` the minibatches of a
    data landscape (None: the whole data); ``trials`` × ``max_k`` further runs measure the success curve.
    ``ValueError``, before any work, when an optimizer's work is over the limit (:func:`restarts_work`).
    """
    error = check_count(max_k, 1, MAX_K, "max_k")
    if error:
        raise ValueError(error)
    for group, (oid, hp, *rest) in enumerate(optimizers):  # before any work: the work of every optimizer
        too_much = restarts_work(
            BasinProblem(landscape, oid, hp, steps=steps, tol=tol, noise=noise, seed=seed,
                         schedule=rest[0] if rest else None, batch_size=batch_size, group=group),
            n, max_k, trials,
        )  # fmt: skip
        if too_much:
            raise ValueError(too_much)
    starts = random_starts(landscape, n, seed)
    ks = np.arange(1, int(max_k) + 1)
    pool = pool_starts(landscape, int(trials) * int(max_k), seed)
    out = []
    for group, (oid, hp, *rest) in enumerate(optimizers):
        problem = BasinProblem(
            landscape, oid, hp, steps=steps, tol=tol, noise=noise, seed=seed,
            schedule=rest[0] if rest else None, batch_size=batch_size, group=group,
        )  # fmt: skip
        s = settle(problem, starts, cancel=cancel)
        outside = outside_domain(s.ends, landscape.domain)
        apart = settle(replace(problem, seed=(seed + 1) % (MAX_SEED + 1)), pool, cancel=cancel)
        glob = np.array([p.is_global for p in apart.points] + [False, False])
        measured, groups = success_curve(glob[apart.labels], ks)
        summary = RestartSummary(
            oid,
            problem.params,
            s,
            ks,
            measured,
            groups,
            cast(Schedule, problem.schedule),
            batch_size,
            outside,
        )
        _finish_best(summary, problem, cancel)
        out.append(summary)
    return out


def _finish_best(summary: RestartSummary, problem: BasinProblem, cancel: Callable[[], bool] | None) -> None:
    """A best run that retired (its outcome decided early, see :mod:`.basins`) is stepped on to the end, alone,
    so that its end point and loss are the ones ``trace`` gives for that start (retiring happens only without
    noise or minibatches, so one start alone steps exactly as among all)."""
    s = summary.settled
    b = summary.best()
    if b is None or not s.retired[b]:
        return
    alone = settle(problem, s.starts[b : b + 1], retire=False, cancel=cancel)
    s.ends[b], s.loss[b], s.steps[b], s.retired[b] = alone.ends[0], alone.loss[0], alone.steps[0], False
