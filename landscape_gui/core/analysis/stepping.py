"""Stepping particles: the pieces every runner shares — :class:`~landscape_gui.core.analysis.simulation.Simulation`,
the basin maps, random restarts and full-network training step through :func:`advance` — and
:class:`ParticleGroup`, one optimizer's particles with their recorded paths.

:func:`advance` is one optimizer update of N particles at once: the (minibatch) gradient, the optional Gaussian
noise, the update rule; :func:`all_good` / :func:`good_runs` tell the updates that stayed finite.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol, cast

import numpy as np

from landscape_gui.core.data.landscapes import DataLandscape
from landscape_gui.core.data.minibatch import BatchSampler
from landscape_gui.core.landscapes.landscape import Landscape
from landscape_gui.core.optimizers.catalog import Optimizer, get_optimizer
from landscape_gui.core.optimizers.schedules import CONSTANT, Schedule, parse_schedule
from landscape_gui.core.optimizers.spec import State, StepContext
from landscape_gui.core.types import AnyArray, BoolArray, FloatArray, IntArray

__all__ = [
    "DIVERGENCE_LIMIT",
    "Advance",
    "ParticleGroup",
    "advance",
    "all_good",
    "as_schedule",
    "batch_sampler",
    "check_batch_size",
    "good_runs",
    "optimizer_entry",
    "row_norm",
    "select_rows",
    "total_noise",
]

#: A run whose position or loss grows past this (relative to its start's scale) has diverged.
DIVERGENCE_LIMIT = 1e6


class ParticleGroup:
    """The particles of one optimizer: one per start point."""

    loss: FloatArray  #: the loss at each particle, set by the Simulation that steps the group

    def __init__(
        self,
        optimizer: Optimizer,
        hp: Mapping[str, float],
        schedule: Schedule,
        starts: FloatArray,
        rng: np.random.Generator,
        capacity: int | None,
        full_grad: Callable[[FloatArray], FloatArray],
    ) -> None:
        self.optimizer = optimizer
        self.full_grad = full_grad  # ∇J of the whole data, for the status after a minibatch step
        self.hp = optimizer.resolve(hp)
        self.schedule = schedule
        self.schedule_params = schedule.resolved()
        self.lr = schedule.initial(self.hp["lr"])  # in force for the next step
        self.lr_used = array("d")  # the learning rate of each step taken
        self.rng = rng
        n, d = starts.shape
        # Column-major (N, d): each coordinate is one contiguous array, as the landscape's functions take
        # them and return the gradient, so no step transposes anything.
        self.params = np.array(starts, dtype=np.float64, order="F")
        self.state = optimizer.init(self.params)
        self.steps = np.zeros(n, dtype=np.int64)  # steps each particle has taken (frozen once diverged)
        self.alive = np.ones(n, dtype=bool)
        # ‖∇J‖ where the last step was taken and the length of that step: computed when first asked for
        # (statuses, the runs table), from the last gradients and the position before the step
        self.grads: FloatArray | None = None
        self.prev: FloatArray | None = None
        self.last: StepContext | None = None  # the last step, for captions and glyphs
        self.norm_cache: FloatArray | None = np.full(n, np.inf)
        self.move_cache: FloatArray | None = np.full(n, np.inf)
        self.capacity = capacity
        self.stride = 1
        self.t = 0  # steps the group has taken
        self.rec_steps: list[int] = []
        self.rec_pos: FloatArray | None = None  # (rows, d, N): one contiguous copy of the positions per row
        self.rec_loss: FloatArray | None = None
        self.n_rec = 0

    @property
    def grad_norm(self) -> FloatArray:
        if self.norm_cache is None:
            if self.grads is None:  # the last step saw a minibatch: the status looks at the whole data
                assert self.prev is not None  # the caches are emptied by a step, which sets prev
                self.grads = self.full_grad(self.prev)
            self.norm_cache = row_norm(self.grads)
        return self.norm_cache

    @property
    def last_move(self) -> FloatArray:
        if self.move_cache is None:
            assert self.prev is not None  # the caches are emptied by a step, which sets prev
            self.move_cache = row_norm(self.params - self.prev)
        return self.move_cache

    def record(self, loss: FloatArray) -> None:
        n, d = self.params.shape
        if self.rec_pos is None:
            size = 64 if self.capacity is None else self.capacity
            self.rec_pos = np.empty((size, d, n))
            self.rec_loss = np.empty((size, n))
        assert self.rec_loss is not None  # made with rec_pos
        if self.t % self.stride:
            return
        if self.n_rec == self.rec_pos.shape[0]:
            if self.capacity is None:  # unbounded: grow
                self.rec_pos = np.concatenate([self.rec_pos, np.empty_like(self.rec_pos)])
                self.rec_loss = np.concatenate([self.rec_loss, np.empty_like(self.rec_loss)])
            else:  # decimate: keep rows 0, 2, 4, ... and record every other step from now on
                keep = np.arange(0, self.n_rec, 2)
                k = len(keep)
                self.rec_pos[:k] = self.rec_pos[keep]
                self.rec_loss[:k] = self.rec_loss[keep]
                self.rec_steps = [self.rec_steps[i] for i in keep]
                self.n_rec = k
                self.stride *= 2
                if self.t % self.stride:
                    return
        self.rec_pos[self.n_rec] = self.params.T
        self.rec_loss[self.n_rec] = loss
        self.rec_steps.append(self.t)
        self.n_rec += 1


def check_batch_size(landscape: Landscape, batch_size: int | None) -> int | None:
    """``batch_size`` as an int (None stays None); ``ValueError`` on a formula or outside 1 … the samples."""
    if batch_size is None:
        return None
    if not isinstance(landscape, DataLandscape):
        raise ValueError(f"a batch size needs a landscape made of data; {landscape.name!r} is a formula")
    n = landscape.n_samples
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or not 1 <= batch_size <= n:
        raise ValueError(
            f"batch size must be a whole number 1 … {n} (the samples of the data), not {batch_size}"
        )
    return int(batch_size)


def batch_sampler(landscape: Landscape, batch_size: int | None, seed: int) -> BatchSampler | None:
    """The minibatches a :class:`Simulation` with this ``batch_size`` and ``seed`` steps with (one per step,
    shared by all its runs), or None for the whole data (then the full gradient is used as it is)."""
    b = check_batch_size(landscape, batch_size)
    if b is None or not isinstance(landscape, DataLandscape) or b >= landscape.n_samples:  # b: data only
        return None
    return BatchSampler(landscape.n_samples, b, seed)


def total_noise(noise: float, hp: Mapping[str, float]) -> float:
    """σ of the gradient noise of a run: the simulation's ``noise`` and the optimizer's own (sgd's) together."""
    return float(np.hypot(noise, hp.get("noise", 0.0)))


class Surface(Protocol):
    """What :func:`advance` steps on: a :class:`Landscape`, or a network's loss (``core.training``)."""

    def value(self, points: FloatArray, /) -> FloatArray: ...

    def grad(self, points: FloatArray, /) -> FloatArray: ...

    def hessian(self, points: FloatArray, /) -> FloatArray: ...


class BatchedSurface(Surface, Protocol):
    """A :class:`Surface` made of data: its loss over a minibatch as well."""

    def batch_grad(self, points: FloatArray, batch: IntArray | None, /) -> FloatArray: ...

    def batch_hessian(self, points: FloatArray, batch: IntArray | None, /) -> FloatArray: ...


class Advance(NamedTuple):
    """What one step of :func:`advance` computed."""

    new: FloatArray  #: the new parameters
    state: State  #: the optimizer's new state
    loss: FloatArray  #: the loss at the new parameters
    grads: FloatArray  #: the exact gradient at the old parameters
    noisy: FloatArray  #: the gradient the optimizer saw (with the noise added)
    hess: FloatArray | None  #: the Hessian at the old parameters, for optimizers that need it


def advance(
    landscape: Surface,
    optimizer: Optimizer,
    hp: Mapping[str, float],
    params: FloatArray,
    state: State,
    noise: FloatArray | None = None,
    batch: IntArray | None = None,
) -> Advance:
    """One step of every particle: an :class:`Advance` (new params, new state, loss at new, grads at old, ...).

    The arithmetic of a step, shared by :class:`Simulation` and :mod:`landscape_gui.core.analysis.basins` so that both
    compute the same trajectories bit for bit. ``noise`` (the same shape as ``params``, or None) is added to
    the gradient the optimizer sees, in the parameters' column-major layout; the returned ``grads`` are the
    exact ones (of the minibatch ``batch`` of a data landscape, when given). Nothing is checked here: see
    :func:`all_good` and :func:`good_runs`.
    """
    data = cast(BatchedSurface, landscape)  # a batch is given for a surface made of data only
    with np.errstate(all="ignore"):
        grads = landscape.grad(params) if batch is None else data.batch_grad(params, batch)
        noisy = grads if noise is None else np.add(grads, noise, order="F")
        hess = None
        if optimizer.needs_hessian:
            hess = landscape.hessian(params) if batch is None else data.batch_hessian(params, batch)
        new, state = optimizer.update(params, noisy, state, hp, hess)
        loss = landscape.value(new)
    return Advance(new, state, loss, grads, noisy, hess)


def all_good(new: FloatArray, loss: FloatArray, grads: FloatArray) -> bool:
    """Whether every particle's step was good (finite, inside ±DIVERGENCE_LIMIT): one reduction per array
    (a non-finite entry, or an overflow, makes the sum non-finite; NaN fails the comparisons)."""
    with np.errstate(all="ignore"):
        return bool(
            np.isfinite(loss.sum())
            and np.isfinite(grads.sum())
            and new.max(initial=-np.inf) <= DIVERGENCE_LIMIT
            and new.min(initial=np.inf) >= -DIVERGENCE_LIMIT
        )


def good_runs(new: FloatArray, loss: FloatArray, grads: FloatArray) -> BoolArray:
    """Per particle: the step was good (what :func:`all_good` checks, one run at a time)."""
    with np.errstate(all="ignore"):
        good: BoolArray = (
            np.isfinite(loss)
            & np.all(np.isfinite(new), axis=1)
            & np.all(np.abs(new) <= DIVERGENCE_LIMIT, axis=1)
            & np.all(np.isfinite(grads), axis=1)
        )
        return good


def as_schedule(schedule: Schedule | str | None) -> Schedule:
    if schedule is None:
        return CONSTANT
    if isinstance(schedule, Schedule):
        return schedule
    return parse_schedule(schedule)


def optimizer_entry(entry: Sequence[Any]) -> tuple[Optimizer, dict[str, float], Schedule]:
    """``(id, hp)`` or ``(id, hp, schedule)`` as (optimizer, hyperparameters, schedule)."""
    oid, hp, *rest = entry
    if len(rest) > 1:
        raise ValueError(f"an optimizer is (id, hyperparameters[, schedule]), not {entry!r}")
    return get_optimizer(oid), dict(hp or {}), as_schedule(rest[0] if rest else None)


def row_norm(x: FloatArray) -> FloatArray:
    """Euclidean norm of each row of (N, d), column by column: contiguous passes for column-major arrays
    (a numpy reduction along a 2-wide axis is ~10× slower)."""
    sq = x[:, 0] * x[:, 0]
    for j in range(1, x.shape[1]):
        sq += x[:, j] * x[:, j]
    return np.sqrt(sq, out=sq)


def select_rows(mask: BoolArray, new: AnyArray, old: AnyArray) -> AnyArray:
    """Per-particle choice between new and old optimizer state (scalars are shared and taken new)."""
    new = np.asarray(new)
    old = np.asarray(old)
    if new.ndim == 0 or new.shape[:1] != mask.shape:
        return new
    chosen: AnyArray = np.where(mask.reshape(mask.shape + (1,) * (new.ndim - 1)), new, old)
    return chosen
