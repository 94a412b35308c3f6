"""Training a network in all its parameters with the app's optimizers, the full-data loss at every step.

:func:`train` runs each optimizer from the same start θ₀ for the same number of steps, every step through
:func:`~landscape_gui.core.analysis.simulation.advance` — the one update path of the app — with the
optimizer's learning-rate schedule stepped after each step, minibatches drawn by
:class:`~landscape_gui.core.data.minibatch.BatchSampler` and the optimizer's own gradient noise (``sgd``'s
``noise``), all exactly as :class:`~landscape_gui.core.analysis.simulation.Simulation` does them:

- θ₀ is ``problem.init(seed)`` unless given;
- with ``batch_size`` B below the number of samples, every optimizer sees, at step t, the t-th batch of
  ``BatchSampler(n, B, seed)`` (so all of them see the same batches, as the runs of a simulation do);
- the gradient noise of optimizer k (σ = its ``noise`` hyperparameter, 0 for all but ``sgd``) is drawn from
  ``numpy.random.default_rng([seed, k])``, as the simulation's group k.

Each run records θ at every step (the path, (T + 1) × P), the full-data loss and accuracy at every step, the
learning rate each step used and, every ``every`` steps, the sharpness λmax (the largest eigenvalue of the
exact Hessian of the full-data loss). A step that gives a non-finite loss or gradient, or a parameter beyond
±10⁶, ends its run at the last good point (``status`` ``"diverged"``), as in a simulation.

>>> from landscape_gui.core.training.problem import mlp_slice_problem
>>> out = train(mlp_slice_problem(), [("gd", {"lr": 0.5}), ("adam", {"lr": 0.01})], steps=100, seed=0)
>>> [run.optimizer for run in out.runs], out.runs[0].path.shape
(['gd', 'adam'], (101, 354))
>>> bool(out.runs[1].loss[-1] < out.runs[1].loss[0])
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from landscape_gui.core.analysis.stepping import advance, all_good, optimizer_entry, total_noise
from landscape_gui.core.data.minibatch import BatchSampler
from landscape_gui.core.limits import MAX_SEED, MAX_STEPS, MAX_TRACE_POINTS
from landscape_gui.core.optimizers.catalog import Optimizer
from landscape_gui.core.optimizers.schedules import Schedule
from landscape_gui.core.training.problem import NetworkLoss

__all__ = [
    "MAX_HESSIANS",
    "MAX_TRAIN_FLOATS",
    "TrainedRun",
    "Training",
    "TrainingCancelled",
    "check_training_size",
    "default_every",
    "train",
]

#: Numbers one training may record (paths, losses and accuracies of all runs): the memory of the longest
#: ``trace`` (4 000 000 points × (x, y, loss)), ~96 MB of float64.
MAX_TRAIN_FLOATS = 3 * MAX_TRACE_POINTS
#: Exact P × P Hessians one training may compute (sharpness points, and every step of a Newton method):
#: ~40 ms each for P = 354.
MAX_HESSIANS = 2000
#: Sharpness points :func:`default_every` aims at.
DEFAULT_SHARPNESS_POINTS = 50
#: Steps between two calls of the progress and cancel callbacks.
REPORT_EVERY = 25

Progress = Callable[[int, int], None]


class TrainingCancelled(Exception):
    """Training was cancelled by its ``cancelled()`` check."""


@dataclass(frozen=True, eq=False)
class TrainedRun:
    """One optimizer's training: arrays over the steps 0 … T (T = ``steps``, fewer when it diverged)."""

    optimizer: str
    #: every hyperparameter, resolved (the base lr of the schedule)
    params: dict[str, float]
    schedule: Schedule
    #: σ of the gradient noise (the optimizer's own ``noise``; 0 for all but ``sgd``)
    noise: float
    #: θ at each step, θ₀ first: (T + 1, P)
    path: np.ndarray
    #: the full-data loss at each θ: (T + 1,)
    loss: np.ndarray
    #: the share of the data classified right at each θ: (T + 1,)
    accuracy: np.ndarray
    #: the learning rate each step used: (T,)
    lr: np.ndarray
    #: ``[step, λmax]`` rows, every ``every`` steps from step 0: (M, 2); empty without ``every``
    sharpness: np.ndarray
    status: str = "finished"

    @property
    def steps(self) -> int:
        """Steps taken (the requested number, unless the run diverged)."""
        return len(self.loss) - 1

    def stability_edge(self) -> np.ndarray:
        """2/lr at each sharpness row (the lr of the step taken there; the last step's lr past the end):
        plain gradient descent on a quadratic is stable iff λmax < 2/lr."""
        if not len(self.sharpness):
            return np.empty(0)
        if not len(self.lr):
            return np.full(len(self.sharpness), 2.0 / self.params["lr"])
        idx = np.minimum(self.sharpness[:, 0].astype(np.intp), len(self.lr) - 1)
        return 2.0 / self.lr[idx]


@dataclass(frozen=True, eq=False)
class Training:
    """Several optimizers trained from one start θ₀ on one problem."""

    problem: NetworkLoss
    theta0: np.ndarray
    seed: int
    batch_size: int | None
    steps: int
    every: int | None
    runs: tuple[TrainedRun, ...] = field(default_factory=tuple)


def default_every(steps: int) -> int:
    """Steps between two sharpness points when none is asked: about :data:`DEFAULT_SHARPNESS_POINTS`."""
    return max(1, math.ceil(steps / DEFAULT_SHARPNESS_POINTS))


def check_training_size(
    steps: int, n_parameters: int, runs: int = 1, every: int | None = None, hessian_steps: int = 0
) -> str | None:
    """Why this training cannot run, or None when it can: ``steps`` 1 … MAX_STEPS, the recorded numbers
    within :data:`MAX_TRAIN_FLOATS`, the Hessians (sharpness points of each run, and ``hessian_steps``
    steps of optimizers that need one each step) within :data:`MAX_HESSIANS`."""
    if not 1 <= steps <= MAX_STEPS:
        return f"--steps must be 1 … {MAX_STEPS} (a path is needed for its plane), not {steps}"
    if every is not None and not 1 <= every <= MAX_STEPS:
        return f"--every must be 1 … {MAX_STEPS}, not {every}"
    floats = runs * (steps + 1) * (n_parameters + 2)
    if floats > MAX_TRAIN_FLOATS:
        most = MAX_TRAIN_FLOATS // (runs * (n_parameters + 2)) - 1
        return (
            f"{steps} steps of {runs} run(s) of {n_parameters} parameters are too long a training: at most "
            f"{most} steps (every θ is kept, {MAX_TRAIN_FLOATS} numbers in all)"
        )
    hessians = (runs * (steps // every + 1) if every else 0) + hessian_steps
    if hessians > MAX_HESSIANS:
        return (
            f"{hessians} exact Hessians (sharpness every {every} steps, Newton steps) are too many: at most "
            f"{MAX_HESSIANS} in one training (a larger --every computes fewer)"
        )
    return None


def _spec(entry: Sequence[Any]) -> tuple[Optimizer, dict[str, float], Schedule]:
    """``(id, hp)`` or ``(id, hp, schedule)``: the optimizer, its resolved hyperparameters and schedule."""
    optimizer, hp, schedule = optimizer_entry(entry)
    return optimizer, optimizer.resolve(hp), schedule


def train(
    problem: NetworkLoss,
    optimizers: Sequence[tuple[Any, ...]],
    *,
    steps: int,
    seed: int = 0,
    theta0: np.ndarray | None = None,
    batch_size: int | None = None,
    every: int | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Training:
    """Train ``problem`` with each of ``optimizers`` (``(id, hyperparameters[, schedule])``, as a
    :class:`~landscape_gui.core.analysis.simulation.Simulation` takes them) for ``steps`` steps from θ₀.

    ``every`` k computes the sharpness at steps 0, k, 2k, … (None: none). ``progress(done, total)`` is
    called every few steps (done and total count steps of all runs, then the sharpness points) and
    ``cancelled()`` asked as often: True raises :class:`TrainingCancelled`. ``ValueError`` (one line) for a
    bad optimizer, hyperparameter, schedule, batch size, seed or size.
    """
    specs = [_spec(entry) for entry in optimizers]
    if not specs:
        raise ValueError("give at least one optimizer")
    steps = int(steps)
    if isinstance(seed, bool) or int(seed) != seed or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be an integer 0 … {MAX_SEED}, not {seed}")
    n = problem.n_samples
    if batch_size is not None and (
        isinstance(batch_size, bool) or int(batch_size) != batch_size or not 1 <= batch_size <= n
    ):
        raise ValueError(
            f"batch size must be a whole number 1 … {n} (the samples of the data), not {batch_size}"
        )
    newton_steps = steps * sum(opt.needs_hessian for opt, _, _ in specs)
    problem_text = check_training_size(steps, problem.n_parameters, len(specs), every, newton_steps)
    if problem_text:
        raise ValueError(problem_text)
    theta0 = problem.init(int(seed)) if theta0 is None else np.array(theta0, dtype=np.float64)
    if theta0.shape != (problem.n_parameters,) or not np.isfinite(theta0).all():
        raise ValueError(f"θ₀ must be {problem.n_parameters} finite numbers")
    theta0.flags.writeable = False
    points = (steps // every + 1) * len(specs) if every else 0
    total = steps * len(specs) + points
    counter = _Counter(total, progress, cancelled)
    runs = []
    for k, (opt, hp, schedule) in enumerate(specs):
        runs.append(_train_one(problem, opt, hp, schedule, k, theta0, steps, int(seed), batch_size, counter))
    if every:
        runs = [_with_sharpness(problem, run, int(every), steps, counter) for run in runs]
    return Training(problem, theta0, int(seed), batch_size, steps, every, tuple(runs))


class _Counter:
    """Progress over the whole training, and the cancel check."""

    def __init__(self, total: int, progress: Progress | None, cancelled: Callable[[], bool] | None):
        self.total, self.done = total, 0
        self.progress, self.cancelled = progress, cancelled

    def add(self, n: int = 1) -> None:
        self.done += n
        if self.cancelled is not None and self.cancelled():
            raise TrainingCancelled("training cancelled")
        if self.progress is not None:
            self.progress(self.done, self.total)


def _train_one(
    problem: NetworkLoss,
    opt: Optimizer,
    hp: dict[str, float],
    schedule: Schedule,
    k: int,
    theta0: np.ndarray,
    steps: int,
    seed: int,
    batch_size: int | None,
    counter: _Counter,
) -> TrainedRun:
    sampler = None
    if batch_size is not None and batch_size < problem.n_samples:
        sampler = BatchSampler(problem.n_samples, batch_size, seed)
    rng = np.random.default_rng([seed, k])
    sigma = total_noise(0.0, hp)
    schedule_params = schedule.resolved()
    lr = schedule.initial(hp["lr"])
    params = theta0[None].copy()
    state = opt.init(params)
    path = np.empty((steps + 1, problem.n_parameters))
    loss = np.empty(steps + 1)
    accuracy = np.empty(steps + 1)
    lrs = np.empty(steps)
    path[0] = theta0
    loss[0] = problem.value(params)[0]
    accuracy[0] = problem.accuracy(theta0)
    status, t = "finished", 0
    while t < steps:
        batch = sampler.next() if sampler is not None else None
        noise = sigma * rng.standard_normal(params.shape) if sigma > 0 else None
        hp_t = hp if schedule.is_constant else {**hp, "lr": lr}
        step = advance(problem, opt, hp_t, params, state, noise, batch)
        if not all_good(step.new, step.loss, step.grads):
            status = "diverged"
            break
        params, state = step.new, step.state
        t += 1
        path[t] = params[0]
        loss[t] = step.loss[0]
        accuracy[t] = problem.accuracy(params[0])
        lrs[t - 1] = hp_t["lr"]
        if not schedule.is_constant:
            lr = schedule.advance(lr, t, hp["lr"], schedule_params)
        if t % REPORT_EVERY == 0:
            counter.add(REPORT_EVERY)
    counter.add(steps - (t - t % REPORT_EVERY))  # the remainder, and a diverged run's steps not taken
    path = path[: t + 1]
    path.flags.writeable = False
    return TrainedRun(
        optimizer=opt.id,
        params=dict(hp),
        schedule=schedule,
        noise=sigma,
        path=path,
        loss=loss[: t + 1],
        accuracy=accuracy[: t + 1],
        lr=lrs[:t],
        sharpness=np.empty((0, 2)),
        status=status,
    )


def _with_sharpness(
    problem: NetworkLoss, run: TrainedRun, every: int, steps: int, counter: _Counter
) -> TrainedRun:
    """``run`` with λmax at steps 0, every, 2·every, … of its path."""
    rows = []
    for s in range(0, run.steps + 1, every):
        rows.append((float(s), problem.sharpness(run.path[s])))
        counter.add()
    counter.add(len(range(0, steps + 1, every)) - len(rows))  # the points a diverged run never reached
    return replace(run, sharpness=np.array(rows, dtype=np.float64).reshape(-1, 2))
