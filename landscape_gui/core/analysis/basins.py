"""Basins of attraction: where does a run end, as a function of where it starts?

A grid of start points (``numpy.linspace(lo, hi, N)`` along each axis, the domain's edges included; N starts
in 1-D) is stepped ``steps`` steps by one optimizer, all starts in one vectorised call per step. Each start's
**outcome** is

- the critical point (from :func:`landscape_gui.core.analysis.critical.critical_points`) its end point lies within
  ``tol`` of (the nearest one, if several are);
- ``diverged``: a step gave a non-finite value or gradient, or a coordinate beyond
  :data:`~landscape_gui.core.analysis.stepping.DIVERGENCE_LIMIT`, exactly as :class:`Simulation` decides it;
- ``not_settled`` otherwise.

Every step is :func:`landscape_gui.core.analysis.simulation.advance`, the arithmetic :class:`Simulation` (and so the
``trace`` command) steps its runs with, with the same learning rate (the optimizer's ``schedule``, stepped
after every step as :class:`Simulation` steps it) and the same minibatches (``batch_size`` on a landscape made
of data: :func:`~landscape_gui.core.analysis.simulation.batch_sampler` from the same seed, one batch per step
for all starts), and the particles never interact: each start's end point is bit for bit the one ``trace``
computes from that start. Gradient noise (``noise``, or sgd's own) is drawn as :class:`Simulation` draws it
for the whole grid of starts, in the same order (the stream of the simulation's optimizer number ``group``),
so a noisy map is what ``trace`` computes when given every start of the grid.

**Retiring.** A start whose outcome is already decided stops being stepped. Precisely: every
:data:`CHECK_EVERY` steps (and not at the last step), a start *retires* when

1. its last step moved it by at most ``VANISHING_STEP × tol`` (a vanishing step), and
2. it lies within ``RETIRE_RADIUS × tol`` of a *stable* minimum: a critical point of kind ``minimum`` with
   finite, positive Hessian eigenvalues λ at which the optimizer's update, linearised, contracts
   (:func:`contracts_at`: for ``gd`` lr·(λ + wd) < 2; heavy-ball ``momentum`` lr·(1 − τ)·(λ + wd) < 2(1 + μ);
   ``nesterov`` lr·(λ + wd) < 2(1 + μ)/(1 + 2μ); ``newton`` and ``saddle_free_newton`` lr·λ/(λ + damping)
   < 2; each with 1 % to spare), and
3. there is no gradient noise and there are no minibatches (a noisy run can always be kicked out), and
4. the learning rate cannot grow past the contraction: with a schedule, only the stateless optimizers
   (``gd``, ``sgd``, ``newton``, ``saddle_free_newton``) retire, tested with the largest learning rate the
   schedule still reaches (each step then contracts on its own; with a momentum buffer a changing step does
   not guarantee it).

Its outcome is that minimum: the update is a contraction there and the step has all but vanished, so the
run stays, with half the tolerance to spare. Saddles, maxima and degenerate points are never retired at
(runs leave them), nor are the runs of optimizers with adaptive step sizes (Adam, RMSprop, Adagrad, ...):
as their running averages of g² decay near a minimum their step grows again and a run that had settled to
1e-11 can be thrown out by 1e-2 (measured: Adam, lr 0.05, on Himmelblau). The test suite checks that maps
with and without retiring are identical on several landscapes and optimizers; pass ``retire=False`` to get
every end point (the retired starts' ``ends`` are where they retired).

**Progressive.** :func:`iter_basin_maps` yields a map for each grid of :func:`refinement_levels` (25, 50,
100, 200 for a 200 grid), coarse first; each is computed afresh from its own grid (nothing is reused that
would change the answer). A ``cancel`` callable is polled before every step and raises
:class:`BasinsCancelled`; ``progress`` is called with the fraction of the work done.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> m = basin_map(BasinProblem(get_landscape("himmelblau"), "gd", {"lr": 0.01}, steps=300), 41)
>>> [(o.kind, o.is_global) for o in m.outcomes() if o.share > 0]
[('minimum', True), ('minimum', True), ('minimum', True), ('minimum', True)]
>>> round(sum(o.share for o in m.outcomes()), 12)
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.analysis.critical import CriticalPoint, critical_points
from landscape_gui.core.analysis.stepping import advance, all_good, batch_sampler, good_runs, total_noise
from landscape_gui.core.landscapes.landscape import Landscape, as_points
from landscape_gui.core.limits import MAX_NOISE, MAX_SEED, MAX_STEPS, MAX_TOL, check_work
from landscape_gui.core.optimizers.catalog import get_optimizer
from landscape_gui.core.optimizers.schedules import CONSTANT, Schedule, parse_schedule
from landscape_gui.core.optimizers.spec import State

__all__ = [
    "DIVERGED",
    "NOT_SETTLED",
    "BasinDifference",
    "BasinMap",
    "BasinProblem",
    "compare_basins",
    "BasinsCancelled",
    "Outcome",
    "Settled",
    "basin_map",
    "contracts_at",
    "grid_starts",
    "iter_basin_maps",
    "outcome_list",
    "outcome_name",
    "refinement_levels",
    "settle",
]

#: Labels of the two outcomes that are not a critical point (a critical point's label is its index).
NOT_SETTLED, DIVERGED = -1, -2
#: Retiring (see the module docstring): checked every CHECK_EVERY steps ...
CHECK_EVERY = 8
#: ... a step of at most VANISHING_STEP × tol is a vanishing step ...
VANISHING_STEP = 1e-3
#: ... and the start must lie within RETIRE_RADIUS × tol of a strict minimum.
RETIRE_RADIUS = 0.5
#: Largest grid (starts per axis) accepted.
MAX_GRID = 1000
#: Optimizers without state, whose every step contracts on its own near a stable minimum: the only ones
#: retired under a learning-rate schedule.
STATELESS = ("gd", "sgd", "newton", "saddle_free_newton")


class BasinsCancelled(Exception):
    """The ``cancel`` callable asked to stop."""


@dataclass(frozen=True)
class BasinProblem:
    """What is run: a landscape (with its domain), one optimizer, its hyperparameters and its learning-rate
    ``schedule`` (a :class:`~landscape_gui.core.optimizers.schedules.Schedule` or its text; None: constant), for
    ``steps`` steps; outcomes within ``tol``; Gaussian gradient noise σ = ``noise`` and the minibatches of
    ``batch_size`` samples (a data landscape; None: the whole data) drawn from ``seed``, the noise from the
    stream of a :class:`Simulation`'s optimizer number ``group``. Every value within
    :mod:`landscape_gui.core.limits`."""

    landscape: Landscape
    optimizer: str
    params: Mapping[str, float] = field(default_factory=dict)
    steps: int = 500
    tol: float = 1e-3
    noise: float = 0.0
    seed: int = 0
    schedule: Schedule | str | None = None
    batch_size: int | None = None
    group: int = 0

    def __post_init__(self) -> None:
        get_optimizer(self.optimizer)  # KeyError naming the known ids
        object.__setattr__(self, "params", get_optimizer(self.optimizer).resolve(self.params))
        schedule = self.schedule
        if schedule is None:
            schedule = CONSTANT
        elif not isinstance(schedule, Schedule):
            schedule = parse_schedule(schedule)
        object.__setattr__(self, "schedule", schedule)
        if isinstance(self.steps, bool) or int(self.steps) != self.steps or not 0 <= self.steps <= MAX_STEPS:
            raise ValueError(f"steps must be a whole number 0 … {MAX_STEPS}, not {self.steps}")
        if not (np.isfinite(self.tol) and 0 < self.tol <= MAX_TOL):
            raise ValueError(f"tol must be a finite number > 0 and ≤ {MAX_TOL:g}, not {self.tol}")
        if not (np.isfinite(self.noise) and 0 <= self.noise <= MAX_NOISE):
            raise ValueError(f"noise σ must be a finite number 0 … {MAX_NOISE:g}, not {self.noise}")
        if isinstance(self.seed, bool) or int(self.seed) != self.seed or not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"seed must be an integer 0 … {MAX_SEED}, not {self.seed}")
        if isinstance(self.group, bool) or int(self.group) != self.group or self.group < 0:
            raise ValueError(f"group must be an integer ≥ 0, not {self.group}")
        batch_sampler(self.landscape, self.batch_size, 0)  # ValueError for a bad size or a formula

    @property
    def samples_per_step(self) -> int:
        """Samples one step evaluates per start: the batch, all the data, or 1 for a formula."""
        n: int | None = getattr(self.landscape, "n_samples", None)
        if n is None:
            return 1
        return min(n, self.batch_size) if self.batch_size is not None else n

    def check_work(self, starts: int) -> str | None:
        """Why ``starts`` starts of this problem are too much work (:func:`~landscape_gui.core.limits.check_work`),
        or None."""
        return check_work(starts, self.steps, self.samples_per_step)


@dataclass(frozen=True)
class Outcome:
    """One outcome and the share of the starts that have it. ``point``/``value`` are None for
    ``not_settled`` and ``diverged``; ``label`` is its value in the label arrays."""

    kind: str
    point: tuple[float, ...] | None
    value: float | None
    is_global: bool
    share: float
    count: int
    label: int


@dataclass(frozen=True)
class Settled:
    """Where many starts ended. Per start: ``labels`` (a critical point's index, :data:`NOT_SETTLED` or
    :data:`DIVERGED`), ``ends`` (last position: after the last step, at retirement, or the last good one),
    ``loss`` there, ``steps`` taken and whether it ``retired``."""

    starts: np.ndarray
    labels: np.ndarray
    ends: np.ndarray
    loss: np.ndarray
    steps: np.ndarray
    retired: np.ndarray
    points: tuple[CriticalPoint, ...]

    def outcomes(self) -> list[Outcome]:
        return outcome_list(self.labels, self.points)


@dataclass(frozen=True)
class BasinMap:
    """A basin map: ``labels`` etc. have shape (N, N) indexed ``[ix, iy]`` as ``axes`` (N,) in 1-D."""

    problem: BasinProblem
    grid: int
    axes: tuple[np.ndarray, ...]
    labels: np.ndarray
    ends: np.ndarray
    steps: np.ndarray
    retired: np.ndarray
    points: tuple[CriticalPoint, ...]
    final: bool = True  # the last (full) grid of a progressive computation

    def outcomes(self) -> list[Outcome]:
        """Every critical point some start ends at, then not_settled and diverged (always listed)."""
        return outcome_list(self.labels, self.points)

    @property
    def global_share(self) -> float:
        return sum(o.share for o in self.outcomes() if o.is_global)


@dataclass(frozen=True)
class BasinDifference:
    """Where two basin maps of the same grid disagree (:func:`compare_basins`)."""

    base: BasinMap
    other: BasinMap
    #: The other map's labels as indices into the base's critical points (−1 not settled, −2 diverged).
    other_labels: np.ndarray
    #: Per start: the two runs end in different outcomes.
    differs: np.ndarray

    @property
    def share(self) -> float:
        """The share of the starts whose two runs end in different outcomes (Himmelblau, GD against momentum:
        18 %)."""
        return float(np.count_nonzero(self.differs)) / max(1, self.differs.size)


def compare_basins(base: BasinMap, other: BasinMap) -> BasinDifference:
    """Where ``other`` (another optimizer's map of the same landscape and grid) ends a start in another outcome
    than ``base``: critical points are matched by position (within the base problem's ``tol``), not settled and
    diverged by name. ``ValueError`` for maps of different grids.

    >>> from landscape_gui.core.landscapes.library import get_landscape
    >>> L = get_landscape("himmelblau")
    >>> gd = basin_map(BasinProblem(L, "gd", {"lr": 0.01}, steps=300), 40)
    >>> d = compare_basins(gd, basin_map(BasinProblem(L, "momentum", {"lr": 0.002, "momentum": 0.9}, steps=300), 40))
    >>> 0.1 < d.share < 0.3, compare_basins(gd, gd).share
    (True, 0.0)
    """
    if base.labels.shape != other.labels.shape or base.grid != other.grid:
        raise ValueError("basin maps of different grids cannot be compared")
    index = np.full(len(other.points) + 2, -3, dtype=np.int64)  # −3: a point the base map does not know
    index[0], index[1] = DIVERGED, NOT_SETTLED  # other's labels shifted by 2: −2 → 0, −1 → 1
    where = np.array([p.position for p in base.points], dtype=np.float64).reshape(len(base.points), -1)
    for k, p in enumerate(other.points):
        if len(where):
            gap = np.linalg.norm(where - np.asarray(p.position, dtype=np.float64), axis=1)
            if gap.min() <= max(base.problem.tol, 1e-9):
                index[k + 2] = int(np.argmin(gap))
    mapped = index[np.asarray(other.labels) + 2]
    return BasinDifference(base, other, mapped, mapped != base.labels)


def outcome_list(labels: np.ndarray, points: Sequence[CriticalPoint]) -> list[Outcome]:
    """Outcomes in the critical points' order (global minima first), with their shares (summing to 1);
    a critical point no start reached is left out; ``not_settled`` and ``diverged`` are always there."""
    flat = np.asarray(labels).ravel()
    n = max(1, flat.size)
    counts = np.bincount(flat + 2, minlength=len(points) + 2)
    out = []
    for k, p in enumerate(points):
        if counts[k + 2]:
            out.append(
                Outcome(
                    p.kind, p.position, p.value, p.is_global, float(counts[k + 2] / n), int(counts[k + 2]), k
                )
            )
    for label, kind in ((NOT_SETTLED, "not_settled"), (DIVERGED, "diverged")):
        out.append(
            Outcome(kind, None, None, False, float(counts[label + 2] / n), int(counts[label + 2]), label)
        )
    return out


def outcome_name(o: Outcome) -> str:
    """Legend text of an outcome: ``global minimum (3, 2)``, ``saddle (−0.27, −0.92)``, ``not settled``."""
    if o.point is None:
        return o.kind.replace("_", " ")
    where = ", ".join(f"{(c if abs(c) > 1e-9 else 0.0):.3g}" for c in o.point)  # 6e-64 is 0
    kind = "global minimum" if o.is_global else ("local minimum" if o.kind == "minimum" else o.kind)
    return f"{kind} ({where})"


def grid_starts(landscape: Landscape, grid: int) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The axes (``linspace(lo, hi, grid)`` each) and the starts, ``ix``-major: start ``ix·N + iy``."""
    if int(grid) != grid or not 2 <= grid <= MAX_GRID:
        raise ValueError(f"grid must be a whole number from 2 to {MAX_GRID}, not {grid}")
    axes = tuple(np.linspace(lo, hi, int(grid)) for lo, hi in landscape.domain)
    mesh = np.meshgrid(*axes, indexing="ij")
    return axes, np.column_stack([m.ravel() for m in mesh])


def refinement_levels(grid: int, coarsest: int = 25) -> list[int]:
    """Grids of a progressive computation, coarse first: halving ``grid`` while it stays ≥ ``coarsest``.

    >>> refinement_levels(200), refinement_levels(30), refinement_levels(10)
    ([25, 50, 100, 200], [30], [10])
    """
    levels = [int(grid)]
    while levels[0] // 2 >= coarsest:
        levels.insert(0, levels[0] // 2)
    return levels


def contracts_at(optimizer: str, hp: Mapping[str, float], eigenvalues: ArrayLike) -> bool:
    """Whether ``optimizer``'s update, linearised at a minimum with these Hessian eigenvalues, contracts
    (every mode decays, with 1 % to spare); False for optimizers not covered (adaptive step sizes)."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if lam.size == 0 or not np.all(np.isfinite(lam)) or np.any(lam <= 0):
        return False
    margin = 0.99
    lr, wd = hp.get("lr", 0.0), hp.get("weight_decay", 0.0)
    if optimizer in ("gd", "sgd"):
        return bool(np.all(lr * (lam + wd) < margin * 2))
    if optimizer == "momentum":
        mu, tau = hp["momentum"], hp["dampening"]
        return bool(mu < 1 and np.all(lr * (1 - tau) * (lam + wd) < margin * 2 * (1 + mu)))
    if optimizer == "nesterov":
        mu = hp["momentum"]
        return bool(mu < 1 and np.all(lr * (lam + wd) < margin * 2 * (1 + mu) / (1 + 2 * mu)))
    if optimizer in ("newton", "saddle_free_newton"):
        return bool(np.all(lr * lam / (lam + hp["damping"]) < margin * 2))
    return False


def _nearest(ends: np.ndarray, where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest row of ``where`` (P, d) to each end (the first of equals) and the distance."""
    n, p = ends.shape[0], where.shape[0]
    index = np.zeros(n, dtype=np.int64)
    dist = np.full(n, np.inf)
    if p == 0 or n == 0:
        return index, dist
    chunk = max(1, 2**20 // p)
    for a in range(0, n, chunk):
        off = ends[a : a + chunk, None, :] - where[None, :, :]
        d = np.sqrt((off * off).sum(axis=2))
        k = np.argmin(d, axis=1)
        index[a : a + chunk] = k
        dist[a : a + chunk] = d[np.arange(k.size), k]
    return index, dist


def _rows(mask: np.ndarray, n: int, state: State) -> State:
    """The optimizer state of the particles in ``mask`` (per-particle arrays cut; shared scalars kept)."""
    return {
        k: (np.asfortranarray(v[mask]) if np.ndim(v) and np.shape(v)[0] == n else v) for k, v in state.items()
    }


def settle(
    problem: BasinProblem,
    starts: ArrayLike,
    *,
    retire: bool = True,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Settled:
    """Step every start ``problem.steps`` steps and say where each ended (see the module docstring).

    ``progress(step)`` is called after each step; ``cancel()`` before each, raising
    :class:`BasinsCancelled` when it returns true.
    """
    L = problem.landscape
    opt = get_optimizer(problem.optimizer)
    hp = dict(problem.params)
    starts, _ = as_points(starts, L.dim)
    n, d = starts.shape
    too_much = problem.check_work(n)
    if too_much:
        raise ValueError(too_much)
    points = tuple(critical_points(L))
    where = np.array([p.position for p in points], dtype=np.float64).reshape(-1, d)
    total = problem.steps
    lrs = _learning_rates(
        cast(Schedule, problem.schedule), hp["lr"], total
    )  # None: constant; a Schedule since __post_init__
    sigma = total_noise(problem.noise, hp)
    rng = np.random.default_rng([problem.seed, problem.group])  # that group of a Simulation with this seed
    sampler = batch_sampler(L, problem.batch_size, problem.seed)  # the minibatches a Simulation draws
    retire = retire and sigma == 0 and sampler is None and (lrs is None or opt.id in STATELESS)
    # the largest learning rate from each step on: what a retired start would still be stepped with
    ahead = None if lrs is None else np.maximum.accumulate(lrs[::-1])[::-1]
    minima, minima_index = _stable_minima(opt.id, hp, points, where, None if ahead is None else ahead[0])
    retire = retire and minima_index.size > 0

    labels = np.full(n, NOT_SETTLED, dtype=np.int64)
    ends = np.array(starts, dtype=np.float64)
    loss_out = np.full(n, np.nan)
    steps_out = np.zeros(n, dtype=np.int64)
    retired = np.zeros(n, dtype=bool)

    params = np.array(starts, dtype=np.float64, order="F")
    state = opt.init(params)
    loss = L.value(params)
    idx = np.arange(n)
    with np.errstate(all="ignore"):
        ok0 = np.isfinite(loss)
    if not ok0.all():  # a start where J is not finite: diverged before the first step, as in Simulation
        labels[~ok0] = DIVERGED
        loss_out[~ok0] = loss[~ok0]
        idx, params, loss = idx[ok0], np.asfortranarray(params[ok0]), loss[ok0]
        state = _rows(ok0, n, state)
    for t in range(total):
        if cancel is not None and cancel():
            raise BasinsCancelled
        if idx.size == 0:
            break
        batch = sampler.next() if sampler is not None else None  # one batch per step, as Simulation.step
        noise = None
        if sigma > 0:  # the whole grid's draw, as Simulation draws it, then the rows still stepped
            noise = sigma * rng.standard_normal((n, d))
            if idx.size < n:
                noise = noise[idx]
        step_hp = hp if lrs is None else {**hp, "lr": lrs[t]}
        new, new_state, new_loss, grads, _, _ = advance(L, opt, step_hp, params, state, noise, batch)
        m = idx.size
        if not all_good(new, new_loss, grads):
            ok = good_runs(new, new_loss, grads)
            bad = idx[~ok]  # stop at the last good point
            labels[bad], ends[bad], loss_out[bad], steps_out[bad] = DIVERGED, params[~ok], loss[~ok], t
            idx, params = idx[ok], np.asfortranarray(params[ok])
            new, new_loss = np.asfortranarray(new[ok]), new_loss[ok]
            new_state = _rows(ok, m, new_state)
            m = idx.size
        if retire and m and (t + 1) % CHECK_EVERY == 0 and t + 1 < total:
            if ahead is not None:  # the minima that still contract at the largest lr to come
                minima, minima_index = _stable_minima(opt.id, hp, points, where, ahead[t + 1])
            step = new - params
            moved = np.sqrt((step * step).sum(axis=1))
            cand = np.flatnonzero(moved <= VANISHING_STEP * problem.tol)
            if cand.size and minima_index.size:
                k, dist = _nearest(new[cand], minima)
                near = dist <= RETIRE_RADIUS * problem.tol
                done = cand[near]
                if done.size:
                    gone = idx[done]
                    labels[gone], ends[gone], loss_out[gone] = (
                        minima_index[k[near]],
                        new[done],
                        new_loss[done],
                    )
                    steps_out[gone], retired[gone] = t + 1, True
                    keep = np.ones(m, dtype=bool)
                    keep[done] = False
                    idx, new, new_loss = idx[keep], np.asfortranarray(new[keep]), new_loss[keep]
                    new_state = _rows(keep, m, new_state)
        params, state, loss = new, new_state, new_loss
        if progress is not None:
            progress(t + 1)
    # the starts still running: their end point's nearest critical point, if within tol
    ends[idx], loss_out[idx], steps_out[idx] = params, loss, total
    if idx.size and where.shape[0]:
        k, dist = _nearest(ends[idx], where)
        labels[idx] = np.where(dist <= problem.tol, k, NOT_SETTLED)
    return Settled(starts, labels, ends, loss_out, steps_out, retired, points)


def _learning_rates(schedule: Schedule, base: float, steps: int) -> np.ndarray | None:
    """The learning rate of each step (:meth:`Schedule.lrs`: the recursion :class:`Simulation` steps), or None
    for a constant schedule (every step uses the base lr, as given)."""
    if schedule.is_constant:
        return None
    return np.array(schedule.lrs(base, steps), dtype=np.float64)


def _stable_minima(
    oid: str, hp: Mapping[str, float], points: Sequence[CriticalPoint], where: np.ndarray, lr: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Positions and indices of the minima at which ``oid``'s update contracts (with learning rate ``lr`` in
    place of ``hp``'s when given)."""
    use = hp if lr is None else {**hp, "lr": float(lr)}
    strict = np.array(
        [p.kind == "minimum" and contracts_at(oid, use, p.eigenvalues) for p in points], dtype=bool
    )
    return where[strict], np.flatnonzero(strict)


def basin_map(
    problem: BasinProblem,
    grid: int,
    *,
    retire: bool = True,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BasinMap:
    """The basin map of ``problem`` on a ``grid`` (× ``grid`` in 2-D) of starts."""
    axes, starts = grid_starts(problem.landscape, grid)
    s = settle(problem, starts, retire=retire, cancel=cancel, progress=progress)
    shape = tuple(a.size for a in axes)
    d = problem.landscape.dim
    return BasinMap(
        problem,
        int(grid),
        axes,
        s.labels.reshape(shape),
        s.ends.reshape(shape + (d,)),
        s.steps.reshape(shape),
        s.retired.reshape(shape),
        s.points,
    )


def iter_basin_maps(
    problem: BasinProblem,
    grid: int,
    *,
    levels: Sequence[int] | None = None,
    retire: bool = True,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Iterator[BasinMap]:
    """Basin maps on coarse grids first, then the full ``grid`` (the last one yielded has ``final=True``).

    ``levels`` defaults to :func:`refinement_levels`; ``progress(fraction)`` gets the share of all the
    levels' particle-steps done (before retiring); ``cancel`` is polled before every step.
    """
    levels = list(levels) if levels is not None else refinement_levels(grid)
    if not levels or levels[-1] != grid:
        levels.append(grid)
    d = problem.landscape.dim
    work = [n**d * max(1, problem.steps) for n in levels]
    total, done = float(sum(work)), 0.0
    for i, n in enumerate(levels):
        report = None
        if progress is not None:

            def report(step: int, before: float = done, n: int = n) -> None:
                progress((before + n**d * step) / total)

        m = basin_map(problem, n, retire=retire, cancel=cancel, progress=report)
        done += work[i]
        if progress is not None:
            progress(done / total)
        yield m if i == len(levels) - 1 else BasinMap(**{**m.__dict__, "final": False})
