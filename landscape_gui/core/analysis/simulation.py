"""Simulation: many start points × several optimizers stepped together.

Every start point runs every selected optimizer. The runs of one optimizer form a *group* whose particles
(one per start point) are stepped by a single vectorised call, so 10 000 start points cost one numpy call
per optimizer per step, not 10 000.

Each run has a status:

- ``running``;
- ``converged``: the gradient norm is below ``gtol`` × the landscape's typical gradient and the last step
  moved less than ``xtol`` × (1 + ‖θ‖). The status is re-evaluated at every step (a run stalled at a saddle
  that later escapes goes back to ``running``). Once converged, :attr:`Run.reached` says what it reached:
  ``global_minimum``, ``local_minimum``, ``saddle`` (Hessian with a negative eigenvalue), ``maximum`` or
  ``degenerate`` (an eigenvalue ≈ 0);
- ``diverged``: a step gave a non-finite value or gradient, or a coordinate beyond 1e6 in magnitude. The run
  stops at its last good point, which ends its path: no NaN or inf ever leaves the core.

A running run that crawls (gradient below ``STALL_GRADIENT`` × the landscape's typical gradient) within
``STALL_RADIUS`` × the domain's diagonal of a critical point is *near* it (:attr:`Run.near`): it is still
``running`` (it may yet escape, or converge). With gradient noise a run never crawls; it is near a minimum
when it is within that radius of it. :attr:`Run.oscillating` says that a noiseless running run made no
progress over the last :data:`~landscape_gui.core.analysis.status.WINDOW` steps, :attr:`Run.outside` that it is
outside the landscape's domain and :attr:`Run.at_limit` that the simulation took its ``step_limit``.
:attr:`Run.label` is the status in the lecture's words, as :mod:`landscape_gui.core.analysis.status` defines them all.

Trajectory memory is bounded by **decimation**: each group keeps at most ``max_points`` rows; when the buffer
is full, every second row is dropped (the start is always kept) and from then on only every second step is
recorded, so the path keeps its whole shape at half the resolution. The current position is always exact.
With ``max_points=None`` every step is kept (the ``trace`` command does this).

Each optimizer may have a learning-rate schedule (:mod:`landscape_gui.core.optimizers.schedules`), stepped once after
every optimizer step as torch's is: :meth:`Simulation.lr` is the learning rate in force for the next step and
:meth:`Simulation.lr_history` the one each step used. The slider's ``lr`` is the schedule's base learning
rate; an edit applies from the next step, at the value the schedule would have reached from the new base.
:meth:`Simulation.last_step` holds everything the last step saw and produced (a
:class:`~landscape_gui.core.optimizers.spec.StepContext`), from which captions and glyphs are computed, and
:meth:`Simulation.buffers` the optimizer's state under its declared names.

**Minibatches.** On a landscape made of data (:class:`~landscape_gui.core.data.landscapes.DataLandscape`),
``batch_size=B`` makes every optimizer see, at each step, the mean gradient over a batch of B samples,
drawn as a shuffling data loader draws them (:class:`~landscape_gui.core.data.minibatch.BatchSampler`: a new
permutation each epoch, seeded by ``seed``). All runs of a step see the same batch (:attr:`Simulation.batch`).
The losses recorded and the statuses are those of the whole data. ``batch_size=None`` or the dataset's size is
plain gradient descent on the full loss, bit for bit.

>>> from landscape_gui.core.landscapes.library import get_landscape
>>> sim = Simulation(get_landscape("booth"), [[0.0, 0.0], [5.0, 5.0]], [("gd", {"lr": 0.05})])
>>> sim.step(200)
>>> [run.status for run in sim.runs()]
['converged', 'converged']
>>> sim.runs()[0].reached
'global_minimum'
>>> sim.path(0, 0).shape
(201, 2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from landscape_gui.core.analysis.status import (
    CONVERGED,
    DIVERGED,
    RUNNING,
    WINDOW,
    describe,
    not_improving,
    outside_domain,
    tone,
)
from landscape_gui.core.analysis.stepping import (
    ParticleGroup,
    advance,
    all_good,
    as_schedule,
    batch_sampler,
    check_batch_size,
    good_runs,
    optimizer_entry,
    row_norm,
    select_rows,
    total_noise,
)
from landscape_gui.core.data.landscapes import DataLandscape
from landscape_gui.core.data.minibatch import BatchSampler
from landscape_gui.core.landscapes.landscape import Landscape, as_points
from landscape_gui.core.limits import MAX_SEED
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.optimizers.spec import StepContext
from landscape_gui.core.types import AnyArray, BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    from landscape_gui.core.analysis.critical import CriticalPoint

__all__ = ["CONVERGED", "DIVERGED", "RUNNING", "Run", "Simulation"]

#: A running run slower than this fraction of the typical gradient, this close to a saddle, is stalled.
STALL_GRADIENT = 0.05
STALL_RADIUS = 0.05  # fraction of the domain's diagonal

#: Trajectory memory given to one simulation by default (positions and losses of every run).
DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Run:
    """What the runs table shows for one (optimizer, start point) pair."""

    group: int
    index: int
    optimizer: str
    start: tuple[float, ...]
    step: int
    position: tuple[float, ...]
    loss: float
    grad_norm: float
    status: str
    reached: str | None
    #: For a running run crawling by a critical point, what it is: 'saddle', 'degenerate', 'local_minimum',
    #: 'global_minimum' or 'maximum'; None otherwise.
    near: str | None = None

    #: A noiseless running run whose loss made no progress over the last window (see core/analysis/status.py).
    oscillating: bool = False
    #: The simulation has taken its step limit.
    at_limit: bool = False
    #: The run is outside the landscape's domain (the part the window and the export show).
    outside: bool = False
    #: The run's gradient is noisy (σ > 0).
    noisy: bool = False
    #: A running run whose last step did not move it (a learning rate of 0).
    frozen: bool = False

    @property
    def label(self) -> str:
        """The status in the lecture's words (:func:`landscape_gui.core.analysis.status.describe`)."""
        return describe(self)

    @property
    def tone(self) -> str | None:
        """The status's colour key (:func:`landscape_gui.core.analysis.status.tone`)."""
        return tone(self)


class Simulation:
    """Start points × optimizers, stepped together.

    ``optimizers`` is a sequence of ``(optimizer_id, hyperparameters)`` pairs, or triples with a learning-rate
    schedule third (a :class:`~landscape_gui.core.optimizers.schedules.Schedule`, its text ``"cosine:T_max=100"``, or
    None for a constant lr); the same optimizer may appear twice with different settings (to compare
    learning rates, or a schedule with none). ``noise`` is the σ of Gaussian noise added
    to every gradient of every run (an optimizer's own ``noise`` hyperparameter, as ``sgd`` has, adds to it:
    σ = √(noise² + own²)); ``seed`` makes the noise reproducible, and the minibatches: ``batch_size`` (data
    landscapes only, see the module docstring). ``step_limit`` is only reported (runs that reach it say so,
    :attr:`Run.at_limit`): :meth:`step` takes the steps it is asked for.
    """

    def __init__(
        self,
        landscape: Landscape,
        starts: ArrayLike,
        optimizers: Sequence[
            tuple[str, Mapping[str, float]] | tuple[str, Mapping[str, float], Schedule | str | None]
        ],
        *,
        noise: float = 0.0,
        seed: int = 0,
        max_points: int | None = 0,
        gtol: float = 1e-6,
        xtol: float = 1e-9,
        batch_size: int | None = None,
        step_limit: int | None = None,
    ) -> None:
        self.landscape = landscape
        self.starts, _ = as_points(starts, landscape.dim)
        self.starts = self.starts.copy()
        if not np.isfinite(self.starts).all():
            raise ValueError("start points must be finite numbers")
        self._specs = [optimizer_entry(entry) for entry in optimizers]
        if not np.isfinite(noise) or noise < 0:
            raise ValueError(f"noise σ must be a finite number ≥ 0, not {noise}")
        self.noise = float(noise)
        if not 0 <= int(seed) <= MAX_SEED:
            raise ValueError(f"seed must be an integer 0 … {MAX_SEED}, not {seed}")
        self.seed = int(seed)
        self.batch_size = self._check_batch_size(batch_size)
        n_runs = max(1, len(self.starts) * max(1, len(self._specs)))
        if max_points == 0:  # default: share the memory budget between all runs
            per_point = (landscape.dim + 1) * 8
            max_points = int(np.clip(DEFAULT_MEMORY_BYTES // (n_runs * per_point), 64, 100_000))
        if max_points is not None and max_points < 4:
            raise ValueError("max_points must be at least 4")
        self.max_points = max_points
        self.gtol = gtol
        self.xtol = xtol
        #: Steps the runs are meant to take (the scenario's steps, the window's Max steps); None: no limit.
        self.step_limit = step_limit
        self._grad_scale = self._typical_gradient()
        self._global_value: float | None = None
        self._critical: tuple[list[CriticalPoint], FloatArray] | None = (
            None  # (points, positions), once a run first crawls
        )
        self.reset()

    # -- set-up -------------------------------------------------------------------------------------------
    def _typical_gradient(self) -> float:
        """Median gradient norm over the domain: the scale the convergence tolerance is relative to."""
        axes = [np.linspace(lo, hi, 21) for lo, hi in self.landscape.domain]
        pts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, self.landscape.dim)
        norms = np.linalg.norm(self.landscape.grad(pts), axis=1)
        norms = norms[np.isfinite(norms)]
        return float(max(1.0, np.median(norms))) if norms.size else 1.0

    def _check_batch_size(self, batch_size: int | None) -> int | None:
        return check_batch_size(self.landscape, batch_size)

    def _new_sampler(self) -> BatchSampler | None:
        """Minibatches, or None for the whole data (then the full gradient is used as it is)."""
        return batch_sampler(self.landscape, self.batch_size, self.seed)

    def reset(self) -> None:
        """Back to step 0 at the start points, optimizer state, noise streams and minibatches fresh."""
        self.groups = [
            ParticleGroup(
                opt,
                hp,
                sched,
                self.starts,
                np.random.default_rng([self.seed, g]),
                self.max_points,
                self.landscape.grad,
            )
            for g, (opt, hp, sched) in enumerate(self._specs)
        ]
        self._sampler = self._new_sampler()
        #: The sample indices of the minibatch of the last step (None before it, or with the whole data).
        self.batch: IntArray | None = None
        for group in self.groups:
            group.loss = self.landscape.value(group.params)
            group.alive &= np.isfinite(group.loss)
            group.record(group.loss)

    @property
    def optimizers(self) -> list[tuple[str, dict[str, float]]]:
        return [(g.optimizer.id, dict(g.hp)) for g in self.groups]

    @property
    def schedules(self) -> list[Schedule]:
        """Each optimizer's learning-rate schedule (constant where none was given)."""
        return [g.schedule for g in self.groups]

    def set_hyperparameters(self, group: int, hp: Mapping[str, float]) -> None:
        """Change one optimizer's hyperparameters; they apply from the next step, with no reset.

        A new ``lr`` is the schedule's new base: the next step uses the schedule's value for it.
        """
        g = self.groups[group]
        g.hp = g.optimizer.resolve({**g.hp, **hp})
        self._specs[group] = (g.optimizer, dict(g.hp), g.schedule)
        g.lr = g.hp["lr"] if g.schedule.is_constant else g.schedule.lr_at(g.hp["lr"], g.t + 1)

    def set_schedule(self, group: int, schedule: Schedule | str | None) -> None:
        """Give one optimizer another learning-rate schedule, from the next step (as if it had always had it:
        the next step uses the schedule's value at this step number)."""
        g = self.groups[group]
        g.schedule = as_schedule(schedule)
        g.schedule_params = g.schedule.resolved()
        self._specs[group] = (g.optimizer, dict(g.hp), g.schedule)
        g.lr = g.schedule.lr_at(g.hp["lr"], g.t + 1)

    def lr(self, group: int) -> float:
        """The learning rate in force for one optimizer's next step."""
        return self.groups[group].lr

    def lr_history(self, group: int) -> FloatArray:
        """The learning rate each step of one optimizer used, step 1 first (shape (steps,))."""
        return np.array(self.groups[group].lr_used, dtype=np.float64)

    def last_step(self, group: int) -> StepContext | None:
        """Everything one optimizer's last step saw and produced, for every particle; None before a step.

        Particles that had diverged earlier show a step of zero and their state as it was.
        """
        return self.groups[group].last

    def buffers(self, group: int) -> dict[str, FloatArray]:
        """One optimizer's state buffers in use, by their declared names, shape (starts, d) each.

        The arrays are the simulation's own: read them, do not write into them.
        """
        g = self.groups[group]
        return {b.name: g.state[b.name] for b in g.optimizer.active_buffers(g.hp)}

    def set_noise(self, sigma: float) -> None:
        if not np.isfinite(sigma) or sigma < 0:
            raise ValueError(f"noise σ must be a finite number ≥ 0, not {sigma}")
        self.noise = float(sigma)

    def set_batch_size(self, batch_size: int | None) -> None:
        """Minibatches of this size from the next step on (a new epoch starts); None: the whole data."""
        self.batch_size = self._check_batch_size(batch_size)
        self._sampler = self._new_sampler()
        self.batch = None

    def batch_grid(self, resolution: int = 200, **callbacks: Any) -> tuple[FloatArray, ...]:
        """``(xs, ys, Z)``: the loss of the last step's minibatch over the domain (the whole data's before
        the first step or without minibatches); ``progress``/``cancelled`` as ``DataLandscape.grid``."""
        if not isinstance(self.landscape, DataLandscape):
            raise ValueError(f"{self.landscape.name!r} is a formula: it has no minibatches")
        return self.landscape.batch_grid(self.batch, resolution, **callbacks)

    # -- stepping -----------------------------------------------------------------------------------------
    def step(self, n: int = 1) -> None:
        """Advance every run that has not diverged by ``n`` steps."""
        for _ in range(int(n)):
            batch = None
            if self._sampler is not None:  # one batch per step, the same for every run
                batch = self.batch = self._sampler.next()
            for group in self.groups:
                self._step_group(group, batch)

    def _step_group(self, g: ParticleGroup, batch: IntArray | None = None) -> None:
        sigma = self._sigma(g)
        noise = sigma * g.rng.standard_normal(g.params.shape) if sigma > 0 else None
        hp = g.hp if g.schedule.is_constant else {**g.hp, "lr": g.lr}
        new, state, loss, grads, noisy, hess = advance(
            self.landscape, g.optimizer, hp, g.params, g.state, noise, batch
        )
        fine = g.alive.all() and all_good(new, loss, grads)
        before = g.state
        if fine:
            g.prev, g.grads = g.params, (grads if batch is None else None)  # None: full ∇J when asked
            g.move_cache = g.norm_cache = None  # computed from these when asked for
            g.params, g.state, g.loss = new, state, loss
            g.steps += 1
        else:
            # Runs that went bad stop at their last good point; the others move on.
            ok = g.alive & good_runs(new, loss, grads)
            g.alive &= ok
            g.prev = g.params
            if batch is not None:  # statuses look at the whole data's gradient
                grads = self.landscape.grad(g.params)
            g.move_cache = np.where(ok, row_norm(np.where(ok[:, None], new - g.params, 0.0)), 0.0)
            g.norm_cache = np.where(ok, row_norm(np.where(np.isfinite(grads), grads, 0.0)), g.grad_norm)
            g.params = np.where(ok[:, None], new, g.params)
            g.state = {k: select_rows(ok, v, g.state[k]) for k, v in state.items()}
            g.loss = np.where(ok, loss, g.loss)
            g.steps += ok
        g.t += 1
        g.lr_used.append(hp["lr"])
        if not g.schedule.is_constant:
            g.lr = g.schedule.advance(g.lr, g.t, g.hp["lr"], g.schedule_params)
        g.last = StepContext(g.t, hp, g.prev, g.params, noisy, before, g.state, hess)
        g.record(g.loss)

    # -- results ------------------------------------------------------------------------------------------
    def statuses(self, group: int) -> AnyArray:
        """Status of each run of a group (array of 'running' / 'converged' / 'diverged')."""
        g = self.groups[group]
        scale = 1.0 + row_norm(g.params)
        converged = (g.grad_norm <= self.gtol * self._grad_scale) & (g.last_move <= self.xtol * scale)
        out = np.where(converged, CONVERGED, RUNNING).astype(object)
        out[~g.alive] = DIVERGED
        return out

    def reached(self, group: int) -> list[str | None]:
        """What each converged run reached (None for runs that have not converged)."""
        g = self.groups[group]
        status = self.statuses(group)
        out: list[str | None] = [None] * len(status)
        idx = np.flatnonzero(status == CONVERGED)
        if idx.size:
            kinds = self.classify_points(g.params[idx])
            for i, kind in zip(idx, kinds, strict=True):
                out[i] = kind
        return out

    def near(self, group: int) -> list[str | None]:
        """For each running run that crawls by a critical point, its kind (see the module docs)."""
        return self._near(group)[0]

    def _sigma(self, g: ParticleGroup) -> float:
        return total_noise(self.noise, g.hp)

    def _near(self, group: int) -> tuple[list[str | None], FloatArray]:
        """:meth:`near`, and the value of the critical point each run is near (0 where none)."""
        g = self.groups[group]
        status = self.statuses(group)
        out: list[str | None] = [None] * len(status)
        values = np.zeros(len(status))
        noisy = self._sigma(g) > 0
        slow = status == RUNNING
        if not noisy:  # a noisy gradient never gets small: there, being close to a minimum is enough
            slow &= g.grad_norm <= STALL_GRADIENT * self._grad_scale
        slow = np.flatnonzero(slow)
        points, where = self._critical_points() if slow.size else ([], None)
        if not points:
            return out, values
        assert where is not None  # given with the points
        diagonal = float(np.linalg.norm([hi - lo for lo, hi in self.landscape.domain]))
        chunk = max(1, 2**20 // len(points))  # bounded memory for the (runs × points) distances
        for first in range(0, slow.size, chunk):
            rows = slow[first : first + chunk]
            # per coordinate, summed in order: the same numbers as (offset * offset).sum(axis=2), without
            # numpy's slow reduction over a short last axis (~40 ms a frame at 1000 runs × 441 points)
            sq = np.zeros((rows.size, len(where)))
            for k in range(where.shape[1]):
                offset = g.params[rows, k][:, None] - where[None, :, k]
                sq += offset * offset
            dist = np.sqrt(sq)
            nearest = np.argmin(dist, axis=1)  # the first of equals, as a loop would take it
            for i, k, d in zip(rows, nearest, dist[np.arange(rows.size), nearest], strict=True):
                point = points[k]
                if d <= STALL_RADIUS * diagonal and (point.kind == "minimum" or not noisy):
                    minimum = "global_minimum" if point.is_global else "local_minimum"
                    out[i] = minimum if point.kind == "minimum" else point.kind
                    values[i] = point.value
        return out, values

    def _oscillating(self, group: int, status: AnyArray, ref: FloatArray) -> BoolArray:
        """Noiseless running runs whose loss made no progress over the last window (core/analysis/status.py)."""
        g = self.groups[group]
        running = status == RUNNING
        if self._sigma(g) > 0 or not running.any() or g.rec_loss is None:
            return np.zeros(len(status), dtype=bool)
        steps = np.asarray(g.rec_steps[: g.n_rec], dtype=np.int64)
        window = max(WINDOW, 2 * g.stride)  # at least two recorded rows in each window
        stuck: BoolArray = running & not_improving(steps, g.rec_loss[: g.n_rec], g.t, ref, window)
        return stuck

    def _critical_points(self) -> tuple[list[CriticalPoint], FloatArray]:
        """The landscape's critical points and their positions as one (P, d) array (computed once)."""
        if self._critical is None:
            from landscape_gui.core.analysis.critical import critical_points

            points = critical_points(self.landscape)
            self._critical = (points, np.array([p.position for p in points], dtype=np.float64))
        return self._critical

    def classify_points(self, points: FloatArray) -> list[str]:
        """Classify points where the gradient vanishes from the Hessian's eigenvalues."""
        from landscape_gui.core.analysis.critical import classify

        hess = self.landscape.hessian(points)
        values = self.landscape.value(points)
        finite: BoolArray = np.all(np.isfinite(hess), axis=(1, 2))
        eig = np.full(hess.shape[:2], np.nan)
        if finite.any():
            eig[finite] = np.linalg.eigvalsh(hess[finite])  # one batched call for all points
        scales = np.abs(np.where(finite[:, None, None], hess, 0.0)).max(axis=(1, 2))
        kinds = []
        for ev, scale, v in zip(eig, scales, values, strict=True):
            kind = classify(ev, scale=float(scale))
            if kind == "minimum":
                kind = "global_minimum" if self._is_global(float(v)) else "local_minimum"
            kinds.append(kind)
        return kinds

    def _is_global(self, value: float) -> bool:
        if self._global_value is None:
            from landscape_gui.core.analysis.critical import critical_points

            values = [p.value for p in critical_points(self.landscape) if p.is_global]
            if self.landscape.global_minima:
                values.append(float(np.min(self.landscape.value(np.array(self.landscape.global_minima)))))
            self._global_value = min(values) if values else -np.inf
        return value <= self._global_value + 1e-6 * max(1.0, abs(self._global_value))

    def positions(self) -> FloatArray:
        """Current positions, shape (groups, starts, d)."""
        return np.stack([g.params for g in self.groups]) if self.groups else np.empty((0, 0, 0))

    def losses(self) -> FloatArray:
        """Current losses, shape (groups, starts)."""
        return np.stack([g.loss for g in self.groups]) if self.groups else np.empty((0, 0))

    def step_counts(self) -> IntArray:
        return np.stack([g.steps for g in self.groups]) if self.groups else np.empty((0, 0), dtype=np.int64)

    def grad_norms(self) -> FloatArray:
        return np.stack([g.grad_norm for g in self.groups]) if self.groups else np.empty((0, 0))

    def path(self, group: int, index: int) -> FloatArray:
        """The recorded trajectory of one run, start first; the current position is always the last row."""
        return self._history(group, index)[0]

    def loss_history(self, group: int, index: int) -> tuple[IntArray, FloatArray]:
        """``(steps, losses)`` recorded for one run (same rows as :meth:`path`)."""
        return self._history(group, index)[1:]

    def histories(self, group: int) -> list[tuple[FloatArray, IntArray, FloatArray]]:
        """``(path, steps, losses)`` of every run of a group, as :meth:`path` and :meth:`loss_history` give
        them one run at a time (for a frame of many runs: the recorded steps are looked at once)."""
        g = self.groups[group]
        steps = np.asarray(g.rec_steps[: g.n_rec], dtype=np.int64)
        kept = np.searchsorted(steps, g.steps, side="left")  # rows recorded before each run's last good step
        return [self._run_history(g, i, steps, k) for i, k in enumerate(kept)]

    def _history(self, group: int, index: int) -> tuple[FloatArray, IntArray, FloatArray]:
        g = self.groups[group]
        steps = np.asarray(g.rec_steps[: g.n_rec], dtype=np.int64)
        return self._run_history(g, index, steps, int(np.searchsorted(steps, g.steps[index], side="left")))

    @staticmethod
    def _run_history(
        g: ParticleGroup, i: int, steps: IntArray, k: int
    ) -> tuple[FloatArray, IntArray, FloatArray]:
        """Rows 0 … k − 1 of the record (the steps are recorded in increasing order), then where run i is."""
        assert (
            g.rec_pos is not None and g.rec_loss is not None
        )  # the start is recorded when the group is made
        path = np.concatenate([g.rec_pos[:k, :, i], g.params[i][None]])
        return path, np.append(steps[:k], g.steps[i]), np.append(g.rec_loss[:k, i], g.loss[i])

    def runs(self) -> list[Run]:
        """One :class:`Run` per (optimizer, start point), optimizer-major."""
        out = []
        for gi, g in enumerate(self.groups):
            status = self.statuses(gi)
            reached = self.reached(gi)
            near, ref = self._near(gi)
            oscillating = self._oscillating(gi, status, ref)
            outside = outside_domain(g.params, self.landscape.domain)
            at_limit = self.step_limit is not None and g.t >= self.step_limit
            noisy = self._sigma(g) > 0
            frozen = (status == RUNNING) & (g.steps > 0) & (g.last_move == 0)
            oscillating &= ~frozen  # a run that does not move is not oscillating: its step is zero
            for i in range(len(self.starts)):
                out.append(
                    Run(
                        group=gi,
                        index=i,
                        optimizer=g.optimizer.id,
                        start=tuple(float(c) for c in self.starts[i]),
                        step=int(g.steps[i]),
                        position=tuple(float(c) for c in g.params[i]),
                        loss=float(g.loss[i]),
                        grad_norm=float(g.grad_norm[i]),
                        status=str(status[i]),
                        reached=reached[i],
                        near=near[i],
                        oscillating=bool(oscillating[i]),
                        at_limit=at_limit,
                        outside=bool(outside[i]),
                        noisy=noisy,
                        frozen=bool(frozen[i]),
                    )
                )
        return out
